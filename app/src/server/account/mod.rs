//! A person's own account: the password, and the sessions they have open.
//! Nothing here is tenant-owned; every service acts on the signed-in person.

use std::time::Instant;

use serde_json::json;

use crate::domain::password::Password;
use crate::error::AppError;
use crate::features::account::{AccountView, SessionView};
use crate::server::{
    audit::{self, AuditEvent},
    auth::{password::Verified, CurrentUser},
    context::RequestContext,
    db::now_unix,
    error::ServiceResult,
    identity::{self, repo as accounts},
    session_store::AUTH_KEY,
};

/// The person's account and their open sessions, newest sign-in first.
pub async fn overview(ctx: &RequestContext, user: &CurrentUser) -> ServiceResult<AccountView> {
    let current = ctx.session.id().map(|id| id.to_string());
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT id, data, expiry_date FROM sessions WHERE user_id = $1 AND expiry_date > $2",
    )
    .bind(user.user_id())
    .bind(now_unix())
    .fetch_all(ctx.state.db.pool())
    .await?;
    let mut sessions: Vec<SessionView> = rows
        .into_iter()
        .map(|(id, data, expires_at)| SessionView {
            signed_in_at: signed_in_at(&data),
            expires_at,
            current: current.as_deref() == Some(id.as_str()),
        })
        .collect();
    sessions.sort_by(|a, b| {
        b.current
            .cmp(&a.current)
            .then(b.signed_in_at.cmp(&a.signed_in_at))
    });
    Ok(AccountView {
        name: user.identity.name.clone(),
        email: user.identity.email.clone(),
        sessions,
    })
}

/// When the session's person signed in, read from the session data.
fn signed_in_at(data: &str) -> Option<i64> {
    serde_json::from_str::<serde_json::Value>(data)
        .ok()?
        .get(AUTH_KEY)?
        .get("signed_in_at")?
        .as_i64()
}

/// Changes the password: the current one is required (wrong guesses count
/// towards the log-in throttle), the new one must meet the policy. Every other
/// session of the person ends and this one continues under a fresh id.
pub async fn change_password(
    ctx: &RequestContext,
    user: &CurrentUser,
    current_password: &str,
    new_password: &str,
) -> ServiceResult<()> {
    let state = &ctx.state;
    let keys = vec![format!("account:{}", user.identity.email)];
    if let Err(retry_after_secs) = state.login_throttle.check(&keys, Instant::now()) {
        return Err(AppError::TooManyRequests { retry_after_secs }.into());
    }
    let mut conn = state.db.pool().acquire().await?;
    let account = accounts::find_user_by_email(&mut conn, &user.identity.email)
        .await?
        .filter(|a| a.id == user.user_id())
        .ok_or(AppError::Unauthenticated)?;
    drop(conn);
    let verdict = state
        .hashing
        .verify(current_password, Some(&account.password_hash))
        .await?;
    if verdict == Verified::No {
        state.login_throttle.record_failure(&keys, Instant::now());
        audit::append_alone(
            &state.db,
            &AuditEvent::new("password_changed")
                .failed()
                .actor(user.user_id(), &user.identity.email)
                .ip(ctx.client_ip.as_deref())
                .detail(json!({ "reason": "wrong current password" })),
        )
        .await?;
        return Err(
            AppError::validation("current_password", "That is not your current password.").into(),
        );
    }
    let new_password =
        Password::parse(new_password).map_err(|m| AppError::validation("new_password", m))?;
    if new_password.expose_secret() == current_password {
        return Err(AppError::validation(
            "new_password",
            "The new password is the same as the current one.",
        )
        .into());
    }
    let hash = state.hashing.hash(new_password.expose_secret()).await?;

    // Platform scope: the person's own account; its audit event names no tenant.
    let mut tx = state.db.platform_write_tx().await?;
    accounts::update_password_hash(&mut tx, user.user_id(), &hash).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("password_changed")
            .actor(user.user_id(), &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({})),
    )
    .await?;
    tx.commit().await?;

    let current = ctx.session.id().map(|id| id.to_string());
    let ended = state
        .sessions
        .delete_user_sessions(user.user_id(), current.as_deref())
        .await?;
    tracing::info!(
        user_id = user.user_id(),
        ended,
        "password changed; other sessions ended"
    );
    identity::sign_in_as(ctx, user.identity.clone()).await
}

/// Ends every session of the person, this one included.
pub async fn sign_out_everywhere(ctx: &RequestContext, user: &CurrentUser) -> ServiceResult<()> {
    let ended = ctx
        .state
        .sessions
        .delete_user_sessions(user.user_id(), None)
        .await?;
    ctx.session.flush().await?;
    let mut event = AuditEvent::new("signed_out_everywhere")
        .actor(user.user_id(), &user.identity.email)
        .ip(ctx.client_ip.as_deref())
        .detail(json!({ "sessions_ended": ended }));
    event.tenant_id = user.identity.tenant.as_ref().map(|t| t.id);
    audit::append_alone(&ctx.state.db, &event).await?;
    Ok(())
}
