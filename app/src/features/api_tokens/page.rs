//! `/account/tokens`: the person's access tokens for the REST API, a form to make one (its
//! secret shown once), and revocation.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{list_api_tokens, CreateApiToken, RevokeApiToken};
use super::types::{CreatedToken, TokenState, TokenView, TokensPage as Page};
use crate::domain::api_tokens::TokenScope;
use crate::domain::dates::format_day;
use crate::domain::format::fill;
use crate::domain::format::shown_instant;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::form::{Checked, FormRefused};

#[component]
pub fn TokensPage() -> impl IntoView {
    let create = crate::ui::form::action::<CreateApiToken>();
    let revoke = crate::ui::form::action::<RevokeApiToken>();
    let data = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, api_tokens.title))/>
        <section class="page page--narrow">
            <p><a href="/account">{tr(i18n, |l| td_string!(l, api_tokens.your_account_link))}</a></p>
            <h1>{tr(i18n, |l| td_string!(l, api_tokens.title))}</h1>
            <p>
                {tr(i18n, |l| td_string!(l, api_tokens.intro_before))} <a href="/api/docs">{tr(i18n, |l| td_string!(l, api_tokens.documentation))}</a>
                {tr(i18n, |l| td_string!(l, api_tokens.intro_after))}
            </p>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, api_tokens.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <TokensBody page create revoke/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn TokensBody(
    page: Page,
    create: ServerAction<CreateApiToken>,
    revoke: ServerAction<RevokeApiToken>,
) -> impl IntoView {
    let platform = page
        .options
        .iter()
        .any(|o| o.value == super::types::PLATFORM_CHOICE);
    let rows = page
        .tokens
        .into_iter()
        .map(|t| view! { <TokenRow t revoke/> })
        .collect_view();
    let empty = rows.is_empty();
    let i18n = use_i18n();
    view! {
        {move || match create.value().get() {
            Some(Ok(created)) => Some(view! { <NewSecret created/> }),
            _ => None,
        }}
        <h2>{tr(i18n, |l| td_string!(l, api_tokens.your_tokens))}</h2>
        {empty.then(|| view! { <p>{tr(i18n, |l| td_string!(l, api_tokens.no_tokens))}</p> })}
        {(!empty).then(|| view! {
            <div class="table-wrap" tabindex="0" role="region" aria-label=tr(i18n, |l| td_string!(l, api_tokens.your_tokens))>
                <table class="stack">
                    <thead>
                        <tr>
                            <th scope="col">{tr(i18n, |l| td_string!(l, api_tokens.name))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, api_tokens.acts_for))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, api_tokens.may))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, api_tokens.works_until))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, api_tokens.last_used))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, api_tokens.state))}</th>
                            <th scope="col"><span class="visually-hidden">{tr(i18n, |l| td_string!(l, api_tokens.revoke))}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })}
        {move || match revoke.value().get() {
            Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.to_string()}</p> }),
            _ => None,
        }}
        <h2>{tr(i18n, |l| td_string!(l, api_tokens.make_token))}</h2>
        <CreateForm
            create
            options=page.options
            platform
            default_expiry=page.default_expiry
            latest_expiry=page.latest_expiry
        />
    }
}

#[component]
fn TokenRow(t: TokenView, revoke: ServerAction<RevokeApiToken>) -> impl IntoView {
    let i18n = use_i18n();
    let badge = match t.state {
        TokenState::Live => "badge badge--ok",
        TokenState::Expired => "badge badge--warn",
        TokenState::Revoked => "badge badge--bad",
    };
    let (last_used, last_used_ip) = (t.last_used, t.last_used_ip);
    let used = move || match (&last_used, &last_used_ip) {
        (Some(at), Some(ip)) => fill(
            t_string!(i18n, api_tokens.used_from),
            &[("at", &shown_instant(at)), ("ip", ip)],
        ),
        (Some(at), None) => shown_instant(at),
        _ => t_string!(i18n, api_tokens.never).to_owned(),
    };
    // The state in words here; `TokenState::label` stays the API's (English) word.
    let state = t.state;
    let state_label = move || match state {
        TokenState::Live => t_string!(i18n, api_tokens.state_live),
        TokenState::Expired => t_string!(i18n, api_tokens.state_expired),
        TokenState::Revoked => t_string!(i18n, api_tokens.state_revoked),
    };
    let token_name = t.name.clone();
    let revoke_label = move || {
        fill(
            t_string!(i18n, api_tokens.revoke_label),
            &[("name", &token_name)],
        )
    };
    let live = t.state == TokenState::Live;
    view! {
        <tr>
            <td data-label=tr(i18n, |l| td_string!(l, api_tokens.name))>{t.name.clone()} <br/><code class="muted">{t.prefix}"…"</code></td>
            <td data-label=tr(i18n, |l| td_string!(l, api_tokens.acts_for))>{t.acts_for}</td>
            <td data-label=tr(i18n, |l| td_string!(l, api_tokens.may))>{move || t.scope.label_in(i18n.get_locale())}</td>
            // The last day it works (it expires at the following midnight, UTC).
            <td data-label=tr(i18n, |l| td_string!(l, api_tokens.works_until))>{format_day(t.expires_at - 1)}</td>
            <td data-label=tr(i18n, |l| td_string!(l, api_tokens.last_used))>{used}</td>
            <td data-label=tr(i18n, |l| td_string!(l, api_tokens.state))><span class=badge>{state_label}</span></td>
            <td data-label="">
                {live.then(|| view! {
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="id" value=t.id.to_string()/>
                        <button type="submit" class="button button--small button--ghost"
                            aria-label=revoke_label>{tr(i18n, |l| td_string!(l, api_tokens.revoke))}</button>
                    </ActionForm>
                })}
            </td>
        </tr>
    }
}

