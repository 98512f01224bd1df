//! Small pieces the request pages share: status and phase badges, instants, the granted cell.

use crate::i18n::td_string;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_router::components::A;

use super::types::RequestSummary;
use crate::domain::format::fill;
use crate::domain::lifecycle::{QuotaPhase, RequestStatus};
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n, Locale};

/// A request's status as a coloured badge.
pub fn status_badge(status: RequestStatus) -> impl IntoView {
    let class = match status {
        RequestStatus::Approved | RequestStatus::PartiallyApproved => "badge badge--ok",
        RequestStatus::Rejected => "badge badge--bad",
        RequestStatus::ChangesRequested => "badge badge--warn",
        RequestStatus::Withdrawn | RequestStatus::Draft => "badge",
        RequestStatus::Submitted | RequestStatus::Endorsed => "badge badge--info",
    };
    let i18n = crate::i18n::use_i18n();
    view! { <span class=class>{move || status.label_in(i18n.get_locale())}</span> }
}

/// Where a quota stands in time, as a badge.
pub fn phase_badge(phase: QuotaPhase) -> impl IntoView {
    let class = match phase {
        QuotaPhase::Active => "badge badge--ok",
        QuotaPhase::Upcoming => "badge badge--info",
        QuotaPhase::Expired => "badge",
    };
    let i18n = crate::i18n::use_i18n();
    view! { <span class=class>{move || phase.label_in(i18n.get_locale())}</span> }
}

/// A stored data classification as people read it ("Health data (HDS)").
pub fn classification_label(locale: crate::i18n::Locale, stored: &str) -> String {
    crate::domain::residency::Classification::parse(stored)
        .map(|c| c.label_in(locale).to_owned())
        .unwrap_or_else(|_| stored.to_owned())
}

/// A stored sector as people read it.
pub fn sector_label(locale: crate::i18n::Locale, stored: &str) -> String {
    crate::domain::identity::Sector::ALL
        .iter()
        .find(|s| s.as_str() == stored)
        .map(|s| s.label_in(locale).to_owned())
        .unwrap_or_else(|| stored.to_owned())
}

/// "8 GPUs, 10 Jan 2027 – 8 Feb 2027" once granted, a dash before.
pub fn granted_cell(locale: Locale, r: &RequestSummary) -> String {
    match r.granted(locale) {
        Some((gpus, window)) => fill(
            crate::i18n::td_string!(locale, requests.granted_value),
            &[("gpus", &gpus), ("window", &window)],
        ),
        None => "—".to_owned(),
    }
}

/// A page's error, through the one error panel.
pub fn error_view(e: AppError) -> AnyView {
    view! { <crate::ui::ErrorPanel error=e/> }.into_any()
}

/// The statuses a list can be filtered by, for a `<select>`; drafts only where `with_drafts`.
/// "Any status" sends `any_value`.
pub fn status_options(
    with_drafts: bool,
    any_value: &'static str,
    selected: String,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <option value=any_value selected=selected == any_value>{tr(i18n, |l| td_string!(l, requests.any_status))}</option>
        <option value="granted" selected=selected == "granted">{tr(i18n, |l| td_string!(l, requests.quotas_approved))}</option>
        <option value="open" selected=selected == "open">{tr(i18n, |l| td_string!(l, requests.in_progress))}</option>
        {RequestStatus::ALL
            .iter()
            .filter(|s| with_drafts || **s != RequestStatus::Draft)
            .map(|s| view! { <option value=s.as_str() selected=selected == s.as_str()>{move || s.label_in(i18n.get_locale())}</option> })
            .collect_view()}
    }
}

/// A horizontal bar of a pool: `used` GPUs committed, `adding` more (hatched, red when they no
/// longer fit) out of `available`. Drawn in SVG: the page's CSP allows no inline styles.
#[component]
pub fn UsageBar(used: u32, adding: u32, available: u32) -> impl IntoView {
    let scale = f64::from(available.max(used + adding).max(1));
    let w = |n: u32| format!("{:.2}", f64::from(n) * 100.0 / scale);
    let over = used + adding > available;
    let i18n = use_i18n();
    let label = move || {
        if adding > 0 {
            fill(
                t_string!(i18n, requests.usage_bar_with_request),
                &[
                    ("used", &used),
                    ("available", &available),
                    ("total", &(used + adding)),
                ],
            )
        } else {
            fill(
                t_string!(i18n, requests.usage_bar_label),
                &[("used", &used), ("available", &available)],
            )
        }
    };
    let limit = w(available);
    view! {
        <svg class="usage-bar" viewBox="0 0 100 6" preserveAspectRatio="none" role="img" aria-label=label>
            <rect class="usage-bar__track" x="0" y="0" width=w(available) height="6"/>
            <rect class="usage-bar__used" x="0" y="0" width=w(used) height="6"/>
            <rect class="usage-bar__adding" class:usage-bar__adding--over=over x=w(used) y="0" width=w(adding) height="6"/>
            <line class="usage-bar__limit" x1=limit.clone() x2=limit y1="0" y2="6"/>
        </svg>
    }
}

/// The link back to the list a request came from: the queue for a platform admin (`/requests`
/// is a tenant's list, which they may not open), the organisation's requests for everyone else.
#[component]
pub fn BackToList() -> impl IntoView {
    let viewer = crate::features::identity::use_viewer();
    let i18n = use_i18n();
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let admin = viewer
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|v| v.platform_admin && v.role.is_none());
                let (href, label) = if admin {
                    ("/admin/requests", t_string!(i18n, requests.back_to_queue))
                } else {
                    ("/requests", t_string!(i18n, requests.back_to_requests))
                };
                view! { <p class="breadcrumb"><A href=href>{label}</A></p> }
            })}
        </Transition>
    }
}
