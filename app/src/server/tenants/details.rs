//! An organisation's details, as its owners keep them. A change of its legal identity (name,
//! kind, legal country, registration id, parent's country: what the campus verified and what
//! the residency rules read) sends a verified or rejected organisation back to verification, so
//! it cannot submit until a platform admin looks again; a change of sector alone does not.

use serde_json::json;

use super::repo;
use crate::domain::tenancy::TenantStatus;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{CurrentUser, TenantActor},
    context::{Call, RequestContext},
    error::ServiceResult,
};
use crate::wire::tenants::{OrganisationDetails, TenantSummary};

/// The actor's organisation as stored.
pub async fn details(call: &Call<'_>, actor: &TenantActor) -> ServiceResult<TenantSummary> {
    let mut tx = call.state.db.tenant_tx(&actor.scope()).await?;
    let tenant = repo::find_tenant(&mut tx, actor.tenant_id())
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(tenant)
}

/// Whether going from `before` to `after` changes the organisation's legal identity.
pub fn changes_legal_identity(before: &TenantSummary, after: &OrganisationDetails) -> bool {
    before.name != after.org_name.as_str()
        || before.kind != after.kind.as_str()
        || before.country != after.country.as_str()
        || before.registration_id != after.registration_id.as_str()
        || before.parent_country != after.parent_country.as_str()
}

/// Saves the organisation's details (owners only: the actor comes from `as_tenant_owner`).
/// Answers whether it went back to verification. Nothing changed writes nothing.
pub async fn update(
    ctx: &RequestContext,
    user: &CurrentUser,
    actor: &TenantActor,
    after: &OrganisationDetails,
) -> ServiceResult<bool> {
    let mut tx = ctx.state.db.tenant_write_tx(&actor.scope()).await?;
    let before = repo::find_tenant(&mut tx, actor.tenant_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let legal = changes_legal_identity(&before, after);
    if !legal && before.sector == after.sector.as_str() {
        return Ok(false);
    }
    let back = legal && before.status != TenantStatus::Pending;
    repo::update_details(&mut tx, actor.tenant_id(), after, back).await?;
    let mut event = AuditEvent::new("organisation_updated")
        .actor(actor.user_id(), &user.identity.email)
        .ip(ctx.client_ip.as_deref())
        .detail(json!({
            "before": {
                "name": before.name, "kind": before.kind, "country": before.country,
                "registration_id": before.registration_id, "sector": before.sector,
                "parent_country": before.parent_country, "status": before.status.as_str(),
            },
            "after": {
                "name": after.org_name.as_str(), "kind": after.kind.as_str(),
                "country": after.country.as_str(),
                "registration_id": after.registration_id.as_str(),
                "sector": after.sector.as_str(), "parent_country": after.parent_country.as_str(),
            },
            "back_to_verification": back,
        }));
    event.tenant_id = Some(actor.tenant_id());
    audit::append(&mut tx, &event).await?;
    tx.commit().await?;

    // This session's copy of the active tenant (its name in the header, its status as a hint).
    let mut identity = user.identity.clone();
    if let Some(t) = identity.tenant.as_mut() {
        t.name = after.org_name.as_str().to_owned();
        if back {
            t.status = TenantStatus::Pending;
        }
    }
    ctx.session
        .insert(crate::server::session_store::AUTH_KEY, identity)
        .await?;
    Ok(back)
}
