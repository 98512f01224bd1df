//! SQL of the scheduler export: a site's granted quotas, its GPU models and the logins of its
//! projects' people.

use sqlx::AnyConnection;

/// A granted quota at a site, as stored: (request id, tenant slug, project code, model, GPUs,
/// start, end, GPU-hour budget).
pub type GrantRow = (
    i64,
    String,
    String,
    String,
    i64,
    String,
    String,
    Option<i64>,
);

/// Every quota granted at `site_id` (approved or partially approved, with its grant).
pub async fn grants_at_site(
    conn: &mut AnyConnection,
    site_id: i64,
) -> Result<Vec<GrantRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT r.id, t.slug, p.code, r.gpu_model, r.approved_gpus, r.approved_start, r.approved_end, \
         r.expected_gpu_hours \
         FROM quota_requests r JOIN tenants t ON t.id = r.tenant_id JOIN projects p ON p.id = r.project_id \
         WHERE r.site_id = $1 AND r.status IN ('approved', 'partially_approved') \
         AND r.approved_gpus IS NOT NULL ORDER BY r.id",
    )
    .bind(site_id)
    .fetch_all(conn)
    .await
}

/// The GPU models of `site_id`, by name.
pub async fn models_at_site(
    conn: &mut AnyConnection,
    site_id: i64,
) -> Result<Vec<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT gpu_model FROM site_gpus WHERE site_id = $1 ORDER BY gpu_model")
        .bind(site_id)
        .fetch_all(conn)
        .await
}

/// (tenant slug, project code, login) of every lead and member of a project who is still in
/// its tenant and gave a login for `site_id`.
pub async fn people_at_site(
    conn: &mut AnyConnection,
    site_id: i64,
) -> Result<Vec<(String, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT t.slug, p.code, l.login FROM project_members pm \
         JOIN projects p ON p.id = pm.project_id JOIN tenants t ON t.id = pm.tenant_id \
         JOIN memberships m ON m.user_id = pm.user_id AND m.tenant_id = pm.tenant_id \
         JOIN site_logins l ON l.user_id = pm.user_id AND l.site_id = $1 \
         WHERE pm.role IN ('lead', 'member') ORDER BY t.slug, p.code, l.login",
    )
    .bind(site_id)
    .fetch_all(conn)
    .await
}
