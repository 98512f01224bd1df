//! The residency and sovereignty evaluator: may this data classification be placed at this site?
//!
//! This module owns the software-checkable rules of `shared/domain.md` and the facts they read: data
//! classifications, the policy lists (EU, EEA, adequacy decisions, sanctions), operators and their
//! shareholders, site certifications, and the demo catalogue of sites ([`demo_sites`]). It is pure and
//! deterministic: no I/O and no clock — the caller passes every date — so the same inputs always give the
//! same [`Evaluation`], which can be stored in the audit log with its policy and catalogue versions.
//!
//! Rules encoded (each finding carries its rule id and a sentence a person understands):
//!
//! - **E1** sanctions: a tenant whose country is on the sanctions list is ineligible everywhere.
//! - **C1** confidential data: EEA sites, unless the tenant waives this for the request (recorded).
//! - **G1** personal, health and sensitive data: the site is in the EEA.
//! - **G2** personal data only: a site outside the EEA passes in a country with an EU adequacy decision
//!   whose condition the operator meets (Canada: commercial organisations; United States: EU-US Data
//!   Privacy Framework certification).
//! - **G4** remote access is a transfer: every administration or support country must satisfy G1/G2
//!   (personal) or be in the EEA (health, sensitive).
//! - **H1** health: a valid HDS certificate covering activities 1–3, plus 5 when the operator administers
//!   the tenant's systems and 6 when it backs them up. **H2** that certificate is valid from the window's
//!   first day through its last day. **H3** the site is in the EEA (HDS 2024).
//! - **S1** sensitive: a SecNumCloud 3.2 qualification valid over the whole window. **S2** the operator's
//!   registered office, central administration and main establishment are in the EU. **S3** non-EU
//!   shareholders hold at most 24 % each and 39 % together, of capital and of voting rights, each measure
//!   checked on its own. **S4** no non-EU shareholder holds control or veto rights. **S5** every
//!   administration and support location is in the EU.
//!
//! **G3** (Art. 49 derogations never justify a standing allocation) is deliberately not a rule here: the
//! portal offers no derogation path, so there is nothing to evaluate.
//!
//! Windows are half-open, `[start, end)`: the last day used is `end − 1 day`. A certificate's
//! `valid_until` is the last day on which it is valid.

use std::collections::BTreeSet;
use std::fmt;

use serde::{Deserialize, Serialize};
use time::{Date, Duration};

use super::country::CountryCode;

// ---------------------------------------------------------------------------------------------------------
// Input errors
// ---------------------------------------------------------------------------------------------------------

/// A value typed or loaded by a person that the evaluator cannot use; the message is a sentence to show.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum InputError {
    #[error("“{0}” is not a data classification; choose public, confidential, personal, health or sensitive.")]
    UnknownClassification(String),
    #[error("{0}")]
    InvalidPercent(String),
    #[error("The window must end after it starts, but it runs from {start} to {end}.")]
    EmptyWindow { start: Date, end: Date },
    #[error("{0}")]
    InvalidCertification(String),
}

// ---------------------------------------------------------------------------------------------------------
// Data classification
// ---------------------------------------------------------------------------------------------------------

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

    /// The noun used inside reasons, e.g. "health data".
    fn noun(self) -> &'static str {
        match self {
            Classification::Public => "public data",
            Classification::Confidential => "confidential data",
            Classification::Personal => "personal data",
            Classification::Health => "health data",
            Classification::Sensitive => "sensitive data",
        }
    }
}

impl fmt::Display for Classification {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

// ---------------------------------------------------------------------------------------------------------
// Percentages in basis points
// ---------------------------------------------------------------------------------------------------------

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
            return Err(InputError::InvalidPercent(format!(
                "{} is above 100 %; a share is between 0 and 100 %.",
                format_basis_points(u32::from(basis_points))
            )));
        }
        Ok(Percent(basis_points))
    }

    pub const fn basis_points(self) -> u16 {
        self.0
    }

    /// Reads "24", "24.01", "24,01" or "24.01 %": at most two decimals, between 0 and 100.
    pub fn parse(input: &str) -> Result<Self, InputError> {
        let text = input.trim();
        let number = text.strip_suffix('%').map_or(text, str::trim_end);
        if number.is_empty() {
            return Err(percent_error(
                "Enter a percentage between 0 and 100, e.g. 24.01.",
            ));
        }
        if number.starts_with('-') {
            return Err(percent_error(format!(
                "“{text}” is below 0 %; a share is between 0 and 100 %."
            )));
        }
        let (whole, decimals) = number.split_once(['.', ',']).unwrap_or((number, "0"));
        let digits_only = |part: &str| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit());
        if !digits_only(whole) || !digits_only(decimals) {
            return Err(percent_error(format!(
                "“{text}” is not a percentage; write a number between 0 and 100, e.g. 24.01."
            )));
        }
        if decimals.len() > 2 {
            return Err(percent_error(format!(
                "“{text}” has more than two decimals; round it to two, e.g. 24.01."
            )));
        }
        let whole = whole.trim_start_matches('0');
        if whole.len() > 3 {
            return Err(percent_error(format!(
                "“{text}” is above 100 %; a share is between 0 and 100 %."
            )));
        }
        let whole: u32 = whole.parse().unwrap_or(0);
        let hundredths: u32 = format!("{decimals:0<2}").parse().unwrap_or(0);
        let basis_points = whole * 100 + hundredths;
        if basis_points > 10_000 {
            return Err(percent_error(format!(
                "“{text}” is above 100 %; a share is between 0 and 100 %."
            )));
        }
        Ok(Percent(basis_points as u16))
    }
}

fn percent_error(message: impl Into<String>) -> InputError {
    InputError::InvalidPercent(message.into())
}

