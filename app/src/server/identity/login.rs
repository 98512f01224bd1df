//! Signing in and out.
//!
//! Guesses are throttled before any password is hashed (`auth::throttle`), on counters chosen
//! after OWASP's device-cookie approach: an attempt carrying a valid device cookie of the account
//! (`auth::device`) is counted on that cookie alone; any other is counted on the account, as tried
//! from unknown browsers, and on the client address. So guesses from elsewhere slow unknown
//! browsers down but never keep the owner's own browser out, and the owner is told once per burst.

use serde_json::json;

use super::{failed_attempts, repo, second_factor};
use crate::domain::second_factor::SecondFactorCode;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{device::PresentedDevices, password::Verified, throttle::CounterKey, SessionIdentity},
    context::RequestContext,
    db::now_unix,
    error::{ServiceError, ServiceResult},
    metrics,
    session_store::{AUTH_KEY, PENDING_KEY},
};

/// A right password: the device cookie to give the browser (`Set-Cookie` value), and what comes
/// next.
#[derive(Debug)]
pub struct PasswordAccepted {
    pub device_cookie: String,
    pub next: SignInNext,
}

/// What follows a right password.
#[derive(Debug)]
pub enum SignInNext {
    /// Signed in; `language` is the one the person chose on their account, which this browser
    /// takes on.
    SignedIn {
        language: Option<crate::i18n::Locale>,
    },
    /// The person has a second factor: the session waits for a code
    /// ([`complete_with_code`]) and is not signed in meanwhile.
    SecondFactor,
}

/// Checks the credentials and starts a session: one generic error for an unknown e-mail and a
/// wrong password (both spend the same hashing time), the attempt counted first (see the module
/// documentation), session id rotated, and a fresh device cookie for the browser. A person with a
/// second factor is not signed in yet: the session waits for their code.
pub async fn log_in(
    ctx: &RequestContext,
    email: &str,
    password: &str,
    presented: &PresentedDevices,
) -> ServiceResult<PasswordAccepted> {
    let state = &ctx.state;
    let email = email.trim().to_lowercase();
    if email.is_empty() || password.is_empty() {
        return Err(refused("incomplete", AppError::InvalidCredentials.into()));
    }
    let now_secs = state.throttle.clock().now_ms().div_euclid(1_000);

    // Accounts are not tenant-owned: a bare connection, returned before hashing.
    let user = {
        let mut conn = state.db.acquire().await?;
        repo::find_user_by_email(&mut conn, &email).await?
    };
    let device = user
        .as_ref()
        .and_then(|u| presented.for_account(&state.device_key, u.id, now_secs));
    let keys = match &device {
        Some(device) => vec![CounterKey::login_device(device)],
        None => {
            let mut keys = vec![CounterKey::login_account(&email)];
            keys.extend(ctx.client_ip.as_deref().map(CounterKey::login_address));
            keys
        }
    };
    let admission = state
        .throttle
        .admit(&state.db, &keys)
        .await
        .map_err(|e| match e {
            ServiceError::App(AppError::TooManyRequests { .. }) => refused("throttled", e),
            other => other,
        })?;

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
            let mut event = AuditEvent::new("login")
                .failed()
                .ip(ctx.client_ip.as_deref());
            event.actor_user_id = user.as_ref().map(|u| u.id);
            event.actor_email = Some(&email);
            audit::append_alone(&state.db, &event).await?;
            if let Some(user) = &user {
                failed_attempts::tell_owner_once_per_burst(state, user, &keys, &admission).await?;
            }
            let reason = if user.is_some() {
                "wrong_password"
            } else {
                "unknown_account"
            };
            return Err(refused(reason, AppError::InvalidCredentials.into()));
        }
    };
    state.throttle.release(&state.db, &keys).await?;
    // A disabled account is told so, and only to whoever knows its password.
    if user.disabled_at.is_some() {
        let mut event = AuditEvent::new("login")
            .failed()
            .actor(user.id, &user.email)
            .ip(ctx.client_ip.as_deref());
        event.detail = json!({ "reason": "account disabled" });
        audit::append_alone(&state.db, &event).await?;
        let message =
            crate::i18n::td_string!(crate::locale::current(), identity.account_disabled).to_owned();
        return Err(refused("disabled", AppError::Conflict { message }.into()));
    }

    let device_cookie =
        presented.after_sign_in(&state.device_key, user.id, now_secs, state.config.tls);
    let next = after_first_factor(ctx, &user, device.is_some(), None).await?;
    Ok(PasswordAccepted {
        device_cookie,
        next,
    })
}

/// After a first factor (a password, or an identity provider named by `provider`): a person with
/// a second factor waits for their code under a fresh session id (not signed in meanwhile);
/// anyone else is signed in.
pub(super) async fn after_first_factor(
    ctx: &RequestContext,
    user: &repo::UserRow,
    known_browser: bool,
    provider: Option<&str>,
) -> ServiceResult<SignInNext> {
    if second_factor::is_on(&ctx.state, user.id).await? {
        let pending = second_factor::PendingSignIn {
            user_id: user.id,
            since: second_factor::now_secs(&ctx.state),
            known_browser,
        };
        ctx.session.cycle_id().await?;
        ctx.session.remove_value(AUTH_KEY).await?;
        ctx.session.insert(PENDING_KEY, pending).await?;
        return Ok(SignInNext::SecondFactor);
    }
    let language = finish_sign_in(ctx, user, known_browser, None, provider).await?;
    Ok(SignInNext::SignedIn { language })
}

