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
    project: Option<String>,
    #[server(default)] usage: Option<String>,
) -> Result<Paged<RequestSummary>, AppError> {
    use crate::server::{error::respond, requests, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Read).await?;
    let filter = requests::RequestFilter {
        status,
        search,
        usage,
        project: requests::RequestFilter::project_param(project.as_deref()),
        ..list_order(sort, dir)
    };
    respond(requests::list_for_tenant(&ctx.state, &actor, &filter, page_number(page)).await)
}

/// The order a list page asked for; newest first unless told otherwise.
#[cfg(feature = "ssr")]
fn list_order(sort: Option<String>, dir: Option<String>) -> crate::server::requests::RequestFilter {
    crate::server::requests::RequestFilter::ordered(sort.as_deref(), dir.as_deref())
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
    use crate::server::{error::respond, requests, time_zone};
    let (ctx, viewer) = requests::viewer_request(requests::ViewerOrder::TenantFirst).await?;
    let id = respond(parse_id(&id))?;
    let zone = respond(time_zone::of_person(&ctx.state, viewer.user_id()).await)?;
    match viewer {
        requests::Viewer::Tenant(actor) => {
            respond(requests::detail_for_tenant(&ctx.state, &actor, id, &zone).await)
        }
        requests::Viewer::Admin(admin) => {
            respond(requests::detail_for_admin(&ctx.state, &admin, id, &zone).await)
        }
    }
}

/// What the request form offers for a classification, model and window: each site's eligibility
/// and free GPUs, and a fresh idempotency key.
#[server(prefix = "/api", endpoint = "request_form_options")]
pub async fn request_form_options(
    #[server(default)] classification: String,
    #[server(default)] gpu_model: String,
    #[server(default)] start_date: String,
    #[server(default)] end_date: String,
    confidential_waiver: Option<String>,
) -> Result<FormOptions, AppError> {
    use crate::server::{error::respond, requests, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Write).await?;
    let query = respond(requests::SiteQuery::parse(
        &classification,
        &start_date,
        &end_date,
        confidential_waiver.is_some(),
        requests::today(),
    ))?;
    respond(requests::form_options(&ctx.state, &actor, &query, &gpu_model).await)
}

/// Saves a draft (new, or an existing one by `id`) and, when `intent` is "submit", submits it.
/// The same `idempotency_key` never creates two requests.
#[server(prefix = "/api", endpoint = "save_request")]
pub async fn save_request(
    id: Option<String>,
    #[server(default)] idempotency_key: String,
    project: Option<String>,
    #[server(default)] project_title: String,
    #[server(default)] justification: String,
    #[server(default)] sector: String,
    #[server(default)] classification: String,
    confidential_waiver: Option<String>,
    #[server(default)] site: String,
    #[server(default)] gpu_model: String,
    #[server(default)] gpus: String,
    #[server(default)] start_date: String,
    #[server(default)] end_date: String,
    expected_gpu_hours: Option<String>,
    intent: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{error::respond, requests, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Write).await?;
    let id = match id.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
        Some(raw) => Some(respond(parse_id(raw))?),
        None => None,
    };
    let form = requests::RequestForm {
        id,
        idempotency_key,
        project: project.unwrap_or_default(),
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
    let input = respond(requests::parse_request_form(&ctx.state, &actor, &form).await)?;
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
    #[server(default)] kind: String,
    #[server(default)] idempotency_key: String,
    gpus: Option<String>,
    end_date: Option<String>,
    justification: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{error::respond, requests, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Write).await?;
    let id = respond(parse_id(&id))?;
    let form = requests::AmendForm {
        kind,
        idempotency_key,
        gpus: gpus.unwrap_or_default(),
        end_date: end_date.unwrap_or_default(),
        justification: justification.unwrap_or_default(),
    };
    let input = respond(form.parse())?;
    let new_id = respond(
        requests::amend_request(&ctx.state, &actor, id, &input, ctx.client_ip.as_deref()).await,
    )?;
    if !is_script_call() {
        leptos_axum::redirect(&format!("/requests/{new_id}"));
    }
    Ok(new_id)
}

/// Whether the caller asked for JSON (a script) rather than posting a plain
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
    use crate::server::{error::respond, requests, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Write).await?;
    let id = respond(parse_id(&id))?;
    respond(requests::submit_request(&ctx.state, &actor, id, ctx.client_ip.as_deref()).await)
}

/// A tenant-side move of request `id` (endorse, withdraw) by a caller with `access`; answers the
/// new status.
#[cfg(feature = "ssr")]
async fn tenant_move(
    access: crate::server::TenantAccess,
    action: crate::domain::lifecycle::Action,
    id: &str,
    note: Option<&str>,
) -> Result<String, AppError> {
    use crate::server::{error::respond, requests, tenant_request};
    let (ctx, _, actor) = tenant_request(access).await?;
    let id = respond(parse_id(id))?;
    let status = respond(
        requests::tenant_transition(
            &ctx.state,
            &actor,
            id,
            action,
            note.unwrap_or(""),
            ctx.client_ip.as_deref(),
        )
        .await,
    )?;
    Ok(status.as_str().to_owned())
}

/// An owner endorses a member's submitted request.
#[server(prefix = "/api", endpoint = "endorse_request")]
pub async fn endorse_request(id: String, note: Option<String>) -> Result<String, AppError> {
    use crate::domain::lifecycle::Action;
    use crate::server::TenantAccess;
    // Owners, and project leads where the tenant lets them: the life cycle decides.
    tenant_move(TenantAccess::Write, Action::Endorse, &id, note.as_deref()).await
}

