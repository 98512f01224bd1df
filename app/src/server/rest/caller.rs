//! Who calls `/api/v1`: the `Authorization: Bearer` token, and nothing else. A session cookie
//! never authorises an API call (this extractor does not read it).

use axum::extract::{FromRef, FromRequestParts};
use http::{header, request::Parts};

use std::time::Instant;

use super::problem::ApiError;
use super::usage::{TokenUse, UsedToken};
use crate::error::AppError;
use crate::server::{
    api_tokens, auth::ApiCaller, requests::Viewer, security::ClientIp, state::AppState,
    TenantAccess,
};

/// The authenticated caller of an API route.
pub struct Caller(pub ApiCaller);

impl<S> FromRequestParts<S> for Caller
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let (authorization, ip) = bearer_of(parts);
        if crate::server::site_agents::is_agent_secret(authorization) {
            // A valid agent credential or not, it opens only the agent's own routes.
            return Err(AppError::Forbidden.into());
        }
        let caller = api_tokens::authenticate(&state, authorization, ip.as_deref()).await?;
        admit(&state, caller.token_id())?;
        if let Some(slot) = parts.extensions.get::<UsedToken>() {
            slot.record(TokenUse {
                token_id: caller.token_id(),
                user_id: caller.user_id(),
                email: caller.email().to_owned(),
                tenant_id: caller.tenant().map(|t| t.id),
                client_ip: ip,
            });
        }
        Ok(Self(caller))
    }
}

/// The `Authorization` header of a call and the client's address.
pub fn bearer_of(parts: &Parts) -> (Option<&str>, Option<String>) {
    let authorization = parts
        .headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok());
    let ip = parts
        .extensions
        .get::<ClientIp>()
        .and_then(ClientIp::as_string);
    (authorization, ip)
}

/// One call of credential `id` through the API's rate limiter: 429 with `Retry-After` past it.
pub fn admit(state: &AppState, id: i64) -> Result<(), ApiError> {
    state.api_limits.admit(id, Instant::now()).map_err(|wait| {
        AppError::TooManyRequests {
            retry_after_secs: wait.as_secs() + u64::from(wait.subsec_nanos() > 0),
        }
        .into()
    })
}

impl Caller {
    /// The caller as a reader of what every signed-in person reads (the catalogue, capacity,
    /// placement): a tenant token as its tenant, a platform token as a platform admin.
    pub async fn viewer(&self, state: &AppState) -> Result<Viewer, AppError> {
        Ok(match self.0.tenant() {
            Some(_) => Viewer::Tenant(self.0.in_tenant(state, TenantAccess::Read).await?),
            None => Viewer::Admin(self.0.as_platform_admin(false)?),
        })
    }
}
