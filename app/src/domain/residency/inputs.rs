//! What the evaluator reads about a request: its data classification, its window, the tenant, and the
//! typed values (percentages) a person enters; with [`InputError`], the one wording of each refusal.

use std::fmt;

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::country::CountryCode;
use crate::domain::format::{date, fill};
use crate::i18n::{td_string, Locale};

/// A value typed or loaded by a person that the evaluator cannot use; the message is a sentence to show,
/// written when it is shown, in the language being written then ([`crate::locale::current`]), except
/// for the messages `InvalidPercent` and `InvalidCertification` carry, written when the value was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum InputError {
    UnknownClassification(String),
    InvalidPercent(String),
    EmptyWindow { start: Date, end: Date },
    InvalidCertification(String),
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let locale = crate::locale::current();
        match self {
            InputError::UnknownClassification(input) => f.write_str(&fill(
                td_string!(locale, residency.unknown_classification),
                &[("input", input)],
            )),
            InputError::InvalidPercent(message) | InputError::InvalidCertification(message) => {
                f.write_str(message)
            }
            InputError::EmptyWindow { start, end } => f.write_str(&fill(
                td_string!(locale, residency.empty_window),
                &[
                    ("start", &date(locale, *start)),
                    ("end", &date(locale, *end)),
                ],
            )),
        }
    }
}

impl std::error::Error for InputError {}

/// The data classification a request declares; it decides which rules apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Classification {
    Public,
    Confidential,
    Personal,
    Health,
    Sensitive,
}

impl Classification {
    /// Every classification, from the least to the most protected.
    pub const ALL: [Classification; 5] = [
        Classification::Public,
        Classification::Confidential,
        Classification::Personal,
        Classification::Health,
        Classification::Sensitive,
    ];

    /// The stable lower-case name used in URLs, forms and storage, e.g. `"health"`.
    pub fn as_str(self) -> &'static str {
        match self {
            Classification::Public => "public",
            Classification::Confidential => "confidential",
            Classification::Personal => "personal",
            Classification::Health => "health",
            Classification::Sensitive => "sensitive",
        }
    }

    /// Reads the lower-case name (spaces and case ignored).
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let wanted = input.trim().to_ascii_lowercase();
        Self::ALL
            .into_iter()
            .find(|class| class.as_str() == wanted)
            .ok_or_else(|| InputError::UnknownClassification(input.trim().to_string()))
    }

    /// A short human label for forms and tables.
    pub fn label(self) -> &'static str {
        match self {
            Classification::Public => "Public",
            Classification::Confidential => "Confidential",
            Classification::Personal => "Personal data (GDPR)",
            Classification::Health => "Health data (HDS)",
            Classification::Sensitive => "Sensitive (SecNumCloud)",
        }
    }

    /// What the class means, as in the domain's table.
    pub fn description(self) -> &'static str {
        match self {
            Classification::Public => "Open or non-personal data with no confidentiality need.",
            Classification::Confidential => {
                "Non-personal but commercially or scientifically confidential data."
            }
            Classification::Personal => "Personal data under the GDPR.",
            Classification::Health => {
                "Personal health data collected in care, hosted on behalf of its producer (HDS scope)."
            }
            Classification::Sensitive => {
                "Data of particular sensitivity for the State: SecNumCloud required."
            }
        }
    }

    /// The noun used inside reasons for a person reading `locale`: "health data", "données de santé".
    pub(super) fn noun_in(self, locale: Locale) -> &'static str {
        match self {
            Classification::Public => td_string!(locale, residency.noun_public),
            Classification::Confidential => td_string!(locale, residency.noun_confidential),
            Classification::Personal => td_string!(locale, residency.noun_personal),
            Classification::Health => td_string!(locale, residency.noun_health),
            Classification::Sensitive => td_string!(locale, residency.noun_sensitive),
        }
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A share between 0 % and 100 %, held exactly in basis points (1 % = 100), so that limits such as
/// 24 % compare without rounding: 24 % passes S3 and 24.01 % fails. Serialised as the basis points.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(try_from = "u16", into = "u16")]
pub struct Percent(u16);

impl Percent {
    pub const ZERO: Percent = Percent(0);
    pub const HUNDRED: Percent = Percent(10_000);

    /// A whole percentage, for literals such as `Percent::whole(35)`.
    ///
    /// # Panics
    /// If `percent` is above 100 (at compile time when used in a constant).
    pub const fn whole(percent: u16) -> Self {
        assert!(percent <= 100, "a percentage is at most 100");
        Percent(percent * 100)
    }

