//! The policy lists the rules read (EU, EEA, adequacy decisions, sanctions): data, versioned, so that
//! an operator changes them without a release and every evaluation records the version it used.

use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use super::Operator;
use crate::domain::country::CountryCode;

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
