//! The append-only audit log: security events and every state change, with
//! actor, tenant, time, client address and outcome. The database refuses
//! updates and deletes of its rows (see the migrations).

use serde_json::Value;
use sqlx::AnyConnection;

use super::db::{now_unix, Db};

/// One event to append.
#[derive(Debug, Clone)]
pub struct AuditEvent<'a> {
    pub event: &'a str,
    pub success: bool,
    pub actor_user_id: Option<i64>,
    pub actor_email: Option<&'a str>,
    pub tenant_id: Option<i64>,
    pub client_ip: Option<&'a str>,
    pub detail: Value,
}

impl<'a> AuditEvent<'a> {
    pub fn new(event: &'a str) -> Self {
        Self {
            event,
            success: true,
            actor_user_id: None,
            actor_email: None,
            tenant_id: None,
            client_ip: None,
            detail: Value::Object(Default::default()),
        }
    }
    pub fn failed(mut self) -> Self {
        self.success = false;
        self
    }
    pub fn actor(mut self, user_id: i64, email: &'a str) -> Self {
        self.actor_user_id = Some(user_id);
        self.actor_email = Some(email);
        self
    }
    pub fn tenant(mut self, tenant_id: i64) -> Self {
        self.tenant_id = Some(tenant_id);
        self
    }
    pub fn ip(mut self, ip: Option<&'a str>) -> Self {
        self.client_ip = ip;
        self
    }
    pub fn detail(mut self, detail: Value) -> Self {
        self.detail = detail;
        self
    }
}

/// Appends an event on the given connection (inside the caller's transaction
/// when there is one, so the event and the change commit together).
pub async fn append(conn: &mut AnyConnection, e: &AuditEvent<'_>) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_user_id, actor_email, tenant_id, event, outcome, client_ip, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(now_unix())
    .bind(e.actor_user_id)
    .bind(e.actor_email)
    .bind(e.tenant_id)
    .bind(e.event)
    .bind(if e.success { "success" } else { "failure" })
    .bind(e.client_ip)
    .bind(e.detail.to_string())
    .execute(conn)
    .await?;
    Ok(())
}

/// Appends an event in a transaction of its own, in the platform scope. For
/// events about a person's own account (signing in and out, the password, the
/// tenant switch): they are no tenant's data, even when they name the tenant
/// the person was in, and some name none.
pub async fn append_alone(db: &Db, e: &AuditEvent<'_>) -> Result<(), sqlx::Error> {
    let mut tx = db.platform_tx().await?;
    append(&mut tx, e).await?;
    tx.commit().await
}
