//! Every SQL statement on `throttle_counters` (migration 0007). The table is not tenant-owned.

use sqlx::AnyConnection;

use super::{Counter, CounterKey};

/// Counts one attempt on `key` and locks its row until the transaction ends (PostgreSQL's
/// upsert takes the row lock; on SQLite the transaction holds the write lock from its start):
/// one `INSERT … ON CONFLICT DO UPDATE … RETURNING`, so concurrent attempts each see their own
/// count. A new row starts as a burst that is already over (`expires_at` = now), which
/// [`Counter::current`] turns into a fresh one.
pub async fn count_attempt(
    conn: &mut AnyConnection,
    key: &CounterKey,
    now_ms: i64,
) -> Result<Counter, sqlx::Error> {
    let (attempts, admitted, blocked_until, started_at, expires_at, notified_at): (
        i64,
        i64,
        i64,
        i64,
        i64,
        Option<i64>,
    ) = sqlx::query_as(
        "INSERT INTO throttle_counters \
             (scope, key_hash, attempts, admitted, blocked_until, started_at, expires_at) \
         VALUES ($1, $2, 1, 0, 0, $3, $3) \
         ON CONFLICT (scope, key_hash) DO UPDATE \
             SET attempts = throttle_counters.attempts + 1 \
         RETURNING attempts, admitted, blocked_until, started_at, expires_at, notified_at",
    )
    .bind(key.scope())
    .bind(key.hash())
    .bind(now_ms)
    .fetch_one(conn)
    .await?;
    Ok(Counter {
        attempts,
        admitted,
        blocked_until,
        started_at,
        expires_at,
        notified_at,
    })
}

/// Writes a counter's state back, in the transaction that counted the attempt.
pub async fn store(
    conn: &mut AnyConnection,
    key: &CounterKey,
    c: &Counter,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE throttle_counters SET attempts = $3, admitted = $4, blocked_until = $5, \
             started_at = $6, expires_at = $7, notified_at = $8 \
         WHERE scope = $1 AND key_hash = $2",
    )
    .bind(key.scope())
    .bind(key.hash())
    .bind(c.attempts)
    .bind(c.admitted)
    .bind(c.blocked_until)
    .bind(c.started_at)
    .bind(c.expires_at)
    .bind(c.notified_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes back one attempt let through (it succeeded); below the free allowance the delay is
/// lifted. One statement: atomic on its own.
pub async fn take_back(
    conn: &mut AnyConnection,
    key: &CounterKey,
    free: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE throttle_counters SET admitted = admitted - 1, \
             blocked_until = CASE WHEN admitted - 1 < $3 THEN 0 ELSE blocked_until END \
         WHERE scope = $1 AND key_hash = $2 AND admitted > 0",
    )
    .bind(key.scope())
    .bind(key.hash())
    .bind(free)
    .execute(conn)
    .await?;
    Ok(())
}

/// Marks the current burst of `key` as notified; `true` for the one caller that marked it.
pub async fn claim_notice(
    conn: &mut AnyConnection,
    key: &CounterKey,
    now_ms: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE throttle_counters SET notified_at = $3 \
         WHERE scope = $1 AND key_hash = $2 AND notified_at IS NULL AND expires_at > $3",
    )
    .bind(key.scope())
    .bind(key.hash())
    .bind(now_ms)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Deletes the counters whose burst is over.
pub async fn prune(conn: &mut AnyConnection, now_ms: i64) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM throttle_counters WHERE expires_at <= $1")
        .bind(now_ms)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}
