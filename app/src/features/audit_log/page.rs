//! The audit log page (`/audit`): owners and auditors see their tenant's
//! events, platform admins every event (with a tenant filter). Filters by
//! event and outcome, newest first, 50 a page, "older" paging by id. The
//! filters are a GET form, so the page works before the wasm loads.

use super::api::audit_events;
use super::types::AuditPage;
use super::words::{describe_detail, event_label};
use crate::domain::dates::format_instant;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

/// The events offered in the filter (any other name may still be typed in the URL).
pub const KNOWN_EVENTS: &[&str] = &[
    "signup",
    "signup_requested",
    "signup_existing_address",
    "login",
    "logout",
    "signed_out_everywhere",
    "password_changed",
    "tenant_switched",
    "tenant_verified",
    "tenant_rejected",
    "invitation_sent",
    "invitation_revoked",
    "invitation_accepted",
    "role_changed",
    "member_removed",
    "member_left",
    "platform_admin_granted",
    "request.save_draft",
    "request.submit",
    "request.endorse",
    "request.approve",
    "request.partially_approve",
    "request.reject",
    "request.withdraw",
    "request.compliance_flag",
    "catalogue_changed",
    "policy_changed",
];

fn query_href(event: &str, outcome: &str, tenant: &str, before: i64) -> String {
    let mut parts = Vec::new();
    for (key, value) in [("event", event), ("outcome", outcome), ("tenant", tenant)] {
        if !value.is_empty() {
            parts.push(format!("{key}={}", crate::ui::table::escape(value)));
        }
    }
    parts.push(format!("before={before}"));
    format!("/audit?{}", parts.join("&"))
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let param =
        move |key: &'static str| Memo::new(move |_| query.read().get(key).unwrap_or_default());
    let (event, outcome, tenant, before) = (
        param("event"),
        param("outcome"),
        param("tenant"),
        param("before"),
    );
    let entries = Resource::new(
        move || (event.get(), outcome.get(), tenant.get(), before.get()),
        |(event, outcome, tenant, before)| {
            let some = |s: String| (!s.is_empty()).then_some(s);
            audit_events(
                some(event),
                some(outcome),
                some(tenant),
                before.parse::<i64>().ok(),
            )
        },
    );
    view! {
        <Title text="Audit log"/>
        <section class="page">
            <h1>"Audit log"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match entries.await {
                        Ok(page) => view! {
                            <Filters
                                event=event.get_untracked()
                                outcome=outcome.get_untracked()
                                tenant=tenant.get_untracked()
                                all_tenants=page.all_tenants
                            />
                            <EventTable page=page event=event.get_untracked()
                                outcome=outcome.get_untracked() tenant=tenant.get_untracked()/>
                        }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Filters(event: String, outcome: String, tenant: String, all_tenants: bool) -> impl IntoView {
    let mut events: Vec<String> = KNOWN_EVENTS.iter().map(|e| (*e).to_owned()).collect();
    if !event.is_empty() && !events.contains(&event) {
        events.push(event.clone());
    }
    view! {
        <Form method="GET" action="/audit" attr:class="filters" attr:role="search">
            <div class="field">
                <label for="audit-event">"Event"</label>
                <select id="audit-event" name="event">
                    <option value="" selected=event.is_empty()>"Any event"</option>
                    {events.into_iter().map(|e| {
                        let selected = e == event;
                        view! { <option value=e.clone() selected=selected>{event_label(&e)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="audit-outcome">"Outcome"</label>
                <select id="audit-outcome" name="outcome">
                    <option value="" selected=outcome.is_empty()>"Any outcome"</option>
                    <option value="success" selected=outcome == "success">"Success"</option>
                    <option value="failure" selected=outcome == "failure">"Failure"</option>
                </select>
            </div>
            {all_tenants.then(|| view! {
                <div class="field">
                    <label for="audit-tenant">"Organisation (short name)"</label>
                    <input id="audit-tenant" name="tenant" type="text" value=tenant.clone()/>
                </div>
            })}
            <button type="submit" class="button button--small">"Filter"</button>
        </Form>
    }
}

#[component]
fn EventTable(page: AuditPage, event: String, outcome: String, tenant: String) -> impl IntoView {
    let all_tenants = page.all_tenants;
    let older = page
        .older_than
        .map(|id| query_href(&event, &outcome, &tenant, id));
    if page.entries.is_empty() {
        return view! { <p>"No event matches."</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="stack">
                <thead>
                    <tr>
                        <th scope="col">"When"</th>
                        <th scope="col">"Event"</th>
                        <th scope="col">"Outcome"</th>
                        <th scope="col">"Who"</th>
                        {all_tenants.then(|| view! { <th scope="col">"Organisation"</th> })}
                        <th scope="col">"Address"</th>
                        <th scope="col">"Details"</th>
                    </tr>
                </thead>
                <tbody>
                    {page.entries.into_iter().map(|e| view! {
                        <tr>
                            <td class="nowrap" data-label="When">{format_instant(e.at)}</td>
                            <td data-label="Event">{event_label(&e.event)}</td>
                            <td data-label="Outcome">
                                {if e.success {
                                    view! { <span class="badge badge--ok">"Success"</span> }
                                } else {
                                    view! { <span class="badge badge--bad">"Failure"</span> }
                                }}
                            </td>
                            <td data-label="Who">{e.actor_email.clone().unwrap_or_else(|| "—".to_owned())}</td>
                            {all_tenants.then(|| view! {
                                <td data-label="Organisation">{e.tenant_name.clone().unwrap_or_default()}</td>
                            })}
                            <td data-label="Address">{e.client_ip.clone().unwrap_or_default()}</td>
                            <td class="audit-detail" data-label="Details">
                                {describe_detail(&e.detail)}
                                {(e.detail.len() > 2).then(|| view! {
                                    <details><summary class="small">"As recorded"</summary><code>{e.detail.clone()}</code></details>
                                })}
                            </td>
                        </tr>
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {older.map(|href| view! { <p><a href=href class="button button--small button--ghost">"Older events"</a></p> })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn instants_read_as_utc_minutes() {
        assert_eq!(format_instant(0), "1970-01-01 00:00 UTC");
    }

    #[test]
    fn the_older_link_keeps_the_filters() {
        assert_eq!(
            query_href("login", "", "a b", 7),
            "/audit?event=login&tenant=a%20b&before=7"
        );
    }
}
