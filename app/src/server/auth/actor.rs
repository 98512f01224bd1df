//! The signed-in identity, kept in the session, and the actors authorization
//! hands out. Holding an [`AdminActor`] or a [`TenantActor`] is the proof that
//! the check passed: services take them as arguments, so a forgotten check
//! does not compile.

use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use std::sync::Arc;

use crate::domain::{
    api_tokens::{TenantGrant, TokenScope},
    projects::{ProjectRights, ProjectRole},
    tenancy::{TenantRole, TenantStatus},
};
use crate::error::AppError;
use crate::server::{
    db::{now_unix, MemberProjects, TenantScope},
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
    /// When this session last checked a code of the person's second factor (Unix seconds, the
    /// throttle's clock): at sign-in, at set-up, or to confirm a sensitive change. `None` when
    /// it never did (a person without a second factor).
    #[serde(default)]
    pub second_factor_at: Option<i64>,
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

/// How long a code confirms sensitive changes for: five minutes.
pub const STEP_UP_SECS: i64 = 5 * 60;

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

    /// The platform-admin capability, or `Forbidden`; `SecondFactorSetupNeeded` for an admin
    /// whose session passed no second factor (a portal that grants national GPU capacity lets no
    /// admin in with a password alone).
    pub fn as_platform_admin(&self) -> Result<AdminActor, AppError> {
        if !self.identity.platform_admin {
            return Err(AppError::Forbidden);
        }
        if self.identity.second_factor_at.is_none() {
            return Err(AppError::SecondFactorSetupNeeded);
        }
        Ok(AdminActor {
            user_id: self.identity.user_id,
            email: self.identity.email.clone(),
        })
    }

    /// The platform-admin capability for a sensitive change (granting platform admin, an admin
    /// API token, the policy lists): the session's last code no older than
    /// [`STEP_UP_SECS`], else `StepUpNeeded`.
    pub fn as_recently_confirmed_admin(&self, state: &AppState) -> Result<AdminActor, AppError> {
        let admin = self.as_platform_admin()?;
        let now = state.throttle.clock().now_ms().div_euclid(1_000);
        match self.identity.second_factor_at {
            Some(at) if now - at <= STEP_UP_SECS => Ok(admin),
            _ => Err(AppError::StepUpNeeded),
        }
    }

    /// Acting within the active tenant, with any role; a tenant member's projects are read from
    /// the database (so a removal from a project takes effect at the next request).
    pub async fn in_tenant(&self, state: &AppState) -> Result<TenantActor, AppError> {
        let Some(t) = &self.identity.tenant else {
            return Err(AppError::Forbidden);
        };
        TenantActor::resolve(
            state,
            self.identity.user_id,
            self.identity.email.clone(),
            t.id,
            t.role,
            t.status,
        )
        .await
        .map_err(AppError::from)
    }

    /// Acting within the active tenant with a role that may write.
    pub async fn in_tenant_writer(&self, state: &AppState) -> Result<TenantActor, AppError> {
        if !self
            .identity
            .tenant
            .as_ref()
            .is_some_and(|t| t.role.can_write())
        {
            return Err(AppError::Forbidden);
        }
        self.in_tenant(state).await
    }

    /// Acting as an owner of the active tenant.
    pub async fn as_tenant_owner(&self, state: &AppState) -> Result<TenantActor, AppError> {
        if !self
            .identity
            .tenant
            .as_ref()
            .is_some_and(|t| t.role == TenantRole::Owner)
        {
            return Err(AppError::Forbidden);
        }
        self.in_tenant(state).await
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
    projects: ProjectAccess,
}

/// Which projects of its tenant an actor reaches: every one (owners, auditors), or those a
/// tenant member belongs to, with their role in each.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProjectAccess {
    All,
    Member(Arc<[(i64, ProjectRole)]>),
}

impl TenantActor {
    /// A tenant actor made without a session, for the demo data and the benchmarks: never from a
    /// request. A member's projects are read as for a request.
    pub async fn for_demo_and_benchmarks(
        state: &AppState,
        user_id: i64,
        email: impl Into<String>,
        tenant_id: i64,
        role: TenantRole,
        status: TenantStatus,
    ) -> Result<Self, ServiceError> {
        Self::resolve(state, user_id, email.into(), tenant_id, role, status).await
    }

