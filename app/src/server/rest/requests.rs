//! Quota requests and quotas of the token's tenant: list, read (with the timeline), create a
//! draft or submit it, edit a draft, submit, endorse, withdraw, and ask for a change or a
//! renewal of a quota. Each route calls the service the pages' server functions call.

use axum::{
    extract::State,
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    body::{JsonBody, OptionalJsonBody, PathParam, QueryParams},
    caller::Caller,
    paging::{Page, PageParams},
    problem::{ApiResult, Problem},
};
use crate::domain::lifecycle::Action;
use crate::error::AppError;
use crate::server::{
    auth::actor::TenantActor,
    requests::{self, RequestFilter},
    state::AppState,
    time_zone::PersonZone,
    TenantAccess,
};
use crate::wire::requests::{RequestDetail, RequestForm, RequestSummary};

/// A request or a quota, as listed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRequest {
    pub id: i64,
    /// `new`, `change` or `renewal`.
    pub kind: String,
    /// The quota a change or renewal is about.
    pub amends: Option<i64>,
    /// `draft`, `submitted`, `endorsed`, `changes_requested`, `approved`, `partially_approved`,
    /// `rejected` or `withdrawn`.
    pub status: String,
    pub project: ApiProjectRef,
    pub title: String,
    pub sector: String,
    pub classification: String,
    pub site: String,
    pub site_name: String,
    pub gpu_model: String,
    pub gpus: i64,
    #[schema(format = Date)]
    pub start_date: String,
    /// The first day after the window.
    #[schema(format = Date)]
    pub end_date: String,
    /// What was granted, once approved (in full or in part).
    pub granted: Option<ApiGrant>,
    /// For a quota: `upcoming`, `active` or `ended` today.
    pub phase: Option<String>,
    /// Why the request no longer passes the residency rules, if it does not.
    pub compliance_flag: Option<String>,
    /// Bumped by every change; the ETag is `"<id>.<revision>"`.
    pub revision: i64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProjectRef {
    pub id: i64,
    pub code: String,
    pub name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiGrant {
    pub gpus: i64,
    #[schema(format = Date)]
    pub start_date: String,
    #[schema(format = Date)]
    pub end_date: String,
}

/// One entry of a request's timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiEvent {
    /// Unix seconds.
    pub at: i64,
    pub actor: String,
    pub from_status: Option<String>,
    pub to_status: String,
    pub note: String,
}

/// A request with its details and timeline.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiRequestDetail {
    #[serde(flatten)]
    pub request: ApiRequest,
    pub justification: String,
    pub requester: String,
    pub expected_gpu_hours: Option<i64>,
    pub confidential_waiver: bool,
    pub decision_note: Option<String>,
    pub policy_version: Option<i64>,
    pub catalogue_revision: Option<i64>,
    /// What the token's person may do with it now: `submit`, `endorse`, `withdraw`…
    pub actions: Vec<String>,
    pub timeline: Vec<ApiEvent>,
}

fn json_name<T: Serialize>(value: T) -> String {
    serde_json::to_value(value)
        .ok()
        .and_then(|v| v.as_str().map(str::to_owned))
        .unwrap_or_default()
}

impl From<RequestSummary> for ApiRequest {
    fn from(s: RequestSummary) -> Self {
        let granted = match (s.approved_gpus, s.approved_start, s.approved_end) {
            (Some(gpus), Some(start_date), Some(end_date)) => Some(ApiGrant {
                gpus,
                start_date,
                end_date,
            }),
            _ => None,
        };
        Self {
            id: s.id,
            kind: json_name(s.kind),
            amends: s.amends_request_id,
            status: s.status.as_str().to_owned(),
            project: ApiProjectRef {
                id: s.project_id,
                code: s.project_code,
                name: s.project_name,
            },
            title: s.project_title,
            sector: s.sector,
            classification: s.classification,
            site: s.site_slug,
            site_name: s.site_name,
            gpu_model: s.gpu_model,
            gpus: s.gpus,
            start_date: s.start_date,
            end_date: s.end_date,
            granted,
            phase: s.phase.map(json_name),
            compliance_flag: s.compliance_flag,
            revision: s.revision,
        }
    }
}

