//! Confidential data (C1): EEA sites, unless the tenant waives this for the request (recorded).

use super::explanation::site_subject;
use super::{Finding, PlacementRequest, PolicyLists, RuleId, SiteProfile};
use crate::domain::format::fill;
use crate::i18n::td_string;

/// C1: confidential data stays in the EEA unless the tenant waived it for this request.
/// Returns the finding and whether the waiver was used.
pub(super) fn confidential_finding(
    request: &PlacementRequest,
    site: &SiteProfile,
    lists: &PolicyLists,
) -> (Finding, bool) {
    let locale = crate::locale::current();
    let subject = site_subject(locale, site.country);
    let sentence = |template: &str| fill(template, &[("subject", &subject)]);
    if lists.is_eea(site.country) {
        return (
            Finding::pass(
                RuleId::C1,
                sentence(td_string!(locale, residency.inside_eea)),
            ),
            false,
        );
    }
    if request.confidential_waiver {
        let reason = sentence(td_string!(locale, residency.c1_waived));
        return (Finding::pass(RuleId::C1, reason), true);
    }
    let reason = sentence(td_string!(locale, residency.c1_fail));
    (Finding::fail(RuleId::C1, reason), false)
}
