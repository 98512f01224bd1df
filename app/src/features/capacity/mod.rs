//! `/capacity`: committed versus available GPUs, week by week over the next 26 weeks, for every
//! site and GPU model, as server-rendered SVG charts. Totals only, no tenant data: platform admins
//! and any signed-in tenant member may see it.

mod api;
pub mod chart;
pub use crate::wire::capacity as types;

pub use api::*;
pub use types::{CapacityLoads, PoolLoad, WEEKS};

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::domain::format::{fill, iso_date};
use crate::i18n::{t_string, td_string, use_i18n, Locale};

/// A sentence for screen readers and for anyone without the chart.
pub fn summary(locale: Locale, pool: &PoolLoad, weeks: &[String]) -> String {
    use chart::LoadLevel;
    let Some((i, peak)) = pool
        .peaks
        .iter()
        .copied()
        .enumerate()
        .max_by_key(|(i, p)| (*p, std::cmp::Reverse(*i)))
    else {
        return td_string!(locale, capacity.no_weeks).to_owned();
    };
    let busy = pool
        .peaks
        .iter()
        .filter(|&&p| LoadLevel::of(p, pool.available) != LoadLevel::Normal)
        .count();
    if peak == 0 {
        return fill(
            td_string!(locale, capacity.nothing_committed_summary),
            &[("n", &pool.peaks.len()), ("available", &pool.available)],
        );
    }
    let week = weeks
        .get(i)
        .map(|w| {
            fill(
                td_string!(locale, capacity.the_week_of),
                &[("date", &iso_date(locale, w))],
            )
        })
        .unwrap_or_default();
    fill(
        td_string!(locale, capacity.busiest_week),
        &[
            ("week", &week),
            ("peak", &peak),
            ("available", &pool.available),
            ("busy", &busy),
            ("n", &pool.peaks.len()),
        ],
    )
}

/// "7 Dec" from an ISO date, for the heat map's column heads.
pub(crate) fn day_month(iso: &str) -> String {
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let mut parts = iso.split('-').skip(1);
    let month = parts.next().and_then(|m| m.parse::<usize>().ok());
    let day = parts.next().and_then(|d| d.parse::<u32>().ok());
    match (month, day) {
        (Some(m @ 1..=12), Some(d)) => format!("{d} {}", MONTHS[m - 1]),
        _ => iso.to_owned(),
    }
}

/// [`day_month`] in `locale`: "7 déc.", "7 Dec".
pub(crate) fn day_month_in(locale: Locale, iso: &str) -> String {
    if locale == Locale::en {
        return day_month(iso);
    }
    let long = iso_date(locale, iso);
    match long.rsplit_once(' ') {
        Some((day_month, _year)) if long != iso => day_month.to_owned(),
        _ => long,
    }
}

/// The heat map's shade of a week: tenths of the available GPUs, capped, and "over" above 100 %.
pub fn heat_class(committed: u32, available: u32) -> &'static str {
    const SHADES: [&str; 6] = [
        "heat heat--0",
        "heat heat--1",
        "heat heat--2",
        "heat heat--3",
        "heat heat--4",
        "heat heat--5",
    ];
    if committed == 0 {
        return SHADES[0];
    }
    match chart::LoadLevel::of(committed, available) {
        chart::LoadLevel::Over => "heat heat--over",
        chart::LoadLevel::Busy => "heat heat--busy",
        chart::LoadLevel::Normal => {
            let tenths = u64::from(committed) * 10 / u64::from(available.max(1));
            SHADES[usize::try_from(tenths / 2 + 1).unwrap_or(5).min(5)]
        }
    }
}

#[component]
pub fn CapacityPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| capacity_overview());
    let site = crate::ui::table::query_param("site");
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, capacity.title))/>
        <section class="page page--wide">
            <div class="page-head">
                <div>
                    <h1>{tr(i18n, |l| td_string!(l, capacity.heading))}</h1>
                    <p class="page-head__lead">{tr(i18n, |l| td_string!(l, capacity.lead))}</p>
                </div>
            </div>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, capacity.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(o) => {
                            let chosen = site();
                            let (busy, empty) = split_empty(o.pools);
                            let loads = CapacityLoads { weeks: o.weeks, pools: busy };
                            view! {
                                <HeatMap loads=loads.clone()/>
                                <EmptyPools pools=empty/>
                                <Charts loads chosen/>
                            }.into_any()
                        }
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The pools with something committed in the weeks shown, and those without (folded away).
pub fn split_empty(pools: Vec<PoolLoad>) -> (Vec<PoolLoad>, Vec<PoolLoad>) {
    pools
        .into_iter()
        .partition(|p| p.peaks.iter().any(|&g| g > 0))
}

