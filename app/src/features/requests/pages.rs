//! The request pages: the tenant's dashboard (`/requests`), the form (`/requests/new`), a request
//! with its timeline and actions (`/requests/:id`), and the admin queue (`/admin/requests`).

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use leptos_router::hooks::{use_params_map, use_query_map};

use super::api::*;
use super::types::{RequestSummary, SECTORS};
use crate::domain::lifecycle::{Action, RequestStatus};
use crate::domain::residency::Classification;
use crate::error::AppError;

fn badge(status: RequestStatus) -> impl IntoView {
    let class = match status {
        RequestStatus::Approved => "badge badge--ok",
        RequestStatus::PartiallyApproved => "badge badge--ok",
        RequestStatus::Rejected => "badge badge--bad",
        RequestStatus::Withdrawn => "badge",
        RequestStatus::Draft => "badge",
        RequestStatus::Submitted | RequestStatus::Endorsed => "badge badge--info",
    };
    view! { <span class=class>{status.label()}</span> }
}

fn instant(at: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(at)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}

fn error_view(e: AppError) -> AnyView {
    view! { <crate::ui::ErrorPanel error=e/> }.into_any()
}

fn granted_cell(r: &RequestSummary) -> String {
    match r.granted() {
        Some((gpus, window)) => format!("{gpus} GPUs, {window}"),
        None => "—".to_owned(),
    }
}

