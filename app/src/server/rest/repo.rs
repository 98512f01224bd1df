//! Every SQL statement of the REST API's own: the answers kept under an `Idempotency-Key`.

use sqlx::AnyConnection;

/// An answer as kept.
pub struct KeptAnswer {
    pub fingerprint: String,
    pub status: i64,
    /// JSON: `[[name, value], …]`.
    pub headers: String,
    pub body: String,
}

/// The answer kept under `(caller, key)` since `since`, if any.
pub async fn kept_answer(
    conn: &mut AnyConnection,
    caller: &str,
    key: &str,
    since: i64,
) -> Result<Option<KeptAnswer>, sqlx::Error> {
    let row: Option<(String, i64, String, String)> = sqlx::query_as(
        "SELECT fingerprint, status, headers, body FROM api_idempotency \
         WHERE caller_hash = $1 AND idem_key = $2 AND created_at >= $3",
    )
    .bind(caller)
    .bind(key)
    .bind(since)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(fingerprint, status, headers, body)| KeptAnswer {
        fingerprint,
        status,
        headers,
        body,
    }))
}

/// The status of a key whose first try is still running (no answer yet).
pub const IN_FLIGHT: i64 = 0;

/// Reserves `(caller, key)` for a first try of the request `fingerprint`: true when this call
/// holds it (one statement, so of two concurrent first tries exactly one does). A reservation left
/// by a try that died before answering is taken over once older than `abandoned_before`.
pub async fn reserve_key(
    conn: &mut AnyConnection,
    caller: &str,
    key: &str,
    fingerprint: &str,
    at: i64,
    abandoned_before: i64,
) -> Result<bool, sqlx::Error> {
    sqlx::query(
        "DELETE FROM api_idempotency WHERE caller_hash = $1 AND idem_key = $2 \
         AND status = $3 AND created_at < $4",
    )
    .bind(caller)
    .bind(key)
    .bind(IN_FLIGHT)
    .bind(abandoned_before)
    .execute(&mut *conn)
    .await?;
    let reserved = sqlx::query(
        "INSERT INTO api_idempotency (caller_hash, idem_key, fingerprint, status, headers, body, \
         created_at) VALUES ($1, $2, $3, $4, '[]', '', $5) \
         ON CONFLICT (caller_hash, idem_key) DO NOTHING",
    )
    .bind(caller)
    .bind(key)
    .bind(fingerprint)
    .bind(IN_FLIGHT)
    .bind(at)
    .execute(conn)
    .await?;
    Ok(reserved.rows_affected() == 1)
}

/// Keeps the answer of the first try that reserved `(caller, key)`.
pub async fn keep_answer(
    conn: &mut AnyConnection,
    caller: &str,
    key: &str,
    answer: &KeptAnswer,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE api_idempotency SET status = $1, headers = $2, body = $3 \
         WHERE caller_hash = $4 AND idem_key = $5 AND status = $6",
    )
    .bind(answer.status)
    .bind(&answer.headers)
    .bind(&answer.body)
    .bind(caller)
    .bind(key)
    .bind(IN_FLIGHT)
    .execute(conn)
    .await?;
    Ok(())
}

/// Frees a reservation whose try failed: a retry runs again.
pub async fn release_key(
    conn: &mut AnyConnection,
    caller: &str,
    key: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "DELETE FROM api_idempotency WHERE caller_hash = $1 AND idem_key = $2 AND status = $3",
    )
    .bind(caller)
    .bind(key)
    .bind(IN_FLIGHT)
    .execute(conn)
    .await?;
    Ok(())
}

/// Forgets the answers kept before `before`.
pub async fn forget_answers_before(
    conn: &mut AnyConnection,
    before: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM api_idempotency WHERE created_at < $1")
        .bind(before)
        .execute(conn)
        .await?;
    Ok(())
}
