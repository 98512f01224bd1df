//! `/admin/requests`: the platform admins' queue. Filters, order and page live in the URL; each
//! row shows the residency rules evaluated now and what granting it would do to its pool, and
//! the admin decides there: one request (approve, approve in part, reject, send back), or several
//! endorsed ones approved in one step (each still checked on its own; any refusal approves none).

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::{Form, A};

use super::api::{request_queue, ApproveRequests, DecideRequest};
use super::detail::DecisionForm;
use super::types::queue_status;
use super::view::{error_view, status_badge, status_options, UsageBar};
use crate::domain::format::fill;
use crate::domain::lifecycle::RequestStatus;
use crate::features::catalogue::get_catalogue;
use crate::i18n::{t_string, td_string, use_i18n};
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
    let decide = crate::ui::form::action::<DecideRequest>();
    let approve = crate::ui::form::action::<ApproveRequests>();
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
    let i18n = use_i18n();
    // The form sent last (`approve`, or `decide-3` for a row's decision): its success is said,
    // and focused, above the queue; its messages stand beside its fields.
    let last = crate::ui::form::last_form();
    let success = move || -> Option<Result<Vec<i64>, String>> {
        let key = last.get();
        if key == "approve" {
            approve.value().get()?.ok().map(Ok)
        } else if key.starts_with("decide-") {
            decide.value().get()?.ok().map(Err)
        } else {
            None
        }
    };
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
        let ids = match success()? {
            Ok(ids) => ids,
            Err(status) => {
                let status = RequestStatus::parse(&status).ok();
                return Some(view! {
                    <p class="form__note" role="status" tabindex="-1" autofocus=true>
                        {move || fill(t_string!(i18n, common.status_now), &[(
                            "status",
                            &status.map(|s| s.label_in(i18n.get_locale()).to_lowercase()).unwrap_or_default(),
                        )])}
                    </p>
                }.into_any());
            }
        };
        Some(ids).map(|ids| {
            let listed = ids
                .iter()
                .map(|id| format!("#{id}"))
                .collect::<Vec<_>>()
                .join(", ");
            let text = if ids.len() == 1 {
                fill(
                    t_string!(i18n, requests.approved_one_form),
                    &[("listed", &listed)],
                )
            } else {
                fill(
                    t_string!(i18n, requests.approved_other_form),
                    &[("n", &ids.len()), ("listed", &listed)],
                )
            };
            view! { <p class="form__note" role="status" tabindex="-1" autofocus=true>{text}</p> }
                .into_any()
        })
    };
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, requests.queue_title))/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>{tr(i18n, |l| td_string!(l, requests.queue_title))}</h1>
                    <p class="page-head__lead">{tr(i18n, |l| td_string!(l, requests.queue_lead))}</p>
                </div>
            </div>
            <Form method="GET" action="/admin/requests" attr:class="filters" attr:role="search">
                <div class="field">
                    <label for="q-status">{tr(i18n, |l| td_string!(l, requests.status))}</label>
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
                                <label for="q-site">{tr(i18n, |l| td_string!(l, requests.site))}</label>
                                <select id="q-site" name="site">
                                    <option value="">{tr(i18n, |l| td_string!(l, requests.any_site))}</option>
                                    {sites.into_iter().map(|(slug, name)| {
                                        let selected = slug == chosen_site;
                                        view! { <option value=slug selected=selected>{name}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="q-model">{tr(i18n, |l| td_string!(l, requests.gpu_model))}</label>
                                <select id="q-model" name="gpu_model">
                                    <option value="">{tr(i18n, |l| td_string!(l, requests.any_model))}</option>
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
                    <label for="q-sector">{tr(i18n, |l| td_string!(l, requests.sector))}</label>
                    <select id="q-sector" name="sector">
                        <option value="">{tr(i18n, |l| td_string!(l, requests.any_sector))}</option>
                        {move || {
                            let chosen = query_value("sector")();
                            crate::domain::identity::Sector::ALL.iter().map(|s| view! { <option value=s.as_str() selected=chosen == s.as_str()>{move || s.label_in(i18n.get_locale())}</option> }).collect_view()
                        }}
                    </select>
                </div>
                <div class="field">
                    <label for="q-tenant">{tr(i18n, |l| td_string!(l, requests.organisation))}</label>
                    <input id="q-tenant" name="tenant" type="search" value=query_value("tenant")/>
                </div>
                <div class="field filters__grow">
                    <label for="q-search">{tr(i18n, |l| td_string!(l, requests.queue_search))}</label>
                    <input id="q-search" name="search" type="search" value=query_value("search")/>
                </div>
                <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, requests.filter))}</button>
                <A href="/admin/requests?status=any" attr:class="filters__clear">{tr(i18n, |l| td_string!(l, requests.everything))}</A>
                <DownloadCsv path="/admin/requests.csv"/>
            </Form>
            {outcome}
            <ActionForm action=approve attr:id="queue-batch" attr:class="queue-batch">
                <input type="hidden" name="_form" value="approve"/>
                <button type="submit" class="button" disabled=move || approve.pending().get()>{tr(i18n, |l| td_string!(l, requests.approve_selected))}</button>
                <span class="muted small">{tr(i18n, |l| td_string!(l, requests.batch_hint))}</span>
            </ActionForm>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, requests.loading))}</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(list) if list.rows.is_empty() && list.page == 0 => view! {
                            <p class="empty">{tr(i18n, |l| td_string!(l, requests.nothing_waits))}</p>
                        }.into_any(),
                        Ok(list) => view! {
                            <div class="table-wrap">
                                <table class="stack wrap-headers">
                                    <caption class="visually-hidden">{tr(i18n, |l| td_string!(l, requests.requests_caption))}</caption>
                                    <thead><tr>
                                        <th scope="col"><span class="visually-hidden">{tr(i18n, |l| td_string!(l, requests.select))}</span></th>
                                        <SortHeader column="id" label="#" descending_first=true/>
                                        <SortHeader column="tenant" label=t_string!(i18n, requests.organisation)/>
                                        <SortHeader column="title" label=t_string!(i18n, requests.project)/>
                                        <SortHeader column="status" label=t_string!(i18n, requests.status)/>
                                        <SortHeader column="site" label=t_string!(i18n, requests.site)/>
                                        <SortHeader column="gpus" label=t_string!(i18n, requests.gpus) numeric=true descending_first=true/>
                                        <SortHeader column="start" label=t_string!(i18n, requests.window) descending_first=true/>
                                        <th scope="col">{tr(i18n, |l| td_string!(l, requests.residency_now))}</th>
                                        <th scope="col">{tr(i18n, |l| td_string!(l, requests.busiest_day_column))}</th>
                                        <th scope="col">{tr(i18n, |l| td_string!(l, requests.decision))}</th>
                                    </tr></thead>
                                    <tbody>
                                        {list.rows.into_iter().map(|q| {
                                            let s = q.summary;
                                            let r = q.review;
                                            let residency = if r.eligible_now {
                                                view! { <span class="badge badge--ok">{tr(i18n, |l| td_string!(l, requests.eligible))}</span> }.into_any()
                                            } else {
                                                let why = r.failures.iter().map(|f| fill(t_string!(i18n, requests.rule_reason), &[("rule", &f.rule), ("reason", &f.reason)])).collect::<Vec<_>>().join(" ");
                                                view! { <span class="badge badge--bad" title=why.clone()>{tr(i18n, |l| td_string!(l, requests.not_eligible))}</span> <span class="muted small">{why}</span> }.into_any()
                                            };
                                            let fits = r.headroom_after >= 0;
                                            let href = format!("/requests/{}", s.id);
                                            let title = s.project_title.clone();
                                            let endorsed = s.status == RequestStatus::Endorsed;
                                            let open = endorsed || s.status == RequestStatus::Submitted;
                                            let select = endorsed.then(|| view! {
                                                <input type="checkbox" form="queue-batch" name="ids[]" value=s.id.to_string()
                                                    aria-label={let id = s.id; move || fill(t_string!(i18n, requests.select_request), &[("id", &id)])}/>
                                            });
                                            let decision = open.then(|| view! {
                                                // Open again, after the redraw, when its decision was refused.
                                                <details class="queue-decide" open={
                                                    let key = format!("decide-{}", s.id);
                                                    move || last.with(|l| *l == key) && matches!(decide.value().get(), Some(Err(_)))
                                                }>
                                                    <summary>{move || if endorsed { t_string!(i18n, requests.decide) } else { t_string!(i18n, requests.send_back) }}</summary>
                                                    <DecisionForm rid=s.id.to_string() action=decide decide=endorsed revision=s.revision last/>
                                                </details>
                                            });
                                            view! {
                                                <tr>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.select))>{select}</td>
                                                    <td data-label="#"><A href=href.clone()>{s.id}</A></td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.organisation))>{s.tenant_name.clone()}{s.tenant_suspended.then(|| view! { " " <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, requests.organisation_suspended))}</span> })}</td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.project))><A href=href>{title}</A></td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.status))>
                                                        {status_badge(s.status)}
                                                        {s.compliance_flag.clone().map(|f| view! { " " <span class="badge badge--warn" title=f>{tr(i18n, |l| td_string!(l, requests.flagged))}</span> })}
                                                    </td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.site))>{s.site_name.clone()}</td>
                                                    <td class="num" data-label=tr(i18n, |l| td_string!(l, requests.gpus))>{s.gpus} " " <span class="muted">{s.gpu_model.clone()}</span></td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.window))>{s.asked_window(i18n.get_locale())}</td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.residency_now))>{residency}</td>
                                                    <td class="capacity-cell" data-label=tr(i18n, |l| td_string!(l, requests.busiest_day))>
                                                        <UsageBar used=r.peak_before adding=r.peak_after.saturating_sub(r.peak_before) available=r.available/>
                                                        <span class="small">
                                                            {format!("{} → {} / {}", r.peak_before, r.peak_after, r.available)} " "
                                                            <span class=if fits { "badge badge--ok" } else { "badge badge--bad" }>
                                                                {if fits { fill(t_string!(i18n, requests.spare), &[("n", &r.headroom_after)]) } else { fill(t_string!(i18n, requests.short), &[("n", &-r.headroom_after)]) }}
                                                            </span>
                                                        </span>
                                                    </td>
                                                    <td data-label=tr(i18n, |l| td_string!(l, requests.decision))>{decision}</td>
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
