//! Health data (HDS): G1 and G4 restricted to the EEA, then H1 (an HDS certificate covering the
//! activities needed), H2 (valid over the whole window) and H3 (hosted in the EEA).

use super::explanation::{join_and, list_numbers, site_subject};
use super::gdpr::eea_residency_findings;
use super::validity::{longest_lasting, window_validity_finding};
use super::{
    Certification, CertificationKind, Classification, Finding, PlacementRequest, PolicyLists,
    RuleId, SiteProfile, Window,
};

/// G1 and G4 restricted to the EEA, then H1, H2 and H3.
pub(super) fn health_findings(
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
