//! Reading the audit log: owners and auditors see their tenant's events,
//! platform admins see every event (and may filter by tenant). Newest first,
//! one page of [`PAGE_SIZE`] per query, paged by id ("older than").
//!
//! Each page is one query on an index: `audit_log_tenant (tenant_id, id)` for
//! a tenant, `audit_log_event (event, id)` for an event filter, the primary key
//! otherwise; one row more than a page is read to know whether older ones exist.

use sqlx::{AnyConnection, FromRow};

use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::features::audit_log::{AuditEntry, AuditPage, PAGE_SIZE};
use crate::server::{
    auth::{AdminActor, CurrentUser},
    error::ServiceResult,
    state::AppState,
};

/// The filters of one page, as sent.
#[derive(Debug, Clone, Default)]
pub struct AuditFilter {
    pub event: Option<String>,
    pub outcome: Option<String>,
    /// A tenant's slug (platform admins only; ignored for a tenant's own log).
    pub tenant: Option<String>,
    /// Only events with a smaller id (the "older" link).
    pub before: Option<i64>,
}

fn non_empty(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

/// A page of the events `user` may read (see [`read_for`]).
pub async fn read(
    state: &AppState,
    user: &CurrentUser,
    filter: &AuditFilter,
) -> ServiceResult<AuditPage> {
    // A platform admin reads every tenant's events (platform scope); anyone
    // else at most the active tenant's, which [`read_for`] checks again.
    let mut tx = match user.as_platform_admin() {
        Ok(_) => state.db.platform_tx().await?,
        Err(_) => state.db.tenant_tx(user.in_tenant()?.tenant_id).await?,
    };
    let page = read_for(&mut tx, user, filter).await?;
    tx.commit().await?;
    Ok(page)
}

/// Who reads, and therefore which events: a platform admin reads them all; an
/// owner or auditor reads the active tenant's; a member may not read it.
pub async fn read_for(
    conn: &mut AnyConnection,
    user: &CurrentUser,
    filter: &AuditFilter,
) -> ServiceResult<AuditPage> {
    if let Ok(admin) = user.as_platform_admin() {
        return all_events(conn, &admin, filter).await;
    }
    let actor = user.in_tenant()?;
    if !matches!(actor.role, TenantRole::Owner | TenantRole::Auditor) {
        return Err(AppError::Forbidden.into());
    }
    tenant_events(conn, actor.tenant_id, filter).await
}

/// One tenant's events (the tenant id comes from a `TenantActor`).
pub async fn tenant_events(
    conn: &mut AnyConnection,
    tenant_id: i64,
    filter: &AuditFilter,
) -> ServiceResult<AuditPage> {
    page(conn, Scope::Tenant(tenant_id), filter).await
}

/// Every event, for platform admins, optionally of one tenant (by slug).
pub async fn all_events(
    conn: &mut AnyConnection,
    _admin: &AdminActor,
    filter: &AuditFilter,
) -> ServiceResult<AuditPage> {
    let scope = match non_empty(&filter.tenant) {
        Some(slug) => Scope::TenantSlug(slug.to_owned()),
        None => Scope::All,
    };
    page(conn, scope, filter).await
}

enum Scope {
    Tenant(i64),
    TenantSlug(String),
    All,
}

enum Param {
    Int(i64),
    Text(String),
}

#[derive(FromRow)]
struct Row {
    id: i64,
    at: i64,
    actor_email: Option<String>,
    tenant_slug: Option<String>,
    tenant_name: Option<String>,
    event: String,
    outcome: String,
    client_ip: Option<String>,
    detail: String,
}

async fn page(
    conn: &mut AnyConnection,
    scope: Scope,
    filter: &AuditFilter,
) -> ServiceResult<AuditPage> {
    let mut conditions: Vec<String> = Vec::new();
    let mut params: Vec<Param> = Vec::new();
    let mut add = |condition: &str, param: Param| {
        params.push(param);
        conditions.push(condition.replace('?', &format!("${}", params.len())));
    };
    let all_tenants = matches!(scope, Scope::All | Scope::TenantSlug(_));
    match scope {
        Scope::Tenant(id) => add("a.tenant_id = ?", Param::Int(id)),
        Scope::TenantSlug(slug) => add(
            "a.tenant_id = (SELECT id FROM tenants WHERE slug = ?)",
            Param::Text(slug),
        ),
        Scope::All => {}
    }
    if let Some(event) = non_empty(&filter.event) {
        if event.len() > 64 || !event.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
            return Err(AppError::validation("event", "That is not an event name.").into());
        }
        add("a.event = ?", Param::Text(event.to_owned()));
    }
    if let Some(outcome) = non_empty(&filter.outcome) {
        if !matches!(outcome, "success" | "failure") {
            return Err(AppError::validation(
                "outcome",
                "The outcome is either success or failure.",
            )
            .into());
        }
        add("a.outcome = ?", Param::Text(outcome.to_owned()));
    }
    if let Some(before) = filter.before {
        add("a.id < ?", Param::Int(before));
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT a.id, a.at, a.actor_email, t.slug AS tenant_slug, t.name AS tenant_name, a.event, \
         a.outcome, a.client_ip, a.detail FROM audit_log a LEFT JOIN tenants t ON t.id = a.tenant_id \
         {where_clause} ORDER BY a.id DESC LIMIT {}",
        PAGE_SIZE + 1
    );
    let mut query = sqlx::query_as::<_, Row>(&sql);
    for p in params {
        query = match p {
            Param::Int(i) => query.bind(i),
            Param::Text(s) => query.bind(s),
        };
    }
    let mut rows = query.fetch_all(conn).await?;
    let more = rows.len() > PAGE_SIZE as usize;
    rows.truncate(PAGE_SIZE as usize);
    let older_than = if more {
        rows.last().map(|r| r.id)
    } else {
        None
    };
    Ok(AuditPage {
        entries: rows
            .into_iter()
            .map(|r| AuditEntry {
                id: r.id,
                at: r.at,
                actor_email: r.actor_email,
                tenant_slug: r.tenant_slug,
                tenant_name: r.tenant_name,
                event: r.event,
                success: r.outcome == "success",
                client_ip: r.client_ip,
                detail: r.detail,
            })
            .collect(),
        older_than,
        all_tenants,
    })
}
