//! Session queries of a person's own account (sessions are not tenant-owned).

use sqlx::AnyConnection;

use crate::server::{db::now_unix, session_store::AUTH_KEY};

/// One open session of a person, read with when they signed in on it.
#[derive(Debug)]
pub struct OpenSession {
    /// The session id: a secret, never sent to a client.
    pub id: String,
    pub signed_in_at: Option<i64>,
    pub expires_at: i64,
}

/// The person's sessions that have not expired.
pub async fn open_sessions(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<OpenSession>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT id, data, expiry_date FROM sessions WHERE user_id = $1 AND expiry_date > $2",
    )
    .bind(user_id)
    .bind(now_unix())
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, data, expires_at)| OpenSession {
            id,
            signed_in_at: signed_in_at(&data),
            expires_at,
        })
        .collect())
}

/// When the session's person signed in, read from the session data.
fn signed_in_at(data: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()?
        .get(AUTH_KEY)?
        .get("signed_in_at")?
        .as_i64()
}

/// The time zone the person chose (an IANA name), `None` when there is no such person.
pub async fn time_zone(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar("SELECT time_zone FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
}

/// Remembers the person's time zone; answers the one it replaces.
pub async fn set_time_zone(
    conn: &mut AnyConnection,
    user_id: i64,
    zone: &str,
) -> Result<Option<String>, sqlx::Error> {
    let before = time_zone(&mut *conn, user_id).await?;
    sqlx::query("UPDATE users SET time_zone = $1 WHERE id = $2")
        .bind(zone)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(before)
}

/// The language the person chose (`fr`, `en`); `None` when they chose none or do not exist.
pub async fn language(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar::<_, Option<String>>("SELECT language FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_optional(conn)
        .await
        .map(Option::flatten)
}

/// Remembers the person's language; answers the one it replaces.
pub async fn set_language(
    conn: &mut AnyConnection,
    user_id: i64,
    language: &str,
) -> Result<Option<String>, sqlx::Error> {
    let before = self::language(&mut *conn, user_id).await?;
    sqlx::query("UPDATE users SET language = $1 WHERE id = $2")
        .bind(language)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(before)
}
