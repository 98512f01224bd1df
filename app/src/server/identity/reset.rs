//! A forgotten password, reset by a link e-mailed to the account's address.
//!
//! 1. [`request_reset`] takes an address and answers the same whether it has an account or not:
//!    the attempt is counted first (per address asked for and per client address, the sign-up
//!    throttle's way), then, for an account, a link is kept (its token's SHA-256 only, for
//!    [`RESET_LIFETIME_SECS`], replacing the person's earlier links) and e-mailed sealed; for
//!    an unknown address nothing is sent and a failed attempt is audited.
//! 2. [`reset_password`], by whoever holds the link, sets the new password, spends the link
//!    (single use, even when two uses race), ends every session of the person, and e-mails
//!    them that their password changed.

use serde_json::json;

use super::repo;
use crate::domain::{email::Email, mail::MailCategory, password::Password};
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::server::{
    audit::{self, AuditEvent},
    auth::throttle::CounterKey,
    context::RequestContext,
    db::now_unix,
    error::ServiceResult,
    outbox,
    token::{hash_token, looks_like_token, new_token},
};

/// How long a reset link works: half an hour.
pub const RESET_LIFETIME_SECS: i64 = 30 * 60;

/// The reset page of a token.
pub fn reset_link(token: &str) -> String {
    format!("/password/reset/{token}")
}

/// Asks for a reset link for `email`: the same answer whether or not it has an account.
pub async fn request_reset(ctx: &RequestContext, email: &Email) -> ServiceResult<()> {
    let state = &ctx.state;
    let mut keys = vec![CounterKey::reset_account(email.as_str())];
    keys.extend(ctx.client_ip.as_deref().map(CounterKey::reset_address));
    state.throttle.admit(&state.db, &keys).await?;

    // Platform scope: accounts are not tenant-owned, and the audit rows are platform rows.
    let mut tx = state.db.platform_write_tx().await?;
    match repo::find_user_by_email(&mut tx, email.as_str()).await? {
        Some(user) => {
            let token = new_token();
            repo::insert_password_reset(
                &mut tx,
                user.id,
                &hash_token(&token),
                now_unix() + RESET_LIFETIME_SECS,
            )
            .await?;
            let locale = outbox::recipient_locale(&mut tx, &user.email).await?;
            let body = crate::domain::format::fill(
                td_string!(locale, mail.reset_body),
                &[
                    ("name", &user.name),
                    ("minutes", &(RESET_LIFETIME_SECS / 60)),
                    ("link", &outbox::LINK),
                ],
            );
            outbox::queue_with_secret_link(
                &mut tx,
                &state.outbox_key,
                &user.email,
                td_string!(locale, mail.reset_subject),
                &body,
                &reset_link(&token),
            )
            .await?;
            audit::append(
                &mut tx,
                &AuditEvent::new("password_reset_requested")
                    .actor(user.id, &user.email)
                    .ip(ctx.client_ip.as_deref())
                    .detail(json!({})),
            )
            .await?;
        }
        None => {
            let mut event = AuditEvent::new("password_reset_requested")
                .failed()
                .ip(ctx.client_ip.as_deref())
                .detail(json!({ "unknown_address": true }));
            event.actor_email = Some(email.as_str());
            audit::append(&mut tx, &event).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}

/// Sets a new password (as typed: it is checked against the person's own name and address, so
/// the link is read first) by the token of a reset link. An unknown, used or expired link is not
/// found. Every session of the person ends, this browser's too: they sign in with the new one.
pub async fn reset_password(
    ctx: &RequestContext,
    token: &str,
    new_password: &str,
) -> ServiceResult<()> {
    let state = &ctx.state;
    if !looks_like_token(token) {
        return Err(AppError::NotFound.into());
    }
    let token_hash = hash_token(token);
    let user = {
        let mut conn = state.db.acquire().await?;
        repo::password_reset_user(&mut conn, &token_hash).await?
    }
    .ok_or(AppError::NotFound)?;
    let new_password = Password::parse(new_password, &[&user.email, &user.name])
        .map_err(|m| AppError::validation("new_password", m))?;
    let hash = state.hashing.hash(new_password.expose_secret()).await?;

    let mut tx = state.db.platform_write_tx().await?;
    if !repo::spend_password_reset(&mut tx, &token_hash, user.id).await? {
        return Err(AppError::NotFound.into());
    }
    repo::update_password_hash(&mut tx, user.id, &hash).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("password_reset")
            .actor(user.id, &user.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({})),
    )
    .await?;
    let locale = outbox::recipient_locale(&mut tx, &user.email).await?;
    queue_password_changed(&mut tx, locale, &user.email, &user.name).await?;
    tx.commit().await?;

    let ended = state.sessions.delete_user_sessions(user.id, None).await?;
    ctx.session.flush().await?;
    tracing::info!(user_id = user.id, ended, "password reset; sessions ended");
    Ok(())
}

/// The security e-mail a password change or reset sends (always: a password changed by someone
/// else must not go unseen), in the person's language.
pub async fn queue_password_changed(
    conn: &mut sqlx::AnyConnection,
    locale: Locale,
    email: &str,
    name: &str,
) -> ServiceResult<()> {
    let body = crate::domain::format::fill(
        td_string!(locale, mail.password_changed_body),
        &[("name", &name)],
    );
    outbox::queue(
        conn,
        MailCategory::Security,
        email,
        td_string!(locale, mail.password_changed_subject),
        &body,
    )
    .await?;
    Ok(())
}
