//! Sensitive data (SecNumCloud 3.2): G1 and G4 restricted to the EEA, then S1 (the qualification over
//! the window), S2 (establishments in the EU), S3 (non-EU shareholding limits), S4 (no non-EU control
//! or veto) and S5 (administration from the EU).

use std::collections::BTreeSet;

use super::explanation::{admin_subject, join_and};
use super::gdpr::{admin_location_findings, eea_residency_findings};
use super::inputs::format_basis_points_in;
use super::validity::window_validity_finding;
use super::{
    Certification, CertificationKind, Classification, Finding, Operator, PlacementRequest,
    PolicyLists, RuleId, Shareholder, SiteProfile, Window, SECNUMCLOUD_VERSION,
};
use crate::domain::country::CountryCode;
use crate::domain::format::fill;
use crate::i18n::{td_string, Locale};

/// G1 and G4 restricted to the EEA, then S1 to S5.
pub(super) fn sensitive_findings(
    request: &PlacementRequest,
    site: &SiteProfile,
    lists: &PolicyLists,
) -> Vec<Finding> {
    let locale = crate::locale::current();
    let mut findings = eea_residency_findings(site, lists, Classification::Sensitive);
    findings.push(secnumcloud_finding(locale, site, &request.window));
    findings.push(establishment_finding(locale, &site.operator, lists));
    findings.extend(shareholding_findings(locale, &site.operator, lists));
    findings.extend(control_findings(locale, &site.operator, lists));
    findings.extend(admin_location_findings(site, RuleId::S5, |country| {
        eu_admin_location(locale, country, lists)
    }));
    findings
}

/// S1: a SecNumCloud 3.2 qualification valid over the whole window.
fn secnumcloud_finding(locale: Locale, site: &SiteProfile, window: &Window) -> Finding {
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
            None => fill(
                td_string!(locale, residency.s1_none),
                &[("version", &SECNUMCLOUD_VERSION)],
            ),
            Some(cert) => fill(
                td_string!(locale, residency.s1_wrong_version),
                &[
                    ("certificate", &cert.certificate_id),
                    (
                        "found",
                        &cert
                            .version
                            .as_deref()
                            .unwrap_or(td_string!(locale, residency.version_not_stated)),
                    ),
                    ("version", &SECNUMCLOUD_VERSION),
                ],
            ),
        };
        return Finding::fail(RuleId::S1, reason);
    }
    let what = fill(
        td_string!(locale, residency.what_secnumcloud),
        &[("version", &SECNUMCLOUD_VERSION)],
    );
    window_validity_finding(locale, RuleId::S1, &what, &current, window, String::new())
}

