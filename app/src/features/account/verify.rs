//! The page of the link confirming an address nobody proved yet (an account an identity provider
//! made): opening it shows a button, so that a mail scanner following links spends nothing; the
//! button spends the link. A plain form, so it works without the wasm.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use crate::error::AppError;
use crate::features::identity::ConfirmEmailVerification;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::language::{page_title, tr};

#[component]
pub fn VerifyEmailPage() -> impl IntoView {
    let params = use_params_map();
    let query = use_query_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = crate::ui::form::action::<ConfirmEmailVerification>();
    let i18n = use_i18n();
    let done =
        move || matches!(confirm.value().get(), Some(Ok(_))) || query.read().get("done").is_some();
    let error = move || match confirm.value().get() {
        Some(Err(AppError::NotFound)) => {
            Some(t_string!(i18n, identity.verify_not_found).to_string())
        }
        Some(Err(e)) => Some(e.message(i18n.get_locale())),
        _ => None,
    };
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, identity.verify_title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, identity.verify_title))}</h1>
            <Show when=done fallback=move || view! {
                <p>{tr(i18n, |l| td_string!(l, identity.verify_intro))}</p>
                <ActionForm action=confirm attr:class="form">
                    {move || error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                    <input type="hidden" name="token" value=token/>
                    <button type="submit" class="button" disabled=move || confirm.pending().get()>
                        {tr(i18n, |l| td_string!(l, identity.verify_button))}
                    </button>
                </ActionForm>
            }>
                <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, identity.verify_done))}</p>
            </Show>
            <p><A href="/account">{tr(i18n, |l| td_string!(l, account.email_back_to_account))}</A></p>
        </section>
    }
}
