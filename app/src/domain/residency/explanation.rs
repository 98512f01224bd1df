//! The explanation of a verdict: rule ids, findings (one rule's verdict with the sentence that explains
//! it), the evaluation of one site, and the wording helpers every regime shares.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::country::CountryCode;
use crate::domain::format::fill;
use crate::i18n::{td_string, Locale};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum RuleId {
    G1,
    G2,
    G4,
    C1,
    H1,
    H2,
    H3,
    S1,
    S2,
    S3,
    S4,
    S5,
    E1,
}

impl RuleId {
    pub const ALL: [RuleId; 13] = [
        RuleId::G1,
        RuleId::G2,
        RuleId::G4,
        RuleId::C1,
        RuleId::H1,
        RuleId::H2,
        RuleId::H3,
        RuleId::S1,
        RuleId::S2,
        RuleId::S3,
        RuleId::S4,
        RuleId::S5,
        RuleId::E1,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            RuleId::G1 => "G1",
            RuleId::G2 => "G2",
            RuleId::G4 => "G4",
            RuleId::C1 => "C1",
            RuleId::H1 => "H1",
            RuleId::H2 => "H2",
            RuleId::H3 => "H3",
            RuleId::S1 => "S1",
            RuleId::S2 => "S2",
            RuleId::S3 => "S3",
            RuleId::S4 => "S4",
            RuleId::S5 => "S5",
            RuleId::E1 => "E1",
        }
    }

    /// A short title for the rule, for tables and the audit log, in the language being written now
    /// ([`crate::locale::current`]: English outside a request).
    pub fn title(self) -> &'static str {
        self.title_in(crate::locale::current())
    }

    /// A short title for the rule, for a person reading `locale`.
    pub fn title_in(self, locale: Locale) -> &'static str {
        match self {
            RuleId::G1 => td_string!(locale, residency.title_g1),
            RuleId::G2 => td_string!(locale, residency.title_g2),
            RuleId::G4 => td_string!(locale, residency.title_g4),
            RuleId::C1 => td_string!(locale, residency.title_c1),
            RuleId::H1 => td_string!(locale, residency.title_h1),
            RuleId::H2 => td_string!(locale, residency.title_h2),
            RuleId::H3 => td_string!(locale, residency.title_h3),
            RuleId::S1 => td_string!(locale, residency.title_s1),
            RuleId::S2 => td_string!(locale, residency.title_s2),
            RuleId::S3 => td_string!(locale, residency.title_s3),
            RuleId::S4 => td_string!(locale, residency.title_s4),
            RuleId::S5 => td_string!(locale, residency.title_s5),
            RuleId::E1 => td_string!(locale, residency.title_e1),
        }
    }
}

impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One rule's verdict on one site, with the sentence that explains it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finding {
    pub rule: RuleId,
    pub passed: bool,
    pub reason: String,
}

impl Finding {
    pub fn new(rule: RuleId, passed: bool, reason: impl Into<String>) -> Self {
        Finding {
            rule,
            passed,
            reason: reason.into(),
        }
    }

    pub(super) fn pass(rule: RuleId, reason: impl Into<String>) -> Self {
        Self::new(rule, true, reason)
    }

    pub(super) fn fail(rule: RuleId, reason: impl Into<String>) -> Self {
        Self::new(rule, false, reason)
    }
}

/// The verdict for one site: eligible when no finding failed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Evaluation {
    pub site_slug: String,
    pub eligible: bool,
    pub findings: Vec<Finding>,
    pub policy_version: i64,
    pub catalogue_version: i64,
    /// The tenant's C1 waiver was needed and used (confidential data outside the EEA).
    pub waiver_applied: bool,
}

impl Evaluation {
    pub fn failures(&self) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(|finding| !finding.passed)
    }
}

// --- Wording shared by the regimes -----------------------------------------------------------------------

pub(super) fn site_subject(locale: Locale, country: CountryCode) -> String {
    fill(
        td_string!(locale, residency.site_subject),
        &[("in_country", &country.located_in(locale))],
    )
}

pub(super) fn admin_subject(locale: Locale, country: CountryCode) -> String {
    fill(
        td_string!(locale, residency.admin_subject),
        &[("country", &country.name_in_sentence_in(locale))],
    )
}

/// "a", "a and b", "a, b and c" ("a, b et c" in French).
pub(super) fn join_and<S: AsRef<str>>(locale: Locale, items: &[S]) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            fill(
                td_string!(locale, residency.list_and),
                &[("init", &init.join(", ")), ("last", &last.as_ref())],
            )
        }
    }
}

/// "1, 2 and 3" (sorted, without repeats).
pub(super) fn list_numbers(locale: Locale, numbers: &[u8]) -> String {
    let sorted: BTreeSet<u8> = numbers.iter().copied().collect();
    let words: Vec<String> = sorted.iter().map(u8::to_string).collect();
    join_and(locale, &words)
}
