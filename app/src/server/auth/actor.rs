//! The signed-in identity, kept in the session, and the actors authorization
//! hands out. Holding an [`AdminActor`] or a [`TenantActor`] is the proof that
//! the check passed: services take them as arguments, so a forgotten check
//! does not compile.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use crate::domain::tenancy::{TenantRole, TenantStatus};
use crate::error::AppError;
use crate::server::{
    db::now_unix,
    error::ServiceError,
    session_store::{AUTH_KEY, SEEN_KEY},
    state::AppState,
};

/// The tenant a person is acting within.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActiveTenant {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub role: TenantRole,
    pub status: TenantStatus,
}

/// What the session remembers about who signed in.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionIdentity {
    pub user_id: i64,
    pub email: String,
    pub name: String,
    pub platform_admin: bool,
    pub tenant: Option<ActiveTenant>,
    /// When the person signed in (Unix seconds), for the absolute lifetime.
    pub signed_in_at: i64,
}

/// Pushes the session's idle deadline back while its person is active: the
/// session layer saves a session (and renews its cookie) only when it changed,
/// so a session read on every request would otherwise end a fixed idle time
/// after sign-in, however busy its person. One write at most every thirtieth
/// of the idle timeout (a minute, by default), not one per request.
async fn keep_alive(session: &Session, state: &AppState, now: i64) {
    let idle = i64::try_from(state.config.session_idle.as_secs()).unwrap_or(i64::MAX);
    let every = (idle / 30).max(1);
    let seen: Option<i64> = session.get(SEEN_KEY).await.ok().flatten();
    if seen.is_none_or(|seen| now.saturating_sub(seen) >= every) {
        if let Err(e) = session.insert(SEEN_KEY, now).await {
            tracing::warn!(error = %e, "could not renew the session's idle deadline");
        }
    }
}

/// The person behind a request, once authenticated.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub identity: SessionIdentity,
    pub session: Session,
}

impl CurrentUser {
    /// Reads the identity from the request's session; `Unauthenticated` when
    /// there is none or it outlived the absolute session lifetime.
    pub async fn from_session(session: Session, state: &AppState) -> Result<Self, AppError> {
        let identity: Option<SessionIdentity> = session
            .get(AUTH_KEY)
            .await
            .map_err(|e| AppError::from(ServiceError::Session(e)))?;
        let Some(identity) = identity else {
            return Err(AppError::Unauthenticated);
        };
        let max = i64::try_from(state.config.session_max.as_secs()).unwrap_or(i64::MAX);
        let now = now_unix();
        if now.saturating_sub(identity.signed_in_at) > max {
            let _ = session.flush().await;
            return Err(AppError::Unauthenticated);
        }
        keep_alive(&session, state, now).await;
        Ok(Self { identity, session })
    }

    pub fn user_id(&self) -> i64 {
        self.identity.user_id
    }

    /// The platform-admin capability, or `Forbidden`.
    pub fn as_platform_admin(&self) -> Result<AdminActor, AppError> {
        if self.identity.platform_admin {
            Ok(AdminActor {
                user_id: self.identity.user_id,
                email: self.identity.email.clone(),
            })
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Acting within the active tenant, with any role.
    pub fn in_tenant(&self) -> Result<TenantActor, AppError> {
        match &self.identity.tenant {
            Some(t) => Ok(TenantActor {
                user_id: self.identity.user_id,
                email: self.identity.email.clone(),
                tenant_id: t.id,
                role: t.role,
                status: t.status,
            }),
            None => Err(AppError::Forbidden),
        }
    }

    /// Acting within the active tenant with a role that may write.
    pub fn in_tenant_writer(&self) -> Result<TenantActor, AppError> {
        let actor = self.in_tenant()?;
        if actor.role.can_write() {
            Ok(actor)
        } else {
            Err(AppError::Forbidden)
        }
    }

    /// Acting as an owner of the active tenant.
    pub fn as_tenant_owner(&self) -> Result<TenantActor, AppError> {
        let actor = self.in_tenant()?;
        if actor.role == TenantRole::Owner {
            Ok(actor)
        } else {
            Err(AppError::Forbidden)
        }
    }
}

/// Proof that the caller is a platform admin. Its fields are private: the only ways to hold one
/// are [`CurrentUser::as_platform_admin`] and [`AdminActor::for_demo_and_benchmarks`].
#[derive(Debug, Clone)]
pub struct AdminActor {
    user_id: i64,
    email: String,
}

impl AdminActor {
    /// An admin actor made without a session, for the demo data, the operator's command line and
    /// the benchmarks: never from a request.
    pub fn for_demo_and_benchmarks(user_id: i64, email: impl Into<String>) -> Self {
        Self {
            user_id,
            email: email.into(),
        }
    }

    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    pub fn email(&self) -> &str {
        &self.email
    }
}

/// Proof that the caller acts within one tenant, with this role. Its fields are private: the only
/// ways to hold one are the checks of [`CurrentUser`] (`in_tenant`, `in_tenant_writer`,
/// `as_tenant_owner`) and [`TenantActor::for_demo_and_benchmarks`].
#[derive(Debug, Clone)]
pub struct TenantActor {
    user_id: i64,
    email: String,
    tenant_id: i64,
    role: TenantRole,
    status: TenantStatus,
}

impl TenantActor {
    /// A tenant actor made without a session, for the demo data and the benchmarks: never from a
    /// request.
    pub fn for_demo_and_benchmarks(
        user_id: i64,
        email: impl Into<String>,
        tenant_id: i64,
        role: TenantRole,
        status: TenantStatus,
    ) -> Self {
        Self {
            user_id,
            email: email.into(),
            tenant_id,
            role,
            status,
        }
    }

    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    /// The tenant every query of this actor is scoped to.
    pub fn tenant_id(&self) -> i64 {
        self.tenant_id
    }

    pub fn role(&self) -> TenantRole {
        self.role
    }

    pub fn status(&self) -> TenantStatus {
        self.status
    }
}

impl<S> axum::extract::FromRequestParts<S> for CurrentUser
where
    S: Send + Sync,
    AppState: axum::extract::FromRef<S>,
{
    type Rejection = AppError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        let state = <AppState as axum::extract::FromRef<S>>::from_ref(state);
        let session = parts.extensions.get::<Session>().cloned().ok_or_else(|| {
            tracing::error!("the session layer is missing from the router");
            AppError::Internal
        })?;
        Self::from_session(session, &state).await
    }
}

/// The current user inside a server function or a server-rendered page.
pub async fn current_user() -> Result<CurrentUser, AppError> {
    let state = crate::server::state::app_state()?;
    let parts = leptos::prelude::use_context::<http::request::Parts>().ok_or(AppError::Internal)?;
    let session = parts
        .extensions
        .get::<Session>()
        .cloned()
        .ok_or(AppError::Internal)?;
    CurrentUser::from_session(session, &state).await
}
