//! Organisations: sign-up with a new tenant, the platform admins' verification
//! queue, and the active-tenant switch.
//!
//! **Verification status and stale sessions.** The session caches the active
//! tenant's status (`ActiveTenant.status`), which goes stale when an admin
//! decides while the owner is signed in. Nothing that gates an action reads
//! that cached copy: [`require_verified`] re-reads the status from the
//! database (one primary-key lookup) on every call, and the pages that show the
//! status (`my_tenants`) read it from the database too. The session copy is
//! only a hint for display.

pub mod details;
mod repo;
pub mod signup;
pub mod switch;
pub mod verification;

pub use repo::stored_status;

use crate::i18n::td_string;
use sqlx::AnyConnection;

use crate::domain::tenancy::TenantStatus;
use crate::error::AppError;
use crate::server::{auth::TenantActor, error::ServiceResult};

/// The message an unverified tenant gets when it tries to submit.
pub const NOT_VERIFIED_MESSAGE: &str =
    "Your organisation is waiting for verification by the campus; \
     you can prepare drafts but not submit them yet.";

/// The message a rejected tenant gets when it tries to submit.
pub const REJECTED_MESSAGE: &str =
    "The campus did not verify your organisation, so it cannot submit anything; \
     see the reason on your organisation's page.";

/// Whether `user_id` may submit for the tenant now: their address proven, the tenant verified and
/// not suspended (what [`require_verified`] demands), for the forms that offer submitting.
pub async fn may_submit(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
) -> ServiceResult<bool> {
    Ok(
        crate::server::identity::oidc::verification::is_proven(conn, user_id).await?
            && matches!(
                repo::tenant_status(conn, tenant_id).await?,
                Some((TenantStatus::Verified, None))
            ),
    )
}

/// Refuses (409 Conflict, with a sentence for the person) unless the actor's address is proven
/// and the actor's tenant is verified and not suspended **now**: the status is re-read from the database, not
/// taken from the session, which may predate an admin's decision. Call it
/// before any submission, on the connection or transaction doing the write.
pub async fn require_verified(conn: &mut AnyConnection, actor: &TenantActor) -> ServiceResult<()> {
    // The person first: an address an identity provider did not vouch for is confirmed before
    // anything is submitted in its name.
    crate::server::identity::oidc::verification::require_proven_address(conn, actor.user_id())
        .await?;
    match repo::tenant_status(conn, actor.tenant_id()).await? {
        Some((TenantStatus::Verified, None)) => Ok(()),
        // Suspended by the campus: read, but nothing submitted until it is lifted.
        Some((TenantStatus::Verified, Some(reason))) => {
            Err(AppError::conflict(crate::domain::format::fill(
                td_string!(crate::locale::current(), server.tenant_suspended),
                &[("reason", &reason)],
            ))
            .into())
        }
        Some((TenantStatus::Pending, _)) => Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.tenant_waiting_verification
        ))
        .into()),
        Some((TenantStatus::Rejected, _)) => Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.tenant_not_verified_by_campus
        ))
        .into()),
        None => Err(AppError::NotFound.into()),
    }
}