/// "Week of 7 Dec 2026" from an ISO date.
fn week_of(locale: Locale, iso: &str) -> String {
    fill(
        td_string!(locale, capacity.week_of),
        &[("date", &iso_date(locale, iso))],
    )
}

/// Every pool by week in one table: the busiest weeks stand out at a glance, and each cell
/// says its share in numbers (no colour needed; busy and over-committed weeks are hatched).
#[component]
fn HeatMap(loads: CapacityLoads) -> impl IntoView {
    let weeks = loads.weeks.clone();
    let i18n = use_i18n();
    if loads.pools.is_empty() {
        return view! { <p class="empty">{tr(i18n, |l| td_string!(l, capacity.nothing_committed_any_pool))}</p> }
            .into_any();
    }
    view! {
        <p class="heatmap-hint small muted">{tr(i18n, |l| td_string!(l, capacity.heatmap_hint))}</p>
        <div class="table-wrap heatmap-wrap" data-scroll="x" tabindex="0" role="region" aria-label=tr(i18n, |l| td_string!(l, capacity.heatmap_label))>
            <table class="heatmap">
                <caption>{tr(i18n, |l| td_string!(l, capacity.heatmap_caption))}</caption>
                <thead>
                    <tr>
                        <th scope="col">{tr(i18n, |l| td_string!(l, capacity.site_and_model))}</th>
                        {weeks.iter().map(|w| {
                            let w = w.clone();
                            view! { <th scope="col" class="heatmap__week"><span>{move || day_month_in(i18n.get_locale(), &w)}</span></th> }
                        }).collect_view()}
                    </tr>
                </thead>
                <tbody>
                    {loads.pools.iter().map(|p| {
                        let anchor = format!("#cap-{}-{}", p.site_slug, p.gpu_model.to_lowercase());
                        view! {
                            <tr>
                                <th scope="row"><a href=anchor>{p.site_name.clone()} " · " {p.gpu_model.clone()}</a></th>
                                {p.peaks.iter().zip(&weeks).map(|(&peak, week)| {
                                    let pct = u64::from(peak) * 100 / u64::from(p.available.max(1));
                                    let (week, available) = (week.clone(), p.available);
                                    let label = move || {
                                        let locale = i18n.get_locale();
                                        fill(
                                            td_string!(locale, capacity.heat_cell),
                                            &[
                                                ("week", &week_of(locale, &week)),
                                                ("peak", &peak),
                                                ("available", &available),
                                                ("pct", &pct),
                                            ],
                                        )
                                    };
                                    let title = label.clone();
                                    view! {
                                        <td class=heat_class(peak, p.available) title=title>
                                            <span aria-hidden="true">{pct}</span>
                                            <span class="visually-hidden">{label}</span>
                                        </td>
                                    }
                                }).collect_view()}
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="heatmap-legend small muted">
            <span class="heatmap-legend__item"><span class="heat heat--0"></span> " " {tr(i18n, |l| td_string!(l, capacity.legend_none))}</span>
            <span class="heatmap-legend__item"><span class="heat heat--2"></span> " " {tr(i18n, |l| td_string!(l, capacity.legend_40))}</span>
            <span class="heatmap-legend__item"><span class="heat heat--4"></span> " " {tr(i18n, |l| td_string!(l, capacity.legend_80))}</span>
            <span class="heatmap-legend__item"><span class="heat heat--busy"></span> " " {tr(i18n, |l| td_string!(l, capacity.legend_busy))}</span>
            <span class="heatmap-legend__item"><span class="heat heat--over"></span> " " {tr(i18n, |l| td_string!(l, capacity.legend_over))}</span>
        </p>
    }
    .into_any()
}

/// The pools with nothing committed, one line each, folded away.
#[component]
fn EmptyPools(pools: Vec<PoolLoad>) -> impl IntoView {
    let i18n = use_i18n();
    (!pools.is_empty()).then(|| {
        let count = pools.len();
        let summary = move || {
            if count == 1 {
                t_string!(i18n, capacity.empty_pools_one_form).to_owned()
            } else {
                fill(t_string!(i18n, capacity.empty_pools_other_form), &[("n", &count)])
            }
        };
        view! {
            <details class="card empty-pools">
                <summary>{summary}</summary>
                <ul class="plain-list">
                    {pools.into_iter().map(|p| view! {
                        <li>{p.site_name} " · " {p.gpu_model} " — " {move || fill(t_string!(i18n, capacity.free_every_week), &[("n", &p.available)])}</li>
                    }).collect_view()}
                </ul>
            </details>
        }
    })
}

/// Each week of a pool, for reading without the chart (and on a touch screen, where the bars'
/// tooltips do not open).
#[component]
fn WeekList(pool: PoolLoad, weeks: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <details class="week-list">
            <summary>{tr(i18n, |l| td_string!(l, capacity.week_by_week))}</summary>
            <table class="stack">
                <thead><tr><th scope="col">{tr(i18n, |l| td_string!(l, capacity.week))}</th><th scope="col" class="num">{tr(i18n, |l| td_string!(l, capacity.committed))}</th><th scope="col" class="num">{tr(i18n, |l| td_string!(l, capacity.share))}</th></tr></thead>
                <tbody>
                    {pool.peaks.iter().zip(&weeks).map(|(&peak, week)| {
                        let pct = u64::from(peak) * 100 / u64::from(pool.available.max(1));
                        let (week, available) = (week.clone(), pool.available);
                        view! {
                            <tr>
                                <td data-label=tr(i18n, |l| td_string!(l, capacity.week))>{move || week_of(i18n.get_locale(), &week)}</td>
                                <td class="num" data-label=tr(i18n, |l| td_string!(l, capacity.committed))>{move || fill(t_string!(i18n, capacity.committed_of), &[("peak", &peak), ("available", &available)])}</td>
                                <td class="num" data-label=tr(i18n, |l| td_string!(l, capacity.share))>{pct} "\u{a0}%"</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </details>
    }
}

/// One chart a pool, optionally for one site only (`?site=slug`).
#[component]
fn Charts(loads: CapacityLoads, chosen: Option<String>) -> impl IntoView {
    let weeks = loads.weeks.clone();
    let mut sites: Vec<(String, String)> = loads
        .pools
        .iter()
        .map(|p| (p.site_slug.clone(), p.site_name.clone()))
        .collect();
    sites.dedup();
    let chosen_slug = chosen.clone().unwrap_or_default();
    let i18n = use_i18n();
    view! {
        <nav class="chips" aria-label=tr(i18n, |l| td_string!(l, capacity.sites))>
            <a href="/capacity" class="chip" class:chip--on=chosen.is_none()>{tr(i18n, |l| td_string!(l, capacity.all_sites))}</a>
            {sites.into_iter().map(|(slug, name)| {
                let on = slug == chosen_slug;
                view! { <a href=format!("/capacity?site={slug}") class="chip" class:chip--on=on>{name}</a> }
            }).collect_view()}
        </nav>
        <div class="chart-grid">
            {loads.pools.into_iter().filter(|p| chosen.as_ref().is_none_or(|c| *c == p.site_slug)).map(|p| {
                let title = format!("{} — {}", p.site_name, p.gpu_model);
                let id = format!("cap-{}-{}", p.site_slug, p.gpu_model.to_lowercase());
                let svg = {
                    let (chart_id, title, weeks, peaks) = (format!("{id}-chart"), title.clone(), weeks.clone(), p.peaks.clone());
                    move || chart::svg(i18n.get_locale(), &chart_id, &title, p.available, &weeks, &peaks)
                };
                let text = {
                    let (p, weeks) = (p.clone(), weeks.clone());
                    move || summary(i18n.get_locale(), &p, &weeks)
                };
                view! {
                    <article class="card" id=id>
                        <h2>{title.clone()}</h2>
                        // A region that slides sideways on a phone takes the focus, so a keyboard can scroll it.
                        <div class="chart-wrap" data-scroll="x" tabindex="0" role="region" aria-label=title inner_html=svg></div>
                        <p class="small">{text}</p>
                        <WeekList pool=p.clone() weeks=weeks.clone()/>
                    </article>
                }
            }).collect_view()}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pools_with_nothing_committed_are_set_apart() {
        let pool = |slug: &str, peaks: Vec<u32>| PoolLoad {
            site_slug: slug.into(),
            site_name: slug.into(),
            gpu_model: "H100".into(),
            available: 10,
            peaks,
        };
        let (busy, empty) = split_empty(vec![pool("a", vec![0, 3]), pool("b", vec![0, 0])]);
        assert_eq!(busy.len(), 1);
        assert_eq!(busy[0].site_slug, "a");
        assert_eq!(empty[0].site_slug, "b");
        assert_eq!(week_of(Locale::en, "2026-12-07"), "Week of 7 Dec 2026");
    }

    #[test]
    fn week_heads_read_as_day_and_month() {
        assert_eq!(day_month("2026-12-07"), "7 Dec");
        assert_eq!(day_month("2027-01-04"), "4 Jan");
        assert_eq!(day_month("nonsense"), "nonsense");
    }

    #[test]
    fn shades_grow_with_the_load_and_turn_orange_above_80_percent() {
        assert_eq!(heat_class(0, 100), "heat heat--0");
        assert_eq!(heat_class(10, 100), "heat heat--1");
        assert_eq!(heat_class(50, 100), "heat heat--3");
        assert_eq!(heat_class(80, 100), "heat heat--5");
        assert_eq!(heat_class(81, 100), "heat heat--busy");
        assert_eq!(heat_class(101, 100), "heat heat--over");
    }
}
