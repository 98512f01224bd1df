//! The people directory's and the account switches' SQL. Not tenant-owned: platform scope.

use sqlx::{AnyConnection, FromRow};

use crate::server::db::now_unix;

/// One row of the directory's query: a person, with one of their memberships (or none).
#[derive(Debug, FromRow)]
pub struct PersonMembershipRow {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub platform_admin: i64,
    pub disabled_at: Option<i64>,
    pub last_sign_in: Option<i64>,
    /// 1 when their second factor is on.
    pub second_factor: i64,
    pub tenant_name: Option<String>,
    pub role: Option<String>,
}

/// At most `limit` people from `offset`, by name, whose name or address holds `search` (any
/// case; every one when empty), each with their memberships (one row each, or one row with
/// none), in that order.
pub async fn people(
    conn: &mut AnyConnection,
    search: &str,
    limit: i64,
    offset: i64,
) -> Result<Vec<PersonMembershipRow>, sqlx::Error> {
    let pattern = format!(
        "%{}%",
        search
            .to_lowercase()
            .replace('\\', "\\\\")
            .replace('%', "\\%")
            .replace('_', "\\_")
    );
    sqlx::query_as(
        "SELECT u.id, u.name, u.email, u.platform_admin, u.disabled_at, \
                (SELECT MAX(s.last_seen_at) FROM sign_in_addresses s WHERE s.user_id = u.id) \
                    AS last_sign_in, \
                (SELECT COUNT(*) FROM second_factors f \
                  WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL) AS second_factor, \
                t.name AS tenant_name, m.role \
         FROM (SELECT id FROM users \
               WHERE LOWER(name) LIKE $1 ESCAPE '\\' OR LOWER(email) LIKE $1 ESCAPE '\\' \
               ORDER BY LOWER(name), id LIMIT $2 OFFSET $3) page \
         JOIN users u ON u.id = page.id \
         LEFT JOIN memberships m ON m.user_id = u.id \
         LEFT JOIN tenants t ON t.id = m.tenant_id \
         ORDER BY LOWER(u.name), u.id, t.name",
    )
    .bind(pattern)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await
}

/// Takes platform admin from `id` unless no other active platform admin would remain; whether it
/// was taken. One statement, so that the check and the change cannot be split.
pub async fn revoke_platform_admin(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE users SET platform_admin = 0 WHERE id = $1 AND platform_admin = 1 \
         AND (SELECT COUNT(*) FROM users o \
              WHERE o.platform_admin = 1 AND o.disabled_at IS NULL AND o.id <> $1) > 0",
    )
    .bind(id)
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// Makes `id` a platform admin; whether they were not one already.
pub async fn grant_platform_admin(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query("UPDATE users SET platform_admin = 1 WHERE id = $1 AND platform_admin = 0")
            .bind(id)
            .execute(conn)
            .await?
            .rows_affected()
            == 1,
    )
}

/// Disables `id` unless they are an active platform admin and no other would remain; whether it
/// was done (not when already disabled). One statement, as for [`revoke_platform_admin`].
pub async fn disable(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    Ok(sqlx::query(
        "UPDATE users SET disabled_at = $2 WHERE id = $1 AND disabled_at IS NULL \
         AND (platform_admin = 0 OR (SELECT COUNT(*) FROM users o \
              WHERE o.platform_admin = 1 AND o.disabled_at IS NULL AND o.id <> $1) > 0)",
    )
    .bind(id)
    .bind(now_unix())
    .execute(conn)
    .await?
    .rows_affected()
        == 1)
}

/// Enables `id` again; whether they were disabled.
pub async fn enable(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    Ok(
        sqlx::query(
            "UPDATE users SET disabled_at = NULL WHERE id = $1 AND disabled_at IS NOT NULL",
        )
        .bind(id)
        .execute(conn)
        .await?
        .rows_affected()
            == 1,
    )
}
