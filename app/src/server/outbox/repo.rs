//! The outbox's statements, and each person's e-mail choices. The outbox is not tenant-owned
//! (like users and sessions).

use sqlx::{AnyConnection, FromRow};

use crate::server::db::now_unix;

/// Queues a message; `sealed_body` is the whole message sealed when `body` withholds a secret.
/// `delivery` is `immediate` or `digest`.
#[allow(clippy::too_many_arguments)]
pub async fn insert(
    conn: &mut AnyConnection,
    user_id: Option<i64>,
    category: &str,
    delivery: &str,
    to: &str,
    subject: &str,
    body: &str,
    sealed_body: Option<&str>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO email_outbox \
         (user_id, category, delivery, to_email, subject, body, sealed_body, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(user_id)
    .bind(category)
    .bind(delivery)
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
    pub category: String,
    pub attempts: i64,
    /// The language to write to the recipient in (`fr`, `en`: chosen, else last signed in with),
    /// empty when neither is known, `None` when the address has no account.
    pub language: Option<String>,
}

fn unsent_columns() -> String {
    format!(
        "id, to_email, subject, body, sealed_body, category, attempts, \
         (SELECT COALESCE({}, '') FROM users u WHERE u.email = email_outbox.to_email) AS language",
        crate::server::identity::repo::WRITING_LANGUAGE
    )
}

/// The language to write to the person with address `email` in (chosen, else last signed in
/// with): `None` when the address has no account, `Some(None)` when neither is known.
pub async fn language_of(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Option<Option<String>>, sqlx::Error> {
    sqlx::query_scalar::<_, Option<String>>(&format!(
        "SELECT {} FROM users u WHERE u.email = $1",
        crate::server::identity::repo::WRITING_LANGUAGE
    ))
    .bind(email)
    .fetch_optional(conn)
    .await
}

/// At most `limit` unsent messages to send now (not held for a digest), oldest first; only those
/// to `to` when given.
pub async fn unsent(
    conn: &mut AnyConnection,
    to: Option<&str>,
    limit: i64,
) -> Result<Vec<UnsentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM email_outbox \
         WHERE sent_at IS NULL AND delivery = 'immediate' \
         AND (CAST($1 AS TEXT) IS NULL OR to_email = $1) \
         ORDER BY id LIMIT $2",
        unsent_columns()
    ))
    .bind(to)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Messages due for an attempt at `now`: unsent, not given up, past their backoff, not claimed
