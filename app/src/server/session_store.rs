//! Sessions live in the application's own database, through sqlx.
//!
//! A store of our own rather than `tower-sessions-sqlx-store`: it runs on the
//! same `Any` pool (one pool, SQLite or PostgreSQL), and it keeps the signed-in
//! user's id in a column of its own, so "sign out everywhere" and a password
//! change can end a person's other sessions with one indexed `DELETE`.
//! Sessions are not tenant-owned: the store uses the bare pool, with no scope.

use async_trait::async_trait;
use time::OffsetDateTime;
pub use tower_sessions::session_store::ExpiredDeletion;
use tower_sessions::{
    session::{Id, Record},
    session_store, SessionStore,
};

use super::db::{is_unique_violation, now_unix, Db};

/// The session-data key under which the signed-in identity is kept.
pub const AUTH_KEY: &str = "auth";

/// The session-data key of a sign-in waiting for its second factor
/// (`identity::second_factor::PendingSignIn`): the session is not signed in meanwhile.
pub const PENDING_KEY: &str = "pending_second_factor";

/// The session-data key of a federated sign-in waiting for the provider's callback
/// (`identity::oidc::PendingFlow`: its state, nonce and PKCE verifier).
pub const OIDC_KEY: &str = "pending_oidc";

/// The session-data key of the last time (Unix seconds) the session's idle
/// deadline was pushed back.
pub const SEEN_KEY: &str = "seen";

#[derive(Clone, Debug)]
pub struct DbSessionStore {
    db: Db,
}

impl DbSessionStore {
    pub fn new(db: Db) -> Self {
        Self { db }
    }

    /// Ends every session of `user_id`, except `keep` when given.
    pub async fn delete_user_sessions(
        &self,
        user_id: i64,
        keep: Option<&str>,
    ) -> Result<u64, sqlx::Error> {
        let done = self
            .db
            .guard(
                sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
                    .bind(user_id)
                    .bind(keep.unwrap_or(""))
                    .execute(self.db.pool()),
            )
            .await?;
        Ok(done.rows_affected())
    }
}

fn user_id_of(record: &Record) -> Option<i64> {
    record
        .data
        .get(AUTH_KEY)
        .and_then(|auth| auth.get("user_id"))
        .and_then(|id| id.as_i64())
}

fn backend(e: sqlx::Error) -> session_store::Error {
    // Only the kind of failure; database text stays out of session errors.
    session_store::Error::Backend(format!("session store: {}", kind_of(&e)))
}

/// The words [`kind_of`] gives a database that cannot be reached.
const UNAVAILABLE: &str = "database unavailable";

/// Whether a session-store error says the database cannot be reached right now.
pub fn is_unavailable(e: &session_store::Error) -> bool {
    matches!(e, session_store::Error::Backend(text) if text.ends_with(UNAVAILABLE))
}

fn kind_of(e: &sqlx::Error) -> &'static str {
    match e {
        e if super::db::is_unavailable(e) => UNAVAILABLE,
        sqlx::Error::Database(_) => "database error",
        sqlx::Error::Io(_) => "i/o error",
        _ => "error",
    }
}

#[async_trait]
impl SessionStore for DbSessionStore {
    async fn create(&self, record: &mut Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        loop {
            let inserted = self.db.guard(sqlx::query(
                "INSERT INTO sessions (id, user_id, data, expiry_date) VALUES ($1, $2, $3, $4)",
            )
            .bind(record.id.to_string())
            .bind(user_id_of(record))
            .bind(&data)
            .bind(record.expiry_date.unix_timestamp())
            .execute(self.db.pool()))
            .await;
            match inserted {
                Ok(_) => return Ok(()),
                // An id collision: draw another one.
                Err(e) if is_unique_violation(&e) => record.id = Id::default(),
                Err(e) => return Err(backend(e)),
            }
        }
    }

    /// Updates a session that exists. A session ended meanwhile (sign out
    /// everywhere, a role change, a password change) stays ended: a request
    /// still in flight cannot bring it back, because new sessions only come
    /// through `create`.
    async fn save(&self, record: &Record) -> session_store::Result<()> {
        let data = serde_json::to_string(&record.data)
            .map_err(|e| session_store::Error::Encode(e.to_string()))?;
        self.db
            .guard(
                sqlx::query(
                    "UPDATE sessions SET user_id = $1, data = $2, expiry_date = $3 WHERE id = $4",
                )
                .bind(user_id_of(record))
                .bind(&data)
                .bind(record.expiry_date.unix_timestamp())
                .bind(record.id.to_string())
                .execute(self.db.pool()),
            )
            .await
            .map_err(backend)?;
        Ok(())
    }

    async fn load(&self, session_id: &Id) -> session_store::Result<Option<Record>> {
        let row: Option<(String, i64)> = self
            .db
            .guard(
                sqlx::query_as(
                    "SELECT data, expiry_date FROM sessions WHERE id = $1 AND expiry_date > $2",
                )
                .bind(session_id.to_string())
                .bind(now_unix())
                .fetch_optional(self.db.pool()),
            )
            .await
            .map_err(backend)?;
        let Some((data, expiry)) = row else {
            return Ok(None);
        };
        let data =
            serde_json::from_str(&data).map_err(|e| session_store::Error::Decode(e.to_string()))?;
        let expiry_date = OffsetDateTime::from_unix_timestamp(expiry)
            .map_err(|e| session_store::Error::Decode(e.to_string()))?;
        Ok(Some(Record {
            id: *session_id,
            data,
            expiry_date,
        }))
    }

    async fn delete(&self, session_id: &Id) -> session_store::Result<()> {
        self.db
            .guard(
                sqlx::query("DELETE FROM sessions WHERE id = $1")
                    .bind(session_id.to_string())
                    .execute(self.db.pool()),
            )
            .await
            .map_err(backend)?;
        Ok(())
    }
}

#[async_trait]
impl ExpiredDeletion for DbSessionStore {
    async fn delete_expired(&self) -> session_store::Result<()> {
        self.db
            .guard(
                sqlx::query("DELETE FROM sessions WHERE expiry_date <= $1")
                    .bind(now_unix())
                    .execute(self.db.pool()),
            )
            .await
            .map_err(backend)?;
        Ok(())
    }
}
