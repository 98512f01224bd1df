//! Tenant queries: sign-ups waiting for confirmation and the tenant's insert,
//! the verification queue and decisions, the status check. Rows are typed here, as they are read.

use sqlx::{AnyConnection, FromRow};

use crate::domain::{
    country::CountryCode,
    dates::LocalInstant,
    identity::{RegistrationId, Sector, TenantKind},
    slug::Slug,
    tenancy::TenantStatus,
};
use crate::server::db::now_unix;
use crate::wire::tenants::TenantSummary;

/// A stored status, read into its type (the table's CHECK keeps it one of them).
pub fn stored_status(stored: &str) -> Result<TenantStatus, sqlx::Error> {
    TenantStatus::parse(stored)
        .map_err(|e| sqlx::Error::Decode(format!("tenant status: {e}").into()))
}

/// The verification status of a tenant, read now (not from a session).
pub async fn tenant_status(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<(TenantStatus, Option<String>)>, sqlx::Error> {
    let row: Option<(String, Option<i64>, Option<String>)> =
        sqlx::query_as("SELECT status, suspended_at, suspension_reason FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?;
    row.map(|(s, at, reason)| Ok((stored_status(&s)?, at.map(|_| reason.unwrap_or_default()))))
        .transpose()
}

/// Suspends a verified tenant with `reason` (`Some`), or lifts its suspension (`None`); whether
/// anything changed (a tenant not verified, or already so, is left as it is).
pub async fn set_suspension(
    conn: &mut AnyConnection,
    tenant_id: i64,
    reason: Option<&str>,
) -> Result<bool, sqlx::Error> {
    let done = match reason {
        Some(reason) => sqlx::query(
            "UPDATE tenants SET suspended_at = $1, suspension_reason = $2 \
             WHERE id = $3 AND status = 'verified' AND suspended_at IS NULL",
        )
        .bind(now_unix())
        .bind(reason)
        .bind(tenant_id),
        None => sqlx::query(
            "UPDATE tenants SET suspended_at = NULL, suspension_reason = NULL \
             WHERE id = $1 AND suspended_at IS NOT NULL",
        )
        .bind(tenant_id),
    }
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The addresses of a tenant's owners.
pub async fn owner_addresses(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 AND m.role = 'owner' ORDER BY u.id",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await
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
    suspended_at: Option<i64>,
    suspension_reason: Option<String>,
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
            suspension_reason: row
                .suspended_at
                .map(|_| row.suspension_reason.unwrap_or_default()),
            created_at: LocalInstant::utc(row.created_at),
            decided_at: row.decided_at.map(LocalInstant::utc),
        })
    }
}

fn summaries(rows: Vec<TenantRow>) -> Result<Vec<TenantSummary>, sqlx::Error> {
    rows.into_iter().map(TenantSummary::try_from).collect()
}

const TENANT_COLUMNS: &str =
    "id, slug, name, kind, country, registration_id, sector, parent_country, \
     status, rejection_reason, suspended_at, suspension_reason, created_at, decided_at";

/// At most `limit` verified tenants, suspended or not, by name.
pub async fn verified_tenants(
    conn: &mut AnyConnection,
    limit: i64,
) -> Result<Vec<TenantSummary>, sqlx::Error> {
    let rows = sqlx::query_as(&format!(
        "SELECT {TENANT_COLUMNS} FROM tenants WHERE status = 'verified' ORDER BY name, id LIMIT $1"
    ))
    .bind(limit)
    .fetch_all(conn)
    .await?;
    summaries(rows)
}

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

// --- Sign-ups waiting for their address to be confirmed --------------------------------------

/// A sign-up to store until its address is confirmed.
pub struct NewSignUpRequest<'a> {
    pub email: &'a str,
    pub token_hash: &'a str,
    pub name: &'a str,
    pub password_hash: &'a str,
    pub org_name: &'a str,
    pub slug: &'a str,
    pub kind: TenantKind,
    pub country: CountryCode,
    pub registration_id: &'a RegistrationId,
    pub sector: Sector,
    pub parent_country: CountryCode,
    pub expires_at: i64,
}

