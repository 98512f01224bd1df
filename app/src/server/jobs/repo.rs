//! The job runner's statements: the schedule (`jobs`), each run (`job_runs`), and the
//! reminders it sends once (`quota_reminders`, `certificate_warnings`). Platform data.

use sqlx::{AnyConnection, FromRow};

/// Adds a job the database has not seen, first due at `first_run_ms`.
pub async fn ensure(
    conn: &mut AnyConnection,
    name: &str,
    first_run_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO jobs (name, next_run_at_ms) VALUES ($1, $2) ON CONFLICT (name) DO NOTHING",
    )
    .bind(name)
    .bind(first_run_ms)
    .execute(conn)
    .await?;
    Ok(())
}

/// Claims job `name` for `instance` when it is due at `now_ms` and no other instance holds it:
/// one conditional update, so of several instances asking at once exactly one gets it. Returns
/// the due time it was claimed for, and the failures so far in a row.
pub async fn claim(
    conn: &mut AnyConnection,
    name: &str,
    instance: &str,
    now_ms: i64,
    lease_until_ms: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "UPDATE jobs SET locked_by = $1, locked_until_ms = $2 \
         WHERE name = $3 AND next_run_at_ms <= $4 \
         AND (locked_until_ms IS NULL OR locked_until_ms < $4) \
         RETURNING next_run_at_ms, failures_in_row",
    )
    .bind(instance)
    .bind(lease_until_ms)
    .bind(name)
    .bind(now_ms)
    .fetch_optional(conn)
    .await
}

/// Records the start of a run of `job` for due time `scheduled_for`. `false` when a run for that
/// due time already finished (then nothing is run); an unfinished one (its instance died and its
/// lease ran out) is taken over.
pub async fn start_run(
    conn: &mut AnyConnection,
    job: &str,
    scheduled_for: i64,
    instance: &str,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO job_runs (job, scheduled_for, instance, started_at_ms) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (job, scheduled_for) DO UPDATE \
         SET instance = excluded.instance, started_at_ms = excluded.started_at_ms, \
             detail = 'taken over after its instance stopped' \
         WHERE job_runs.finished_at_ms IS NULL",
    )
    .bind(job)
    .bind(scheduled_for)
    .bind(instance)
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// How a run ended.
pub struct Finish<'a> {
    pub job: &'a str,
    pub instance: &'a str,
    pub scheduled_for: i64,
    pub started_at_ms: i64,
    pub finished_at_ms: i64,
    /// `ok`, `failed` or `gave_up`.
    pub outcome: &'a str,
    pub detail: &'a str,
    pub next_run_at_ms: i64,
    pub failures_in_row: i64,
}

/// Records the end of a run and releases the job, due again at `next_run_at_ms`.
pub async fn finish(conn: &mut AnyConnection, f: &Finish<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE job_runs SET finished_at_ms = $1, outcome = $2, detail = $3 \
         WHERE job = $4 AND scheduled_for = $5",
    )
    .bind(f.finished_at_ms)
    .bind(f.outcome)
    .bind(f.detail)
    .bind(f.job)
    .bind(f.scheduled_for)
    .execute(&mut *conn)
    .await?;
    let error = (f.outcome != "ok").then_some(f.detail);
    sqlx::query(
        "UPDATE jobs SET locked_by = NULL, locked_until_ms = NULL, next_run_at_ms = $1, \
         failures_in_row = $2, last_started_at_ms = $3, last_finished_at_ms = $4, \
         last_duration_ms = $5, last_outcome = $6, last_error = $7, last_instance = $8 \
         WHERE name = $9 AND locked_by = $8",
    )
    .bind(f.next_run_at_ms)
    .bind(f.failures_in_row)
    .bind(f.started_at_ms)
    .bind(f.finished_at_ms)
    .bind(f.finished_at_ms - f.started_at_ms)
    .bind(f.outcome)
    .bind(error)
    .bind(f.instance)
    .bind(f.job)
    .execute(conn)
    .await?;
    Ok(())
}

