//! Server functions for signing in and out, and who is signed in.

use leptos::prelude::*;

use super::types::{LoginOutcome, Viewer};
use crate::error::AppError;

// Where a sign-in goes afterwards: pure rules, shared with the server's federated sign-in.
pub use crate::domain::next_page::{code_page, safe_next};

/// Who is signed in. Public: anonymous callers get `None`.
#[server(prefix = "/api", endpoint = "whoami")]
pub async fn whoami() -> Result<Option<Viewer>, AppError> {
    use crate::server::auth::actor::current_user;
    match current_user().await {
        Ok(user) => {
            let i = user.identity;
            Ok(Some(Viewer {
                name: i.name,
                email: i.email,
                platform_admin: i.platform_admin,
                tenant_name: i.tenant.as_ref().map(|t| t.name.clone()),
                tenant_slug: i.tenant.as_ref().map(|t| t.slug.clone()),
                role: i.tenant.as_ref().map(|t| t.role),
            }))
        }
        Err(AppError::Unauthenticated) => Ok(None),
        Err(e) => crate::server::error::respond(Err(e)),
    }
}

/// Signs in. Public (it is how one authenticates). Throttled before the password is checked:
/// per device cookie for a browser that signed in to the account before, else per account and
/// per client address; a success gives the browser a device cookie.
#[server(prefix = "/api", endpoint = "login")]
pub async fn login(
    #[server(default)] email: String,
    #[server(default)] password: String,
    next: Option<String>,
) -> Result<LoginOutcome, AppError> {
    use crate::server::{
        auth::device::PresentedDevices,
        error::{is_plain_form_post, respond},
        identity::{self, SignInNext},
        request_context,
    };
    let ctx = request_context().await?;
    let presented = use_context::<http::request::Parts>()
        .map(|parts| PresentedDevices::from_headers(&parts.headers, ctx.state.config.tls))
        .unwrap_or_default();
    let accepted = respond(identity::log_in(&ctx, &email, &password, &presented).await)?;
    if let (Some(response), Ok(cookie)) = (
        use_context::<leptos_axum::ResponseOptions>(),
        http::HeaderValue::from_str(&accepted.device_cookie),
    ) {
        response.append_header(http::header::SET_COOKIE, cookie);
    }
    match accepted.next {
        SignInNext::SignedIn { language } => {
            signed_in(language, ctx.state.config.tls, next.as_deref());
            Ok(LoginOutcome::SignedIn)
        }
        SignInNext::SecondFactor => {
            // The sign-in page posts as a plain form, which follows this; a script reads the answer.
            if is_plain_form_post() {
                leptos_axum::redirect(&code_page(next.as_deref()));
            }
            Ok(LoginOutcome::SecondFactor)
        }
    }
}

/// After a sign-in: the browser takes on the person's language, and a plain form goes on to
/// `next` (a script calling the function reads its answer instead).
#[cfg(feature = "ssr")]
fn signed_in(language: Option<crate::i18n::Locale>, tls: bool, next: Option<&str>) {
    if let Some(language) = language {
        crate::server::locale::remember_in_browser(language, tls);
    }
    if crate::server::error::is_plain_form_post() {
        leptos_axum::redirect(&safe_next(next));
    }
}

/// Completes a sign-in waiting for its second factor, with a code from the app or a recovery
/// code. Public (it is part of signing in): without a sign-in waiting in this session, or after
/// five minutes, 401; a wrong or reused code, 422 beside the field; throttled per account.
#[server(prefix = "/api", endpoint = "login_code")]
pub async fn login_code(
    #[server(default)] code: String,
    next: Option<String>,
) -> Result<(), AppError> {
    use crate::domain::second_factor::SecondFactorCode;
    use crate::server::{error::respond, identity, request_context};
    let ctx = request_context().await?;
    let code =
        respond(SecondFactorCode::parse(&code).map_err(|m| AppError::validation("code", m)))?;
    let language = respond(identity::complete_with_code(&ctx, &code).await)?;
    signed_in(language, ctx.state.config.tls, next.as_deref());
    Ok(())
}

/// Where a reset request's form goes once taken (without JavaScript too).
pub const RESET_SENT: &str = "/password/forgot?sent=1";
/// Where a reset password sends the person: the sign-in page, which says it worked.
pub const RESET_DONE: &str = "/login?reset=1";

/// Asks for a password reset link for `email`. Anyone: the answer is the same whether or not the
/// address has an account; only the throttle (429) and a malformed address (422) answer else.
#[server(prefix = "/api", endpoint = "request_password_reset")]
pub async fn request_password_reset(#[server(default)] email: String) -> Result<(), AppError> {
    use crate::domain::email::Email;
    use crate::server::{error::respond, identity::reset, request_context};
    let ctx = request_context().await?;
    let email = respond(Email::parse(&email).map_err(|m| AppError::validation("email", m)))?;
    respond(reset::request_reset(&ctx, &email).await)?;
    leptos_axum::redirect(RESET_SENT);
    Ok(())
}

/// Sets a new password by the token of a reset link. Public: the token is the capability; an
/// unknown, used or expired one is not found.
#[server(prefix = "/api", endpoint = "reset_password")]
pub async fn reset_password(
    #[server(default)] token: String,
    #[server(default)] new_password: String,
) -> Result<(), AppError> {
    use crate::server::{error::respond, identity::reset, request_context};
    let ctx = request_context().await?;
    respond(reset::reset_password(&ctx, &token, &new_password).await)?;
    leptos_axum::redirect(RESET_DONE);
    Ok(())
}

/// The identity providers people may sign in with, in the operator's order. Public (the sign-in
/// page offers them).
#[server(prefix = "/api", endpoint = "sign_in_providers")]
pub async fn sign_in_providers() -> Result<Vec<super::types::ProviderChoice>, AppError> {
    let state = crate::server::state::app_state()?;
    Ok(crate::server::identity::oidc::choices(&state.providers))
}

/// Confirms the person's address by the token of the link e-mailed to it. Public: the token is
/// the capability; an unknown, used or expired one is not found. Returns the address.
#[server(prefix = "/api", endpoint = "confirm_email_verification")]
pub async fn confirm_email_verification(
    #[server(default)] token: String,
) -> Result<String, AppError> {
    use crate::server::{error::respond, identity::oidc::verification, request_context};
    let ctx = request_context().await?;
    let email = respond(verification::confirm(&ctx, token.trim()).await)?;
    if crate::server::error::is_plain_form_post() {
        leptos_axum::redirect(&format!("{}?done=1", verification::link(token.trim())));
    }
    Ok(email)
}

/// Signs out: the session ends on the server, not only in the browser.
#[server(prefix = "/api", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    use crate::server::{
        error::{is_plain_form_post, respond},
        identity, request_context,
    };
    let ctx = request_context().await?;
    respond(identity::log_out(&ctx).await)?;
    if is_plain_form_post() {
        leptos_axum::redirect("/");
    }
    Ok(())
}