/// Completes a sign-in waiting for its second factor with `code` (from the app, or a recovery
/// code): checked as every code is ([`second_factor::check_code`]: throttled, each used once).
/// Without a waiting sign-in, or past [`second_factor::PENDING_LIFETIME_SECS`], the person signs
/// in again from the start (401). Returns the language the person chose, as [`log_in`] does.
pub async fn complete_with_code(
    ctx: &RequestContext,
    code: &SecondFactorCode,
) -> ServiceResult<Option<crate::i18n::Locale>> {
    let state = &ctx.state;
    let pending: Option<second_factor::PendingSignIn> = ctx.session.get(PENDING_KEY).await?;
    let Some(pending) = pending else {
        return Err(AppError::Unauthenticated.into());
    };
    if second_factor::now_secs(state) - pending.since > second_factor::PENDING_LIFETIME_SECS {
        ctx.session.remove_value(PENDING_KEY).await?;
        return Err(AppError::Unauthenticated.into());
    }
    let user = {
        let mut conn = state.db.acquire().await?;
        repo::find_user_by_id(&mut conn, pending.user_id).await?
    };
    // Disabled meanwhile: as if the password step had not happened.
    let Some(user) = user.filter(|u| u.disabled_at.is_none()) else {
        ctx.session.remove_value(PENDING_KEY).await?;
        return Err(AppError::Unauthenticated.into());
    };
    let spent = second_factor::check_code(ctx, user.id, &user.email, code, "sign_in").await?;
    ctx.session.remove_value(PENDING_KEY).await?;
    finish_sign_in(ctx, &user, pending.known_browser, Some(spent), None).await
}

/// Signs `user` in once every factor passed: the session under a fresh id, the audit, the
/// language of their pages remembered, and a notice when the address is new to them.
async fn finish_sign_in(
    ctx: &RequestContext,
    user: &repo::UserRow,
    known_browser: bool,
    second_factor: Option<second_factor::Spent>,
    provider: Option<&str>,
) -> ServiceResult<Option<crate::i18n::Locale>> {
    let state = &ctx.state;
    // Platform scope: a person's memberships span tenants.
    let tenants = {
        let mut tx = state.db.platform_tx().await?;
        let tenants = repo::memberships_of(&mut tx, user.id).await?;
        tx.commit().await?;
        tenants
    };
    let identity = SessionIdentity {
        user_id: user.id,
        email: user.email.clone(),
        name: user.name.clone(),
        platform_admin: user.platform_admin == 1,
        tenant: tenants.into_iter().next(),
        signed_in_at: now_unix(),
        second_factor_at: second_factor.map(|_| second_factor::now_secs(state)),
    };
    let mut event = AuditEvent::new("login")
        .actor(user.id, &user.email)
        .ip(ctx.client_ip.as_deref());
    event.tenant_id = identity.tenant.as_ref().map(|t| t.id);
    event.detail = json!({
        "known_browser": known_browser,
        "second_factor": second_factor.map(second_factor::Spent::as_str),
        "provider": provider,
    });
    sign_in_as(ctx, identity).await?;
    audit::append_alone(&state.db, &event).await?;
    {
        let mut conn = state.db.acquire().await?;
        repo::set_seen_language(&mut conn, user.id, crate::locale::current()).await?;
    }
    if let Some(ip) = ctx.client_ip.as_deref() {
        tell_of_a_new_address(ctx, user, ip).await?;
    }
    crate::server::account::stored_language(state, user.id).await
}

/// Records the address `user` signed in from and, when it is new to them (and not their first),
/// e-mails them: a sign-in they did not make is then seen. Always sent (security mail).
async fn tell_of_a_new_address(
    ctx: &RequestContext,
    user: &repo::UserRow,
    ip: &str,
) -> ServiceResult<()> {
    use sha2::{Digest as _, Sha256};
    let hash: String = Sha256::new()
        .chain_update(user.id.to_string().as_bytes())
        .chain_update(b"\n")
        .chain_update(ip.as_bytes())
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    // Platform scope: accounts are not tenant-owned.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    if repo::remember_sign_in_address(&mut tx, user.id, &hash).await? == repo::SignInAddress::New {
        let locale = crate::server::outbox::recipient_locale(&mut tx, &user.email).await?;
        let body = crate::domain::format::fill(
            crate::i18n::td_string!(locale, mail.new_address_body),
            &[
                ("name", &user.name),
                ("address", &ip),
                (
                    "when",
                    &crate::domain::format::utc_instant(locale, now_unix()),
                ),
            ],
        );
        crate::server::outbox::queue(
            &mut tx,
            crate::domain::mail::MailCategory::Security,
            &user.email,
            crate::i18n::td_string!(locale, mail.new_address_subject),
            &body,
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// A refused sign-in, counted by `reason` in the metrics (`guichet_sign_in_failures_total`, which
/// only the operators' monitoring reads: the client gets the one generic `error`).
fn refused(reason: &str, error: ServiceError) -> ServiceError {
    metrics::sign_in_failure(reason);
    error
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
