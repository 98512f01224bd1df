//! `/admin/requests`: the platform admins' queue. Filters, order and page live in the URL; each
//! row shows the residency rules evaluated now and what granting it would do to its pool, and
//! the admin decides there: one request (approve, approve in part, reject, send back), or several
//! endorsed ones approved in one step (each still checked on its own; any refusal approves none).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};

use super::api::{request_queue, ApproveRequests, DecideRequest};
use super::detail::DecisionForm;
use super::types::queue_status;
use super::view::{error_view, status_badge, status_options, UsageBar};
use crate::domain::lifecycle::RequestStatus;
use crate::features::catalogue::get_catalogue;
use crate::ui::table::{query_param, query_value, DownloadCsv, Pager, SortHeader};

#[component]
pub fn AdminRequestsPage() -> impl IntoView {
    let site = query_param("site");
    let model = query_param("gpu_model");
    let sector = query_param("sector");
    let tenant = query_param("tenant");
    let search = query_param("search");
    let sort = query_param("sort");
    let dir = query_param("dir");
    let page = query_param("page");
    let decide = ServerAction::<DecideRequest>::new();
    let approve = ServerAction::<ApproveRequests>::new();
    // The queue opens on what waits for a decision: endorsed requests.
    let status_or_default = move || queue_status(&query_value("status")());
    let rows = Resource::new(
        move || {
            (
                status_or_default(),
                (site(), model(), sector(), tenant(), search()),
                (sort(), dir(), page()),
                // After a decision the rows (and their capacity previews) are read again.
                (decide.version().get(), approve.version().get()),
            )
        },
        |(status, (site, model, sector, tenant, search), (sort, dir, page), _)| {
            request_queue(status, site, model, sector, tenant, search, sort, dir, page)
        },
    );
    let catalogue = Resource::new(|| (), |_| get_catalogue());
    let outcome = move || {
        let failed = [
            approve.value().get().and_then(Result::err),
            decide.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next();
        if let Some(e) = failed {
            return Some(
                view! { <p class="form__error" role="alert">{e.to_string()}</p> }.into_any(),
            );
        }
        approve.value().get().and_then(Result::ok).map(|ids| {
            let listed = ids.iter().map(|id| format!("#{id}")).collect::<Vec<_>>().join(", ");
            let count = if ids.len() == 1 { "1 request".to_owned() } else { format!("{} requests", ids.len()) };
            view! { <p class="form__note" role="status">{format!("Approved {count}: {listed}.")}</p> }.into_any()
        })
    };
    view! {
        <Title text="Request queue"/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>"Request queue"</h1>
                    <p class="page-head__lead">"Endorsed requests wait for your decision. Residency is evaluated now, with the catalogue and lists in force."</p>
                </div>
            </div>
            <Form method="GET" action="/admin/requests" attr:class="filters" attr:role="search">
                <div class="field">
                    <label for="q-status">"Status"</label>
                    <select id="q-status" name="status">
                        {move || status_options(false, "any", status_or_default().unwrap_or_else(|| "any".into()))}
                    </select>
                </div>
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        let snapshot = catalogue.await.ok();
                        let sites: Vec<(String, String)> = snapshot.as_ref().map(|c| {
                            c.sites.iter().map(|s| (s.profile.slug.clone(), s.profile.name.clone())).collect()
                        }).unwrap_or_default();
                        let models = snapshot.as_ref().map(|c| c.gpu_models()).unwrap_or_default();
                        let chosen_site = query_value("site")();
                        let chosen_model = query_value("gpu_model")();
                        view! {
                            <div class="field">
                                <label for="q-site">"Site"</label>
                                <select id="q-site" name="site">
                                    <option value="">"Any site"</option>
                                    {sites.into_iter().map(|(slug, name)| {
                                        let selected = slug == chosen_site;
                                        view! { <option value=slug selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="q-model">"GPU model"</label>
                                <select id="q-model" name="gpu_model">
                                    <option value="">"Any model"</option>
                                    {models.into_iter().map(|m| {
                                        let selected = m == chosen_model;
                                        view! { <option value=m.clone() selected=selected>{m.clone()}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                        }
                    })}
                </Transition>
                <div class="field">
                    <label for="q-sector">"Sector"</label>
                    <select id="q-sector" name="sector">
                        <option value="">"Any sector"</option>
                        {move || {
                            let chosen = query_value("sector")();
                            crate::domain::identity::Sector::ALL.iter().map(|s| view! { <option value=s.as_str() selected=chosen == s.as_str()>{s.label()}</option> }).collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="q-tenant">"Organisation"</label>
                    <input id="q-tenant" name="tenant" type="search" value=query_value("tenant")/>
                </div>
                <div class="field filters__grow">
                    <label for="q-search">"Project, site or model"</label>
                    <input id="q-search" name="search" type="search" value=query_value("search")/>
                </div>
                <button type="submit" class="button button--small">"Filter"</button>
                <A href="/admin/requests?status=any" attr:class="filters__clear">"Everything"</A>
                <DownloadCsv path="/admin/requests.csv"/>
            </Form>
            {outcome}
            <ActionForm action=approve attr:id="queue-batch" attr:class="queue-batch">
                <button type="submit" class="button" disabled=move || approve.pending().get()>"Approve the selected requests"</button>
                <span class="muted small">"Each is checked for residency and capacity on its own, counting the others selected; if any is refused, none is approved."</span>
            </ActionForm>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(list) if list.rows.is_empty() && list.page == 0 => view! {
                            <p class="empty">"Nothing waits here."</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table class="stack">
                                    <caption class="visually-hidden">"Requests"</caption>
                                    <thead><tr>
                                        <th scope="col"><span class="visually-hidden">"Select"</span></th>
                                        <SortHeader column="id" label="#" descending_first=true/>
                                        <SortHeader column="tenant" label="Organisation"/>
                                        <SortHeader column="title" label="Project"/>
                                        <SortHeader column="status" label="Status"/>
                                        <SortHeader column="site" label="Site"/>
                                        <SortHeader column="gpus" label="GPUs" numeric=true descending_first=true/>
                                        <SortHeader column="start" label="Window" descending_first=true/>
                                        <th scope="col">"Residency now"</th>
                                        <th scope="col">"Busiest day: before → after / available"</th>
                                        <th scope="col">"Decision"</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.rows.into_iter().map(|q| {
                                            let s = q.summary;
                                            let r = q.review;
                                            let residency = if r.eligible_now {
                                                view! { <span class="badge badge--ok">"Eligible"</span> }.into_any()
                                            } else {
                                                let why = r.failures.iter().map(|f| format!("{}: {}", f.rule, f.reason)).collect::<Vec<_>>().join(" ");
                                                view! { <span class="badge badge--bad" title=why.clone()>"Not eligible"</span> <span class="muted small">{why}</span> }.into_any()
                                            };
                                            let fits = r.headroom_after >= 0;
                                            let href = format!("/requests/{}", s.id);
                                            let title = s.project_title.clone();
                                            let endorsed = s.status == RequestStatus::Endorsed;
                                            let open = endorsed || s.status == RequestStatus::Submitted;
                                            let select = endorsed.then(|| view! {
                                                <input type="checkbox" form="queue-batch" name="ids[]" value=s.id.to_string()
                                                    aria-label=format!("Select request #{}", s.id)/>
                                            });
                                            let decision = open.then(|| view! {
                                                <details class="queue-decide">
                                                    <summary>{if endorsed { "Decide" } else { "Send back" }}</summary>
                                                    <DecisionForm rid=s.id.to_string() action=decide decide=endorsed revision=s.revision/>
                                                </details>
                                            });
                                            view! {
                                                <tr>
                                                    <td data-label="Select">{select}</td>
                                                    <td data-label="#"><A href=href.clone()>{s.id}</A></td>
                                                    <td data-label="Organisation">{s.tenant_name.clone()}</td>
                                                    <td data-label="Project"><A href=href>{title}</A></td>
                                                    <td data-label="Status">
                                                        {status_badge(s.status)}
                                                        {s.compliance_flag.clone().map(|f| view! { " " <span class="badge badge--warn" title=f>"Flagged"</span> })}
                                                    </td>
                                                    <td data-label="Site">{s.site_name.clone()}</td>
                                                    <td class="num" data-label="GPUs">{s.gpus} " " <span class="muted">{s.gpu_model.clone()}</span></td>
                                                    <td data-label="Window">{s.asked_window()}</td>
                                                    <td data-label="Residency now">{residency}</td>
                                                    <td class="capacity-cell" data-label="Busiest day">
                                                        <UsageBar used=r.peak_before adding=r.peak_after.saturating_sub(r.peak_before) available=r.available/>
                                                        <span class="small">
                                                            {format!("{} → {} / {}", r.peak_before, r.peak_after, r.available)} " "
                                                            <span class=if fits { "badge badge--ok" } else { "badge badge--bad" }>
                                                                {if fits { format!("{} spare", r.headroom_after) } else { format!("{} short", -r.headroom_after) }}
                                                            </span>
                                                        </span>
                                                    </td>
                                                    <td data-label="Decision">{decision}</td>
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
