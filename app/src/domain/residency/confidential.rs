//! Confidential data (C1): EEA sites, unless the tenant waives this for the request (recorded).

use super::explanation::site_subject;
use super::{Finding, PlacementRequest, PolicyLists, RuleId, SiteProfile};

/// C1: confidential data stays in the EEA unless the tenant waived it for this request.
/// Returns the finding and whether the waiver was used.
pub(super) fn confidential_finding(
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
