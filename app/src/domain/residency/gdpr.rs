//! The GDPR rules: G1 (hosted in the EEA), G2 (an adequacy decision whose condition the operator meets,
//! personal data only) and G4 (remote administration or support is a transfer).

use std::collections::BTreeSet;

use super::explanation::{admin_subject, site_subject};
use super::{
    AdequacyCondition, Classification, Finding, Operator, PolicyLists, RuleId, SiteProfile,
};
use crate::domain::country::CountryCode;

/// G1/G2 on the site's country, then G4 on each administration or support country.
pub(super) fn personal_findings(site: &SiteProfile, lists: &PolicyLists) -> Vec<Finding> {
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
pub(super) fn eea_residency_findings(
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
pub(super) fn admin_location_findings(
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
