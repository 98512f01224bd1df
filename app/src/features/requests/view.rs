//! Small pieces the request pages share: status and phase badges, instants, the granted cell.

use leptos::prelude::*;
use leptos_router::components::A;

use super::types::RequestSummary;
use crate::domain::lifecycle::{QuotaPhase, RequestStatus};
use crate::error::AppError;

/// A request's status as a coloured badge.
pub fn status_badge(status: RequestStatus) -> impl IntoView {
    let class = match status {
        RequestStatus::Approved | RequestStatus::PartiallyApproved => "badge badge--ok",
        RequestStatus::Rejected => "badge badge--bad",
        RequestStatus::ChangesRequested => "badge badge--warn",
        RequestStatus::Withdrawn | RequestStatus::Draft => "badge",
        RequestStatus::Submitted | RequestStatus::Endorsed => "badge badge--info",
    };
    view! { <span class=class>{status.label()}</span> }
}

/// Where a quota stands in time, as a badge.
pub fn phase_badge(phase: QuotaPhase) -> impl IntoView {
    let class = match phase {
        QuotaPhase::Active => "badge badge--ok",
        QuotaPhase::Upcoming => "badge badge--info",
        QuotaPhase::Expired => "badge",
    };
    view! { <span class=class>{phase.label()}</span> }
}

/// A stored data classification as people read it ("Health data (HDS)").
pub fn classification_label(stored: &str) -> String {
    crate::domain::residency::Classification::parse(stored)
        .map(|c| c.label().to_owned())
        .unwrap_or_else(|_| stored.to_owned())
}

/// A stored sector as people read it.
pub fn sector_label(stored: &str) -> String {
    crate::domain::identity::Sector::ALL
        .iter()
        .find(|s| s.as_str() == stored)
        .map(|s| s.label().to_owned())
        .unwrap_or_else(|| stored.to_owned())
}

/// "8 GPUs, 2027-01-10 to 2027-02-08" once granted, a dash before.
pub fn granted_cell(r: &RequestSummary) -> String {
    match r.granted() {
        Some((gpus, window)) => format!("{gpus} GPUs, {window}"),
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
    view! {
        <option value=any_value selected=selected == any_value>"Any status"</option>
        <option value="granted" selected=selected == "granted">"Quotas (approved)"</option>
        <option value="open" selected=selected == "open">"In progress"</option>
        {RequestStatus::ALL
            .iter()
            .filter(|s| with_drafts || **s != RequestStatus::Draft)
            .map(|s| view! { <option value=s.as_str() selected=selected == s.as_str()>{s.label()}</option> })
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
    let label = format!(
        "{used} of {available} GPUs committed{}",
        if adding > 0 {
            format!(", {} with this request", used + adding)
        } else {
            String::new()
        }
    );
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
    view! {
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let admin = viewer
                    .await
                    .ok()
                    .flatten()
                    .is_some_and(|v| v.platform_admin && v.role.is_none());
                let (href, label) = if admin {
                    ("/admin/requests", "← Request queue")
                } else {
                    ("/requests", "← Requests")
                };
                view! { <p class="breadcrumb"><A href=href>{label}</A></p> }
            })}
        </Transition>
    }
}
