//! The capacity chart as an SVG document built in Rust: one bar per week (peak committed GPUs)
//! and a line at the available level. Pure geometry and text, no I/O, so it renders the same on
//! the server and in the browser and reads without the wasm. No inline styles (the CSP forbids
//! them): colours are SVG presentation attributes, plus classes for the stylesheet.

use crate::domain::escape_markup as escape;
use crate::domain::format::fill;
use crate::i18n::{td_string, Locale};

/// Drawing area, in SVG user units.
pub const WIDTH: u32 = 640;
pub const HEIGHT: u32 = 200;
/// Room for the axis labels.
const MARGIN_LEFT: u32 = 48;
const MARGIN_BOTTOM: u32 = 24;
const MARGIN_TOP: u32 = 12;

/// How full a week is against the available GPUs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LoadLevel {
    /// At most 80 % of the available GPUs.
    Normal,
    /// Above 80 %, up to 100 %.
    Busy,
    /// Above 100 %: should never happen, shown so that it would be seen.
    Over,
}

impl LoadLevel {
    /// The level of `committed` against `available`: 80 % and 100 % thresholds, inclusive below.
    pub fn of(committed: u32, available: u32) -> Self {
        let (c, a) = (u64::from(committed), u64::from(available));
        if c > a {
            Self::Over
        } else if c * 5 > a * 4 {
            Self::Busy
        } else {
            Self::Normal
        }
    }

    pub const fn fill(self) -> &'static str {
        match self {
            Self::Normal => "#2f6f9f",
            Self::Busy => "#c77700",
            Self::Over => "#b3261e",
        }
    }

    pub const fn class(self) -> &'static str {
        match self {
            Self::Normal => "chart__bar",
            Self::Busy => "chart__bar chart__bar--busy",
            Self::Over => "chart__bar chart__bar--over",
        }
    }

    /// What a bar's tooltip adds for a busy or over-committed week (with its leading space).
    pub fn label(self, locale: Locale) -> String {
        match self {
            Self::Normal => String::new(),
            Self::Busy => format!(" {}", td_string!(locale, capacity.level_busy)),
            Self::Over => format!(" {}", td_string!(locale, capacity.level_over)),
        }
    }
}

/// One week's bar.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bar {
    pub x: u32,
    pub y: u32,
    pub width: u32,
    pub height: u32,
    pub level: LoadLevel,
}

/// Bars and the available line of one chart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Geometry {
    pub bars: Vec<Bar>,
    /// The y of the available level.
    pub available_y: u32,
    /// The value at the top of the scale.
    pub scale_max: u32,
}

/// The geometry for `peaks` (one per week) against `available` GPUs. The scale tops at the larger
/// of the available level and the highest peak, so the line and every bar fit.
pub fn geometry(available: u32, peaks: &[u32]) -> Geometry {
    let plot_w = WIDTH - MARGIN_LEFT;
    let plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
    let bottom = HEIGHT - MARGIN_BOTTOM;
    let scale_max = peaks
        .iter()
        .copied()
        .max()
        .unwrap_or(0)
        .max(available)
        .max(1);
    let scale = |v: u32| -> u32 {
        u32::try_from(u64::from(v) * u64::from(plot_h) / u64::from(scale_max)).unwrap_or(plot_h)
    };
    let n = u32::try_from(peaks.len()).unwrap_or(u32::MAX).max(1);
    let slot = plot_w / n;
    let gap = (slot / 5).max(1);
    let bars = peaks
        .iter()
        .enumerate()
        .map(|(i, &peak)| {
            let i = u32::try_from(i).unwrap_or(0);
            let height = scale(peak);
            Bar {
                x: MARGIN_LEFT + i * slot + gap / 2,
                y: bottom - height,
                width: slot.saturating_sub(gap).max(1),
                height,
                level: LoadLevel::of(peak, available),
            }
        })
        .collect();
    Geometry {
        bars,
        available_y: bottom - scale(available),
        scale_max,
    }
}

