//! The search box of the header, and `/search?q=…`: what was found, one section per kind, each
//! row a link to its page. A GET form, so it works before the wasm loads.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};

use super::api::search;
use super::types::{SearchResults, Section};
use crate::features::requests::view::status_badge;
use crate::ui::table::{escape, query_value};

/// The header's search box (signed-in people).
#[component]
pub fn HeaderSearch() -> impl IntoView {
    view! {
        <Form method="GET" action="/search" attr:class="header-search" attr:role="search">
            <label for="header-search" class="visually-hidden">"Search requests, projects, sites and people"</label>
            <input id="header-search" name="q" type="search" placeholder="Search…"
                value=query_value("q") autocomplete="off" minlength="2" maxlength="100"/>
            <button type="submit" class="button button--small">"Search"</button>
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
    view! {
        <Title text="Search"/>
        <section class="page">
            <h1>"Search"</h1>
            <Transition fallback=|| view! { <p>"Searching…"</p> }>
                {move || Suspend::new(async move {
                    match results.await {
                        Ok(None) => view! {
                            <p class="empty">"Type a few words in the search box: a project, a site, a GPU model, a person."</p>
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
fn more_link<T>(section: &Section<T>, href: String, label: &'static str) -> Option<AnyView> {
    section
        .more
        .then(|| view! { <p class="small"><A href=href>{label}</A></p> }.into_any())
}

#[component]
fn Results(found: SearchResults) -> impl IntoView {
    if found.is_empty() {
        return view! { <p class="empty">{format!("Nothing found for “{}”.", found.query)}</p> }
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
        <p class="muted">{format!("Results for “{query}”")}</p>
        <div class="search-results">
            {(!requests.rows.is_empty()).then(move || {
                let more = more_link(&requests, requests_href, "All matching requests");
                view! {
                <section class="card" aria-labelledby="found-requests">
                    <h2 id="found-requests">"Requests"</h2>
                    <ul class="plain-list">
                        {requests.rows.into_iter().map(|r| {
                            let href = format!("/requests/{}", r.id);
                            let what = format!("#{} · {} {} at {}", r.id, r.gpus, r.gpu_model, r.site_name);
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
                let more = more_link(&projects, "/projects".to_owned(), "All projects");
                view! {
                <section class="card" aria-labelledby="found-projects">
                    <h2 id="found-projects">"Projects"</h2>
                    <ul class="plain-list">
                        {projects.rows.into_iter().map(|p| {
                            let href = format!("/projects/{}", p.id);
                            let lead = p.lead_name.clone().map(|l| format!(" · led by {l}")).unwrap_or_default();
                            view! {
                                <li><A href=href>{p.title}</A><br/><span class="small muted">{format!("{}{lead}", p.code)}</span></li>
                            }
                        }).collect_view()}
                    </ul>
                    {more}
                </section>
            }})}
            {(!sites.rows.is_empty()).then(move || {
                let more = more_link(&sites, "/catalogue".to_owned(), "The whole catalogue");
                view! {
                <section class="card" aria-labelledby="found-sites">
                    <h2 id="found-sites">"Sites"</h2>
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
                let more = (people.more && !all_tenants).then(|| view! { <p class="small"><A href="/organisation">"Everyone in your organisation"</A></p> });
                view! {
                <section class="card" aria-labelledby="found-people">
                    <h2 id="found-people">"People"</h2>
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
