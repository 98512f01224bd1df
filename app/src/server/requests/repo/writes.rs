//! What the life cycle writes on a request row: drafts, amendments, status changes, grants and
//! compliance flags.

use sqlx::AnyConnection;
use time::Date;

use super::RequestRow;
use crate::domain::lifecycle::{RequestKind, RequestStatus};
use crate::server::db::now_unix;
use crate::wire::requests::DraftInput;

/// Expected GPU-hours as stored.
fn stored_hours(input: &DraftInput) -> Option<i64> {
    input
        .expected_gpu_hours
        .map(|h| i64::try_from(h.get()).unwrap_or(i64::MAX))
}

/// Creates a draft of `requester_user_id` at the site `site_id`; answers its id. A form token
/// used before is a unique violation.
pub async fn insert_draft(
    conn: &mut AnyConnection,
    tenant_id: i64,
    project_id: i64,
    requester_user_id: i64,
    input: &DraftInput,
    site_id: i64,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO quota_requests (tenant_id, requester_user_id, kind, status, project_title, justification, \
         sector, classification, confidential_waiver, site_id, gpu_model, gpus, start_date, end_date, \
         expected_gpu_hours, idempotency_key, created_at, updated_at, project_id) \
         VALUES ($1, $2, 'new', 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15, $16) RETURNING id",
    )
    .bind(tenant_id)
    .bind(requester_user_id)
    .bind(input.project_title.as_str())
    .bind(input.justification.as_str())
    .bind(input.sector.as_str())
    .bind(input.classification.as_str())
    .bind(i64::from(input.confidential_waiver))
    .bind(site_id)
    .bind(input.gpu_model.as_str())
    .bind(i64::from(input.gpus.get()))
    .bind(input.window.start().to_string())
    .bind(input.window.end().to_string())
    .bind(stored_hours(input))
    .bind(input.idempotency_key.as_str())
    .bind(now_unix())
    .bind(project_id)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Rewrites the fields of the tenant's request `m.id` (a draft, or a request sent back for
/// changes), if it is still `m.from`; answers whether it was (a compare-and-set: a request
/// withdrawn or submitted meanwhile is left alone).
pub async fn update_draft(
    conn: &mut AnyConnection,
    m: Move,
    project_id: i64,
    input: &DraftInput,
    site_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE quota_requests SET project_title = $1, justification = $2, sector = $3, classification = $4, \
         confidential_waiver = $5, site_id = $6, gpu_model = $7, gpus = $8, start_date = $9, end_date = $10, \
         expected_gpu_hours = $11, updated_at = $12, project_id = $15 \
         WHERE tenant_id = $13 AND id = $14 AND status = $16",
    )
    .bind(input.project_title.as_str())
    .bind(input.justification.as_str())
    .bind(input.sector.as_str())
    .bind(input.classification.as_str())
    .bind(i64::from(input.confidential_waiver))
    .bind(site_id)
    .bind(input.gpu_model.as_str())
    .bind(i64::from(input.gpus.get()))
    .bind(input.window.start().to_string())
    .bind(input.window.end().to_string())
    .bind(stored_hours(input))
    .bind(now_unix())
    .bind(m.tenant_id)
    .bind(m.id)
    .bind(project_id)
    .bind(m.from.as_str())
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A change or renewal of a quota, as a draft of its requester.
pub struct NewAmendment<'a> {
    pub requester_user_id: i64,
    pub kind: RequestKind,
    /// The quota amended: its tenant, title, sector, classification, waiver, site and model.
    pub original: &'a RequestRow,
    pub justification: &'a str,
    pub gpus: i64,
    pub start: Date,
    pub end: Date,
    pub idempotency_key: &'a str,
}

/// Creates the draft of a change or renewal; answers its id.
pub async fn insert_amendment(
    conn: &mut AnyConnection,
    a: &NewAmendment<'_>,
) -> Result<i64, sqlx::Error> {
    let original = a.original;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO quota_requests (tenant_id, requester_user_id, kind, amends_request_id, status, project_title, \
         justification, sector, classification, confidential_waiver, site_id, gpu_model, gpus, start_date, end_date, \
         idempotency_key, created_at, updated_at, project_id) \
         VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16, $17) RETURNING id",
    )
    .bind(original.tenant_id)
    .bind(a.requester_user_id)
    .bind(a.kind.as_str())
    .bind(original.id)
    .bind(&original.project_title)
    .bind(a.justification)
    .bind(original.sector.as_str())
    .bind(original.classification.as_str())
    .bind(i64::from(original.confidential_waiver))
    .bind(original.site_id)
    .bind(&original.gpu_model)
    .bind(a.gpus)
    .bind(a.start.to_string())
    .bind(a.end.to_string())
    .bind(a.idempotency_key)
    .bind(now_unix())
    .bind(original.project_id)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A status move of one request, as a compare-and-set: it happens only if the request is still
