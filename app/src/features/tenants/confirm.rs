//! The sign-up confirmation page (`/signup/confirm/<token>`), opened from the
//! link e-mailed to a new address. Opening it changes nothing (a mail scanner
//! may open links); the button confirms, creates the account and the
//! organisation, and signs the person in.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::api::ConfirmSignup;
use crate::error::AppError;
use crate::i18n::{t_string, td_string, use_i18n};

#[component]
pub fn ConfirmSignupPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = crate::ui::form::action::<ConfirmSignup>();
    let i18n = use_i18n();
    // What an unknown, used or expired link shows: `link_not_working`.
    let error = move || match confirm.value().get() {
        Some(Err(AppError::NotFound)) => {
            Some(t_string!(i18n, tenants.link_not_working).to_string())
        }
        Some(Err(e)) => Some(e.message(i18n.get_locale())),
        _ => None,
    };
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, tenants.confirm_title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, tenants.confirm_title))}</h1>
            <p>{tr(i18n, |l| td_string!(l, tenants.confirm_intro))}</p>
            <ActionForm action=confirm attr:class="form">
                {move || error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button" disabled=move || confirm.pending().get()>
                    {tr(i18n, |l| td_string!(l, tenants.confirm_button))}
                </button>
            </ActionForm>
            <p>{tr(i18n, |l| td_string!(l, tenants.did_not_sign_up))} " "
                <A href="/signup">{tr(i18n, |l| td_string!(l, tenants.sign_up_again))}</A></p>
        </section>
    }
}
