//! A quota's use as an inline SVG chart: GPU-hours used so far, day by day (a solid line with a
//! dot per day), against the even pace that would use the budget by the window's end (dashed).
//! The geometry is plain arithmetic, unit-tested; no inline styles (the CSP forbids them): the
//! stylesheet colours the classes. The legend is HTML and names each line by its shape.

use crate::i18n::td_string;
use crate::ui::language::tr;
use leptos::prelude::*;

use super::types::DayUse;
use crate::domain::format::{self, fill};
use crate::features::capacity::day_month;
use crate::i18n::{t_string, use_i18n, Locale};

/// The drawing, in SVG user units.
pub const WIDTH: f64 = 440.0;
pub const HEIGHT: f64 = 230.0;
const LEFT: f64 = 58.0;
const RIGHT: f64 = 14.0;
const TOP: f64 = 26.0;
const BOTTOM: f64 = 30.0;

/// GPU-hours as people read them: whole hours with thousands separated from 100 up, one
/// decimal below ("1,234", "12.5", "0").
pub fn hours(h: f64) -> String {
    if h.abs() >= 100.0 {
        let whole = format!("{:.0}", h.abs());
        let mut out = String::new();
        for (i, c) in whole.chars().enumerate() {
            if i > 0 && (whole.len() - i) % 3 == 0 {
                out.push(',');
            }
            out.push(c);
        }
        if h < 0.0 {
            format!("-{out}")
        } else {
            out
        }
    } else {
        let text = format!("{h:.1}");
        text.strip_suffix(".0").map(str::to_owned).unwrap_or(text)
    }
}

/// [`hours`] as `locale` writes numbers: "1 234" and "12,5" in French.
pub fn hours_in(locale: Locale, h: f64) -> String {
    match locale {
        Locale::en => hours(h),
        Locale::fr if h.abs() >= 100.0 => format::integer(locale, h.round() as i64),
        Locale::fr => format::decimal(locale, h, 1),
    }
}

/// [`tick_label`] as `locale` writes numbers: "2 500", "80k", "1,5M" in French.
pub fn tick_label_in(locale: Locale, h: f64) -> String {
    if locale == Locale::en {
        return tick_label(h);
    }
    if h >= 1_000_000.0 {
        format!("{}M", format::decimal(locale, h / 1_000_000.0, 1))
    } else if h >= 10_000.0 {
        format!("{}k", format::decimal(locale, h / 1_000.0, 1))
    } else {
        hours_in(locale, h)
    }
}

/// [`long_day`] in `locale`: "5 déc. 2026", "5 Dec 2026".
pub fn long_day_in(locale: Locale, iso: &str) -> String {
    format::iso_date(locale, iso)
}

/// A `YYYY-MM-DD` day without its year, in `locale`: "5 déc.", "5 Dec".
fn day_month_in(locale: Locale, iso: &str) -> String {
    if locale == Locale::en {
        return day_month(iso);
    }
    let long = format::iso_date(locale, iso);
    match long.rsplit_once(' ') {
        Some((day_month, _year)) if long != iso => day_month.to_owned(),
        _ => long,
    }
}

/// A value axis label, short enough for a phone: "800", "2,500", "80k", "1.5M".
pub fn tick_label(h: f64) -> String {
    let short = |v: f64, unit: &str| {
        let text = format!("{v:.1}");
        format!("{}{unit}", text.strip_suffix(".0").unwrap_or(&text))
    };
    if h >= 1_000_000.0 {
        short(h / 1_000_000.0, "M")
    } else if h >= 10_000.0 {
        short(h / 1_000.0, "k")
    } else {
        hours(h)
    }
}

/// A `YYYY-MM-DD` day as "5 Dec 2026".
pub fn long_day(iso: &str) -> String {
    match iso.split('-').next() {
        Some(year) if iso.len() == 10 => format!("{} {year}", day_month(iso)),
        _ => iso.to_owned(),
    }
}

/// The step between the value axis's ticks: 1, 2 or 5 times a power of ten, so that about
/// `ticks` steps reach `max`.
pub fn tick_step(max: f64, ticks: u32) -> f64 {
    if max <= 0.0 || !max.is_finite() {
        return 1.0;
    }
    let rough = max / f64::from(ticks.max(1));
    let power = 10_f64.powf(rough.log10().floor());
    [1.0, 2.0, 5.0, 10.0]
        .into_iter()
        .map(|m| m * power)
        .find(|step| *step >= rough)
        .unwrap_or(10.0 * power)
}

/// The value axis: its top (a whole number of steps at or above `max`) and its ticks from 0.
pub fn value_ticks(max: f64) -> (f64, Vec<f64>) {
    let step = tick_step(max, 4);
    let steps = (max / step).ceil().max(1.0);
    let top = steps * step;
    let ticks = (0..=steps as u32).map(|i| f64::from(i) * step).collect();
    (top, ticks)
}