/// Releases a job claimed for nothing (its due time had a finished run already).
pub async fn release(
    conn: &mut AnyConnection,
    name: &str,
    instance: &str,
    next_run_at_ms: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE jobs SET locked_by = NULL, locked_until_ms = NULL, next_run_at_ms = $1 \
         WHERE name = $2 AND locked_by = $3",
    )
    .bind(next_run_at_ms)
    .bind(name)
    .bind(instance)
    .execute(conn)
    .await?;
    Ok(())
}

/// A job as the runner reads it before claiming, and as the admins' page shows it.
#[derive(FromRow, Debug, Clone)]
pub struct JobRow {
    pub name: String,
    pub next_run_at_ms: i64,
    pub locked_by: Option<String>,
    pub locked_until_ms: Option<i64>,
    pub failures_in_row: i64,
    pub last_started_at_ms: Option<i64>,
    pub last_duration_ms: Option<i64>,
    pub last_outcome: Option<String>,
    pub last_error: Option<String>,
    pub last_instance: Option<String>,
}

pub async fn list(conn: &mut AnyConnection) -> Result<Vec<JobRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT name, next_run_at_ms, locked_by, locked_until_ms, failures_in_row, last_started_at_ms, \
         last_duration_ms, last_outcome, last_error, last_instance FROM jobs ORDER BY name",
    )
    .fetch_all(conn)
    .await
}

/// Forgets runs that started before `before_ms`.
pub async fn prune_runs(conn: &mut AnyConnection, before_ms: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM job_runs WHERE started_at_ms < $1")
        .bind(before_ms)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Approved quotas not yet expired that end after `today` (ISO), with their (exclusive) end.
pub async fn quotas_ending(
    conn: &mut AnyConnection,
    today: &str,
) -> Result<Vec<(i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, tenant_id, approved_end FROM quota_requests \
         WHERE status IN ('approved', 'partially_approved') AND expired_at IS NULL \
         AND approved_end IS NOT NULL AND approved_end > $1 ORDER BY id",
    )
    .bind(today)
    .fetch_all(conn)
    .await
}

/// Records reminder `days_before` of quota `request_id`; `false` when it was sent already.
pub async fn claim_quota_reminder(
    conn: &mut AnyConnection,
    request_id: i64,
    tenant_id: i64,
    days_before: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO quota_reminders (request_id, tenant_id, days_before, at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (request_id, days_before) DO NOTHING",
    )
    .bind(request_id)
    .bind(tenant_id)
    .bind(days_before)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A certificate that lapses on or after `today`: id, site, kind, certificate id, valid until.
#[derive(FromRow, Debug, Clone)]
pub struct LapsingCertificate {
    pub id: i64,
    pub site_name: String,
    pub kind: String,
    pub certificate_id: String,
    pub valid_until: String,
}

pub async fn certificates_valid_on(
    conn: &mut AnyConnection,
    today: &str,
) -> Result<Vec<LapsingCertificate>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.id, s.name AS site_name, c.kind, c.certificate_id, c.valid_until \
         FROM certifications c JOIN sites s ON s.id = c.site_id \
         WHERE c.valid_until >= $1 ORDER BY c.id",
    )
    .bind(today)
    .fetch_all(conn)
    .await
}

/// Records warning `days_before` for certificate `id` valid until `valid_until` (a renewed
/// certificate gets warnings again); `false` when it was sent already.
pub async fn claim_certificate_warning(
    conn: &mut AnyConnection,
    id: i64,
    valid_until: &str,
    days_before: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO certificate_warnings (certification_id, valid_until, days_before, at) \
         VALUES ($1, $2, $3, $4) ON CONFLICT (certification_id, valid_until, days_before) DO NOTHING",
    )
    .bind(id)
    .bind(valid_until)
    .bind(days_before)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// An in-app notice to a platform admin (no tenant, no request).
pub async fn notify_admin(
    conn: &mut AnyConnection,
    user_id: i64,
    text: &str,
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("INSERT INTO notifications (user_id, text, created_at) VALUES ($1, $2, $3)")
        .bind(user_id)
        .bind(text)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}
