//! `/account/tokens`: the person's access tokens for the REST API, a form to make one (its
//! secret shown once), and revocation.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{list_api_tokens, CreateApiToken, RevokeApiToken};
use super::types::{CreatedToken, TokenState, TokenView, TokensPage as Page};
use crate::domain::api_tokens::TokenScope;
use crate::domain::dates::{format_day, format_local};

#[component]
pub fn TokensPage() -> impl IntoView {
    let create = ServerAction::<CreateApiToken>::new();
    let revoke = ServerAction::<RevokeApiToken>::new();
    let data = Resource::new(
        move || (create.version().get(), revoke.version().get()),
        |_| list_api_tokens(),
    );
    view! {
        <Title text="API tokens"/>
        <section class="page page--narrow">
            <p><a href="/account">"← Your account"</a></p>
            <h1>"API tokens"</h1>
            <p>
                "A token lets a program use Guichet's API (" <a href="/api/docs">"documentation"</a>
                ") as you, within one organisation. It never does more than you may: if your role "
                "changes, so does what the token may do. Treat it like a password."
            </p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
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
    view! {
        {move || match create.value().get() {
            Some(Ok(created)) => Some(view! { <NewSecret created/> }),
            _ => None,
        }}
        <h2>"Your tokens"</h2>
        {empty.then(|| view! { <p>"You have no tokens yet."</p> })}
        {(!empty).then(|| view! {
            <div class="table-wrap">
                <table class="stack">
                    <thead>
                        <tr>
                            <th scope="col">"Name"</th>
                            <th scope="col">"Acts for"</th>
                            <th scope="col">"May"</th>
                            <th scope="col">"Works until"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"State"</th>
                            <th scope="col"><span class="visually-hidden">"Revoke"</span></th>
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
        <h2>"Make a token"</h2>
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
    let badge = match t.state {
        TokenState::Live => "badge badge--ok",
        TokenState::Expired => "badge badge--warn",
        TokenState::Revoked => "badge badge--bad",
    };
    let used = match (t.last_used, t.last_used_ip) {
        (Some(at), Some(ip)) => format!("{} from {ip}", format_local(&at)),
        (Some(at), None) => format_local(&at),
        _ => "Never".to_owned(),
    };
    let live = t.state == TokenState::Live;
    view! {
        <tr>
            <td data-label="Name">{t.name.clone()} <br/><code class="muted">{t.prefix}"…"</code></td>
            <td data-label="Acts for">{t.acts_for}</td>
            <td data-label="May">{t.scope.label()}</td>
            // The last day it works (it expires at the following midnight, UTC).
            <td data-label="Works until">{format_day(t.expires_at - 1)}</td>
            <td data-label="Last used">{used}</td>
            <td data-label="State"><span class=badge>{t.state.label()}</span></td>
            <td data-label="">
                {live.then(|| view! {
                    <ActionForm action=revoke attr:class="inline-form">
                        <input type="hidden" name="id" value=t.id.to_string()/>
                        <button type="submit" class="button button--small button--ghost"
                            aria-label=format!("Revoke the token {}", t.name)>"Revoke"</button>
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
    view! {
        <div class="card" role="status">
            <h2>"Your new token “" {created.name} "”"</h2>
            <p>"Copy it now: it is shown only this once, and Guichet keeps only a fingerprint of it."</p>
            <pre class="secret"><code id="new-token-secret">{created.secret}</code></pre>
            <p>"Try it:"</p>
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
    let field = move |name: &'static str| {
        move || {
            error()
                .and_then(|e| e.field_message(name))
                .map(|m| view! { <p class="field__error">{m}</p> })
        }
    };
    let form_error = move || {
        error()
            .filter(|e| !e.only_about_fields(&["name", "tenant", "scope", "expires_on"]))
            .map(|e| e.to_string())
    };
    let choices = options
        .into_iter()
        .map(|o| {
            let label = if o.read_only {
                format!("{} (you read only)", o.label)
            } else {
                o.label
            };
            view! { <option value=o.value>{label}</option> }
        })
        .collect_view();
    let scopes = [TokenScope::Read, TokenScope::Write]
        .into_iter()
        .chain(platform.then_some(TokenScope::Admin))
        .map(|s| view! { <option value=s.as_str()>{s.label()}</option> })
        .collect_view();
    view! {
        <ActionForm action=create attr:class="form" attr:novalidate=true>
            {move || form_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
            <div class="field">
                <label for="token-name">"Name"</label>
                <input id="token-name" name="name" type="text" maxlength="80" required=true/>
                <p class="field__hint">"What uses it, for instance “lab renewal script”."</p>
                {field("name")}
            </div>
            <div class="field">
                <label for="token-tenant">"Acts for"</label>
                <select id="token-tenant" name="tenant">{choices}</select>
                {field("tenant")}
            </div>
            <div class="field">
                <label for="token-scope">"May"</label>
                <select id="token-scope" name="scope">{scopes}</select>
                {platform.then(|| view! {
                    <p class="field__hint">"Platform administration is for platform tokens only."</p>
                })}
                {field("scope")}
            </div>
            <div class="field">
                <label for="token-expiry">"Works until (last day)"</label>
                <input id="token-expiry" name="expires_on" type="date" value=default_expiry
                    max=latest_expiry required=true/>
                <p class="field__hint">"At most a year from today."</p>
                {field("expires_on")}
            </div>
            <button type="submit" class="button" disabled=move || create.pending().get()>"Make the token"</button>
        </ActionForm>
    }
}
