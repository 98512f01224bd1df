//! `/admin/usage` (platform admins): per site and GPU model, the GPU-hours granted by quotas
//! against those used over the last 7, 30 or 90 days (`?days=`), each with a bar.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use super::chart::hours_in;
use super::types::PoolUse;
use crate::domain::format::fill;
use crate::features::site_agents::api::get_usage_pools;
use crate::i18n::{t_string, td_string, use_i18n};
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
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, usage.title))/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>{tr(i18n, |l| td_string!(l, usage.title))}</h1>
                    <p class="page-head__lead">{tr(i18n, |l| td_string!(l, usage.lead))}</p>
                </div>
            </div>
            <nav class="chips" aria-label=tr(i18n, |l| td_string!(l, usage.period))>
                {PERIODS.into_iter().map(|p| {
                    let on = move || chosen_days(days()) == p;
                    view! {
                        <a href=format!("/admin/usage?days={p}") class="chip" class:chip--on=on
                            aria-current=move || on().then_some("page")>
                            {move || fill(t_string!(i18n, usage.last_days), &[("n", &p)])}
                        </a>
                    }
                }).collect_view()}
            </nav>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, usage.loading))}</p> }>
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
    let i18n = use_i18n();
    if pools.is_empty() {
        return view! {
            <div class="empty card">
                <p>{move || fill(t_string!(i18n, usage.no_pools), &[("n", &days)])}</p>
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
            let (used, granted, percent) = (p.used_gpu_hours, p.granted_gpu_hours, p.percent);
            let label = move || {
                let locale = i18n.get_locale();
                fill(
                    t_string!(i18n, usage.used_of),
                    &[
                        ("used", &hours_in(locale, used)),
                        ("budget", &hours_in(locale, granted)),
                        ("percent", &percent),
                    ],
                )
            };
            view! {
                <tr>
                    <td data-label=tr(i18n, |l| td_string!(l, usage.site))>{p.site}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, usage.gpu_model))>{p.model}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, usage.granted)) class="num">{move || hours_in(i18n.get_locale(), granted)}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, usage.used)) class="num">{move || hours_in(i18n.get_locale(), used)}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, usage.used_share)) class="pool-use">
                        <div class="pool-use__row">
                            <svg class="pool-bar" viewBox="0 0 100 8" preserveAspectRatio="none" aria-hidden="true">
                                <rect class="pool-bar__track" x="0" y="0" width="100" height="8"/>
                                <rect class="pool-bar__used" class:pool-bar__used--over=over x="0" y="0"
                                    width=format!("{share:.2}") height="8"/>
                            </svg>
                            <span class="pool-use__text">
                                <span class="visually-hidden">{label}</span>
                                <span aria-hidden="true">{format!("{}\u{a0}%", p.percent)}</span>
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
                <caption class="visually-hidden">{move || fill(t_string!(i18n, usage.pools_caption), &[("n", &days)])}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(i18n, |l| td_string!(l, usage.site))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, usage.gpu_model))}</th>
                        <th scope="col" class="num">{tr(i18n, |l| td_string!(l, usage.granted_hours))}</th>
                        <th scope="col" class="num">{tr(i18n, |l| td_string!(l, usage.used_hours))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, usage.used_share))}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <p class="muted small">{tr(i18n, |l| td_string!(l, usage.pools_footnote))}</p>
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