/// `/requests`: the tenant's requests and quotas.
#[component]
pub fn RequestsPage() -> impl IntoView {
    let rows = Resource::new(|| (), |_| list_requests());
    view! {
        <Title text="Requests"/>
        <section class="page">
            <h1>"GPU requests and quotas"</h1>
            <p><A href="/requests/new" attr:class="button">"New request"</A></p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) if rows.is_empty() => view! { <p>"No requests yet."</p> }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-wrap">
                                <table>
                                    <thead><tr>
                                        <th scope="col">"#"</th><th scope="col">"Project"</th><th scope="col">"Status"</th>
                                        <th scope="col">"Site"</th><th scope="col">"Model"</th><th scope="col">"GPUs"</th>
                                        <th scope="col">"Window asked"</th><th scope="col">"Granted"</th><th scope="col">"Quota"</th>
                                    </tr></thead>
                                    <tbody>
                                        {rows.into_iter().map(|r| {
                                            let granted = granted_cell(&r);
                                            let window = r.asked_window();
                                            view! {
                                                <tr>
                                                    <td><a href=format!("/requests/{}", r.id)>{r.id}</a></td>
                                                    <td>{r.project_title.clone()}</td>
                                                    <td>{badge(r.status)}</td>
                                                    <td>{r.site_name.clone()}</td>
                                                    <td>{r.gpu_model.clone()}</td>
                                                    <td>{r.gpus}</td>
                                                    <td>{window}</td>
                                                    <td>{granted}</td>
                                                    <td>{r.phase.map(|p| p.label()).unwrap_or("—")}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                    </tbody>
                                </table>
                            </div>
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

/// `/requests/new`: the request form, with each site's eligibility and free GPUs beside it.
#[component]
pub fn NewRequestPage() -> impl IntoView {
    let save = ServerAction::<SaveRequest>::new();
    let (classification, set_classification) = signal("public".to_string());
    let (model, set_model) = signal("H100".to_string());
    let (start, set_start) = signal(String::new());
    let (end, set_end) = signal(String::new());
    let (waiver, set_waiver) = signal(false);
    let first = Resource::new(
        || (),
        |_| {
            request_form_options(
                "public".into(),
                "H100".into(),
                String::new(),
                String::new(),
                None,
            )
        },
    );
    let options = Resource::new(
        move || {
            (
                classification.get(),
                model.get(),
                start.get(),
                end.get(),
                waiver.get(),
            )
        },
        |(c, m, s, e, w)| request_form_options(c, m, s, e, w.then(|| "on".to_string())),
    );
    let error = move || match save.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let field_error = move |name: &'static str| {
        move || {
            error()
                .and_then(|e| e.field_message(name))
                .map(|m| view! { <p class="field__error">{m}</p> })
        }
    };
    Effect::new(move |_| {
        if let Some(Ok(id)) = save.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/requests/{id}"), Default::default());
        }
    });
    view! {
        <Title text="New request"/>
        <section class="page">
            <h1>"Ask for GPUs"</h1>
            <ActionForm action=save attr:class="form" attr:novalidate=true>
                {move || error().and_then(|e| match e {
                    AppError::Validation { .. } => None,
                    other => Some(view! { <p class="form__error" role="alert">{other.to_string()}</p> }),
                })}
                <Transition fallback=|| ()>
                    {move || Suspend::new(async move {
                        first.await.ok().map(|o| view! {
                            <input type="hidden" name="idempotency_key" value=o.idempotency_key/>
                            {(!o.tenant_verified).then(|| view! {
                                <p class="form__error">"Your organisation is not verified yet: you can save drafts, not submit them."</p>
                            })}
                        })
                    })}
                </Transition>
                <div class="field">
                    <label for="rq-title">"Project title"</label>
                    <input id="rq-title" name="project_title" type="text" required=true/>
                    {field_error("project_title")}
                </div>
                <div class="field">
                    <label for="rq-justification">"Justification"</label>
                    <textarea id="rq-justification" name="justification" rows="5" required=true></textarea>
                    {field_error("justification")}
                </div>
                <div class="field">
                    <label for="rq-sector">"Sector"</label>
                    <select id="rq-sector" name="sector">
                        {SECTORS.iter().map(|(v, l)| view! { <option value=*v>{*l}</option> }).collect_view()}
                    </select>
                    {field_error("sector")}
                </div>
                <div class="field">
                    <label for="rq-classification">"Data classification"</label>
                    <select id="rq-classification" name="classification"
                        on:change=move |ev| set_classification.set(event_target_value(&ev))>
                        {Classification::ALL.iter().map(|c| view! { <option value=c.as_str()>{c.label()}</option> }).collect_view()}
                    </select>
                    {field_error("classification")}
                </div>
                <div class="field">
                    <label for="rq-waiver">
                        <input id="rq-waiver" name="confidential_waiver" type="checkbox"
                            on:change=move |ev| set_waiver.set(event_target_checked(&ev))/>
                        " We waive EEA placement for confidential data (C1); the waiver is recorded."
                    </label>
                </div>
                <div class="field">
                    <label for="rq-model">"GPU model"</label>
                    <select id="rq-model" name="gpu_model" on:change=move |ev| set_model.set(event_target_value(&ev))>
                        {["H100", "H200", "B200", "MI300X"].into_iter().map(|m| view! { <option value=m>{m}</option> }).collect_view()}
                    </select>
                    {field_error("gpu_model")}
                </div>
                <div class="field">
                    <label for="rq-gpus">"Number of GPUs"</label>
                    <input id="rq-gpus" name="gpus" type="number" min="1" required=true/>
                    {field_error("gpus")}
                </div>
                <div class="field">
                    <label for="rq-start">"First day"</label>
                    <input id="rq-start" name="start_date" type="date" required=true
                        on:change=move |ev| set_start.set(event_target_value(&ev))/>
                    {field_error("start_date")}
                </div>
                <div class="field">
                    <label for="rq-end">"End (first day no longer needed)"</label>
                    <input id="rq-end" name="end_date" type="date" required=true
                        on:change=move |ev| set_end.set(event_target_value(&ev))/>
                    {field_error("end_date")}
                </div>
                <div class="field">
                    <label for="rq-hours">"Expected GPU-hours (optional)"</label>
                    <input id="rq-hours" name="expected_gpu_hours" type="number" min="1"/>
                    {field_error("expected_gpu_hours")}
                </div>
                <fieldset class="field">
                    <legend>"Site"</legend>
                    {field_error("site")}
                    <Transition fallback=|| view! { <p>"Checking the sites…"</p> }>
                        {move || Suspend::new(async move {
                            match options.await {
                                Ok(o) => view! {
                                    <div class="table-wrap"><table>
                                        <thead><tr><th scope="col">"Site"</th><th scope="col">"Eligible"</th><th scope="col">"Free GPUs over the window"</th><th scope="col">"Why"</th></tr></thead>
                                        <tbody>
                                        {o.sites.into_iter().map(|s| {
                                            let id = format!("rq-site-{}", s.slug);
                                            let free = match (s.free, s.available) {
                                                (Some(f), Some(a)) => format!("{f} of {a}"),
                                                _ => "model not installed".to_string(),
                                            };
                                            let why = s.failures.iter().map(|f| format!("{}: {}", f.rule, f.reason)).collect::<Vec<_>>().join(" ");
                                            view! {
                                                <tr>
                                                    <td>
                                                        <input type="radio" name="site" id=id.clone() value=s.slug.clone()/>
                                                        <label for=id>{s.name.clone()}</label>
                                                    </td>
                                                    <td>{if s.eligible { view! { <span class="badge badge--ok">"Eligible"</span> } } else { view! { <span class="badge badge--bad">"Not eligible"</span> } }}</td>
                                                    <td>{free}</td>
                                                    <td>{why}</td>
                                                </tr>
                                            }
                                        }).collect_view()}
                                        </tbody>
                                    </table></div>
                                }.into_any(),
                                Err(e) => error_view(e),
                            }
                        })}
                    </Transition>
                </fieldset>
                <fieldset class="field">
                    <legend>"When saved"</legend>
                    <label for="rq-intent-submit"><input id="rq-intent-submit" type="radio" name="intent" value="submit" checked=true/>" Submit for review"</label>
                    <label for="rq-intent-draft"><input id="rq-intent-draft" type="radio" name="intent" value="draft"/>" Keep as a draft"</label>
                </fieldset>
                <button type="submit" class="button" disabled=move || save.pending().get()>"Save"</button>
            </ActionForm>
        </section>
    }
}

/// `/requests/:id`: a request, its timeline, and the actions the viewer may take.
#[component]
pub fn RequestPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let submit = ServerAction::<SubmitRequest>::new();
    let endorse = ServerAction::<EndorseRequest>::new();
    let withdraw = ServerAction::<WithdrawRequest>::new();
    let decide = ServerAction::<DecideRequest>::new();
    let amend = ServerAction::<AmendQuota>::new();
    Effect::new(move |_| {
        if let Some(Ok(new_id)) = amend.value().get() {
            let navigate = leptos_router::hooks::use_navigate();
            navigate(&format!("/requests/{new_id}"), Default::default());
        }
    });
    let data = Resource::new(
        move || {
            (
                id(),
                submit.version().get(),
                endorse.version().get(),
                withdraw.version().get(),
                decide.version().get(),
                amend.version().get(),
            )
        },
        |(id, ..)| get_request(id),
    );
    let last_error = move || {
        [
            submit.value().get().and_then(Result::err),
            endorse.value().get().and_then(Result::err),
            withdraw.value().get().and_then(Result::err),
            decide.value().get().and_then(Result::err),
            amend.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    view! {
        <Title text="Request"/>
        <section class="page">
            {move || last_error().map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    let d = match data.await {
                        Ok(d) => d,
                        Err(e) => return error_view(e),
                    };
                    let s = d.summary.clone();
                    let rid = s.id;
                    let granted = granted_cell(&s);
                    let actions = d.actions.clone();
                    let has = |a: Action| actions.contains(&a);
                    view! {
                        <h1>"Request #" {s.id} ": " {s.project_title.clone()}</h1>
                        <p>{badge(s.status)} " " {s.phase.map(|p| p.label())}</p>
                        {s.compliance_flag.clone().map(|f| view! { <p class="form__error" role="alert">"Compliance flag: " {f}</p> })}
                        {s.amends_request_id.map(|o| view! { <p>{s.kind.label()} " of quota " <a href=format!("/requests/{o}")>{format!("#{o}")}</a></p> })}
                        <dl class="card">
                            <dt>"Organisation"</dt><dd>{s.tenant_name.clone()}</dd>
                            <dt>"Requested by"</dt><dd>{d.requester_name.clone()}</dd>
                            <dt>"Site"</dt><dd>{s.site_name.clone()}</dd>
                            <dt>"GPUs"</dt><dd>{s.gpus} " " {s.gpu_model.clone()}</dd>
                            <dt>"Window asked"</dt><dd>{s.asked_window()}</dd>
                            <dt>"Granted"</dt><dd>{granted}</dd>
                            <dt>"Sector"</dt><dd>{s.sector.clone()}</dd>
                            <dt>"Data classification"</dt><dd>{s.classification.clone()}{d.confidential_waiver.then_some(" (C1 waiver)")}</dd>
                            <dt>"Expected GPU-hours"</dt><dd>{d.expected_gpu_hours.map(|h| h.to_string()).unwrap_or_else(|| "—".into())}</dd>
                            <dt>"Justification"</dt><dd>{d.justification.clone()}</dd>
                            <dt>"Decision note"</dt><dd>{d.decision_note.clone().unwrap_or_else(|| "—".into())}</dd>
                            <dt>"Policy / catalogue"</dt><dd>{format!("policy v{} · catalogue r{}", d.policy_version.unwrap_or(0), d.catalogue_revision.unwrap_or(0))}</dd>
                        </dl>
                        <div class="actions">
                            {has(Action::Submit).then(|| view! {
                                <ActionForm action=submit attr:class="inline-form">
                                    <input type="hidden" name="id" value=rid.to_string()/>
                                    <button type="submit" class="button">"Submit"</button>
                                </ActionForm>
                            })}
                            {has(Action::Endorse).then(|| view! {
                                <ActionForm action=endorse attr:class="form">
                                    <input type="hidden" name="id" value=rid.to_string()/>
                                    <div class="field">
                                        <label for="endorse-note">"Note (optional)"</label>
                                        <input id="endorse-note" name="note" type="text"/>
                                    </div>
                                    <button type="submit" class="button">"Endorse"</button>
                                </ActionForm>
                            })}
                            {(has(Action::Approve) || has(Action::Reject)).then(|| view! {
                                <ActionForm action=decide attr:class="form">
                                    <input type="hidden" name="id" value=rid.to_string()/>
                                    <div class="field">
                                        <label for="decide-decision">"Decision"</label>
                                        <select id="decide-decision" name="decision">
                                            <option value="approve">"Approve"</option>
                                            <option value="partially_approve">"Partially approve"</option>
                                            <option value="reject">"Reject"</option>
                                        </select>
                                    </div>
                                    <div class="field">
                                        <label for="decide-gpus">"GPUs granted (partial approval)"</label>
                                        <input id="decide-gpus" name="approved_gpus" type="number" min="1"/>
                                    </div>
                                    <div class="field">
                                        <label for="decide-start">"First day granted (partial approval)"</label>
                                        <input id="decide-start" name="approved_start" type="date"/>
                                    </div>
                                    <div class="field">
                                        <label for="decide-end">"End granted, exclusive (partial approval)"</label>
                                        <input id="decide-end" name="approved_end" type="date"/>
                                    </div>
                                    <div class="field">
                                        <label for="decide-note">"Reason (required unless approving in full)"</label>
                                        <textarea id="decide-note" name="note" rows="3"></textarea>
                                    </div>
                                    <button type="submit" class="button">"Record the decision"</button>
                                </ActionForm>
                            })}
                            {has(Action::Withdraw).then(|| view! {
                                <ActionForm action=withdraw attr:class="inline-form">
                                    <input type="hidden" name="id" value=rid.to_string()/>
                                    <button type="submit" class="button button--ghost">"Withdraw"</button>
                                </ActionForm>
                            })}
                        </div>
                        {d.amend_key.clone().map(|key| {
                            let key2 = format!("{key}-r");
                            let can_change = d.can_change;
                            view! {
                                <h2>"Change or renew this quota"</h2>
                                {can_change.then(|| view! {
                                    <ActionForm action=amend attr:class="form card">
                                        <h3>"Ask for a change"</h3>
                                        <input type="hidden" name="id" value=rid.to_string()/>
                                        <input type="hidden" name="kind" value="change"/>
                                        <input type="hidden" name="idempotency_key" value=key.clone()/>
                                        <div class="field">
                                            <label for="change-gpus">"GPUs in total"</label>
                                            <input id="change-gpus" name="gpus" type="number" min="1"/>
                                        </div>
                                        <div class="field">
                                            <label for="change-end">"New end (exclusive; empty keeps it)"</label>
                                            <input id="change-end" name="end_date" type="date"/>
                                        </div>
                                        <div class="field">
                                            <label for="change-why">"Why (optional)"</label>
                                            <textarea id="change-why" name="justification" rows="2"></textarea>
                                        </div>
                                        <button type="submit" class="button">"Ask for a change"</button>
                                    </ActionForm>
                                })}
                                <ActionForm action=amend attr:class="form card">
                                    <h3>"Renew"</h3>
                                    <input type="hidden" name="id" value=rid.to_string()/>
                                    <input type="hidden" name="kind" value="renewal"/>
                                    <input type="hidden" name="idempotency_key" value=key2/>
                                    <div class="field">
                                        <label for="renew-gpus">"GPUs (empty keeps the quota's)"</label>
                                        <input id="renew-gpus" name="gpus" type="number" min="1"/>
                                    </div>
                                    <div class="field">
                                        <label for="renew-end">"Renew until (exclusive)"</label>
                                        <input id="renew-end" name="end_date" type="date" required=true/>
                                    </div>
                                    <div class="field">
                                        <label for="renew-why">"Why (optional)"</label>
                                        <textarea id="renew-why" name="justification" rows="2"></textarea>
                                    </div>
                                    <button type="submit" class="button">"Renew"</button>
                                </ActionForm>
                            }
                        })}
                        <h2>"Timeline"</h2>
                        <div class="table-wrap"><table>
                            <thead><tr><th scope="col">"When"</th><th scope="col">"Who"</th><th scope="col">"Status"</th><th scope="col">"Note"</th></tr></thead>
                            <tbody>
                                {d.timeline.into_iter().map(|t| view! {
                                    <tr>
                                        <td>{instant(t.at)}</td>
                                        <td>{t.actor_name}</td>
                                        <td>{t.to_status.label()}</td>
                                        <td>{t.note}</td>
                                    </tr>
                                }).collect_view()}
                            </tbody>
                        </table></div>
                    }.into_any()
                })}
            </Transition>
        </section>
    }
}

/// `/admin/requests`: the platform admins' queue with residency now and capacity impact.
#[component]
pub fn AdminRequestsPage() -> impl IntoView {
    let query = use_query_map();
    let get = move |k: &str| query.read().get(k).filter(|v| !v.is_empty());
    let rows = Resource::new(
        move || {
            (
                get("status").or(Some("endorsed".to_string())),
                get("site"),
                get("gpu_model"),
                get("sector"),
                get("tenant"),
            )
        },
        |(status, site, model, sector, tenant)| request_queue(status, site, model, sector, tenant),
    );
    view! {
        <Title text="Request queue"/>
        <section class="page">
            <h1>"Request queue"</h1>
            <form method="get" action="/admin/requests" class="form form--inline">
                <div class="field">
                    <label for="q-status">"Status"</label>
                    <select id="q-status" name="status">
                        {RequestStatus::ALL.iter().filter(|s| **s != RequestStatus::Draft).map(|s| view! {
                            <option value=s.as_str() selected=move || get("status").unwrap_or_else(|| "endorsed".into()) == s.as_str()>{s.label()}</option>
                        }).collect_view()}
                    </select>
                </div>
                <div class="field">
                    <label for="q-site">"Site (slug)"</label>
                    <input id="q-site" name="site" type="text" value=move || get("site").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="q-model">"GPU model"</label>
                    <input id="q-model" name="gpu_model" type="text" value=move || get("gpu_model").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="q-sector">"Sector"</label>
                    <input id="q-sector" name="sector" type="text" value=move || get("sector").unwrap_or_default()/>
                </div>
                <div class="field">
                    <label for="q-tenant">"Tenant (slug)"</label>
                    <input id="q-tenant" name="tenant" type="text" value=move || get("tenant").unwrap_or_default()/>
                </div>
                <button type="submit" class="button button--small">"Filter"</button>
            </form>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match rows.await {
                        Ok(rows) if rows.is_empty() => view! { <p>"Nothing waits here."</p> }.into_any(),
                        Ok(rows) => view! {
                            <div class="table-wrap"><table>
                                <thead><tr>
                                    <th scope="col">"#"</th><th scope="col">"Tenant"</th><th scope="col">"Project"</th><th scope="col">"Status"</th>
                                    <th scope="col">"Site"</th><th scope="col">"GPUs"</th><th scope="col">"Window"</th>
                                    <th scope="col">"Residency now"</th><th scope="col">"Peak before → after / available"</th><th scope="col">"Headroom"</th>
                                </tr></thead>
                                <tbody>
                                    {rows.into_iter().map(|q| {
                                        let s = q.summary.clone();
                                        let residency = if q.eligible_now {
                                            view! { <span class="badge badge--ok">"Eligible"</span> }.into_any()
                                        } else {
                                            let why = q.failures.iter().map(|f| format!("{}: {}", f.rule, f.reason)).collect::<Vec<_>>().join(" ");
                                            view! { <span class="badge badge--bad">"Not eligible"</span> " " {why} }.into_any()
                                        };
                                        let headroom_class = if q.headroom_after < 0 { "badge badge--bad" } else { "badge badge--ok" };
                                        view! {
                                            <tr>
                                                <td><a href=format!("/requests/{}", s.id)>{s.id}</a></td>
                                                <td>{s.tenant_name.clone()}</td>
                                                <td>{s.project_title.clone()}</td>
                                                <td>{badge(s.status)}</td>
                                                <td>{s.site_name.clone()}</td>
                                                <td>{format!("{} {}", s.gpus, s.gpu_model)}</td>
                                                <td>{s.asked_window()}</td>
                                                <td>{residency}{s.compliance_flag.clone().map(|f| view! { " " <span class="badge badge--warn">"Flagged"</span> " " {f} })}</td>
                                                <td>{format!("{} → {} / {}", q.peak_before, q.peak_after, q.available)}</td>
                                                <td><span class=headroom_class>{q.headroom_after}</span></td>
                                            </tr>
                                        }
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                        }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}
