//! The audit log page (`/audit`): owners and auditors see their tenant's
//! events, platform admins every event (with a tenant filter). Filters by
//! event, outcome and days (in the reader's time zone), newest first, 50 a page, "older" paging
//! by id; "Download CSV" exports every page of the same filters. The filters are a GET form, so
//! the page works before the wasm loads.

use super::api::audit_events;
use super::types::AuditPage;
use super::words::{event_label_in, KNOWN_EVENTS};
use crate::domain::format::fill;
use crate::domain::format::local_instant;
use crate::error::AppError;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

/// The audit log's filters as the URL carries them.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct FilterValues {
    event: String,
    outcome: String,
    tenant: String,
    from: String,
    to: String,
}

impl FilterValues {
    /// The filters as query pairs, empty ones left out.
    fn pairs(&self) -> Vec<(&'static str, &str)> {
        [
            ("event", self.event.as_str()),
            ("outcome", self.outcome.as_str()),
            ("tenant", self.tenant.as_str()),
            ("from", self.from.as_str()),
            ("to", self.to.as_str()),
        ]
        .into_iter()
        .filter(|(_, v)| !v.is_empty())
        .collect()
    }

    /// `path` with the filters (and `before`, when given) as its query.
    fn href(&self, path: &str, before: Option<i64>) -> String {
        let mut parts: Vec<String> = self
            .pairs()
            .into_iter()
            .map(|(key, value)| format!("{key}={}", crate::ui::table::escape(value)))
            .collect();
        if let Some(before) = before {
            parts.push(format!("before={before}"));
        }
        if parts.is_empty() {
            path.to_owned()
        } else {
            format!("{path}?{}", parts.join("&"))
        }
    }
}

