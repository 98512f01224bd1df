//! The account page: change the password, see the open sessions, and sign
//! out everywhere.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{
    account_overview, ChangePassword, ChangeTimeZone, SignOutEverywhere, UnlinkProvider,
};
use super::types::AccountView;
use crate::domain::format::local_instant;
use crate::features::site_agents::api::{my_site_logins, SetSiteLogin};
use crate::i18n::{td_string, use_i18n};
use crate::ui::form::{error_id, Checked, FormRefused};
use crate::wire::site_agents::SiteLogin;

#[component]
pub fn AccountPage() -> impl IntoView {
    let change = crate::ui::form::action::<ChangePassword>();
    let everywhere = crate::ui::form::action::<SignOutEverywhere>();
    let zone = crate::ui::form::action::<ChangeTimeZone>();
    let unlink = crate::ui::form::action::<UnlinkProvider>();
    let data = Resource::new(
        move || {
            (
                change.version().get(),
                zone.version().get(),
                unlink.version().get(),
            )
        },
        |_| account_overview(),
    );
    let set_login = crate::ui::form::action::<SetSiteLogin>();
    // Not reloaded after a save: each input already holds what was saved, or what was refused.
    let logins = Resource::new(|| (), |_| my_site_logins());
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, account.title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, account.title))}</h1>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, account.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(acc) => view! { <AccountBody acc change everywhere zone unlink/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
            <SiteLogins logins set_login/>
            <crate::features::jobs::email::EmailChoicesSection/>
        </section>
    }
}

#[component]
fn AccountBody(
    acc: AccountView,
    change: ServerAction<ChangePassword>,
    everywhere: ServerAction<SignOutEverywhere>,
    zone: ServerAction<ChangeTimeZone>,
    unlink: ServerAction<UnlinkProvider>,
) -> impl IntoView {
    let error = move || match change.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let done = move || matches!(change.value().get(), Some(Ok(())));
    let i18n = use_i18n();
    // Errors about the two fields stand beside them, and the summary only says that the form
    // was refused; any other is said here.
    let form_error = move || {
        error().map(|e| {
            if e.only_about_fields(&["current_password", "new_password"]) {
                view! { <FormRefused/> }.into_any()
            } else {
                view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }
                    .into_any()
            }
        })
    };
    let current = Checked::new("current-password", move || {
        error().and_then(|e| e.field_message("current_password"))
    });
    let new = Checked::new("new-password", move || {
        error().and_then(|e| e.field_message("new_password"))
    });
    let sessions = acc
        .sessions
        .into_iter()
        .map(|s| {
            let signed_in_at = s.signed_in_at;
            let expires_at = s.expires_at;
            view! {
                <tr>
                    // This browser's session is marked in its first cell: a column of its own was
                    // cut at the table's edge on a desktop screen.
                    <td data-label=tr(i18n, |l| td_string!(l, account.signed_in))>
                        {move || signed_in_at.as_ref().map(|at| local_instant(i18n.get_locale(), at)).unwrap_or_else(|| "—".to_owned())}
                        {s.current.then(|| view! { " " <span class="badge badge--info">{tr(i18n, |l| td_string!(l, account.this_browser))}</span> })}
                    </td>
                    <td data-label=tr(i18n, |l| td_string!(l, account.ends_if_unused))>{move || local_instant(i18n.get_locale(), &expires_at)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <p>{acc.name.clone()}</p>
        <super::email::EmailForm email=acc.email.clone()/>
        <p><a href="/account/tokens">{tr(i18n, |l| td_string!(l, account.api_tokens))}</a>{tr(i18n, |l| td_string!(l, account.api_tokens_hint))}</p>
        <h2>{tr(i18n, |l| td_string!(l, account.change_your_password))}</h2>
        <ActionForm action=change attr:class="form" attr:novalidate=true>
            {form_error}
            {move || done().then(|| view! {
                <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, account.password_changed))}</p>
            })}
            <input type="text" name="username" autocomplete="username" value=acc.email.clone() hidden=true readonly=true/>
            <div class="field">
                <label for="current-password">{tr(i18n, |l| td_string!(l, account.current_password))}</label>
                <input id="current-password" name="current_password" type="password" autocomplete="current-password" required=true
                    aria-invalid=current.invalid() autofocus=current.focus() aria-describedby=current.described_by(None)/>
                {current.error()}
            </div>
            <div class="field">
                <label for="new-password">{tr(i18n, |l| td_string!(l, account.new_password))}</label>
                <input id="new-password" name="new_password" type="password" autocomplete="new-password" required=true
                    aria-invalid=new.invalid() autofocus=new.focus() aria-describedby=new.described_by(Some("new-password-hint"))/>
                <p class="field__hint" id="new-password-hint">{tr(i18n, |l| td_string!(l, account.new_password_hint))}</p>
                {new.error()}
            </div>
            <button type="submit" class="button" disabled=move || change.pending().get()>{tr(i18n, |l| td_string!(l, account.change_the_password))}</button>
        </ActionForm>
        <super::second_factor::SecondFactorSection status=acc.second_factor/>
        <super::sign_in_methods::SignInMethodsSection email_confirmed=acc.email_confirmed
            linked=acc.linked_providers.clone() to_link=acc.providers_to_link.clone() unlink/>
        <TimeZoneForm zone current=acc.time_zone.clone() zones=acc.time_zones.clone()/>
        <h2>{tr(i18n, |l| td_string!(l, account.your_sessions))}</h2>
        // A region that may slide sideways (French dates run longer) takes the keyboard focus.
        <div class="table-wrap" tabindex="0" role="region" aria-label=tr(i18n, |l| td_string!(l, account.your_sessions))>
            <table class="stack">
                <thead>
                    <tr>
                        <th scope="col">{tr(i18n, |l| td_string!(l, account.signed_in))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, account.ends_if_unused))}</th>
                    </tr>
                </thead>
                <tbody>{sessions}</tbody>
            </table>
        </div>
        <ActionForm action=everywhere attr:class="actions">
            {move || match everywhere.value().get() {
                Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }),
                _ => None,
            }}
            <button type="submit" class="button button--ghost">{tr(i18n, |l| td_string!(l, account.sign_out_everywhere))}</button>
        </ActionForm>
    }
}

