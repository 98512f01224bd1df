//! The tenants a person belongs to, and choosing the active one.

use serde_json::json;

use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::CurrentUser,
    context::RequestContext,
    error::ServiceResult,
    identity::{self, repo as accounts},
    state::AppState,
};
use crate::wire::tenants::MyTenant;

/// The person's tenants, read from the database (so a status decided since
/// sign-in shows). The rejection reason is given to owners only.
pub async fn my_tenants(state: &AppState, user: &CurrentUser) -> ServiceResult<Vec<MyTenant>> {
    // Platform scope: a person's memberships span tenants.
    let memberships = {
        let mut tx = state.db.platform_tx().await?;
        let memberships = accounts::memberships(&mut tx, user.user_id()).await?;
        tx.commit().await?;
        memberships
    };
    let active = user.identity.tenant.as_ref().map(|t| t.id);
    Ok(memberships
        .into_iter()
        .map(|m| {
            let t = m.tenant;
            MyTenant {
                active: Some(t.id) == active,
                rejection_reason: if t.role == TenantRole::Owner {
                    m.rejection_reason
                } else {
                    None
                },
                suspension_reason: m.suspension_reason,
                slug: t.slug,
                name: t.name,
                role: t.role,
                status: t.status,
            }
        })
        .collect())
}

/// Makes the tenant with this slug the active one, after checking the
/// membership in the database. Another tenant answers `NotFound`. The
/// session id rotates (a privilege change) and the switch is audited.
pub async fn switch_tenant(
    ctx: &RequestContext,
    user: CurrentUser,
    tenant_slug: &str,
) -> ServiceResult<()> {
    // Platform scope: the person may be switching to any of their tenants;
    // the membership check is the query's `user_id` filter.
    let row = {
        let mut tx = ctx.state.db.platform_tx().await?;
        let row = accounts::membership_by_slug(&mut tx, user.user_id(), tenant_slug.trim()).await?;
        tx.commit().await?;
        row.ok_or(AppError::NotFound)?
    };
    let tenant = row.tenant;
    let from = user.identity.tenant.as_ref().map(|t| t.id);
    let mut identity_now = user.identity.clone();
    let tenant_id = tenant.id;
    let role = tenant.role;
    identity_now.tenant = Some(tenant);
    identity::sign_in_as(ctx, identity_now).await?;
    audit::append_alone(
        &ctx.state.db,
        &AuditEvent::new("tenant_switched")
            .actor(user.identity.user_id, &user.identity.email)
            .tenant(tenant_id)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "from_tenant_id": from, "role": role.as_str() })),
    )
    .await?;
    Ok(())
}
