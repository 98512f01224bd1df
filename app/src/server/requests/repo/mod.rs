//! Every SQL statement of quota requests. Tenant-side functions take the tenant id first and
//! filter on it. Rows are turned into typed values when read ([`RequestRow`]): a stored value
//! that is not one (a status, a date…) is a decode error, logged with the request id.

mod capacity;
mod list;
mod people;
mod writes;

pub use capacity::{
    commit_to_pool, granted_quotas, lock_pool, pool_days_snapshot, pool_loads, recount_pool_days,
    weekly_peaks, GrantedQuota, LockedPool, PoolLoads, PoolWindow, Pools,
};
pub use list::{list_requests, ListScope, RequestFilter, SortColumn};
pub use people::{
    add_event, count_unread_notifications, language, list_notifications, mark_notifications_read,
    notify, notify_each, owners, platform_admins, project_lead, tenant_profile, timeline,
    user_name, Words,
};
pub use writes::{
    insert_amendment, insert_draft, set_compliance_flag, set_decision, set_grant, set_status,
    set_submitted, status_now, update_draft, Move, NewAmendment,
};

use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::server::db::{project_filter, TenantScope};

use crate::domain::{
    capacity::Commitment,
    country::CountryCode,
    identity::Sector,
    lifecycle::{RequestKind, RequestStatus},
    projects::EndorsementPolicy,
    residency::{Classification, TenantProfile},
};

/// A stored request with its tenant and site, every column decoded.
#[derive(Debug, Clone)]
pub struct RequestRow {
    pub id: i64,
    pub tenant_id: i64,
    /// The tenant's name and legal country, as the residency rules read them.
    pub tenant: TenantProfile,
    /// Who the tenant lets endorse.
    pub endorsement: EndorsementPolicy,
    /// Whether the campus suspended the tenant (its quotas are flagged to the admins).
    pub tenant_suspended: bool,
    /// The project the request (and its quota) belongs to: id, short name and title.
    pub project_id: i64,
    pub project_code: String,
    pub project_name: String,
    pub requester_user_id: i64,
    pub kind: RequestKind,
    pub amends_request_id: Option<i64>,
    pub status: RequestStatus,
    pub project_title: String,
    pub justification: String,
    pub sector: Sector,
    pub classification: Classification,
    pub confidential_waiver: bool,
    pub site_id: i64,
    pub site_slug: String,
    pub site_name: String,
    pub gpu_model: String,
    pub gpus: i64,
    /// The window asked for, `[start, end)`.
    pub start: Date,
    pub end: Date,
    pub expected_gpu_hours: Option<i64>,
    pub approved_gpus: Option<i64>,
    pub approved_start: Option<Date>,
    pub approved_end: Option<Date>,
    pub decision_note: Option<String>,
    pub idempotency_key: String,
    pub policy_version: Option<i64>,
    pub catalogue_revision: Option<i64>,
    pub compliance_flag: Option<String>,
    /// Bumped by every change (migration 0014): the ETag, and the stale-write guard.
    pub revision: i64,
    /// GPU-seconds its site reported against it (a quota).
    pub used_gpu_seconds: i64,
}

impl RequestRow {
    /// The GPUs and window granted, when all three were stored.
    pub fn granted(&self) -> Option<(i64, Date, Date)> {
        match (self.approved_gpus, self.approved_start, self.approved_end) {
            (Some(gpus), Some(start), Some(end)) => Some((gpus, start, end)),
            _ => None,
        }
    }

    /// The GPUs this request holds in its pool today: its grant, while it is a quota.
    pub fn commitment(&self) -> Option<Commitment> {
        if !self.status.grants_quota() {
            return None;
        }
        self.granted()
            .map(|(gpus, start, end)| Commitment::new(start, end, u32::try_from(gpus).unwrap_or(0)))
    }
}