/// The time zone the person's pages show times in: one `<select>` of IANA names.
#[component]
fn TimeZoneForm(
    zone: ServerAction<ChangeTimeZone>,
    current: String,
    zones: Vec<String>,
) -> impl IntoView {
    let error = move || match zone.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let done = move || matches!(zone.value().get(), Some(Ok(())));
    let i18n = use_i18n();
    let time_zone = Checked::new("time-zone", move || {
        error().and_then(|e| e.field_message("time_zone"))
    });
    let options = zones
        .into_iter()
        .map(|z| {
            let selected = z == current;
            let label = z.replace('_', " ");
            view! { <option value=z selected=selected>{label}</option> }
        })
        .collect_view();
    view! {
        <h2>{tr(i18n, |l| td_string!(l, account.time_zone))}</h2>
        <ActionForm action=zone attr:class="form">
            {move || error().map(|e| if e.only_about_fields(&["time_zone"]) {
                view! { <FormRefused/> }.into_any()
            } else {
                view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }.into_any()
            })}
            {move || done().then(|| view! {
                <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, account.time_zone_saved))}</p>
            })}
            <div class="field">
                <label for="time-zone">{tr(i18n, |l| td_string!(l, account.show_times_in))}</label>
                <select id="time-zone" name="time_zone"
                    aria-invalid=time_zone.invalid() autofocus=time_zone.focus() aria-describedby=time_zone.described_by(Some("time-zone-hint"))>
                    {options}
                </select>
                <p class="field__hint" id="time-zone-hint">{tr(i18n, |l| td_string!(l, account.time_zone_hint))}</p>
                {time_zone.error()}
            </div>
            <button type="submit" class="button" disabled=move || zone.pending().get()>{tr(i18n, |l| td_string!(l, account.save_time_zone))}</button>
        </ActionForm>
    }
}

