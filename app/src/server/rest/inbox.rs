//! What the token's person reads about their work: their notifications, and the audit log
//! (owners and auditors of the tenant; every tenant's for a platform token), through the
//! notifications and audit log pages' services.

use axum::{extract::State, Json};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    body::QueryParams,
    caller::Caller,
    paging::{self, Page, PageParams},
    problem::ApiResult,
};
use crate::error::AppError;
use crate::server::{
    audit_log::{self, AuditReader},
    requests::{self, Viewer},
    state::AppState,
    time_zone::PersonZone,
};
use crate::wire::audit_log::AuditFilter;

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiNotification {
    pub id: i64,
    /// The request it is about, if any.
    pub request_id: Option<i64>,
    pub text: String,
    /// Unix seconds.
    pub created_at: i64,
    pub read: bool,
}

/// Paging of the notifications.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct NotificationsQuery {
    /// Rows per page, 1 to 100 (50 unless given).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

fn bad_cursor() -> AppError {
    AppError::validation(
        "cursor",
        "This cursor is not one this API gave; start again without it.",
    )
}

/// A cursor holding one number under a tag.
fn encode(tag: &str, n: i64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{tag}:{n}"))
}

fn decode(tag: &str, cursor: Option<&str>) -> Result<Option<i64>, AppError> {
    let Some(cursor) = cursor.map(str::trim).filter(|c| !c.is_empty()) else {
        return Ok(None);
    };
    URL_SAFE_NO_PAD
        .decode(cursor)
        .ok()
        .and_then(|b| String::from_utf8(b).ok())
        .and_then(|t| {
            t.strip_prefix(&format!("{tag}:"))
                .and_then(|n| n.parse().ok())
        })
        .filter(|n: &i64| (0..=i64::from(u32::MAX)).contains(n))
        .map(Some)
        .ok_or_else(bad_cursor)
}

/// The token's person's notifications, newest first, a page at a time: a tenant token's those of
/// its tenant (and, for a member, of their projects), a platform token's those of the platform.
#[utoipa::path(get, path = "/notifications", tag = "notifications",
    params(NotificationsQuery),
    responses((status = 200, description = "One page", body = Page<ApiNotification>)),
    security(("bearer" = [])))]
pub async fn list_notifications(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<NotificationsQuery>,
) -> ApiResult<Json<Page<ApiNotification>>> {
    let viewer = caller.viewer(&state).await?;
    let window = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .window()?;
    let utc = PersonZone::named("UTC").map_err(|_| AppError::Internal)?;
    let (rows, more) =
        requests::notifications_at(&state, &viewer, window.offset, window.limit, &utc).await?;
    let items = rows
        .into_iter()
        .map(|n| ApiNotification {
            id: n.id,
            request_id: n.request_id,
            text: n.text,
            created_at: n.created_at.unix,
            read: n.read,
        })
        .collect();
    Ok(Json(Page::new(items, window, more)))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MarkedRead {
    /// How many were unread.
    pub marked: u64,
}

/// Marks the token's person's notifications as read (a write token, or any platform token's
/// person's own).
#[utoipa::path(post, path = "/notifications/read", tag = "notifications",
    responses((status = 200, description = "How many were unread", body = MarkedRead)),
    security(("bearer" = [])))]
pub async fn mark_read(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<MarkedRead>> {
    // Marking read writes: a tenant token needs the write scope (an auditor's own notifications
    // are theirs to mark, but not through a read-only token).
    let viewer = match caller.0.tenant() {
        Some(_) => Viewer::Tenant(
            caller
                .0
                .in_tenant(&state, crate::server::TenantAccess::Read)
                .await?,
        ),
        None => Viewer::Admin(caller.0.as_platform_admin(false)?),
    };
    if caller.0.scope() == crate::domain::api_tokens::TokenScope::Read {
        return Err(AppError::Forbidden.into());
    }
    let marked = requests::mark_notifications_read(&state, &viewer).await?;
    Ok(Json(MarkedRead { marked }))
}

/// The audit log's filters.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct AuditQuery {
    /// An event name (`request_submitted`, `api_token_created`…).
    pub event: Option<String>,
    /// `success` or `failure`.
    pub outcome: Option<String>,
    /// An organisation's slug (platform tokens only).
    pub tenant: Option<String>,
    /// The first day, `YYYY-MM-DD` (UTC).
    #[param(format = Date)]
    pub from: Option<String>,
    /// The last day, `YYYY-MM-DD` (UTC).
    #[param(format = Date)]
    pub to: Option<String>,
    /// Events per page, 1 to 100 (50 unless given).
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    /// The `next_cursor` of the previous page.
    pub cursor: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAuditEvent {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub event: String,
    pub success: bool,
    pub actor_email: Option<String>,
    pub tenant: Option<String>,
    pub client_ip: Option<String>,
    /// The event's details.
    pub detail: serde_json::Value,
}

/// The audit log, newest first: a tenant token's owners and auditors read their tenant's, a
/// platform token every tenant's; members are refused.
#[utoipa::path(get, path = "/audit-log", tag = "audit",
    params(AuditQuery),
    responses((status = 200, description = "One page", body = Page<ApiAuditEvent>)),
    security(("bearer" = [])))]
pub async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<AuditQuery>,
) -> ApiResult<Json<Page<ApiAuditEvent>>> {
    let reader = match caller.viewer(&state).await? {
        Viewer::Admin(admin) => AuditReader::Platform(admin),
        Viewer::Tenant(actor) => AuditReader::tenant(actor)?,
    };
    let before = decode("a1", query.cursor.as_deref())?;
    let limit = paging::limit(query.limit)?;
    // A day given empty is no day: the page's form may send one, a program means something.
    for (field, day) in [("from", &query.from), ("to", &query.to)] {
        if day.as_deref().is_some_and(|d| d.trim().is_empty()) {
            return Err(AppError::validation(field, "Write the day as YYYY-MM-DD.").into());
        }
    }
    let filter = AuditFilter::parse(
        query.event.as_deref(),
        query.outcome.as_deref(),
        query.tenant.as_deref(),
        before,
        (query.from.as_deref(), query.to.as_deref()),
    )?;
    // Days are UTC days for programs.
    let utc = PersonZone::named("UTC").map_err(|_| AppError::Internal)?;
    let page = audit_log::read(&state, &reader, &filter, &utc, limit).await?;
    let items = page
        .entries
        .into_iter()
        .map(|e| ApiAuditEvent {
            id: e.id,
            at: e.at.unix,
            event: e.event,
            success: e.success,
            actor_email: e.actor_email,
            tenant: e.tenant_slug,
            client_ip: e.client_ip,
            detail: serde_json::from_str(&e.detail).unwrap_or(serde_json::Value::Null),
        })
        .collect();
    Ok(Json(Page {
        items,
        next_cursor: page.older_than.map(|id| encode("a1", id)),
    }))
}
