//! Server functions for quota requests: thin adapters over `crate::server::requests`.

// A server function takes its form's fields as arguments; the request form has many.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::{FormOptions, NotificationItem, Paged, QueueRow, RequestDetail, RequestSummary};
use crate::error::AppError;

/// Reads a request id from a form field.
#[cfg(feature = "ssr")]
fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.trim().parse::<i64>().map_err(|_| AppError::NotFound)
}

/// One page of the active tenant's requests and quotas (members, owners and auditors), filtered
/// by status and words of the title, site or model, sorted by a column (`sort`, `dir=desc`).
#[server(prefix = "/api", endpoint = "list_requests")]
pub async fn list_requests(
    status: Option<String>,
    search: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
) -> Result<Paged<RequestSummary>, AppError> {
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let actor = respond(user.in_tenant())?;
    let filter = requests::RequestFilter {
        status,
        search,
        ..list_order(sort, dir)
    };
    respond(requests::list_for_tenant(&ctx.state, &actor, &filter, page_number(page)).await)
}

/// The order a list page asked for; newest first unless told otherwise.
#[cfg(feature = "ssr")]
fn list_order(sort: Option<String>, dir: Option<String>) -> crate::server::requests::RequestFilter {
    use crate::server::requests::{RequestFilter, SortColumn};
    let sort = sort.as_deref().map(SortColumn::parse).unwrap_or_default();
    let descending = match dir.as_deref() {
        Some("asc") => false,
        Some("desc") => true,
        _ => sort == SortColumn::Id,
    };
    RequestFilter {
        sort,
        descending,
        ..RequestFilter::default()
    }
}

/// A page number from the URL (from 0); anything else is the first page.
#[cfg(feature = "ssr")]
fn page_number(page: Option<String>) -> u32 {
    page.and_then(|p| p.trim().parse().ok())
        .unwrap_or(0)
        .min(10_000)
}

/// One request with its timeline: of the active tenant, or any for a platform admin acting
/// outside a tenant.
#[server(prefix = "/api", endpoint = "get_request")]
pub async fn get_request(id: String) -> Result<RequestDetail, AppError> {
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let id = respond(parse_id(&id))?;
    match user.in_tenant() {
        Ok(actor) => respond(requests::detail_for_tenant(&ctx.state, &actor, id).await),
        Err(e) => match user.as_platform_admin() {
            Ok(admin) => respond(requests::detail_for_admin(&ctx.state, &admin, id).await),
            Err(_) => respond(Err(e)),
        },
    }
}

/// What the request form offers for a classification, model and window: each site's eligibility
/// and free GPUs, and a fresh idempotency key.
#[server(prefix = "/api", endpoint = "request_form_options")]
pub async fn request_form_options(
    classification: String,
    gpu_model: String,
    start_date: String,
    end_date: String,
    confidential_waiver: Option<String>,
) -> Result<FormOptions, AppError> {
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let actor = respond(user.in_tenant_writer())?;
    respond(
        requests::form_options(
            &ctx.state,
            &actor,
            &classification,
            &gpu_model,
            &start_date,
            &end_date,
            confidential_waiver.is_some(),
        )
        .await,
    )
}

/// Saves a draft (new, or an existing one by `id`) and, when `intent` is "submit", submits it.
/// The same `idempotency_key` never creates two requests.
#[server(prefix = "/api", endpoint = "save_request")]
pub async fn save_request(
    id: Option<String>,
    idempotency_key: String,
    project_title: String,
    justification: String,
    sector: String,
    classification: String,
    confidential_waiver: Option<String>,
    site: String,
    gpu_model: String,
    gpus: String,
    start_date: String,
    end_date: String,
    expected_gpu_hours: Option<String>,
    intent: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let actor = respond(user.in_tenant_writer())?;
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(respond(parse_id(raw))?),
        None => None,
    };
    let input = requests::DraftInput {
        id,
        idempotency_key,
        project_title,
        justification,
        sector,
        classification,
        confidential_waiver: confidential_waiver.is_some(),
        site,
        gpu_model,
        gpus,
        start_date,
        end_date,
        expected_gpu_hours: expected_gpu_hours.unwrap_or_default(),
    };
    let submit = intent.as_deref() == Some("submit");
    let id = respond(
        requests::save_request(&ctx.state, &actor, &input, submit, ctx.client_ip.as_deref()).await,
    )?;
    if intent
        .as_deref()
        .is_some_and(|i| i == "submit" || i == "draft")
        && !is_script_call()
    {
        leptos_axum::redirect(&format!("/requests/{id}"));
    }
    Ok(id)
}

