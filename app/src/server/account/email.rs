//! A change of the person's e-mail address (their sign-in name), in two steps:
//!
//! 1. [`request_email_change`], signed in and with the current password, e-mails a link to the
//!    new address (its token's SHA-256 kept for [`EMAIL_CHANGE_LIFETIME_SECS`], replacing the
//!    person's earlier links). When the new address has an account already, the answer is the
//!    same and that account's person gets a notice instead of a link: the page never tells
//!    whether an address has an account.
//! 2. [`confirm_email_change`], by whoever holds the link (so whoever reads the new mailbox),
//!    changes the address, spends the link, tells the old address, and ends every session of the
//!    person: they sign in again with the new address.

use serde_json::json;

use super::CurrentPassword;
use crate::domain::{email::Email, mail::MailCategory};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{throttle::CounterKey, CurrentUser, SessionIdentity},
    context::RequestContext,
    db::{is_unique_violation, now_unix},
    error::ServiceResult,
    identity::repo as accounts,
    outbox,
    session_store::AUTH_KEY,
    token::{hash_token, looks_like_token, new_token},
};

/// How long a change-of-address link works: a day.
pub const EMAIL_CHANGE_LIFETIME_SECS: i64 = 24 * 3600;

/// The confirmation page of a token.
pub fn confirmation_link(token: &str) -> String {
    format!("/email/confirm/{token}")
}

/// Asks to move the person's account to `new_email`, their current password checked first (see
/// [`super::verify_current_password`]). Links mailed to one address are throttled as reset links
/// are, so that nobody floods a mailbox from their account.
pub async fn request_email_change(
    ctx: &RequestContext,
    user: &CurrentUser,
    _current: CurrentPassword,
    new_email: &Email,
) -> ServiceResult<()> {
    let state = &ctx.state;
    let locale = crate::locale::current();
    if new_email.as_str() == user.identity.email {
        return Err(AppError::validation(
            "new_email",
            td_string!(locale, account.email_is_the_same),
        )
        .into());
    }
    state
        .throttle
        .admit(&state.db, &[CounterKey::reset_account(new_email.as_str())])
        .await?;

    // Platform scope: accounts are not tenant-owned, and the audit rows are platform rows.
    let mut tx = state.db.platform_write_tx().await?;
    let taken = accounts::find_user_by_email(&mut tx, new_email.as_str())
        .await?
        .is_some();
    let to = new_email.as_str();
    if taken {
        let their = outbox::recipient_locale(&mut tx, to).await?;
        outbox::queue(
            &mut tx,
            MailCategory::Security,
            to,
            td_string!(their, mail.email_taken_subject),
            td_string!(their, mail.email_taken_body),
        )
        .await?;
    } else {
        let token = new_token();
        accounts::insert_email_change(
            &mut tx,
            user.user_id(),
            to,
            &hash_token(&token),
            now_unix() + EMAIL_CHANGE_LIFETIME_SECS,
        )
        .await?;
        // The new address has no account yet: the person's own language.
        let body = crate::domain::format::fill(
            td_string!(locale, mail.email_change_body),
            &[
                ("name", &user.identity.name),
                ("old", &user.identity.email),
                ("link", &outbox::LINK),
            ],
        );
        outbox::queue_with_secret_link(
            &mut tx,
            &state.outbox_key,
            to,
            td_string!(locale, mail.email_change_subject),
            &body,
            &confirmation_link(&token),
        )
        .await?;
    }
    let mut event = AuditEvent::new("email_change_requested")
        .actor(user.user_id(), &user.identity.email)
        .ip(ctx.client_ip.as_deref())
        .detail(json!({ "new_email": to }));
    if taken {
        event = event.failed();
        event.detail = json!({ "new_email": to, "reason": "the address has an account" });
    }
    audit::append(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// Moves the account to the address a link names, by the link's token: an unknown, used or
/// expired link is not found; an address that got an account meanwhile is refused. Returns the
/// new address, for the page.
pub async fn confirm_email_change(ctx: &RequestContext, token: &str) -> ServiceResult<String> {
    let state = &ctx.state;
    if !looks_like_token(token) {
        return Err(AppError::NotFound.into());
    }
    let token_hash = hash_token(token);
    let mut tx = state.db.platform_write_tx().await?;
    let change = accounts::email_change(&mut tx, &token_hash)
        .await?
        .ok_or(AppError::NotFound)?;
    if !accounts::spend_email_change(&mut tx, &token_hash, change.user_id).await? {
        return Err(AppError::NotFound.into());
    }
    match accounts::update_email(&mut tx, change.user_id, &change.new_email).await {
        Ok(()) => {}
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::Conflict {
                message: td_string!(crate::locale::current(), account.email_taken_meanwhile)
                    .to_owned(),
            }
            .into())
        }
        Err(e) => return Err(e.into()),
    }
    audit::append(
        &mut tx,
        &AuditEvent::new("email_changed")
            .actor(change.user_id, &change.new_email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "before": change.old_email, "after": change.new_email })),
    )
    .await?;
    // The old address is told, in the person's language (read by their new address now).
    let locale = outbox::recipient_locale(&mut tx, &change.new_email).await?;
    let body = crate::domain::format::fill(
        td_string!(locale, mail.email_changed_body),
        &[("name", &change.name), ("new", &change.new_email)],
    );
    outbox::queue(
        &mut tx,
        MailCategory::Security,
        &change.old_email,
        td_string!(locale, mail.email_changed_subject),
        &body,
    )
    .await?;
    tx.commit().await?;

    // After the commit: on SQLite the write lock is ours until then. This browser's session
    // ends too when it is the person's (not when someone else's account opened the link).
    let here: Option<SessionIdentity> = ctx.session.get(AUTH_KEY).await?;
    let ended = state
        .sessions
        .delete_user_sessions(change.user_id, None)
        .await?;
    if here.is_some_and(|i| i.user_id == change.user_id) {
        ctx.session.flush().await?;
    }
    tracing::info!(
        user_id = change.user_id,
        ended,
        "e-mail address changed; sessions ended"
    );
    Ok(change.new_email)
}
