//! A change of e-mail address: the account page's form, and the page the link opens
//! (`/email/confirm/<token>`), a plain form so that opening the link changes nothing (a mail
//! scanner may open links) and it works before the wasm has loaded.

use crate::ui::language::{page_title, tr};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::api::{ConfirmEmailChange, RequestEmailChange};
use crate::error::AppError;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::form::{Checked, FormRefused};

/// The account page's "E-mail address" section: the address, and a form to move to another.
#[component]
pub fn EmailForm(email: String) -> impl IntoView {
    let action = crate::ui::form::action::<RequestEmailChange>();
    let i18n = use_i18n();
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let sent = move || matches!(action.value().get(), Some(Ok(())));
    let form_error = move || {
        error().map(|e| {
            if e.only_about_fields(&["new_email", "current_password"]) {
                view! { <FormRefused/> }.into_any()
            } else {
                view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }
                    .into_any()
            }
        })
    };
    let new_email = Checked::new("new-email", move || {
        error().and_then(|e| e.field_message("new_email"))
    });
    let password = Checked::new("email-password", move || {
        error().and_then(|e| e.field_message("current_password"))
    });
    view! {
        <h2>{tr(i18n, |l| td_string!(l, account.email_title))}</h2>
        <p>{tr(i18n, |l| td_string!(l, account.email_now))} " " <strong>{email.clone()}</strong></p>
        <ActionForm action=action attr:class="form" attr:novalidate=true>
            {form_error}
            {move || sent().then(|| view! {
                <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, account.email_link_sent))}</p>
            })}
            <input type="text" name="username" autocomplete="username" value=email.clone() hidden=true readonly=true/>
            <div class="field">
                <label for="new-email">{tr(i18n, |l| td_string!(l, account.new_email))}</label>
                <input id="new-email" name="new_email" type="email" autocomplete="email" required=true
                    aria-invalid=new_email.invalid() autofocus=new_email.focus() aria-describedby=new_email.described_by(Some("new-email-hint"))/>
                <p class="field__hint" id="new-email-hint">{tr(i18n, |l| td_string!(l, account.new_email_hint))}</p>
                {new_email.error()}
            </div>
            <div class="field">
                <label for="email-password">{tr(i18n, |l| td_string!(l, account.current_password))}</label>
                <input id="email-password" name="current_password" type="password" autocomplete="current-password" required=true
                    aria-invalid=password.invalid() autofocus=password.focus() aria-describedby=password.described_by(None)/>
                {password.error()}
            </div>
            <button type="submit" class="button" disabled=move || action.pending().get()>
                {tr(i18n, |l| td_string!(l, account.email_send_link))}
            </button>
        </ActionForm>
    }
}

/// The page a change-of-address link opens: one button confirms.
#[component]
pub fn ConfirmEmailPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = crate::ui::form::action::<ConfirmEmailChange>();
    let i18n = use_i18n();
    // An unknown, used or expired link: `email_link_not_working`, with the way to ask again.
    let error = move || match confirm.value().get() {
        Some(Err(AppError::NotFound)) => {
            Some(t_string!(i18n, account.email_link_not_working).to_string())
        }
        Some(Err(e)) => Some(e.message(i18n.get_locale())),
        _ => None,
    };
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, account.email_confirm_title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, account.email_confirm_title))}</h1>
            <p>{tr(i18n, |l| td_string!(l, account.email_confirm_intro))}</p>
            <ActionForm action=confirm attr:class="form">
                {move || error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button" disabled=move || confirm.pending().get()>
                    {tr(i18n, |l| td_string!(l, account.email_confirm_button))}
                </button>
            </ActionForm>
            <p><A href="/account">{tr(i18n, |l| td_string!(l, account.email_back_to_account))}</A></p>
        </section>
    }
}