/// "24.01 %", "24.5 %", "24 %"; takes a `u32` so that sums above 100 % still read correctly.
fn format_basis_points(basis_points: u32) -> String {
    let (whole, hundredths) = (basis_points / 100, basis_points % 100);
    match hundredths {
        0 => format!("{whole} %"),
        h if h % 10 == 0 => format!("{whole}.{} %", h / 10),
        h => format!("{whole}.{h:02} %"),
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

// ---------------------------------------------------------------------------------------------------------
// Policy lists (data, versioned)
// ---------------------------------------------------------------------------------------------------------

/// What a recipient must be for an adequacy decision to cover it (G2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AdequacyCondition {
    /// The decision covers every recipient in the country.
    None,
    /// Canada: only commercial organisations (PIPEDA scope).
    CommercialOrganisations,
    /// United States: only recipients certified under the EU-US Data Privacy Framework.
    DataPrivacyFrameworkCertified,
}

impl AdequacyCondition {
    /// Whether this operator, as the recipient of the data, is covered.
    pub fn is_met_by(self, operator: &Operator) -> bool {
        match self {
            AdequacyCondition::None => true,
            AdequacyCondition::CommercialOrganisations => operator.commercial_organisation,
            AdequacyCondition::DataPrivacyFrameworkCertified => operator.dpf_certified,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdequacyEntry {
    pub country: CountryCode,
    pub condition: AdequacyCondition,
}

/// The lists the rules read. They are data: an operator changes them without a release, and every
/// [`Evaluation`] records the `version` it was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PolicyLists {
    pub version: i64,
    pub eu: BTreeSet<CountryCode>,
    pub eea: BTreeSet<CountryCode>,
    pub adequacy: Vec<AdequacyEntry>,
    pub sanctions: BTreeSet<CountryCode>,
}

const EU_MEMBERS: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// EEA members outside the EU.
const EEA_EFTA_MEMBERS: [&str; 3] = ["IS", "LI", "NO"];

const ADEQUACY_DECISIONS: [(&str, AdequacyCondition); 15] = [
    ("AD", AdequacyCondition::None),
    ("AR", AdequacyCondition::None),
    ("CA", AdequacyCondition::CommercialOrganisations),
    ("FO", AdequacyCondition::None),
    ("GG", AdequacyCondition::None),
    ("IL", AdequacyCondition::None),
    ("IM", AdequacyCondition::None),
    ("JP", AdequacyCondition::None),
    ("JE", AdequacyCondition::None),
    ("NZ", AdequacyCondition::None),
    ("KR", AdequacyCondition::None),
    ("CH", AdequacyCondition::None),
    ("GB", AdequacyCondition::None),
    ("UY", AdequacyCondition::None),
    ("US", AdequacyCondition::DataPrivacyFrameworkCertified),
];

/// The demo default for E1. The real sanctions list is operator data, loaded like the other lists.
const DEMO_SANCTIONS: [&str; 5] = ["RU", "BY", "KP", "IR", "SY"];

fn builtin_code(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("the built-in lists use ISO 3166-1 codes")
}

impl PolicyLists {
    /// The lists of `shared/domain.md`: EU-27; EEA = EU + Iceland, Liechtenstein, Norway; the adequacy
    /// decisions in force (G2); and the demo sanctions list (Russia, Belarus, North Korea, Iran, Syria),
    /// which stands in for the operator's real list.
    pub fn in_force(version: i64) -> Self {
        let eu: BTreeSet<CountryCode> = EU_MEMBERS.into_iter().map(builtin_code).collect();
        let eea = eu
            .iter()
            .copied()
            .chain(EEA_EFTA_MEMBERS.into_iter().map(builtin_code))
            .collect();
        let adequacy = ADEQUACY_DECISIONS
            .into_iter()
            .map(|(code, condition)| AdequacyEntry {
                country: builtin_code(code),
                condition,
            })
            .collect();
        let sanctions = DEMO_SANCTIONS.into_iter().map(builtin_code).collect();
        PolicyLists {
            version,
            eu,
            eea,
            adequacy,
            sanctions,
        }
    }

    pub fn is_eu(&self, country: CountryCode) -> bool {
        self.eu.contains(&country)
    }

    pub fn is_eea(&self, country: CountryCode) -> bool {
        self.eea.contains(&country)
    }

    pub fn is_sanctioned(&self, country: CountryCode) -> bool {
        self.sanctions.contains(&country)
    }

    /// The condition of the country's adequacy decision, if it has one.
    pub fn adequacy_condition(&self, country: CountryCode) -> Option<AdequacyCondition> {
        self.adequacy
            .iter()
            .find(|entry| entry.country == country)
            .map(|entry| entry.condition)
    }
}

// ---------------------------------------------------------------------------------------------------------
// Operators, certifications, sites, tenants, requests
// ---------------------------------------------------------------------------------------------------------

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Shareholder {
    pub name: String,
    pub country: CountryCode,
    pub capital: Percent,
    pub voting: Percent,
    pub control_rights: bool,
    pub veto_rights: bool,
}

/// The legal entity that runs a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Operator {
    pub name: String,
    pub registered_office: CountryCode,
    pub central_administration: CountryCode,
    pub main_establishment: CountryCode,
    pub shareholders: Vec<Shareholder>,
    /// Certified under the EU-US Data Privacy Framework (G2, United States).
    pub dpf_certified: bool,
    /// A commercial organisation (G2, Canada).
    pub commercial_organisation: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum CertificationKind {
    Iso27001,
    Hds,
    SecNumCloud,
    Eucs,
}

impl CertificationKind {
    pub fn label(self) -> &'static str {
        match self {
            CertificationKind::Iso27001 => "ISO 27001",
            CertificationKind::Hds => "HDS",
            CertificationKind::SecNumCloud => "SecNumCloud",
            CertificationKind::Eucs => "EUCS",
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum EucsLevel {
    Basic,
    Substantial,
    High,
}

impl EucsLevel {
    pub fn label(self) -> &'static str {
        match self {
            EucsLevel::Basic => "basic",
            EucsLevel::Substantial => "substantial",
            EucsLevel::High => "high",
        }
    }
}

/// A certificate or qualification held by a site, valid from `valid_from` through `valid_until`
/// (both days included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Certification {
    pub kind: CertificationKind,
    /// HDS activities covered (1 to 6); empty for other kinds.
    pub hds_activities: Vec<u8>,
    /// E.g. `"3.2"` for SecNumCloud.
    pub version: Option<String>,
    pub eucs_level: Option<EucsLevel>,
    pub certificate_id: String,
    pub valid_from: Date,
    /// The last day on which the certificate is valid.
    pub valid_until: Date,
}

/// The SecNumCloud version S1 requires.
pub const SECNUMCLOUD_VERSION: &str = "3.2";

impl Certification {
    /// Checks what a catalogue form should refuse; the message is a sentence to show.
    pub fn validate(&self) -> Result<(), InputError> {
        let invalid = |message: String| Err(InputError::InvalidCertification(message));
        if self.certificate_id.trim().is_empty() {
            return invalid(format!(
                "The {} certificate needs its identifier.",
                self.kind.label()
            ));
        }
        if self.valid_until < self.valid_from {
            return invalid(format!(
                "Certificate {} ends on {}, before it starts on {}.",
                self.certificate_id, self.valid_until, self.valid_from
            ));
        }
        if let Some(bad) = self.hds_activities.iter().find(|a| !(1..=6).contains(*a)) {
            return invalid(format!(
                "Certificate {} lists HDS activity {bad}; HDS activities are numbered 1 to 6.",
                self.certificate_id
            ));
        }
        if self.kind == CertificationKind::Hds && self.hds_activities.is_empty() {
            return invalid(format!(
                "HDS certificate {} must list the activities it covers (1 to 6).",
                self.certificate_id
            ));
        }
        if self.kind == CertificationKind::Eucs && self.eucs_level.is_none() {
            return invalid(format!(
                "EUCS certificate {} needs its level: basic, substantial or high.",
                self.certificate_id
            ));
        }
        Ok(())
    }

    pub fn is_valid_on(&self, day: Date) -> bool {
        self.valid_from <= day && day <= self.valid_until
    }

    /// Valid from the window's first day (or earlier) through its last day (or later) — H2 and S1.
    pub fn covers_window(&self, window: &Window) -> bool {
        self.valid_from <= window.start && window.last_day() <= self.valid_until
    }

    pub fn covers_activities(&self, needed: &[u8]) -> bool {
        needed
            .iter()
            .all(|activity| self.hds_activities.contains(activity))
    }

    fn is_secnumcloud_3_2(&self) -> bool {
        self.kind == CertificationKind::SecNumCloud
            && self.version.as_deref().map(str::trim) == Some(SECNUMCLOUD_VERSION)
    }
}

/// What the evaluator knows about a site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteProfile {
    pub slug: String,
    pub name: String,
    pub country: CountryCode,
    pub operator: Operator,
    /// Countries from which administration or support staff can reach tenant data (G4, S5).
    pub admin_access_countries: Vec<CountryCode>,
    pub certifications: Vec<Certification>,
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

// ---------------------------------------------------------------------------------------------------------
// Findings and evaluations
// ---------------------------------------------------------------------------------------------------------

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

    /// A short title for the rule, for tables and the audit log.
    pub fn title(self) -> &'static str {
        match self {
            RuleId::G1 => "GDPR: hosted in the EEA",
            RuleId::G2 => "GDPR: adequacy decision",
            RuleId::G4 => "Remote administration is a transfer",
            RuleId::C1 => "Confidential data in the EEA",
            RuleId::H1 => "HDS certificate and activities",
            RuleId::H2 => "HDS certificate valid for the window",
            RuleId::H3 => "HDS: hosted in the EEA",
            RuleId::S1 => "SecNumCloud 3.2 for the window",
            RuleId::S2 => "Operator established in the EU",
            RuleId::S3 => "Non-EU shareholding limits",
            RuleId::S4 => "No non-EU control or veto",
            RuleId::S5 => "Administration from the EU",
            RuleId::E1 => "Sanctions",
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

    fn pass(rule: RuleId, reason: impl Into<String>) -> Self {
        Self::new(rule, true, reason)
    }

    fn fail(rule: RuleId, reason: impl Into<String>) -> Self {
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

// ---------------------------------------------------------------------------------------------------------
// The evaluator
// ---------------------------------------------------------------------------------------------------------

/// Evaluates every rule that applies to the request's classification at one site.
pub fn evaluate(
    request: &PlacementRequest,
    tenant: &TenantProfile,
    site: &SiteProfile,
    lists: &PolicyLists,
    catalogue_version: i64,
) -> Evaluation {
    let mut findings = vec![sanctions_finding(tenant, lists)];
    let mut waiver_applied = false;
    match request.classification {
        Classification::Public => {}
        Classification::Confidential => {
            let (finding, waived) = confidential_finding(request, site, lists);
            findings.push(finding);
            waiver_applied = waived;
        }
        Classification::Personal => findings.extend(personal_findings(site, lists)),
        Classification::Health => findings.extend(health_findings(request, site, lists)),
        Classification::Sensitive => findings.extend(sensitive_findings(request, site, lists)),
    }
    Evaluation {
        site_slug: site.slug.clone(),
        eligible: findings.iter().all(|finding| finding.passed),
        findings,
        policy_version: lists.version,
        catalogue_version,
        waiver_applied,
    }
}

/// [`evaluate`] for each site, in the order given.
pub fn evaluate_all(
    request: &PlacementRequest,
    tenant: &TenantProfile,
    sites: &[SiteProfile],
    lists: &PolicyLists,
    catalogue_version: i64,
) -> Vec<Evaluation> {
    sites
        .iter()
        .map(|site| evaluate(request, tenant, site, lists, catalogue_version))
        .collect()
}

/// E1: a tenant from a sanctioned country can place nothing anywhere.
fn sanctions_finding(tenant: &TenantProfile, lists: &PolicyLists) -> Finding {
    let country = tenant.country.name_in_sentence();
    if lists.is_sanctioned(tenant.country) {
        Finding::fail(
            RuleId::E1,
            format!(
                "The tenant, {}, is registered in {country}, which is on the sanctions list, so it cannot place requests.",
                tenant.name
            ),
        )
    } else {
        Finding::pass(
            RuleId::E1,
            format!(
                "The tenant, {}, is registered in {country}, which is not on the sanctions list.",
                tenant.name
            ),
        )
    }
}

/// C1: confidential data stays in the EEA unless the tenant waived it for this request.
/// Returns the finding and whether the waiver was used.
fn confidential_finding(
    request: &PlacementRequest,
    site: &SiteProfile,
    lists: &PolicyLists,
) -> (Finding, bool) {
    let subject = site_subject(site.country);
    if lists.is_eea(site.country) {
        return (
            Finding::pass(RuleId::C1, format!("{subject}, inside the EEA.")),
            false,
        );
    }
    if request.confidential_waiver {
        let reason = format!(
            "{subject}, outside the EEA; the tenant's waiver of EEA placement for this request is recorded."
        );
        return (Finding::pass(RuleId::C1, reason), true);
    }
    let reason = format!(
        "{subject}, outside the EEA; confidential data stays in the EEA unless the tenant waives this for the request."
    );
    (Finding::fail(RuleId::C1, reason), false)
}

/// G1/G2 on the site's country, then G4 on each administration or support country.
fn personal_findings(site: &SiteProfile, lists: &PolicyLists) -> Vec<Finding> {
    let operator = &site.operator;
    let status = gdpr_status(site.country, operator, lists);
    let site_rule = match status {
        GdprStatus::Eea | GdprStatus::NoAdequacy => RuleId::G1,
        GdprStatus::Adequate(_) | GdprStatus::ConditionNotMet(_) => RuleId::G2,
    };
    let site_reason = gdpr_sentence(&site_subject(site.country), status, operator);
    let mut findings = vec![Finding::new(
        site_rule,
        status.allows_transfer(),
        site_reason,
    )];
    findings.extend(admin_location_findings(site, RuleId::G4, |country| {
        let status = gdpr_status(country, operator, lists);
        (
            status.allows_transfer(),
            gdpr_sentence(&admin_subject(country), status, operator),
        )
    }));
    findings
}

/// G1 and G4 restricted to the EEA, then H1, H2 and H3.
fn health_findings(
    request: &PlacementRequest,
    site: &SiteProfile,
    lists: &PolicyLists,
) -> Vec<Finding> {
    let mut findings = eea_residency_findings(site, lists, Classification::Health);
    let needed = required_hds_activities(request);
    findings.push(hds_activity_finding(site, &request.window, &needed));
    findings.push(hds_validity_finding(site, &request.window, &needed));
    findings.push(hds_eea_finding(site, lists));
    findings
}

/// G1 and G4 restricted to the EEA, then S1 to S5.
fn sensitive_findings(
    request: &PlacementRequest,
    site: &SiteProfile,
    lists: &PolicyLists,
) -> Vec<Finding> {
    let mut findings = eea_residency_findings(site, lists, Classification::Sensitive);
    findings.push(secnumcloud_finding(site, &request.window));
    findings.push(establishment_finding(&site.operator, lists));
    findings.extend(shareholding_findings(&site.operator, lists));
    findings.extend(control_findings(&site.operator, lists));
    findings.extend(admin_location_findings(site, RuleId::S5, |country| {
        eu_admin_location(country, lists)
    }));
    findings
}

// --- G1, G2, G4 ------------------------------------------------------------------------------------------

/// Where a country stands under G1/G2 for a given operator as recipient.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum GdprStatus {
    Eea,
    Adequate(AdequacyCondition),
    ConditionNotMet(AdequacyCondition),
    NoAdequacy,
}

impl GdprStatus {
    fn allows_transfer(self) -> bool {
        matches!(self, GdprStatus::Eea | GdprStatus::Adequate(_))
    }
}

fn gdpr_status(country: CountryCode, operator: &Operator, lists: &PolicyLists) -> GdprStatus {
    if lists.is_eea(country) {
        return GdprStatus::Eea;
    }
    match lists.adequacy_condition(country) {
        None => GdprStatus::NoAdequacy,
        Some(condition) if condition.is_met_by(operator) => GdprStatus::Adequate(condition),
        Some(condition) => GdprStatus::ConditionNotMet(condition),
    }
}

fn site_subject(country: CountryCode) -> String {
    format!("The site is in {}", country.name_in_sentence())
}

fn admin_subject(country: CountryCode) -> String {
    format!(
        "Administration or support staff can reach tenant data from {}",
        country.name_in_sentence()
    )
}

/// Completes "The site is in Canada" (or an administration subject) with its G1/G2 standing.
fn gdpr_sentence(subject: &str, status: GdprStatus, operator: &Operator) -> String {
    let name = &operator.name;
    match status {
        GdprStatus::Eea => format!("{subject}, inside the EEA."),
        GdprStatus::NoAdequacy => format!("{subject}, outside the EEA and without an EU adequacy decision."),
        GdprStatus::Adequate(AdequacyCondition::None) => {
            format!("{subject}, which has an EU adequacy decision.")
        }
        GdprStatus::Adequate(AdequacyCondition::CommercialOrganisations) => format!(
            "{subject}, whose EU adequacy decision covers commercial organisations such as the operator, {name}."
        ),
        GdprStatus::Adequate(AdequacyCondition::DataPrivacyFrameworkCertified) => format!(
            "{subject}, and the operator, {name}, is certified under the EU-US Data Privacy Framework, as the adequacy decision requires."
        ),
        GdprStatus::ConditionNotMet(AdequacyCondition::CommercialOrganisations) => format!(
            "{subject}, whose EU adequacy decision covers only commercial organisations, and the operator, {name}, is not recorded as one."
        ),
        GdprStatus::ConditionNotMet(AdequacyCondition::DataPrivacyFrameworkCertified) => format!(
            "{subject}, whose EU adequacy decision covers only recipients certified under the EU-US Data Privacy Framework, and the operator, {name}, is not certified."
        ),
        GdprStatus::ConditionNotMet(AdequacyCondition::None) => {
            format!("{subject}, and its EU adequacy decision does not cover the operator, {name}.")
        }
    }
}

/// G1 and G4 for health and sensitive data, where only the EEA counts (adequacy does not help).
fn eea_residency_findings(
    site: &SiteProfile,
    lists: &PolicyLists,
    class: Classification,
) -> Vec<Finding> {
    let (inside, reason) = eea_location(&site_subject(site.country), site.country, lists, class);
    let mut findings = vec![Finding::new(RuleId::G1, inside, reason)];
    findings.extend(admin_location_findings(site, RuleId::G4, |country| {
        eea_location(&admin_subject(country), country, lists, class)
    }));
    findings
}

fn eea_location(
    subject: &str,
    country: CountryCode,
    lists: &PolicyLists,
    class: Classification,
) -> (bool, String) {
    if lists.is_eea(country) {
        (true, format!("{subject}, inside the EEA."))
    } else {
        (
            false,
            format!(
                "{subject}, outside the EEA; {} must stay in the EEA.",
                class.noun()
            ),
        )
    }
}

/// One finding per distinct administration or support country (in the order declared); a site that
/// declares none passes, since no remote access is recorded.
fn admin_location_findings(
    site: &SiteProfile,
    rule: RuleId,
    check: impl Fn(CountryCode) -> (bool, String),
) -> Vec<Finding> {
    let mut seen = BTreeSet::new();
    let countries: Vec<CountryCode> = site
        .admin_access_countries
        .iter()
        .copied()
        .filter(|country| seen.insert(*country))
        .collect();
    if countries.is_empty() {
        return vec![Finding::pass(
            rule,
            "The site declares no country from which administration or support staff can reach tenant data.",
        )];
    }
    countries
        .into_iter()
        .map(|country| {
            let (passed, reason) = check(country);
            Finding::new(rule, passed, reason)
        })
        .collect()
}

// --- H1, H2, H3 ------------------------------------------------------------------------------------------

/// Activities 1–3 always; 5 if the operator administers the tenant's systems; 6 if it backs up.
fn required_hds_activities(request: &PlacementRequest) -> Vec<u8> {
    let mut needed = vec![1, 2, 3];
    if request.operator_administers_systems {
        needed.push(5);
    }
    if request.operator_backs_up {
        needed.push(6);
    }
    needed
}

fn hds_certificates(site: &SiteProfile) -> Vec<&Certification> {
    site.certifications
        .iter()
        .filter(|cert| cert.kind == CertificationKind::Hds)
        .collect()
}

/// The candidate that lasts longest, to name in a reason.
fn longest_lasting<'a>(
    certs: impl IntoIterator<Item = &'a Certification>,
) -> Option<&'a Certification> {
    certs
        .into_iter()
        .max_by_key(|cert| (cert.valid_until, std::cmp::Reverse(cert.valid_from)))
}

/// H1: an HDS certificate valid on the window's first day covers every activity the request needs.
fn hds_activity_finding(site: &SiteProfile, window: &Window, needed: &[u8]) -> Finding {
    let certs = hds_certificates(site);
    let needed_text = list_numbers(needed);
    if certs.is_empty() {
        return Finding::fail(
            RuleId::H1,
            format!("The site holds no HDS certificate; health data needs one covering activities {needed_text}."),
        );
    }
    let covering = || {
        certs
            .iter()
            .copied()
            .filter(|cert| cert.covers_activities(needed))
    };
    if let Some(cert) = longest_lasting(covering().filter(|cert| cert.is_valid_on(window.start))) {
        return Finding::pass(
            RuleId::H1,
            format!(
                "HDS certificate {} covers activities {}, including the {needed_text} this request needs.",
                cert.certificate_id,
                list_numbers(&cert.hds_activities)
            ),
        );
    }
    if let Some(cert) = longest_lasting(covering()) {
        return Finding::fail(
            RuleId::H1,
            format!(
                "HDS certificate {} covers the activities needed but is valid only from {} to {}, not on {}, the window's first day.",
                cert.certificate_id, cert.valid_from, cert.valid_until, window.start
            ),
        );
    }
    let cert = certs
        .iter()
        .copied()
        .find(|cert| cert.is_valid_on(window.start))
        .unwrap_or(certs[0]);
    let missing: Vec<u8> = needed
        .iter()
        .copied()
        .filter(|a| !cert.hds_activities.contains(a))
        .collect();
    Finding::fail(
        RuleId::H1,
        format!(
            "HDS certificate {} covers activities {} but not {}, which this request needs because {}.",
            cert.certificate_id,
            list_numbers(&cert.hds_activities),
            list_numbers(&missing),
            why_activities_needed(&missing)
        ),
    )
}

fn why_activities_needed(missing: &[u8]) -> String {
    let mut reasons = Vec::new();
    if missing.iter().any(|a| *a <= 3) {
        reasons.push("activities 1 to 3 are always needed for health data");
    }
    if missing.contains(&5) {
        reasons.push("the operator administers the tenant's systems");
    }
    if missing.contains(&6) {
        reasons.push("the operator backs up the tenant's data");
    }
    join_and(&reasons)
}

/// H2: an HDS certificate covering the needed activities is valid from the window's first day through
/// its last day.
fn hds_validity_finding(site: &SiteProfile, window: &Window, needed: &[u8]) -> Finding {
    let covering: Vec<&Certification> = hds_certificates(site)
        .into_iter()
        .filter(|cert| cert.covers_activities(needed))
        .collect();
    let none_reason = format!(
        "No HDS certificate covering activities {} is valid through {}, the window's last day.",
        list_numbers(needed),
        window.last_day()
    );
    window_validity_finding(
        RuleId::H2,
        "HDS certificate",
        &covering,
        window,
        none_reason,
    )
}

/// H3: HDS (2024) hosting must be in the EEA.
fn hds_eea_finding(site: &SiteProfile, lists: &PolicyLists) -> Finding {
    let subject = site_subject(site.country);
    if lists.is_eea(site.country) {
        Finding::pass(
            RuleId::H3,
            format!("{subject}, inside the EEA, as the HDS framework requires."),
        )
    } else {
        Finding::fail(
            RuleId::H3,
            format!("{subject}, outside the EEA, where the HDS framework does not allow hosting."),
        )
    }
}

/// Shared by H2 and S1: one of `candidates` must cover the whole window; otherwise name the closest
/// candidate and why it falls short.
fn window_validity_finding(
    rule: RuleId,
    what: &str,
    candidates: &[&Certification],
    window: &Window,
    none_reason: String,
) -> Finding {
    let last_day = window.last_day();
    if let Some(cert) = longest_lasting(
        candidates
            .iter()
            .copied()
            .filter(|cert| cert.covers_window(window)),
    ) {
        return Finding::pass(
            rule,
            format!(
                "{what} {} is valid from {} until {}, covering the window through its last day, {last_day}.",
                cert.certificate_id, cert.valid_from, cert.valid_until
            ),
        );
    }
    let Some(cert) = longest_lasting(candidates.iter().copied()) else {
        return Finding::fail(rule, none_reason);
    };
    if cert.valid_from > window.start {
        return Finding::fail(
            rule,
            format!(
                "{what} {} only becomes valid on {}, after {}, the window's first day.",
                cert.certificate_id, cert.valid_from, window.start
            ),
        );
    }
    Finding::fail(
        rule,
        format!(
            "{what} {} expires on {}, before {last_day}, the window's last day.",
            cert.certificate_id, cert.valid_until
        ),
    )
}

// --- S1 to S5 --------------------------------------------------------------------------------------------

/// S1: a SecNumCloud 3.2 qualification valid over the whole window.
fn secnumcloud_finding(site: &SiteProfile, window: &Window) -> Finding {
    let qualifications: Vec<&Certification> = site
        .certifications
        .iter()
        .filter(|cert| cert.kind == CertificationKind::SecNumCloud)
        .collect();
    let current: Vec<&Certification> = qualifications
        .iter()
        .copied()
        .filter(|cert| cert.is_secnumcloud_3_2())
        .collect();
    if current.is_empty() {
        let reason = match qualifications.first() {
            None => format!(
                "The site holds no SecNumCloud qualification; sensitive data needs SecNumCloud {SECNUMCLOUD_VERSION}."
            ),
            Some(cert) => format!(
                "SecNumCloud qualification {} is for version {}; sensitive data needs version {SECNUMCLOUD_VERSION}.",
                cert.certificate_id,
                cert.version.as_deref().unwrap_or("(not stated)")
            ),
        };
        return Finding::fail(RuleId::S1, reason);
    }
    let what = format!("SecNumCloud {SECNUMCLOUD_VERSION} qualification");
    window_validity_finding(RuleId::S1, &what, &current, window, String::new())
}

/// S2: registered office, central administration and main establishment all in the EU.
fn establishment_finding(operator: &Operator, lists: &PolicyLists) -> Finding {
    let places = [
        ("registered office", operator.registered_office),
        ("central administration", operator.central_administration),
        ("main establishment", operator.main_establishment),
    ];
    let outside: Vec<String> = places
        .iter()
        .filter(|(_, country)| !lists.is_eu(*country))
        .map(|(place, country)| format!("its {place} in {}", country.name_in_sentence()))
        .collect();
    if outside.is_empty() {
        let countries: BTreeSet<&str> = places.iter().map(|(_, country)| country.name()).collect();
        let countries: Vec<&str> = countries.into_iter().collect();
        return Finding::pass(
            RuleId::S2,
            format!(
                "The operator, {}, has its registered office, central administration and main establishment in the EU ({}).",
                operator.name,
                join_and(&countries)
            ),
        );
    }
    Finding::fail(
        RuleId::S2,
        format!(
            "The operator, {}, has {}, outside the EU; SecNumCloud requires all three establishments in the EU.",
            operator.name,
            join_and(&outside)
        ),
    )
}

/// The most one non-EU shareholder may hold (S3), in basis points.
const MAX_NON_EU_SINGLE: u32 = 2_400;
/// The most all non-EU shareholders may hold together (S3), in basis points.
const MAX_NON_EU_TOTAL: u32 = 3_900;

fn non_eu_shareholders<'a>(operator: &'a Operator, lists: &PolicyLists) -> Vec<&'a Shareholder> {
    operator
        .shareholders
        .iter()
        .filter(|holder| !lists.is_eu(holder.country))
        .collect()
}

