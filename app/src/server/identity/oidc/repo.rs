//! The SQL of federated sign-in: identities linked to accounts, addresses to confirm, and
//! requests to join an organisation.

use sqlx::AnyConnection;

use crate::server::db::now_unix;

/// An identity of a provider linked to an account.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct LinkedIdentity {
    pub id: i64,
    pub user_id: i64,
    pub provider: String,
    pub email: String,
    pub linked_at: i64,
    pub last_used_at: Option<i64>,
}

const IDENTITY_COLUMNS: &str = "id, user_id, provider, email, linked_at, last_used_at";

/// The account `subject` of `provider` is linked to, if any.
pub async fn identity_of(
    conn: &mut AnyConnection,
    provider: &str,
    subject: &str,
) -> Result<Option<LinkedIdentity>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {IDENTITY_COLUMNS} FROM external_identities WHERE provider = $1 AND subject = $2"
    ))
    .bind(provider)
    .bind(subject)
    .fetch_optional(conn)
    .await
}

/// The identities linked to `user_id`, oldest first.
pub async fn identities_of_user(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<LinkedIdentity>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {IDENTITY_COLUMNS} FROM external_identities WHERE user_id = $1 ORDER BY linked_at, id"
    ))
    .bind(user_id)
    .fetch_all(conn)
    .await
}

/// Links `subject` of `provider` to `user_id`. A unique violation when either the identity is
/// linked to someone or the person has linked this provider already.
pub async fn link(
    conn: &mut AnyConnection,
    user_id: i64,
    provider: &str,
    subject: &str,
    email: &str,
) -> Result<i64, sqlx::Error> {
    let now = now_unix();
    sqlx::query_scalar(
        "INSERT INTO external_identities (user_id, provider, subject, email, linked_at, last_used_at) \
         VALUES ($1, $2, $3, $4, $5, $5) RETURNING id",
    )
    .bind(user_id)
    .bind(provider)
    .bind(subject)
    .bind(email)
    .bind(now)
    .fetch_one(conn)
    .await
}

/// Records a sign-in through identity `id`, with the address the provider gave this time.
pub async fn mark_used(conn: &mut AnyConnection, id: i64, email: &str) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE external_identities SET last_used_at = $2, email = $3 WHERE id = $1")
        .bind(id)
        .bind(now_unix())
        .bind(email)
        .execute(conn)
        .await?;
    Ok(())
}

/// Unlinks identity `id` of `user_id`; whether there was one.
pub async fn unlink(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
) -> Result<Option<String>, sqlx::Error> {
    sqlx::query_scalar(
        "DELETE FROM external_identities WHERE id = $1 AND user_id = $2 RETURNING provider",
    )
    .bind(id)
    .bind(user_id)
    .fetch_optional(conn)
    .await
}

/// Creates an account a provider vouched for: its password is a random one nobody knows (the
/// person may set one through the password reset); `unverified` when nobody proved the address.
pub async fn insert_federated_user(
    conn: &mut AnyConnection,
    email: &str,
    name: &str,
    unusable_password_hash: &str,
    unverified: bool,
) -> Result<i64, sqlx::Error> {
    let now = now_unix();
    sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, platform_admin, created_at, email_unverified_since) \
         VALUES ($1, $2, $3, 0, $4, $5) RETURNING id",
    )
    .bind(email)
    .bind(name)
    .bind(unusable_password_hash)
    .bind(now)
    .bind(unverified.then_some(now))
    .fetch_one(conn)
    .await
}

