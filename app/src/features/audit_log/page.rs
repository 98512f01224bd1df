//! The audit log page (`/audit`): owners and auditors see their tenant's
//! events, platform admins every event (with a tenant filter). Filters by
//! event and outcome, newest first, 50 a page, "older" paging by id. The
//! filters are a GET form, so the page works before the wasm loads.

use super::api::audit_events;
use super::types::AuditPage;
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

/// A one-line reading of an event's details: the request and its states, the note, the rules
/// and versions of a residency evaluation, what was granted, and any other plain field.
pub fn describe_detail(detail: &str) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(detail)
    else {
        return String::new();
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(id) = map.get("request_id").and_then(text) {
        parts.push(format!("request #{id}"));
    }
    match (
        map.get("before").and_then(text),
        map.get("after").and_then(text),
    ) {
        (Some(b), Some(a)) => {
            parts.push(format!("{} → {}", b.replace('_', " "), a.replace('_', " ")))
        }
        (None, Some(a)) => parts.push(a.replace('_', " ")),
        _ => {}
    }
    if let Some(residency) = map.get("residency").and_then(|r| r.as_object()) {
        let eligible = residency.get("eligible").and_then(|e| e.as_bool());
        let failed: Vec<String> = residency
            .get("rules")
            .and_then(|r| r.as_array())
            .map(|rules| {
                rules
                    .iter()
                    .filter(|r| r.get("passed").and_then(|p| p.as_bool()) == Some(false))
                    .filter_map(|r| r.get("rule").and_then(text))
                    .collect()
            })
            .unwrap_or_default();
        let versions = format!(
            "policy v{} · catalogue r{}",
            residency
                .get("policy_version")
                .and_then(text)
                .unwrap_or_default(),
            residency
                .get("catalogue_revision")
                .and_then(text)
                .unwrap_or_default()
        );
        parts.push(match (eligible, failed.is_empty()) {
            (Some(true), _) => format!("residency: eligible ({versions})"),
            (_, false) => format!("residency: fails {} ({versions})", failed.join(", ")),
            _ => format!("residency evaluated ({versions})"),
        });
    }
    if let Some(granted) = map.get("granted").and_then(|g| g.as_object()) {
        parts.push(format!(
            "granted {} GPUs from {} to {} (exclusive)",
            granted.get("gpus").and_then(text).unwrap_or_default(),
            granted.get("start").and_then(text).unwrap_or_default(),
            granted.get("end").and_then(text).unwrap_or_default()
        ));
    }
    for (key, value) in &map {
        if matches!(
            key.as_str(),
            "request_id" | "before" | "after" | "residency" | "granted" | "note"
        ) {
            continue;
        }
        if let Some(v) = text(value).filter(|v| !v.is_empty()) {
            parts.push(format!("{}: {v}", key.replace('_', " ")));
        }
    }
    if let Some(note) = map
        .get("note")
        .and_then(text)
        .filter(|n| !n.trim().is_empty())
    {
        parts.push(format!("“{}”", note.trim()));
    }
    parts.join(" · ")
}

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
                        view! { <option value=e.clone() selected=selected>{e.replace('_', " ")}</option> }
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
                            <td data-label="Event">{e.event.replace('_', " ")}</td>
                            <td data-label="Outcome">
                                {if e.success {
                                    view! { <span class="badge badge--ok">"Success"</span> }
                                } else {
                                    view! { <span class="badge badge--bad">"Failure"</span> }
                                }}
                            </td>
                            <td data-label="Who">{e.actor_email.clone().unwrap_or_default()}</td>
                            {all_tenants.then(|| view! {
                                <td data-label="Organisation">{e.tenant_name.clone().unwrap_or_default()}</td>
                            })}
                            <td data-label="Address">{e.client_ip.clone().unwrap_or_default()}</td>
                            <td class="audit-detail" data-label="Details">
                                {describe_detail(&e.detail)}
                                {(e.detail.len() > 2).then(|| view! {
                                    <details><summary class="small">"Raw details"</summary><code>{e.detail.clone()}</code></details>
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
    fn details_read_as_one_line() {
        let detail = r#"{"request_id":7,"before":"endorsed","after":"partially_approved","note":"Half now.",
            "residency":{"eligible":true,"rules":[{"rule":"G1","passed":true}],"policy_version":1,"catalogue_revision":3},
            "granted":{"gpus":8,"start":"2027-01-01","end":"2027-02-01"}}"#;
        assert_eq!(
            describe_detail(detail),
            "request #7 · endorsed → partially approved · residency: eligible (policy v1 · catalogue r3) \
             · granted 8 GPUs from 2027-01-01 to 2027-02-01 (exclusive) · “Half now.”"
        );
        let failed = r#"{"residency":{"eligible":false,"rules":[{"rule":"H1","passed":false},{"rule":"G1","passed":true}],"policy_version":2,"catalogue_revision":5}}"#;
        assert_eq!(
            describe_detail(failed),
            "residency: fails H1 (policy v2 · catalogue r5)"
        );
        assert_eq!(
            describe_detail(r#"{"email":"a@b.test"}"#),
            "email: a@b.test"
        );
        assert_eq!(describe_detail("not json"), "");
    }

    #[test]
    fn the_older_link_keeps_the_filters() {
        assert_eq!(
            query_href("login", "", "a b", 7),
            "/audit?event=login&tenant=a%20b&before=7"
        );
    }
}
