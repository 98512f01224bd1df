//! A tenant's threshold levels: the percentages of a quota's budget whose crossing its people
//! are told (80 and 100 by default). Owners change them; everyone in the tenant reads them.

use serde_json::json;

use super::repo;
use crate::domain::tenancy::TenantRole;
use crate::domain::usage::parse_thresholds;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::actor::TenantActor,
    error::ServiceResult,
    state::AppState,
};

/// The tenant's levels, as “80, 100”.
pub async fn thresholds(state: &AppState, actor: &TenantActor) -> ServiceResult<String> {
    let mut tx = state.db.tenant_tx(&actor.scope()).await?;
    let levels = repo::thresholds(&mut tx, actor.tenant_id()).await?;
    tx.commit().await?;
    Ok(levels.replace(',', ", "))
}

/// Sets the tenant's levels (owners only); the levels as stored.
pub async fn set_thresholds(
    state: &AppState,
    actor: &TenantActor,
    text: &str,
    ip: Option<&str>,
) -> ServiceResult<String> {
    if actor.role() != TenantRole::Owner {
        return Err(AppError::Forbidden.into());
    }
    let levels = parse_thresholds(text).map_err(|e| AppError::validation("levels", e))?;
    let stored = levels
        .iter()
        .map(u32::to_string)
        .collect::<Vec<_>>()
        .join(",");
    let mut tx = state.db.tenant_write_tx(&actor.scope()).await?;
    repo::set_thresholds(&mut tx, actor.tenant_id(), &stored).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("usage_thresholds_changed")
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(ip)
            .detail(json!({ "levels": levels })),
    )
    .await?;
    tx.commit().await?;
    Ok(stored)
}