/// "Logins at sites": the person's user name at each site, by which its scheduler knows them
/// (and the portal counts their jobs). One form a site; an empty login clears it.
#[component]
fn SiteLogins(
    logins: Resource<Result<Vec<SiteLogin>, crate::error::AppError>>,
    set_login: ServerAction<SetSiteLogin>,
) -> impl IntoView {
    // The row sent last, by its site (`_form`: the rows share one server function), so its
    // answer shows beside it.
    let last_site = {
        let sent = crate::ui::form::last_form().get_untracked();
        Signal::stored((!sent.is_empty()).then_some(sent))
    };
    let i18n = use_i18n();
    let intro = move || {
        view! {
            <h2 id="site-logins">{tr(i18n, |l| td_string!(l, account.logins_at_sites))}</h2>
            <p>
                {tr(i18n, |l| td_string!(l, account.logins_intro_1))}
                {tr(i18n, |l| td_string!(l, account.logins_intro_2))}
            </p>
        }
    };
    // A form sent before the page's script ran: its error has no row to go beside.
    let unplaced_error = move || {
        set_login
            .value()
            .get()
            .and_then(Result::err)
            .filter(|_| last_site.get().is_none())
            .map(|e| view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> })
    };
    view! {
        <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, account.loading))}</p> }>
            {move || Suspend::new(async move {
                match logins.await {
                    // The page above already says why (sign in).
                    Err(crate::error::AppError::Unauthenticated) => ().into_any(),
                    Ok(list) if list.is_empty() => view! {
                        {intro()}
                        <p class="empty">{tr(i18n, |l| td_string!(l, account.no_site_open))}</p>
                    }.into_any(),
                    Ok(list) => view! {
                        {intro()}
                        {unplaced_error}
                        <ul class="site-logins">
                            {list.into_iter().map(|l| view! { <SiteLoginRow l set_login last_site/> }).collect_view()}
                        </ul>
                    }.into_any(),
                    Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn SiteLoginRow(
    l: SiteLogin,
    set_login: ServerAction<SetSiteLogin>,
    last_site: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    // The site's key is in the ids: one form a site on the page.
    let input_id = format!("login-{}", l.site);
    let message_id = error_id(&input_id);
    let site = l.site.clone();
    let mine = {
        let site = site.clone();
        move || last_site.get().as_deref() == Some(site.as_str())
    };
    let error = {
        let mine = mine.clone();
        move || {
            set_login
                .value()
                .get()
                .and_then(Result::err)
                .filter(|_| mine())
        }
    };
    let login = {
        let error = error.clone();
        Checked::new(input_id.clone(), move || {
            error().and_then(|e| e.field_message("login"))
        })
    };
    let message = {
        let error = error.clone();
        move || error().and_then(|e| e.field_message("login"))
    };
    // A refusal about the login says so (its message stands beside the field); any other is
    // said here.
    let refusal = move || {
        error().map(|e| {
            if e.only_about_fields(&["login"]) {
                view! { <FormRefused/> }.into_any()
            } else {
                view! { <p class="field__error site-login__error" role="alert">{e.message(i18n.get_locale())}</p> }.into_any()
            }
        })
    };
    let saved = {
        let mine = mine.clone();
        move || mine() && matches!(set_login.value().get(), Some(Ok(())))
    };
    view! {
        <li class="site-login">
            <ActionForm action=set_login attr:class="site-login__form">
                <input type="hidden" name="site" value=site.clone()/>
                <input type="hidden" name="_form" value=site/>
                <label for=input_id.clone() class="site-login__site">{l.site_name.clone()}</label>
                <div class="site-login__edit">
                    <input id=input_id name="login" type="text" value=l.login.clone() maxlength="32"
                        autocomplete="off" autocapitalize="none" spellcheck="false"
                        placeholder=tr(i18n, |l| td_string!(l, account.not_given))
                        aria-invalid=login.invalid() autofocus=login.focus() aria-describedby=login.described_by(None)/>
                    <button type="submit" class="button button--small"
                        disabled=move || set_login.pending().get()>
                        {tr(i18n, |l| td_string!(l, account.save))}
                    </button>
                </div>
                // `{field-id}-error`, as `Checked::error` gives it, with the row's spacing.
                {move || message().map(|m| view! { <p class="field__error site-login__error" id=message_id.clone()>{m}</p> })}
                {refusal}
                {move || saved().then(|| view! { <p class="site-login__saved" role="status">{tr(i18n, |l| td_string!(l, account.saved))}</p> })}
            </ActionForm>
        </li>
    }
}
