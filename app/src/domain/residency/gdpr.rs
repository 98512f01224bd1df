//! The GDPR rules: G1 (hosted in the EEA), G2 (an adequacy decision whose condition the operator meets,
//! personal data only) and G4 (remote administration or support is a transfer).

use std::collections::BTreeSet;

use super::explanation::{admin_subject, site_subject};
use super::{
    AdequacyCondition, Classification, Finding, Operator, PolicyLists, RuleId, SiteProfile,
};
use crate::domain::country::CountryCode;
use crate::domain::format::fill;
use crate::i18n::{td_string, Locale};

/// G1/G2 on the site's country, then G4 on each administration or support country.
pub(super) fn personal_findings(site: &SiteProfile, lists: &PolicyLists) -> Vec<Finding> {
    let locale = crate::locale::current();
    let operator = &site.operator;
    let status = gdpr_status(site.country, operator, lists);
    let site_rule = match status {
        GdprStatus::Eea | GdprStatus::NoAdequacy => RuleId::G1,
        GdprStatus::Adequate(_) | GdprStatus::ConditionNotMet(_) => RuleId::G2,
    };
    let site_reason = gdpr_sentence(
        locale,
        &site_subject(locale, site.country),
        status,
        operator,
    );
    let mut findings = vec![Finding::new(
        site_rule,
        status.allows_transfer(),
        site_reason,
    )];
    findings.extend(admin_location_findings(site, RuleId::G4, |country| {
        let status = gdpr_status(country, operator, lists);
        (
            status.allows_transfer(),
            gdpr_sentence(locale, &admin_subject(locale, country), status, operator),
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
fn gdpr_sentence(locale: Locale, subject: &str, status: GdprStatus, operator: &Operator) -> String {
    let template = match status {
        GdprStatus::Eea => td_string!(locale, residency.inside_eea),
        GdprStatus::NoAdequacy => td_string!(locale, residency.gdpr_no_adequacy),
        GdprStatus::Adequate(AdequacyCondition::None) => {
            td_string!(locale, residency.gdpr_adequate)
        }
        GdprStatus::Adequate(AdequacyCondition::CommercialOrganisations) => {
            td_string!(locale, residency.gdpr_adequate_commercial)
        }
        GdprStatus::Adequate(AdequacyCondition::DataPrivacyFrameworkCertified) => {
            td_string!(locale, residency.gdpr_adequate_dpf)
        }
        GdprStatus::ConditionNotMet(AdequacyCondition::CommercialOrganisations) => {
            td_string!(locale, residency.gdpr_commercial_not_met)
        }
        GdprStatus::ConditionNotMet(AdequacyCondition::DataPrivacyFrameworkCertified) => {
            td_string!(locale, residency.gdpr_dpf_not_met)
        }
        GdprStatus::ConditionNotMet(AdequacyCondition::None) => {
            td_string!(locale, residency.gdpr_condition_not_met)
        }
    };
    fill(
        template,
        &[("subject", &subject), ("operator", &operator.name)],
    )
}

/// G1 and G4 for health and sensitive data, where only the EEA counts (adequacy does not help).
pub(super) fn eea_residency_findings(
    site: &SiteProfile,
    lists: &PolicyLists,
    class: Classification,
) -> Vec<Finding> {
    let locale = crate::locale::current();
    let subject = site_subject(locale, site.country);
    let (inside, reason) = eea_location(locale, &subject, site.country, lists, class);
    let mut findings = vec![Finding::new(RuleId::G1, inside, reason)];
    findings.extend(admin_location_findings(site, RuleId::G4, |country| {
        eea_location(
            locale,
            &admin_subject(locale, country),
            country,
            lists,
            class,
        )
    }));
    findings
}

fn eea_location(
    locale: Locale,
    subject: &str,
    country: CountryCode,
    lists: &PolicyLists,
    class: Classification,
) -> (bool, String) {
    if lists.is_eea(country) {
        (
            true,
            fill(
                td_string!(locale, residency.inside_eea),
                &[("subject", &subject)],
            ),
        )
    } else {
        (
            false,
            fill(
                td_string!(locale, residency.outside_eea_must_stay),
                &[("subject", &subject), ("data", &class.noun_in(locale))],
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
            td_string!(crate::locale::current(), residency.no_admin_country),
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
