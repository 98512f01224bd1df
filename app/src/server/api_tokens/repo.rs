//! Every SQL statement about personal access tokens. A token is its person's: it is found by the
//! hash of its secret (before any scope is known, as a session is) or listed by `user_id`.

use sqlx::{AnyConnection, FromRow};

use crate::domain::api_tokens::{TokenBinding, TokenScope};

/// A token as stored, with its person.
#[derive(Debug, Clone)]
pub struct TokenRow {
    pub id: i64,
    pub user_id: i64,
    pub binding: TokenBinding,
    pub name: String,
    pub scope: TokenScope,
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: i64,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
    pub revoked_at: Option<i64>,
}

#[derive(FromRow)]
struct Stored {
    id: i64,
    user_id: i64,
    tenant_id: Option<i64>,
    name: String,
    scope: String,
    prefix: String,
    created_at: i64,
    expires_at: i64,
    last_used_at: Option<i64>,
    last_used_ip: Option<String>,
    revoked_at: Option<i64>,
}

impl TryFrom<Stored> for TokenRow {
    type Error = sqlx::Error;

    fn try_from(r: Stored) -> Result<Self, sqlx::Error> {
        let scope = TokenScope::parse(&r.scope).map_err(|e| sqlx::Error::Decode(e.into()))?;
        Ok(Self {
            id: r.id,
            user_id: r.user_id,
            binding: r
                .tenant_id
                .map_or(TokenBinding::Platform, TokenBinding::Tenant),
            name: r.name,
            scope,
            prefix: r.prefix,
            created_at: r.created_at,
            expires_at: r.expires_at,
            last_used_at: r.last_used_at,
            last_used_ip: r.last_used_ip,
            revoked_at: r.revoked_at,
        })
    }
}

const COLUMNS: &str = "id, user_id, tenant_id, name, scope, prefix, created_at, expires_at, \
                       last_used_at, last_used_ip, revoked_at";

/// A token to store: everything but its secret, of which only the hash is kept.
pub struct NewToken<'a> {
    pub user_id: i64,
    pub binding: TokenBinding,
    pub name: &'a str,
    pub scope: TokenScope,
    pub prefix: &'a str,
    pub secret_hash: &'a str,
    pub created_at: i64,
    pub expires_at: i64,
}

/// Stores a new token; its id.
pub async fn insert(conn: &mut AnyConnection, t: &NewToken<'_>) -> Result<i64, sqlx::Error> {
    let tenant_id = match t.binding {
        TokenBinding::Tenant(id) => Some(id),
        TokenBinding::Platform => None,
    };
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO api_tokens (user_id, tenant_id, name, scope, prefix, secret_hash, \
         created_at, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(t.user_id)
    .bind(tenant_id)
    .bind(t.name)
    .bind(t.scope.as_str())
    .bind(t.prefix)
    .bind(t.secret_hash)
    .bind(t.created_at)
    .bind(t.expires_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The token whose secret hashes to `secret_hash`, whatever its state.
pub async fn find_by_hash(
    conn: &mut AnyConnection,
    secret_hash: &str,
) -> Result<Option<TokenRow>, sqlx::Error> {
    let row: Option<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE secret_hash = $1"
    ))
    .bind(secret_hash)
    .fetch_optional(conn)
    .await?;
    row.map(TokenRow::try_from).transpose()
}

/// A person's tokens, newest first (revoked ones included, for the record).
pub async fn list_of_user(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<Vec<TokenRow>, sqlx::Error> {
    let rows: Vec<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id DESC"
    ))
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(TokenRow::try_from).collect()
}

/// The person's token `id`, if it is theirs.
pub async fn find_of_user(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
) -> Result<Option<TokenRow>, sqlx::Error> {
    let row: Option<Stored> = sqlx::query_as(&format!(
        "SELECT {COLUMNS} FROM api_tokens WHERE user_id = $1 AND id = $2"
    ))
    .bind(user_id)
    .bind(id)
    .fetch_optional(conn)
    .await?;
    row.map(TokenRow::try_from).transpose()
}

/// Records a use of the token (time and address).
pub async fn touch(
    conn: &mut AnyConnection,
    id: i64,
    at: i64,
    ip: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE api_tokens SET last_used_at = $1, last_used_ip = $2 WHERE id = $3")
        .bind(at)
        .bind(ip)
        .bind(id)
        .execute(conn)
        .await?;
    Ok(())
}

/// Revokes the person's token `id` if it is still live; whether it was.
pub async fn revoke(
    conn: &mut AnyConnection,
    user_id: i64,
    id: i64,
    at: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND id = $3 \
         AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(user_id)
    .bind(id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// Revokes every live token of the person (signed out everywhere); how many.
pub async fn revoke_all_of(
    conn: &mut AnyConnection,
    user_id: i64,
    at: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE api_tokens SET revoked_at = $1 WHERE user_id = $2 AND revoked_at IS NULL",
    )
    .bind(at)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
