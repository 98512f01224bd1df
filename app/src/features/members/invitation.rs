//! The invitation page (`/invitations/<token>`): the organisation and role on
//! offer, and the way in: create an account, sign in first, or accept.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::{invitation, AcceptInvitation};
use super::types::InvitationView;
use crate::domain::dates::format_day;
use crate::error::AppError;

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(token, invitation);
    view! {
        <Title text="Invitation"/>
        <section class="page page--narrow">
            <h1>"Invitation"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(inv) => view! { <InvitationBody inv token=token()/> }.into_any(),
                        Err(AppError::NotFound) => view! {
                            <p class="form__error" role="alert">"This invitation does not exist. Check the link, or ask for a new one."</p>
                        }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn InvitationBody(inv: InvitationView, token: String) -> impl IntoView {
    let accept = ServerAction::<AcceptInvitation>::new();
    let error = move || match accept.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let form_error = move || {
        error()
            .filter(|e| !e.only_about_fields(&["name", "password"]))
            .map(|e| e.to_string())
    };
    let expires = format_day(inv.expires_at);
    let intro = view! {
        <p>
            "You are invited to join " <strong>{inv.organisation.clone()}</strong> " as "
            <strong>{inv.role.label()}</strong> ", with the address " <strong>{inv.email.clone()}</strong>
            ". The invitation is valid until " {expires} "."
        </p>
    };
    let next = format!("/login?next=/invitations/{token}");
    let body = match (&inv.signed_in_email, inv.account_exists) {
        (Some(signed_in), _) if *signed_in == inv.email => view! {
            <ActionForm action=accept attr:class="form">
                {move || form_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button" disabled=move || accept.pending().get()>"Accept the invitation"</button>
            </ActionForm>
        }
        .into_any(),
        (Some(signed_in), _) => view! {
            <p class="form__error" role="alert">
                "You are signed in as " {signed_in.clone()} ", but this invitation was sent to "
                {inv.email.clone()} ". Sign out, then sign in with that address."
            </p>
        }
        .into_any(),
        (None, true) => view! {
            <p>"You already have an account with this address. "
                <a href=next class="button">"Sign in to accept"</a>
            </p>
        }
        .into_any(),
        (None, false) => view! {
            <h2>"Create your account"</h2>
            <ActionForm action=accept attr:class="form" attr:novalidate=true>
                {move || form_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <input type="hidden" name="token" value=token/>
                <div class="field">
                    <label for="invite-account-email">"E-mail address"</label>
                    <input id="invite-account-email" type="email" value=inv.email.clone() readonly=true autocomplete="username"/>
                </div>
                <div class="field">
                    <label for="invite-name">"Your name"</label>
                    <input id="invite-name" name="name" type="text" autocomplete="name" required=true/>
                    {move || error().and_then(|e| e.field_message("name"))
                        .map(|m| view! { <p class="field__error">{m}</p> })}
                </div>
                <div class="field">
                    <label for="invite-password">"Password"</label>
                    <input id="invite-password" name="password" type="password" autocomplete="new-password" required=true/>
                    <p class="field__hint">"12 to 128 characters; a few unrelated words make a good one."</p>
                    {move || error().and_then(|e| e.field_message("password"))
                        .map(|m| view! { <p class="field__error">{m}</p> })}
                </div>
                <button type="submit" class="button" disabled=move || accept.pending().get()>"Create the account and join"</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! { {intro} {body} }
}
