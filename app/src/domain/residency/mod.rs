//! The residency and sovereignty evaluator: may this data classification be placed at this site?
//!
//! This module owns the software-checkable rules of `shared/domain.md` and the facts they read: data
//! classifications, the policy lists (EU, EEA, adequacy decisions, sanctions), operators and their
//! shareholders, and site certifications. It is pure and deterministic: no I/O and no clock — the caller
//! passes every date — so the same inputs always give the same [`Evaluation`], which can be stored in the
//! audit log with its policy and catalogue versions. (The demo catalogue of sites is demo data, in
//! `server/demo_sites.rs`.)
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
//!
//! Where each part lives:
//!
//! - `inputs`: classification, percentages, window, tenant, request, input errors; `policy_lists`: the
//!   EU, EEA, adequacy and sanctions lists; `sites`: operators, shareholders, certifications, site
//!   profiles.
//! - One module per regime: `sanctions` (E1), `confidential` (C1), `gdpr` (G1, G2, G4), `health`
//!   (H1–H3), `secnumcloud` (S1–S5); `validity` holds the certificate-over-a-window check H1, H2 and
//!   S1 share.
//! - `explanation`: rule ids, findings, evaluations and the shared wording.
//! - [`evaluate`] and [`evaluate_all`] below: which regimes apply to which classification.

mod confidential;
mod explanation;
mod gdpr;
mod health;
mod inputs;
mod policy_lists;
mod sanctions;
mod secnumcloud;
mod sites;
mod validity;

#[cfg(test)]
mod tests;

pub use explanation::{Evaluation, Finding, RuleId};
pub use inputs::{Classification, InputError, Percent, PlacementRequest, TenantProfile, Window};
pub use policy_lists::{AdequacyCondition, AdequacyEntry, PolicyLists};
pub use sites::{
    Certification, CertificationKind, EucsLevel, Operator, Shareholder, SiteProfile,
    SECNUMCLOUD_VERSION,
};

use confidential::confidential_finding;
use gdpr::personal_findings;
use health::health_findings;
use sanctions::sanctions_finding;
use secnumcloud::sensitive_findings;

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
