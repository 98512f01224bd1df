//! The "Usage" section of a quota's request page: used against budget (figures, per cent and a
//! meter), the day-by-day chart with its data as a table, when the budget runs out at this pace,
//! whether the quota sits idle, and who used it (for those who may see that).

use crate::i18n::td_string;
use crate::ui::language::tr;
use leptos::prelude::*;

use super::chart::{hours_in, long_day_in, UsageChart};
use super::types::{DayUse, PersonUse, QuotaUsage};
use crate::domain::format::fill;
use crate::domain::usage::IDLE_BELOW_PERCENT;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};

/// The section for request `rid`, from what `get_quota_usage` answered.
#[component]
pub fn UsageSection(rid: i64, usage: Result<QuotaUsage, AppError>) -> impl IntoView {
    let i18n = use_i18n();
    let body = match usage {
        Ok(u) => view! { <UsageBody rid u/> }.into_any(),
        Err(e) => view! {
            <p class="form__error" role="alert">{tr(i18n, |l| td_string!(l, usage.not_loaded))} " " {e.to_string()}</p>
        }
        .into_any(),
    };
    view! {
        <section class="card usage" aria-labelledby="usage-title">
            <h2 id="usage-title">{tr(i18n, |l| td_string!(l, usage.title))}</h2>
            {body}
        </section>
    }
}

#[component]
fn UsageBody(rid: i64, u: QuotaUsage) -> impl IntoView {
    let i18n = use_i18n();
    let reported = u.used_gpu_hours > 0.0 || u.days.iter().any(|d| d.gpu_hours > 0.0);
    let (used, budget, percent) = (u.used_gpu_hours, u.budget_gpu_hours, u.percent);
    let figures = move || {
        let locale = i18n.get_locale();
        fill(
            t_string!(i18n, usage.used_of),
            &[
                ("used", &hours_in(locale, used)),
                ("budget", &hours_in(locale, budget)),
                ("percent", &percent),
            ],
        )
    };
    // The meter turns to "high" from 90 % of the budget (browsers colour it).
    let high = u.budget_gpu_hours * 0.9;
    let runs_out = u.runs_out_on.clone().map(|day| {
        let runs_out = move || {
            fill(
                t_string!(i18n, usage.runs_out),
                &[("day", &long_day_in(i18n.get_locale(), &day))],
            )
        };
        view! {
            <p class="usage__notice usage__notice--warn">
                <strong>{runs_out}</strong>
                " " {tr(i18n, |l| td_string!(l, usage.runs_out_hint))}
            </p>
        }
    });
    let idle = u.idle.then(|| {
        view! {
            <p class="usage__notice usage__notice--idle">
                <strong>{tr(i18n, |l| td_string!(l, usage.idle))} " "</strong>
                {move || fill(t_string!(i18n, usage.idle_text), &[("percent", &IDLE_BELOW_PERCENT)])}
            </p>
        }
    });
    let chart = if reported && !u.days.is_empty() {
        view! {
            <UsageChart id=format!("usage-{rid}") days=u.days.clone() budget=u.budget_gpu_hours/>
            <DaysTable days=u.days.clone()/>
        }
        .into_any()
    } else {
        view! { <p class="empty">{tr(i18n, |l| td_string!(l, usage.no_usage_yet))}</p> }.into_any()
    };
    let people =
        (!u.by_person.is_empty()).then(|| view! { <PeopleTable people=u.by_person.clone()/> });
    view! {
        <p class="usage__figures">{figures}</p>
        <meter class="usage__meter" min="0" max=u.budget_gpu_hours.max(0.0) low=high high=high
            optimum="0" value=u.used_gpu_hours aria-label=figures>
            {format!("{}\u{a0}%", u.percent)}
        </meter>
        {runs_out}
        {idle}
        {chart}
        {people}
    }
}

/// The chart's data, day by day, for who does not read the chart.
#[component]
fn DaysTable(days: Vec<DayUse>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = days
        .into_iter()
        .map(|d| {
            let DayUse {
                day,
                gpu_hours,
                cumulative,
                pace,
            } = d;
            view! {
                <tr>
                    <th scope="row">{move || long_day_in(i18n.get_locale(), &day)}</th>
                    <td class="num">{move || hours_in(i18n.get_locale(), gpu_hours)}</td>
                    <td class="num">{move || hours_in(i18n.get_locale(), cumulative)}</td>
                    <td class="num">{move || hours_in(i18n.get_locale(), pace)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="usage__days">
            <summary>{tr(i18n, |l| td_string!(l, usage.chart_figures))}</summary>
            <div class="table-wrap">
                <table class="usage__table">
                    <thead>
                        <tr>
                            <th scope="col">{tr(i18n, |l| td_string!(l, usage.day))}</th>
                            <th scope="col" class="num">{tr(i18n, |l| td_string!(l, usage.hours_that_day))}</th>
                            <th scope="col" class="num">{tr(i18n, |l| td_string!(l, usage.used_so_far))}</th>
                            <th scope="col" class="num">{tr(i18n, |l| td_string!(l, usage.even_pace))}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </details>
    }
}

/// Who used the quota, by their login at the site.
#[component]
fn PeopleTable(people: Vec<PersonUse>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = people
        .into_iter()
        .map(|p| {
            let name = p.name;
            let name = move || {
                name.clone()
                    .unwrap_or_else(|| t_string!(i18n, usage.unknown).to_owned())
            };
            let gpu_hours = p.gpu_hours;
            view! {
                <tr>
                    <td><code>{p.login}</code></td>
                    <td>{name}</td>
                    <td class="num">{move || hours_in(i18n.get_locale(), gpu_hours)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>{tr(i18n, |l| td_string!(l, usage.by_person))}</h3>
        <p class="muted small">{tr(i18n, |l| td_string!(l, usage.by_person_hint))}</p>
        <div class="table-wrap">
            <table class="usage__table">
                <thead>
                    <tr>
                        <th scope="col">{tr(i18n, |l| td_string!(l, usage.login))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, usage.name))}</th>
                        <th scope="col" class="num">{tr(i18n, |l| td_string!(l, usage.gpu_hours))}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
