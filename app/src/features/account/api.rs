//! Server functions of a person's own account. Each parses its input into domain values, then
//! calls `crate::server::account`.

use leptos::prelude::*;

use super::types::AccountView;
use crate::error::AppError;

/// The signed-in person's account and open sessions. Any signed-in person.
#[server(prefix = "/api", endpoint = "account")]
pub async fn account_overview() -> Result<AccountView, AppError> {
    use crate::server::{account, error::respond, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(account::overview(&ctx, &user).await)
}

/// Changes the password; ends every other session. Any signed-in person.
/// Both fields' errors show at once: the current password is checked (and a
/// wrong one counts towards the sign-in throttle) even when the new one is refused.
#[server(prefix = "/api", endpoint = "change_password")]
pub async fn change_password(
    #[server(default)] current_password: String,
    #[server(default)] new_password: String,
) -> Result<(), AppError> {
    use crate::domain::password::Password;
    use crate::error::FieldErrors;
    use crate::server::{account, error::respond, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let mut errors = FieldErrors::default();
    let current = match account::verify_current_password(&ctx, &user, &current_password).await {
        Ok(current) => Some(current),
        Err(e) => {
            respond(errors.absorb(e.into()))?;
            None
        }
    };
    let me = [user.identity.email.as_str(), user.identity.name.as_str()];
    let new_password = errors.check("new_password", Password::parse(&new_password, &me));
    respond(errors.finish())?;
    let (Some(current), Some(new_password)) = (current, new_password) else {
        return respond(Err(AppError::Internal));
    };
    respond(account::change_password(&ctx, &user, current, &new_password).await)
}

/// Where confirming a new address sends the person: the sign-in page, which says it worked.
pub const EMAIL_CHANGED: &str = "/login?email_changed=1";

/// Asks to move the account to another e-mail address: a link goes to the new address, and the
/// address changes once it is opened. Any signed-in person, with their current password. Both
/// fields' errors show at once (the password is checked, and counted, even when the address is
/// refused). The answer is the same whether or not the new address has an account.
#[server(prefix = "/api", endpoint = "request_email_change")]
pub async fn request_email_change(
    #[server(default)] new_email: String,
    #[server(default)] current_password: String,
) -> Result<(), AppError> {
    use crate::domain::email::Email;
    use crate::error::FieldErrors;
    use crate::server::{account, error::respond, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let mut errors = FieldErrors::default();
    let new_email = errors.check("new_email", Email::parse(&new_email));
    let current = match account::verify_current_password(&ctx, &user, &current_password).await {
        Ok(current) => Some(current),
        Err(e) => {
            respond(errors.absorb(e.into()))?;
            None
        }
    };
    respond(errors.finish())?;
    let (Some(current), Some(new_email)) = (current, new_email) else {
        return respond(Err(AppError::Internal));
    };
    respond(account::email::request_email_change(&ctx, &user, current, &new_email).await)
}

/// Moves the account to the address a change-of-address link names. Public: the token is the
/// capability (whoever reads the new mailbox); an unknown, used or expired one is not found.
/// Every session of the person ends.
#[server(prefix = "/api", endpoint = "confirm_email_change")]
pub async fn confirm_email_change(#[server(default)] token: String) -> Result<(), AppError> {
    use crate::server::{account, error::respond, request_context};
    let ctx = request_context().await?;
    respond(account::email::confirm_email_change(&ctx, &token).await)?;
    leptos_axum::redirect(EMAIL_CHANGED);
    Ok(())
}

/// Chooses the time zone the person's pages show instants in (an IANA name from the account
/// page's list). Any signed-in person.
#[server(prefix = "/api", endpoint = "change_time_zone")]
pub async fn change_time_zone(#[server(default)] time_zone: String) -> Result<(), AppError> {
    use crate::server::{account, error::respond, request_context, time_zone::PersonZone};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let zone =
        respond(PersonZone::named(&time_zone).map_err(|m| AppError::validation("time_zone", m)))?;
    respond(account::change_time_zone(&ctx, &user, &zone).await)
}

/// Chooses the language of the pages and of the person's e-mails: remembered in this browser
/// (a cookie) and, for a signed-in person, on the account, so that a sign-in elsewhere brings it
/// back. Anyone. A plain form (no wasm) is sent back to the page it came from.
#[server(prefix = "/api", endpoint = "choose_language")]
pub async fn choose_language(#[server(default)] language: String) -> Result<(), AppError> {
    use crate::server::{
        account,
        error::{is_plain_form_post, respond},
        locale, request_context,
    };
    let ctx = request_context().await?;
    let choice = respond(
        crate::ui::language::parse_language(&language).ok_or_else(|| {
            AppError::validation(
                "language",
                crate::i18n::td_string!(crate::locale::current(), common.unknown_language),
            )
        }),
    )?;
    locale::remember_in_browser(choice, ctx.state.config.tls);
    match ctx.user().await {
        Ok(user) => respond(account::change_language(&ctx, &user, choice).await)?,
        Err(AppError::Unauthenticated) => {}
        Err(e) => return respond(Err(e)),
    }
    if is_plain_form_post() {
        let back = use_context::<http::request::Parts>()
            .and_then(|p| {
                p.headers
                    .get(http::header::REFERER)?
                    .to_str()
                    .ok()
                    .map(str::to_owned)
            })
            .and_then(|r| r.splitn(4, '/').nth(3).map(|path| format!("/{path}")));
        // Only a path of this site is followed (`safe_next` sends anything else home).
        let back = crate::features::identity::safe_next(back.as_deref());
        leptos_axum::redirect(&back);
    }
    Ok(())
}

/// Ends every session of the person, this one included. Any signed-in person.
#[server(prefix = "/api", endpoint = "sign_out_everywhere")]
pub async fn sign_out_everywhere() -> Result<(), AppError> {
    use crate::server::{account, error::respond, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(account::sign_out_everywhere(&ctx, &user).await)?;
    leptos_axum::redirect("/login");
    Ok(())
}

/// Starts setting up a second factor: a new secret for an authenticator app (replacing one not
/// yet confirmed). Any signed-in person; 409 when theirs is already on.
#[server(prefix = "/api", endpoint = "begin_second_factor")]
pub async fn begin_second_factor() -> Result<super::types::SecondFactorOffer, AppError> {
    use crate::server::{error::respond, identity::second_factor, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(second_factor::begin_setup(&ctx, &user).await)
}

/// The second factor being set up and waiting for its first code, offered again (the same QR
/// code and key); `None` when there is none. Any signed-in person, for their own account.
#[server(prefix = "/api", endpoint = "pending_second_factor")]
pub async fn pending_second_factor() -> Result<Option<super::types::SecondFactorOffer>, AppError> {
    use crate::server::{error::respond, identity::second_factor, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(second_factor::pending_setup(&ctx, &user).await)
}

/// Turns the second factor being set up on with a code from the app; returns the recovery codes,
/// shown once. Any signed-in person, for their own account; throttled as passwords are.
#[server(prefix = "/api", endpoint = "confirm_second_factor")]
pub async fn confirm_second_factor(
    #[server(default)] code: String,
) -> Result<Vec<String>, AppError> {
    use crate::domain::second_factor::SecondFactorCode;
    use crate::server::{error::respond, identity::second_factor, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let code = respond(
        SecondFactorCode::parse_app_code(&code).map_err(|m| AppError::validation("code", m)),
    )?;
    respond(second_factor::confirm_setup(&ctx, &user, &code).await)
}

/// Turns the person's second factor off, with a current code or a recovery code. Any signed-in
/// person, for their own account; throttled.
#[server(prefix = "/api", endpoint = "turn_off_second_factor")]
pub async fn turn_off_second_factor(#[server(default)] code: String) -> Result<(), AppError> {
    use crate::domain::second_factor::SecondFactorCode;
    use crate::server::{error::respond, identity::second_factor, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let code =
        respond(SecondFactorCode::parse(&code).map_err(|m| AppError::validation("code", m)))?;
    respond(second_factor::turn_off(&ctx, &user, &code).await)
}

/// New recovery codes in place of the person's old ones, with a current code. Any signed-in
/// person with a second factor on; throttled.
#[server(prefix = "/api", endpoint = "renew_recovery_codes")]
pub async fn renew_recovery_codes(
    #[server(default)] code: String,
) -> Result<Vec<String>, AppError> {
    use crate::domain::second_factor::SecondFactorCode;
    use crate::server::{error::respond, identity::second_factor, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let code =
        respond(SecondFactorCode::parse(&code).map_err(|m| AppError::validation("code", m)))?;
    respond(second_factor::renew_recovery_codes(&ctx, &user, &code).await)
}

/// Confirms a sensitive change with a code from the app or a recovery code (step-up): for five
/// minutes, the session may grant platform admin, make an admin API token and edit the policy
/// lists. Any signed-in person with a second factor on (404 without one); throttled.
#[server(prefix = "/api", endpoint = "confirm_with_code")]
pub async fn confirm_with_code(#[server(default)] code: String) -> Result<(), AppError> {
    use crate::domain::second_factor::SecondFactorCode;
    use crate::server::{error::respond, identity::second_factor, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let code =
        respond(SecondFactorCode::parse(&code).map_err(|m| AppError::validation("code", m)))?;
    respond(second_factor::confirm_with_code(&ctx, &user, &code).await)
}

/// Unlinks one of the person's identity providers (`id`: the link's; returned). Any signed-in
/// person, for their own links only: another person's is not found.
#[server(prefix = "/api", endpoint = "unlink_provider")]
pub async fn unlink_provider(#[server(default)] id: String) -> Result<i64, AppError> {
    use crate::server::{error::respond, identity::oidc, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let id = respond(id.trim().parse::<i64>().map_err(|_| AppError::NotFound))?;
    respond(oidc::unlink(&ctx, &user, id).await)?;
    Ok(id)
}

/// E-mails the person a new link confirming their address, when it is not proven yet (else
/// 409). Any signed-in person; throttled per address.
#[server(prefix = "/api", endpoint = "resend_email_verification")]
pub async fn resend_email_verification() -> Result<(), AppError> {
    use crate::server::{error::respond, identity::oidc::verification, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(verification::resend(&ctx, &user).await)
}