/// by a sender; oldest first.
pub async fn due(
    conn: &mut AnyConnection,
    now: i64,
    limit: i64,
) -> Result<Vec<UnsentRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {} FROM email_outbox \
         WHERE delivery = 'immediate' AND sent_at IS NULL AND failed_at IS NULL \
         AND next_attempt_at <= $1 AND (claimed_until IS NULL OR claimed_until < $1) \
         ORDER BY id LIMIT $2",
        unsent_columns()
    ))
    .bind(now)
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Claims message `id` for one sending attempt until `until`; `false` when another sender has
/// it or it was sent meanwhile.
pub async fn claim(
    conn: &mut AnyConnection,
    id: i64,
    now: i64,
    until: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE email_outbox SET claimed_until = $1 \
         WHERE id = $2 AND sent_at IS NULL AND failed_at IS NULL \
         AND (claimed_until IS NULL OR claimed_until < $3)",
    )
    .bind(until)
    .bind(id)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a message as sent and erases its sealed copy; `false` when it was sent already (or
/// does not exist).
pub async fn mark_sent(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE email_outbox SET sent_at = $1, sealed_body = NULL, claimed_until = NULL, \
         attempts = attempts + 1, last_error = NULL \
         WHERE id = $2 AND sent_at IS NULL",
    )
    .bind(now_unix())
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Records a failed attempt: the next one after `next_attempt_at`, or none (`give_up`: the
/// message is shown to admins as failed).
pub async fn mark_attempt_failed(
    conn: &mut AnyConnection,
    id: i64,
    error: &str,
    next_attempt_at: i64,
    give_up: bool,
) -> Result<(), sqlx::Error> {
    let now = now_unix();
    sqlx::query(
        "UPDATE email_outbox SET attempts = attempts + 1, last_error = $1, next_attempt_at = $2, \
         claimed_until = NULL, failed_at = CASE WHEN $3 = 1 THEN $4 ELSE NULL END \
         WHERE id = $5 AND sent_at IS NULL",
    )
    .bind(error)
    .bind(next_attempt_at)
    .bind(i64::from(give_up))
    .bind(now)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// Messages waiting to be sent now, and those given up.
pub async fn depth(conn: &mut AnyConnection) -> Result<(i64, i64), sqlx::Error> {
    sqlx::query_as(
        "SELECT \
         COALESCE(SUM(CASE WHEN failed_at IS NULL THEN 1 ELSE 0 END), 0), \
         COALESCE(SUM(CASE WHEN failed_at IS NULL THEN 0 ELSE 1 END), 0) \
         FROM email_outbox WHERE sent_at IS NULL AND delivery = 'immediate'",
    )
    .fetch_one(conn)
    .await
}

/// A message given up, for the admins' page (its body is not shown).
#[derive(FromRow, Debug, Clone)]
pub struct FailedRow {
    pub id: i64,
    pub to_email: String,
    pub subject: String,
    pub attempts: i64,
    pub last_error: Option<String>,
    pub failed_at: i64,
}

pub async fn failed(conn: &mut AnyConnection, limit: i64) -> Result<Vec<FailedRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, to_email, subject, attempts, last_error, failed_at FROM email_outbox \
         WHERE sent_at IS NULL AND failed_at IS NOT NULL ORDER BY failed_at DESC, id DESC LIMIT $1",
    )
    .bind(limit)
    .fetch_all(conn)
    .await
}

/// Puts a message given up back in the queue with fresh attempts; `false` when it is not one.
pub async fn retry(conn: &mut AnyConnection, id: i64) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE email_outbox SET failed_at = NULL, attempts = 0, next_attempt_at = 0, \
         claimed_until = NULL WHERE id = $1 AND sent_at IS NULL AND failed_at IS NOT NULL",
    )
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A message held for a person's digest.
#[derive(FromRow)]
pub struct HeldRow {
    pub id: i64,
    pub subject: String,
    pub body: String,
    pub created_at: i64,
}

/// The addresses (and people) with messages held for a digest.
pub async fn digest_recipients(
    conn: &mut AnyConnection,
) -> Result<Vec<(String, Option<i64>)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT to_email, MAX(user_id) FROM email_outbox \
         WHERE delivery = 'digest' AND sent_at IS NULL GROUP BY to_email ORDER BY to_email",
    )
    .fetch_all(conn)
    .await
}

pub async fn held_for(conn: &mut AnyConnection, to: &str) -> Result<Vec<HeldRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, subject, body, created_at FROM email_outbox \
         WHERE delivery = 'digest' AND sent_at IS NULL AND to_email = $1 ORDER BY id",
    )
    .bind(to)
    .fetch_all(conn)
    .await
}

/// Records held message `id` as carried by digest message `digest_id`; `false` when another
/// digest took it.
pub async fn mark_digested(
    conn: &mut AnyConnection,
    id: i64,
    digest_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE email_outbox SET sent_at = $1, digest_id = $2 WHERE id = $3 AND sent_at IS NULL",
    )
    .bind(now_unix())
    .bind(digest_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// A person's chosen delivery for `category` (`None`: never chosen).
pub async fn preference(
    conn: &mut AnyConnection,
    user_id: i64,
    category: &str,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT delivery FROM email_preferences WHERE user_id = $1 AND category = $2",
    )
    .bind(user_id)
    .bind(category)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(d,)| d))
}

/// Every choice a person made, as (category, delivery).
pub async fn preferences(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<(String, String)>, sqlx::Error> {
    sqlx::query_as("SELECT category, delivery FROM email_preferences WHERE user_id = $1")
        .bind(user_id)
        .fetch_all(conn)
        .await
}

pub async fn set_preference(
    conn: &mut AnyConnection,
    user_id: i64,
    category: &str,
    delivery: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO email_preferences (user_id, category, delivery) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id, category) DO UPDATE SET delivery = excluded.delivery",
    )
    .bind(user_id)
    .bind(category)
    .bind(delivery)
    .execute(conn)
    .await?;
    Ok(())
}
