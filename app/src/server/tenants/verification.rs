//! The platform admins' verification queue: pending tenants, recent
//! decisions, and the decision itself (verify, or reject with a reason shown
//! to the tenant's owners). Every function takes an [`AdminActor`].

use crate::i18n::td_string;
use serde_json::json;

use super::repo;
use crate::domain::{mail::MailCategory, tenancy::TenantStatus};
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::AdminActor,
    context::Call,
    error::ServiceResult,
    outbox,
    state::AppState,
};
use crate::wire::tenants::{RejectionReason, VerificationQueue, PENDING_PAGE_SIZE};

/// How many recent decisions the queue shows.
const RECENT_DECISIONS: i64 = 20;
/// How many verified tenants the page lists for suspending (the campus has far fewer).
const VERIFIED_SHOWN: i64 = 500;
/// One page of the pending tenants (oldest first), how many are pending, and
/// the latest decisions.
pub async fn queue(
    state: &AppState,
    admin: &AdminActor,
    page: u32,
) -> ServiceResult<VerificationQueue> {
    let zone = crate::server::time_zone::of_person(state, admin.user_id()).await?;
    let size = i64::from(PENDING_PAGE_SIZE);
    let mut queue = queue_slice(state, admin, i64::from(page) * size, size).await?;
    queue.page = page;
    // The page shows instants in the admin's zone.
    let at = |unix| zone.at(unix);
    queue.pending = queue.pending.into_iter().map(|t| t.in_zone(at)).collect();
    queue.decided = queue.decided.into_iter().map(|t| t.in_zone(at)).collect();
    queue.verified = queue.verified.into_iter().map(|t| t.in_zone(at)).collect();
    Ok(queue)
}

/// At most `limit` pending tenants from `offset` (oldest first), whether more follow, how many
/// are pending, and the latest decisions: the page's queue and the API's.
pub async fn queue_slice(
    state: &AppState,
    _admin: &AdminActor,
    offset: i64,
    limit: i64,
) -> ServiceResult<VerificationQueue> {
    // Platform scope: the queue lists every tenant.
    let mut tx = state.db.platform_tx().await?;
    let mut pending = repo::pending_tenants(&mut tx, limit + 1, offset).await?;
    let pending_total = repo::count_pending_tenants(&mut tx).await?;
    let decided = repo::recent_decisions(&mut tx, RECENT_DECISIONS).await?;
    let verified = repo::verified_tenants(&mut tx, VERIFIED_SHOWN).await?;
    tx.commit().await?;
    let keep = usize::try_from(limit).unwrap_or(usize::MAX);
    let has_more = pending.len() > keep;
    pending.truncate(keep);
    Ok(VerificationQueue {
        pending,
        page: 0,
        has_more,
        pending_total,
        decided,
        verified,
    })
}

/// Verifies a pending (or previously rejected) tenant.
pub async fn verify(call: &Call<'_>, admin: &AdminActor, tenant_id: i64) -> ServiceResult<()> {
    verify_or_reject_tenant(call, admin, tenant_id, TenantStatus::Verified, None).await
}

/// Rejects a pending tenant; the reason is required and shown to its owners.
pub async fn reject(
    call: &Call<'_>,
    admin: &AdminActor,
    tenant_id: i64,
    reason: &RejectionReason,
) -> ServiceResult<()> {
    verify_or_reject_tenant(
        call,
        admin,
        tenant_id,
        TenantStatus::Rejected,
        Some(reason.as_str()),
    )
    .await
}

/// Moves a tenant to `to` (verified or rejected) when its current status
/// allows it: a pending tenant either way, a rejected one to verified only.
/// Audited in the same transaction.
async fn verify_or_reject_tenant(
    call: &Call<'_>,
    admin: &AdminActor,
    tenant_id: i64,
    to: TenantStatus,
    reason: Option<&str>,
) -> ServiceResult<()> {
    // Platform scope: an admin decides on any tenant.
    let mut tx = call.state.db.platform_write_tx().await?;
    let tenant = repo::find_tenant(&mut tx, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let from = tenant.status;
    let allowed = matches!(
        (from, to),
        (TenantStatus::Pending, _) | (TenantStatus::Rejected, TenantStatus::Verified)
    );
    if !allowed {
        let locale = crate::locale::current();
        return Err(AppError::conflict(crate::domain::format::fill(
            td_string!(locale, server.tenant_already_status),
            &[
                ("name", &tenant.name),
                ("status", &from.label_in(locale).to_lowercase()),
            ],
        ))
        .into());
    }
    repo::record_verification(&mut tx, tenant_id, to, reason).await?;
    let event = match to {
        TenantStatus::Verified => "tenant_verified",
        _ => "tenant_rejected",
    };
    audit::append(
        &mut tx,
        &AuditEvent::new(event)
            .actor(admin.user_id(), admin.email())
            .tenant(tenant_id)
            .ip(call.client_ip)
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

/// Suspends a verified tenant (`Some(reason)`) or lifts its suspension (`None`): while
/// suspended its people read everything but submit nothing ([`super::require_verified`]), and
/// its pages say why. Audited; its owners are e-mailed either way. A tenant that is not
/// verified, or already so, answers 409 and nothing is written.
pub async fn set_suspension(
    call: &Call<'_>,
    admin: &AdminActor,
    tenant_id: i64,
    reason: Option<&RejectionReason>,
) -> ServiceResult<()> {
    // Platform scope: an admin acts on any tenant.
    let mut tx = call.state.db.platform_write_tx().await?;
    let tenant = repo::find_tenant(&mut tx, tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let reason = reason.map(RejectionReason::as_str);
    if !repo::set_suspension(&mut tx, tenant_id, reason).await? {
        let locale = crate::locale::current();
        let message = match reason {
            Some(_) => td_string!(locale, server.tenant_cannot_be_suspended),
            None => td_string!(locale, server.tenant_not_suspended),
        };
        return Err(AppError::conflict(crate::domain::format::fill(
            message,
            &[("name", &tenant.name)],
        ))
        .into());
    }
    let event = if reason.is_some() {
        "tenant_suspended"
    } else {
        "tenant_suspension_lifted"
    };
    audit::append(
        &mut tx,
        &AuditEvent::new(event)
            .actor(admin.user_id(), admin.email())
            .tenant(tenant_id)
            .ip(call.client_ip)
            .detail(json!({ "tenant_slug": tenant.slug, "reason": reason })),
    )
    .await?;
    for owner in repo::owner_addresses(&mut tx, tenant_id).await? {
        let locale = outbox::recipient_locale(&mut tx, &owner).await?;
        let (subject, body) = match reason {
            Some(_) => (
                td_string!(locale, mail.tenant_suspended_subject),
                td_string!(locale, mail.tenant_suspended_body),
            ),
            None => (
                td_string!(locale, mail.tenant_suspension_lifted_subject),
                td_string!(locale, mail.tenant_suspension_lifted_body),
            ),
        };
        let body = crate::domain::format::fill(
            body,
            &[
                ("org", &tenant.name),
                ("reason", &reason.unwrap_or_default()),
            ],
        );
        outbox::queue(&mut tx, MailCategory::Security, &owner, subject, &body).await?;
    }
    tx.commit().await?;
    Ok(())
}
