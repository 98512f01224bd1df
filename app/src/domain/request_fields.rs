//! The fields of a quota request: `GpuCount`, `GpuModel`, `ProjectTitle`, `Justification`,
//! `ExpectedGpuHours` and the requested `TimeWindow` [start, end).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use super::format::{fill, integer};
use crate::i18n::{td_string, Locale};

// ---------------------------------------------------------------------------------------------
// Numbers
// ---------------------------------------------------------------------------------------------

/// How many GPUs a request asks for: 1 to 100,000.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u32", into = "u32")]
pub struct GpuCount(u32);

impl GpuCount {
    /// The largest count one request may ask for.
    pub const MAX: u32 = 100_000;

    /// Checks a count.
    pub fn new(count: u32) -> Result<Self, String> {
        let locale = crate::locale::current();
        match count {
            0 => Err(td_string!(locale, validation.gpu_count_none).to_owned()),
            n if n > Self::MAX => Err(fill(
                td_string!(locale, validation.gpu_count_above_max),
                &[("max", &integer(locale, Self::MAX.into()))],
            )),
            n => Ok(Self(n)),
        }
    }

    /// Reads a count typed in a form ("8", "1 024").
    pub fn parse(raw: &str) -> Result<Self, String> {
        let locale = crate::locale::current();
        match read_whole_number(raw) {
            Number::Empty => Err(td_string!(locale, validation.gpu_count_missing).to_owned()),
            Number::NotWhole => Err(fill(
                td_string!(locale, validation.gpu_count_not_whole),
                &[("raw", &raw.trim())],
            )),
            Number::Whole(n) => Self::new(u32::try_from(n).unwrap_or(u32::MAX)),
        }
    }

    /// The count.
    pub fn get(self) -> u32 {
        self.0
    }
}

/// The GPU-hours a requester expects to use within the window: 1 to 100,000,000.
/// The field is optional: a request holds an `Option<ExpectedGpuHours>`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "u64", into = "u64")]
pub struct ExpectedGpuHours(u64);

impl ExpectedGpuHours {
    /// The largest number of GPU-hours one request may expect.
    pub const MAX: u64 = 100_000_000;

    /// Checks a number of GPU-hours.
    pub fn new(hours: u64) -> Result<Self, String> {
        let locale = crate::locale::current();
        match hours {
            0 => Err(td_string!(locale, validation.gpu_hours_none).to_owned()),
            n if n > Self::MAX => Err(fill(
                td_string!(locale, validation.gpu_hours_above_max),
                &[("max", &with_thousands(locale, Self::MAX))],
            )),
            n => Ok(Self(n)),
        }
    }

    /// Reads the optional form field: empty means no estimate.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        match read_whole_number(raw) {
            Number::Empty => Ok(None),
            Number::NotWhole => Err(fill(
                td_string!(crate::locale::current(), validation.gpu_hours_not_whole),
                &[("raw", &raw.trim())],
            )),
            Number::Whole(n) => Self::new(n).map(Some),
        }
    }

    /// The number of GPU-hours.
    pub fn get(self) -> u64 {
        self.0
    }

    /// Checks that `gpus` GPUs can deliver these hours within `window`, running around the clock.
    pub fn check_within(self, gpus: GpuCount, window: &TimeWindow) -> Result<(), String> {
        let available = u64::from(gpus.get()) * window.hours();
        if self.0 <= available {
            return Ok(());
        }
        let locale = crate::locale::current();
        let gpus_words = fill(
            if gpus.get() == 1 {
                td_string!(locale, validation.gpus_singular)
            } else {
                td_string!(locale, validation.gpus_plural)
            },
            &[("n", &with_thousands(locale, gpus.get().into()))],
        );
        let days_words = fill(
            if window.days() == 1 {
                td_string!(locale, validation.days_singular)
            } else {
                td_string!(locale, validation.days_plural)
            },
            &[("n", &window.days())],
        );
        Err(fill(
            td_string!(locale, validation.gpu_hours_exceed),
            &[
                ("hours", &with_thousands(locale, self.0)),
                ("available", &with_thousands(locale, available)),
                ("gpus", &gpus_words),
                ("days", &days_words),
            ],
        ))
    }
}

enum Number {
    Empty,
    Whole(u64),
    NotWhole,
}