/// "30 % of the capital" and "30 % of the voting rights", each only when above `limit`.
fn holdings_above(capital: u32, voting: u32, limit: u32) -> Vec<String> {
    let mut over = Vec::new();
    if capital > limit {
        over.push(format!("{} of the capital", format_basis_points(capital)));
    }
    if voting > limit {
        over.push(format!(
            "{} of the voting rights",
            format_basis_points(voting)
        ));
    }
    over
}

/// S3: each non-EU shareholder at most 24 %, all of them at most 39 %, for capital and voting separately.
fn shareholding_findings(operator: &Operator, lists: &PolicyLists) -> Vec<Finding> {
    let foreign = non_eu_shareholders(operator, lists);
    let mut findings: Vec<Finding> = foreign
        .iter()
        .filter_map(|holder| {
            let capital = u32::from(holder.capital.basis_points());
            let voting = u32::from(holder.voting.basis_points());
            let over = holdings_above(capital, voting, MAX_NON_EU_SINGLE);
            (!over.is_empty()).then(|| {
                Finding::fail(
                    RuleId::S3,
                    format!(
                        "{} ({}) holds {}, above the 24 % allowed to one non-EU shareholder.",
                        holder.name,
                        holder.country.name(),
                        join_and(&over)
                    ),
                )
            })
        })
        .collect();
    let total_capital: u32 = foreign
        .iter()
        .map(|holder| u32::from(holder.capital.basis_points()))
        .sum();
    let total_voting: u32 = foreign
        .iter()
        .map(|holder| u32::from(holder.voting.basis_points()))
        .sum();
    let over_total = holdings_above(total_capital, total_voting, MAX_NON_EU_TOTAL);
    if !over_total.is_empty() {
        findings.push(Finding::fail(
            RuleId::S3,
            format!(
                "Non-EU shareholders together hold {}, above the 39 % allowed to them together.",
                join_and(&over_total)
            ),
        ));
    }
    if findings.is_empty() {
        findings.push(Finding::pass(
            RuleId::S3,
            shareholding_pass_reason(operator, &foreign),
        ));
    }
    findings
}

