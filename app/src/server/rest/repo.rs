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

/// Keeps an answer; a concurrent first try that kept its own meanwhile stays.
pub async fn keep_answer(
    conn: &mut AnyConnection,
    caller: &str,
    key: &str,
    answer: &KeptAnswer,
    at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO api_idempotency (caller_hash, idem_key, fingerprint, status, headers, body, \
         created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) \
         ON CONFLICT (caller_hash, idem_key) DO NOTHING",
    )
    .bind(caller)
    .bind(key)
    .bind(&answer.fingerprint)
    .bind(answer.status)
    .bind(&answer.headers)
    .bind(&answer.body)
    .bind(at)
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
