//! Platform administration through the API (platform tokens: reading with any scope, changing
//! with `admin`): the tenants waiting for verification and the decisions on them, through the
//! verification page's services.

use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    body::{JsonBody, PathParam, QueryParams},
    caller::Caller,
    paging::{Page, PageParams},
    problem::{ApiResult, Problem},
};
use crate::error::FieldErrors;
use crate::features::tenants::types::{RejectionReason, TenantSummary};
use crate::server::{state::AppState, tenants::verification, Call};

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
            created_at: t.created_at,
            decided_at: t.decided_at,
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