/// S2: registered office, central administration and main establishment all in the EU.
fn establishment_finding(locale: Locale, operator: &Operator, lists: &PolicyLists) -> Finding {
    let places = [
        (
            td_string!(locale, residency.s2_registered_office),
            operator.registered_office,
        ),
        (
            td_string!(locale, residency.s2_central_administration),
            operator.central_administration,
        ),
        (
            td_string!(locale, residency.s2_main_establishment),
            operator.main_establishment,
        ),
    ];
    let outside: Vec<String> = places
        .iter()
        .filter(|(_, country)| !lists.is_eu(*country))
        .map(|(place, country)| fill(place, &[("in_country", &country.located_in(locale))]))
        .collect();
    if outside.is_empty() {
        let countries: BTreeSet<&str> = places
            .iter()
            .map(|(_, country)| country.name_in(locale))
            .collect();
        let countries: Vec<&str> = countries.into_iter().collect();
        return Finding::pass(
            RuleId::S2,
            fill(
                td_string!(locale, residency.s2_pass),
                &[
                    ("operator", &operator.name),
                    ("countries", &join_and(locale, &countries)),
                ],
            ),
        );
    }
    Finding::fail(
        RuleId::S2,
        fill(
            td_string!(locale, residency.s2_fail),
            &[
                ("operator", &operator.name),
                ("places", &join_and(locale, &outside)),
            ],
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
fn holdings_above(locale: Locale, capital: u32, voting: u32, limit: u32) -> Vec<String> {
    let mut over = Vec::new();
    if capital > limit {
        over.push(fill(
            td_string!(locale, residency.share_of_capital),
            &[("share", &format_basis_points_in(locale, capital))],
        ));
    }
    if voting > limit {
        over.push(fill(
            td_string!(locale, residency.share_of_voting_rights),
            &[("share", &format_basis_points_in(locale, voting))],
        ));
    }
    over
}

/// S3: each non-EU shareholder at most 24 %, all of them at most 39 %, for capital and voting separately.
fn shareholding_findings(locale: Locale, operator: &Operator, lists: &PolicyLists) -> Vec<Finding> {
    let foreign = non_eu_shareholders(operator, lists);
    let mut findings: Vec<Finding> = foreign
        .iter()
        .filter_map(|holder| {
            let capital = u32::from(holder.capital.basis_points());
            let voting = u32::from(holder.voting.basis_points());
            let over = holdings_above(locale, capital, voting, MAX_NON_EU_SINGLE);
            (!over.is_empty()).then(|| {
                Finding::fail(
                    RuleId::S3,
                    fill(
                        td_string!(locale, residency.s3_single),
                        &[
                            ("holder", &holder.name),
                            ("country", &holder.country.name_in(locale)),
                            ("holdings", &join_and(locale, &over)),
                        ],
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
    let over_total = holdings_above(locale, total_capital, total_voting, MAX_NON_EU_TOTAL);
    if !over_total.is_empty() {
        findings.push(Finding::fail(
            RuleId::S3,
            fill(
                td_string!(locale, residency.s3_total),
                &[("holdings", &join_and(locale, &over_total))],
            ),
        ));
    }
    if findings.is_empty() {
        findings.push(Finding::pass(
            RuleId::S3,
            shareholding_pass_reason(locale, operator, &foreign),
        ));
    }
    findings
}

fn shareholding_pass_reason(
    locale: Locale,
    operator: &Operator,
    foreign: &[&Shareholder],
) -> String {
    if foreign.is_empty() {
        return fill(
            td_string!(locale, residency.s3_all_eu),
            &[("operator", &operator.name)],
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
    fill(
        td_string!(locale, residency.s3_within),
        &[
            (
                "largest",
                &format_basis_points_in(locale, u32::from(largest.basis_points())),
            ),
            (
                "total",
                &format_basis_points_in(locale, total_capital.max(total_voting)),
            ),
        ],
    )
}

/// S4: no non-EU shareholder holds control or veto rights.
fn control_findings(locale: Locale, operator: &Operator, lists: &PolicyLists) -> Vec<Finding> {
    let findings: Vec<Finding> = non_eu_shareholders(operator, lists)
        .into_iter()
        .filter_map(|holder| {
            let rights = match (holder.control_rights, holder.veto_rights) {
                (true, true) => td_string!(locale, residency.rights_control_and_veto),
                (true, false) => td_string!(locale, residency.rights_control),
                (false, true) => td_string!(locale, residency.rights_veto),
                (false, false) => return None,
            };
            Some(Finding::fail(
                RuleId::S4,
                fill(
                    td_string!(locale, residency.s4_fail),
                    &[
                        ("holder", &holder.name),
                        ("country", &holder.country.name_in(locale)),
                        ("rights", &rights),
                        ("operator", &operator.name),
                    ],
                ),
            ))
        })
        .collect();
    if findings.is_empty() {
        return vec![Finding::pass(
            RuleId::S4,
            fill(
                td_string!(locale, residency.s4_pass),
                &[("operator", &operator.name)],
            ),
        )];
    }
    findings
}

/// S5, for one administration or support location.
fn eu_admin_location(locale: Locale, country: CountryCode, lists: &PolicyLists) -> (bool, String) {
    let subject = admin_subject(locale, country);
    let sentence = |template: &str| fill(template, &[("subject", &subject)]);
    if lists.is_eu(country) {
        (true, sentence(td_string!(locale, residency.inside_eu)))
    } else {
        (false, sentence(td_string!(locale, residency.s5_outside)))
    }
}