/// The requester or an owner withdraws an open request.
#[server(prefix = "/api", endpoint = "withdraw_request")]
pub async fn withdraw_request(id: String, note: Option<String>) -> Result<String, AppError> {
    use crate::domain::lifecycle::Action;
    use crate::server::TenantAccess;
    tenant_move(TenantAccess::Write, Action::Withdraw, &id, note.as_deref()).await
}

/// A platform admin approves, partially approves or rejects an endorsed request, or sends a
/// submitted or endorsed one back for changes. `decision` is `approve`, `partially_approve`,
/// `reject` or `send_back`; a reason (`note`, the question when sending back) is required except
/// for a full approval.
#[server(prefix = "/api", endpoint = "decide_request")]
pub async fn decide_request(
    id: String,
    #[server(default)] decision: String,
    note: Option<String>,
    approved_gpus: Option<String>,
    approved_start: Option<String>,
    approved_end: Option<String>,
    revision: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{admin_request, error::respond, requests};
    let (ctx, admin) = admin_request().await?;
    let id = respond(parse_id(&id))?;
    let form = requests::DecisionForm {
        decision,
        note: note.unwrap_or_default(),
        approved_gpus: approved_gpus.unwrap_or_default(),
        approved_start: approved_start.unwrap_or_default(),
        approved_end: approved_end.unwrap_or_default(),
        revision: revision.unwrap_or_default(),
    };
    let input = respond(form.parse())?;
    let status = respond(
        requests::decide_on_request(&ctx.state, &admin, id, &input, ctx.client_ip.as_deref()).await,
    )?;
    Ok(status.as_str().to_owned())
}

/// A platform admin approves several requests in full in one step (`ids[]`, from the queue):
/// each checked and recorded on its own; a batch with any refusal (one that would over-commit a
/// pool, counting the batch's own requests together) writes nothing. Answers the ids approved.
#[server(prefix = "/api", endpoint = "approve_requests")]
pub async fn approve_requests(#[server(default)] ids: Vec<String>) -> Result<Vec<i64>, AppError> {
    use crate::server::{admin_request, error::respond, requests};
    let (ctx, admin) = admin_request().await?;
    if ids.len() > requests::MAX_BATCH {
        return respond(Err(AppError::validation(
            "ids",
            crate::domain::format::fill(
                crate::i18n::td_string!(crate::locale::current(), validation.batch_too_large),
                &[("n", &requests::MAX_BATCH)],
            ),
        )));
    }
    let ids = respond(
        ids.iter()
            .map(|raw| parse_id(raw))
            .collect::<Result<Vec<_>, _>>(),
    )?;
    respond(requests::approve_batch(&ctx.state, &admin, &ids, ctx.client_ip.as_deref()).await)
}

/// A platform admin ends a quota early (`end_date`, exclusive, from today) and/or leaves it fewer
/// GPUs (`gpus`), with a `reason` its organisation is told; the GPUs return to the pool. Answers
/// the quota's new grant in words.
#[server(prefix = "/api", endpoint = "end_quota_early")]
pub async fn end_quota_early(
    id: String,
    end_date: Option<String>,
    gpus: Option<String>,
    reason: Option<String>,
) -> Result<String, AppError> {
    use crate::server::{admin_request, error::respond, requests};
    let (ctx, admin) = admin_request().await?;
    let id = respond(parse_id(&id))?;
    let form = requests::EndEarlyForm {
        end_date: end_date.unwrap_or_default(),
        gpus: gpus.unwrap_or_default(),
        reason: reason.unwrap_or_default(),
    };
    let input = respond(form.parse())?;
    let grant = respond(
        requests::end_quota_early(&ctx.state, &admin, id, &input, ctx.client_ip.as_deref()).await,
    )?;
    Ok(format!(
        "{} GPUs, {}",
        grant.gpus,
        super::types::window_label(&grant.start.to_string(), &grant.end.to_string())
    ))
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

/// One page (`page`, from 0) of the caller's own notifications, newest first (signed-in
/// people: a platform admin's all, someone acting in a tenant that tenant's).
#[server(prefix = "/api", endpoint = "list_notifications")]
pub async fn list_notifications(page: Option<String>) -> Result<Vec<NotificationItem>, AppError> {
    use crate::server::{error::respond, requests, time_zone};
    let (ctx, viewer) = requests::viewer_request(requests::ViewerOrder::AdminFirst).await?;
    let zone = respond(time_zone::of_person(&ctx.state, viewer.user_id()).await)?;
    let page =
        respond(requests::notifications(&ctx.state, &viewer, page_number(page), &zone).await)?;
    Ok(page.rows)
}

/// How many of the caller's notifications are unread (signed-in people), for the header badge.
#[server(prefix = "/api", endpoint = "unread_notifications")]
pub async fn unread_notifications() -> Result<i64, AppError> {
    use crate::server::{error::respond, requests};
    let (ctx, viewer) = requests::viewer_request(requests::ViewerOrder::AdminFirst).await?;
    respond(requests::unread_notifications(&ctx.state, &viewer).await)
}

/// Marks the caller's own notifications as read; answers how many were unread.
#[server(prefix = "/api", endpoint = "mark_notifications_read")]
pub async fn mark_notifications_read() -> Result<u64, AppError> {
    use crate::server::{error::respond, requests};
    let (ctx, viewer) = requests::viewer_request(requests::ViewerOrder::AdminFirst).await?;
    respond(requests::mark_notifications_read(&ctx.state, &viewer).await)
}