/// Reads a whole number typed in a form; spaces between digit groups are allowed,
/// and a number too large for `u64` reads as `u64::MAX` (out of every range here).
fn read_whole_number(raw: &str) -> Number {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        Number::Empty
    } else if digits.bytes().all(|b| b.is_ascii_digit()) {
        Number::Whole(digits.parse().unwrap_or(u64::MAX))
    } else {
        Number::NotWhole
    }
}

/// 100000000 → "100,000,000" ("100 000 000" in French).
fn with_thousands(locale: Locale, n: u64) -> String {
    integer(locale, i64::try_from(n).unwrap_or(i64::MAX))
}

// ---------------------------------------------------------------------------------------------
// Texts
// ---------------------------------------------------------------------------------------------

/// A GPU model name as in the catalogue, e.g. "H100" or "MI300X": trimmed, 1 to 40
/// characters among ASCII letters, digits, spaces and hyphens.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct GpuModel(String);

impl GpuModel {
    /// Reads a model name as typed.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let model = raw.trim();
        let locale = crate::locale::current();
        let chars = model.chars().count();
        if chars == 0 {
            return Err(td_string!(locale, validation.gpu_model_missing).to_owned());
        }
        if chars > 40 {
            return Err(fill(
                td_string!(locale, validation.gpu_model_too_long),
                &[("chars", &chars)],
            ));
        }
        if let Some(c) = model
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && !matches!(c, ' ' | '-'))
        {
            return Err(fill(
                td_string!(locale, validation.gpu_model_bad_char),
                &[("c", &c)],
            ));
        }
        Ok(Self(model.to_owned()))
    }

    /// The model name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The title of the project a request is for: trimmed, 3 to 200 characters, on one line.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct ProjectTitle(String);

impl ProjectTitle {
    /// Reads a title as typed.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let title = raw.trim();
        check_text(title, 3, 200, Text::ProjectTitle)?;
        if title.chars().any(char::is_control) {
            return Err(
                td_string!(crate::locale::current(), validation.project_title_one_line).to_owned(),
            );
        }
        Ok(Self(title.to_owned()))
    }

    /// The title.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Why a request needs its GPUs: trimmed, 20 to 5,000 characters; line breaks and tabs are
/// kept (Windows line ends become `\n`), other control characters are refused.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Justification(String);

impl Justification {
    /// Reads a justification as typed in a text area.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let text = raw.trim().replace("\r\n", "\n");
        check_text(&text, 20, 5000, Text::Justification)?;
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        {
            return Err(
                td_string!(crate::locale::current(), validation.justification_control).to_owned(),
            );
        }
        Ok(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// The texts [`check_text`] checks, for its words.
#[derive(Clone, Copy)]
enum Text {
    ProjectTitle,
    Justification,
}

/// Checks the length of a trimmed text in characters.
fn check_text(text: &str, min: usize, max: usize, what: Text) -> Result<(), String> {
    let locale = crate::locale::current();
    let chars = text.chars().count();
    let (missing, too_short, too_long) = match what {
        Text::ProjectTitle => (
            td_string!(locale, validation.project_title_missing),
            td_string!(locale, validation.project_title_too_short),
            td_string!(locale, validation.project_title_too_long),
        ),
        Text::Justification => (
            td_string!(locale, validation.justification_missing),
            td_string!(locale, validation.justification_too_short),
            td_string!(locale, validation.justification_too_long),
        ),
    };
    if chars == 0 {
        return Err(missing.to_owned());
    }
    if chars < min {
        return Err(fill(too_short, &[("min", &min), ("chars", &chars)]));
    }
    if chars > max {
        return Err(fill(
            too_long,
            &[
                ("max", &with_thousands(locale, max as u64)),
                ("chars", &with_thousands(locale, chars as u64)),
            ],
        ));
    }
    Ok(())
}

string_newtype_conversions!(GpuModel, ProjectTitle, Justification);

/// Implements `Display`, `TryFrom<$int>` and `From<Self> for $int` for a number newtype.
macro_rules! number_newtype_conversions {
    ($($name:ident($int:ty)),+) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                write!(f, "{}", self.0)
            }
        }

        impl TryFrom<$int> for $name {
            type Error = String;

            fn try_from(value: $int) -> Result<Self, Self::Error> {
                Self::new(value)
            }
        }