/// The whole `<svg>` for one pool, in `locale`: `id` must be unique in the page (it names the
/// title and description), `weeks` are the ISO week starts, one per peak.
pub fn svg(
    locale: Locale,
    id: &str,
    title: &str,
    available: u32,
    weeks: &[String],
    peaks: &[u32],
) -> String {
    let g = geometry(available, peaks);
    let id = escape(id);
    let bottom = HEIGHT - MARGIN_BOTTOM;
    let busy = peaks
        .iter()
        .filter(|&&p| LoadLevel::of(p, available) != LoadLevel::Normal)
        .count();
    // French puts 0 and 1 in the singular, English only 1.
    let one = busy == 1 || (busy == 0 && locale == Locale::fr);
    let desc = fill(
        if one {
            td_string!(locale, capacity.chart_desc_one_form)
        } else {
            td_string!(locale, capacity.chart_desc_other_form)
        },
        &[("available", &available), ("busy", &busy)],
    );
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" viewBox=\"0 0 {WIDTH} {HEIGHT}\" \
         width=\"100%\" role=\"img\" aria-labelledby=\"{id}-title {id}-desc\">\
         <title id=\"{id}-title\">{}</title>\
         <desc id=\"{id}-desc\">{}</desc>",
        escape(title),
        escape(&desc),
    );
    s.push_str(&format!(
        "<line class=\"chart__axis\" x1=\"{MARGIN_LEFT}\" y1=\"{bottom}\" x2=\"{WIDTH}\" y2=\"{bottom}\" stroke=\"#555\" stroke-width=\"1\"/>\
         <text class=\"chart__label\" x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" fill=\"#333\">{}</text>\
         <text class=\"chart__label\" x=\"{}\" y=\"{}\" text-anchor=\"end\" font-size=\"11\" fill=\"#333\">0</text>",
        MARGIN_LEFT - 4,
        MARGIN_TOP + 4,
        g.scale_max,
        MARGIN_LEFT - 4,
        bottom,
    ));
    for (i, bar) in g.bars.iter().enumerate() {
        let week = weeks.get(i).map(String::as_str).unwrap_or("");
        let peak = peaks.get(i).copied().unwrap_or(0);
        let tooltip = fill(
            td_string!(locale, capacity.chart_bar),
            &[
                ("week", &week),
                ("peak", &peak),
                ("available", &available),
                ("level", &bar.level.label(locale)),
            ],
        );
        s.push_str(&format!(
            "<rect class=\"{}\" x=\"{}\" y=\"{}\" width=\"{}\" height=\"{}\" fill=\"{}\">\
             <title>{}</title></rect>",
            bar.level.class(),
            bar.x,
            bar.y,
            bar.width,
            bar.height,
            bar.level.fill(),
            escape(&tooltip),
        ));
    }
    // The date axis: the first day of every fourth week, under its bar.
    for (i, bar) in g.bars.iter().enumerate().step_by(4) {
        if let Some(week) = weeks.get(i) {
            s.push_str(&format!(
                "<text class=\"chart__label\" x=\"{}\" y=\"{}\" font-size=\"11\" fill=\"#333\">{}</text>",
                bar.x,
                HEIGHT - 6,
                escape(&super::day_month_in(locale, week)),
            ));
        }
    }
    let available_words = fill(
        td_string!(locale, capacity.chart_available),
        &[("available", &available)],
    );
    s.push_str(&format!(
        "<line class=\"chart__available\" x1=\"{MARGIN_LEFT}\" y1=\"{y}\" x2=\"{WIDTH}\" y2=\"{y}\" stroke=\"#1b1b1b\" \
         stroke-width=\"2\" stroke-dasharray=\"6 4\"><title>{}</title></line></svg>",
        escape(&available_words),
        y = g.available_y,
    ));
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_switch_above_80_and_above_100_percent() {
        assert_eq!(LoadLevel::of(80, 100), LoadLevel::Normal);
        assert_eq!(LoadLevel::of(81, 100), LoadLevel::Busy);
        assert_eq!(LoadLevel::of(100, 100), LoadLevel::Busy);
        assert_eq!(LoadLevel::of(101, 100), LoadLevel::Over);
        assert_eq!(LoadLevel::of(0, 0), LoadLevel::Normal);
        assert_eq!(LoadLevel::of(1, 0), LoadLevel::Over);
    }

    #[test]
    fn bars_stand_on_the_axis_and_scale_to_the_available_level() {
        let g = geometry(200, &[0, 100, 200]);
        let bottom = HEIGHT - MARGIN_BOTTOM;
        let plot_h = HEIGHT - MARGIN_TOP - MARGIN_BOTTOM;
        assert_eq!(g.scale_max, 200);
        assert_eq!(g.available_y, MARGIN_TOP);
        assert_eq!(g.bars.len(), 3);
        for bar in &g.bars {
            assert_eq!(bar.y + bar.height, bottom);
            assert!(bar.x >= MARGIN_LEFT && bar.x + bar.width <= WIDTH);
        }
        assert_eq!(g.bars[0].height, 0);
        assert_eq!(g.bars[1].height, plot_h / 2);
        assert_eq!(g.bars[2].height, plot_h);
        assert!(g.bars[0].x < g.bars[1].x && g.bars[1].x < g.bars[2].x);
    }

    #[test]
    fn an_over_committed_week_raises_the_scale_and_stays_inside() {
        let g = geometry(100, &[50, 150]);
        assert_eq!(g.scale_max, 150);
        assert!(g.available_y > MARGIN_TOP);
        assert_eq!(g.bars[1].y, MARGIN_TOP);
        assert_eq!(g.bars[1].level, LoadLevel::Over);
    }

    #[test]
    fn twenty_six_weeks_fit_the_width_and_nothing_is_empty() {
        let g = geometry(0, &[0; 26]);
        assert_eq!(g.scale_max, 1);
        let last = g.bars.last().unwrap();
        assert!(last.x + last.width <= WIDTH);
        assert!(g.bars.iter().all(|b| b.width >= 1));
        assert!(geometry(10, &[]).bars.is_empty());
    }

    #[test]
    fn the_svg_has_titles_escaped_text_and_no_inline_style() {
        let weeks = vec!["2027-01-04".to_string(), "2027-01-11".to_string()];
        let s = svg(Locale::en, "c-1", "Dugny <H100>", 256, &weeks, &[100, 250]);
        assert!(s.starts_with("<svg") && s.ends_with("</svg>"));
        assert!(s.contains("Dugny &lt;H100&gt;"));
        assert!(s.contains(
            "<title>Week of 2027-01-11: 250 of 256 GPUs committed (busy: above 80 %)</title>"
        ));
        assert!(s.contains("1 week above 80 %"));
        assert_eq!(s.matches("<rect").count(), 2);
        assert!(!s.contains("style="));
    }
}
