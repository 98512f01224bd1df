//! The browser's side of federated sign-in: three routes, thin edges over [`super::start`] and
//! [`super::finish`]. They are plain HTTP (a form posted, a redirect followed), so they work
//! without the wasm.
//!
//! - `POST /auth/oidc/{provider}` (form `next`): sign in with the provider.
//! - `POST /auth/oidc/{provider}/link`: link the provider to the signed-in person's account.
//! - `GET /auth/oidc/{provider}/callback`: where the provider sends the browser back.
//!
//! Posting keeps starting a flow a same-origin change (`security::protect`). A failure sends the
//! browser to the sign-in page (or the account page, for a link) with `?oidc=<failure>`, which
//! the page says in words.

use axum::{
    extract::{Path, Query, State},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Extension, Form, Router,
};
use http::{header, HeaderMap, Uri};
use serde::Deserialize;
use tower_sessions::Session;

use super::{Callback, Failure, Finished, FlowError, Purpose};
use crate::server::{
    auth::CurrentUser, context::RequestContext, security::ClientIp, state::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/oidc/{provider}", post(sign_in))
        .route("/auth/oidc/{provider}/link", post(link))
        .route("/auth/oidc/{provider}/callback", get(callback))
}

#[derive(Debug, Default, Deserialize)]
struct StartForm {
    next: Option<String>,
}

/// Where a failure is told: the sign-in page, or the account page for a link.
fn failure_page(purpose: Option<&Purpose>, failure: Failure) -> String {
    match purpose {
        Some(Purpose::Link { .. }) => format!("/account?oidc={}#sign-in-methods", failure.as_str()),
        _ => format!("/login?oidc={}", failure.as_str()),
    }
}

fn context(state: AppState, session: Session, ip: Option<Extension<ClientIp>>) -> RequestContext {
    RequestContext {
        state,
        session,
        client_ip: ip.and_then(|Extension(ip)| ip.as_string()),
    }
}

fn origin(state: &AppState, headers: &HeaderMap, uri: &Uri) -> String {
    crate::server::security::expected_origin_of(headers, uri, &state.config)
        .map(|o| o.to_string())
        .unwrap_or_default()
}

/// Sends the browser to the provider, or back with why not.
async fn go(ctx: RequestContext, origin: String, provider: String, purpose: Purpose) -> Response {
    let failure_to = failure_page(Some(&purpose), Failure::Unavailable);
    match super::start(&ctx, &origin, &provider, purpose).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(FlowError::Failed(_)) => Redirect::to(&failure_to).into_response(),
        Err(FlowError::Service(e)) => crate::error::AppError::from(e).into_response(),
    }
}

async fn sign_in(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    session: Session,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    uri: Uri,
    Form(form): Form<StartForm>,
) -> Response {
    let origin = origin(&state, &headers, &uri);
    let next = crate::features::identity::safe_next(form.next.as_deref());
    go(
        context(state, session, ip),
        origin,
        provider,
        Purpose::SignIn { next },
    )
    .await
}

async fn link(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    session: Session,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    uri: Uri,
    user: Result<CurrentUser, crate::error::AppError>,
) -> Response {
    let Ok(user) = user else {
        return Redirect::to("/login?next=/account").into_response();
    };
    let origin = origin(&state, &headers, &uri);
    let purpose = Purpose::Link {
        user_id: user.user_id(),
    };
    go(context(state, session, ip), origin, provider, purpose).await
}

async fn callback(
    State(state): State<AppState>,
    Path(provider): Path<String>,
    session: Session,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    uri: Uri,
    Query(query): Query<Callback>,
) -> Response {
    let tls = state.config.tls;
    let origin = origin(&state, &headers, &uri);
    let ctx = context(state, session, ip);
    let purpose = super::waiting_purpose(&ctx).await;
    match super::finish(&ctx, &origin, &provider, &query).await {
        Ok(Finished::SignedIn { next, language }) => {
            let mut response = Redirect::to(&next).into_response();
            if let Some(language) = language {
                response.headers_mut().append(
                    header::SET_COOKIE,
                    crate::server::locale::cookie(language, tls),
                );
            }
            response
        }
        Ok(Finished::SecondFactor { next }) => {
            Redirect::to(&crate::features::identity::code_page(Some(&next))).into_response()
        }
        Ok(Finished::Linked) => Redirect::to("/account?linked=1#sign-in-methods").into_response(),
        Err(FlowError::Failed(failure)) => {
            Redirect::to(&failure_page(purpose.as_ref(), failure)).into_response()
        }
        Err(FlowError::Service(e)) => crate::error::AppError::from(e).into_response(),
    }
}