fn shareholding_pass_reason(operator: &Operator, foreign: &[&Shareholder]) -> String {
    if foreign.is_empty() {
        return format!(
            "Every shareholder of the operator, {}, is in the EU.",
            operator.name
        );
    }
    let largest = foreign
        .iter()
        .map(|holder| holder.capital.max(holder.voting))
        .max()
        .unwrap_or_default();
    let total_capital: u32 = foreign
        .iter()
        .map(|holder| u32::from(holder.capital.basis_points()))
        .sum();
    let total_voting: u32 = foreign
        .iter()
        .map(|holder| u32::from(holder.voting.basis_points()))
        .sum();
    format!(
        "Non-EU shareholders hold at most {largest} each and {} together, of capital or voting rights, within the 24 % and 39 % limits.",
        format_basis_points(total_capital.max(total_voting))
    )
}

/// S4: no non-EU shareholder holds control or veto rights.
fn control_findings(operator: &Operator, lists: &PolicyLists) -> Vec<Finding> {
    let findings: Vec<Finding> = non_eu_shareholders(operator, lists)
        .into_iter()
        .filter_map(|holder| {
            let rights = match (holder.control_rights, holder.veto_rights) {
                (true, true) => "control and veto rights",
                (true, false) => "control rights",
                (false, true) => "veto rights",
                (false, false) => return None,
            };
            Some(Finding::fail(
                RuleId::S4,
                format!(
                    "{} ({}) holds {rights} over the operator, {}, which no non-EU party may hold.",
                    holder.name,
                    holder.country.name(),
                    operator.name
                ),
            ))
        })
        .collect();
    if findings.is_empty() {
        return vec![Finding::pass(
            RuleId::S4,
            format!(
                "No non-EU shareholder holds control or veto rights over the operator, {}.",
                operator.name
            ),
        )];
    }
    findings
}

/// S5, for one administration or support location.
fn eu_admin_location(country: CountryCode, lists: &PolicyLists) -> (bool, String) {
    let subject = admin_subject(country);
    if lists.is_eu(country) {
        (true, format!("{subject}, inside the EU."))
    } else {
        (
            false,
            format!("{subject}, outside the EU; SecNumCloud requires every administration and support location in the EU."),
        )
    }
}

// --- Wording helpers -------------------------------------------------------------------------------------

/// "a", "a and b", "a, b and c".
fn join_and<S: AsRef<str>>(items: &[S]) -> String {
    match items {
        [] => String::new(),
        [only] => only.as_ref().to_string(),
        [init @ .., last] => {
            let init: Vec<&str> = init.iter().map(AsRef::as_ref).collect();
            format!("{} and {}", init.join(", "), last.as_ref())
        }
    }
}

/// "1, 2 and 3" (sorted, without repeats).
fn list_numbers(numbers: &[u8]) -> String {
    let sorted: BTreeSet<u8> = numbers.iter().copied().collect();
    let words: Vec<String> = sorted.iter().map(u8::to_string).collect();
    join_and(&words)
}

// ---------------------------------------------------------------------------------------------------------
// The demo catalogue
// ---------------------------------------------------------------------------------------------------------

/// The demo catalogue, with every date relative to the day `d`: the single source of these facts for
/// tests and for the server's demo data.
///
/// For health and a three-month window starting at `d + 7 days`: `idf-campus` and `dugny` are eligible,
/// `marseille` fails G4 (administration from the United States), `cambrai` fails H1 (no HDS certificate)
/// and `abu-dhabi` fails G1 and H3. For sensitive data only `dugny` is eligible (`idf-campus` fails S3).
/// A six-month health window fails H2 at `dugny`, whose HDS certificate ends at `d + 120 days`.
pub fn demo_sites(d: Date) -> Vec<SiteProfile> {
    vec![
        idf_campus(d),
        dugny(d),
        marseille(d),
        cambrai(d),
        abu_dhabi(d),
    ]
}

fn days_after(d: Date, days: i64) -> Date {
    d.saturating_add(Duration::days(days))
}

/// Three years of 365 days.
fn three_years_after(d: Date) -> Date {
    days_after(d, 3 * 365)
}

fn demo_operator(
    name: &str,
    offices: [&str; 3],
    shareholders: Vec<Shareholder>,
    dpf_certified: bool,
) -> Operator {
    Operator {
        name: name.to_string(),
        registered_office: builtin_code(offices[0]),
        central_administration: builtin_code(offices[1]),
        main_establishment: builtin_code(offices[2]),
        shareholders,
        dpf_certified,
        commercial_organisation: true,
    }
}

/// A shareholder holding `percent` of both capital and voting rights; control is recorded for a
/// majority holder.
fn demo_holder(name: &str, country: &str, percent: u16) -> Shareholder {
    Shareholder {
        name: name.to_string(),
        country: builtin_code(country),
        capital: Percent::whole(percent),
        voting: Percent::whole(percent),
        control_rights: percent > 50,
        veto_rights: false,
    }
}

fn demo_cert(kind: CertificationKind, id: &str, d: Date, valid_until: Date) -> Certification {
    Certification {
        kind,
        hds_activities: Vec::new(),
        version: None,
        eucs_level: None,
        certificate_id: id.to_string(),
        valid_from: days_after(d, -365),
        valid_until,
    }
}

fn demo_hds(id: &str, activities: &[u8], d: Date, valid_until: Date) -> Certification {
    Certification {
        hds_activities: activities.to_vec(),
        ..demo_cert(CertificationKind::Hds, id, d, valid_until)
    }
}

fn demo_secnumcloud(id: &str, d: Date, valid_until: Date) -> Certification {
    Certification {
        version: Some(SECNUMCLOUD_VERSION.to_string()),
        ..demo_cert(CertificationKind::SecNumCloud, id, d, valid_until)
    }
}

fn demo_eucs(id: &str, level: EucsLevel, d: Date) -> Certification {
    Certification {
        eucs_level: Some(level),
        ..demo_cert(CertificationKind::Eucs, id, d, three_years_after(d))
    }
}

fn demo_iso(id: &str, d: Date) -> Certification {
    demo_cert(CertificationKind::Iso27001, id, d, three_years_after(d))
}

fn demo_site(
    slug: &str,
    name: &str,
    country: &str,
    operator: Operator,
    admin: &[&str],
) -> SiteProfile {
    SiteProfile {
        slug: slug.to_string(),
        name: name.to_string(),
        country: builtin_code(country),
        operator,
        admin_access_countries: admin.iter().map(|code| builtin_code(code)).collect(),
        certifications: Vec::new(),
    }
}

fn idf_campus(d: Date) -> SiteProfile {
    let holders = vec![
        demo_holder("Bpifrance", "FR", 35),
        demo_holder("MGX", "AE", 30),
        demo_holder("Mistral AI", "FR", 20),
        demo_holder("NVIDIA", "US", 15),
    ];
    let operator = demo_operator(
        "Campus IA Île-de-France SAS",
        ["FR", "FR", "FR"],
        holders,
        false,
    );
    SiteProfile {
        certifications: vec![
            demo_iso("ISO27001-IDF-2024-0117", d),
            demo_hds(
                "HDS-IDF-2024-0042",
                &[1, 2, 3, 4, 5, 6],
                d,
                three_years_after(d),
            ),
            demo_secnumcloud("SNC-IDF-2024-0009", d, days_after(d, 2 * 365)),
            demo_eucs("EUCS-IDF-2024-0003", EucsLevel::High, d),
        ],
        ..demo_site(
            "idf-campus",
            "Campus IA Île-de-France",
            "FR",
            operator,
            &["FR"],
        )
    }
}

fn dugny(d: Date) -> SiteProfile {
    let holders = vec![
        demo_holder("Souverain Holding", "FR", 80),
        demo_holder("Rhein Capital", "DE", 20),
    ];
    let operator = demo_operator("Dugny Data Centre SAS", ["FR", "FR", "FR"], holders, false);
    SiteProfile {
        certifications: vec![
            demo_iso("ISO27001-DUG-2024-0311", d),
            demo_hds("HDS-DUG-2024-0157", &[1, 2, 3], d, days_after(d, 120)),
            demo_secnumcloud("SNC-DUG-2024-0021", d, days_after(d, 540)),
            demo_eucs("EUCS-DUG-2024-0008", EucsLevel::High, d),
        ],
        ..demo_site(
            "dugny",
            "Dugny (Seine-Saint-Denis)",
            "FR",
            operator,
            &["FR"],
        )
    }
}

fn marseille(d: Date) -> SiteProfile {
    let holders = vec![demo_holder("Harbour Data Inc.", "US", 100)];
    let operator = demo_operator(
        "Harbour Data Marseille SAS",
        ["FR", "US", "US"],
        holders,
        true,
    );
    SiteProfile {
        certifications: vec![
            demo_iso("ISO27001-MRS-2024-0520", d),
            demo_hds("HDS-MRS-2024-0233", &[1, 2, 3, 5], d, three_years_after(d)),
            demo_eucs("EUCS-MRS-2024-0014", EucsLevel::Substantial, d),
        ],
        ..demo_site("marseille", "Marseille", "FR", operator, &["FR", "US"])
    }
}

fn cambrai(d: Date) -> SiteProfile {
    let holders = vec![demo_holder("Northfield Infrastructure", "CA", 100)];
    let operator = demo_operator("Northfield Cambrai SAS", ["FR", "FR", "FR"], holders, false);
    SiteProfile {
        certifications: vec![demo_iso("ISO27001-CAM-2024-0604", d)],
        ..demo_site("cambrai", "Cambrai (Nord)", "FR", operator, &["FR", "CA"])
    }
}

fn abu_dhabi(d: Date) -> SiteProfile {
    let holders = vec![demo_holder("Gulf Compute Holding", "AE", 100)];
    let operator = demo_operator("Gulf Compute LLC", ["AE", "AE", "AE"], holders, false);
    SiteProfile {
        certifications: vec![demo_iso("ISO27001-AUH-2024-0712", d)],
        ..demo_site("abu-dhabi", "Abu Dhabi", "AE", operator, &["AE"])
    }
}

