//! Joining an organisation an identity provider vouches for: the offers a person sees on their
//! home page, and the requests its owners accept or refuse on the organisation page. Both take
//! their rows from their page's data: a resource made inside a page's `Suspend` would hydrate out
//! of order (see `ui::layout`).

use leptos::prelude::*;

use super::api::{AskToJoin, DecideJoinRequest};
use super::types::{JoinOfferView, JoinRequestView};
use crate::domain::format::{fill, shown_unix_day as day};
use crate::i18n::{td_string, use_i18n};
use crate::ui::language::tr;

/// The organisations the signed-in person may ask to join (nothing when there is none); `ask`
/// reloads the page's data, which holds `offers`.
#[component]
pub fn JoinOffers(offers: Vec<JoinOfferView>, ask: ServerAction<AskToJoin>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        {move || match ask.value().get() {
            Some(Ok(())) => Some(view! { <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, members.join_asked))}</p> }.into_any()),
            Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }.into_any()),
            None => None,
        }}
        {offers.into_iter().map(|o| {
            let (tenant, provider) = (o.tenant_name.clone(), o.provider.clone());
            view! {
                <div class="card">
                    <p>{move || fill(td_string!(i18n.get_locale(), members.join_offer), &[("tenant", &tenant), ("provider", &provider)])}</p>
                    <ActionForm action=ask attr:class="inline-form">
                        <input type="hidden" name="tenant" value=o.tenant_slug.clone()/>
                        <button type="submit" class="button">{tr(i18n, |l| td_string!(l, members.join_ask))}</button>
                    </ActionForm>
                </div>
            }
        }).collect_view()}
    }
}

/// The people asking to join the organisation, for its owners (nothing when none asks); `decide`
/// reloads the page's data, which holds `requests`.
#[component]
pub fn JoinRequestsSection(
    requests: Vec<JoinRequestView>,
    decide: ServerAction<DecideJoinRequest>,
) -> impl IntoView {
    let i18n = use_i18n();
    (!requests.is_empty()).then(|| {
        let rows = requests
            .into_iter()
            .map(|r| {
                let id = r.id.to_string();
                let id_2 = id.clone();
                view! {
                    <tr>
                        <td data-label=tr(i18n, |l| td_string!(l, members.name))>{r.name.clone()}</td>
                        <td data-label=tr(i18n, |l| td_string!(l, members.email))>{r.email.clone()}</td>
                        <td data-label=tr(i18n, |l| td_string!(l, members.join_via))>{r.provider.clone()}</td>
                        <td data-label=tr(i18n, |l| td_string!(l, members.join_asked_on))>{day(r.asked_at)}</td>
                        <td data-label="">
                            <ActionForm action=decide attr:class="inline-form">
                                <input type="hidden" name="request_id" value=id/>
                                <input type="hidden" name="accept" value="true"/>
                                <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, members.join_accept))}</button>
                            </ActionForm>
                            " "
                            <ActionForm action=decide attr:class="inline-form">
                                <input type="hidden" name="request_id" value=id_2/>
                                <input type="hidden" name="accept" value="false"/>
                                <button type="submit" class="button button--small button--ghost">{tr(i18n, |l| td_string!(l, members.join_refuse))}</button>
                            </ActionForm>
                        </td>
                    </tr>
                }
            })
            .collect_view();
        view! {
            <h2 id="join-requests">{tr(i18n, |l| td_string!(l, members.join_title))}</h2>
            {move || match decide.value().get() {
                Some(Err(e)) => Some(view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }),
                _ => None,
            }}
            <div class="table-wrap">
                <table class="stack">
                    <thead>
                        <tr>
                            <th scope="col">{tr(i18n, |l| td_string!(l, members.name))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, members.email))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, members.join_via))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, members.join_asked_on))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, members.actions))}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        }
    })
}