    /// From basis points (0 to 10 000).
    pub fn from_basis_points(basis_points: u16) -> Result<Self, InputError> {
        if basis_points > Self::HUNDRED.0 {
            let locale = crate::locale::current();
            return Err(InputError::InvalidPercent(fill(
                td_string!(locale, residency.percent_above_hundred),
                &[(
                    "share",
                    &format_basis_points_in(locale, u32::from(basis_points)),
                )],
            )));
        }
        Ok(Percent(basis_points))
    }

    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// Reads "24", "24.01", "24,01" or "24.01 %": at most two decimals, between 0 and 100.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let locale = crate::locale::current();
        let text = input.trim();
        let typed = |template: &str| percent_error(fill(template, &[("input", &text)]));
        let number = text.strip_suffix('%').map_or(text, str::trim_end);
        if number.is_empty() {
            return Err(percent_error(td_string!(locale, residency.percent_empty)));
        }
        if number.starts_with('-') {
            return Err(typed(td_string!(
                locale,
                residency.percent_below_zero_typed
            )));
        }
        let (whole, decimals) = number.split_once(['.', ',']).unwrap_or((number, "0"));
        let digits_only = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !digits_only(whole) || !digits_only(decimals) {
            return Err(typed(td_string!(locale, residency.percent_not_a_number)));
        }
        if decimals.len() > 2 {
            return Err(typed(td_string!(
                locale,
                residency.percent_too_many_decimals
            )));
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 3 {
            return Err(typed(td_string!(
                locale,
                residency.percent_above_hundred_typed
            )));
        }
        let whole: u32 = whole.parse().unwrap_or(0);
        let hundredths: u32 = format!("{decimals:0<2}").parse().unwrap_or(0);
        let basis_points = whole * 100 + hundredths;
        if basis_points > 10_000 {
            return Err(typed(td_string!(
                locale,
                residency.percent_above_hundred_typed
            )));
        }
        Ok(Percent(basis_points as u16))
    }
}

fn percent_error(message: impl Into<String>) -> InputError {
    InputError::InvalidPercent(message.into())
}

/// "24.01 %", "24.5 %", "24 %"; takes a `u32` so that sums above 100 % still read correctly.
pub(super) fn format_basis_points(basis_points: u32) -> String {
    format_basis_points_in(Locale::en, basis_points)
}

/// [`format_basis_points`] as `locale` writes it: "24.01 %" in English, "24,01 %" in French.
pub(super) fn format_basis_points_in(locale: Locale, basis_points: u32) -> String {
    let (whole, hundredths) = (basis_points / 100, basis_points % 100);
    let point = match locale {
        Locale::fr => ',',
        Locale::en => '.',
    };
    match hundredths {
        0 => format!("{whole} %"),
        h if h % 10 == 0 => format!("{whole}{point}{} %", h / 10),
        h => format!("{whole}{point}{h:02} %"),
    }
}

impl fmt::Display for Percent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&format_basis_points(u32::from(self.0)))
    }
}

impl TryFrom<u16> for Percent {
    type Error = InputError;

    fn try_from(basis_points: u16) -> Result<Self, Self::Error> {
        Self::from_basis_points(basis_points)
    }
}

impl From<Percent> for u16 {
    fn from(percent: Percent) -> Self {
        percent.0
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantProfile {
    pub name: String,
    /// The tenant's legal country (E1).
    pub country: CountryCode,
}

/// A time window `[start, end)`: `start` is the first day used, `end` the first day no longer used.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Window {
    pub start: Date,
    pub end: Date,
}

impl Window {
    /// Refuses a window that holds no day.
    pub fn new(start: Date, end: Date) -> Result<Self, InputError> {
        if end <= start {
            return Err(InputError::EmptyWindow { start, end });
        }
        Ok(Window { start, end })
    }

    /// The last day used, `end − 1 day` (never before `start`, even for a window built without
    /// [`Window::new`]).
    pub fn last_day(&self) -> Date {
        self.end.previous_day().unwrap_or(self.end).max(self.start)
    }
}

/// What a quota request asks of a site, as far as residency is concerned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementRequest {
    pub classification: Classification,
    pub window: Window,
    /// The tenant explicitly waives EEA placement of confidential data for this request (C1).
    pub confidential_waiver: bool,
    /// The operator administers the tenant's systems: HDS activity 5 needed (H1).
    pub operator_administers_systems: bool,
    /// The operator backs up the tenant's data: HDS activity 6 needed (H1).
    pub operator_backs_up: bool,
}