/// A request as stored: read as a row, or (a list's page) as an object of a JSON array whose keys
/// are the column names of [`SELECT`]; decoded into a [`RequestRow`].
#[derive(Debug, Clone, FromRow, serde::Deserialize)]
struct StoredRequest {
    id: i64,
    tenant_id: i64,
    tenant_name: String,
    tenant_country: String,
    endorsement: String,
    project_id: i64,
    project_code: String,
    project_name: String,
    requester_user_id: i64,
    kind: String,
    amends_request_id: Option<i64>,
    status: String,
    project_title: String,
    justification: String,
    sector: String,
    classification: String,
    confidential_waiver: i64,
    site_id: i64,
    site_slug: String,
    site_name: String,
    gpu_model: String,
    gpus: i64,
    start_date: String,
    end_date: String,
    expected_gpu_hours: Option<i64>,
    approved_gpus: Option<i64>,
    approved_start: Option<String>,
    approved_end: Option<String>,
    decision_note: Option<String>,
    idempotency_key: String,
    policy_version: Option<i64>,
    catalogue_revision: Option<i64>,
    compliance_flag: Option<String>,
    revision: i64,
    used_gpu_seconds: i64,
    tenant_suspended_at: Option<i64>,
}

/// A stored value of request `id` that does not decode: logged with the request id, and an error.
fn corrupt(id: i64, column: &str, error: impl std::fmt::Display) -> sqlx::Error {
    tracing::error!(request_id = id, column, %error, "a stored quota request does not decode");
    sqlx::Error::Decode(format!("quota request {id}: {column}: {error}").into())
}

/// An ISO date as stored.
fn stored_date(id: i64, column: &str, text: &str) -> Result<Date, sqlx::Error> {
    crate::domain::dates::parse_iso_date(text)
        .ok_or_else(|| corrupt(id, column, format!("“{text}” is not a date")))
}

impl TryFrom<StoredRequest> for RequestRow {
    type Error = sqlx::Error;

    fn try_from(s: StoredRequest) -> Result<Self, Self::Error> {
        let id = s.id;
        let optional_date =
            |column: &str, text: Option<&str>| text.map(|t| stored_date(id, column, t)).transpose();
        Ok(Self {
            id,
            tenant_id: s.tenant_id,
            tenant: TenantProfile {
                country: CountryCode::parse(&s.tenant_country)
                    .map_err(|e| corrupt(id, "tenant country", e))?,
                name: s.tenant_name,
            },
            endorsement: EndorsementPolicy::parse(&s.endorsement)
                .map_err(|e| corrupt(id, "tenant endorsement", e))?,
            tenant_suspended: s.tenant_suspended_at.is_some(),
            project_id: s.project_id,
            project_code: s.project_code,
            project_name: s.project_name,
            requester_user_id: s.requester_user_id,
            kind: RequestKind::parse(&s.kind).map_err(|e| corrupt(id, "kind", e))?,
            amends_request_id: s.amends_request_id,
            status: RequestStatus::parse(&s.status).map_err(|e| corrupt(id, "status", e))?,
            project_title: s.project_title,
            justification: s.justification,
            sector: Sector::parse(&s.sector).map_err(|e| corrupt(id, "sector", e))?,
            classification: Classification::parse(&s.classification)
                .map_err(|e| corrupt(id, "classification", e))?,
            confidential_waiver: s.confidential_waiver == 1,
            site_id: s.site_id,
            site_slug: s.site_slug,
            site_name: s.site_name,
            gpu_model: s.gpu_model,
            gpus: s.gpus,
            start: stored_date(id, "start_date", &s.start_date)?,
            end: stored_date(id, "end_date", &s.end_date)?,
            expected_gpu_hours: s.expected_gpu_hours,
            approved_gpus: s.approved_gpus,
            approved_start: optional_date("approved_start", s.approved_start.as_deref())?,
            approved_end: optional_date("approved_end", s.approved_end.as_deref())?,
            decision_note: s.decision_note,
            idempotency_key: s.idempotency_key,
            policy_version: s.policy_version,
            catalogue_revision: s.catalogue_revision,
            compliance_flag: s.compliance_flag,
            revision: s.revision,
            used_gpu_seconds: s.used_gpu_seconds,
        })
    }
}

