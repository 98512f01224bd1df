//! What any signed-in person reads: the catalogue snapshot, and the tenant the residency rules
//! evaluate them as.

use super::repo;
use crate::domain::{catalogue::CatalogueSnapshot, country::CountryCode, residency::TenantProfile};
use crate::error::AppError;
use crate::server::{
    auth::CurrentUser,
    error::{respond, ServiceResult},
    request_context,
    requests::Viewer,
    state::AppState,
    Call, RequestContext,
};

/// The country a platform admin without an active tenant evaluates as.
pub const ADMIN_DEFAULT_COUNTRY: &str = "FR";

/// The whole catalogue with the policy in force.
pub async fn snapshot(call: &Call<'_>) -> ServiceResult<CatalogueSnapshot> {
    let mut conn = call.state.db.acquire().await?;
    Ok(repo::load_catalogue(&mut conn).await?)
}

/// The tenant the person acts within, as the residency rules see it; a
/// platform admin with no active tenant evaluates as a French tenant.
pub async fn tenant_profile(
    ctx: &RequestContext,
    user: &CurrentUser,
) -> ServiceResult<TenantProfile> {
    let viewer = match user.identity.tenant {
        None => Viewer::Admin(user.as_platform_admin()?),
        Some(_) => Viewer::Tenant(user.in_tenant(&ctx.state).await?),
    };
    profile_for(&ctx.state, &viewer).await
}

/// The tenant a viewer is evaluated as: its own, or a French tenant for a platform admin.
pub async fn profile_for(state: &AppState, viewer: &Viewer) -> ServiceResult<TenantProfile> {
    let actor = match viewer {
        Viewer::Admin(_) => {
            return Ok(TenantProfile {
                name: "Campus operator (platform admin)".to_string(),
                country: CountryCode::parse(ADMIN_DEFAULT_COUNTRY)
                    .map_err(|_| AppError::Internal)?,
            })
        }
        Viewer::Tenant(actor) => actor,
    };
    let mut tx = state.db.tenant_tx(&actor.scope()).await?;
    let profile = repo::tenant_profile(&mut tx, actor.tenant_id()).await?;
    tx.commit().await?;
    Ok(profile.ok_or(AppError::NotFound)?)
}

/// The context of a request any signed-in person may make about placement, and the tenant the
/// residency rules evaluate them as (see [`tenant_profile`]): the first statement of the
/// placement server functions. Anonymous callers get 401; a person with no active tenant who is
/// not a platform admin gets 403, with the response's status set.
pub async fn placement_request() -> Result<(RequestContext, TenantProfile), AppError> {
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let tenant = respond(tenant_profile(&ctx, &user).await)?;
    Ok((ctx, tenant))
}
