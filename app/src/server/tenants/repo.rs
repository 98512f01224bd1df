//! Tenant queries: sign-up's insert, the verification queue and decisions,
//! the status check. Rows are typed here, as they are read.

use sqlx::{AnyConnection, FromRow};

use crate::domain::{
    country::CountryCode,
    identity::{RegistrationId, Sector, TenantKind},
    tenancy::TenantStatus,
};
use crate::features::tenants::types::TenantSummary;
use crate::server::db::now_unix;

/// A stored status, read into its type (the table's CHECK keeps it one of them).
pub fn stored_status(stored: &str) -> Result<TenantStatus, sqlx::Error> {
    TenantStatus::parse(stored)
        .map_err(|e| sqlx::Error::Decode(format!("tenant status: {e}").into()))
}

/// The verification status of a tenant, read now (not from a session).
pub async fn tenant_status(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<TenantStatus>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT status FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_optional(conn)
        .await?;
    row.map(|(s,)| stored_status(&s)).transpose()
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
    pub kind: TenantKind,
    pub country: CountryCode,
    pub registration_id: &'a RegistrationId,
    pub sector: Sector,
    pub parent_country: CountryCode,
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
    .bind(t.kind.as_str())
    .bind(t.country.as_str())
    .bind(t.registration_id.as_str())
    .bind(t.sector.as_str())
    .bind(t.parent_country.as_str())
    .bind(now_unix())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A tenant as the verification queue reads it.
#[derive(FromRow)]
struct TenantRow {
    id: i64,
    slug: String,
    name: String,
    kind: String,
    country: String,
    registration_id: String,
    sector: String,
    parent_country: String,
    status: String,
    rejection_reason: Option<String>,
    created_at: i64,
    decided_at: Option<i64>,
}

impl TryFrom<TenantRow> for TenantSummary {
    type Error = sqlx::Error;

    fn try_from(row: TenantRow) -> Result<Self, sqlx::Error> {
        Ok(TenantSummary {
            status: stored_status(&row.status)?,
            id: row.id,
            slug: row.slug,
            name: row.name,
            kind: row.kind,
            country: row.country,
            registration_id: row.registration_id,
            sector: row.sector,
            parent_country: row.parent_country,
            rejection_reason: row.rejection_reason,
            created_at: row.created_at,
            decided_at: row.decided_at,
        })
    }
}

fn summaries(rows: Vec<TenantRow>) -> Result<Vec<TenantSummary>, sqlx::Error> {
    rows.into_iter().map(TenantSummary::try_from).collect()
}

const TENANT_COLUMNS: &str =
    "id, slug, name, kind, country, registration_id, sector, parent_country, \
     status, rejection_reason, created_at, decided_at";

/// At most `limit` pending tenants from `offset`, oldest first (the queue;
/// index `tenants_status`).
pub async fn pending_tenants(
    conn: &mut AnyConnection,
    limit: i64,
    offset: i64,
) -> Result<Vec<TenantSummary>, sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {TENANT_COLUMNS} FROM tenants WHERE status = 'pending' \
         ORDER BY created_at, id LIMIT $1 OFFSET $2"
    ))
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    summaries(rows)
}

/// How many tenants are pending.
pub async fn count_pending_tenants(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tenants WHERE status = 'pending'")
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// The most recent decisions, newest first.
pub async fn recent_decisions(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<TenantSummary>, sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {TENANT_COLUMNS} FROM tenants WHERE decided_at IS NOT NULL \
         ORDER BY decided_at DESC, id DESC LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    summaries(rows)
}

pub async fn find_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<TenantSummary>, sqlx::Error> {
    let row: Option<TenantRow> = sqlx::query_as(&format!(
        "SELECT {TENANT_COLUMNS} FROM tenants WHERE id = $1"
    ))
    .bind(tenant_id)
    .fetch_optional(conn)
    .await?;
    row.map(TenantSummary::try_from).transpose()
}

/// Records the campus's verification decision on a tenant: its new status,
/// the reason of a rejection, and when.
pub async fn record_verification(
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
