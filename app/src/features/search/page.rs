//! The search box of the header, and `/search?q=…`: what was found, one section per kind, each
//! row a link to its page. A GET form, so it works before the wasm loads.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};

use super::api::search;
use super::types::{SearchResults, Section};
use crate::domain::format::fill;
use crate::features::requests::view::status_badge;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::table::{escape, query_value};

/// The header's search box (signed-in people).
#[component]
pub fn HeaderSearch() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Form method="GET" action="/search" attr:class="header-search" attr:role="search">
            <label for="header-search" class="visually-hidden">{tr(i18n, |l| td_string!(l, search.search_label))}</label>
            <input id="header-search" name="q" type="search" placeholder=tr(i18n, |l| td_string!(l, search.placeholder))
                value=query_value("q") autocomplete="off" minlength="2" maxlength="100"/>
            <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, search.search_button))}</button>
        </Form>
    }
}

#[component]
pub fn SearchPage() -> impl IntoView {
    let q = query_value("q");
    let results = Resource::new(q, |q| async move {
        if q.trim().is_empty() {
            Ok(None)
        } else {
            search(q).await.map(Some)
        }
    });
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, search.title))/>
        <section class="page">
            <h1>{tr(i18n, |l| td_string!(l, search.title))}</h1>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, search.searching))}</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(None) => view! {
                            <p class="empty">{tr(i18n, |l| td_string!(l, search.prompt))}</p>
                        }.into_any(),
                        Ok(Some(found)) => view! { <Results found/> }.into_any(),
                        Err(e) => match e.field_message("q") {
                            Some(m) => view! { <p class="field__error" role="alert">{m}</p> }.into_any(),
                            None => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                        },
                    }
                })}
            </Transition>
        </section>
    }
}

/// "Show all" under a section that holds more than it shows.
fn more_link<T>(
    section: &Section<T>,
    href: String,
    label: impl IntoView + 'static,
) -> Option<AnyView> {
    section
        .more
        .then(|| view! { <p class="small"><A href=href>{label}</A></p> }.into_any())
}

#[component]
fn Results(found: SearchResults) -> impl IntoView {
    let i18n = use_i18n();
    if found.is_empty() {
        let q = found.query;
        return view! { <p class="empty">{move || fill(t_string!(i18n, search.nothing_found), &[("q", &q)])}</p> }
            .into_any();
    }
    let words = escape(&found.query);
    let requests_href = if found.all_tenants {
        format!("/admin/requests?status=any&search={words}")
    } else {
        format!("/requests?search={words}")
    };
    let SearchResults {
        query,
        requests,
        projects,
        sites,
        people,
        all_tenants,
    } = found;
    view! {
        <p class="muted">{move || fill(t_string!(i18n, search.results_for), &[("q", &query)])}</p>
        <div class="search-results">
            {(!requests.rows.is_empty()).then(move || {
                let more = more_link(&requests, requests_href, tr(i18n, |l| td_string!(l, search.all_matching_requests)));
                view! {
                <section class="card" aria-labelledby="found-requests">
                    <h2 id="found-requests">{tr(i18n, |l| td_string!(l, search.requests))}</h2>
                    <ul class="plain-list">
                        {requests.rows.into_iter().map(|r| {
                            let href = format!("/requests/{}", r.id);
                            let (id, gpus, model, site) = (r.id, r.gpus, r.gpu_model.clone(), r.site_name.clone());
                            let what = move || fill(
                                t_string!(i18n, search.request_line),
                                &[("id", &id), ("gpus", &gpus), ("model", &model), ("site", &site)],
                            );
                            let tenant = r.tenant_name.clone().filter(|_| all_tenants);
                            view! {
                                <li>
                                    <A href=href>{r.project_title}</A> " " {status_badge(r.status)}
                                    <br/><span class="small muted">{what}{tenant.map(|t| format!(" · {t}"))}</span>
                                </li>
                            }
                        }).collect_view()}
                    </ul>
                    {more}
                </section>
            }})}
            {projects.filter(|p| !p.rows.is_empty()).map(|projects| {
                let more = more_link(&projects, "/projects".to_owned(), tr(i18n, |l| td_string!(l, search.all_projects)));
                view! {
                <section class="card" aria-labelledby="found-projects">
                    <h2 id="found-projects">{tr(i18n, |l| td_string!(l, search.projects))}</h2>
                    <ul class="plain-list">
                        {projects.rows.into_iter().map(|p| {
                            let href = format!("/projects/{}", p.id);
                            let lead = p.lead_name.clone().map(|l| move || format!(" · {}", fill(t_string!(i18n, search.led_by), &[("name", &l)])));
                            view! {
                                <li><A href=href>{p.title}</A><br/><span class="small muted">{p.code}{lead}</span></li>
                            }
                        }).collect_view()}
                    </ul>
                    {more}
                </section>
            }})}
            {(!sites.rows.is_empty()).then(move || {
                let more = more_link(&sites, "/catalogue".to_owned(), tr(i18n, |l| td_string!(l, search.whole_catalogue)));
                view! {
                <section class="card" aria-labelledby="found-sites">
                    <h2 id="found-sites">{tr(i18n, |l| td_string!(l, search.sites))}</h2>
                    <ul class="plain-list">
                        {sites.rows.into_iter().map(|s| {
                            let href = format!("/catalogue#catalogue-{}", s.slug);
                            view! {
                                <li><a href=href>{s.name}</a><br/><span class="small muted">{format!("{} · {}", s.country, s.operator)}</span></li>
                            }
                        }).collect_view()}
                    </ul>
                    {more}
                </section>
            }})}
            {(!people.rows.is_empty()).then(move || {
                let more = (people.more && !all_tenants).then(|| view! { <p class="small"><A href="/organisation">{tr(i18n, |l| td_string!(l, search.everyone))}</A></p> });
                view! {
                <section class="card" aria-labelledby="found-people">
                    <h2 id="found-people">{tr(i18n, |l| td_string!(l, search.people))}</h2>
                    <ul class="plain-list">
                        {people.rows.into_iter().map(|p| {
                            let mail = format!("mailto:{}", p.email);
                            let detail = (!p.detail.is_empty()).then(|| format!(" · {}", p.detail));
                            view! {
                                <li>{p.name}<br/><span class="small muted"><a href=mail>{p.email}</a>{detail}</span></li>
                            }
                        }).collect_view()}
                    </ul>
                    {more}
                </section>
            }})}
        </div>
    }
    .into_any()
}
