//! The sign-in page and the sign-out button. Both are plain forms, so they
//! work before the wasm has loaded.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_query_map;

use super::api::{Login, Logout};
use crate::error::AppError;

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = ServerAction::<Login>::new();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            // Signed in: load the next page afresh, so every part of it knows.
            let _ = window()
                .location()
                .set_href(&super::api::safe_next(Some(&next())));
        }
    });
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let (show_password, set_show_password) = signal(false);
    view! {
        <Title text="Sign in"/>
        <section class="page page--narrow">
            <h1>"Sign in"</h1>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                {move || error().map(|e| view! { <p class="form__error" role="alert">{message_for_form(&e)}</p> })}
                // An attribute, not a property: the server renders it, so a plain form (no wasm) sends it.
                <input type="hidden" name="next" value=next/>
                <div class="field">
                    <label for="login-email">"E-mail address"</label>
                    <input id="login-email" name="email" type="email" autocomplete="username" required=true/>
                </div>
                <div class="field">
                    <label for="login-password">"Password"</label>
                    <div class="field__with-button">
                        <input
                            id="login-password"
                            name="password"
                            type=move || if show_password.get() { "text" } else { "password" }
                            autocomplete="current-password"
                            required=true
                        />
                        <button
                            type="button"
                            class="button button--ghost"
                            aria-pressed=move || show_password.get().to_string()
                            on:click=move |_| set_show_password.update(|s| *s = !*s)
                        >
                            {move || if show_password.get() { "Hide" } else { "Show" }}
                        </button>
                    </div>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>"Sign in"</button>
            </ActionForm>
        </section>
    }
}

fn message_for_form(e: &AppError) -> String {
    e.to_string()
}

#[component]
pub fn LogoutButton() -> impl IntoView {
    let action = ServerAction::<Logout>::new();
    Effect::new(move |_| {
        if matches!(action.value().get(), Some(Ok(()))) {
            let _ = window().location().set_href("/");
        }
    });
    view! {
        <ActionForm action=action attr:class="inline-form">
            <button type="submit" class="button button--small button--ghost">"Sign out"</button>
        </ActionForm>
    }
}
