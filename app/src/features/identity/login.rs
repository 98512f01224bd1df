//! The sign-in page and the sign-out button. Both are plain forms, so they
//! work before the wasm has loaded.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_query_map};

use super::api::{sign_in_providers, Login, LoginCode, Logout};
use crate::i18n::{td_string, use_i18n, Locale};
use crate::ui::form::Checked;

/// Why a federated sign-in or link did not happen, in words: the failure named in the page's
/// address (`?oidc=…`, see `server::identity::oidc::Failure`).
pub fn federated_failure(l: Locale, kind: &str) -> Option<&'static str> {
    Some(match kind {
        "unavailable" => td_string!(l, identity.oidc_unavailable),
        "stale" => td_string!(l, identity.oidc_stale),
        "cancelled" => td_string!(l, identity.oidc_cancelled),
        "code_refused" => td_string!(l, identity.oidc_code_refused),
        "invalid_token" => td_string!(l, identity.oidc_invalid_token),
        "no_email" => td_string!(l, identity.oidc_no_email),
        "account_exists" => td_string!(l, identity.oidc_account_exists),
        "linked_elsewhere" => td_string!(l, identity.oidc_linked_elsewhere),
        "disabled" => td_string!(l, identity.account_disabled),
        _ => return None,
    })
}

/// The identity providers' buttons: each a plain form posting to `/auth/oidc/{id}` (so it works
/// without the wasm), which sends the browser to the provider.
#[component]
fn ProviderButtons(next: Signal<String>) -> impl IntoView {
    let providers = Resource::new(|| (), |_| sign_in_providers());
    let i18n = use_i18n();
    view! {
        <Suspense fallback=|| ()>
            {move || Suspend::new(async move {
                let list = providers.await.unwrap_or_default();
                (!list.is_empty()).then(|| view! {
                    <h2>{tr(i18n, |l| td_string!(l, identity.or_sign_in_with))}</h2>
                    <ul class="plain-list">
                        {list.into_iter().map(|p| {
                            let name = p.name.clone();
                            view! {
                                <li>
                                    <form method="post" action=format!("/auth/oidc/{}", p.id)>
                                        <input type="hidden" name="next" value=move || next.get()/>
                                        <button type="submit" class="button button--ghost">
                                            {move || crate::domain::format::fill(td_string!(i18n.get_locale(), identity.sign_in_with), &[("provider", &name)])}
                                        </button>
                                    </form>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                })
            })}
        </Suspense>
    }
}

#[component]
pub fn LoginPage() -> impl IntoView {
    let action = crate::ui::form::action::<Login>();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let email = Checked::new("login-email", move || {
        error().and_then(|e| e.field_message("email"))
    });
    let password = Checked::new("login-password", move || {
        error().and_then(|e| e.field_message("password"))
    });
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, identity.sign_in_title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, identity.sign_in_title))}</h1>
            {move || query.read().get("reset").is_some().then(|| view! {
                <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, identity.reset_done))}</p>
            })}
            {move || query.read().get("email_changed").is_some().then(|| view! {
                <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, identity.email_changed_done))}</p>
            })}
            {move || query.read().get("oidc").and_then(|kind| federated_failure(i18n.get_locale(), &kind)).map(|m| view! {
                <p class="form__error" role="alert">{m}</p>
            })}
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                {move || error().map(|e| view! { <p class="form__error" role="alert">{move || e.message(i18n.get_locale())}</p> })}
                // An attribute, not a property: the server renders it, so a plain form (no wasm) sends it.
                <input type="hidden" name="next" value=next/>
                <div class="field">
                    <label for="login-email">{tr(i18n, |l| td_string!(l, identity.email))}</label>
                    <input id="login-email" name="email" type="email" autocomplete="username" required=true
                        aria-invalid=email.invalid() autofocus=email.focus() aria-describedby=email.described_by(None)/>
                    {email.error()}
                </div>
                <div class="field">
                    <label for="login-password">{tr(i18n, |l| td_string!(l, identity.password))}</label>
                    <PasswordInput invalid=password.invalid()().map(str::to_owned) described_by=password.described_by(None)()
                        show=td_string!(i18n.get_locale_untracked(), identity.show).to_owned()
                        hide=td_string!(i18n.get_locale_untracked(), identity.hide).to_owned()/>
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>{tr(i18n, |l| td_string!(l, identity.sign_in_button))}</button>
            </ActionForm>
            <p><A href="/password/forgot">{tr(i18n, |l| td_string!(l, identity.forgot_link))}</A></p>
            <ProviderButtons next=Signal::derive(next)/>
        </section>
    }
}

/// The second step of signing in, for a person with a second factor: the code from their app, or
/// a recovery code. A plain form, so it works before the wasm has loaded.
#[component]
pub fn LoginCodePage() -> impl IntoView {
    let action = crate::ui::form::action::<LoginCode>();
    let query = use_query_map();
    let next = move || query.read().get("next").unwrap_or_default();
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let code = Checked::new("login-code", move || {
        error().and_then(|e| e.field_message("code"))
    });
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, identity.code_title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, identity.code_title))}</h1>
            <p>{tr(i18n, |l| td_string!(l, identity.code_intro))}</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                {move || error().filter(|e| e.field_message("code").is_none()).map(|e| view! { <p class="form__error" role="alert">{move || e.message(i18n.get_locale())}</p> })}
                <input type="hidden" name="next" value=next/>
                <div class="field">
                    <label for="login-code">{tr(i18n, |l| td_string!(l, identity.code_field))}</label>
                    <input id="login-code" name="code" type="text" inputmode="text" autocomplete="one-time-code"
                        autocapitalize="off" spellcheck="false" required=true autofocus=true
                        aria-invalid=code.invalid() aria-describedby=code.described_by(Some("login-code-hint"))/>
                    <p class="field__hint" id="login-code-hint">{tr(i18n, |l| td_string!(l, identity.code_hint))}</p>
                    {code.error()}
                </div>
                <button type="submit" class="button" disabled=move || action.pending().get()>{tr(i18n, |l| td_string!(l, identity.code_button))}</button>
            </ActionForm>
            <p><A href="/login">{tr(i18n, |l| td_string!(l, identity.code_start_again))}</A></p>
        </section>
    }
}

#[component]
pub fn LogoutButton() -> impl IntoView {
    let action = crate::ui::form::action::<Logout>();
    let i18n = use_i18n();
    view! {
        <ActionForm action=action attr:class="inline-form">
            <button type="submit" class="button button--small button--ghost">{tr(i18n, |l| td_string!(l, identity.sign_out))}</button>
        </ActionForm>
    }
}

/// The sign-in form's password, with the button that shows it as text (and hides it again).
/// An island: the rest of the form is the server's, and posts without the wasm.
#[island]
fn PasswordInput(
    invalid: Option<String>,
    described_by: Option<String>,
    /// The button's words, in the page's language.
    show: String,
    hide: String,
) -> impl IntoView {
    let (shown, set_shown) = signal(false);
    view! {
        <div class="field__with-button">
            <input
                id="login-password"
                name="password"
                type=move || if shown.get() { "text" } else { "password" }
                autocomplete="current-password"
                required=true
                autofocus=invalid.is_some()
                aria-invalid=invalid
                aria-describedby=described_by
            />
            <button
                type="button"
                class="button button--ghost"
                aria-pressed=move || shown.get().to_string()
                on:click=move |_| set_shown.update(|s| *s = !*s)
            >
                {move || if shown.get() { hide.clone() } else { show.clone() }}
            </button>
        </div>
    }
}
