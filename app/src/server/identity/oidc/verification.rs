//! Confirming an address nobody proved yet (an account an identity provider made without
//! vouching for its e-mail): a link e-mailed to it, single use, a day long; until it is opened
//! the person signs in and reads but submits nothing ([`require_proven_address`]).

use serde_json::json;
use sqlx::AnyConnection;

use super::repo;
use crate::error::AppError;
use crate::i18n::td_string;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{throttle::CounterKey, CurrentUser},
    context::RequestContext,
    db::now_unix,
    error::ServiceResult,
    outbox,
    token::{hash_token, looks_like_token, new_token},
};

/// How long a confirmation link works.
pub const LIFETIME_SECS: i64 = 24 * 3600;

/// The page that confirms an address by a link's token.
pub fn link(token: &str) -> String {
    format!("/email/verify/{token}")
}

/// E-mails `email` a link confirming it for `user_id` (replacing their earlier links).
pub async fn send_link(
    ctx: &RequestContext,
    tx: &mut AnyConnection,
    user_id: i64,
    email: &str,
    name: &str,
) -> ServiceResult<()> {
    let token = new_token();
    repo::insert_email_verification(
        tx,
        user_id,
        email,
        &hash_token(&token),
        now_unix() + LIFETIME_SECS,
    )
    .await?;
    let locale = outbox::recipient_locale(tx, email).await?;
    let body = crate::domain::format::fill(
        td_string!(locale, mail.verify_email_body),
        &[("name", &name), ("link", &outbox::LINK)],
    );
    outbox::queue_with_secret_link(
        tx,
        &ctx.state.outbox_key,
        email,
        td_string!(locale, mail.verify_email_subject),
        &body,
        &link(&token),
    )
    .await?;
    Ok(())
}

/// Sends the signed-in person a new link, when their address still needs one (else 409);
/// throttled per address as reset links are.
pub async fn resend(ctx: &RequestContext, user: &CurrentUser) -> ServiceResult<()> {
    let state = &ctx.state;
    state
        .throttle
        .admit(
            &state.db,
            &[CounterKey::reset_account(&user.identity.email)],
        )
        .await?;
    let mut tx = state.db.platform_write_tx().await?;
    if repo::unverified_since(&mut tx, user.user_id())
        .await?
        .is_none()
    {
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            identity.email_already_confirmed
        ))
        .into());
    }
    send_link(
        ctx,
        &mut tx,
        user.user_id(),
        &user.identity.email,
        &user.identity.name,
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Confirms an address by a link's token: unknown, used, expired, or sent to an address the
/// account no longer has, it is not found. Returns the address.
pub async fn confirm(ctx: &RequestContext, token: &str) -> ServiceResult<String> {
    if !looks_like_token(token) {
        return Err(AppError::NotFound.into());
    }
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let (user_id, email) = repo::spend_email_verification(&mut tx, &hash_token(token))
        .await?
        .ok_or(AppError::NotFound)?;
    audit::append(
        &mut tx,
        &AuditEvent::new("email_verified")
            .actor(user_id, &email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({})),
    )
    .await?;
    tx.commit().await?;
    Ok(email)
}

/// Whether `user_id`'s address is proven.
pub async fn is_proven(conn: &mut AnyConnection, user_id: i64) -> ServiceResult<bool> {
    Ok(repo::unverified_since(conn, user_id).await?.is_none())
}

/// Refuses (409, with a sentence) a person whose address is not proven yet: called with the
/// organisation's checks before any submission (`tenants::require_verified`).
pub async fn require_proven_address(conn: &mut AnyConnection, user_id: i64) -> ServiceResult<()> {
    if is_proven(conn, user_id).await? {
        Ok(())
    } else {
        Err(AppError::conflict(td_string!(
            crate::locale::current(),
            identity.email_not_confirmed
        ))
        .into())
    }
}
