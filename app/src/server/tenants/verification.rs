//! The platform admins' verification queue: pending tenants, recent
//! decisions, and the decision itself (verify, or reject with a reason shown
//! to the tenant's owners). Every function takes an [`AdminActor`].

use serde_json::json;

use super::repo::{self, TenantRow};
use crate::domain::tenancy::TenantStatus;
use crate::error::AppError;
use crate::features::tenants_admin::{TenantSummary, VerificationQueue};
use crate::server::{
    audit::{self, AuditEvent},
    auth::AdminActor,
    context::RequestContext,
    error::ServiceResult,
    state::AppState,
};

/// How many recent decisions the queue shows.
const RECENT_DECISIONS: i64 = 20;
/// The longest rejection reason kept.
const MAX_REASON_CHARS: usize = 2000;

fn summary(row: TenantRow) -> TenantSummary {
    TenantSummary {
        id: row.id,
        slug: row.slug,
        name: row.name,
        kind: row.kind,
        country: row.country,
        registration_id: row.registration_id,
        sector: row.sector,
        parent_country: row.parent_country,
        status: TenantStatus::parse(&row.status).unwrap_or(TenantStatus::Pending),
        rejection_reason: row.rejection_reason,
        created_at: row.created_at,
        decided_at: row.decided_at,
    }
}

/// The pending tenants (oldest first) and the latest decisions.
pub async fn queue(state: &AppState, _admin: &AdminActor) -> ServiceResult<VerificationQueue> {
    // Platform scope: the queue lists every tenant.
    let mut tx = state.db.platform_tx().await?;
    let pending = repo::pending_tenants(&mut tx).await?;
    let decided = repo::recent_decisions(&mut tx, RECENT_DECISIONS).await?;
    tx.commit().await?;
    Ok(VerificationQueue {
        pending: pending.into_iter().map(summary).collect(),
        decided: decided.into_iter().map(summary).collect(),
    })
}

/// Verifies a pending (or previously rejected) tenant.
pub async fn verify(ctx: &RequestContext, admin: &AdminActor, tenant_id: i64) -> ServiceResult<()> {
    decide(ctx, admin, tenant_id, TenantStatus::Verified, None).await
}

/// Rejects a pending tenant; the reason is required and shown to its owners.
pub async fn reject(
    ctx: &RequestContext,
    admin: &AdminActor,
    tenant_id: i64,
    reason: &str,
) -> ServiceResult<()> {
    let reason = reason.trim();
    if reason.is_empty() {
        return Err(AppError::validation(
            "reason",
            "Please give a reason: the organisation's owners will read it.",
        )
        .into());
    }
    if reason.chars().count() > MAX_REASON_CHARS {
        return Err(AppError::validation(
            "reason",
            format!("A reason can have at most {MAX_REASON_CHARS} characters."),
        )
        .into());
    }
    decide(ctx, admin, tenant_id, TenantStatus::Rejected, Some(reason)).await
}

async fn decide(
    ctx: &RequestContext,
    admin: &AdminActor,
    tenant_id: i64,
    to: TenantStatus,
    reason: Option<&str>,
) -> ServiceResult<()> {
    // Platform scope: an admin decides on any tenant.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let tenant = repo::find_tenant(&mut tx, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = TenantStatus::parse(&tenant.status).map_err(|_| AppError::Internal)?;
    let allowed = matches!(
        (from, to),
        (TenantStatus::Pending, _) | (TenantStatus::Rejected, TenantStatus::Verified)
    );
    if !allowed {
        return Err(AppError::conflict(format!(
            "{} is already {}.",
            tenant.name,
            from.label().to_lowercase()
        ))
        .into());
    }
    repo::decide(&mut tx, tenant_id, to, reason).await?;
    let event = match to {
        TenantStatus::Verified => "tenant_verified",
        _ => "tenant_rejected",
    };
    audit::append(
        &mut tx,
        &AuditEvent::new(event)
            .actor(admin.user_id, &admin.email)
            .tenant(tenant_id)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({
                "tenant_id": tenant_id,
                "tenant_slug": tenant.slug,
                "previous_status": from.as_str(),
                "reason": reason,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