#[component]
pub fn AuditLogPage() -> impl IntoView {
    let query = use_query_map();
    let values = Memo::new(move |_| {
        let q = query.read();
        let get = |key: &str| q.get(key).unwrap_or_default();
        (
            FilterValues {
                event: get("event"),
                outcome: get("outcome"),
                tenant: get("tenant"),
                from: get("from"),
                to: get("to"),
            },
            get("before"),
        )
    });
    let viewer = crate::features::identity::use_viewer();
    let entries = Resource::new(
        move || values.get(),
        |(f, before)| {
            let some = |s: String| (!s.is_empty()).then_some(s);
            audit_events(
                some(f.event),
                some(f.outcome),
                some(f.tenant),
                before.parse::<i64>().ok(),
                some(f.from),
                some(f.to),
            )
        },
    );
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, audit_log.title))/>
        <section class="page">
            <h1>{tr(i18n, |l| td_string!(l, audit_log.title))}</h1>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, audit_log.loading))}</p> }>
                {move || Suspend::new(async move {
                    let all_tenants = viewer.await.ok().flatten().is_some_and(|v| v.platform_admin);
                    let values = values.get_untracked().0;
                    match entries.await {
                        Ok(page) => view! {
                            <Filters values=values.clone() all_tenants=page.all_tenants errors=None/>
                            <p class="small muted">{
                                    let zone = page.time_zone.clone();
                                    move || fill(t_string!(i18n, audit_log.times_in), &[("zone", &zone)])
                                }" "
                                <a href=values.href("/audit.csv", None) class="download-csv" download="" rel="external">{tr(i18n, |l| td_string!(l, audit_log.download_csv))}</a>
                            </p>
                            <EventTable page=page values=values/>
                        }.into_any(),
                        Err(e) if e.only_about_fields(&["event", "outcome", "from", "to"]) => view! {
                            <Filters values=values all_tenants errors=Some(e)/>
                        }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn Filters(values: FilterValues, all_tenants: bool, errors: Option<AppError>) -> impl IntoView {
    let FilterValues {
        event,
        outcome,
        tenant,
        from,
        to,
    } = values;
    let mut events: Vec<String> = KNOWN_EVENTS.iter().map(|e| (*e).to_owned()).collect();
    if !event.is_empty() && !events.contains(&event) {
        events.push(event.clone());
    }
    let error = move |field: &str| {
        errors
            .as_ref()
            .and_then(|e| e.field_message(field))
            .map(|m| view! { <p class="field__error" id=format!("audit-{field}-error")>{m}</p> })
    };
    let (event_error, outcome_error, from_error, to_error) =
        (error("event"), error("outcome"), error("from"), error("to"));
    let described = |has: bool, id: &'static str| has.then_some(id);
    let i18n = use_i18n();
    view! {
        <Form method="GET" action="/audit" attr:class="filters" attr:role="search">
            <div class="field">
                <label for="audit-event">{tr(i18n, |l| td_string!(l, audit_log.event))}</label>
                <select id="audit-event" name="event">
                    <option value="" selected=event.is_empty()>{tr(i18n, |l| td_string!(l, audit_log.any_event))}</option>
                    {events.into_iter().map(|e| {
                        let selected = e == event;
                        let label = e.clone();
                        view! { <option value=e.clone() selected=selected>{move || event_label_in(i18n.get_locale(), &label)}</option> }
                    }).collect_view()}
                </select>
                {event_error}
            </div>
            <div class="field">
                <label for="audit-outcome">{tr(i18n, |l| td_string!(l, audit_log.outcome))}</label>
                <select id="audit-outcome" name="outcome">
                    <option value="" selected=outcome.is_empty()>{tr(i18n, |l| td_string!(l, audit_log.any_outcome))}</option>
                    <option value="success" selected=outcome == "success">{tr(i18n, |l| td_string!(l, audit_log.success))}</option>
                    <option value="failure" selected=outcome == "failure">{tr(i18n, |l| td_string!(l, audit_log.failure))}</option>
                </select>
                {outcome_error}
            </div>
            <div class="field">
                <label for="audit-from">{tr(i18n, |l| td_string!(l, audit_log.from_day))}</label>
                <input id="audit-from" name="from" type="date" value=from
                    aria-invalid=from_error.is_some().then_some("true") autofocus=from_error.is_some()
                    aria-describedby=described(from_error.is_some(), "audit-from-error")/>
                {from_error}
            </div>
            <div class="field">
                <label for="audit-to">{tr(i18n, |l| td_string!(l, audit_log.to_day))}</label>
                <input id="audit-to" name="to" type="date" value=to
                    aria-invalid=to_error.is_some().then_some("true") autofocus=to_error.is_some()
                    aria-describedby=described(to_error.is_some(), "audit-to-error")/>
                {to_error}
            </div>
            {all_tenants.then(|| view! {
                <div class="field">
                    <label for="audit-tenant">{tr(i18n, |l| td_string!(l, audit_log.tenant_short_name))}</label>
                    <input id="audit-tenant" name="tenant" type="text" value=tenant.clone()/>
                </div>
            })}
            <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, audit_log.filter))}</button>
        </Form>
    }
}

#[component]
fn EventTable(page: AuditPage, values: FilterValues) -> impl IntoView {
    let all_tenants = page.all_tenants;
    let older = page.older_than.map(|id| values.href("/audit", Some(id)));
    let i18n = use_i18n();
    if page.entries.is_empty() {
        return view! { <p>{tr(i18n, |l| td_string!(l, audit_log.no_event))}</p> }.into_any();
    }
    view! {
        <div class="table-wrap">
            <table class="stack">
                <thead>
                    <tr>
                        <th scope="col">{tr(i18n, |l| td_string!(l, audit_log.when))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, audit_log.event))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, audit_log.outcome))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, audit_log.who))}</th>
                        {all_tenants.then(|| view! { <th scope="col">{tr(i18n, |l| td_string!(l, audit_log.organisation))}</th> })}
                        <th scope="col">{tr(i18n, |l| td_string!(l, audit_log.address))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, audit_log.details))}</th>
                    </tr>
                </thead>
                <tbody>
                    {page.entries.into_iter().map(|e| {
                        let event = e.event.clone();
                        view! {
                        <tr>
                            <td class="nowrap" data-label=tr(i18n, |l| td_string!(l, audit_log.when))><time>{local_instant(i18n.get_locale(), &e.at)}</time></td>
                            <td data-label=tr(i18n, |l| td_string!(l, audit_log.event))>{move || event_label_in(i18n.get_locale(), &event)}</td>
                            <td data-label=tr(i18n, |l| td_string!(l, audit_log.outcome))>
                                {if e.success {
                                    view! { <span class="badge badge--ok">{tr(i18n, |l| td_string!(l, audit_log.success))}</span> }.into_any()
                                } else {
                                    view! { <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, audit_log.failure))}</span> }.into_any()
                                }}
                            </td>
                            <td data-label=tr(i18n, |l| td_string!(l, audit_log.who))>{e.actor_email.clone().unwrap_or_else(|| "—".to_owned())}</td>
                            {all_tenants.then(|| view! {
                                <td data-label=tr(i18n, |l| td_string!(l, audit_log.organisation))>{e.tenant_name.clone().unwrap_or_default()}</td>
                            })}
                            <td data-label=tr(i18n, |l| td_string!(l, audit_log.address))>{e.client_ip.clone().unwrap_or_default()}</td>
                            <td class="audit-detail" data-label=tr(i18n, |l| td_string!(l, audit_log.details))>
                                {e.description.clone()}
                                {(e.detail.len() > 2).then(|| view! {
                                    <details><summary class="small">{tr(i18n, |l| td_string!(l, audit_log.as_recorded))}</summary><code>{e.detail.clone()}</code></details>
                                })}
                            </td>
                        </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        {older.map(|href| view! { <p><a href=href class="button button--small button--ghost">{tr(i18n, |l| td_string!(l, audit_log.older_events))}</a></p> })}
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_older_and_csv_links_keep_the_filters() {
        let values = FilterValues {
            event: "login".into(),
            tenant: "a b".into(),
            from: "2026-12-01".into(),
            ..FilterValues::default()
        };
        assert_eq!(
            values.href("/audit", Some(7)),
            "/audit?event=login&tenant=a%20b&from=2026-12-01&before=7"
        );
        assert_eq!(
            values.href("/audit.csv", None),
            "/audit.csv?event=login&tenant=a%20b&from=2026-12-01"
        );
    }
}