/// Since when `user_id`'s address waits for its confirmation (`None`: proven).
pub async fn unverified_since(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Option<i64>, sqlx::Error> {
    let since: Option<Option<i64>> =
        sqlx::query_scalar("SELECT email_unverified_since FROM users WHERE id = $1")
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    Ok(since.flatten())
}

/// Keeps a link confirming `email` for `user_id` (replacing their earlier ones).
pub async fn insert_email_verification(
    conn: &mut AnyConnection,
    user_id: i64,
    email: &str,
    token_hash: &str,
    expires_at: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM email_verifications WHERE user_id = $1")
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    sqlx::query(
        "INSERT INTO email_verifications (token_hash, user_id, email, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(token_hash)
    .bind(user_id)
    .bind(email)
    .bind(now_unix())
    .bind(expires_at)
    .execute(conn)
    .await?;
    Ok(())
}

/// Spends a confirmation link: the address is proven when the link is alive and the account
/// still has the address it was sent to. Returns the person's id and address.
pub async fn spend_email_verification(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    let found: Option<(i64, String)> = sqlx::query_as(
        "DELETE FROM email_verifications WHERE token_hash = $1 AND expires_at > $2 \
         RETURNING user_id, email",
    )
    .bind(token_hash)
    .bind(now_unix())
    .fetch_optional(&mut *conn)
    .await?;
    let Some((user_id, email)) = found else {
        return Ok(None);
    };
    let done =
        sqlx::query("UPDATE users SET email_unverified_since = NULL WHERE id = $1 AND email = $2")
            .bind(user_id)
            .bind(&email)
            .execute(conn)
            .await?
            .rows_affected();
    Ok((done == 1).then_some((user_id, email)))
}

/// A verified organisation by its slug, if it is verified and not suspended: `(id, name)`.
pub async fn joinable_tenant(
    conn: &mut AnyConnection,
    slug: &str,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, name FROM tenants WHERE slug = $1 AND status = 'verified' AND suspended_at IS NULL",
    )
    .bind(slug)
    .fetch_optional(conn)
    .await
}

/// Whether `user_id` belongs to `tenant_id` or asked to join it and waits for the answer.
pub async fn member_or_asking(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let found: Option<i64> = sqlx::query_scalar(
        "SELECT 1 FROM memberships WHERE tenant_id = $1 AND user_id = $2 \
         UNION ALL SELECT 1 FROM join_requests WHERE tenant_id = $1 AND user_id = $2 AND decided_at IS NULL",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(found.is_some())
}

/// Records `user_id`'s request to join `tenant_id`.
pub async fn insert_join_request(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
    provider: &str,
) -> Result<i64, sqlx::Error> {
    sqlx::query_scalar(
        "INSERT INTO join_requests (tenant_id, user_id, provider, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(provider)
    .bind(now_unix())
    .fetch_one(conn)
    .await
}

/// A request to join, as its organisation's owners see it.
#[derive(Debug, Clone, sqlx::FromRow)]
pub struct JoinRequestRow {
    pub id: i64,
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub provider: String,
    pub created_at: i64,
}

/// The open requests to join `tenant_id`, oldest first.
pub async fn open_join_requests(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<JoinRequestRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT j.id, j.user_id, u.name, u.email, j.provider, j.created_at \
         FROM join_requests j JOIN users u ON u.id = j.user_id \
         WHERE j.tenant_id = $1 AND j.decided_at IS NULL ORDER BY j.created_at, j.id",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await
}

/// Decides open request `id` of `tenant_id`; the request when it was open.
pub async fn decide_join_request(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
    decided_by: i64,
    accepted: bool,
) -> Result<Option<JoinRequestRow>, sqlx::Error> {
    let decided: Option<(i64,)> = sqlx::query_as(
        "UPDATE join_requests SET decided_at = $3, decided_by = $4, outcome = $5 \
         WHERE id = $1 AND tenant_id = $2 AND decided_at IS NULL RETURNING id",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(now_unix())
    .bind(decided_by)
    .bind(if accepted { "accepted" } else { "refused" })
    .fetch_optional(&mut *conn)
    .await?;
    if decided.is_none() {
        return Ok(None);
    }
    sqlx::query_as(
        "SELECT j.id, j.user_id, u.name, u.email, j.provider, j.created_at \
         FROM join_requests j JOIN users u ON u.id = j.user_id WHERE j.id = $1",
    )
    .bind(id)
    .fetch_optional(conn)
    .await
}
