//! Signing in and out.

use std::time::Instant;

use serde_json::json;

use super::repo;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{password::Verified, SessionIdentity},
    context::RequestContext,
    db::now_unix,
    error::{ServiceError, ServiceResult},
    session_store::AUTH_KEY,
};

/// Checks the credentials and starts a session: one generic error for an
/// unknown e-mail and a wrong password (both spend the same hashing time),
/// throttled per account and per client address, session id rotated.
pub async fn log_in(ctx: &RequestContext, email: &str, password: &str) -> ServiceResult<()> {
    let state = &ctx.state;
    let email = email.trim().to_lowercase();
    if email.is_empty() || password.is_empty() {
        return Err(AppError::InvalidCredentials.into());
    }
    let keys = throttle_keys(&email, ctx.client_ip.as_deref());
    if let Err(retry_after_secs) = state.login_throttle.check(&keys, Instant::now()) {
        return Err(AppError::TooManyRequests { retry_after_secs }.into());
    }

    // Accounts are not tenant-owned: a bare connection, returned before hashing.
    let user = {
        let mut conn = state.db.acquire().await?;
        repo::find_user_by_email(&mut conn, &email).await?
    };
    let verdict = state
        .hashing
        .verify(password, user.as_ref().map(|u| u.password_hash.as_str()))
        .await?;

    let user = match (user, verdict) {
        (Some(user), Verified::Yes | Verified::YesButRehash) => {
            if verdict == Verified::YesButRehash {
                let upgraded = state.hashing.hash(password).await?;
                let mut conn = state.db.acquire().await?;
                repo::update_password_hash(&mut conn, user.id, &upgraded).await?;
            }
            user
        }
        (user, _) => {
            state.login_throttle.record_failure(&keys, Instant::now());
            let mut event = AuditEvent::new("login")
                .failed()
                .ip(ctx.client_ip.as_deref());
            event.actor_user_id = user.as_ref().map(|u| u.id);
            event.actor_email = Some(&email);
            audit::append_alone(&state.db, &event).await?;
            return Err(AppError::InvalidCredentials.into());
        }
    };

    // Platform scope: a person's memberships span tenants.
    let tenants = {
        let mut tx = state.db.platform_tx().await?;
        let tenants = repo::memberships_of(&mut tx, user.id).await?;
        tx.commit().await?;
        tenants
    };
    state.login_throttle.clear(&keys[0]);
    let identity = SessionIdentity {
        user_id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        platform_admin: user.platform_admin == 1,
        tenant: tenants.into_iter().next(),
        signed_in_at: now_unix(),
    };
    let mut event = AuditEvent::new("login")
        .actor(user.id, &user.email)
        .ip(ctx.client_ip.as_deref());
    event.tenant_id = identity.tenant.as_ref().map(|t| t.id);
    sign_in_as(ctx, identity).await?;
    audit::append_alone(&state.db, &event).await?;
    Ok(())
}

/// Puts an identity into the session under a fresh session id (the old id,
/// which an attacker may have planted, stops working).
pub async fn sign_in_as(ctx: &RequestContext, identity: SessionIdentity) -> ServiceResult<()> {
    ctx.session.cycle_id().await?;
    ctx.session.insert(AUTH_KEY, identity).await?;
    Ok(())
}

/// Ends the session on the server.
pub async fn log_out(ctx: &RequestContext) -> ServiceResult<()> {
    let identity: Option<SessionIdentity> = ctx.session.get(AUTH_KEY).await?;
    ctx.session.flush().await?;
    if let Some(i) = identity {
        let mut event = AuditEvent::new("logout")
            .actor(i.user_id, &i.email)
            .ip(ctx.client_ip.as_deref());
        event.tenant_id = i.tenant.map(|t| t.id);
        event.detail = json!({});
        audit::append_alone(&ctx.state.db, &event)
            .await
            .map_err(ServiceError::from)?;
    }
    Ok(())
}

fn throttle_keys(email: &str, ip: Option<&str>) -> Vec<String> {
    let mut keys = vec![format!("account:{email}")];
    if let Some(ip) = ip {
        keys.push(format!("ip:{ip}"));
    }
    keys
}
