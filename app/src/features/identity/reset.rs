//! A forgotten password: the form that asks for a link (`/password/forgot`) and the page the link
//! opens (`/password/reset/<token>`). Both are plain forms, so they work before the wasm has
//! loaded; opening the link changes nothing (a mail scanner may open links).

use crate::ui::language::{page_title, tr};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::api::{RequestPasswordReset, ResetPassword};
use crate::error::AppError;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::form::Checked;

#[component]
pub fn ForgotPasswordPage() -> impl IntoView {
    let action = crate::ui::form::action::<RequestPasswordReset>();
    let sent = crate::ui::form::sent(action.value());
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let email = Checked::new("forgot-email", move || {
        error().and_then(|e| e.field_message("email"))
    });
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, identity.forgot_title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, identity.forgot_title))}</h1>
            <Show when=sent>
                <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, identity.forgot_sent))}</p>
            </Show>
            <div hidden=sent>
                <p>{tr(i18n, |l| td_string!(l, identity.forgot_intro))}</p>
                <ActionForm action=action attr:class="form" attr:novalidate=true>
                    {move || error().filter(|e| e.field_message("email").is_none()).map(|e| view! {
                        <p class="form__error" role="alert">{move || e.message(i18n.get_locale())}</p>
                    })}
                    <div class="field">
                        <label for="forgot-email">{tr(i18n, |l| td_string!(l, identity.email))}</label>
                        <input id="forgot-email" name="email" type="email" autocomplete="username" required=true
                            aria-invalid=email.invalid() autofocus=email.focus() aria-describedby=email.described_by(None)/>
                        {email.error()}
                    </div>
                    <button type="submit" class="button" disabled=move || action.pending().get()>
                        {tr(i18n, |l| td_string!(l, identity.forgot_button))}
                    </button>
                </ActionForm>
            </div>
            <p><A href="/login">{tr(i18n, |l| td_string!(l, identity.back_to_sign_in))}</A></p>
        </section>
    }
}

#[component]
pub fn ResetPasswordPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let action = crate::ui::form::action::<ResetPassword>();
    let i18n = use_i18n();
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    // An unknown, used or expired link: `link_not_working`, with the way to ask for another.
    let form_error = move || match error() {
        Some(AppError::NotFound) => {
            Some(t_string!(i18n, identity.reset_link_not_working).to_string())
        }
        Some(e) if e.field_message("new_password").is_none() => Some(e.message(i18n.get_locale())),
        _ => None,
    };
    let password = Checked::new("reset-password", move || {
        error().and_then(|e| e.field_message("new_password"))
    });
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, identity.reset_title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, identity.reset_title))}</h1>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                {move || form_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <input type="hidden" name="token" value=token/>
                <div class="field">
                    <label for="reset-password">{tr(i18n, |l| td_string!(l, identity.new_password))}</label>
                    <input id="reset-password" name="new_password" type="password" autocomplete="new-password" required=true
                        aria-invalid=password.invalid() autofocus=password.focus() aria-describedby=password.described_by(Some("reset-password-hint"))/>
                    <p class="field__hint" id="reset-password-hint">{tr(i18n, |l| td_string!(l, identity.new_password_hint))}</p>
                    {password.error()}
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {tr(i18n, |l| td_string!(l, identity.reset_button))}
                </button>
            </ActionForm>
            <p><A href="/password/forgot">{tr(i18n, |l| td_string!(l, identity.ask_another_link))}</A></p>
        </section>
    }
}
