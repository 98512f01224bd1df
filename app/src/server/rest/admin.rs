//! Platform administration through the API (platform tokens: reading with any scope, changing
//! with `admin`): the review queue and the decisions on requests (one at a time with `If-Match`,
//! several at once, an early end), and the tenants waiting for verification, through the admin
//! pages' services.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::requests::{detail_response, expected_revision, ApiRequest, ApiRequestDetail};
use super::{
    body::{JsonBody, PathParam, QueryParams},
    caller::Caller,
    paging::{Page, PageParams},
    problem::{ApiResult, Problem},
};
use crate::error::FieldErrors;
use crate::server::{
    auth::AdminActor,
    requests::{self, DecisionForm, EndEarlyForm, RequestFilter},
    state::AppState,
    tenants::verification,
    time_zone::PersonZone,
    Call,
};
use crate::wire::tenants::{RejectionReason, TenantSummary};

/// An organisation, as the verification queue shows it.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiTenant {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub registration_id: String,
    pub sector: String,
    pub parent_country: String,
    /// `pending`, `verified` or `rejected`.
    pub status: String,
    pub rejection_reason: Option<String>,
    /// Unix seconds.
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

impl From<TenantSummary> for ApiTenant {
    fn from(t: TenantSummary) -> Self {
        Self {
            id: t.id,
            slug: t.slug,
            name: t.name,
            kind: t.kind,
            country: t.country,
            registration_id: t.registration_id,
            sector: t.sector,
            parent_country: t.parent_country,
            status: t.status.as_str().to_owned(),
            rejection_reason: t.rejection_reason,
            created_at: t.created_at.unix,
            decided_at: t.decided_at.map(|d| d.unix),
        }
    }
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct PendingQuery {
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// The organisations waiting for verification, oldest first.
#[utoipa::path(get, path = "/admin/tenants/pending", tag = "administration",
    params(PendingQuery),
    responses((status = 200, description = "One page", body = Page<ApiTenant>)),
    security(("bearer" = [])))]
pub async fn pending_tenants(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<PendingQuery>,
) -> ApiResult<Json<Page<ApiTenant>>> {
    let admin = caller.0.as_platform_admin(false)?;
    let window = PageParams {
        limit: query.limit,
        cursor: query.cursor,
    }
    .window()?;
    let queue = verification::queue_slice(&state, &admin, window.offset, window.limit).await?;
    let items = queue.pending.into_iter().map(ApiTenant::from).collect();
    Ok(Json(Page::new(items, window, queue.has_more)))
}

