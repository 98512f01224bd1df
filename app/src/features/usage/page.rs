//! `/admin/usage` (platform admins): per site and GPU model, the GPU-hours granted by quotas
//! against those used over the last 7, 30 or 90 days (`?days=`), each with a bar.

use leptos::prelude::*;
use leptos_meta::Title;

use super::chart::hours;
use super::types::PoolUse;
use crate::features::site_agents::api::get_usage_pools;
use crate::ui::table::query_param;

/// The periods offered, in days, and the one shown when none is asked.
const PERIODS: [u32; 3] = [7, 30, 90];
const DEFAULT_DAYS: u32 = 30;

/// The period asked in the address, when it is one of [`PERIODS`].
fn chosen_days(raw: Option<String>) -> u32 {
    raw.and_then(|d| d.trim().parse::<u32>().ok())
        .filter(|d| PERIODS.contains(d))
        .unwrap_or(DEFAULT_DAYS)
}

#[component]
pub fn UsageAdminPage() -> impl IntoView {
    let days = query_param("days");
    let data = Resource::new(
        move || chosen_days(days()),
        |days| get_usage_pools(days.to_string()),
    );
    view! {
        <Title text="Usage"/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>"Usage"</h1>
                    <p class="page-head__lead">
                        "GPU-hours granted by quotas against those the sites reported used, per site and GPU model."
                    </p>
                </div>
            </div>
            <nav class="chips" aria-label="Period">
                {PERIODS.into_iter().map(|p| {
                    let on = move || chosen_days(days()) == p;
                    view! {
                        <a href=format!("/admin/usage?days={p}") class="chip" class:chip--on=on
                            aria-current=move || on().then_some("page")>
                            {format!("Last {p} days")}
                        </a>
                    }
                }).collect_view()}
            </nav>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(pools) => view! { <PoolsTable pools days=chosen_days(days())/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn PoolsTable(pools: Vec<PoolUse>, days: u32) -> impl IntoView {
    if pools.is_empty() {
        return view! {
            <div class="empty card">
                <p>{format!("No quota held GPUs in the last {days} days, and no site reported use.")}</p>
            </div>
        }
        .into_any();
    }
    let rows = pools
        .into_iter()
        .map(|p| {
            let share = if p.granted_gpu_hours > 0.0 {
                (p.used_gpu_hours / p.granted_gpu_hours * 100.0).clamp(0.0, 100.0)
            } else if p.used_gpu_hours > 0.0 {
                100.0
            } else {
                0.0
            };
            let over = p.used_gpu_hours > p.granted_gpu_hours;
            let label = format!(
                "{} of {} GPU-hours used ({} %)",
                hours(p.used_gpu_hours),
                hours(p.granted_gpu_hours),
                p.percent
            );
            view! {
                <tr>
                    <td data-label="Site">{p.site}</td>
                    <td data-label="GPU model">{p.model}</td>
                    <td data-label="Granted" class="num">{hours(p.granted_gpu_hours)}</td>
                    <td data-label="Used" class="num">{hours(p.used_gpu_hours)}</td>
                    <td data-label="Used share" class="pool-use">
                        <div class="pool-use__row">
                            <svg class="pool-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
                                <rect class="pool-bar__track" x="0" y="0" width="100" height="8"/>
                                <rect class="pool-bar__used" class:pool-bar__used--over=over x="0" y="0"
                                    width=format!("{share:.2}") height="8"/>
                            </svg>
                            <span class="pool-use__text">
                                <span class="visually-hidden">{label}</span>
                                <span aria-hidden="true">{format!("{} %", p.percent)}</span>
                            </span>
                        </div>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="stack pools-table">
                <caption class="visually-hidden">{format!("GPU-hours granted and used over the last {days} days")}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Site"</th>
                        <th scope="col">"GPU model"</th>
                        <th scope="col" class="num">"Granted (GPU-hours)"</th>
                        <th scope="col" class="num">"Used (GPU-hours)"</th>
                        <th scope="col">"Used share"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="muted small">
            "Granted counts each quota's GPUs over the days of its window inside the period; used is what the sites' agents reported."
        </p>
    }
    .into_any()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_offered_periods_are_taken_from_the_address() {
        assert_eq!(chosen_days(Some("7".into())), 7);
        assert_eq!(chosen_days(Some("90".into())), 90);
        assert_eq!(chosen_days(Some("12".into())), 30);
        assert_eq!(chosen_days(None), 30);
    }
}
