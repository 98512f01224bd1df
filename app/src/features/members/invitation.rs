//! The invitation page (`/invitations/<token>`): the organisation and role on
//! offer, and the way in: create an account, sign in first, or accept.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::hooks::use_params_map;

use super::api::{invitation, AcceptInvitation};
use super::types::InvitationView;
use crate::domain::dates::format_day;
use crate::domain::format::fill;
use crate::error::AppError;
use crate::i18n::{t_string, td_string, use_i18n};

#[component]
pub fn InvitationPage() -> impl IntoView {
    let params = use_params_map();
    let token = move || params.read().get("token").unwrap_or_default();
    let data = Resource::new(token, invitation);
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, members.invitation))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, members.invitation))}</h1>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, members.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(inv) => view! { <InvitationBody inv token=token()/> }.into_any(),
                        Err(AppError::NotFound) => view! {
                            <p class="form__error" role="alert">{tr(i18n, |l| td_string!(l, members.invitation_not_found))}</p>
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
    let accept = crate::ui::form::action::<AcceptInvitation>();
    let error = move || match accept.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let i18n = use_i18n();
    let form_error = move || {
        error()
            .filter(|e| !e.only_about_fields(&["name", "password"]))
            .map(|e| e.message(i18n.get_locale()))
    };
    let expires = format_day(inv.expires_at);
    let intro = view! {
        <p>
            {tr(i18n, |l| td_string!(l, members.invited_to_join))} " " <strong>{inv.organisation.clone()}</strong> " " {tr(i18n, |l| td_string!(l, members.invited_as))} " "
            <strong>{move || inv.role.label_in(i18n.get_locale())}</strong> {tr(i18n, |l| td_string!(l, members.invited_with_address))} " " <strong>{inv.email.clone()}</strong>
            {move || fill(t_string!(i18n, members.invitation_valid_until), &[("date", &expires)])}
        </p>
    };
    let next = format!("/login?next=/invitations/{token}");
    let body = match (&inv.signed_in_email, inv.account_exists) {
        (Some(signed_in), _) if *signed_in == inv.email => view! {
            <ActionForm action=accept attr:class="form">
                {move || form_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <input type="hidden" name="token" value=token/>
                <button type="submit" class="button" disabled=move || accept.pending().get()>{tr(i18n, |l| td_string!(l, members.accept_invitation))}</button>
            </ActionForm>
        }
        .into_any(),
        (Some(signed_in), _) => view! {
            <p class="form__error" role="alert">
                {let (signed_in, email) = (signed_in.clone(), inv.email.clone());
                 move || fill(t_string!(i18n, members.signed_in_as_other_form), &[("signed_in", &signed_in), ("email", &email)])}
            </p>
        }
        .into_any(),
        (None, true) => view! {
            <p>{tr(i18n, |l| td_string!(l, members.already_have_account))} " "
                <a href=next class="button">{tr(i18n, |l| td_string!(l, members.sign_in_to_accept))}</a>
            </p>
        }
        .into_any(),
        (None, false) => view! {
            <h2>{tr(i18n, |l| td_string!(l, members.create_your_account))}</h2>
            <ActionForm action=accept attr:class="form" attr:novalidate=true>
                {move || form_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <input type="hidden" name="token" value=token/>
                <div class="field">
                    <label for="invite-account-email">{tr(i18n, |l| td_string!(l, members.email_address))}</label>
                    <input id="invite-account-email" type="email" value=inv.email.clone() readonly=true autocomplete="username"/>
                </div>
                <div class="field">
                    <label for="invite-name">{tr(i18n, |l| td_string!(l, members.your_name))}</label>
                    <input id="invite-name" name="name" type="text" autocomplete="name" required=true/>
                    {move || error().and_then(|e| e.field_message("name"))
                        .map(|m| view! { <p class="field__error">{m}</p> })}
                </div>
                <div class="field">
                    <label for="invite-password">{tr(i18n, |l| td_string!(l, members.password))}</label>
                    <input id="invite-password" name="password" type="password" autocomplete="new-password" required=true/>
                    <p class="field__hint">{tr(i18n, |l| td_string!(l, members.password_hint))}</p>
                    {move || error().and_then(|e| e.field_message("password"))
                        .map(|m| view! { <p class="field__error">{m}</p> })}
                </div>
                <button type="submit" class="button" disabled=move || accept.pending().get()>{tr(i18n, |l| td_string!(l, members.create_account_and_join))}</button>
            </ActionForm>
        }
        .into_any(),
    };
    view! { {intro} {body} }
}