impl From<RequestDetail> for ApiRequestDetail {
    fn from(d: RequestDetail) -> Self {
        Self {
            request: d.summary.into(),
            justification: d.justification,
            requester: d.requester_name,
            expected_gpu_hours: d.expected_gpu_hours,
            confidential_waiver: d.confidential_waiver,
            decision_note: d.decision_note,
            policy_version: d.policy_version,
            catalogue_revision: d.catalogue_revision,
            actions: d.actions.into_iter().map(json_name).collect(),
            timeline: d
                .timeline
                .into_iter()
                .map(|e| ApiEvent {
                    at: e.at.unix,
                    actor: e.actor_name,
                    from_status: e.from_status.map(|s| s.as_str().to_owned()),
                    to_status: e.to_status.as_str().to_owned(),
                    note: e.note,
                })
                .collect(),
        }
    }
}

/// The ETag of a request at a revision.
pub fn etag(id: i64, revision: i64) -> String {
    format!("\"{id}.{revision}\"")
}

/// A request's answer: its detail, with its ETag (and `Location` when it was just made).
pub(super) fn detail_response(status: StatusCode, detail: RequestDetail) -> Response {
    let tag = etag(detail.summary.id, detail.summary.revision);
    let location = format!("{}/requests/{}", super::PREFIX, detail.summary.id);
    let mut response = (status, Json(ApiRequestDetail::from(detail))).into_response();
    if let Ok(v) = HeaderValue::from_str(&tag) {
        response.headers_mut().insert(header::ETAG, v);
    }
    if status == StatusCode::CREATED {
        if let Ok(v) = HeaderValue::from_str(&location) {
            response.headers_mut().insert(header::LOCATION, v);
        }
    }
    response
}

pub(super) async fn detail(
    state: &AppState,
    actor: &TenantActor,
    id: i64,
) -> ApiResult<RequestDetail> {
    // Times go out as Unix seconds: the zone only shapes what a page would print.
    let zone = PersonZone::default_zone();
    Ok(requests::detail_for_tenant(state, actor, id, &zone).await?)
}

/// The revision an `If-Match` names for request `id` (`"<id>.<revision>"`); `None` without the
/// header or with `*`. A tag of another request is a stale precondition (412); anything that is
/// not a tag of this API is a bad request (400).
pub(super) fn expected_revision(headers: &HeaderMap, id: i64) -> ApiResult<Option<i64>> {
    let Some(raw) = headers.get(header::IF_MATCH) else {
        return Ok(None);
    };
    let raw = raw.to_str().unwrap_or_default().trim();
    if raw == "*" {
        return Ok(None);
    }
    // `"<id>.<revision>"`; anything else is not a tag this API gave (400).
    let tag = raw
        .trim_start_matches("W/")
        .strip_prefix('"')
        .and_then(|t| t.strip_suffix('"'))
        .and_then(|t| t.split_once('.'))
        .and_then(|(i, r)| Some((i.parse::<i64>().ok()?, r.parse::<i64>().ok()?)));
    match tag {
        None => Err(AppError::bad_request(
            "If-Match must be an ETag this API gave (\"<id>.<revision>\"), or *.",
        )
        .into()),
        Some((tag_id, revision)) if tag_id == id => Ok(Some(revision)),
        Some(_) => Err(AppError::PreconditionFailed {
            message: format!("If-Match names no revision of request #{id}: read it again."),
        }
        .into()),
    }
}

/// The filters, order and paging of the requests list (the page's own).
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// A status, or `granted` (approved in full or in part) or `open` (in progress).
    pub status: Option<String>,
    /// One project's id.
    pub project: Option<i64>,
    /// Words of the title, the site's name or the GPU model.
    pub search: Option<String>,
    /// Quotas by their use of their budget: `unused`, `over80` or `over100`.
    pub usage: Option<String>,
    /// `id`, `title`, `status`, `site`, `gpus`, `start` or `use` (per cent of the budget used).
    pub sort: Option<String>,
    /// `asc` or `desc`.
    pub dir: Option<String>,
    #[param(minimum = 1, maximum = 100)]
    pub limit: Option<u32>,
    pub cursor: Option<String>,
}

pub(super) fn filter_of(query: &ListQuery, status: Option<String>) -> RequestFilter {
    RequestFilter {
        status,
        search: query.search.clone(),
        usage: query.usage.clone(),
        project: query.project,
        ..RequestFilter::ordered(query.sort.as_deref(), query.dir.as_deref())
    }
}

