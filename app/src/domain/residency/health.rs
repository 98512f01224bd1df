//! Health data (HDS): G1 and G4 restricted to the EEA, then H1 (an HDS certificate covering the
//! activities needed), H2 (valid over the whole window) and H3 (hosted in the EEA).

use super::explanation::{join_and, list_numbers, site_subject};
use super::gdpr::eea_residency_findings;
use super::validity::{longest_lasting, window_validity_finding};
use super::{
    Certification, CertificationKind, Classification, Finding, PlacementRequest, PolicyLists,
    RuleId, SiteProfile, Window,
};
use crate::domain::format::{date, fill};
use crate::i18n::{td_string, Locale};

/// G1 and G4 restricted to the EEA, then H1, H2 and H3.
pub(super) fn health_findings(
    request: &PlacementRequest,
    site: &SiteProfile,
    lists: &PolicyLists,
) -> Vec<Finding> {
    let locale = crate::locale::current();
    let mut findings = eea_residency_findings(site, lists, Classification::Health);
    let needed = required_hds_activities(request);
    findings.push(hds_activity_finding(locale, site, &request.window, &needed));
    findings.push(hds_validity_finding(locale, site, &request.window, &needed));
    findings.push(hds_eea_finding(locale, site, lists));
    findings
}

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

/// H1: an HDS certificate valid on the window's first day covers every activity the request needs.
fn hds_activity_finding(
    locale: Locale,
    site: &SiteProfile,
    window: &Window,
    needed: &[u8],
) -> Finding {
    let certs = hds_certificates(site);
    let needed_text = list_numbers(locale, needed);
    if certs.is_empty() {
        return Finding::fail(
            RuleId::H1,
            fill(
                td_string!(locale, residency.h1_no_certificate),
                &[("activities", &needed_text)],
            ),
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
            fill(
                td_string!(locale, residency.h1_covers),
                &[
                    ("certificate", &cert.certificate_id),
                    ("covered", &list_numbers(locale, &cert.hds_activities)),
                    ("needed", &needed_text),
                ],
            ),
        );
    }
    if let Some(cert) = longest_lasting(covering()) {
        return Finding::fail(
            RuleId::H1,
            fill(
                td_string!(locale, residency.h1_not_valid_on_start),
                &[
                    ("certificate", &cert.certificate_id),
                    ("from", &date(locale, cert.valid_from)),
                    ("until", &date(locale, cert.valid_until)),
                    ("start", &date(locale, window.start)),
                ],
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
        fill(
            td_string!(locale, residency.h1_missing),
            &[
                ("certificate", &cert.certificate_id),
                ("covered", &list_numbers(locale, &cert.hds_activities)),
                ("missing", &list_numbers(locale, &missing)),
                ("why", &why_activities_needed(locale, &missing)),
            ],
        ),
    )
}

fn why_activities_needed(locale: Locale, missing: &[u8]) -> String {
    let mut reasons = Vec::new();
    if missing.iter().any(|a| *a <= 3) {
        reasons.push(td_string!(locale, residency.why_always));
    }
    if missing.contains(&5) {
        reasons.push(td_string!(locale, residency.why_administers));
    }
    if missing.contains(&6) {
        reasons.push(td_string!(locale, residency.why_backs_up));
    }
    join_and(locale, &reasons)
}

/// H2: an HDS certificate covering the needed activities is valid from the window's first day through
/// its last day.
fn hds_validity_finding(
    locale: Locale,
    site: &SiteProfile,
    window: &Window,
    needed: &[u8],
) -> Finding {
    let covering: Vec<&Certification> = hds_certificates(site)
        .into_iter()
        .filter(|cert| cert.covers_activities(needed))
        .collect();
    let none_reason = fill(
        td_string!(locale, residency.h2_none),
        &[
            ("activities", &list_numbers(locale, needed)),
            ("last_day", &date(locale, window.last_day())),
        ],
    );
    window_validity_finding(
        locale,
        RuleId::H2,
        td_string!(locale, residency.what_hds),
        &covering,
        window,
        none_reason,
    )
}

/// H3: HDS (2024) hosting must be in the EEA.
fn hds_eea_finding(locale: Locale, site: &SiteProfile, lists: &PolicyLists) -> Finding {
    let subject = site_subject(locale, site.country);
    if lists.is_eea(site.country) {
        Finding::pass(
            RuleId::H3,
            fill(
                td_string!(locale, residency.h3_inside),
                &[("subject", &subject)],
            ),
        )
    } else {
        Finding::fail(
            RuleId::H3,
            fill(
                td_string!(locale, residency.h3_outside),
                &[("subject", &subject)],
            ),
        )
    }
}
