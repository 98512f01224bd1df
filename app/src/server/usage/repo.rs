//! SQL of usage: the quota clock's marks, accounting records per job and day, what each quota
//! has used, and the notices told once.

use sqlx::AnyConnection;

/// Quotas whose start has come (`approved_start <= today`) and that the clock has not marked
/// active yet.
pub async fn due_activation(
    conn: &mut AnyConnection,
    today: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM quota_requests WHERE status IN ('approved', 'partially_approved') \
         AND approved_gpus IS NOT NULL AND activated_at IS NULL AND approved_start <= $1 ORDER BY id",
    )
    .bind(today)
    .fetch_all(conn)
    .await
}

/// Quotas whose end has come and that the clock has not marked expired yet.
pub async fn due_expiry(conn: &mut AnyConnection, today: &str) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT id FROM quota_requests WHERE status IN ('approved', 'partially_approved') \
         AND approved_gpus IS NOT NULL AND expired_at IS NULL AND approved_end <= $1 ORDER BY id",
    )
    .bind(today)
    .fetch_all(conn)
    .await
}

/// Active quotas past half their window, not yet flagged idle.
pub async fn idle_candidates(
    conn: &mut AnyConnection,
    today: &str,
) -> Result<Vec<i64>, sqlx::Error> {
    sqlx::query_scalar(
        "SELECT r.id FROM quota_requests r WHERE r.status IN ('approved', 'partially_approved') \
         AND r.approved_gpus IS NOT NULL AND r.activated_at IS NOT NULL AND r.expired_at IS NULL \
         AND r.approved_end > $1 \
         AND NOT EXISTS (SELECT 1 FROM quota_notices n WHERE n.request_id = r.id AND n.kind = 'idle') \
         ORDER BY r.id",
    )
    .bind(today)
    .fetch_all(conn)
    .await
}

/// Marks quota `id` active (`column` = `activated_at`) or expired (`expired_at`) at `at`, once:
/// whether this call did (another instance may have been first).
pub async fn mark(
    conn: &mut AnyConnection,
    id: i64,
    expired: bool,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let sql = if expired {
        "UPDATE quota_requests SET expired_at = $1 WHERE id = $2 AND expired_at IS NULL"
    } else {
        "UPDATE quota_requests SET activated_at = $1 WHERE id = $2 AND activated_at IS NULL"
    };
    let done = sqlx::query(sql).bind(at).bind(id).execute(conn).await?;
    Ok(done.rows_affected() == 1)
}

/// A timeline step written by the clock (no person acted).
pub async fn add_clock_event(
    conn: &mut AnyConnection,
    request_id: i64,
    tenant_id: i64,
    status: &str,
    at: i64,
    note: &str,
    words: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO request_events (request_id, tenant_id, at, actor_user_id, actor_name, from_status, to_status, note, words) \
         VALUES ($1, $2, $3, NULL, 'Guichet', $4, $4, $5, $6)",
    )
    .bind(request_id)
    .bind(tenant_id)
    .bind(at)
    .bind(status)
    .bind(note)
    .bind(words)
    .execute(conn)
    .await?;
    Ok(())
}

/// What the notices of a quota read: (GPUs, start, end, GPU-hour budget, used GPU-seconds,
/// the tenant's threshold levels).
pub type QuotaUseRow = (i64, String, String, Option<i64>, i64, String);

pub async fn quota_use(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Option<QuotaUseRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.approved_gpus, r.approved_start, r.approved_end, r.expected_gpu_hours, \
         r.used_gpu_seconds, t.usage_thresholds \
         FROM quota_requests r JOIN tenants t ON t.id = r.tenant_id \
         WHERE r.id = $1 AND r.approved_gpus IS NOT NULL",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}

/// Records a notice of quota `id` unless it was already given; whether this call recorded it.
pub async fn insert_notice(
    conn: &mut AnyConnection,
    id: i64,
    tenant_id: i64,
    kind: &str,
    level: i64,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO quota_notices (request_id, tenant_id, kind, level, at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT DO NOTHING",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(kind)
    .bind(level)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Every project's Slurm account parts: (tenant id, tenant slug, project id, project code).
pub async fn projects(
    conn: &mut AnyConnection,
) -> Result<Vec<(i64, String, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.id, t.slug, p.id, p.code FROM projects p JOIN tenants t ON t.id = p.tenant_id",
    )
    .fetch_all(conn)
    .await
}

/// Every quota granted at `site_id`: (id, tenant id, project id, model, start, end), oldest
/// first.
pub async fn quotas_at_site(
    conn: &mut AnyConnection,
    site_id: i64,
) -> Result<Vec<(i64, i64, i64, String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, tenant_id, project_id, gpu_model, approved_start, approved_end FROM quota_requests \
         WHERE site_id = $1 AND status IN ('approved', 'partially_approved') \
         AND approved_gpus IS NOT NULL ORDER BY id",
    )
    .bind(site_id)
    .fetch_all(conn)
    .await
}

/// The stored record of a job: (account, login, started at, elapsed, AllocTRES).
pub async fn job(
    conn: &mut AnyConnection,
    site_id: i64,
    cluster: &str,
    job_id: &str,
) -> Result<Option<(String, String, i64, i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT account, login, started_at, elapsed, tres FROM usage_jobs \
         WHERE site_id = $1 AND cluster = $2 AND job_id = $3",
    )
    .bind(site_id)
    .bind(cluster)
    .bind(job_id)
    .fetch_optional(conn)
    .await
}