// ---------------------------------------------------------------------------------------------------------
// Tests
// ---------------------------------------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::super::country::ALL_COUNTRIES;
    use super::*;
    use time::macros::date;
    use time::Month;

    fn cc(code: &str) -> CountryCode {
        CountryCode::parse(code).unwrap()
    }

    fn pct(text: &str) -> Percent {
        Percent::parse(text).unwrap()
    }

    /// The window used by the rule tables: 2025-04-01 to 2025-06-30 included.
    fn window() -> Window {
        Window::new(date!(2025 - 04 - 01), date!(2025 - 07 - 01)).unwrap()
    }

    fn cert(kind: CertificationKind, id: &str, from: Date, until: Date) -> Certification {
        Certification {
            kind,
            hds_activities: Vec::new(),
            version: None,
            eucs_level: None,
            certificate_id: id.to_string(),
            valid_from: from,
            valid_until: until,
        }
    }

    fn hds(activities: &[u8], until: Date) -> Certification {
        Certification {
            hds_activities: activities.to_vec(),
            ..cert(
                CertificationKind::Hds,
                "HDS-T-1",
                date!(2024 - 01 - 01),
                until,
            )
        }
    }

    fn snc(version: &str, until: Date) -> Certification {
        Certification {
            version: Some(version.to_string()),
            ..cert(
                CertificationKind::SecNumCloud,
                "SNC-T-1",
                date!(2024 - 01 - 01),
                until,
            )
        }
    }

    fn holder(name: &str, country: &str, capital: &str, voting: &str) -> Shareholder {
        Shareholder {
            name: name.to_string(),
            country: cc(country),
            capital: pct(capital),
            voting: pct(voting),
            control_rights: false,
            veto_rights: false,
        }
    }

    /// Everything a rule reads; the baseline passes every rule for every class.
    #[derive(Clone, Debug)]
    struct Fixture {
        request: PlacementRequest,
        tenant: TenantProfile,
        site: SiteProfile,
        lists: PolicyLists,
    }

    fn fixture(classification: Classification) -> Fixture {
        let operator = Operator {
            name: "Opérateur Test SAS".to_string(),
            registered_office: cc("FR"),
            central_administration: cc("FR"),
            main_establishment: cc("FR"),
            shareholders: vec![holder("Caisse Test", "FR", "100", "100")],
            dpf_certified: false,
            commercial_organisation: true,
        };
        Fixture {
            request: PlacementRequest {
                classification,
                window: window(),
                confidential_waiver: false,
                operator_administers_systems: false,
                operator_backs_up: false,
            },
            tenant: TenantProfile {
                name: "Université Test".to_string(),
                country: cc("FR"),
            },
            site: SiteProfile {
                slug: "test".to_string(),
                name: "Test site".to_string(),
                country: cc("FR"),
                operator,
                admin_access_countries: vec![cc("FR")],
                certifications: vec![
                    hds(&[1, 2, 3, 4, 5, 6], date!(2027 - 12 - 31)),
                    snc("3.2", date!(2027 - 12 - 31)),
                ],
            },
            lists: PolicyLists::in_force(7),
        }
    }

    impl Fixture {
        fn evaluate(&self) -> Evaluation {
            evaluate(&self.request, &self.tenant, &self.site, &self.lists, 3)
        }
    }

    struct Case {
        name: &'static str,
        class: Classification,
        change: fn(&mut Fixture),
        rule: RuleId,
        passes: bool,
        /// Text the reason of the deciding finding must contain.
        says: &'static str,
    }

    /// Runs a table: for a passing case every finding of the rule passes; for a failing case one fails.
    /// Either way a finding of the rule has a reason containing `says`, and eligibility follows.
    fn run(cases: &[Case]) {
        for case in cases {
            let mut fx = fixture(case.class);
            (case.change)(&mut fx);
            let evaluation = fx.evaluate();
            let of_rule: Vec<&Finding> = evaluation
                .findings
                .iter()
                .filter(|f| f.rule == case.rule)
                .collect();
            assert!(
                !of_rule.is_empty(),
                "{}: no {} finding in {:#?}",
                case.name,
                case.rule,
                evaluation
            );
            let deciding: Vec<&&Finding> =
                of_rule.iter().filter(|f| f.passed == case.passes).collect();
            if case.passes {
                assert_eq!(
                    deciding.len(),
                    of_rule.len(),
                    "{}: {:#?}",
                    case.name,
                    of_rule
                );
            } else {
                assert!(
                    !deciding.is_empty(),
                    "{}: expected a failure, got {:#?}",
                    case.name,
                    of_rule
                );
                assert!(
                    !evaluation.eligible,
                    "{}: a failed finding must make the site ineligible",
                    case.name
                );
            }
            assert!(
                deciding.iter().any(|f| f.reason.contains(case.says)),
                "{}: no reason contains {:?}: {:#?}",
                case.name,
                case.says,
                of_rule
            );
            assert_eq!(
                evaluation.eligible,
                evaluation.failures().next().is_none(),
                "{}",
                case.name
            );
        }
    }

    fn no_change(_: &mut Fixture) {}

    // --- Classification, Percent, Window -----------------------------------------------------------------

    #[test]
    fn classifications_round_trip_through_their_names() {
        for class in Classification::ALL {
            assert_eq!(Classification::parse(class.as_str()), Ok(class));
            assert!(!class.label().is_empty() && !class.description().is_empty());
        }
        assert_eq!(
            Classification::parse(" Health "),
            Ok(Classification::Health)
        );
        assert_eq!(
            Classification::parse("secret").unwrap_err().to_string(),
            "“secret” is not a data classification; choose public, confidential, personal, health or sensitive."
        );
    }

    #[test]
    fn classifications_deserialise_from_lower_case_names() {
        use serde::de::{value::Error, IntoDeserializer};
        let read = |text: &'static str| -> Result<Classification, Error> {
            Classification::deserialize(text.into_deserializer())
        };
        assert_eq!(read("sensitive").unwrap(), Classification::Sensitive);
        assert!(read("Sensitive").is_err());
    }

    #[test]
    fn percentages_parse_up_to_two_decimals() {
        let cases = [
            ("24", 2400),
            ("24.01", 2401),
            ("24,01", 2401),
            (" 24.5 % ", 2450),
            ("0", 0),
            ("100", 10_000),
            ("100.00", 10_000),
            ("007", 700),
            ("0.01", 1),
        ];
        for (input, basis_points) in cases {
            assert_eq!(
                Percent::parse(input).map(Percent::basis_points),
                Ok(basis_points),
                "{input:?}"
            );
        }
    }

    #[test]
    fn percentages_out_of_range_or_malformed_are_refused_with_a_sentence() {
        let cases = [
            (
                "100.01",
                "“100.01” is above 100 %; a share is between 0 and 100 %.",
            ),
            (
                "250",
                "“250” is above 100 %; a share is between 0 and 100 %.",
            ),
            (
                "99999999",
                "“99999999” is above 100 %; a share is between 0 and 100 %.",
            ),
            ("-1", "“-1” is below 0 %; a share is between 0 and 100 %."),
            (
                "24.001",
                "“24.001” has more than two decimals; round it to two, e.g. 24.01.",
            ),
            (
                "abc",
                "“abc” is not a percentage; write a number between 0 and 100, e.g. 24.01.",
            ),
            (
                "24.",
                "“24.” is not a percentage; write a number between 0 and 100, e.g. 24.01.",
            ),
            (
                ".5",
                "“.5” is not a percentage; write a number between 0 and 100, e.g. 24.01.",
            ),
            ("", "Enter a percentage between 0 and 100, e.g. 24.01."),
        ];
        for (input, message) in cases {
            assert_eq!(
                Percent::parse(input).unwrap_err().to_string(),
                message,
                "{input:?}"
            );
        }
        assert!(Percent::from_basis_points(10_001).is_err());
        assert!(Percent::try_from(10_000).is_ok());
    }

    #[test]
    fn percentages_display_without_needless_decimals() {
        let cases = [
            ("24", "24 %"),
            ("24.01", "24.01 %"),
            ("24.5", "24.5 %"),
            ("0", "0 %"),
            ("100", "100 %"),
        ];
        for (input, shown) in cases {
            assert_eq!(pct(input).to_string(), shown);
        }
        assert_eq!(format_basis_points(4_500), "45 %");
        assert_eq!(format_basis_points(15_000), "150 %");
        assert_eq!(Percent::whole(35), pct("35"));
    }

    #[test]
    fn a_window_is_half_open_and_must_hold_a_day() {
        let w = window();
        assert_eq!(w.last_day(), date!(2025 - 06 - 30));
        let one_day = Window::new(date!(2025 - 01 - 01), date!(2025 - 01 - 02)).unwrap();
        assert_eq!(one_day.last_day(), date!(2025 - 01 - 01));
        assert_eq!(
            Window::new(date!(2025 - 01 - 02), date!(2025 - 01 - 02))
                .unwrap_err()
                .to_string(),
            "The window must end after it starts, but it runs from 2025-01-02 to 2025-01-02."
        );
    }

    #[test]
    fn certifications_are_validated_with_readable_messages() {
        assert!(hds(&[1, 2, 3], date!(2026 - 01 - 01)).validate().is_ok());
        let bad_activity = hds(&[1, 7], date!(2026 - 01 - 01));
        assert_eq!(
            bad_activity.validate().unwrap_err().to_string(),
            "Certificate HDS-T-1 lists HDS activity 7; HDS activities are numbered 1 to 6."
        );
        let backwards = hds(&[1], date!(2023 - 01 - 01));
        assert!(backwards
            .validate()
            .unwrap_err()
            .to_string()
            .contains("before it starts"));
        let eucs = cert(
            CertificationKind::Eucs,
            "E-1",
            date!(2024 - 01 - 01),
            date!(2026 - 01 - 01),
        );
        assert!(eucs.validate().is_err());
    }

    #[test]
    fn the_lists_in_force_match_the_domain() {
        let lists = PolicyLists::in_force(4);
        assert_eq!(lists.version, 4);
        assert_eq!(lists.eu.len(), 27);
        assert_eq!(lists.eea.len(), 30);
        assert!(lists.eu.is_subset(&lists.eea));
        for code in ["IS", "LI", "NO"] {
            assert!(lists.is_eea(cc(code)) && !lists.is_eu(cc(code)), "{code}");
        }
        assert_eq!(lists.adequacy.len(), 15);
        assert_eq!(
            lists.adequacy_condition(cc("CA")),
            Some(AdequacyCondition::CommercialOrganisations)
        );
        assert_eq!(
            lists.adequacy_condition(cc("US")),
            Some(AdequacyCondition::DataPrivacyFrameworkCertified)
        );
        assert_eq!(
            lists.adequacy_condition(cc("GB")),
            Some(AdequacyCondition::None)
        );
        assert_eq!(lists.adequacy_condition(cc("AE")), None);
        let sanctioned: Vec<&str> = lists.sanctions.iter().map(|c| c.as_str()).collect();
        assert_eq!(sanctioned, ["BY", "IR", "KP", "RU", "SY"]);
        assert_eq!(
            RuleId::ALL.map(RuleId::as_str).join(" "),
            "G1 G2 G4 C1 H1 H2 H3 S1 S2 S3 S4 S5 E1"
        );
    }

    #[test]
    fn the_baseline_fixture_is_eligible_for_every_class() {
        for class in Classification::ALL {
            let evaluation = fixture(class).evaluate();
            assert!(evaluation.eligible, "{class}: {evaluation:#?}");
            assert_eq!(evaluation.policy_version, 7);
            assert_eq!(evaluation.catalogue_version, 3);
            assert_eq!(evaluation.site_slug, "test");
            assert!(
                evaluation.findings.iter().all(|f| f.reason.ends_with('.')),
                "{evaluation:#?}"
            );
        }
    }

    #[test]
    fn public_data_only_checks_sanctions() {
        let mut fx = fixture(Classification::Public);
        fx.site.country = cc("AE");
        fx.site.admin_access_countries = vec![cc("CN")];
        fx.site.certifications.clear();
        let evaluation = fx.evaluate();
        assert!(evaluation.eligible);
        let rules: Vec<RuleId> = evaluation.findings.iter().map(|f| f.rule).collect();
        assert_eq!(rules, [RuleId::E1]);
    }

    // --- E1 ----------------------------------------------------------------------------------------------

    #[test]
    fn sanctions_rule_e1() {
        run(&[
            Case {
                name: "tenant in France",
                class: Classification::Public,
                change: no_change,
                rule: RuleId::E1,
                passes: true,
                says: "registered in France, which is not on the sanctions list",
            },
            Case {
                name: "tenant in Russia",
                class: Classification::Public,
                change: |fx| fx.tenant.country = cc("RU"),
                rule: RuleId::E1,
                passes: false,
                says: "registered in the Russian Federation, which is on the sanctions list",
            },
            Case {
                name: "tenant in Iran, health",
                class: Classification::Health,
                change: |fx| fx.tenant.country = cc("IR"),
                rule: RuleId::E1,
                passes: false,
                says: "Iran",
            },
            Case {
                name: "a list without Russia",
                class: Classification::Public,
                change: |fx| {
                    fx.tenant.country = cc("RU");
                    fx.lists.sanctions.clear();
                },
                rule: RuleId::E1,
                passes: true,
                says: "not on the sanctions list",
            },
        ]);
    }

    #[test]
    fn sanctions_block_every_class_at_every_site() {
        let d = date!(2025 - 03 - 03);
        let sites = demo_sites(d);
        let lists = PolicyLists::in_force(1);
        let tenant = TenantProfile {
            name: "Blocked Org".to_string(),
            country: cc("BY"),
        };
        for class in Classification::ALL {
            let mut fx = fixture(class);
            fx.request.confidential_waiver = true;
            let mut all_sites = sites.clone();
            all_sites.push(fx.site.clone());
            for evaluation in evaluate_all(&fx.request, &tenant, &all_sites, &lists, 1) {
                assert!(!evaluation.eligible, "{class} at {}", evaluation.site_slug);
                assert!(evaluation.failures().any(|f| f.rule == RuleId::E1));
            }
        }
    }

    // --- C1 ----------------------------------------------------------------------------------------------

    #[test]
    fn confidential_rule_c1() {
        run(&[
            Case {
                name: "site in France",
                class: Classification::Confidential,
                change: no_change,
                rule: RuleId::C1,
                passes: true,
                says: "The site is in France, inside the EEA.",
            },
            Case {
                name: "site in Norway",
                class: Classification::Confidential,
                change: |fx| fx.site.country = cc("NO"),
                rule: RuleId::C1,
                passes: true,
                says: "Norway, inside the EEA",
            },
            Case {
                name: "site in the Emirates without waiver",
                class: Classification::Confidential,
                change: |fx| fx.site.country = cc("AE"),
                rule: RuleId::C1,
                passes: false,
                says: "The site is in the United Arab Emirates, outside the EEA; confidential data stays",
            },
            Case {
                name: "site in the Emirates with waiver",
                class: Classification::Confidential,
                change: |fx| {
                    fx.site.country = cc("AE");
                    fx.request.confidential_waiver = true;
                },
                rule: RuleId::C1,
                passes: true,
                says: "waiver of EEA placement for this request is recorded",
            },
        ]);
    }

    #[test]
    fn the_waiver_is_marked_applied_only_when_it_was_needed() {
        let mut fx = fixture(Classification::Confidential);
        fx.request.confidential_waiver = true;
        assert!(!fx.evaluate().waiver_applied);
        fx.site.country = cc("US");
        let evaluation = fx.evaluate();
        assert!(evaluation.eligible && evaluation.waiver_applied);
        fx.request.classification = Classification::Personal;
        assert!(
            !fx.evaluate().waiver_applied,
            "the waiver is a C1 matter only"
        );
    }

    // --- G1, G2 ------------------------------------------------------------------------------------------

    #[test]
    fn personal_data_site_rules_g1_and_g2() {
        run(&[
            Case {
                name: "site in Germany",
                class: Classification::Personal,
                change: |fx| fx.site.country = cc("DE"),
                rule: RuleId::G1,
                passes: true,
                says: "The site is in Germany, inside the EEA.",
            },
            Case {
                name: "site in Switzerland",
                class: Classification::Personal,
                change: |fx| fx.site.country = cc("CH"),
                rule: RuleId::G2,
                passes: true,
                says: "The site is in Switzerland, which has an EU adequacy decision.",
            },
            Case {
                name: "site in Canada, commercial operator",
                class: Classification::Personal,
                change: |fx| fx.site.country = cc("CA"),
                rule: RuleId::G2,
                passes: true,
                says: "covers commercial organisations such as the operator, Opérateur Test SAS",
            },
            Case {
                name: "site in Canada, non-commercial operator",
                class: Classification::Personal,
                change: |fx| {
                    fx.site.country = cc("CA");
                    fx.site.operator.commercial_organisation = false;
                },
                rule: RuleId::G2,
                passes: false,
                says: "covers only commercial organisations, and the operator, Opérateur Test SAS, is not",
            },
            Case {
                name: "site in the US, DPF-certified operator",
                class: Classification::Personal,
                change: |fx| {
                    fx.site.country = cc("US");
                    fx.site.operator.dpf_certified = true;
                },
                rule: RuleId::G2,
                passes: true,
                says: "The site is in the United States, and the operator, Opérateur Test SAS, is certified",
            },
            Case {
                name: "site in the US, operator not certified",
                class: Classification::Personal,
                change: |fx| fx.site.country = cc("US"),
                rule: RuleId::G2,
                passes: false,
                says: "Data Privacy Framework, and the operator, Opérateur Test SAS, is not certified",
            },
            Case {
                name: "site in the Emirates",
                class: Classification::Personal,
                change: |fx| fx.site.country = cc("AE"),
                rule: RuleId::G1,
                passes: false,
                says: "The site is in the United Arab Emirates, outside the EEA and without an EU adequacy decision.",
            },
            Case {
                name: "health site in Switzerland: adequacy does not help",
                class: Classification::Health,
                change: |fx| fx.site.country = cc("CH"),
                rule: RuleId::G1,
                passes: false,
                says: "Switzerland, outside the EEA; health data must stay in the EEA.",
            },
            Case {
                name: "sensitive site in the United Kingdom",
                class: Classification::Sensitive,
                change: |fx| fx.site.country = cc("GB"),
                rule: RuleId::G1,
                passes: false,
                says: "the United Kingdom, outside the EEA; sensitive data must stay in the EEA.",
            },
            Case {
                name: "health site in Iceland",
                class: Classification::Health,
                change: |fx| fx.site.country = cc("IS"),
                rule: RuleId::G1,
                passes: true,
                says: "Iceland, inside the EEA",
            },
        ]);
    }

    // --- G4 ----------------------------------------------------------------------------------------------

    #[test]
    fn remote_administration_rule_g4() {
        run(&[
            Case {
                name: "personal, US support with DPF",
                class: Classification::Personal,
                change: |fx| {
                    fx.site.admin_access_countries.push(cc("US"));
                    fx.site.operator.dpf_certified = true;
                },
                rule: RuleId::G4,
                passes: true,
                says: "from the United States, and the operator, Opérateur Test SAS, is certified",
            },
            Case {
                name: "personal, US support without DPF",
                class: Classification::Personal,
                change: |fx| fx.site.admin_access_countries.push(cc("US")),
                rule: RuleId::G4,
                passes: false,
                says: "Administration or support staff can reach tenant data from the United States, whose EU adequacy decision covers only recipients certified",
            },
            Case {
                name: "personal, Canadian support, commercial operator",
                class: Classification::Personal,
                change: |fx| fx.site.admin_access_countries.push(cc("CA")),
                rule: RuleId::G4,
                passes: true,
                says: "from Canada, whose EU adequacy decision covers commercial organisations",
            },
            Case {
                name: "personal, Canadian support, non-commercial operator",
                class: Classification::Personal,
                change: |fx| {
                    fx.site.admin_access_countries.push(cc("CA"));
                    fx.site.operator.commercial_organisation = false;
                },
                rule: RuleId::G4,
                passes: false,
                says: "from Canada, whose EU adequacy decision covers only commercial organisations",
            },
            Case {
                name: "personal, support from the Emirates",
                class: Classification::Personal,
                change: |fx| fx.site.admin_access_countries.push(cc("AE")),
                rule: RuleId::G4,
                passes: false,
                says: "from the United Arab Emirates, outside the EEA and without an EU adequacy decision",
            },
            Case {
                name: "health, US support even with DPF",
                class: Classification::Health,
                change: |fx| {
                    fx.site.admin_access_countries.push(cc("US"));
                    fx.site.operator.dpf_certified = true;
                },
                rule: RuleId::G4,
                passes: false,
                says: "from the United States, outside the EEA; health data must stay in the EEA.",
            },
            Case {
                name: "health, support from Norway",
                class: Classification::Health,
                change: |fx| fx.site.admin_access_countries = vec![cc("FR"), cc("NO")],
                rule: RuleId::G4,
                passes: true,
                says: "from Norway, inside the EEA",
            },
            Case {
                name: "sensitive, support from Switzerland",
                class: Classification::Sensitive,
                change: |fx| fx.site.admin_access_countries.push(cc("CH")),
                rule: RuleId::G4,
                passes: false,
                says: "from Switzerland, outside the EEA; sensitive data must stay in the EEA.",
            },
            Case {
                name: "personal, no declared support location",
                class: Classification::Personal,
                change: |fx| fx.site.admin_access_countries.clear(),
                rule: RuleId::G4,
                passes: true,
                says: "declares no country",
            },
        ]);
    }

    // --- H1, H2, H3 --------------------------------------------------------------------------------------

    #[test]
    fn hds_activity_rule_h1() {
        run(&[
            Case {
                name: "activities 1 to 6",
                class: Classification::Health,
                change: no_change,
                rule: RuleId::H1,
                passes: true,
                says: "HDS certificate HDS-T-1 covers activities 1, 2, 3, 4, 5 and 6, including the 1, 2 and 3",
            },
            Case {
                name: "no HDS certificate",
                class: Classification::Health,
                change: |fx| fx.site.certifications.retain(|c| c.kind != CertificationKind::Hds),
                rule: RuleId::H1,
                passes: false,
                says: "The site holds no HDS certificate; health data needs one covering activities 1, 2 and 3.",
            },
            Case {
                name: "activities 1 to 3 when the operator administers systems",
                class: Classification::Health,
                change: |fx| {
                    fx.site.certifications[0] = hds(&[1, 2, 3], date!(2027 - 12 - 31));
                    fx.request.operator_administers_systems = true;
                },
                rule: RuleId::H1,
                passes: false,
                says: "covers activities 1, 2 and 3 but not 5, which this request needs because the operator administers the tenant's systems.",
            },
            Case {
                name: "activities 1 to 3 and 5 when the operator administers systems",
                class: Classification::Health,
                change: |fx| {
                    fx.site.certifications[0] = hds(&[1, 2, 3, 5], date!(2027 - 12 - 31));
                    fx.request.operator_administers_systems = true;
                },
                rule: RuleId::H1,
                passes: true,
                says: "including the 1, 2, 3 and 5 this request needs",
            },
            Case {
                name: "activities 1 to 3 and 5 when the operator backs up",
                class: Classification::Health,
                change: |fx| {
                    fx.site.certifications[0] = hds(&[1, 2, 3, 5], date!(2027 - 12 - 31));
                    fx.request.operator_backs_up = true;
                },
                rule: RuleId::H1,
                passes: false,
                says: "but not 6, which this request needs because the operator backs up the tenant's data.",
            },
            Case {
                name: "activities 1 and 2 only",
                class: Classification::Health,
                change: |fx| fx.site.certifications[0] = hds(&[1, 2], date!(2027 - 12 - 31)),
                rule: RuleId::H1,
                passes: false,
                says: "but not 3, which this request needs because activities 1 to 3 are always needed",
            },
            Case {
                name: "certificate expired before the window",
                class: Classification::Health,
                change: |fx| fx.site.certifications[0] = hds(&[1, 2, 3], date!(2025 - 03 - 31)),
                rule: RuleId::H1,
                passes: false,
                says: "valid only from 2024-01-01 to 2025-03-31, not on 2025-04-01, the window's first day.",
            },
        ]);
    }

    #[test]
    fn hds_validity_rule_h2_counts_the_window_last_day() {
        run(&[
            Case {
                name: "expires on the window's last day",
                class: Classification::Health,
                change: |fx| fx.site.certifications[0] = hds(&[1, 2, 3], date!(2025 - 06 - 30)),
                rule: RuleId::H2,
                passes: true,
                says: "HDS certificate HDS-T-1 is valid from 2024-01-01 until 2025-06-30, covering the window through its last day, 2025-06-30.",
            },
            Case {
                name: "expires one day before the window's last day",
                class: Classification::Health,
                change: |fx| fx.site.certifications[0] = hds(&[1, 2, 3], date!(2025 - 06 - 29)),
                rule: RuleId::H2,
                passes: false,
                says: "HDS certificate HDS-T-1 expires on 2025-06-29, before 2025-06-30, the window's last day.",
            },
            Case {
                name: "expires on the window's end day, which is not used",
                class: Classification::Health,
                change: |fx| fx.site.certifications[0] = hds(&[1, 2, 3], date!(2025 - 07 - 01)),
                rule: RuleId::H2,
                passes: true,
                says: "until 2025-07-01",
            },
            Case {
                name: "becomes valid after the window starts",
                class: Classification::Health,
                change: |fx| {
                    let mut late = hds(&[1, 2, 3], date!(2027 - 12 - 31));
                    late.valid_from = date!(2025 - 04 - 02);
                    fx.site.certifications[0] = late;
                },
                rule: RuleId::H2,
                passes: false,
                says: "only becomes valid on 2025-04-02, after 2025-04-01, the window's first day.",
            },
            Case {
                name: "the long certificate lacks a needed activity",
                class: Classification::Health,
                change: |fx| {
                    fx.site.certifications[0] = hds(&[1, 2, 3], date!(2027 - 12 - 31));
                    fx.request.operator_backs_up = true;
                },
                rule: RuleId::H2,
                passes: false,
                says: "No HDS certificate covering activities 1, 2, 3 and 6 is valid through 2025-06-30",
            },
        ]);
    }

    #[test]
    fn hds_eea_rule_h3() {
        run(&[
            Case {
                name: "site in France",
                class: Classification::Health,
                change: no_change,
                rule: RuleId::H3,
                passes: true,
                says: "The site is in France, inside the EEA, as the HDS framework requires.",
            },
            Case {
                name: "site in Liechtenstein",
                class: Classification::Health,
                change: |fx| fx.site.country = cc("LI"),
                rule: RuleId::H3,
                passes: true,
                says: "Liechtenstein",
            },
            Case {
                name: "site in the Emirates",
                class: Classification::Health,
                change: |fx| fx.site.country = cc("AE"),
                rule: RuleId::H3,
                passes: false,
                says: "The site is in the United Arab Emirates, outside the EEA, where the HDS framework does not allow hosting.",
            },
        ]);
    }

    // --- S1 to S5 ----------------------------------------------------------------------------------------

    #[test]
    fn secnumcloud_rule_s1() {
        run(&[
            Case {
                name: "3.2 valid through the window",
                class: Classification::Sensitive,
                change: no_change,
                rule: RuleId::S1,
                passes: true,
                says: "SecNumCloud 3.2 qualification SNC-T-1 is valid from 2024-01-01 until 2027-12-31",
            },
            Case {
                name: "no qualification",
                class: Classification::Sensitive,
                change: |fx| fx.site.certifications.retain(|c| c.kind != CertificationKind::SecNumCloud),
                rule: RuleId::S1,
                passes: false,
                says: "The site holds no SecNumCloud qualification; sensitive data needs SecNumCloud 3.2.",
            },
            Case {
                name: "older version",
                class: Classification::Sensitive,
                change: |fx| fx.site.certifications[1] = snc("3.1", date!(2027 - 12 - 31)),
                rule: RuleId::S1,
                passes: false,
                says: "SecNumCloud qualification SNC-T-1 is for version 3.1; sensitive data needs version 3.2.",
            },
            Case {
                name: "expires one day before the window's last day",
                class: Classification::Sensitive,
                change: |fx| fx.site.certifications[1] = snc("3.2", date!(2025 - 06 - 29)),
                rule: RuleId::S1,
                passes: false,
                says: "SecNumCloud 3.2 qualification SNC-T-1 expires on 2025-06-29, before 2025-06-30, the window's last day.",
            },
            Case {
                name: "expires on the window's last day",
                class: Classification::Sensitive,
                change: |fx| fx.site.certifications[1] = snc("3.2", date!(2025 - 06 - 30)),
                rule: RuleId::S1,
                passes: true,
                says: "until 2025-06-30",
            },
            Case {
                name: "an HDS certificate is no SecNumCloud qualification",
                class: Classification::Sensitive,
                change: |fx| fx.site.certifications.truncate(1),
                rule: RuleId::S1,
                passes: false,
                says: "no SecNumCloud qualification",
            },
        ]);
    }

    #[test]
    fn operator_establishment_rule_s2() {
        run(&[
            Case {
                name: "all in France",
                class: Classification::Sensitive,
                change: no_change,
                rule: RuleId::S2,
                passes: true,
                says: "has its registered office, central administration and main establishment in the EU (France).",
            },
            Case {
                name: "central administration in the US",
                class: Classification::Sensitive,
                change: |fx| fx.site.operator.central_administration = cc("US"),
                rule: RuleId::S2,
                passes: false,
                says: "The operator, Opérateur Test SAS, has its central administration in the United States, outside the EU;",
            },
            Case {
                name: "registered office in Switzerland",
                class: Classification::Sensitive,
                change: |fx| fx.site.operator.registered_office = cc("CH"),
                rule: RuleId::S2,
                passes: false,
                says: "has its registered office in Switzerland, outside the EU",
            },
            Case {
                name: "main establishment in Norway (EEA, not EU)",
                class: Classification::Sensitive,
                change: |fx| fx.site.operator.main_establishment = cc("NO"),
                rule: RuleId::S2,
                passes: false,
                says: "its main establishment in Norway",
            },
            Case {
                name: "offices spread over the EU",
                class: Classification::Sensitive,
                change: |fx| fx.site.operator.main_establishment = cc("DE"),
                rule: RuleId::S2,
                passes: true,
                says: "in the EU (France and Germany).",
            },
        ]);
    }

    /// Replaces the operator's shareholders: an EU majority plus the given others.
    fn shareholders(fx: &mut Fixture, others: Vec<Shareholder>) {
        fx.site.operator.shareholders = others;
        fx.site
            .operator
            .shareholders
            .push(holder("Caisse Test", "FR", "40", "40"));
    }

    #[test]
    fn shareholding_rule_s3_boundaries() {
        run(&[
            Case {
                name: "one non-EU shareholder at exactly 24 %",
                class: Classification::Sensitive,
                change: |fx| shareholders(fx, vec![holder("Atlantic Fund", "US", "24", "24")]),
                rule: RuleId::S3,
                passes: true,
                says: "Non-EU shareholders hold at most 24 % each and 24 % together",
            },
            Case {
                name: "one non-EU shareholder at 24.01 % of the capital",
                class: Classification::Sensitive,
                change: |fx| shareholders(fx, vec![holder("Atlantic Fund", "US", "24.01", "24")]),
                rule: RuleId::S3,
                passes: false,
                says: "Atlantic Fund (United States) holds 24.01 % of the capital, above the 24 % allowed to one non-EU shareholder.",
            },
            Case {
                name: "non-EU shares summing to exactly 39 %",
                class: Classification::Sensitive,
                change: |fx| {
                    shareholders(
                        fx,
                        vec![holder("Atlantic Fund", "US", "20", "20"), holder("Alpine Trust", "CH", "19", "19")],
                    )
                },
                rule: RuleId::S3,
                passes: true,
                says: "and 39 % together",
            },
            Case {
                name: "non-EU shares summing to 39.01 %",
                class: Classification::Sensitive,
                change: |fx| {
                    shareholders(
                        fx,
                        vec![holder("Atlantic Fund", "US", "20", "20"), holder("Alpine Trust", "CH", "19.01", "19.01")],
                    )
                },
                rule: RuleId::S3,
                passes: false,
                says: "Non-EU shareholders together hold 39.01 % of the capital and 39.01 % of the voting rights, above the 39 % allowed to them together.",
            },
            Case {
                name: "capital within limits, voting rights over",
                class: Classification::Sensitive,
                change: |fx| shareholders(fx, vec![holder("Atlantic Fund", "US", "20", "30")]),
                rule: RuleId::S3,
                passes: false,
                says: "Atlantic Fund (United States) holds 30 % of the voting rights, above the 24 % allowed",
            },
            Case {
                name: "voting within limits, capital over",
                class: Classification::Sensitive,
                change: |fx| shareholders(fx, vec![holder("Atlantic Fund", "US", "30", "10")]),
                rule: RuleId::S3,
                passes: false,
                says: "holds 30 % of the capital, above",
            },
            Case {
                name: "total voting over while total capital is within",
                class: Classification::Sensitive,
                change: |fx| {
                    shareholders(
                        fx,
                        vec![holder("Atlantic Fund", "US", "20", "20"), holder("Alpine Trust", "CH", "10", "20")],
                    )
                },
                rule: RuleId::S3,
                passes: false,
                says: "Non-EU shareholders together hold 40 % of the voting rights, above the 39 %",
            },
            Case {
                name: "an EU majority shareholder does not count",
                class: Classification::Sensitive,
                change: |fx| fx.site.operator.shareholders = vec![holder("Rhein Capital", "DE", "80", "80")],
                rule: RuleId::S3,
                passes: true,
                says: "Every shareholder of the operator, Opérateur Test SAS, is in the EU.",
            },
            Case {
                name: "an EEA shareholder outside the EU counts",
                class: Classification::Sensitive,
                change: |fx| shareholders(fx, vec![holder("Nordic Pension", "NO", "30", "30")]),
                rule: RuleId::S3,
                passes: false,
                says: "Nordic Pension (Norway) holds 30 % of the capital and 30 % of the voting rights",
            },
        ]);
    }

    #[test]
    fn control_rule_s4() {
        run(&[
            Case {
                name: "no special rights",
                class: Classification::Sensitive,
                change: no_change,
                rule: RuleId::S4,
                passes: true,
                says: "No non-EU shareholder holds control or veto rights over the operator, Opérateur Test SAS.",
            },
            Case {
                name: "a non-EU veto",
                class: Classification::Sensitive,
                change: |fx| {
                    let mut fund = holder("Atlantic Fund", "US", "10", "10");
                    fund.veto_rights = true;
                    shareholders(fx, vec![fund]);
                },
                rule: RuleId::S4,
                passes: false,
                says: "Atlantic Fund (United States) holds veto rights over the operator, Opérateur Test SAS, which no non-EU party may hold.",
            },
            Case {
                name: "non-EU control",
                class: Classification::Sensitive,
                change: |fx| {
                    let mut fund = holder("Alpine Trust", "CH", "5", "5");
                    fund.control_rights = true;
                    fund.veto_rights = true;
                    shareholders(fx, vec![fund]);
                },
                rule: RuleId::S4,
                passes: false,
                says: "Alpine Trust (Switzerland) holds control and veto rights",
            },
            Case {
                name: "EU control is fine",
                class: Classification::Sensitive,
                change: |fx| fx.site.operator.shareholders[0].control_rights = true,
                rule: RuleId::S4,
                passes: true,
                says: "No non-EU shareholder",
            },
        ]);
    }

    #[test]
    fn eu_administration_rule_s5() {
        run(&[
            Case {
                name: "administration from France",
                class: Classification::Sensitive,
                change: no_change,
                rule: RuleId::S5,
                passes: true,
                says: "Administration or support staff can reach tenant data from France, inside the EU.",
            },
            Case {
                name: "support from Norway (EEA, not EU)",
                class: Classification::Sensitive,
                change: |fx| fx.site.admin_access_countries.push(cc("NO")),
                rule: RuleId::S5,
                passes: false,
                says: "from Norway, outside the EU; SecNumCloud requires every administration and support location in the EU.",
            },
            Case {
                name: "support from the US",
                class: Classification::Sensitive,
                change: |fx| fx.site.admin_access_countries.push(cc("US")),
                rule: RuleId::S5,
                passes: false,
                says: "from the United States, outside the EU",
            },
        ]);
    }

    // --- The demo catalogue ------------------------------------------------------------------------------

    fn months_after(d: Date, months: u8) -> Date {
        let zero_based = u32::from(u8::from(d.month()) - 1) + u32::from(months);
        let year = d.year() + i32::try_from(zero_based / 12).unwrap();
        let month = Month::try_from(u8::try_from(zero_based % 12 + 1).unwrap()).unwrap();
        (1..=d.day())
            .rev()
            .find_map(|day| Date::from_calendar_date(year, month, day).ok())
            .unwrap()
    }

    fn demo_run(d: Date, class: Classification, months: u8) -> Vec<Evaluation> {
        let start = days_after(d, 7);
        let request = PlacementRequest {
            classification: class,
            window: Window::new(start, months_after(start, months)).unwrap(),
            confidential_waiver: false,
            operator_administers_systems: false,
            operator_backs_up: false,
        };
        let tenant = TenantProfile {
            name: "Institut Curie".to_string(),
            country: cc("FR"),
        };
        evaluate_all(
            &request,
            &tenant,
            &demo_sites(d),
            &PolicyLists::in_force(1),
            1,
        )
    }

    fn failed_rules(evaluation: &Evaluation) -> BTreeSet<RuleId> {
        evaluation.failures().map(|f| f.rule).collect()
    }

    fn by_slug<'a>(evaluations: &'a [Evaluation], slug: &str) -> &'a Evaluation {
        evaluations.iter().find(|e| e.site_slug == slug).unwrap()
    }

    const DEMO_DAYS: [Date; 4] = [
        date!(2025 - 03 - 03),
        date!(2024 - 02 - 29),
        date!(2025 - 11 - 30),
        date!(2026 - 01 - 31),
    ];

    #[test]
    fn the_demo_catalogue_lists_five_sites_with_valid_certificates() {
        let sites = demo_sites(date!(2025 - 03 - 03));
        let slugs: Vec<&str> = sites.iter().map(|s| s.slug.as_str()).collect();
        assert_eq!(
            slugs,
            ["idf-campus", "dugny", "marseille", "cambrai", "abu-dhabi"]
        );
        for site in &sites {
            for cert in &site.certifications {
                assert_eq!(cert.validate(), Ok(()), "{}", cert.certificate_id);
            }
        }
    }

    #[test]
    fn health_for_three_months_is_eligible_at_idf_campus_and_dugny_only() {
        for d in DEMO_DAYS {
            let evaluations = demo_run(d, Classification::Health, 3);
            let eligible: Vec<&str> = evaluations
                .iter()
                .filter(|e| e.eligible)
                .map(|e| e.site_slug.as_str())
                .collect();
            assert_eq!(eligible, ["idf-campus", "dugny"], "day {d}");

            let marseille = by_slug(&evaluations, "marseille");
            assert_eq!(failed_rules(marseille), BTreeSet::from([RuleId::G4]));
            assert!(marseille
                .failures()
                .any(|f| f.reason.contains("from the United States, outside the EEA")));

            let cambrai = by_slug(&evaluations, "cambrai");
            assert!(failed_rules(cambrai).contains(&RuleId::H1));
            assert!(cambrai.failures().any(|f| f.reason == "The site holds no HDS certificate; health data needs one covering activities 1, 2 and 3."));

            let abu_dhabi = failed_rules(by_slug(&evaluations, "abu-dhabi"));
            assert!(
                abu_dhabi.contains(&RuleId::G1) && abu_dhabi.contains(&RuleId::H3),
                "{abu_dhabi:?}"
            );
        }
    }

    #[test]
    fn health_for_six_months_fails_at_dugny_on_h2() {
        for d in DEMO_DAYS {
            let evaluations = demo_run(d, Classification::Health, 6);
            let dugny = by_slug(&evaluations, "dugny");
            assert_eq!(failed_rules(dugny), BTreeSet::from([RuleId::H2]), "day {d}");
            let expiry = days_after(d, 120);
            assert!(dugny.failures().any(|f| f.reason.starts_with(&format!(
                "HDS certificate HDS-DUG-2024-0157 expires on {expiry}, before"
            ))));
            assert!(by_slug(&evaluations, "idf-campus").eligible);
        }
    }

    #[test]
    fn sensitive_for_three_months_is_eligible_at_dugny_only() {
        for d in DEMO_DAYS {
            let evaluations = demo_run(d, Classification::Sensitive, 3);
            let eligible: Vec<&str> = evaluations
                .iter()
                .filter(|e| e.eligible)
                .map(|e| e.site_slug.as_str())
                .collect();
            assert_eq!(eligible, ["dugny"], "day {d}");

            let idf = by_slug(&evaluations, "idf-campus");
            assert_eq!(failed_rules(idf), BTreeSet::from([RuleId::S3]));
            let reasons: Vec<&str> = idf.failures().map(|f| f.reason.as_str()).collect();
            assert_eq!(
                reasons,
                [
                    "MGX (United Arab Emirates) holds 30 % of the capital and 30 % of the voting rights, above the 24 % allowed to one non-EU shareholder.",
                    "Non-EU shareholders together hold 45 % of the capital and 45 % of the voting rights, above the 39 % allowed to them together.",
                ]
            );
        }
    }

    #[test]
    fn personal_data_in_the_demo_follows_dpf_and_commercial_status() {
        let evaluations = demo_run(date!(2025 - 03 - 03), Classification::Personal, 3);
        let eligible: Vec<&str> = evaluations
            .iter()
            .filter(|e| e.eligible)
            .map(|e| e.site_slug.as_str())
            .collect();
        assert_eq!(eligible, ["idf-campus", "dugny", "marseille", "cambrai"]);
        assert_eq!(
            failed_rules(by_slug(&evaluations, "abu-dhabi")),
            BTreeSet::from([RuleId::G1, RuleId::G4])
        );
    }

    #[test]
    fn rule_ids_and_enums_read_back_from_their_serialised_names() {
        use serde::de::{value::Error, IntoDeserializer};
        for rule in RuleId::ALL {
            let read: Result<RuleId, Error> =
                RuleId::deserialize(rule.as_str().into_deserializer());
            assert_eq!(read.unwrap(), rule);
        }
        let kind: Result<CertificationKind, Error> =
            CertificationKind::deserialize("secnumcloud".into_deserializer());
        assert_eq!(kind.unwrap(), CertificationKind::SecNumCloud);
        let condition: Result<AdequacyCondition, Error> =
            AdequacyCondition::deserialize("data_privacy_framework_certified".into_deserializer());
        assert_eq!(
            condition.unwrap(),
            AdequacyCondition::DataPrivacyFrameworkCertified
        );
        let percent: Result<Percent, Error> = Percent::deserialize(2401u16.into_deserializer());
        assert_eq!(percent.unwrap(), pct("24.01"));
        let too_much: Result<Percent, Error> = Percent::deserialize(10_001u16.into_deserializer());
        assert!(too_much.is_err());
    }

    // --- Properties --------------------------------------------------------------------------------------

    mod properties {
        use super::*;
        use proptest::prelude::*;
        use proptest::sample::{select, subsequence, Index};

        const INTERESTING: [&str; 12] = [
            "FR", "DE", "NO", "IS", "CH", "CA", "US", "GB", "AE", "JP", "RU", "CN",
        ];

        fn country() -> impl Strategy<Value = CountryCode> {
            prop_oneof![
                3 => select(INTERESTING.to_vec()).prop_map(cc),
                1 => (0..ALL_COUNTRIES.len()).prop_map(|i| cc(ALL_COUNTRIES[i].0)),
            ]
        }

        fn certification(d: Date) -> impl Strategy<Value = Certification> {
            let kind = select(vec![
                CertificationKind::Iso27001,
                CertificationKind::Hds,
                CertificationKind::SecNumCloud,
                CertificationKind::Eucs,
            ]);
            let version = prop::option::of(select(vec!["3.2", "3.1", " 3.2 "]));
            let level = select(vec![
                EucsLevel::Basic,
                EucsLevel::Substantial,
                EucsLevel::High,
            ]);
            (
                kind,
                subsequence(vec![1u8, 2, 3, 4, 5, 6], 1..=6),
                version,
                level,
                -400i64..400,
                0i64..1500,
            )
                .prop_map(move |(kind, activities, version, level, from, length)| {
                    let valid_from = days_after(d, from);
                    Certification {
                        kind,
                        hds_activities: if kind == CertificationKind::Hds {
                            activities
                        } else {
                            Vec::new()
                        },
                        version: version.map(str::to_string),
                        eucs_level: Some(level),
                        certificate_id: format!("GEN-{from}-{length}"),
                        valid_from,
                        valid_until: days_after(valid_from, length),
                    }
                })
        }

        /// A request and a site drawn from the demo catalogue or the baseline fixture, then varied.
        fn scenario() -> impl Strategy<Value = Fixture> {
            let d = date!(2025 - 03 - 03);
            // Health and sensitive are drawn more often: their rules are the ones with most to break.
            let class = select(vec![
                Classification::Public,
                Classification::Confidential,
                Classification::Personal,
                Classification::Health,
                Classification::Health,
                Classification::Sensitive,
                Classification::Sensitive,
            ]);
            let flags = (
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
                any::<bool>(),
            );
            let dates = (0i64..300, 1i64..400);
            let extra_admin = prop_oneof![
                2 => Just(Vec::new()),
                1 => prop::collection::vec(country(), 1..3),
            ];
            let tenant = prop_oneof![8 => Just(cc("FR")), 1 => country()];
            (0usize..6, class, flags, dates, extra_admin, tenant).prop_map(
                move |(base, class, flags, (start, length), extra_admin, tenant)| {
                    let mut fx = fixture(class);
                    if let Some(site) = demo_sites(d).into_iter().nth(base) {
                        fx.site = site;
                    }
                    let (waiver, administers, backs_up, dpf, commercial) = flags;
                    let start = days_after(d, start);
                    fx.request.window = Window::new(start, days_after(start, length)).unwrap();
                    fx.request.confidential_waiver = waiver;
                    fx.request.operator_administers_systems = administers;
                    fx.request.operator_backs_up = backs_up;
                    fx.site.operator.dpf_certified |= dpf;
                    fx.site.operator.commercial_organisation = commercial;
                    fx.site.admin_access_countries.extend(extra_admin);
                    fx.tenant.country = tenant;
                    fx
                },
            )
        }

        proptest! {
            #[test]
            fn adding_a_valid_certification_never_makes_an_eligible_site_ineligible(
                fx in scenario(),
                extra in certification(date!(2025 - 03 - 03)),
            ) {
                prop_assert!(extra.validate().is_ok());
                let before = fx.evaluate();
                let mut after = fx.clone();
                after.site.certifications.push(extra);
                if before.eligible {
                    prop_assert!(after.evaluate().eligible, "{:#?}", after.evaluate());
                }
            }

            #[test]
            fn removing_an_admin_country_never_makes_an_eligible_site_ineligible(
                fx in scenario(),
                which in any::<Index>(),
            ) {
                let before = fx.evaluate();
                let mut after = fx.clone();
                if !after.site.admin_access_countries.is_empty() {
                    let i = which.index(after.site.admin_access_countries.len());
                    after.site.admin_access_countries.remove(i);
                }
                if before.eligible {
                    prop_assert!(after.evaluate().eligible, "{:#?}", after.evaluate());
                }
            }

            #[test]
            fn eligible_means_no_failed_finding_and_every_reason_is_a_sentence(fx in scenario()) {
                let evaluation = fx.evaluate();
                prop_assert_eq!(evaluation.eligible, evaluation.findings.iter().all(|f| f.passed));
                prop_assert!(evaluation.findings.iter().all(|f| f.reason.ends_with('.') && !f.reason.is_empty()));
                prop_assert_eq!(evaluation.findings[0].rule, RuleId::E1);
            }
        }
    }
}