/// Which of `n` days get a date under the axis: at most `most`, evenly spread, the first and the
/// last always.
pub fn day_ticks(n: usize, most: usize) -> Vec<usize> {
    if n == 0 {
        return Vec::new();
    }
    if n <= most {
        return (0..n).collect();
    }
    let gaps = most.max(2) - 1;
    let mut out: Vec<usize> = (0..=gaps).map(|k| k * (n - 1) / gaps).collect();
    out.dedup();
    out
}

/// Where things go on the drawing.
#[derive(Debug, Clone, PartialEq)]
pub struct Plot {
    pub days: usize,
    pub top: f64,
    /// The value axis's ticks, from 0 to `top`.
    pub ticks: Vec<f64>,
}

impl Plot {
    pub fn new(days: &[DayUse]) -> Self {
        let max = days
            .iter()
            .map(|d| d.cumulative.max(d.pace))
            .fold(0.0_f64, f64::max);
        let (top, ticks) = value_ticks(max);
        Self {
            days: days.len(),
            top,
            ticks,
        }
    }

    /// The x of the `i`th day (the only day sits in the middle).
    pub fn x(&self, i: usize) -> f64 {
        let width = WIDTH - LEFT - RIGHT;
        if self.days <= 1 {
            LEFT + width / 2.0
        } else {
            LEFT + width * (i as f64) / ((self.days - 1) as f64)
        }
    }

    /// The y of a value in GPU-hours.
    pub fn y(&self, value: f64) -> f64 {
        let height = HEIGHT - TOP - BOTTOM;
        TOP + height * (1.0 - (value / self.top).clamp(0.0, 1.0))
    }