/// Asks for a change (`kind=change`: more GPUs and/or a later end) or a renewal (`kind=renewal`:
/// a new window from the quota's end) of one of the tenant's approved quotas; members and owners.
/// The new request is submitted at once and goes through the same review.
#[server(prefix = "/api", endpoint = "amend_quota")]
pub async fn amend_quota(
    id: String,
    kind: String,
    idempotency_key: String,
    gpus: Option<String>,
    end_date: Option<String>,
    justification: Option<String>,
) -> Result<i64, AppError> {
    use crate::domain::lifecycle::RequestKind;
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let actor = respond(user.in_tenant_writer())?;
    let id = respond(parse_id(&id))?;
    let kind = match RequestKind::parse(&kind) {
        Ok(k @ (RequestKind::Change | RequestKind::Renewal)) => k,
        _ => {
            return respond(Err(AppError::validation(
                "kind",
                "Choose a change or a renewal.",
            )))
        }
    };
    let input = requests::AmendInput {
        idempotency_key,
        gpus: gpus.unwrap_or_default(),
        end_date: end_date.unwrap_or_default(),
        justification: justification.unwrap_or_default(),
    };
    let new_id = respond(
        requests::amend_request(
            &ctx.state,
            &actor,
            id,
            kind,
            &input,
            ctx.client_ip.as_deref(),
        )
        .await,
    )?;
    if !is_script_call() {
        leptos_axum::redirect(&format!("/requests/{new_id}"));
    }
    Ok(new_id)
}

/// Whether the caller asked for JSON (a script or the hydrated page) rather than posting a plain
/// HTML form, after which the browser is redirected.
#[cfg(feature = "ssr")]
fn is_script_call() -> bool {
    use_context::<http::request::Parts>()
        .and_then(|parts| {
            parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .map(|v| v.contains("application/json"))
        })
        .unwrap_or(false)
}

/// Submits a draft of the caller's.
#[server(prefix = "/api", endpoint = "submit_request")]
pub async fn submit_request(id: String) -> Result<i64, AppError> {
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let actor = respond(user.in_tenant_writer())?;
    let id = respond(parse_id(&id))?;
    respond(requests::submit_request(&ctx.state, &actor, id, ctx.client_ip.as_deref()).await)
}

/// An owner endorses a member's submitted request.
#[server(prefix = "/api", endpoint = "endorse_request")]
pub async fn endorse_request(id: String, note: Option<String>) -> Result<String, AppError> {
    use crate::domain::lifecycle::Action;
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let actor = respond(user.as_tenant_owner())?;
    let id = respond(parse_id(&id))?;
    let status = respond(
        requests::tenant_transition(
            &ctx.state,
            &actor,
            id,
            Action::Endorse,
            note.as_deref().unwrap_or(""),
            ctx.client_ip.as_deref(),
        )
        .await,
    )?;
    Ok(status.as_str().to_owned())
}

