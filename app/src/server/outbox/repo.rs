//! The outbox's statements. The outbox is not tenant-owned (like users and sessions).

use sqlx::{AnyConnection, FromRow};

use crate::server::db::now_unix;

/// Queues a message; `sealed_body` is the whole message sealed when `body` withholds a secret.
pub async fn insert(
    conn: &mut AnyConnection,
    to: &str,
    subject: &str,
    body: &str,
    sealed_body: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO email_outbox (to_email, subject, body, sealed_body, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(sealed_body)
    .bind(now_unix())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// A message not sent yet, as stored.
#[derive(FromRow)]
pub struct UnsentRow {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub body: String,
    pub sealed_body: Option<String>,
}

/// At most `limit` unsent messages, oldest first; only those to `to` when given.
pub async fn unsent(
    conn: &mut AnyConnection,
    to: Option<&str>,
    limit: i64,
) -> Result<Vec<UnsentRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, to_email, subject, body, sealed_body FROM email_outbox \
         WHERE sent_at IS NULL AND (CAST($1 AS TEXT) IS NULL OR to_email = $1) \
         ORDER BY id LIMIT $2",
    )
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Records a message as sent and erases its sealed copy; `false` when it was sent already (or
/// does not exist).
pub async fn mark_sent(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE email_outbox SET sent_at = $1, sealed_body = NULL \
         WHERE id = $2 AND sent_at IS NULL",
    )
    .bind(now_unix())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}