pub async fn insert_signup_request(
    conn: &mut AnyConnection,
    s: &NewSignUpRequest<'_>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO signup_requests (email, token_hash, name, password_hash, org_name, slug, \
         kind, country, registration_id, sector, parent_country, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) RETURNING id",
    )
    .bind(s.email)
    .bind(s.token_hash)
    .bind(s.name)
    .bind(s.password_hash)
    .bind(s.org_name)
    .bind(s.slug)
    .bind(s.kind.as_str())
    .bind(s.country.as_str())
    .bind(s.registration_id.as_str())
    .bind(s.sector.as_str())
    .bind(s.parent_country.as_str())
    .bind(now_unix())
    .bind(s.expires_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A sign-up waiting for confirmation, read into its types. It holds a password hash: no
/// `Debug`, never serialised.
pub struct SignUpRequest {
    pub id: i64,
    pub email: String,
    pub name: String,
    pub password_hash: String,
    pub org_name: String,
    pub slug: Slug,
    pub kind: TenantKind,
    pub country: CountryCode,
    pub registration_id: RegistrationId,
    pub sector: Sector,
    pub parent_country: CountryCode,
}

#[derive(FromRow)]
struct SignUpRequestRow {
    id: i64,
    email: String,
    name: String,
    password_hash: String,
    org_name: String,
    slug: String,
    kind: String,
    country: String,
    registration_id: String,
    sector: String,
    parent_country: String,
}

fn stored<T>(what: &str, parsed: Result<T, String>) -> Result<T, sqlx::Error> {
    parsed.map_err(|e| sqlx::Error::Decode(format!("sign-up request {what}: {e}").into()))
}

impl TryFrom<SignUpRequestRow> for SignUpRequest {
    type Error = sqlx::Error;

    fn try_from(r: SignUpRequestRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            slug: stored("slug", Slug::parse(&r.slug))?,
            kind: stored("kind", TenantKind::parse(&r.kind))?,
            country: stored("country", CountryCode::parse(&r.country))?,
            registration_id: stored(
                "registration id",
                RegistrationId::parse(&r.country, &r.registration_id),
            )?,
            sector: stored("sector", Sector::parse(&r.sector))?,
            parent_country: stored("parent country", CountryCode::parse(&r.parent_country))?,
            id: r.id,
            email: r.email,
            name: r.name,
            password_hash: r.password_hash,
            org_name: r.org_name,
        })
    }
}

/// The sign-up of this token's hash, unless it has expired.
pub async fn find_signup_request(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<SignUpRequest>, sqlx::Error> {
    let row: Option<SignUpRequestRow> = sqlx::query_as(
        "SELECT id, email, name, password_hash, org_name, slug, kind, country, registration_id, \
         sector, parent_country FROM signup_requests WHERE token_hash = $1 AND expires_at > $2",
    )
    .bind(token_hash)
    .bind(now_unix())
    .fetch_optional(conn)
    .await?;
    row.map(SignUpRequest::try_from).transpose()
}

/// Forgets every sign-up waiting for this address (one was confirmed, or the address has an
/// account now), and every expired one.
pub async fn delete_signup_requests_of(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM signup_requests WHERE email = $1 OR expires_at <= $2")
        .bind(email)
        .bind(now_unix())
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Writes an organisation's details; `back_to_pending` also sends it back to verification (its
/// earlier decision cleared).
pub async fn update_details(
    conn: &mut AnyConnection,
    tenant_id: i64,
    d: &crate::wire::tenants::OrganisationDetails,
    back_to_pending: bool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE tenants SET name = $1, kind = $2, country = $3, registration_id = $4, \
             sector = $5, parent_country = $6, \
             status = CASE WHEN $7 = 1 THEN 'pending' ELSE status END, \
             rejection_reason = CASE WHEN $7 = 1 THEN NULL ELSE rejection_reason END, \
             decided_at = CASE WHEN $7 = 1 THEN NULL ELSE decided_at END \
         WHERE id = $8",
    )
    .bind(d.org_name.as_str())
    .bind(d.kind.as_str())
    .bind(d.country.as_str())
    .bind(d.registration_id.as_str())
    .bind(d.sector.as_str())
    .bind(d.parent_country.as_str())
    .bind(i64::from(back_to_pending))
    .bind(tenant_id)
    .execute(conn)
    .await?;
    Ok(())
}
