//! Reading the audit log: owners and auditors see their tenant's events,
//! platform admins see every event (and may filter by tenant). Newest first,
//! one page per query (`PAGE_SIZE` on the page), paged by id ("older than"): the log
//! only grows, so paging by key stays one index range however long it gets.

mod repo;

use crate::domain::format::local_instant;
use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::server::{
    auth::{AdminActor, CurrentUser, TenantActor},
    error::ServiceResult,
    state::AppState,
    time_zone::PersonZone,
};
use crate::wire::audit_log::{describe_detail, AuditEntry, AuditFilter, AuditPage};

pub use repo::{Period, Scope};

/// Who reads the log, and therefore which events: a platform admin reads them
/// all; an owner or auditor reads the active tenant's.
#[derive(Debug, Clone)]
pub enum AuditReader {
    Platform(AdminActor),
    Tenant(TenantActor),
}

impl AuditReader {
    /// The reader `user` is; a member (who may not read the log) is refused.
    pub async fn of(state: &AppState, user: &CurrentUser) -> Result<Self, AppError> {
        if let Ok(admin) = user.as_platform_admin() {
            return Ok(Self::Platform(admin));
        }
        Self::tenant(user.in_tenant(state).await?)
    }

    /// A tenant's reader: its owners and auditors; a member is refused.
    pub fn tenant(actor: TenantActor) -> Result<Self, AppError> {
        if !matches!(actor.role(), TenantRole::Owner | TenantRole::Auditor) {
            return Err(AppError::Forbidden);
        }
        Ok(Self::Tenant(actor))
    }
}

/// The instants of the days `filter` names, in the reader's zone: from the first day's midnight
/// to the midnight after the last.
fn period(filter: &AuditFilter, zone: &PersonZone) -> Period {
    Period {
        from: filter.from.map(|day| zone.start_of(day)),
        until: filter
            .to
            .and_then(|day| day.next_day())
            .map(|day| zone.start_of(day)),
    }
}

/// A page of at most `limit` events `reader` may read, newest first, their times in `zone` (the
/// page reads `PAGE_SIZE`).
pub async fn read(
    state: &AppState,
    reader: &AuditReader,
    filter: &AuditFilter,
    zone: &PersonZone,
    limit: i64,
) -> ServiceResult<AuditPage> {
    // A platform admin reads every tenant's events (platform scope); anyone
    // else only the active tenant's.
    let (mut tx, scope) = match reader {
        AuditReader::Platform(_) => {
            let scope = match &filter.tenant {
                Some(slug) => Scope::TenantSlug(slug),
                None => Scope::All,
            };
            (state.db.platform_tx().await?, scope)
        }
        AuditReader::Tenant(actor) => (
            state.db.tenant_tx(&actor.scope()).await?,
            Scope::Tenant(actor.tenant_id()),
        ),
    };
    let all_tenants = !matches!(scope, Scope::Tenant(_));
    let mut entries =
        repo::newest_events(&mut tx, &scope, filter, period(filter, zone), limit + 1).await?;
    tx.commit().await?;
    let keep = usize::try_from(limit).unwrap_or(usize::MAX);
    let more = entries.len() > keep;
    entries.truncate(keep);
    let older_than = if more {
        entries.last().map(|e| e.id)
    } else {
        None
    };
    Ok(AuditPage {
        entries: entries
            .into_iter()
            .map(|e| AuditEntry {
                id: e.id,
                at: zone.at(e.at),
                actor_email: e.actor_email,
                tenant_slug: e.tenant_slug,
                tenant_name: e.tenant_name,
                event: e.event,
                success: e.outcome == "success",
                client_ip: e.client_ip,
                description: describe_detail(&e.detail, |unix| {
                    local_instant(crate::locale::current(), &zone.at(unix))
                }),
                detail: e.detail,
            })
            .collect(),
        older_than,
        all_tenants,
        time_zone: zone.name().to_owned(),
    })
}
