//! Audit log queries. Each page is one query on an index:
//! `audit_log_tenant (tenant_id, id)` for a tenant, `audit_log_event (event, id)`
//! for an event filter, the primary key otherwise.

use sqlx::{AnyConnection, FromRow};

use crate::wire::audit_log::AuditFilter;

/// Whose events a page holds.
#[derive(Debug, Clone, Copy)]
pub enum Scope<'a> {
    /// One tenant's (the id comes from a `TenantActor`).
    Tenant(i64),
    /// One tenant's, named by its slug (platform admins).
    TenantSlug(&'a str),
    /// Every event (platform admins).
    All,
}

enum Param {
    Int(i64),
    Text(String),
}

/// One stored event; `at` in Unix seconds.
#[derive(FromRow)]
pub struct StoredEvent {
    pub id: i64,
    pub at: i64,
    pub actor_email: Option<String>,
    pub tenant_slug: Option<String>,
    pub tenant_name: Option<String>,
    pub event: String,
    pub outcome: String,
    pub client_ip: Option<String>,
    pub detail: String,
}

/// The instants `[from, until)` (Unix seconds) an audit page is limited to, either end open.
#[derive(Debug, Clone, Copy, Default)]
pub struct Period {
    pub from: Option<i64>,
    pub until: Option<i64>,
}

/// At most `limit` events of `scope` matching `filter` within `period`, newest first.
pub async fn newest_events(
    conn: &mut AnyConnection,
    scope: &Scope<'_>,
    filter: &AuditFilter,
    period: Period,
    limit: i64,
) -> Result<Vec<StoredEvent>, sqlx::Error> {
    let mut conditions: Vec<String> = Vec::new();
    let mut params: Vec<Param> = Vec::new();
    let mut add = |condition: &str, param: Param| {
        params.push(param);
        conditions.push(condition.replace('?', &format!("${}", params.len())));
    };
    match scope {
        Scope::Tenant(id) => add("a.tenant_id = ?", Param::Int(*id)),
        Scope::TenantSlug(slug) => add(
            "a.tenant_id = (SELECT id FROM tenants WHERE slug = ?)",
            Param::Text((*slug).to_owned()),
        ),
        Scope::All => {}
    }
    if let Some(event) = &filter.event {
        add("a.event = ?", Param::Text(event.clone()));
    }
    if let Some(outcome) = filter.outcome {
        add("a.outcome = ?", Param::Text(outcome.as_str().to_owned()));
    }
    if let Some(before) = filter.before {
        add("a.id < ?", Param::Int(before));
    }
    if let Some(from) = period.from {
        add("a.at >= ?", Param::Int(from));
    }
    if let Some(until) = period.until {
        add("a.at < ?", Param::Int(until));
    }
    let where_clause = if conditions.is_empty() {
        String::new()
    } else {
        format!("WHERE {}", conditions.join(" AND "))
    };
    let sql = format!(
        "SELECT a.id, a.at, a.actor_email, t.slug AS tenant_slug, t.name AS tenant_name, a.event, \
         a.outcome, a.client_ip, a.detail FROM audit_log a LEFT JOIN tenants t ON t.id = a.tenant_id \
         {where_clause} ORDER BY a.id DESC LIMIT {limit}"
    );
    let mut query = sqlx::query_as::<_, StoredEvent>(&sql);
    for p in params {
        query = match p {
            Param::Int(i) => query.bind(i),
            Param::Text(s) => query.bind(s),
        };
    }
    query.fetch_all(conn).await
}