    /// The actor, with the projects it reaches: every one for owners and auditors, those a member
    /// belongs to (read now, so a removal takes effect at the next request).
    async fn resolve(
        state: &AppState,
        user_id: i64,
        email: String,
        tenant_id: i64,
        role: TenantRole,
        status: TenantStatus,
    ) -> Result<Self, ServiceError> {
        let projects = match role {
            TenantRole::Owner | TenantRole::Auditor => ProjectAccess::All,
            TenantRole::Member => ProjectAccess::Member(
                crate::server::projects::memberships_of(state, tenant_id, user_id)
                    .await?
                    .into(),
            ),
        };
        Ok(Self {
            user_id,
            email,
            tenant_id,
            role,
            status,
            projects,
        })
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

    /// The projects this actor reaches.
    pub fn projects(&self) -> &ProjectAccess {
        &self.projects
    }

    /// Their role in project `project_id`, if they belong to it (owners and auditors belong to
    /// none by right: see [`TenantActor::rights_in`]).
    pub fn project_role(&self, project_id: i64) -> Option<ProjectRole> {
        match &self.projects {
            ProjectAccess::All => None,
            ProjectAccess::Member(grants) => grants
                .iter()
                .find(|(id, _)| *id == project_id)
                .map(|(_, role)| *role),
        }
    }

    /// What they may do in project `project_id`, given a role they hold there (an owner or
    /// auditor may also be listed in a project: that role is taken into account too).
    pub fn rights_in(&self, project_id: i64, listed: Option<ProjectRole>) -> ProjectRights {
        let role = self.project_role(project_id).or(listed);
        ProjectRights::new(self.role.lifecycle_role(), role)
    }

    /// The rows a transaction of this actor reaches: its tenant's, and within it its projects.
    pub fn scope(&self) -> TenantScope {
        TenantScope {
            tenant_id: self.tenant_id,
            member: match &self.projects {
                ProjectAccess::All => None,
                ProjectAccess::Member(grants) => Some(MemberProjects {
                    user_id: self.user_id,
                    ids: grants.iter().map(|(id, _)| *id).collect(),
                }),
            },
        }
    }
}

/// The person behind an `/api/v1` call, authenticated by a personal access token (see
/// `server::api_tokens::authenticate`, its only maker outside tests): their *current* role in the
/// token's tenant, or none for a platform token. Like [`CurrentUser`], it hands out actors only
/// through checks, and those checks take the token's scope into account as well as the role.
#[derive(Debug, Clone)]
pub struct ApiCaller {
    token_id: i64,
    user_id: i64,
    email: String,
    name: String,
    scope: TokenScope,
    tenant: Option<ActiveTenant>,
}

impl ApiCaller {
    pub(crate) fn new(
        token_id: i64,
        user_id: i64,
        email: String,
        name: String,
        scope: TokenScope,
        tenant: Option<ActiveTenant>,
    ) -> Self {
        Self {
            token_id,
            user_id,
            email,
            name,
            scope,
            tenant,
        }
    }

    pub fn token_id(&self) -> i64 {
        self.token_id
    }

    pub fn user_id(&self) -> i64 {
        self.user_id
    }

    pub fn email(&self) -> &str {
        &self.email
    }

    pub fn name(&self) -> &str {
        &self.name
    }

    pub fn scope(&self) -> TokenScope {
        self.scope
    }

    /// The token's tenant with the person's role there now; `None` for a platform token.
    pub fn tenant(&self) -> Option<&ActiveTenant> {
        self.tenant.as_ref()
    }

    /// Acting within the token's tenant, when both the token's scope and the person's current
    /// role allow `access` (`Forbidden` otherwise, and for a platform token).
    pub async fn in_tenant(
        &self,
        state: &AppState,
        access: crate::server::TenantAccess,
    ) -> Result<TenantActor, AppError> {
        use crate::server::TenantAccess;
        let Some(t) = &self.tenant else {
            return Err(AppError::Forbidden);
        };
        let grant = TenantGrant {
            role: t.role,
            scope: self.scope,
        };
        let allowed = match access {
            TenantAccess::Read => true,
            TenantAccess::Write => grant.may_write(),
            TenantAccess::Own => grant.may_own(),
        };
        if !allowed {
            return Err(AppError::Forbidden);
        }
        TenantActor::resolve(
            state,
            self.user_id,
            self.email.clone(),
            t.id,
            t.role,
            t.status,
        )
        .await
        .map_err(AppError::from)
    }

    /// The platform-admin capability of a platform token: reading with any scope, changing with
    /// the `admin` scope only (`Forbidden` otherwise, and for a tenant token).
    pub fn as_platform_admin(&self, write: bool) -> Result<AdminActor, AppError> {
        let allowed = self.tenant.is_none() && (!write || self.scope == TokenScope::Admin);
        if !allowed {
            return Err(AppError::Forbidden);
        }
        Ok(AdminActor {
            user_id: self.user_id,
            email: self.email.clone(),
        })
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
