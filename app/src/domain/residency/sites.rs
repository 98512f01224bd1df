//! What the evaluator knows about a site: its operator and shareholders, where it is administered from,
//! and the certificates it holds.

use serde::{Deserialize, Serialize};
use time::Date;

use super::{InputError, Percent, Window};
use crate::domain::country::CountryCode;
use crate::domain::format::{date, fill};
use crate::i18n::td_string;

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
        let locale = crate::locale::current();
        let invalid = |message: String| Err(InputError::InvalidCertification(message));
        let id = &self.certificate_id;
        if self.certificate_id.trim().is_empty() {
            return invalid(fill(
                td_string!(locale, residency.certificate_needs_id),
                &[("kind", &self.kind.label())],
            ));
        }
        if self.valid_until < self.valid_from {
            return invalid(fill(
                td_string!(locale, residency.certificate_ends_before_start),
                &[
                    ("certificate", id),
                    ("until", &date(locale, self.valid_until)),
                    ("from", &date(locale, self.valid_from)),
                ],
            ));
        }
        if let Some(bad) = self.hds_activities.iter().find(|a| !(1..=6).contains(*a)) {
            return invalid(fill(
                td_string!(locale, residency.certificate_bad_activity),
                &[("certificate", id), ("activity", bad)],
            ));
        }
        if self.kind == CertificationKind::Hds && self.hds_activities.is_empty() {
            return invalid(fill(
                td_string!(locale, residency.certificate_hds_no_activities),
                &[("certificate", id)],
            ));
        }
        if self.kind == CertificationKind::Eucs && self.eucs_level.is_none() {
            return invalid(fill(
                td_string!(locale, residency.certificate_eucs_no_level),
                &[("certificate", id)],
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

    pub(super) fn is_secnumcloud_3_2(&self) -> bool {
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
