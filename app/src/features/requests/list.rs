//! `/requests`: the tenant's requests and quotas, filtered, sorted and paged through the URL.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};

use super::api::list_requests;
use super::view::{error_view, granted_cell, phase_badge, status_badge, status_options};
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::table::{query_param, query_value, DownloadCsv, Pager, SortHeader};

#[component]
pub fn RequestsPage() -> impl IntoView {
    let status = query_param("status");
    let search = query_param("search");
    let sort = query_param("sort");
    let dir = query_param("dir");
    let page = query_param("page");
    let project = query_param("project");
    let usage = query_param("usage");
    let rows = Resource::new(
        move || {
            (
                status(),
                search(),
                sort(),
                dir(),
                page(),
                project(),
                usage(),
            )
        },
        |(status, search, sort, dir, page, project, usage)| {
            list_requests(status, search, sort, dir, page, project, usage)
        },
    );
    let projects = Resource::new(|| (), |_| crate::features::projects::list_projects());
    let filtered = move || {
        status().is_some() || search().is_some() || project().is_some() || usage().is_some()
    };
    // Only those who may ask for GPUs are offered the form; an auditor is told why not.
    let viewer = crate::features::identity::use_viewer();
    let can_ask = move || async move {
        viewer
            .await
            .ok()
            .flatten()
            .and_then(|v| v.role)
            .is_some_and(|r| r.can_write())
    };
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, requests.title))/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>{tr(i18n, |l| td_string!(l, requests.list_heading))}</h1>
                    <p class="page-head__lead">{tr(i18n, |l| td_string!(l, requests.list_lead))}</p>
                </div>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        if can_ask().await {
                            view! { <A href="/requests/new" attr:class="button">{tr(i18n, |l| td_string!(l, requests.new_request))}</A> }.into_any()
                        } else {
                            view! { <p class="muted small">{tr(i18n, |l| td_string!(l, requests.read_only_role))}</p> }.into_any()
                        }
                    })}
                </Transition>
            </div>
            <Form method="GET" action="/requests" attr:class="filters" attr:role="search">
                <div class="field">
                    <label for="f-status">{tr(i18n, |l| td_string!(l, requests.status))}</label>
                    <select id="f-status" name="status">{move || status_options(true, "", status().unwrap_or_default())}</select>
                </div>
                <div class="field">
                    <label for="f-project">{tr(i18n, |l| td_string!(l, requests.project))}</label>
                    <select id="f-project" name="project">
                        <option value="">{tr(i18n, |l| td_string!(l, requests.all_projects))}</option>
                        <Transition fallback=|| ()>
                            {move || Suspend::new(async move {
                                let chosen = project().unwrap_or_default();
                                projects.await.map(|v| v.projects.into_iter().map(|p| {
                                    let id = p.id.to_string();
                                    let selected = id == chosen;
                                    view! { <option value=id selected=selected>{p.title}</option> }
                                }).collect_view()).ok()
                            })}
                        </Transition>
                    </select>
                </div>
                <div class="field">
                    <label for="f-usage">{tr(i18n, |l| td_string!(l, requests.use_of_budget))}</label>
                    <select id="f-usage" name="usage">
                        {move || {
                            let chosen = usage().unwrap_or_default();
                            [
                                ("", t_string!(i18n, requests.usage_any)),
                                ("unused", t_string!(i18n, requests.usage_unused)),
                                ("over80", t_string!(i18n, requests.usage_over80)),
                                ("over100", t_string!(i18n, requests.usage_over100)),
                            ]
                                .into_iter()
                                .map(|(value, label)| view! { <option value=value selected=chosen == value>{label}</option> })
                                .collect_view()
                        }}
                    </select>
                </div>
                <div class="field filters__grow">
                    <label for="f-search">{tr(i18n, |l| td_string!(l, requests.search_label))}</label>
                    <input id="f-search" name="search" type="search" value=query_value("search")/>
                </div>
                <input type="hidden" name="sort" value=query_value("sort")/>
                <input type="hidden" name="dir" value=query_value("dir")/>
                <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, requests.filter))}</button>
                {move || filtered().then(|| view! { <A href="/requests" attr:class="filters__clear">{tr(i18n, |l| td_string!(l, requests.clear))}</A> })}
                <DownloadCsv path="/requests.csv"/>
            </Form>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, requests.loading))}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(list) if list.rows.is_empty() && list.page == 0 => {
                            if filtered() {
                                view! { <p class="empty">{tr(i18n, |l| td_string!(l, requests.no_match))}</p> }.into_any()
                            } else {
                                let ask = can_ask().await;
                                view! {
                                    <div class="empty card">
                                        <p>{tr(i18n, |l| td_string!(l, requests.none_yet))}</p>
                                        {ask.then(|| view! { <A href="/requests/new" attr:class="button">{tr(i18n, |l| td_string!(l, requests.ask_for_gpus))}</A> })}
                                    </div>
                                }.into_any()
                            }
                        }
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table class="stack">
                                    <caption class="visually-hidden">{tr(i18n, |l| td_string!(l, requests.table_caption))}</caption>
                                    <thead><tr>
                                        <SortHeader column="id" label="#" descending_first=true/>
                                        <SortHeader column="title" label=t_string!(i18n, requests.request)/>
                                        <SortHeader column="status" label=t_string!(i18n, requests.status)/>
                                        <SortHeader column="site" label=t_string!(i18n, requests.site)/>
                                        <SortHeader column="gpus" label=t_string!(i18n, requests.gpus) numeric=true descending_first=true/>
                                        <SortHeader column="start" label=t_string!(i18n, requests.window_asked) descending_first=true/>
                                        <th scope="col">{tr(i18n, |l| td_string!(l, requests.granted))}</th>
                                        <th scope="col">{tr(i18n, |l| td_string!(l, requests.quota))}</th>
                                        <SortHeader column="use" label=t_string!(i18n, requests.used) numeric=true descending_first=true/>
                                    </tr></thead>
                                    <tbody>
                                        {list.rows.into_iter().map(|r| {
                                            let granted = granted_cell(i18n.get_locale(), &r);
                                            let window = r.asked_window(i18n.get_locale());
                                            let href = format!("/requests/{}", r.id);
                                            let title = r.project_title.clone();
                                            view! {
                                                <tr>
                                                    <td data-label="#"><A href=href.clone()>{r.id}</A></td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.request))>
                                                        <A href=href>{title}</A>
                                                        <br/><span class="muted">{r.project_name.clone()}</span>
                                                        {r.compliance_flag.is_some().then(|| view! { " " <span class="badge badge--warn">{tr(i18n, |l| td_string!(l, requests.flagged))}</span> })}
                                                    </td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.status))>{status_badge(r.status)}</td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.site))>{r.site_name.clone()}</td>
                                                    <td class="num" data-label=tr(i18n, |l| td_string!(l, requests.gpus))>{r.gpus} " " <span class="muted">{r.gpu_model.clone()}</span></td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.window_asked))>{window}</td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.granted))>{granted}</td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.quota))>{r.phase.map(phase_badge)}</td>
                                                    <td class="num" data-label=tr(i18n, |l| td_string!(l, requests.used))>{r.used_percent.map(|p| format!("{p} %"))}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                            <Pager page=list.page has_more=list.has_more/>
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}
