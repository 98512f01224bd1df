//! The start page. Anonymous visitors read what the portal is for; people of a tenant see their
//! quotas, what waits on them and their latest notifications; platform admins see what waits for
//! a decision and the busiest GPU pools.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;

use crate::domain::format::fill;
use crate::i18n::{t_string, td_string, use_i18n, Locale};
use crate::ui::plural;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::domain::format::shown_instant;
use crate::domain::lifecycle::{QuotaPhase, RequestStatus};
use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::features::capacity::{capacity_overview, CapacityLoads};
use crate::features::identity::{use_viewer, Viewer};
use crate::features::requests::view::{phase_badge, status_badge, UsageBar};
use crate::features::requests::{list_notifications, list_requests, request_queue};
use crate::features::tenants::{tenant_queue, types::VerificationQueue};
use crate::wire::requests::{NotificationItem, Paged, QueueRow, RequestSummary};

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
        /// The organisations an identity provider offers them to join.
        offers: Vec<crate::wire::members::JoinOfferView>,
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
        let offers = crate::features::members::join_offers().await?;
        return Ok(Dashboard::Nowhere { viewer, offers });
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
    let i18n = use_i18n();
    // Created here, not inside the page's `Suspend`: resources and actions keep the same order on
    // the server and in the browser (see `ui::layout`).
    let ask = crate::ui::form::action::<crate::features::members::AskToJoin>();
    let data = Resource::new(
        move || ask.version().get(),
        move |_| async move { dashboard(viewer.await.ok().flatten()).await },
    );
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, common.home))/>
        <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, home.loading))}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    Ok(Dashboard::Visitor) => view! { <Welcome/> }.into_any(),
                    Ok(Dashboard::Tenant { viewer, quotas, open, notes }) => {
                        view! { <TenantHome viewer quotas open notes/> }.into_any()
                    }
                    Ok(Dashboard::Admin { viewer, queue, tenants, capacity }) => {
                        view! { <AdminHome viewer queue tenants capacity/> }.into_any()
                    }
                    Ok(Dashboard::Nowhere { viewer, offers }) => view! {
                        <section class="page">
                            <h1>{move || fill(t_string!(i18n, home.welcome), &[("name", &viewer.name)])}</h1>
                            <p>{tr(i18n, |l| td_string!(l, home.no_organisation))}</p>
                            <crate::features::members::JoinOffers offers ask/>
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
    let i18n = use_i18n();
    view! {
        <section class="hero">
            <h1>{tr(i18n, |l| td_string!(l, home.hero_title))}</h1>
            <p class="hero__lead">
                {tr(i18n, |l| td_string!(l, home.hero_lead))}
            </p>
            <p class="hero__actions">
                <A href="/login" attr:class="button">{tr(i18n, |l| td_string!(l, common.sign_in))}</A>
                " "
                <A href="/signup" attr:class="button button--ghost-dark">{tr(i18n, |l| td_string!(l, home.register))}</A>
            </p>
        </section>
        <section class="features" aria-label=tr(i18n, |l| td_string!(l, home.what_it_does))>
            <article class="card">
                <h2>{tr(i18n, |l| td_string!(l, home.residency_title))}</h2>
                <p>{tr(i18n, |l| td_string!(l, home.residency_text))}</p>
            </article>
            <article class="card">
                <h2>{tr(i18n, |l| td_string!(l, home.capacity_title))}</h2>
                <p>{tr(i18n, |l| td_string!(l, home.capacity_text))}</p>
            </article>
            <article class="card">
                <h2>{tr(i18n, |l| td_string!(l, home.tenants_title))}</h2>
                <p>{tr(i18n, |l| td_string!(l, home.tenants_text))}</p>
            </article>
        </section>
    }
}

