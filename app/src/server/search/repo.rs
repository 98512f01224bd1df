//! People found by the header's search: members of one tenant, or anyone (platform admins).

use sqlx::AnyConnection;

use super::{folded, is_postgres};

/// A person found, with their organisations' names (comma-separated) when searched everywhere.
#[derive(Debug, sqlx::FromRow)]
pub struct FoundPersonRow {
    pub name: String,
    pub email: String,
    pub detail: Option<String>,
}

/// At most `limit` members of `tenant_id` whose name or e-mail address holds `pattern` (a LIKE
/// pattern of folded words), by name; `detail` is their role. The same tenant filter as the
/// organisation page's member list.
pub async fn members_matching(
    conn: &mut AnyConnection,
    tenant_id: i64,
    pattern: &str,
    limit: i64,
) -> Result<Vec<FoundPersonRow>, sqlx::Error> {
    let postgres = is_postgres(conn);
    let sql = format!(
        "SELECT u.name, u.email, m.role AS detail \
         FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 AND ({} LIKE $2 ESCAPE '\\' OR LOWER(u.email) LIKE $2 ESCAPE '\\') \
         ORDER BY LOWER(u.name), u.id LIMIT {}",
        folded("u.name", postgres),
        limit.max(0)
    );
    sqlx::query_as(&sql)
        .bind(tenant_id)
        .bind(pattern)
        .fetch_all(conn)
        .await
}

/// At most `limit` people of the platform whose name or e-mail address holds `pattern`, by name,
/// each with the names of their organisations (platform admins).
pub async fn people_matching(
    conn: &mut AnyConnection,
    pattern: &str,
    limit: i64,
) -> Result<Vec<FoundPersonRow>, sqlx::Error> {
    let postgres = is_postgres(conn);
    let tenants = if postgres {
        "(SELECT string_agg(t.name, ', ' ORDER BY t.name) FROM memberships m \
         JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = u.id)"
    } else {
        "(SELECT group_concat(name, ', ') FROM (SELECT t.name FROM memberships m \
         JOIN tenants t ON t.id = m.tenant_id WHERE m.user_id = u.id ORDER BY t.name))"
    };
    let sql = format!(
        "SELECT u.name, u.email, {tenants} AS detail FROM users u \
         WHERE {} LIKE $1 ESCAPE '\\' OR LOWER(u.email) LIKE $1 ESCAPE '\\' \
         ORDER BY LOWER(u.name), u.id LIMIT {}",
        folded("u.name", postgres),
        limit.max(0)
    );
    sqlx::query_as(&sql).bind(pattern).fetch_all(conn).await
}