/// The requester or an owner withdraws an open request.
#[server(prefix = "/api", endpoint = "withdraw_request")]
pub async fn withdraw_request(id: String, note: Option<String>) -> Result<String, AppError> {
    use crate::domain::lifecycle::Action;
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let actor = respond(user.in_tenant_writer())?;
    let id = respond(parse_id(&id))?;
    let status = respond(
        requests::tenant_transition(
            &ctx.state,
            &actor,
            id,
            Action::Withdraw,
            note.as_deref().unwrap_or(""),
            ctx.client_ip.as_deref(),
        )
        .await,
    )?;
    Ok(status.as_str().to_owned())
}

/// A platform admin approves, partially approves or rejects an endorsed request. `decision` is
/// `approve`, `partially_approve` or `reject`; a reason (`note`) is required except for a full
/// approval.
#[server(prefix = "/api", endpoint = "decide_request")]
pub async fn decide_request(
    id: String,
    decision: String,
    note: Option<String>,
    approved_gpus: Option<String>,
    approved_start: Option<String>,
    approved_end: Option<String>,
) -> Result<String, AppError> {
    use crate::domain::lifecycle::Action;
    use crate::server::{admin_request, error::respond, requests};
    let (ctx, admin) = admin_request().await?;
    let id = respond(parse_id(&id))?;
    let action =
        respond(Action::parse(&decision).map_err(|m| AppError::validation("decision", m)))?;
    let input = requests::DecisionInput {
        action,
        note: note.unwrap_or_default(),
        approved_gpus: approved_gpus.unwrap_or_default(),
        approved_start: approved_start.unwrap_or_default(),
        approved_end: approved_end.unwrap_or_default(),
    };
    let status =
        respond(requests::decide(&ctx.state, &admin, id, &input, ctx.client_ip.as_deref()).await)?;
    Ok(status.as_str().to_owned())
}

/// One page of the admin queue (platform admins), filtered by status, site, GPU model, sector,
/// tenant and words, sorted by a column; each row with residency now and capacity impact.
#[server(prefix = "/api", endpoint = "request_queue")]
pub async fn request_queue(
    status: Option<String>,
    site: Option<String>,
    gpu_model: Option<String>,
    sector: Option<String>,
    tenant: Option<String>,
    search: Option<String>,
    sort: Option<String>,
    dir: Option<String>,
    page: Option<String>,
) -> Result<Paged<QueueRow>, AppError> {
    use crate::server::{admin_request, error::respond, requests};
    let (ctx, admin) = admin_request().await?;
    let filter = requests::RequestFilter {
        status,
        site_slug: site,
        gpu_model,
        sector,
        tenant,
        search,
        ..list_order(sort, dir)
    };
    respond(requests::queue(&ctx.state, &admin, &filter, page_number(page)).await)
}

/// The viewer behind a notifications call: a platform admin (all of theirs) or someone acting
/// in a tenant (that tenant's).
#[cfg(feature = "ssr")]
fn notification_viewer(
    user: &crate::server::auth::actor::CurrentUser,
) -> Result<crate::server::requests::Viewer, AppError> {
    use crate::server::requests::Viewer;
    match user.as_platform_admin() {
        Ok(admin) => Ok(Viewer::Admin(admin)),
        Err(_) => user.in_tenant().map(Viewer::Tenant),
    }
}

/// The caller's own notifications (signed-in people).
#[server(prefix = "/api", endpoint = "list_notifications")]
pub async fn list_notifications() -> Result<Vec<NotificationItem>, AppError> {
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let viewer = respond(notification_viewer(&user))?;
    respond(requests::notifications(&ctx.state, &viewer).await)
}

/// How many of the caller's notifications are unread (signed-in people), for the header badge.
#[server(prefix = "/api", endpoint = "unread_notifications")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let viewer = respond(notification_viewer(&user))?;
    respond(requests::unread_notifications(&ctx.state, &viewer).await)
}

/// Marks the caller's own notifications as read; answers how many were unread.
#[server(prefix = "/api", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<u64, AppError> {
    use crate::server::{error::respond, request_context, requests};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let viewer = respond(notification_viewer(&user))?;
    respond(requests::mark_notifications_read(&ctx.state, &viewer).await)
}
