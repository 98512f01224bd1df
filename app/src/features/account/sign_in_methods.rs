//! The account page's sign-in methods: whether the address is confirmed (with a new link on
//! demand), the identity providers linked to the account (each may be unlinked), and the others
//! to link. Linking is a plain form posting to `/auth/oidc/{id}/link`, which sends the browser to
//! the provider and back here.

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::api::{ResendEmailVerification, UnlinkProvider};
use super::types::LinkedProvider;
use crate::domain::federation::ProviderChoice;
use crate::domain::format::{fill, local_instant};
use crate::i18n::{td_string, use_i18n};
use crate::ui::language::tr;

#[component]
pub fn SignInMethodsSection(
    email_confirmed: bool,
    linked: Vec<LinkedProvider>,
    to_link: Vec<ProviderChoice>,
    /// Unlinking reloads the page's data, which holds `linked`.
    unlink: ServerAction<UnlinkProvider>,
) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let resend = crate::ui::form::action::<ResendEmailVerification>();
    let has_linked = !linked.is_empty();
    let rows = linked
        .into_iter()
        .map(|l| {
            let id = l.id;
            let linked_at = l.linked_at;
            let last_used_at = l.last_used_at;
            let label = l.provider.clone();
            view! {
                // A card per provider, not a table: three columns did not fit the narrow page in
                // French on a desktop screen.
                <li class="card">
                    <p><strong>{l.provider.clone()}</strong></p>
                    <p class="muted small">
                        {let email = l.email.clone(); move || fill(td_string!(i18n.get_locale(), account.methods_email_line), &[("email", &email)])}
                        <br/>
                        {move || fill(
                            td_string!(i18n.get_locale(), account.methods_last_used_line),
                            &[("when", &local_instant(i18n.get_locale(), last_used_at.as_ref().unwrap_or(&linked_at)))],
                        )}
                    </p>
                    <ActionForm action=unlink attr:class="inline-form">
                        <input type="hidden" name="id" value=id.to_string()/>
                        <button type="submit" class="button button--small button--ghost">
                            {move || fill(td_string!(i18n.get_locale(), account.methods_unlink), &[("provider", &label)])}
                        </button>
                    </ActionForm>
                </li>
            }
        })
        .collect_view();
    let links = to_link
        .into_iter()
        .map(|p| {
            let name = p.name.clone();
            view! {
                <form method="post" action=format!("/auth/oidc/{}/link", p.id) class="inline-form">
                    <button type="submit" class="button button--ghost">
                        {move || fill(td_string!(i18n.get_locale(), account.methods_link), &[("provider", &name)])}
                    </button>
                </form>
                " "
            }
        })
        .collect_view();
    view! {
        <h2 id="sign-in-methods">{tr(i18n, |l| td_string!(l, account.methods_title))}</h2>
        {(!email_confirmed).then(|| view! {
            <div class="card" role="status">
                <p>{tr(i18n, |l| td_string!(l, account.email_unconfirmed))}</p>
                <ActionForm action=resend attr:class="inline-form">
                    <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, account.email_resend))}</button>
                </ActionForm>
                {move || match resend.value().get() {
                    Some(Ok(())) => Some(view! { <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, account.email_resent))}</p> }.into_any()),
                    Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }.into_any()),
                    None => None,
                }}
            </div>
        })}
        {move || query.read().get("linked").is_some().then(|| view! {
            <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, account.methods_linked_done))}</p>
        })}
        {move || query.read().get("oidc").and_then(|kind| crate::features::identity::federated_failure(i18n.get_locale(), &kind)).map(|m| view! {
            <p class="form__error" role="alert">{m}</p>
        })}
        {move || match unlink.value().get() {
            Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }),
            _ => None,
        }}
        <p>{tr(i18n, |l| td_string!(l, account.methods_intro))}</p>
        {has_linked.then(|| view! { <ul class="plain-list">{rows}</ul> })}
        <div class="actions">{links}</div>
    }
}