const SELECT: &str = "SELECT r.id, r.tenant_id, t.name AS tenant_name, t.country AS tenant_country, \
     t.endorsement, r.project_id, p.code AS project_code, p.title AS project_name, r.requester_user_id, r.kind, r.amends_request_id, r.status, \
     r.project_title, r.justification, r.sector, r.classification, r.confidential_waiver, r.site_id, \
     s.slug AS site_slug, s.name AS site_name, r.gpu_model, r.gpus, r.start_date, r.end_date, \
     r.expected_gpu_hours, r.approved_gpus, r.approved_start, r.approved_end, r.decision_note, \
     r.idempotency_key, r.policy_version, r.catalogue_revision, r.compliance_flag, r.revision, \
     r.used_gpu_seconds, t.suspended_at AS tenant_suspended_at FROM quota_requests r JOIN tenants t ON t.id = r.tenant_id JOIN sites s ON s.id = r.site_id \
     JOIN projects p ON p.id = r.project_id";

/// The row a query found, decoded.
fn decode_one(row: Option<StoredRequest>) -> Result<Option<RequestRow>, sqlx::Error> {
    row.map(RequestRow::try_from).transpose()
}

/// A request the scope sees (`None` for another tenant's, or, for a tenant member, one of a
/// project they are not in).
pub async fn find_in_tenant(
    conn: &mut AnyConnection,
    scope: &TenantScope,
    id: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    find_in_tenant_with(conn, scope, id, "").await
}

/// A request of this tenant (`None` for another tenant's), its row locked until the transaction
/// ends (see [`find_any_locked`]), so that two transitions of it are taken one after the other.
pub async fn find_in_tenant_locked(
    conn: &mut AnyConnection,
    scope: &TenantScope,
    id: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let lock = crate::server::db::row_lock(conn, Some("r"));
    find_in_tenant_with(conn, scope, id, &lock).await
}

/// The one statement behind [`find_in_tenant`] and [`find_in_tenant_locked`].
async fn find_in_tenant_with(
    conn: &mut AnyConnection,
    scope: &TenantScope,
    id: i64,
    lock: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE r.tenant_id = $1 AND {} AND r.id = $3{lock}",
        project_filter("r.project_id", 2)
    );
    decode_one(
        sqlx::query_as(&sql)
            .bind(scope.tenant_id)
            .bind(scope.member_user())
            .bind(id)
            .fetch_optional(conn)
            .await?,
    )
}

/// A request the scope sees, by its form's idempotency key.
pub async fn find_by_key(
    conn: &mut AnyConnection,
    scope: &TenantScope,
    key: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE r.tenant_id = $1 AND {} AND r.idempotency_key = $3",
        project_filter("r.project_id", 2)
    );
    decode_one(
        sqlx::query_as(&sql)
            .bind(scope.tenant_id)
            .bind(scope.member_user())
            .bind(key)
            .fetch_optional(conn)
            .await?,
    )
}

/// Any request (platform admins).
pub async fn find_any(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let sql = format!("{SELECT} WHERE r.id = $1");
    decode_one(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// Any request, its row locked until the transaction ends (a write transaction: see
/// [`crate::server::db::row_lock`]), so that two decisions on it are taken one after the other.
pub async fn find_any_locked(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let lock = crate::server::db::row_lock(conn, Some("r"));
    let sql = format!("{SELECT} WHERE r.id = $1{lock}");
    decode_one(sqlx::query_as(&sql).bind(id).fetch_optional(conn).await?)
}

/// Granted or pending requests the compliance re-check weighs: approved quotas that have not
/// ended by `today`, and submitted or endorsed requests; oldest first.
pub async fn requests_to_recheck(
    conn: &mut AnyConnection,
    today: Date,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let rows: Vec<StoredRequest> = sqlx::query_as(&format!(
        "{SELECT} WHERE (r.status IN ('approved', 'partially_approved') AND r.approved_end > $1) \
         OR r.status IN ('submitted', 'endorsed') ORDER BY r.id"
    ))
    .bind(today.to_string())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(RequestRow::try_from).collect()
}

#[cfg(test)]
mod tests;
