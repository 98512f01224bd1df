//! The sign-up confirmation page (`/signup/confirm/<token>`), opened from the
//! link e-mailed to a new address. Opening it changes nothing (a mail scanner
//! may open links); the button confirms, creates the account and the
//! organisation, and signs the person in.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::api::ConfirmSignup;
use crate::error::AppError;

/// What an unknown, used or expired link shows.
const LINK_NOT_WORKING: &str = "This link does not work: it may have expired (a link works for \
     24 hours) or been used already. Sign up again to get a new one.";

#[component]
pub fn ConfirmSignupPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let confirm = ServerAction::<ConfirmSignup>::new();
    Effect::new(move |_| {
        if matches!(confirm.value().get(), Some(Ok(()))) {
            // Signed in now: load the home page afresh, so every part of it knows.
            let _ = window().location().set_href("/");
        }
    });
    let error = move || match confirm.value().get() {
        Some(Err(AppError::NotFound)) => Some(LINK_NOT_WORKING.to_string()),
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    view! {
        <Title text="Confirm your sign-up"/>
        <section class="page page--narrow">
            <h1>"Confirm your sign-up"</h1>
            <p>
                "One step left: confirm to create your account and register your organisation. "
                "The campus then verifies the organisation before it can submit requests; you can "
                "prepare drafts meanwhile."
            </p>
            <ActionForm action=confirm attr:class="form">
                {move || error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button" disabled=move || confirm.pending().get()>
                    "Confirm and create my account"
                </button>
            </ActionForm>
            <p>"Did not sign up? Close this page: nothing is created without the button. "
                <A href="/signup">"Sign up again"</A></p>
        </section>
    }
}