    /// An SVG `points` list for one value of each day.
    pub fn points(&self, days: &[DayUse], value: impl Fn(&DayUse) -> f64) -> String {
        days.iter()
            .enumerate()
            .map(|(i, d)| format!("{:.1},{:.1}", self.x(i), self.y(value(d))))
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The chart: `id` must be unique in the page (it names the title and description).
#[component]
pub fn UsageChart(id: String, days: Vec<DayUse>, budget: f64) -> impl IntoView {
    let i18n = use_i18n();
    let plot = Plot::new(&days);
    let (title_id, desc_id) = (format!("{id}-title"), format!("{id}-desc"));
    let labelled_by = format!("{title_id} {desc_id}");
    let ends = days.first().cloned().zip(days.last().cloned());
    let description = move || match &ends {
        Some((first, last)) => {
            let locale = i18n.get_locale();
            fill(
                t_string!(i18n, usage.chart_description),
                &[
                    ("first", &long_day_in(locale, &first.day)),
                    ("last", &long_day_in(locale, &last.day)),
                    ("used", &hours_in(locale, last.cumulative)),
                    ("pace", &hours_in(locale, last.pace)),
                    ("budget", &hours_in(locale, budget)),
                ],
            )
        }
        None => String::new(),
    };
    let bottom = HEIGHT - BOTTOM;
    let grid = plot
        .ticks
        .iter()
        .copied()
        .map(|v| {
            let y = format!("{:.1}", plot.y(v));
            view! {
                <line class="usage-chart__grid" x1=LEFT x2=WIDTH - RIGHT y1=y.clone() y2=y.clone()/>
                <text class="usage-chart__label" x=LEFT - 6.0 y=y dy="0.35em" text-anchor="end">{move || tick_label_in(i18n.get_locale(), v)}</text>
            }
        })
        .collect_view();
    let dates = day_ticks(days.len(), 5)
        .into_iter()
        .map(|i| {
            let anchor = if days.len() > 1 && i == 0 {
                "start"
            } else if days.len() > 1 && i + 1 == days.len() {
                "end"
            } else {
                "middle"
            };
            let day = days[i].day.clone();
            view! {
                <line class="usage-chart__tick" x1=plot.x(i) x2=plot.x(i) y1=bottom y2=bottom + 5.0/>
                <text class="usage-chart__label" x=plot.x(i) y=HEIGHT - 8.0 text-anchor=anchor>
                    {move || day_month_in(i18n.get_locale(), &day)}
                </text>
            }
        })
        .collect_view();
    let radius = if days.len() > 45 { 2.0 } else { 3.5 };
    let dots = days
        .iter()
        .enumerate()
        .map(|(i, d)| {
            let d2 = d.clone();
            let tip = move || {
                let locale = i18n.get_locale();
                fill(
                    t_string!(i18n, usage.chart_tip),
                    &[
                        ("day", &long_day_in(locale, &d2.day)),
                        ("hours", &hours_in(locale, d2.gpu_hours)),
                        ("cumulative", &hours_in(locale, d2.cumulative)),
                        ("pace", &hours_in(locale, d2.pace)),
                    ],
                )
            };
            view! {
                <circle class="usage-chart__point" cx=format!("{:.1}", plot.x(i))
                    cy=format!("{:.1}", plot.y(d.cumulative)) r=radius>
                    <title>{tip}</title>
                </circle>
            }
        })
        .collect_view();
    let pace = plot.points(&days, |d| d.pace);
    let used = plot.points(&days, |d| d.cumulative);
    view! {
        <div class="chart-wrap usage-chart-wrap">
            <svg class="usage-chart" viewBox=format!("0 0 {WIDTH} {HEIGHT}") role="img"
                aria-labelledby=labelled_by>
                <title id=title_id>{tr(i18n, |l| td_string!(l, usage.chart_title))}</title>
                <desc id=desc_id>{description}</desc>
                <text class="usage-chart__label usage-chart__unit" x="4" y="14">{tr(i18n, |l| td_string!(l, usage.gpu_hours))}</text>
                {grid}
                <line class="usage-chart__axis" x1=LEFT x2=WIDTH - RIGHT y1=bottom y2=bottom/>
                <line class="usage-chart__axis" x1=LEFT x2=LEFT y1=TOP y2=bottom/>
                {dates}
                <polyline class="usage-chart__pace" points=pace/>
                <polyline class="usage-chart__used" points=used/>
                {dots}
            </svg>
        </div>
        <ul class="chart-legend">
            <li>
                <svg class="chart-legend__key" viewBox="0 0 36 12" aria-hidden="true">
                    <line class="usage-chart__used" x1="0" x2="36" y1="6" y2="6"/>
                    <circle class="usage-chart__point" cx="18" cy="6" r="3.5"/>
                </svg>
                {tr(i18n, |l| td_string!(l, usage.legend_used))}
            </li>
            <li>
                <svg class="chart-legend__key" viewBox="0 0 36 12" aria-hidden="true">
                    <line class="usage-chart__pace" x1="0" x2="36" y1="6" y2="6"/>
                </svg>
                {tr(i18n, |l| td_string!(l, usage.legend_pace))}
            </li>
        </ul>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(day: &str, cumulative: f64, pace: f64) -> DayUse {
        DayUse {
            day: day.to_owned(),
            gpu_hours: 0.0,
            cumulative,
            pace,
        }
    }

    #[test]
    fn hours_read_whole_with_separators_from_a_hundred_up() {
        assert_eq!(hours(0.0), "0");
        assert_eq!(hours(12.5), "12.5");
        assert_eq!(hours(12.0), "12");
        assert_eq!(hours(1234.4), "1,234");
        assert_eq!(hours(1_234_567.0), "1,234,567");
        assert_eq!(hours(100.0), "100");
    }

    #[test]
    fn axis_labels_shorten_thousands_and_millions() {
        assert_eq!(tick_label(0.0), "0");
        assert_eq!(tick_label(2500.0), "2,500");
        assert_eq!(tick_label(80_000.0), "80k");
        assert_eq!(tick_label(1_500_000.0), "1.5M");
    }

    #[test]
    fn a_day_reads_with_its_month_in_words() {
        assert_eq!(long_day("2026-12-05"), "5 Dec 2026");
        assert_eq!(long_day("soon"), "soon");
    }

    #[test]
    fn the_value_axis_steps_by_one_two_or_five_and_covers_the_highest_value() {
        assert_eq!(tick_step(100.0, 4), 50.0);
        assert_eq!(tick_step(7.0, 4), 2.0);
        let (top, ticks) = value_ticks(130.0);
        assert_eq!(top, 150.0);
        assert_eq!(ticks, vec![0.0, 50.0, 100.0, 150.0]);
        assert_eq!(value_ticks(0.0).0, 1.0);
    }

    #[test]
    fn dates_under_the_axis_include_the_first_and_last_day() {
        assert_eq!(day_ticks(3, 5), vec![0, 1, 2]);
        assert_eq!(day_ticks(31, 5), vec![0, 7, 15, 22, 30]);
        assert!(day_ticks(0, 5).is_empty());
    }

    #[test]
    fn points_stay_inside_the_drawing() {
        let days = vec![day("2026-12-01", 0.0, 10.0), day("2026-12-02", 30.0, 20.0)];
        let plot = Plot::new(&days);
        assert_eq!(plot.x(0), LEFT);
        assert_eq!(plot.x(1), WIDTH - RIGHT);
        assert_eq!(plot.y(0.0), HEIGHT - BOTTOM);
        assert!(plot.y(30.0) >= TOP);
        assert_eq!(plot.points(&days, |d| d.pace).split(' ').count(), 2);
    }
}