/// Takes back what a job's previous record counted: its days are deleted; (quota, GPU-seconds)
/// of each, to subtract.
pub async fn take_job_days(
    conn: &mut AnyConnection,
    site_id: i64,
    cluster: &str,
    job_id: &str,
) -> Result<Vec<(Option<i64>, i64)>, sqlx::Error> {
    let days: Vec<(Option<i64>, i64)> = sqlx::query_as(
        "SELECT request_id, gpu_seconds FROM usage_days WHERE site_id = $1 AND cluster = $2 AND job_id = $3",
    )
    .bind(site_id)
    .bind(cluster)
    .bind(job_id)
    .fetch_all(&mut *conn)
    .await?;
    sqlx::query("DELETE FROM usage_days WHERE site_id = $1 AND cluster = $2 AND job_id = $3")
        .bind(site_id)
        .bind(cluster)
        .bind(job_id)
        .execute(conn)
        .await?;
    Ok(days)
}

/// A job's record, new or replacing the previous one.
#[allow(clippy::too_many_arguments)]
pub async fn put_job(
    conn: &mut AnyConnection,
    site_id: i64,
    cluster: &str,
    job_id: &str,
    account: &str,
    login: &str,
    state: &str,
    started_at: i64,
    elapsed: i64,
    tres: &str,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO usage_jobs (site_id, cluster, job_id, account, login, state, started_at, elapsed, tres, received_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (site_id, cluster, job_id) DO UPDATE SET account = excluded.account, \
         login = excluded.login, state = excluded.state, started_at = excluded.started_at, \
         elapsed = excluded.elapsed, tres = excluded.tres, received_at = excluded.received_at",
    )
    .bind(site_id)
    .bind(cluster)
    .bind(job_id)
    .bind(account)
    .bind(login)
    .bind(state)
    .bind(started_at)
    .bind(elapsed)
    .bind(tres)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(())
}

/// One day of one model of a job.
pub struct JobDay<'a> {
    pub site_id: i64,
    pub cluster: &'a str,
    pub job_id: &'a str,
    pub day: String,
    pub model: &'a str,
    pub tenant_id: i64,
    pub project_id: i64,
    pub request_id: Option<i64>,
    pub login: &'a str,
    pub gpu_seconds: i64,
}

pub async fn insert_job_day(conn: &mut AnyConnection, d: &JobDay<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO usage_days (site_id, cluster, job_id, day, gpu_model, tenant_id, project_id, request_id, login, gpu_seconds) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
    )
    .bind(d.site_id)
    .bind(d.cluster)
    .bind(d.job_id)
    .bind(&d.day)
    .bind(d.model)
    .bind(d.tenant_id)
    .bind(d.project_id)
    .bind(d.request_id)
    .bind(d.login)
    .bind(d.gpu_seconds)
    .execute(conn)
    .await?;
    Ok(())
}

/// Adds `delta` GPU-seconds to what quota `id` has used.
pub async fn add_used(conn: &mut AnyConnection, id: i64, delta: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE quota_requests SET used_gpu_seconds = used_gpu_seconds + $1 WHERE id = $2")
        .bind(delta)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// A quota's use per day: (day, GPU-seconds), in order.
pub async fn daily(conn: &mut AnyConnection, id: i64) -> Result<Vec<(String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT day, CAST(SUM(gpu_seconds) AS BIGINT) FROM usage_days WHERE request_id = $1 GROUP BY day ORDER BY day",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}

/// A quota's use per login, with the person's name where the login is known: (login, name,
/// GPU-seconds), most first.
pub async fn by_person(
    conn: &mut AnyConnection,
    id: i64,
) -> Result<Vec<(String, Option<String>, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT d.login, MAX(u.name), CAST(SUM(d.gpu_seconds) AS BIGINT) FROM usage_days d \
         LEFT JOIN site_logins l ON l.site_id = d.site_id AND l.login = d.login \
         LEFT JOIN users u ON u.id = l.user_id \
         WHERE d.request_id = $1 GROUP BY d.login ORDER BY SUM(d.gpu_seconds) DESC, d.login",
    )
    .bind(id)
    .fetch_all(conn)
    .await
}

/// Per site and model, over quotas whose window meets `[from, to)`: (site name, model, granted
/// GPU-seconds in the period, used GPU-seconds in the period). Granted is computed by the caller
/// from the windows; this reads (site name, model, GPUs, start, end) and the used sums apart.
pub async fn granted_windows(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.name, r.gpu_model, r.approved_gpus, r.approved_start, r.approved_end \
         FROM quota_requests r JOIN sites s ON s.id = r.site_id \
         WHERE r.status IN ('approved', 'partially_approved') AND r.approved_gpus IS NOT NULL \
         AND r.approved_start < $2 AND r.approved_end > $1",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// Used GPU-seconds per (site name, model) on days in `[from, to)`.
pub async fn used_by_pool(
    conn: &mut AnyConnection,
    from: &str,
    to: &str,
) -> Result<Vec<(String, String, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.name, d.gpu_model, CAST(SUM(d.gpu_seconds) AS BIGINT) FROM usage_days d JOIN sites s ON s.id = d.site_id \
         WHERE d.day >= $1 AND d.day < $2 GROUP BY s.name, d.gpu_model",
    )
    .bind(from)
    .bind(to)
    .fetch_all(conn)
    .await
}

/// A tenant's threshold levels, as stored (`80,100`).
pub async fn thresholds(conn: &mut AnyConnection, tenant_id: i64) -> Result<String, sqlx::Error> {
    sqlx::query_scalar("SELECT usage_thresholds FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_one(conn)
        .await
}

pub async fn set_thresholds(
    conn: &mut AnyConnection,
    tenant_id: i64,
    levels: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE tenants SET usage_thresholds = $1 WHERE id = $2")
        .bind(levels)
        .bind(tenant_id)
        .execute(conn)
        .await?;
    Ok(())
}