        impl From<$name> for $int {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    )+};
}

number_newtype_conversions!(GpuCount(u32), ExpectedGpuHours(u64));

// ---------------------------------------------------------------------------------------------
// Time window
// ---------------------------------------------------------------------------------------------

/// The days a request covers: from `start` included to `end` excluded, so never empty.
///
/// Serialised as `{"start": "2025-03-10", "end": "2026-03-10"}` (see [`TimeWindowParts`]);
/// reading it back checks only that the end is after the start, since a stored window may
/// rightly lie in the past and its length was checked against the policy of its day.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "TimeWindowParts", into = "TimeWindowParts")]
pub struct TimeWindow {
    start: Date,
    end: Date,
}

/// The stored form of a [`TimeWindow`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimeWindowParts {
    /// First day of the window.
    pub start: Date,
    /// First day after the window.
    pub end: Date,
}

impl TimeWindow {
    /// Checks a window asked for on `today`: the end after the start, the start not in the past,
    /// and the end at most `max_months` calendar months after the start.
    pub fn new(start: Date, end: Date, today: Date, max_months: u32) -> Result<Self, String> {
        let window = Self::from_bounds(start, end)?;
        let locale = crate::locale::current();
        if start < today {
            return Err(td_string!(locale, validation.window_start_past).to_owned());
        }
        let too_long = add_months(start, max_months).is_some_and(|latest_end| end > latest_end);
        if too_long {
            let words = if max_months == 1 {
                td_string!(locale, validation.window_too_long_singular)
            } else {
                td_string!(locale, validation.window_too_long_plural)
            };
            return Err(fill(words, &[("n", &max_months)]));
        }
        Ok(window)
    }

    /// A window known to be valid already (stored, or changed by an admin): only checks that
    /// the end is after the start.
    pub fn from_bounds(start: Date, end: Date) -> Result<Self, String> {
        if end <= start {
            return Err(
                td_string!(crate::locale::current(), validation.window_end_before_start).to_owned(),
            );
        }
        Ok(Self { start, end })
    }

    /// The first day of the window.
    pub fn start(&self) -> Date {
        self.start
    }

    /// The first day after the window.
    pub fn end(&self) -> Date {
        self.end
    }

    /// The last day of the window (the day before `end`).
    pub fn last_day(&self) -> Date {
        self.end.previous_day().unwrap_or(self.start)
    }

    /// How many days the window covers; at least 1.
    pub fn days(&self) -> u32 {
        u32::try_from((self.end - self.start).whole_days()).unwrap_or(u32::MAX)
    }

    /// How many hours the window covers (24 a day).
    pub fn hours(&self) -> u64 {
        u64::from(self.days()) * 24
    }

    /// Whether the two windows share at least one day.
    pub fn overlaps(&self, other: &TimeWindow) -> bool {
        self.start < other.end && other.start < self.end
    }

    /// Whether `day` is in the window.
    pub fn contains(&self, day: Date) -> bool {
        self.start <= day && day < self.end
    }
}

/// `date` plus `months` calendar months, the day clamped to the month's length
/// (31 January + 1 month = 28 or 29 February); `None` past the calendar's range.
fn add_months(date: Date, months: u32) -> Option<Date> {
    let index =
        i64::from(date.year()) * 12 + i64::from(u8::from(date.month()) - 1) + i64::from(months);
    let year = i32::try_from(index.div_euclid(12)).ok()?;
    let month = Month::try_from(u8::try_from(index.rem_euclid(12) + 1).ok()?).ok()?;
    let day = date.day().min(time::util::days_in_month(month, year));
    Date::from_calendar_date(year, month, day).ok()
}

impl fmt::Display for TimeWindow {
    /// "2025-03-10 to 2026-03-09": the first and the last day, both included.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} to {}", self.start, self.last_day())
    }
}

impl TryFrom<TimeWindowParts> for TimeWindow {
    type Error = String;

    fn try_from(parts: TimeWindowParts) -> Result<Self, Self::Error> {
        Self::from_bounds(parts.start, parts.end)
    }
}

impl From<TimeWindow> for TimeWindowParts {
    fn from(window: TimeWindow) -> Self {
        Self {
            start: window.start,
            end: window.end,
        }
    }
}

#[cfg(test)]
mod tests;
