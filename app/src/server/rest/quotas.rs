//! Quotas (granted requests) of the token's tenant: list, read, and ask for a change or a
//! renewal, through the request services the pages call.

use axum::{
    extract::State,
    http::{HeaderMap, StatusCode},
    response::Response,
    Json,
};
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    body::{JsonBody, PathParam, QueryParams},
    caller::Caller,
    paging::Page,
    problem::{ApiResult, Problem},
    requests::{
        detail, detail_response, expected_revision, idempotency_key, list, ApiRequest,
        ApiRequestDetail, ListQuery,
    },
};
use crate::error::AppError;
use crate::server::{requests, state::AppState, TenantAccess};
use crate::wire::requests::AmendForm;

/// The tenant's quotas (requests approved in full or in part).
#[utoipa::path(get, path = "/quotas", tag = "quotas",
    params(ListQuery),
    responses((status = 200, description = "One page", body = Page<ApiRequest>)),
    security(("bearer" = [])))]
pub async fn list_quotas(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<ListQuery>,
) -> ApiResult<Json<Page<ApiRequest>>> {
    if query.status.is_some() {
        return Err(AppError::validation(
            "status",
            "Quotas are the granted requests: list /requests to filter by status.",
        )
        .into());
    }
    list(&state, &caller, &query, Some("granted".to_owned())).await
}

/// One quota (a granted request).
#[utoipa::path(get, path = "/quotas/{id}", tag = "quotas",
    params(("id" = i64, Path, description = "The quota's request number")),
    responses(
        (status = 200, description = "The quota", body = ApiRequestDetail),
        (status = 404, description = "No such quota for this token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get_quota(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Response> {
    let actor = caller.0.in_tenant(&state, TenantAccess::Read).await?;
    let found = detail(&state, &actor, id).await?;
    if !found.summary.status.grants_quota() {
        return Err(AppError::NotFound.into());
    }
    Ok(detail_response(StatusCode::OK, found))
}

/// A change of a quota (more GPUs and/or a later end) or its renewal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AmendBody {
    /// The GPUs wanted in all; absent keeps the quota's.
    #[schema(minimum = 1, maximum = 100000)]
    pub gpus: Option<u32>,
    /// The new first day after the window: required for a renewal; absent keeps the quota's for
    /// a change.
    #[schema(format = Date)]
    pub end_date: Option<String>,
    /// Why; absent reuses the quota's justification.
    pub justification: Option<String>,
}

async fn amend(
    state: &AppState,
    caller: &Caller,
    id: i64,
    kind: &str,
    headers: &HeaderMap,
    body: AmendBody,
) -> ApiResult<Response> {
    let actor = caller.0.in_tenant(state, TenantAccess::Write).await?;
    let quota = detail(state, &actor, id).await?;
    if !quota.summary.status.grants_quota() {
        return Err(AppError::NotFound.into());
    }
    let form = AmendForm {
        kind: kind.to_owned(),
        idempotency_key: idempotency_key(headers)?,
        gpus: body.gpus.map(|g| g.to_string()).unwrap_or_default(),
        end_date: body.end_date.unwrap_or_default(),
        justification: body.justification.unwrap_or_default(),
    };
    let mut input = form.parse()?;
    // Checked by the service under the quota's lock: a stale amendment writes nothing.
    input.expected_revision = expected_revision(headers, id)?;
    let new_id = requests::amend_request(state, &actor, id, &input, None).await?;
    Ok(detail_response(
        StatusCode::CREATED,
        detail(state, &actor, new_id).await?,
    ))
}

/// Asks for a change of a quota: more GPUs and/or a later end; reviewed like a new request.
#[utoipa::path(post, path = "/quotas/{id}/change", tag = "quotas",
    request_body = AmendBody,
    params(
        ("id" = i64, Path, description = "The quota's request number"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry answer the first result"),
        ("If-Match" = Option<String>, Header, description = "The quota's ETag"),
    ),
    responses(
        (status = 201, description = "The change request", body = ApiRequestDetail),
        (status = 404, description = "No such quota for this token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It cannot be changed now", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The quota changed since read", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn change_quota(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AmendBody>,
) -> ApiResult<Response> {
    amend(&state, &caller, id, "change", &headers, body).await
}

/// Asks for a renewal of a quota: a new window from its end.
#[utoipa::path(post, path = "/quotas/{id}/renewal", tag = "quotas",
    request_body = AmendBody,
    params(
        ("id" = i64, Path, description = "The quota's request number"),
        ("Idempotency-Key" = Option<String>, Header, description = "Makes a retry answer the first result"),
        ("If-Match" = Option<String>, Header, description = "The quota's ETag"),
    ),
    responses(
        (status = 201, description = "The renewal request", body = ApiRequestDetail),
        (status = 404, description = "No such quota for this token", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It cannot be renewed now", body = Problem, content_type = "application/problem+json"),
        (status = 412, description = "The quota changed since read", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn renew_quota(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
    headers: HeaderMap,
    JsonBody(body): JsonBody<AmendBody>,
) -> ApiResult<Response> {
    amend(&state, &caller, id, "renewal", &headers, body).await
}
