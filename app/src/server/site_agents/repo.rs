//! SQL of site agents and of people's logins at sites.

use sqlx::{AnyConnection, FromRow};

/// An agent's row.
#[derive(Debug, Clone, FromRow)]
pub struct AgentRow {
    pub id: i64,
    pub site_id: i64,
    pub site: String,
    pub site_name: String,
    pub name: String,
    pub cluster: String,
    pub lead_days: i64,
    pub prefix: String,
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<i64>,
}

const SELECT: &str =
    "SELECT a.id, a.site_id, s.slug AS site, s.name AS site_name, a.name, a.cluster, \
     a.lead_days, a.prefix, a.created_at, a.last_used_at, a.last_used_ip, a.revoked_at \
     FROM site_agents a JOIN sites s ON s.id = a.site_id";

/// Every agent, newest first.
pub async fn list(conn: &mut AnyConnection) -> Result<Vec<AgentRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} ORDER BY a.id DESC"))
        .fetch_all(conn)
        .await
}

/// The agent `id`.
pub async fn find(conn: &mut AnyConnection, id: i64) -> Result<Option<AgentRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE a.id = $1"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// The live agent whose secret hashes to `hash`.
pub async fn find_live_by_hash(
    conn: &mut AnyConnection,
    hash: &str,
) -> Result<Option<AgentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE a.secret_hash = $1 AND a.revoked_at IS NULL"
    ))
    .bind(hash)
    .fetch_optional(conn)
    .await
}

/// Stores a new agent; its id.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut AnyConnection,
    site_id: i64,
    name: &str,
    cluster: &str,
    lead_days: u32,
    prefix: &str,
    secret_hash: &str,
    created_by: i64,
    at: i64,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO site_agents (site_id, name, cluster, lead_days, prefix, secret_hash, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(site_id)
    .bind(name)
    .bind(cluster)
    .bind(i64::from(lead_days))
    .bind(prefix)
    .bind(secret_hash)
    .bind(created_by)
    .bind(at)
    .fetch_one(conn)
    .await
}

/// Gives live agent `id` a new secret (the old one stops working); whether it was live.
pub async fn rotate(
    conn: &mut AnyConnection,
    id: i64,
    prefix: &str,
    secret_hash: &str,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE site_agents SET prefix = $1, secret_hash = $2, rotated_at = $3 \
         WHERE id = $4 AND revoked_at IS NULL",
    )
    .bind(prefix)
    .bind(secret_hash)
    .bind(at)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes live agent `id`; whether it was live.
pub async fn revoke(conn: &mut AnyConnection, id: i64, at: i64) -> Result<bool, sqlx::Error> {
    let done =
        sqlx::query("UPDATE site_agents SET revoked_at = $1 WHERE id = $2 AND revoked_at IS NULL")
            .bind(at)
            .bind(id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected() == 1)
}

/// Notes a use of agent `id`.
pub async fn touch(
    conn: &mut AnyConnection,
    id: i64,
    at: i64,
    ip: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE site_agents SET last_used_at = $1, last_used_ip = $2 WHERE id = $3")
        .bind(at)
        .bind(ip)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Every site: (id, slug, name), by name.
pub async fn sites(conn: &mut AnyConnection) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, slug, name FROM sites ORDER BY name")
        .fetch_all(conn)
        .await
}

/// A person's logins: (site slug, site name, login), every site listed.
pub async fn logins_of(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<(String, String, Option<String>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT s.slug, s.name, l.login FROM sites s \
         LEFT JOIN site_logins l ON l.site_id = s.id AND l.user_id = $1 ORDER BY s.name",
    )
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// The person holding `login` at site `site_id`, if any.
pub async fn login_holder(
    conn: &mut AnyConnection,
    site_id: i64,
    login: &str,
) -> Result<Option<i64>, sqlx::Error> {
    sqlx::query_scalar("SELECT user_id FROM site_logins WHERE site_id = $1 AND login = $2")
        .bind(site_id)
        .bind(login)
        .fetch_optional(conn)
        .await
}

/// Sets (or, with `None`, clears) a person's login at a site.
pub async fn set_login(
    conn: &mut AnyConnection,
    user_id: i64,
    site_id: i64,
    login: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM site_logins WHERE user_id = $1 AND site_id = $2")
        .bind(user_id)
        .bind(site_id)
        .execute(&mut *conn)
        .await?;
    if let Some(login) = login {
        sqlx::query("INSERT INTO site_logins (user_id, site_id, login) VALUES ($1, $2, $3)")
            .bind(user_id)
            .bind(site_id)
            .bind(login)
            .execute(conn)
            .await?;
    }
    Ok(())
}
