//! The start page. Anonymous visitors read what the portal is for; people of a tenant see their
//! quotas, what waits on them and their latest notifications; platform admins see what waits for
//! a decision and the busiest GPU pools.

use leptos::prelude::*;

use crate::ui::plural;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::domain::dates::format_local;
use crate::domain::lifecycle::{QuotaPhase, RequestStatus};
use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::features::capacity::{capacity_overview, CapacityLoads};
use crate::features::identity::{use_viewer, Viewer};
use crate::features::requests::types::{NotificationItem, Paged, QueueRow, RequestSummary};
use crate::features::requests::view::{phase_badge, status_badge, UsageBar};
use crate::features::requests::{list_notifications, list_requests, request_queue};
use crate::features::tenants::{tenant_queue, types::VerificationQueue};

/// What the signed-in person sees on the start page.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
enum Dashboard {
    Visitor,
    Tenant {
        viewer: Viewer,
        quotas: Paged<RequestSummary>,
        open: Paged<RequestSummary>,
        notes: Vec<NotificationItem>,
    },
    Admin {
        viewer: Viewer,
        queue: Paged<QueueRow>,
        tenants: VerificationQueue,
        capacity: CapacityLoads,
    },
    /// Signed in, but acting in no tenant (a person whose only tenant left them).
    Nowhere {
        viewer: Viewer,
    },
}

/// Loads what the viewer's dashboard needs, asking only what their role may see (a refused
/// call would give the page its status).
async fn dashboard(viewer: Option<Viewer>) -> Result<Dashboard, AppError> {
    let Some(viewer) = viewer else {
        return Ok(Dashboard::Visitor);
    };
    if viewer.platform_admin {
        let (queue, tenants, capacity) = futures_join3(
            request_queue(
                Some("endorsed".into()),
                None,
                None,
                None,
                None,
                None,
                Some("start".into()),
                Some("asc".into()),
                None,
            ),
            tenant_queue(None),
            capacity_overview(),
        )
        .await;
        return Ok(Dashboard::Admin {
            viewer,
            queue: queue?,
            tenants: tenants?,
            capacity: capacity?,
        });
    }
    if viewer.tenant_name.is_none() {
        return Ok(Dashboard::Nowhere { viewer });
    }
    let (quotas, open, notes) = futures_join3(
        list_requests(
            Some("granted".into()),
            None,
            Some("start".into()),
            Some("asc".into()),
            None,
            None,
            None,
        ),
        list_requests(Some("open".into()), None, None, None, None, None, None),
        list_notifications(None),
    )
    .await;
    Ok(Dashboard::Tenant {
        viewer,
        quotas: quotas?,
        open: open?,
        notes: notes?,
    })
}

/// Three futures side by side (no executor-specific join needed in both builds).
async fn futures_join3<A, B, C>(
    a: impl std::future::Future<Output = A>,
    b: impl std::future::Future<Output = B>,
    c: impl std::future::Future<Output = C>,
) -> (A, B, C) {
    let (ab, c) = futures_join2(futures_join2(a, b), c).await;
    (ab.0, ab.1, c)
}

async fn futures_join2<A, B>(
    a: impl std::future::Future<Output = A>,
    b: impl std::future::Future<Output = B>,
) -> (A, B) {
    use std::pin::pin;
    use std::task::Poll;
    let mut a = pin!(a);
    let mut b = pin!(b);
    let (mut ra, mut rb) = (None, None);
    std::future::poll_fn(move |cx| {
        if ra.is_none() {
            if let Poll::Ready(v) = a.as_mut().poll(cx) {
                ra = Some(v);
            }
        }
        if rb.is_none() {
            if let Poll::Ready(v) = b.as_mut().poll(cx) {
                rb = Some(v);
            }
        }
        match (ra.take(), rb.take()) {
            (Some(x), Some(y)) => Poll::Ready((x, y)),
            (x, y) => {
                (ra, rb) = (x, y);
                Poll::Pending
            }
        }
    })
    .await
}

#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = use_viewer();
    let data = Resource::new(
        || (),
        move |_| async move { dashboard(viewer.await.ok().flatten()).await },
    );
    view! {
        <Title text="Home"/>
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Dashboard::Visitor) => view! { <Welcome/> }.into_any(),
                    Ok(Dashboard::Tenant { viewer, quotas, open, notes }) => {
                        view! { <TenantHome viewer quotas open notes/> }.into_any()
                    }
                    Ok(Dashboard::Admin { viewer, queue, tenants, capacity }) => {
                        view! { <AdminHome viewer queue tenants capacity/> }.into_any()
                    }
                    Ok(Dashboard::Nowhere { viewer }) => view! {
                        <section class="page">
                            <h1>"Welcome, " {viewer.name}</h1>
                            <p>"You belong to no organisation at the moment. Ask an owner of your organisation for a new invitation."</p>
                        </section>
                    }.into_any(),
                    Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn Welcome() -> impl IntoView {
    view! {
        <section class="hero">
            <h1>"GPU quotas for the campus, placed where your data may go"</h1>
            <p class="hero__lead">
                "Ask for GPUs of one model, at one site, for a time window. Guichet checks every site against "
                "the GDPR, HDS and SecNumCloud rules for your data's classification, explains each decision, "
                "and never promises the same GPU twice."
            </p>
            <p class="hero__actions">
                <A href="/login" attr:class="button">"Sign in"</A>
                " "
                <A href="/signup" attr:class="button button--ghost-dark">"Register your organisation"</A>
            </p>
        </section>
        <section class="features" aria-label="What Guichet does">
            <article class="card">
                <h2>"Residency, explained"</h2>
                <p>"For each site: eligible or not, and why — by rule, certificate, date and shareholder."</p>
            </article>
            <article class="card">
                <h2>"Capacity, never over-committed"</h2>
                <p>"Approvals are checked atomically against installed GPUs, day by day."</p>
            </article>
            <article class="card">
                <h2>"Tenants, isolated"</h2>
                <p>"Every page and call acts within one organisation; nothing of another is ever shown."</p>
            </article>
        </section>
    }
}