pub(super) async fn list(
    state: &AppState,
    caller: &Caller,
    query: &ListQuery,
    status: Option<String>,
) -> ApiResult<Json<Page<ApiRequest>>> {
    let actor = caller.0.in_tenant(state, TenantAccess::Read).await?;
    let window = PageParams {
        limit: query.limit,
        cursor: query.cursor.clone(),
    }
    .window()?;
    let filter = filter_of(query, status);
    let (rows, more) =
        requests::list_slice_for_tenant(state, &actor, &filter, window.offset, window.limit)
            .await?;
    let items = rows.into_iter().map(ApiRequest::from).collect();
    Ok(Json(Page::new(items, window, more)))
}

/// The tenant's requests and quotas the token's person may see, newest first.
#[utoipa::path(get, path = "/requests", tag = "requests",
    params(ListQuery),
    responses((status = 200, description = "One page", body = Page<ApiRequest>)),
    security(("bearer" = [])))]
pub async fn list_requests(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Page<ApiRequest>>> {
    let status = query.status.clone();
    list(&state, &caller, &query, status).await
}

/// One request with its timeline (`ETag` for `If-Match`).
#[utoipa::path(get, path = "/requests/{id}", tag = "requests",
    params(("id" = i64, Path, description = "The request's number")),
    responses(
        (status = 200, description = "The request", body = ApiRequestDetail,
            headers(("ETag" = String, description = "Its revision"))),
        (status = 404, description = "No such request for this token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get_request(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Response> {
    let actor = caller.0.in_tenant(&state, TenantAccess::Read).await?;
    Ok(detail_response(
        StatusCode::OK,
        detail(&state, &actor, id).await?,
    ))
}

/// A sector, as the API names it.
#[derive(ToSchema)]
#[schema(rename_all = "snake_case")]
#[allow(dead_code)] // Describes the strings the API reads; `Sector::parse` reads them.
pub enum ApiSector {
    Health,
    Mobility,
    Energy,
    Finance,
    Industry,
    Research,
    Education,
    Other,
}

/// A request as written: a draft to save, or to submit at once.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RequestBody {
    /// The project it is for (one of the person's projects).
    pub project: i64,
    pub title: String,
    pub justification: String,
    #[schema(value_type = ApiSector)]
    pub sector: String,
    #[schema(value_type = super::catalogue::ApiClassification)]
    pub classification: String,
    /// Confidential data: waive EEA placement (rule C1).
    #[serde(default)]
    pub confidential_waiver: bool,
    /// The site's slug.
    pub site: String,
    pub gpu_model: String,
    #[schema(minimum = 1, maximum = 100000)]
    pub gpus: u32,
    #[schema(format = Date)]
    pub start_date: String,
    /// The first day after the window.
    #[schema(format = Date)]
    pub end_date: String,
    #[schema(minimum = 1, maximum = 100000000)]
    pub expected_gpu_hours: Option<u64>,
    /// Submit it for review at once (otherwise it stays a draft).
    #[serde(default)]
    pub submit: bool,
}

impl RequestBody {
    fn form(&self, id: Option<i64>, idempotency_key: String) -> RequestForm {
        RequestForm {
            id,
            idempotency_key,
            project: self.project.to_string(),
            project_title: self.title.clone(),
            justification: self.justification.clone(),
            sector: self.sector.clone(),
            classification: self.classification.clone(),
            confidential_waiver: self.confidential_waiver,
            site: self.site.clone(),
            gpu_model: self.gpu_model.clone(),
            gpus: self.gpus.to_string(),
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            expected_gpu_hours: self
                .expected_gpu_hours
                .map(|h| h.to_string())
                .unwrap_or_default(),
        }
    }
}

/// The `Idempotency-Key` of a creating POST, read by the same rule as the replay middleware; a
/// fresh key when none is sent (the call is then not idempotent).
pub(super) fn idempotency_key(headers: &HeaderMap) -> ApiResult<String> {
    Ok(super::idempotency::key_of(headers)?.unwrap_or_else(requests::new_idempotency_key))
}

/// Creates a request (a draft, or submitted with `submit`). The same `Idempotency-Key` never
/// creates two: a retry answers the first request.
#[utoipa::path(post, path = "/requests", tag = "requests",
    request_body = RequestBody,
    params(("Idempotency-Key" = Option<String>, Header, description = "Makes a retry answer the first result")),
    responses(
        (status = 201, description = "The request", body = ApiRequestDetail),
        (status = 409, description = "The tenant or the site does not allow it now", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create_request(
    State(state): State<AppState>,
    caller: Caller,
    headers: HeaderMap,
    JsonBody(body): JsonBody<RequestBody>,
) -> ApiResult<Response> {
    let actor = caller.0.in_tenant(&state, TenantAccess::Write).await?;
    let key = idempotency_key(&headers)?;
    let form = body.form(None, key);
    let input = requests::parse_request_form(&state, &actor, &form).await?;
    let id = requests::save_request(&state, &actor, &input, body.submit, None).await?;
    Ok(detail_response(
        StatusCode::CREATED,
        detail(&state, &actor, id).await?,
    ))
}

/// Replaces a draft's fields (and submits it with `submit`). `If-Match` guards against
/// overwriting a newer version.
#[utoipa::path(put, path = "/requests/{id}", tag = "requests",
    request_body = RequestBody,
    params(
        ("id" = i64, Path, description = "The draft's number"),
        ("If-Match" = Option<String>, Header, description = "The ETag read"),
    ),
    responses(
        (status = 200, description = "The request", body = ApiRequestDetail),
        (status = 404, description = "No such request for this token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Not a draft any more", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "Changed since read", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn edit_request(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<RequestBody>,
) -> ApiResult<Response> {
    let actor = caller.0.in_tenant(&state, TenantAccess::Write).await?;
    let form = body.form(Some(id), requests::new_idempotency_key());
    let mut input = requests::parse_request_form(&state, &actor, &form).await?;
    // Checked by the service under the row's lock: a stale edit writes nothing.
    input.expected_revision = expected_revision(&headers, id)?;
    requests::save_request(&state, &actor, &input, body.submit, None).await?;
    Ok(detail_response(
        StatusCode::OK,
        detail(&state, &actor, id).await?,
    ))
}

/// An optional note with a move.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MoveBody {
    #[serde(default)]
    pub note: String,
}

/// Submits a draft of the token's person.
#[utoipa::path(post, path = "/requests/{id}/submit", tag = "requests",
    params(("id" = i64, Path, description = "The draft's number")),
    responses(
        (status = 200, description = "The request", body = ApiRequestDetail),
        (status = 404, description = "No such request for this token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It cannot be submitted now", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn submit_request(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Response> {
    let actor = caller.0.in_tenant(&state, TenantAccess::Write).await?;
    requests::submit_request(&state, &actor, id, None).await?;
    Ok(detail_response(
        StatusCode::OK,
        detail(&state, &actor, id).await?,
    ))
}

async fn tenant_move(
    state: &AppState,
    caller: &Caller,
    id: i64,
    action: Action,
    note: &str,
) -> ApiResult<Response> {
    let actor = caller.0.in_tenant(state, TenantAccess::Write).await?;
    requests::tenant_transition(state, &actor, id, action, note, None).await?;
    Ok(detail_response(
        StatusCode::OK,
        detail(state, &actor, id).await?,
    ))
}

/// Endorses a submitted request (owners, and project leads where the tenant allows).
#[utoipa::path(post, path = "/requests/{id}/endorse", tag = "requests",
    request_body(content = Option<MoveBody>, description = "An optional note"),
    params(("id" = i64, Path, description = "The request's number")),
    responses(
        (status = 200, description = "The request", body = ApiRequestDetail),
        (status = 404, description = "No such request for this token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It cannot be endorsed now", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn endorse_request(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
    OptionalJsonBody(body): OptionalJsonBody<MoveBody>,
) -> ApiResult<Response> {
    let note = body.map(|b| b.note).unwrap_or_default();
    tenant_move(&state, &caller, id, Action::Endorse, &note).await
}

/// Withdraws an open request (its requester, or an owner).
#[utoipa::path(post, path = "/requests/{id}/withdraw", tag = "requests",
    request_body(content = Option<MoveBody>, description = "An optional note"),
    params(("id" = i64, Path, description = "The request's number")),
    responses(
        (status = 200, description = "The request", body = ApiRequestDetail),
        (status = 404, description = "No such request for this token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It cannot be withdrawn now", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn withdraw_request(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
    OptionalJsonBody(body): OptionalJsonBody<MoveBody>,
) -> ApiResult<Response> {
    let note = body.map(|b| b.note).unwrap_or_default();
    tenant_move(&state, &caller, id, Action::Withdraw, &note).await
}
