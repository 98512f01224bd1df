//! A person's own account: the password, and the sessions they have open.
//! Nothing here is tenant-owned; every service acts on the signed-in person.

use crate::i18n::Locale;
use leptos_i18n::Locale as _;
use serde_json::json;

use crate::domain::password::Password;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{password::Verified, throttle::CounterKey, CurrentUser},
    context::RequestContext,
    error::ServiceResult,
    identity::{self, repo as accounts},
    state::AppState,
    time_zone::{self, PersonZone},
};
use crate::wire::account::{AccountView, SessionView};

pub mod email;
mod repo;

/// The person's account and their open sessions, newest sign-in first.
pub async fn overview(ctx: &RequestContext, user: &CurrentUser) -> ServiceResult<AccountView> {
    let current = ctx.session.id().map(|id| id.to_string());
    let zone = time_zone::of_person(&ctx.state, user.user_id()).await?;
    // Sessions are not tenant-owned: the bare pool.
    let mut conn = ctx.state.db.acquire().await?;
    let mut open = repo::open_sessions(&mut conn, user.user_id()).await?;
    let is_current = |id: &str| current.as_deref() == Some(id);
    open.sort_by(|a, b| {
        is_current(&b.id)
            .cmp(&is_current(&a.id))
            .then(b.signed_in_at.cmp(&a.signed_in_at))
    });
    let sessions: Vec<SessionView> = open
        .into_iter()
        .map(|s| SessionView {
            signed_in_at: s.signed_in_at.map(|at| zone.at(at)),
            expires_at: zone.at(s.expires_at),
            current: is_current(&s.id),
        })
        .collect();
    drop(conn);
    // Platform admins must keep one (`CurrentUser::as_platform_admin`).
    let second_factor = crate::wire::account::SecondFactorStatus {
        required: user.identity.platform_admin,
        ..crate::server::identity::second_factor::status(&ctx.state, user.user_id()).await?
    };
    let methods = crate::server::identity::oidc::sign_in_methods(ctx, user).await?;
    Ok(AccountView {
        name: user.identity.name.clone(),
        email: user.identity.email.clone(),
        sessions,
        time_zone: zone.name().to_owned(),
        time_zones: time_zone::zone_names().map(str::to_owned).collect(),
        second_factor,
        email_confirmed: methods.email_confirmed,
        linked_providers: methods
            .linked
            .into_iter()
            .map(|l| crate::wire::account::LinkedProvider {
                id: l.id,
                provider: l.provider,
                email: l.email,
                linked_at: zone.at(l.linked_at),
                last_used_at: l.last_used_at.map(|at| zone.at(at)),
            })
            .collect(),
        providers_to_link: methods.to_link,
    })
}

/// Proof that the signed-in person typed their current password: the only way
/// to [`change_password`]. Its `Debug` hides the password.
pub struct CurrentPassword(String);

impl std::fmt::Debug for CurrentPassword {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CurrentPassword(..)")
    }
}

/// Checks the person's current password: each check is counted on the account's own throttle
/// before the hash (a right one is taken back), and wrong guesses are audited.
pub async fn verify_current_password(
    ctx: &RequestContext,
    user: &CurrentUser,
    current_password: &str,
) -> ServiceResult<CurrentPassword> {
    let state = &ctx.state;
    let keys = [CounterKey::current_password(user.user_id())];
    state.throttle.admit(&state.db, &keys).await?;
    // Accounts are not tenant-owned: a bare connection, returned before hashing.
    let account = {
        let mut conn = state.db.acquire().await?;
        accounts::find_user_by_email(&mut conn, &user.identity.email)
            .await?
            .filter(|a| a.id == user.user_id())
            .ok_or(AppError::Unauthenticated)?
    };
    let verdict = state
        .hashing
        .verify(current_password, Some(&account.password_hash))
        .await?;
    if verdict == Verified::No {
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
    state.throttle.release(&state.db, &keys).await?;
    Ok(CurrentPassword(current_password.to_owned()))
}

/// Changes the password, the current one checked (see
/// [`verify_current_password`]). Every other session of the person ends and
/// this one continues under a fresh id.
pub async fn change_password(
    ctx: &RequestContext,
    user: &CurrentUser,
    current: CurrentPassword,
    new_password: &Password,
) -> ServiceResult<()> {
    let state = &ctx.state;
    if new_password.expose_secret() == current.0 {
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
    // Security mail: always sent, so that a password changed by someone else does not go unseen.
    let locale = crate::server::outbox::recipient_locale(&mut tx, &user.identity.email).await?;
    identity::reset::queue_password_changed(
        &mut tx,
        locale,
        &user.identity.email,
        &user.identity.name,
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

/// Ends every session of the person, this one included, and revokes their API tokens.
pub async fn sign_out_everywhere(ctx: &RequestContext, user: &CurrentUser) -> ServiceResult<()> {
    let ended = ctx
        .state
        .sessions
        .delete_user_sessions(user.user_id(), None)
        .await?;
    ctx.session.flush().await?;
    // Platform scope: the person's own tokens span tenants, and the audit event is about them.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let revoked = crate::server::api_tokens::revoke_all_of(&mut tx, user.user_id()).await?;
    let mut event = AuditEvent::new("signed_out_everywhere")
        .actor(user.user_id(), &user.identity.email)
        .ip(ctx.client_ip.as_deref())
        .detail(json!({ "sessions_ended": ended, "api_tokens_revoked": revoked }));
    event.tenant_id = user.identity.tenant.as_ref().map(|t| t.id);
    audit::append(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(())
}

/// The time zone `user_id` chose, as stored (`None` when there is no such person). Accounts are
/// not tenant-owned: the bare pool.
pub async fn stored_time_zone(state: &AppState, user_id: i64) -> ServiceResult<Option<String>> {
    let mut conn = state.db.acquire().await?;
    Ok(repo::time_zone(&mut conn, user_id).await?)
}

/// Remembers the time zone the person's pages show instants in, for every session of theirs.
pub async fn change_time_zone(
    ctx: &RequestContext,
    user: &CurrentUser,
    zone: &PersonZone,
) -> ServiceResult<()> {
    // Platform scope: the person's own account; its audit event names no tenant.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let before = repo::set_time_zone(&mut tx, user.user_id(), zone.name()).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("time_zone_changed")
            .actor(user.user_id(), &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "before": before, "after": zone.name() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The language `user_id` chose for pages and e-mails, `None` when none (or no such person).
/// Accounts are not tenant-owned: the bare pool.
pub async fn stored_language(state: &AppState, user_id: i64) -> ServiceResult<Option<Locale>> {
    let mut conn = state.db.acquire().await?;
    Ok(repo::language(&mut conn, user_id)
        .await?
        .as_deref()
        .and_then(crate::ui::language::parse_language))
}

/// Remembers the language of the person's pages and e-mails, for every session of theirs.
/// Choosing the language already chosen writes nothing.
pub async fn change_language(
    ctx: &RequestContext,
    user: &CurrentUser,
    language: Locale,
) -> ServiceResult<()> {
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let before = repo::set_language(&mut tx, user.user_id(), language.as_str()).await?;
    if before.as_deref() == Some(language.as_str()) {
        return Ok(());
    }
    audit::append(
        &mut tx,
        &AuditEvent::new("language_changed")
            .actor(user.user_id(), &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "before": before, "after": language.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