/// What the person should look at next about an open request.
fn next_step(r: &RequestSummary, role: Option<TenantRole>) -> &'static str {
    match (r.status, role) {
        (RequestStatus::Draft, _) => "Your draft: finish and submit it.",
        (RequestStatus::Submitted, Some(TenantRole::Owner)) => "Waits for your endorsement.",
        (RequestStatus::Submitted, _) => "Waits for an owner's endorsement.",
        (RequestStatus::Endorsed, _) => "Waits for the campus's decision.",
        _ => "",
    }
}

#[component]
fn TenantHome(
    viewer: Viewer,
    quotas: Paged<RequestSummary>,
    open: Paged<RequestSummary>,
    notes: Vec<NotificationItem>,
) -> impl IntoView {
    let current: Vec<RequestSummary> = quotas
        .rows
        .into_iter()
        .filter(|q| q.phase.is_some_and(|p| p != QuotaPhase::Expired))
        .collect();
    let active_gpus: i64 = current
        .iter()
        .filter(|q| q.phase == Some(QuotaPhase::Active))
        .filter_map(|q| q.approved_gpus)
        .sum();
    let role = viewer.role;
    let can_ask = role.is_some_and(|r| r.can_write());
    let waiting_on_me = open
        .rows
        .iter()
        .filter(|r| {
            r.status == RequestStatus::Draft
                || (r.status == RequestStatus::Submitted && role == Some(TenantRole::Owner))
        })
        .count();
    let unread = notes.iter().filter(|n| !n.read).count();
    view! {
        <section class="page">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{viewer.tenant_name.clone()} " · " {role.map(|r| r.label())}</p>
                    <h1>"Welcome back, " {viewer.name.clone()}</h1>
                </div>
                {can_ask.then(|| view! { <A href="/requests/new" attr:class="button">"Ask for GPUs"</A> })}
            </div>
            <div class="stats">
                <div class="stat"><span class="stat__value">{active_gpus}</span><span class="stat__label">"GPUs held today"</span></div>
                <div class="stat"><span class="stat__value">{current.len()}</span><span class="stat__label">{plural(current.len(), "current or upcoming quota", "current and upcoming quotas")}</span></div>
                <div class="stat"><span class="stat__value">{waiting_on_me}</span><span class="stat__label">{plural(waiting_on_me, "request waiting on you", "requests waiting on you")}</span></div>
                <div class="stat"><span class="stat__value">{unread}</span><span class="stat__label">{plural(unread, "unread notification", "unread notifications")}</span></div>
            </div>
            <div class="dashboard">
                <section class="card dashboard__wide">
                    <div class="card__head">
                        <h2>"Current and upcoming quotas"</h2>
                        <a href="/quotas.csv" class="button button--small button--ghost download-csv" download="" rel="external">"Download all quotas (CSV)"</a>
                    </div>
                    {if current.is_empty() {
                        if can_ask {
                            view! { <p class="empty">"No quota yet. " <A href="/requests/new">"Ask for GPUs"</A> "."</p> }.into_any()
                        } else {
                            view! { <p class="empty">"No quota yet."</p> }.into_any()
                        }
                    } else {
                        view! {
                            <ul class="quota-list">
                                {current.into_iter().map(|q| {
                                    let window = q.granted().map(|(_, w)| w).unwrap_or_default();
                                    let href = format!("/requests/{}", q.id);
                                    let title = q.project_title.clone();
                                    view! {
                                        <li class="quota">
                                            <div class="quota__head">
                                                <A href=href>{title}</A>
                                                {q.phase.map(phase_badge)}
                                            </div>
                                            <p class="quota__what">
                                                <strong>{q.approved_gpus.unwrap_or(0)} " " {q.gpu_model.clone()}</strong>
                                                " at " {q.site_name.clone()} " · " {window}
                                                {q.used_percent.map(|p| format!(" · {p} % of its budget used"))}
                                            </p>
                                            {q.compliance_flag.clone().map(|f| view! { <p class="small"><span class="badge badge--warn">"Flagged"</span> " " {f}</p> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <section class="card">
                    <h2>"In progress"</h2>
                    {if open.rows.is_empty() {
                        view! { <p class="empty">"Nothing in progress."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {open.rows.iter().take(6).map(|r| {
                                    let href = format!("/requests/{}", r.id);
                                    let title = r.project_title.clone();
                                    view! {
                                        <li>
                                            <A href=href>{title}</A> " " {status_badge(r.status)}
                                            <br/><span class="small muted">{next_step(r, role)}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <p class="small"><A href="/requests?status=open">"All requests in progress"</A></p>
                        }.into_any()
                    }}
                </section>
                <section class="card">
                    <h2>"Latest notifications"</h2>
                    {if notes.is_empty() {
                        view! { <p class="empty">"Nothing new."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {notes.into_iter().take(4).map(|n| view! {
                                    <li class:unread=!n.read>
                                        <span class="small muted">{format_local(&n.created_at)}</span><br/>
                                        {n.text}
                                    </li>
                                }).collect_view()}
                            </ul>
                            <p class="small"><A href="/notifications">"All notifications"</A></p>
                        }.into_any()
                    }}
                </section>
            </div>
        </section>
    }
}

#[component]
fn AdminHome(
    viewer: Viewer,
    queue: Paged<QueueRow>,
    tenants: VerificationQueue,
    capacity: CapacityLoads,
) -> impl IntoView {
    let waiting = queue.rows.len();
    let short = queue
        .rows
        .iter()
        .filter(|q| q.review.headroom_after < 0 || !q.review.eligible_now)
        .count();
    let mut pools: Vec<(String, u32, u32)> = capacity
        .pools
        .iter()
        .map(|p| {
            (
                format!("{} — {}", p.site_name, p.gpu_model),
                p.peaks.iter().copied().max().unwrap_or(0),
                p.available,
            )
        })
        .collect();
    pools.sort_by(|a, b| {
        let share = |(_, peak, available): &(String, u32, u32)| {
            u64::from(*peak) * 1000 / u64::from((*available).max(1))
        };
        share(b).cmp(&share(a))
    });
    pools.truncate(5);
    view! {
        <section class="page">
            <div class="page-head">
                <div>
                    <p class="eyebrow">"Platform administration"</p>
                    <h1>"Welcome back, " {viewer.name.clone()}</h1>
                </div>
            </div>
            <div class="stats">
                <div class="stat"><span class="stat__value">{if queue.has_more { format!("{waiting}+") } else { waiting.to_string() }}</span><span class="stat__label">{plural(waiting, "request to decide", "requests to decide")}</span></div>
                <div class="stat"><span class="stat__value">{short}</span><span class="stat__label">"of them short of GPUs or not eligible"</span></div>
                <div class="stat"><span class="stat__value">{tenants.pending_total}</span><span class="stat__label">{plural(usize::try_from(tenants.pending_total).unwrap_or(0), "organisation to verify", "organisations to verify")}</span></div>
            </div>
            <div class="dashboard">
                <section class="card dashboard__wide">
                    <h2>"Waiting for your decision"</h2>
                    {if queue.rows.is_empty() {
                        view! { <p class="empty">"Nothing waits for a decision."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {queue.rows.into_iter().take(6).map(|q| {
                                    let s = q.summary;
                                    let href = format!("/requests/{}", s.id);
                                    let title = s.project_title.clone();
                                    let fits = q.review.headroom_after >= 0;
                                    view! {
                                        <li>
                                            <A href=href>{title}</A>
                                            " · " {s.tenant_name.clone()}
                                            <br/>
                                            <span class="small muted">{format!("{} {} at {} · {}", s.gpus, s.gpu_model, s.site_name, s.asked_window())}</span>
                                            " "
                                            {(!q.review.eligible_now).then(|| view! { <span class="badge badge--bad">"Not eligible now"</span> })}
                                            {(!fits).then(|| view! { <span class="badge badge--bad">"Not enough GPUs"</span> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <p class="small"><A href="/admin/requests">"The whole queue"</A></p>
                        }.into_any()
                    }}
                </section>
                <section class="card">
                    <h2>"Busiest pools, next 26 weeks"</h2>
                    <ul class="plain-list">
                        {pools.into_iter().map(|(name, peak, available)| view! {
                            <li>
                                <span>{name}</span> " " <span class="small muted">{format!("peak {peak} of {available}")}</span>
                                <UsageBar used=peak.min(available) adding=peak.saturating_sub(available) available/>
                            </li>
                        }).collect_view()}
                    </ul>
                    <p class="small"><A href="/capacity">"Capacity, week by week"</A></p>
                </section>
                <section class="card">
                    <h2>"Organisations to verify"</h2>
                    {if tenants.pending.is_empty() {
                        view! { <p class="empty">"None waiting."</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {tenants.pending.iter().take(5).map(|t| view! { <li>{t.name.clone()}</li> }).collect_view()}
                            </ul>
                            <p class="small"><A href="/admin/tenants">"Verify organisations"</A></p>
                        }.into_any()
                    }}
                </section>
            </div>
        </section>
    }
}
