//! Who sees what is theirs in functions open to platform admins and tenant members alike
//! (a request's page, notifications, the capacity overview), and the opener of such functions.

use crate::error::AppError;
use crate::server::{
    auth::actor::{AdminActor, TenantActor},
    db::Scope,
    error::respond,
    request_context,
    state::AppState,
    RequestContext,
};

/// A signed-in person seeing what is theirs: a platform admin, or someone acting in a tenant.
pub enum Viewer {
    Admin(AdminActor),
    Tenant(TenantActor),
}

/// Which capability counts first for someone who holds both.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ViewerOrder {
    AdminFirst,
    TenantFirst,
}

/// The context of a request that platform admins and anyone acting in a tenant (any role) may
/// make, and the caller as a [`Viewer`]: the first statement of such server functions. Anonymous
/// callers get 401, others 403, with the response's status set.
pub async fn viewer_request(order: ViewerOrder) -> Result<(RequestContext, Viewer), AppError> {
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let viewer = match order {
        ViewerOrder::AdminFirst => match user.as_platform_admin() {
            Ok(admin) => Viewer::Admin(admin),
            Err(_) => Viewer::Tenant(respond(user.in_tenant(&ctx.state).await)?),
        },
        ViewerOrder::TenantFirst => match user.in_tenant(&ctx.state).await {
            Ok(actor) => Viewer::Tenant(actor),
            Err(e) => match user.as_platform_admin() {
                Ok(admin) => Viewer::Admin(admin),
                Err(_) => respond(Err(e))?,
            },
        },
    };
    Ok((ctx, viewer))
}

impl Viewer {
    pub fn user_id(&self) -> i64 {
        match self {
            Self::Admin(a) => a.user_id(),
            Self::Tenant(t) => t.user_id(),
        }
    }

    /// A transaction in the viewer's scope: an admin's notifications span tenants (platform
    /// scope); someone acting in a tenant reaches that tenant's rows only.
    pub(super) async fn tx(
        &self,
        state: &AppState,
        write: bool,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        let scope = match self {
            Self::Admin(_) => Scope::Platform,
            Self::Tenant(t) => Scope::Tenant(t.scope()),
        };
        state.db.begin_scoped(scope, write).await
    }

    /// The member whose projects bound what is shown (`0`: no bound; see `TenantScope`).
    pub(super) fn member_user(&self) -> i64 {
        match self {
            Self::Admin(_) => 0,
            Self::Tenant(t) => t.scope().member_user(),
        }
    }

    /// The tenant whose notifications are shown; `None` for an admin (all of theirs).
    pub(super) fn tenant_id(&self) -> Option<i64> {
        match self {
            Self::Admin(_) => None,
            Self::Tenant(t) => Some(t.tenant_id()),
        }
    }
}
