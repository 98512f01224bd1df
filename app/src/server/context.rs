//! What a server function knows about its request: the state, the session and
//! the client's address.

use tower_sessions::Session;

use super::{
    access::ActingUser,
    auth::{
        actor::{AdminActor, TenantActor},
        CurrentUser,
    },
    error::respond,
    security::ClientIp,
    state::{app_state, AppState},
};
use crate::error::AppError;

#[derive(Clone, Debug)]
pub struct RequestContext {
    pub state: AppState,
    pub session: Session,
    pub client_ip: Option<String>,
}

impl RequestContext {
    /// The signed-in person, or `Unauthenticated`.
    pub async fn user(&self) -> Result<CurrentUser, AppError> {
        let user = CurrentUser::from_session(self.session.clone(), &self.state).await?;
        // A refusal further on in this request names its actor (see `access`).
        leptos::prelude::provide_context(ActingUser(user.user_id()));
        Ok(user)
    }
}

/// Where a service call comes from: the state, the caller's address and, for a browser, its
/// session. The REST API (`server::rest`) has no session: a service that ends the caller's own
/// session on a change of rights does so only when there is one.
#[derive(Clone, Copy, Debug)]
pub struct Call<'a> {
    pub state: &'a AppState,
    pub client_ip: Option<&'a str>,
    pub session: Option<&'a Session>,
}

impl<'a> Call<'a> {
    /// A call without a browser session (the REST API).
    pub fn sessionless(state: &'a AppState, client_ip: Option<&'a str>) -> Self {
        Self {
            state,
            client_ip,
            session: None,
        }
    }
}

impl RequestContext {
    /// This request as a service call.
    pub fn call(&self) -> Call<'_> {
        Call {
            state: &self.state,
            client_ip: self.client_ip.as_deref(),
            session: Some(&self.session),
        }
    }
}

/// The context of the request being served (server functions and SSR pages).
pub async fn request_context() -> Result<RequestContext, AppError> {
    let state = app_state()?;
    let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    let session = parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or(AppError::Internal)?;
    let client_ip = parts
        .extensions
        .get::<ClientIp>()
        .and_then(ClientIp::as_string);
    Ok(RequestContext {
        state,
        session,
        client_ip,
    })
}

/// The context of a request only platform admins may make, and their capability: the first
/// statement of every admin server function. Anonymous callers get 401, others 403, with the
/// response's status set.
pub async fn admin_request() -> Result<(RequestContext, AdminActor), AppError> {
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let admin = respond(user.as_platform_admin())?;
    Ok((ctx, admin))
}

/// [`admin_request`] for a sensitive change (granting platform admin, the policy lists): the
/// session's last second-factor code no older than five minutes, else 403 `StepUpNeeded`.
pub async fn confirmed_admin_request() -> Result<(RequestContext, AdminActor), AppError> {
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let admin = respond(user.as_recently_confirmed_admin(&ctx.state))?;
    Ok((ctx, admin))
}

/// What a tenant server function asks of its caller's role in the active tenant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TenantAccess {
    /// Any role: owner, member or auditor.
    Read,
    /// A role that may write: owner or member.
    Write,
    /// Owners only.
    Own,
}

/// The context of a request made within the caller's active tenant, and their capability: the
/// first statement of every tenant server function, as [`admin_request`] is of admin ones.
/// Anonymous callers get 401; a caller with no active tenant or too weak a role gets 403, with
/// the response's status set.
pub async fn tenant_request(
    access: TenantAccess,
) -> Result<(RequestContext, CurrentUser, TenantActor), AppError> {
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let actor = respond(match access {
        TenantAccess::Read => user.in_tenant(&ctx.state).await,
        TenantAccess::Write => user.in_tenant_writer(&ctx.state).await,
        TenantAccess::Own => user.as_tenant_owner(&ctx.state).await,
    })?;
    Ok((ctx, user, actor))
}