/// Verifies an organisation: it may then submit requests.
#[utoipa::path(post, path = "/admin/tenants/{id}/verify", tag = "administration",
    params(("id" = i64, Path, description = "The organisation's id")),
    responses(
        (status = 204, description = "Verified"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Already verified", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn verify_tenant(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
) -> ApiResult<StatusCode> {
    let admin = caller.0.as_platform_admin(true)?;
    verification::verify(&Call::sessionless(&state, None), &admin, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RejectionBody {
    /// Shown to the organisation's owners.
    pub reason: String,
}

/// Rejects a pending organisation with a reason its owners read.
#[utoipa::path(post, path = "/admin/tenants/{id}/reject", tag = "administration",
    request_body = RejectionBody,
    params(("id" = i64, Path, description = "The organisation's id")),
    responses(
        (status = 204, description = "Rejected"),
        (status = 404, description = "No such organisation", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not pending", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn reject_tenant(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
    JsonBody(body): JsonBody<RejectionBody>,
) -> ApiResult<StatusCode> {
    let admin = caller.0.as_platform_admin(true)?;
    let mut errors = FieldErrors::default();
    let reason = errors.check("reason", RejectionReason::parse(&body.reason));
    let reason = errors.into_result(|| reason)?;
    verification::reject(&Call::sessionless(&state, None), &admin, id, &reason).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The filters, order and paging of the review queue (the queue page's own).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct QueueQuery {
    /// A status, `any`, `granted` or `open`; `endorsed` (waiting for a decision) unless given.
    pub status: Option<String>,
    /// A site's slug.
    pub site: Option<String>,
    pub gpu_model: Option<String>,
    pub sector: Option<String>,
    /// An organisation's slug, or words of its name.
    pub tenant: Option<String>,
    /// Words of the title, the site's name or the GPU model.
    pub search: Option<String>,
    /// `id`, `title`, `status`, `tenant`, `site`, `gpus` or `start`.
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

/// A request in the queue, with its review now: residency with the lists in force, and what
/// granting it does to its pool.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiQueueItem {
    pub organisation: String,
    #[serde(flatten)]
    pub request: ApiRequest,
    pub eligible_now: bool,
    /// The rules that refuse the site now.
    pub failed_rules: Vec<super::catalogue::ApiFinding>,
    /// GPUs of the pool that may be promised.
    pub available: u32,
    /// The most GPUs committed on any day of the window, before and after granting.
    pub peak_before: u32,
    pub peak_after: u32,
    /// Free GPUs on the fullest day once granted; negative when it does not fit.
    pub headroom_after: i64,
}

/// The review queue: every organisation's requests with their review.
#[utoipa::path(get, path = "/admin/requests", tag = "administration",
    params(QueueQuery),
    responses((status = 200, description = "One page", body = Page<ApiQueueItem>)),
    security(("bearer" = [])))]
pub async fn queue(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<QueueQuery>,
) -> ApiResult<Json<Page<ApiQueueItem>>> {
    use crate::wire::requests::queue_status;
    let admin = caller.0.as_platform_admin(false)?;
    let window = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .window()?;
    let filter = RequestFilter {
        status: queue_status(query.status.as_deref().unwrap_or("")),
        site_slug: query.site,
        gpu_model: query.gpu_model,
        sector: query.sector,
        tenant: query.tenant,
        search: query.search,
        ..RequestFilter::ordered(query.sort.as_deref(), query.dir.as_deref())
    };
    let (rows, more) =
        requests::queue_slice(&state, &admin, &filter, window.offset, window.limit).await?;
    let items = rows
        .into_iter()
        .map(|row| ApiQueueItem {
            organisation: row.summary.tenant_name.clone(),
            request: row.summary.into(),
            eligible_now: row.review.eligible_now,
            failed_rules: row
                .review
                .failures
                .into_iter()
                .map(|f| super::catalogue::ApiFinding {
                    rule: f.rule,
                    passed: false,
                    reason: f.reason,
                })
                .collect(),
            available: row.review.available,
            peak_before: row.review.peak_before,
            peak_after: row.review.peak_after,
            headroom_after: row.review.headroom_after,
        })
        .collect();
    Ok(Json(Page::new(items, window, more)))
}

/// Any organisation's request, with its timeline (`ETag` for the decision's `If-Match`).
#[utoipa::path(get, path = "/admin/requests/{id}", tag = "administration",
    params(("id" = i64, Path, description = "The request's number")),
    responses(
        (status = 200, description = "The request", body = ApiRequestDetail,
            headers(("ETag" = String, description = "Its revision"))),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Response> {
    let admin = caller.0.as_platform_admin(false)?;
    Ok(detail_response(
        StatusCode::OK,
        admin_detail(&state, &admin, id).await?,
    ))
}

async fn admin_detail(
    state: &AppState,
    admin: &AdminActor,
    id: i64,
) -> ApiResult<crate::wire::requests::RequestDetail> {
    let zone = PersonZone::default_zone();
    Ok(requests::detail_for_admin(state, admin, id, &zone).await?)
}

/// A decision, as sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DecisionBody {
    /// `approve`, `partially_approve`, `reject` or `send_back`.
    pub decision: String,
    /// The reason (the question, when sending back); required except for a full approval.
    #[serde(default)]
    pub note: String,
    /// For a partial approval; absent keeps what was asked.
    #[schema(minimum = 1, maximum = 100000)]
    pub approved_gpus: Option<u32>,
    #[schema(format = Date)]
    pub approved_start: Option<String>,
    /// The first day after the granted window.
    #[schema(format = Date)]
    pub approved_end: Option<String>,
}

/// Decides on a request: approve, approve in part, reject, or send back with a question. With
/// `If-Match`, a request changed since it was read is refused (412) and nothing is written.
#[utoipa::path(post, path = "/admin/requests/{id}/decision", tag = "administration",
    request_body = DecisionBody,
    params(
        ("id" = i64, Path, description = "The request's number"),
        ("If-Match" = Option<String>, Header, description = "The ETag read"),
    ),
    responses(
        (status = 200, description = "The request after the decision", body = ApiRequestDetail),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not in a state to decide, the site is refused now, or the pool is full", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn decide(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<DecisionBody>,
) -> ApiResult<Response> {
    let admin = caller.0.as_platform_admin(true)?;
    let form = DecisionForm {
        decision: body.decision,
        note: body.note,
        approved_gpus: body
            .approved_gpus
            .map(|g| g.to_string())
            .unwrap_or_default(),
        approved_start: body.approved_start.unwrap_or_default(),
        approved_end: body.approved_end.unwrap_or_default(),
        revision: expected_revision(&headers, id)?
            .map(|r| r.to_string())
            .unwrap_or_default(),
    };
    let input = form.parse()?;
    requests::decide_on_request(&state, &admin, id, &input, None).await?;
    Ok(detail_response(
        StatusCode::OK,
        admin_detail(&state, &admin, id).await?,
    ))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct BatchBody {
    /// The requests to approve together (at most 100).
    pub ids: Vec<i64>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct BatchApproved {
    pub approved: Vec<i64>,
}

/// Approves several endorsed requests in one step: each checked and recorded on its own, their
/// pools counted together; if any is refused, none is approved.
#[utoipa::path(post, path = "/admin/requests/approve", tag = "administration",
    request_body = BatchBody,
    responses(
        (status = 200, description = "Every one approved", body = BatchApproved),
        (status = 404, description = "One of them does not exist", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "One is refused (state, residency or capacity): none approved", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn approve_batch(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<BatchBody>,
) -> ApiResult<Json<BatchApproved>> {
    let admin = caller.0.as_platform_admin(true)?;
    let approved = requests::approve_batch(&state, &admin, &body.ids, None).await?;
    Ok(Json(BatchApproved { approved }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EndEarlyBody {
    /// The new first day after the window, at the earliest today; absent keeps it.
    #[schema(format = Date)]
    pub end_date: Option<String>,
    /// Fewer GPUs than granted; absent keeps them.
    #[schema(minimum = 1, maximum = 100000)]
    pub gpus: Option<u32>,
    /// Told to the organisation.
    pub reason: String,
}

/// Ends an approved quota early and/or leaves it fewer GPUs, with a reason; the GPUs it no
/// longer holds return to the pool and the organisation is told.
#[utoipa::path(post, path = "/admin/requests/{id}/end-early", tag = "administration",
    request_body = EndEarlyBody,
    params(("id" = i64, Path, description = "The quota's request number")),
    responses(
        (status = 200, description = "The quota after the change", body = ApiRequestDetail),
        (status = 404, description = "No such request", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a running or future quota", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn end_early(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
    JsonBody(body): JsonBody<EndEarlyBody>,
) -> ApiResult<Response> {
    let admin = caller.0.as_platform_admin(true)?;
    let input = EndEarlyForm {
        end_date: body.end_date.unwrap_or_default(),
        gpus: body.gpus.map(|g| g.to_string()).unwrap_or_default(),
        reason: body.reason,
    }
    .parse()?;
    requests::end_quota_early(&state, &admin, id, &input, None).await?;
    Ok(detail_response(
        StatusCode::OK,
        admin_detail(&state, &admin, id).await?,
    ))
}