/// The secret of a token just made, shown this once, with how to use it.
#[component]
fn NewSecret(created: CreatedToken) -> impl IntoView {
    let example = format!(
        "curl -H 'Authorization: Bearer {}' https://<this portal>/api/v1/me",
        created.secret
    );
    let i18n = use_i18n();
    let name = created.name;
    let heading = move || fill(t_string!(i18n, api_tokens.new_token), &[("name", &name)]);
    view! {
        <div class="card" role="status">
            <h2>{heading}</h2>
            <p>{tr(i18n, |l| td_string!(l, api_tokens.copy_now))}</p>
            <pre class="secret"><code id="new-token-secret">{created.secret}</code></pre>
            <p>{tr(i18n, |l| td_string!(l, api_tokens.try_it))}</p>
            <pre class="secret"><code>{example}</code></pre>
        </div>
    }
}

#[component]
fn CreateForm(
    create: ServerAction<CreateApiToken>,
    options: Vec<super::types::BindingOption>,
    platform: bool,
    default_expiry: String,
    latest_expiry: String,
) -> impl IntoView {
    let error = move || match create.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let field = move |id: &'static str, name: &'static str| Checked::of(error, id, name);
    let (name, tenant, scope, expiry) = (
        field("token-name", "name"),
        field("token-tenant", "tenant"),
        field("token-scope", "scope"),
        field("token-expiry", "expires_on"),
    );
    // Errors about the fields stand beside them, and the summary only says that the form was
    // refused; any other is said here.
    let form_error = move || {
        error().map(|e| {
            if e.only_about_fields(&["name", "tenant", "scope", "expires_on"]) {
                view! { <FormRefused/> }.into_any()
            } else {
                view! { <p class="form__error" role="alert">{e.to_string()}</p> }.into_any()
            }
        })
    };
    let i18n = use_i18n();
    let choices = options
        .into_iter()
        .map(|o| {
            let (read_only, name) = (o.read_only, o.label);
            let label = move || {
                if read_only {
                    fill(
                        t_string!(i18n, api_tokens.read_only_choice),
                        &[("label", &name)],
                    )
                } else {
                    name.clone()
                }
            };
            view! { <option value=o.value>{label}</option> }
        })
        .collect_view();
    let scopes = [TokenScope::Read, TokenScope::Write]
        .into_iter()
        .chain(platform.then_some(TokenScope::Admin))
        .map(
            |s| view! { <option value=s.as_str()>{move || s.label_in(i18n.get_locale())}</option> },
        )
        .collect_view();
    view! {
        // An admin token asks for a fresh code: the prompt shows when one is needed.
        <crate::features::account::StepUpPrompt error=Signal::derive(move || create.value().get().and_then(Result::err))/>
        <ActionForm action=create attr:class="form" attr:novalidate=true>
            {form_error}
            <div class="field">
                <label for="token-name">{tr(i18n, |l| td_string!(l, api_tokens.name))}</label>
                <input id="token-name" name="name" type="text" maxlength="80" required=true
                    aria-invalid=name.invalid() autofocus=name.focus() aria-describedby=name.described_by(Some("token-name-hint"))/>
                <p class="field__hint" id="token-name-hint">{tr(i18n, |l| td_string!(l, api_tokens.name_hint))}</p>
                {name.error()}
            </div>
            <div class="field">
                <label for="token-tenant">{tr(i18n, |l| td_string!(l, api_tokens.acts_for))}</label>
                <select id="token-tenant" name="tenant"
                    aria-invalid=tenant.invalid() autofocus=tenant.focus() aria-describedby=tenant.described_by(None)>
                    {choices}
                </select>
                {tenant.error()}
            </div>
            <div class="field">
                <label for="token-scope">{tr(i18n, |l| td_string!(l, api_tokens.may))}</label>
                <select id="token-scope" name="scope" aria-invalid=scope.invalid() autofocus=scope.focus()
                    aria-describedby=scope.described_by(platform.then_some("token-scope-hint"))>
                    {scopes}
                </select>
                {platform.then(|| view! {
                    <p class="field__hint" id="token-scope-hint">{tr(i18n, |l| td_string!(l, api_tokens.platform_hint))}</p>
                })}
                {scope.error()}
            </div>
            <div class="field">
                <label for="token-expiry">{tr(i18n, |l| td_string!(l, api_tokens.works_until_last_day))}</label>
                <input id="token-expiry" name="expires_on" type="date" value=default_expiry
                    max=latest_expiry required=true
                    aria-invalid=expiry.invalid() autofocus=expiry.focus() aria-describedby=expiry.described_by(Some("token-expiry-hint"))/>
                <p class="field__hint" id="token-expiry-hint">{tr(i18n, |l| td_string!(l, api_tokens.expiry_hint))}</p>
                {expiry.error()}
            </div>
            <button type="submit" class="button" disabled=move || create.pending().get()>{tr(i18n, |l| td_string!(l, api_tokens.make_button))}</button>
        </ActionForm>
    }
}
