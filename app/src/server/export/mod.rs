//! CSV exports of the lists a person can see: `/requests.csv`, `/quotas.csv`,
//! `/admin/requests.csv` and `/audit.csv`. Each is a plain GET taking the same query string as
//! its page, checked like the page's server function (the same actor checks), and reading
//! through the same service as the page, page after page: the filters and who sees what are
//! decided in one place. Refusals are answered as the portal's error page, with their status,
//! and logged and counted like any other refusal.

mod csv_file;
mod lists;

use axum::{
    extract::{Query, State},
    response::Response,
    routing::get,
    Router,
};

use crate::error::AppError;
use crate::server::{
    access::{target_of, Denial},
    auth::CurrentUser,
    error::{error_page, ServiceResult},
    state::AppState,
};

pub use csv_file::{defused, Cell, CsvFile};
pub use lists::{AuditQuery, QueueQuery, RequestsQuery};

/// The most rows one export holds (a list is read a page at a time until it ends or reaches
/// this): far more than any list a person scrolls, and a bound on what one click may cost.
pub const MAX_EXPORT_ROWS: usize = 10_000;

/// The export routes, merged into the portal's router.
pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/requests.csv", get(requests_csv))
        .route("/quotas.csv", get(quotas_csv))
        .route("/admin/requests.csv", get(queue_csv))
        .route("/audit.csv", get(audit_csv))
}

/// The response to a refused or failed export: the error page in words, with the error's
/// status; a refusal is logged and counted (`access`).
fn refused(state: &AppState, error: AppError, actor: Option<i64>, path: &str) -> Response {
    if let Some(denial) = Denial::of(&error) {
        state.denials.record(denial, actor, path, target_of(path));
    }
    error_page(&error)
}

/// Answers the export `make` builds for the signed-in person, or the refusal.
async fn export<F, Fut>(
    state: AppState,
    user: Result<CurrentUser, AppError>,
    path: &'static str,
    make: F,
) -> Response
where
    F: FnOnce(AppState, CurrentUser) -> Fut,
    Fut: std::future::Future<Output = ServiceResult<Response>>,
{
    let user = match user {
        Ok(user) => user,
        Err(e) => return refused(&state, e, None, path),
    };
    let actor = Some(user.user_id());
    match make(state.clone(), user).await {
        Ok(response) => response,
        Err(e) => refused(&state, e.into(), actor, path),
    }
}

async fn requests_csv(
    State(state): State<AppState>,
    user: Result<CurrentUser, AppError>,
    Query(query): Query<RequestsQuery>,
) -> Response {
    export(state, user, "/requests.csv", |state, user| async move {
        lists::requests(&state, &user, &query, lists::RequestList::Requests).await
    })
    .await
}

async fn quotas_csv(
    State(state): State<AppState>,
    user: Result<CurrentUser, AppError>,
    Query(query): Query<RequestsQuery>,
) -> Response {
    export(state, user, "/quotas.csv", |state, user| async move {
        lists::requests(&state, &user, &query, lists::RequestList::Quotas).await
    })
    .await
}

async fn queue_csv(
    State(state): State<AppState>,
    user: Result<CurrentUser, AppError>,
    Query(query): Query<QueueQuery>,
) -> Response {
    export(
        state,
        user,
        "/admin/requests.csv",
        |state, user| async move { lists::queue(&state, &user, &query).await },
    )
    .await
}

async fn audit_csv(
    State(state): State<AppState>,
    user: Result<CurrentUser, AppError>,
    Query(query): Query<AuditQuery>,
) -> Response {
    export(state, user, "/audit.csv", |state, user| async move {
        lists::audit(&state, &user, &query).await
    })
    .await
}

/// A file name for an export made today: `{what}-2026-12-05.csv`.
fn file_name(what: &str) -> String {
    format!("{what}-{}.csv", crate::server::requests::today())
}