/// `from` when written.
#[derive(Debug, Clone, Copy)]
pub struct Move {
    pub tenant_id: i64,
    pub id: i64,
    pub from: RequestStatus,
    pub to: RequestStatus,
}

/// Whether a compare-and-set wrote its row; `false` when the row had moved on meanwhile.
fn one_row(done: &sqlx::any::AnyQueryResult) -> bool {
    done.rows_affected() == 1
}

/// A submission: the new status and the policy and catalogue it was checked against. Answers
/// whether the request was still `m.from` (see [`Move`]).
pub async fn set_submitted(
    conn: &mut AnyConnection,
    m: Move,
    policy_version: i64,
    catalogue_revision: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE quota_requests SET status = $1, policy_version = $2, catalogue_revision = $3, updated_at = $4 \
         WHERE tenant_id = $5 AND id = $6 AND status = $7",
    )
    .bind(m.to.as_str())
    .bind(policy_version)
    .bind(catalogue_revision)
    .bind(now_unix())
    .bind(m.tenant_id)
    .bind(m.id)
    .bind(m.from.as_str())
    .execute(conn)
    .await?;
    Ok(one_row(&done))
}

/// A status change with nothing else (endorsement, withdrawal). Answers whether the request was
/// still `m.from` (see [`Move`]).
pub async fn set_status(conn: &mut AnyConnection, m: Move) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE quota_requests SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4 AND status = $5",
    )
    .bind(m.to.as_str())
    .bind(now_unix())
    .bind(m.tenant_id)
    .bind(m.id)
    .bind(m.from.as_str())
    .execute(conn)
    .await?;
    Ok(one_row(&done))
}

/// A platform admin's decision: the new status, the reason, and (when granting) the policy and
/// catalogue it was checked against. Answers whether the request was still `m.from` (see
/// [`Move`]).
pub async fn set_decision(
    conn: &mut AnyConnection,
    m: Move,
    note: Option<&str>,
    versions: Option<(i64, i64)>,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE quota_requests SET status = $1, decision_note = $2, policy_version = COALESCE($3, policy_version), \
         catalogue_revision = COALESCE($4, catalogue_revision), updated_at = $5 \
         WHERE tenant_id = $6 AND id = $7 AND status = $8",
    )
    .bind(m.to.as_str())
    .bind(note)
    .bind(versions.map(|v| v.0))
    .bind(versions.map(|v| v.1))
    .bind(now_unix())
    .bind(m.tenant_id)
    .bind(m.id)
    .bind(m.from.as_str())
    .execute(conn)
    .await?;
    Ok(one_row(&done))
}

/// The GPUs and window a quota grants, replacing any it granted before, if the request is still
/// `expected` (the status it was read with); answers whether it was.
pub async fn set_grant(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
    expected: RequestStatus,
    gpus: u32,
    start: Date,
    end: Date,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE quota_requests SET approved_gpus = $1, approved_start = $2, approved_end = $3, updated_at = $4 \
         WHERE tenant_id = $5 AND id = $6 AND status = $7",
    )
    .bind(i64::from(gpus))
    .bind(start.to_string())
    .bind(end.to_string())
    .bind(now_unix())
    .bind(tenant_id)
    .bind(id)
    .bind(expected.as_str())
    .execute(conn)
    .await?;
    Ok(one_row(&done))
}

/// The stored status of request `id` now (to name the state a lost race lost to), or `None`
/// when there is no such request.
pub async fn status_now(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<RequestStatus>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT status FROM quota_requests WHERE id = $1")
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(|(s,)| {
        RequestStatus::parse(&s)
            .map_err(|e| sqlx::Error::Decode(format!("quota request {id}: status: {e}").into()))
    })
    .transpose()
}

/// The rules a request no longer meets, or `None` when it complies again.
pub async fn set_compliance_flag(
    conn: &mut AnyConnection,
    id: i64,
    flag: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE quota_requests SET compliance_flag = $1, updated_at = $2 WHERE id = $3")
        .bind(flag)
        .bind(now_unix())
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}
