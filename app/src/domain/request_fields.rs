//! The fields of a quota request: `GpuCount`, `GpuModel`, `ProjectTitle`, `Justification`,
//! `ExpectedGpuHours` and the requested `TimeWindow` [start, end).

use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Month};

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
        match count {
            0 => Err("At least one GPU is needed.".to_owned()),
            n if n > Self::MAX => Err(format!(
                "A request can ask for at most {} GPUs.",
                with_thousands(Self::MAX.into())
            )),
            n => Ok(Self(n)),
        }
    }

    /// Reads a count typed in a form ("8", "1 024").
    pub fn parse(raw: &str) -> Result<Self, String> {
        match read_whole_number(raw) {
            Number::Empty => Err("Please enter a number of GPUs, such as 8.".to_owned()),
            Number::NotWhole => Err(format!(
                "\"{}\" is not a whole number of GPUs: please enter one such as 8.",
                raw.trim()
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
        match hours {
            0 => Err("The expected GPU-hours must be at least 1.".to_owned()),
            n if n > Self::MAX => Err(format!(
                "The expected GPU-hours can be at most {}.",
                with_thousands(Self::MAX)
            )),
            n => Ok(Self(n)),
        }
    }

    /// Reads the optional form field: empty means no estimate.
    pub fn parse_optional(raw: &str) -> Result<Option<Self>, String> {
        match read_whole_number(raw) {
            Number::Empty => Ok(None),
            Number::NotWhole => Err(format!(
                "\"{}\" is not a whole number of GPU-hours.",
                raw.trim()
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
        Err(format!(
            "The expected {} GPU-hours exceed the {} that {} GPU{} can deliver in {} day{}.",
            with_thousands(self.0),
            with_thousands(available),
            with_thousands(gpus.get().into()),
            plural(gpus.get().into()),
            window.days(),
            plural(window.days().into())
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

/// 100000000 → "100,000,000".
fn with_thousands(n: u64) -> String {
    let digits = n.to_string();
    let mut grouped = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    grouped
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
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
        let chars = model.chars().count();
        if chars == 0 {
            return Err("Please enter a GPU model, such as H100.".to_owned());
        }
        if chars > 40 {
            return Err(format!(
                "A GPU model name can have at most 40 characters; this one has {chars}."
            ));
        }
        if let Some(c) = model
            .chars()
            .find(|c| !c.is_ascii_alphanumeric() && !matches!(c, ' ' | '-'))
        {
            return Err(format!(
                "A GPU model name has only letters, digits, spaces and hyphens; \"{c}\" is not \
                 allowed."
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
        check_text(title, 3, 200, "a project title")?;
        if title.chars().any(char::is_control) {
            return Err("A project title must fit on one line, without tabs.".to_owned());
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
        check_text(&text, 20, 5000, "a justification")?;
        if text
            .chars()
            .any(|c| c.is_control() && !matches!(c, '\n' | '\t'))
        {
            return Err("A justification cannot contain control characters.".to_owned());
        }
        Ok(Self(text))
    }

    /// The text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Checks the length of a trimmed text in characters. `what` has its article: "a project title".
fn check_text(text: &str, min: usize, max: usize, what: &str) -> Result<(), String> {
    let chars = text.chars().count();
    if chars == 0 {
        return Err(format!("Please enter {what}."));
    }
    let what = capitalise(what);
    if chars < min {
        return Err(format!(
            "{what} needs at least {min} characters; this one has {chars}."
        ));
    }
    if chars > max {
        return Err(format!(
            "{what} can have at most {} characters; this one has {}.",
            with_thousands(max as u64),
            with_thousands(chars as u64)
        ));
    }
    Ok(())
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Implements `Display`, `TryFrom<String>` and `From<Self> for String` for a string newtype.
macro_rules! string_newtype_conversions {
    ($($name:ident),+) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    )+};
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
        if start < today {
            return Err("The start date cannot be in the past.".to_owned());
        }
        let too_long = add_months(start, max_months).is_some_and(|latest_end| end > latest_end);
        if too_long {
            return Err(format!(
                "A window can last at most {max_months} month{}.",
                plural(max_months.into())
            ));
        }
        Ok(window)
    }

    /// A window known to be valid already (stored, or changed by an admin): only checks that
    /// the end is after the start.
    pub fn from_bounds(start: Date, end: Date) -> Result<Self, String> {
        if end <= start {
            return Err("The end date must be after the start date.".to_owned());
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
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::value::{Error as DeError, MapDeserializer, StringDeserializer};
    use serde::de::IntoDeserializer;
    use time::macros::date;

    const TODAY: Date = date!(2025 - 03 - 10);

    fn deserialize_string<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, DeError> {
        let input: StringDeserializer<DeError> = raw.to_owned().into_deserializer();
        T::deserialize(input)
    }

    fn deserialize_number<T: serde::de::DeserializeOwned>(n: u64) -> Result<T, DeError> {
        T::deserialize(IntoDeserializer::<DeError>::into_deserializer(n))
    }

    fn deserialize_window(start: &str, end: &str) -> Result<TimeWindow, DeError> {
        let fields = [("start", start), ("end", end)];
        let input: MapDeserializer<_, DeError> = MapDeserializer::new(fields.into_iter());
        TimeWindow::deserialize(input)
    }

    fn window(start: Date, end: Date) -> TimeWindow {
        TimeWindow::from_bounds(start, end).unwrap()
    }

    // --- GpuCount ---

    #[test]
    fn a_gpu_count_from_1_to_100000_is_accepted() {
        assert_eq!(GpuCount::new(1).unwrap().get(), 1);
        assert_eq!(GpuCount::new(100_000).unwrap().get(), 100_000);
    }

    #[test]
    fn zero_gpus_are_rejected() {
        assert_eq!(GpuCount::new(0).unwrap_err(), "At least one GPU is needed.");
    }

    #[test]
    fn more_than_100000_gpus_are_rejected() {
        assert_eq!(
            GpuCount::new(100_001).unwrap_err(),
            "A request can ask for at most 100,000 GPUs."
        );
    }

    #[test]
    fn a_gpu_count_is_read_from_form_text() {
        assert_eq!(GpuCount::parse(" 8 ").unwrap().get(), 8);
        assert_eq!(GpuCount::parse("1 024").unwrap().get(), 1024);
        assert!(GpuCount::parse("").unwrap_err().starts_with("Please enter"));
        assert_eq!(
            GpuCount::parse("8.5").unwrap_err(),
            "\"8.5\" is not a whole number of GPUs: please enter one such as 8."
        );
        assert!(GpuCount::parse("-3").is_err());
        assert!(GpuCount::parse("99999999999999999999999")
            .unwrap_err()
            .contains("at most"));
    }

    #[test]
    fn a_gpu_count_deserializes_only_in_range() {
        assert_eq!(deserialize_number::<GpuCount>(64).unwrap().get(), 64);
        assert!(deserialize_number::<GpuCount>(0).is_err());
        assert!(deserialize_number::<GpuCount>(100_001).is_err());
        assert_eq!(u32::from(GpuCount::new(7).unwrap()), 7);
        assert_eq!(GpuCount::new(7).unwrap().to_string(), "7");
    }

    // --- ExpectedGpuHours ---

    #[test]
    fn expected_gpu_hours_from_1_to_100_million_are_accepted() {
        assert_eq!(ExpectedGpuHours::new(1).unwrap().get(), 1);
        assert!(ExpectedGpuHours::new(100_000_000).is_ok());
    }

    #[test]
    fn expected_gpu_hours_out_of_range_are_rejected() {
        assert!(ExpectedGpuHours::new(0).unwrap_err().contains("at least 1"));
        assert_eq!(
            ExpectedGpuHours::new(100_000_001).unwrap_err(),
            "The expected GPU-hours can be at most 100,000,000."
        );
    }

    #[test]
    fn expected_gpu_hours_are_optional_in_a_form() {
        assert_eq!(ExpectedGpuHours::parse_optional("  "), Ok(None));
        assert_eq!(
            ExpectedGpuHours::parse_optional("10 000")
                .unwrap()
                .map(ExpectedGpuHours::get),
            Some(10_000)
        );
        assert!(ExpectedGpuHours::parse_optional("lots")
            .unwrap_err()
            .contains("\"lots\""));
        assert!(ExpectedGpuHours::parse_optional("0").is_err());
    }

    #[test]
    fn expected_gpu_hours_deserialize_only_in_range() {
        assert!(deserialize_number::<ExpectedGpuHours>(5).is_ok());
        assert!(deserialize_number::<ExpectedGpuHours>(0).is_err());
    }

    #[test]
    fn expected_gpu_hours_must_fit_what_the_gpus_deliver_in_the_window() {
        let ten_days = window(TODAY, date!(2025 - 03 - 20));
        let gpus = GpuCount::new(2).unwrap();
        assert!(ExpectedGpuHours::new(480)
            .unwrap()
            .check_within(gpus, &ten_days)
            .is_ok());
        assert_eq!(
            ExpectedGpuHours::new(481)
                .unwrap()
                .check_within(gpus, &ten_days)
                .unwrap_err(),
            "The expected 481 GPU-hours exceed the 480 that 2 GPUs can deliver in 10 days."
        );
    }

    // --- GpuModel ---

    #[test]
    fn gpu_model_names_are_accepted_and_trimmed() {
        for model in ["H100", "MI300X", "B200", "H100 SXM5-80GB", "A"] {
            assert_eq!(
                GpuModel::parse(&format!(" {model} ")).unwrap().as_str(),
                model
            );
        }
    }

    #[test]
    fn a_gpu_model_of_40_characters_is_accepted_and_41_rejected() {
        assert!(GpuModel::parse(&"H".repeat(40)).is_ok());
        assert!(GpuModel::parse(&"H".repeat(41))
            .unwrap_err()
            .contains("at most 40"));
    }

    #[test]
    fn an_empty_gpu_model_is_rejected() {
        assert_eq!(
            GpuModel::parse("  ").unwrap_err(),
            "Please enter a GPU model, such as H100."
        );
    }

    #[test]
    fn a_gpu_model_with_other_symbols_is_rejected() {
        assert_eq!(
            GpuModel::parse("H100/80GB").unwrap_err(),
            "A GPU model name has only letters, digits, spaces and hyphens; \"/\" is not allowed."
        );
        assert!(GpuModel::parse("H100_SXM").is_err());
    }

    // --- ProjectTitle ---

    #[test]
    fn a_project_title_of_3_characters_is_accepted_and_2_rejected() {
        assert_eq!(ProjectTitle::parse(" LLM ").unwrap().as_str(), "LLM");
        assert_eq!(
            ProjectTitle::parse("AI").unwrap_err(),
            "A project title needs at least 3 characters; this one has 2."
        );
    }

    #[test]
    fn a_project_title_of_200_characters_is_accepted_and_201_rejected() {
        assert!(ProjectTitle::parse(&"é".repeat(200)).is_ok());
        assert_eq!(
            ProjectTitle::parse(&"é".repeat(201)).unwrap_err(),
            "A project title can have at most 200 characters; this one has 201."
        );
    }

    #[test]
    fn an_empty_project_title_is_rejected() {
        assert_eq!(
            ProjectTitle::parse("").unwrap_err(),
            "Please enter a project title."
        );
    }

    #[test]
    fn a_project_title_on_two_lines_is_rejected() {
        assert!(ProjectTitle::parse("Protein\nfolding")
            .unwrap_err()
            .contains("one line"));
    }

    // --- Justification ---

    #[test]
    fn a_justification_of_20_characters_is_accepted_and_19_rejected() {
        assert!(Justification::parse(&"j".repeat(20)).is_ok());
        assert!(Justification::parse(&"j".repeat(19))
            .unwrap_err()
            .contains("at least 20 characters; this one has 19"));
    }

    #[test]
    fn a_justification_of_5000_characters_is_accepted_and_5001_rejected() {
        assert!(Justification::parse(&"ü".repeat(5000)).is_ok());
        assert_eq!(
            Justification::parse(&"ü".repeat(5001)).unwrap_err(),
            "A justification can have at most 5,000 characters; this one has 5,001."
        );
    }

    #[test]
    fn a_justification_keeps_its_line_breaks_with_unix_line_ends() {
        let text =
            Justification::parse("Fine-tuning a model\r\n\tfor radiology reports.\n").unwrap();
        assert_eq!(
            text.as_str(),
            "Fine-tuning a model\n\tfor radiology reports."
        );
    }

    #[test]
    fn a_justification_with_other_control_characters_is_rejected() {
        assert!(
            Justification::parse("Training a model for \u{1b}[31m weather")
                .unwrap_err()
                .contains("control characters")
        );
    }

    #[test]
    fn texts_deserialize_only_when_valid() {
        assert!(deserialize_string::<GpuModel>("H100").is_ok());
        assert!(deserialize_string::<GpuModel>("H100!").is_err());
        assert!(deserialize_string::<ProjectTitle>("x").is_err());
        assert!(deserialize_string::<Justification>("too short").is_err());
        let title = ProjectTitle::parse("Weather model").unwrap();
        assert_eq!(String::from(title.clone()), title.to_string());
    }

    // --- TimeWindow ---

    #[test]
    fn a_window_starting_today_is_accepted() {
        let window = TimeWindow::new(TODAY, date!(2025 - 04 - 10), TODAY, 12).unwrap();
        assert_eq!(window.start(), TODAY);
        assert_eq!(window.end(), date!(2025 - 04 - 10));
    }

    #[test]
    fn a_window_starting_yesterday_is_rejected() {
        assert_eq!(
            TimeWindow::new(date!(2025 - 03 - 09), date!(2025 - 04 - 10), TODAY, 12).unwrap_err(),
            "The start date cannot be in the past."
        );
    }

    #[test]
    fn a_window_ending_on_or_before_its_start_is_rejected() {
        for end in [TODAY, date!(2025 - 03 - 01)] {
            assert_eq!(
                TimeWindow::new(TODAY, end, TODAY, 12).unwrap_err(),
                "The end date must be after the start date."
            );
        }
    }

    #[test]
    fn a_window_of_exactly_12_months_is_accepted_and_one_day_more_rejected() {
        let start = date!(2025 - 06 - 15);
        assert!(TimeWindow::new(start, date!(2026 - 06 - 15), TODAY, 12).is_ok());
        assert_eq!(
            TimeWindow::new(start, date!(2026 - 06 - 16), TODAY, 12).unwrap_err(),
            "A window can last at most 12 months."
        );
    }

    #[test]
    fn months_are_counted_in_calendar_months_clamped_to_the_month_end() {
        let start = date!(2026 - 01 - 31);
        assert!(TimeWindow::new(start, date!(2026 - 02 - 28), TODAY, 1).is_ok());
        assert_eq!(
            TimeWindow::new(start, date!(2026 - 03 - 01), TODAY, 1).unwrap_err(),
            "A window can last at most 1 month."
        );
        // a leap year
        assert!(TimeWindow::new(date!(2027 - 03 - 31), date!(2028 - 02 - 29), TODAY, 11).is_ok());
    }

    #[test]
    fn a_window_one_day_long_has_its_start_as_last_day() {
        let day = window(TODAY, date!(2025 - 03 - 11));
        assert_eq!(day.days(), 1);
        assert_eq!(day.hours(), 24);
        assert_eq!(day.last_day(), TODAY);
        assert_eq!(day.to_string(), "2025-03-10 to 2025-03-10");
    }

    #[test]
    fn days_counts_the_days_from_start_to_end_excluded() {
        let year = window(date!(2025 - 01 - 01), date!(2026 - 01 - 01));
        assert_eq!(year.days(), 365);
        assert_eq!(year.last_day(), date!(2025 - 12 - 31));
        assert_eq!(year.to_string(), "2025-01-01 to 2025-12-31");
    }

    #[test]
    fn contains_includes_the_start_and_excludes_the_end() {
        let march = window(date!(2025 - 03 - 01), date!(2025 - 04 - 01));
        assert!(march.contains(date!(2025 - 03 - 01)));
        assert!(march.contains(date!(2025 - 03 - 31)));
        assert!(!march.contains(date!(2025 - 04 - 01)));
        assert!(!march.contains(date!(2025 - 02 - 28)));
    }

    #[test]
    fn windows_that_only_touch_do_not_overlap() {
        let march = window(date!(2025 - 03 - 01), date!(2025 - 04 - 01));
        let april = window(date!(2025 - 04 - 01), date!(2025 - 05 - 01));
        let mid = window(date!(2025 - 03 - 31), date!(2025 - 04 - 02));
        assert!(!march.overlaps(&april));
        assert!(march.overlaps(&mid) && april.overlaps(&mid));
        assert!(march.overlaps(&march));
    }

    #[test]
    fn a_window_round_trips_through_its_parts() {
        let stored = window(date!(2024 - 01 - 01), date!(2024 - 07 - 01));
        let parts = TimeWindowParts::from(stored);
        assert_eq!(TimeWindow::try_from(parts), Ok(stored));
        // a stored window in the past still reads back
        assert_eq!(
            deserialize_window("2024-01-01", "2024-07-01").unwrap(),
            stored
        );
    }

    #[test]
    fn a_stored_window_ending_before_its_start_does_not_deserialize() {
        let error = deserialize_window("2024-07-01", "2024-01-01").unwrap_err();
        assert!(error.to_string().contains("end date must be after"));
    }

    #[test]
    fn add_months_stays_none_past_the_calendar_range() {
        assert_eq!(add_months(date!(9999 - 06 - 01), 12), None);
        let far = date!(9999 - 06 - 01);
        assert!(TimeWindow::new(far, date!(9999 - 12 - 31), TODAY, 12_000).is_ok());
    }

    fn any_date() -> impl Strategy<Value = Date> {
        (0i32..2000).prop_map(|offset| TODAY + time::Duration::days(offset.into()))
    }

    proptest! {
        #[test]
        fn a_window_contains_exactly_its_days(start in any_date(), length in 1i64..400) {
            let end = start + time::Duration::days(length);
            let w = window(start, end);
            prop_assert_eq!(i64::from(w.days()), length);
            prop_assert!(w.contains(start) && w.contains(w.last_day()) && !w.contains(end));
        }

        #[test]
        fn overlap_is_symmetric_and_matches_a_shared_day(
            a in any_date(), a_len in 1i64..60, b in any_date(), b_len in 1i64..60,
        ) {
            let first = window(a, a + time::Duration::days(a_len));
            let second = window(b, b + time::Duration::days(b_len));
            let shares_a_day = (0..a_len).any(|d| second.contains(a + time::Duration::days(d)));
            prop_assert_eq!(first.overlaps(&second), second.overlaps(&first));
            prop_assert_eq!(first.overlaps(&second), shares_a_day);
        }

        #[test]
        fn a_window_within_max_months_is_accepted(start in any_date(), months in 1u32..36) {
            let latest_end = add_months(start, months).unwrap();
            prop_assert!(TimeWindow::new(start, latest_end, TODAY, months).is_ok());
            let one_more = latest_end.next_day().unwrap();
            prop_assert!(TimeWindow::new(start, one_more, TODAY, months).is_err());
        }

        #[test]
        fn any_valid_gpu_count_round_trips_through_serde(n in 1u32..=100_000) {
            let count = GpuCount::new(n).unwrap();
            prop_assert_eq!(deserialize_number::<GpuCount>(u32::from(count).into()), Ok(count));
        }
    }
}