/// What the person should look at next about an open request.
fn next_step(locale: Locale, r: &RequestSummary, role: Option<TenantRole>) -> &'static str {
    match (r.status, role) {
        (RequestStatus::Draft, _) => td_string!(locale, home.next_draft),
        (RequestStatus::Submitted, Some(TenantRole::Owner)) => {
            td_string!(locale, home.next_endorse_me)
        }
        (RequestStatus::Submitted, _) => td_string!(locale, home.next_endorse_owner),
        (RequestStatus::Endorsed, _) => td_string!(locale, home.next_decision),
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
    let i18n = use_i18n();
    view! {
        <section class="page">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{viewer.tenant_name.clone()} " · " {move || role.map(|r| r.label_in(i18n.get_locale()))}</p>
                    <h1>{let name = viewer.name.clone(); move || fill(t_string!(i18n, home.welcome_back), &[("name", &name)])}</h1>
                </div>
                {can_ask.then(|| view! { <A href="/requests/new" attr:class="button">{tr(i18n, |l| td_string!(l, home.ask_for_gpus))}</A> })}
            </div>
            <div class="stats">
                <div class="stat"><span class="stat__value">{active_gpus}</span><span class="stat__label">{tr(i18n, |l| td_string!(l, home.gpus_held))}</span></div>
                <div class="stat"><span class="stat__value">{current.len()}</span><span class="stat__label">{let n = current.len(); move || plural(n, t_string!(i18n, home.quotas_singular), t_string!(i18n, home.quotas_plural))}</span></div>
                <div class="stat"><span class="stat__value">{waiting_on_me}</span><span class="stat__label">{move || plural(waiting_on_me, t_string!(i18n, home.waiting_on_you_singular), t_string!(i18n, home.waiting_on_you_plural))}</span></div>
                <div class="stat"><span class="stat__value">{unread}</span><span class="stat__label">{move || plural(unread, t_string!(i18n, home.unread_singular), t_string!(i18n, home.unread_plural))}</span></div>
            </div>
            <div class="dashboard">
                <section class="card dashboard__wide">
                    <div class="card__head">
                        <h2>{tr(i18n, |l| td_string!(l, home.current_quotas))}</h2>
                        <a href="/quotas.csv" class="button button--small button--ghost download-csv" download="" rel="external">{tr(i18n, |l| td_string!(l, home.download_quotas))}</a>
                    </div>
                    {if current.is_empty() {
                        if can_ask {
                            view! { <p class="empty">{tr(i18n, |l| td_string!(l, home.no_quota_yet))} " " <A href="/requests/new">{tr(i18n, |l| td_string!(l, home.ask_for_gpus))}</A> "."</p> }.into_any()
                        } else {
                            view! { <p class="empty">{tr(i18n, |l| td_string!(l, home.no_quota_yet))}</p> }.into_any()
                        }
                    } else {
                        view! {
                            <ul class="quota-list">
                                {current.into_iter().map(|q| {
                                    let window = q.granted(i18n.get_locale()).map(|(_, w)| w).unwrap_or_default();
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
                                                " " {tr(i18n, |l| td_string!(l, home.at))} " " {q.site_name.clone()} " · " {window}
                                                {q.used_percent.map(|p| move || fill(t_string!(i18n, home.budget_used), &[("p", &p)]))}
                                            </p>
                                            {q.compliance_flag.clone().map(|f| view! { <p class="small"><span class="badge badge--warn">{tr(i18n, |l| td_string!(l, home.flagged))}</span> " " {f}</p> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }}
                </section>
                <section class="card">
                    <h2>{tr(i18n, |l| td_string!(l, home.in_progress))}</h2>
                    {if open.rows.is_empty() {
                        view! { <p class="empty">{tr(i18n, |l| td_string!(l, home.nothing_in_progress))}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {open.rows.iter().take(6).map(|r| {
                                    let href = format!("/requests/{}", r.id);
                                    let title = r.project_title.clone();
                                    view! {
                                        <li>
                                            <A href=href>{title}</A> " " {status_badge(r.status)}
                                            <br/><span class="small muted">{next_step(i18n.get_locale(), r, role)}</span>
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <p class="small"><A href="/requests?status=open">{tr(i18n, |l| td_string!(l, home.all_in_progress))}</A></p>
                        }.into_any()
                    }}
                </section>
                <section class="card">
                    <h2>{tr(i18n, |l| td_string!(l, home.latest_notifications))}</h2>
                    {if notes.is_empty() {
                        view! { <p class="empty">{tr(i18n, |l| td_string!(l, home.nothing_new))}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {notes.into_iter().take(4).map(|n| view! {
                                    <li class:unread=!n.read>
                                        <span class="small muted">{shown_instant(&n.created_at)}</span><br/>
                                        {n.text}
                                    </li>
                                }).collect_view()}
                            </ul>
                            <p class="small"><A href="/notifications">{tr(i18n, |l| td_string!(l, home.all_notifications))}</A></p>
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
    let i18n = use_i18n();
    view! {
        <section class="page">
            <div class="page-head">
                <div>
                    <p class="eyebrow">{tr(i18n, |l| td_string!(l, home.platform_administration))}</p>
                    <h1>{let name = viewer.name.clone(); move || fill(t_string!(i18n, home.welcome_back), &[("name", &name)])}</h1>
                </div>
            </div>
            <div class="stats">
                <div class="stat"><span class="stat__value">{if queue.has_more { format!("{waiting}+") } else { waiting.to_string() }}</span><span class="stat__label">{move || plural(waiting, t_string!(i18n, home.to_decide_singular), t_string!(i18n, home.to_decide_plural))}</span></div>
                <div class="stat"><span class="stat__value">{short}</span><span class="stat__label">{tr(i18n, |l| td_string!(l, home.short_or_ineligible))}</span></div>
                <div class="stat"><span class="stat__value">{tenants.pending_total}</span><span class="stat__label">{let n = usize::try_from(tenants.pending_total).unwrap_or(0); move || plural(n, t_string!(i18n, home.to_verify_singular), t_string!(i18n, home.to_verify_plural))}</span></div>
            </div>
            <div class="dashboard">
                <section class="card dashboard__wide">
                    <h2>{tr(i18n, |l| td_string!(l, home.waiting_decision))}</h2>
                    {if queue.rows.is_empty() {
                        view! { <p class="empty">{tr(i18n, |l| td_string!(l, home.nothing_waits))}</p> }.into_any()
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
                                            <span class="small muted">{let (gpus, model, site, s) = (s.gpus, s.gpu_model.clone(), s.site_name.clone(), s.clone()); move || fill(t_string!(i18n, home.queue_line), &[("gpus", &gpus), ("model", &model), ("site", &site), ("window", &s.asked_window(i18n.get_locale()))])}</span>
                                            " "
                                            {(!q.review.eligible_now).then(|| view! { <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, home.not_eligible_now))}</span> })}
                                            {(!fits).then(|| view! { <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, home.not_enough_gpus))}</span> })}
                                        </li>
                                    }
                                }).collect_view()}
                            </ul>
                            <p class="small"><A href="/admin/requests">{tr(i18n, |l| td_string!(l, home.whole_queue))}</A></p>
                        }.into_any()
                    }}
                </section>
                <section class="card">
                    <h2>{tr(i18n, |l| td_string!(l, home.busiest_pools))}</h2>
                    <ul class="plain-list">
                        {pools.into_iter().map(|(name, peak, available)| view! {
                            <li>
                                <span>{name}</span> " " <span class="small muted">{move || fill(t_string!(i18n, home.peak), &[("peak", &peak), ("available", &available)])}</span>
                                <UsageBar used=peak.min(available) adding=peak.saturating_sub(available) available/>
                            </li>
                        }).collect_view()}
                    </ul>
                    <p class="small"><A href="/capacity">{tr(i18n, |l| td_string!(l, home.capacity_weekly))}</A></p>
                </section>
                <section class="card">
                    <h2>{tr(i18n, |l| td_string!(l, home.orgs_to_verify))}</h2>
                    {if tenants.pending.is_empty() {
                        view! { <p class="empty">{tr(i18n, |l| td_string!(l, home.none_waiting))}</p> }.into_any()
                    } else {
                        view! {
                            <ul class="plain-list">
                                {tenants.pending.iter().take(5).map(|t| view! { <li>{t.name.clone()}</li> }).collect_view()}
                            </ul>
                            <p class="small"><A href="/admin/tenants">{tr(i18n, |l| td_string!(l, common.verify_organisations))}</A></p>
                        }.into_any()
                    }}
                </section>
            </div>
        </section>
    }
}
