//! The "Usage" section of a quota's request page: used against budget (figures, per cent and a
//! meter), the day-by-day chart with its data as a table, when the budget runs out at this pace,
//! whether the quota sits idle, and who used it (for those who may see that).

use leptos::prelude::*;

use super::chart::{hours, long_day, UsageChart};
use super::types::{DayUse, PersonUse, QuotaUsage};
use crate::domain::usage::IDLE_BELOW_PERCENT;
use crate::error::AppError;

/// The section for request `rid`, from what `get_quota_usage` answered.
#[component]
pub fn UsageSection(rid: i64, usage: Result<QuotaUsage, AppError>) -> impl IntoView {
    let body = match usage {
        Ok(u) => view! { <UsageBody rid u/> }.into_any(),
        Err(e) => view! {
            <p class="form__error" role="alert">"The usage could not be loaded: " {e.to_string()}</p>
        }
        .into_any(),
    };
    view! {
        <section class="card usage" aria-labelledby="usage-title">
            <h2 id="usage-title">"Usage"</h2>
            {body}
        </section>
    }
}

#[component]
fn UsageBody(rid: i64, u: QuotaUsage) -> impl IntoView {
    let reported = u.used_gpu_hours > 0.0 || u.days.iter().any(|d| d.gpu_hours > 0.0);
    let figures = format!(
        "{} of {} GPU-hours used ({} %)",
        hours(u.used_gpu_hours),
        hours(u.budget_gpu_hours),
        u.percent
    );
    // The meter turns to "high" from 90 % of the budget (browsers colour it).
    let high = u.budget_gpu_hours * 0.9;
    let runs_out = u.runs_out_on.as_deref().map(|day| {
        view! {
            <p class="usage__notice usage__notice--warn">
                <strong>"At this pace the budget runs out on " {long_day(day)} "."</strong>
                " That is before the quota ends; ask for a change if you need more."
            </p>
        }
    });
    let idle = u.idle.then(|| {
        view! {
            <p class="usage__notice usage__notice--idle">
                <strong>"Idle. "</strong>
                {format!(
                    "Past half its window, this quota has used less than {IDLE_BELOW_PERCENT} % of what an even pace would have by now. \
                     If you no longer need its GPUs, tell the platform team so others can use them."
                )}
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
        view! { <p class="empty">"No usage reported by the site yet."</p> }.into_any()
    };
    let people =
        (!u.by_person.is_empty()).then(|| view! { <PeopleTable people=u.by_person.clone()/> });
    view! {
        <p class="usage__figures">{figures.clone()}</p>
        <meter class="usage__meter" min="0" max=u.budget_gpu_hours.max(0.0) low=high high=high
            optimum="0" value=u.used_gpu_hours aria-label=figures>
            {format!("{} %", u.percent)}
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
    let rows = days
        .into_iter()
        .map(|d| {
            view! {
                <tr>
                    <th scope="row">{long_day(&d.day)}</th>
                    <td class="num">{hours(d.gpu_hours)}</td>
                    <td class="num">{hours(d.cumulative)}</td>
                    <td class="num">{hours(d.pace)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <details class="usage__days">
            <summary>"The chart's figures, day by day"</summary>
            <div class="table-wrap">
                <table class="usage__table">
                    <thead>
                        <tr>
                            <th scope="col">"Day"</th>
                            <th scope="col" class="num">"GPU-hours that day"</th>
                            <th scope="col" class="num">"Used so far"</th>
                            <th scope="col" class="num">"Even pace"</th>
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
    let rows = people
        .into_iter()
        .map(|p| {
            let name = p.name.unwrap_or_else(|| "unknown".to_owned());
            view! {
                <tr>
                    <td><code>{p.login}</code></td>
                    <td>{name}</td>
                    <td class="num">{hours(p.gpu_hours)}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <h3>"By person"</h3>
        <p class="muted small">
            "By the login the site's scheduler knows them by; a person is named once they give that login on their account page."
        </p>
        <div class="table-wrap">
            <table class="usage__table">
                <thead>
                    <tr>
                        <th scope="col">"Login"</th>
                        <th scope="col">"Name"</th>
                        <th scope="col" class="num">"GPU-hours"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
