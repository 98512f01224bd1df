//! Sensitive data (SecNumCloud 3.2): G1 and G4 restricted to the EEA, then S1 (the qualification over
//! the window), S2 (establishments in the EU), S3 (non-EU shareholding limits), S4 (no non-EU control
//! or veto) and S5 (administration from the EU).

use std::collections::BTreeSet;

use super::explanation::{admin_subject, join_and};
use super::gdpr::{admin_location_findings, eea_residency_findings};
use super::inputs::format_basis_points;
use super::validity::window_validity_finding;
use super::{
    Certification, CertificationKind, Classification, Finding, Operator, PlacementRequest,
    PolicyLists, RuleId, Shareholder, SiteProfile, Window, SECNUMCLOUD_VERSION,
};
use crate::domain::country::CountryCode;

/// G1 and G4 restricted to the EEA, then S1 to S5.
pub(super) fn sensitive_findings(
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
