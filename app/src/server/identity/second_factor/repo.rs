//! Second factors and recovery codes. Not tenant-owned: run in platform transactions.

use sqlx::{AnyConnection, FromRow};

/// A person's TOTP secret, sealed, and where it stands.
#[derive(FromRow)]
pub struct FactorRow {
    pub secret_sealed: String,
    pub confirmed_at: Option<i64>,
    pub last_step: i64,
}

impl std::fmt::Debug for FactorRow {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FactorRow")
            .field("confirmed_at", &self.confirmed_at)
            .field("last_step", &self.last_step)
            .finish_non_exhaustive()
    }
}

pub async fn factor(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<FactorRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT secret_sealed, confirmed_at, last_step FROM second_factors WHERE user_id = $1",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await
}

/// Whether the person's second factor is on (set up and confirmed).
pub async fn is_on(conn: &mut AnyConnection, user_id: i64) -> Result<bool, sqlx::Error> {
    let on: Option<(i64,)> = sqlx::query_as(
        "SELECT 1 FROM second_factors WHERE user_id = $1 AND confirmed_at IS NOT NULL",
    )
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(on.is_some())
}

/// Keeps a new secret being set up, replacing one not yet confirmed; a confirmed factor is left
/// as it is (`false`).
pub async fn offer(
    conn: &mut AnyConnection,
    user_id: i64,
    secret_sealed: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "INSERT INTO second_factors (user_id, secret_sealed, created_at) VALUES ($1, $2, $3) \
         ON CONFLICT (user_id) DO UPDATE SET secret_sealed = excluded.secret_sealed, \
         created_at = excluded.created_at, last_step = 0 \
         WHERE second_factors.confirmed_at IS NULL",
    )
    .bind(user_id)
    .bind(secret_sealed)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Accepts the code of `step` once: only when no code of that step or a later one was accepted
/// before (the condition is inside the UPDATE, so two sign-ins with one code cannot both pass).
/// Confirms a factor being set up at the same time.
pub async fn spend_step(
    conn: &mut AnyConnection,
    user_id: i64,
    step: i64,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE second_factors SET last_step = $2, confirmed_at = COALESCE(confirmed_at, $3) \
         WHERE user_id = $1 AND last_step < $2",
    )
    .bind(user_id)
    .bind(step)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Turns a factor on without a code (the operator's demo seed only).
pub async fn confirm(conn: &mut AnyConnection, user_id: i64, now: i64) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE second_factors SET confirmed_at = $2 WHERE user_id = $1")
        .bind(user_id)
        .bind(now)
        .execute(conn)
        .await?;
    Ok(())
}

/// Spends a recovery code (by its SHA-256) once.
pub async fn spend_recovery_code(
    conn: &mut AnyConnection,
    user_id: i64,
    code_hash: &str,
    now: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE recovery_codes SET used_at = $3 \
         WHERE user_id = $1 AND code_hash = $2 AND used_at IS NULL",
    )
    .bind(user_id)
    .bind(code_hash)
    .bind(now)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Replaces the person's recovery codes with these (their SHA-256).
pub async fn replace_recovery_codes(
    conn: &mut AnyConnection,
    user_id: i64,
    code_hashes: &[String],
    now: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    for hash in code_hashes {
        sqlx::query(
            "INSERT INTO recovery_codes (code_hash, user_id, created_at) VALUES ($1, $2, $3)",
        )
        .bind(hash)
        .bind(user_id)
        .bind(now)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// How many of the person's recovery codes are still unused.
pub async fn recovery_codes_left(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
    )
    .bind(user_id)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Removes the person's second factor and recovery codes.
pub async fn remove(conn: &mut AnyConnection, user_id: i64) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM recovery_codes WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query("DELETE FROM second_factors WHERE user_id = $1")
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(())
}
