//! Tenant and membership queries for this module. Rows stay here.

use sqlx::{AnyConnection, FromRow};

use crate::domain::tenancy::TenantStatus;
use crate::server::db::now_unix;

/// The verification status of a tenant, read now (not from a session).
pub async fn tenant_status(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<TenantStatus>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT status FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.and_then(|(s,)| TenantStatus::parse(&s).ok()))
}

/// Whether a slug is already used by a tenant.
pub async fn slug_taken(conn: &mut AnyConnection, slug: &str) -> Result<bool, sqlx::Error> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_optional(conn)
        .await?;
    Ok(row.is_some())
}

/// A new tenant, already validated.
pub struct NewTenant<'a> {
    pub slug: &'a str,
    pub name: &'a str,
    pub kind: &'a str,
    pub country: &'a str,
    pub registration_id: &'a str,
    pub sector: &'a str,
    pub parent_country: &'a str,
}

/// Inserts a tenant with status `pending`.
pub async fn insert_pending_tenant(
    conn: &mut AnyConnection,
    t: &NewTenant<'_>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO tenants (slug, name, kind, country, registration_id, sector, parent_country, status, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, 'pending', $8) RETURNING id",
    )
    .bind(t.slug)
    .bind(t.name)
    .bind(t.kind)
    .bind(t.country)
    .bind(t.registration_id)
    .bind(t.sector)
    .bind(t.parent_country)
    .bind(now_unix())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

pub async fn insert_membership(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
    role: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(role)
    .bind(now_unix())
    .execute(conn)
    .await?;
    Ok(())
}

/// A tenant as the verification queue and the membership list read it.
#[derive(Debug, FromRow)]
pub struct TenantRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub registration_id: String,
    pub sector: String,
    pub parent_country: String,
    pub status: String,
    pub rejection_reason: Option<String>,
    pub created_at: i64,
    pub decided_at: Option<i64>,
}

const TENANT_COLUMNS: &str =
    "id, slug, name, kind, country, registration_id, sector, parent_country, \
     status, rejection_reason, created_at, decided_at";

/// Pending tenants, oldest first (the queue).
pub async fn pending_tenants(conn: &mut AnyConnection) -> Result<Vec<TenantRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {TENANT_COLUMNS} FROM tenants WHERE status = 'pending' ORDER BY created_at, id"
    ))
    .fetch_all(conn)
    .await
}

/// The most recent decisions, newest first.
pub async fn recent_decisions(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<TenantRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {TENANT_COLUMNS} FROM tenants WHERE decided_at IS NOT NULL \
         ORDER BY decided_at DESC, id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await
}

pub async fn find_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<TenantRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {TENANT_COLUMNS} FROM tenants WHERE id = $1"
    ))
    .bind(tenant_id)
    .fetch_optional(conn)
    .await
}

/// Records a decision on a tenant.
pub async fn decide(
    conn: &mut AnyConnection,
    tenant_id: i64,
    status: TenantStatus,
    reason: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE tenants SET status = $1, rejection_reason = $2, decided_at = $3 WHERE id = $4",
    )
    .bind(status.as_str())
    .bind(reason)
    .bind(now_unix())
    .bind(tenant_id)
    .execute(conn)
    .await?;
    Ok(())
}

/// One of a person's memberships, with what the header shows of it.
#[derive(Debug, FromRow)]
pub struct MembershipRow {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub role: String,
    pub status: String,
    pub rejection_reason: Option<String>,
}

/// A person's memberships, oldest first.
pub async fn memberships(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<MembershipRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.slug, t.name, m.role, t.status, t.rejection_reason FROM memberships m \
         JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = $1 ORDER BY m.created_at, t.id",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// A person's membership of the tenant with this slug, if any.
pub async fn membership_by_slug(
    conn: &mut AnyConnection,
    user_id: i64,
    slug: &str,
) -> Result<Option<MembershipRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.slug, t.name, m.role, t.status, t.rejection_reason FROM memberships m \
         JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = $1 AND t.slug = $2",
    )
    .bind(user_id)
    .bind(slug)
    .fetch_optional(conn)
    .await
}
