//! `/admin/people`: every person with an account, searchable by name or address, with their
//! organisations and roles and their latest sign-in; a platform admin grants or revokes platform
//! admin and disables or enables an account from each row.

use crate::ui::language::{page_title, tr};
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::Form;

use super::api::{people, ChangeAccount};
use super::types::{PeoplePage, PersonView};
use crate::domain::format::local_instant;
use crate::i18n::{td_string, use_i18n};
use crate::ui::table::{query_param, query_value, Pager};

#[component]
pub fn PeopleAdminPage() -> impl IntoView {
    // A row's change refused for want of a fresh code: the prompt above the table takes one.
    let change = crate::ui::form::action::<ChangeAccount>();
    let refused = Signal::derive(move || change.value().get().and_then(Result::err));
    let q = query_param("q");
    let page = query_param("page");
    let data = Resource::new(move || (q(), page()), |(q, page)| people(q, page));
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, people.title))/>
        <section class="page">
            <h1>{tr(i18n, |l| td_string!(l, people.title))}</h1>
            <p>{tr(i18n, |l| td_string!(l, people.intro))}</p>
            <Form method="GET" action="/admin/people" attr:class="form form--inline" attr:role="search">
                <div class="field">
                    <label for="people-q">{tr(i18n, |l| td_string!(l, people.search_label))}</label>
                    <input id="people-q" name="q" type="search" value=query_value("q") maxlength="200" autocomplete="off"/>
                </div>
                <button type="submit" class="button">{tr(i18n, |l| td_string!(l, people.search_button))}</button>
            </Form>
            <crate::features::account::StepUpPrompt error=refused/>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, people.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(p) => view! { <PeopleTable page=p/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PeopleTable(page: PeoplePage) -> impl IntoView {
    let i18n = use_i18n();
    if page.people.is_empty() {
        return view! { <p class="empty">{tr(i18n, |l| td_string!(l, people.nobody))}</p> }
            .into_any();
    }
    view! {
        <div class="table-wrap" tabindex="0" role="region" aria-label=tr(i18n, |l| td_string!(l, people.title))>
            <table class="stack wrap-headers">
                <thead>
                    <tr>
                        <th scope="col">{tr(i18n, |l| td_string!(l, people.person))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, people.organisations))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, people.last_sign_in))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, people.platform_admin))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, people.account))}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.people.into_iter().map(|p| view! { <PersonRow person=p/> }).collect_view()}
                </tbody>
            </table>
        </div>
        <Pager page=page.page has_more=page.has_more/>
    }
    .into_any()
}

#[component]
fn PersonRow(person: PersonView) -> impl IntoView {
    let i18n = use_i18n();
    // The row's two forms say which row was sent (`_form`): a refusal is said in that row only.
    let key = format!("person-{}", person.id);
    let action = crate::ui::form::action_for::<ChangeAccount>(&key);
    let key_again = key.clone();
    let error = move || match action.value().get() {
        Some(Err(e)) => {
            Some(view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> })
        }
        _ => None,
    };
    let id = person.id.to_string();
    let tenants = person
        .tenants
        .iter()
        .map(|t| {
            let (name, role) = (t.name.clone(), t.role);
            view! { <li>{name} " · " {move || role.label_in(i18n.get_locale())}</li> }
        })
        .collect_view();
    let no_tenant = person.tenants.is_empty();
    let last = person.last_sign_in.clone();
    let (admin, disabled, me) = (person.platform_admin, person.disabled, person.me);
    let second_factor = person.second_factor;
    let admin_change = if admin { "revoke_admin" } else { "grant_admin" };
    let account_change = if disabled { "enable" } else { "disable" };
    let who = person.name.clone();
    let (id_again, who_again) = (id.clone(), who.clone());
    view! {
        <tr>
            <td data-label=tr(i18n, |l| td_string!(l, people.person))>
                {person.name.clone()}<br/><small>{person.email.clone()}</small>
                {me.then(|| view! { " " <span class="badge badge--info">{tr(i18n, |l| td_string!(l, people.you))}</span> })}
            </td>
            <td data-label=tr(i18n, |l| td_string!(l, people.organisations))>
                {no_tenant.then(|| view! { <span class="muted">{tr(i18n, |l| td_string!(l, people.no_organisation))}</span> })}
                {(!no_tenant).then(|| view! { <ul class="tight-list">{tenants}</ul> })}
            </td>
            <td data-label=tr(i18n, |l| td_string!(l, people.last_sign_in))>
                {move || last.as_ref().map_or_else(
                    || td_string!(i18n.get_locale(), people.never_signed_in).to_owned(),
                    |at| local_instant(i18n.get_locale(), at),
                )}
            </td>
            <td data-label=tr(i18n, |l| td_string!(l, people.platform_admin))>
                {admin.then(|| view! { <span class="badge badge--info">{tr(i18n, |l| td_string!(l, people.admin_yes))}</span> " " })}
                <ActionForm action=action attr:class="inline-form">
                    <input type="hidden" name="_form" value=key.clone()/>
                    <input type="hidden" name="user_id" value=id.clone()/>
                    <input type="hidden" name="change" value=admin_change/>
                    <button type="submit" class="button button--small button--ghost" disabled=move || action.pending().get()
                        aria-label={let who = who.clone(); move || format!("{} — {}", if admin { td_string!(i18n.get_locale(), people.revoke_admin) } else { td_string!(i18n.get_locale(), people.grant_admin) }, who)}>
                        {move || if admin { td_string!(i18n.get_locale(), people.revoke_admin) } else { td_string!(i18n.get_locale(), people.grant_admin) }}
                    </button>
                </ActionForm>
            </td>
            <td data-label=tr(i18n, |l| td_string!(l, people.account))>
                {disabled.then(|| view! { <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, people.disabled))}</span> " " })}
                {if second_factor {
                    view! { <span class="badge badge--ok">{tr(i18n, |l| td_string!(l, people.second_factor_on))}</span> " " }.into_any()
                } else {
                    view! { <span class="muted">{tr(i18n, |l| td_string!(l, people.second_factor_off))}</span> " " }.into_any()
                }}
                {(!me).then(|| view! {
                    <ActionForm action=action attr:class="inline-form">
                        <input type="hidden" name="_form" value=key_again/>
                        <input type="hidden" name="user_id" value=id_again/>
                        <input type="hidden" name="change" value=account_change/>
                        <button type="submit" class="button button--small button--ghost" disabled=move || action.pending().get()
                            aria-label={let who = who_again; move || format!("{} — {}", if disabled { td_string!(i18n.get_locale(), people.enable) } else { td_string!(i18n.get_locale(), people.disable) }, who)}>
                            {move || if disabled { td_string!(i18n.get_locale(), people.enable) } else { td_string!(i18n.get_locale(), people.disable) }}
                        </button>
                    </ActionForm>
                })}
                {error}
            </td>
        </tr>
    }
}
