//! `GET /api/v1/me`: the caller.

use axum::Json;
use serde::Serialize;
use utoipa::ToSchema;

use super::{caller::Caller, problem::Problem};

/// The person behind the token, where it acts and what it may do there today.
#[derive(Debug, Serialize, ToSchema)]
pub struct Me {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    /// The token's organisation, or none for a platform token.
    pub tenant: Option<MeTenant>,
    /// The token's scope: `read`, `write` or `admin`.
    pub scope: String,
    /// Whether the token may change anything now (its scope and the person's current role).
    pub may_write: bool,
}

/// The organisation a token acts for, and the person's role there now.
#[derive(Debug, Serialize, ToSchema)]
pub struct MeTenant {
    pub id: i64,
    pub slug: String,
    pub name: String,
    /// `owner`, `member` or `auditor`.
    pub role: String,
    /// `pending`, `verified` or `rejected`.
    pub status: String,
}

/// The caller: person, organisation, role and token scope.
#[utoipa::path(get, path = "/me", tag = "caller",
    responses(
        (status = 200, description = "The caller", body = Me),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn me(Caller(caller): Caller) -> Json<Me> {
    use crate::domain::api_tokens::{TenantGrant, TokenScope};
    let tenant = caller.tenant().map(|t| MeTenant {
        id: t.id,
        slug: t.slug.clone(),
        name: t.name.clone(),
        role: t.role.as_str().to_owned(),
        status: t.status.as_str().to_owned(),
    });
    let may_write = match caller.tenant() {
        Some(t) => TenantGrant {
            role: t.role,
            scope: caller.scope(),
        }
        .may_write(),
        None => caller.scope() == TokenScope::Admin,
    };
    Json(Me {
        user_id: caller.user_id(),
        name: caller.name().to_owned(),
        email: caller.email().to_owned(),
        tenant,
        scope: caller.scope().as_str().to_owned(),
        may_write,
    })
}
