//! Sanctions (E1): a tenant whose country is on the sanctions list is ineligible everywhere.

use super::{Finding, PolicyLists, RuleId, TenantProfile};

/// E1: a tenant from a sanctioned country can place nothing anywhere.
pub(super) fn sanctions_finding(tenant: &TenantProfile, lists: &PolicyLists) -> Finding {
    let country = tenant.country.name_in_sentence();
    if lists.is_sanctioned(tenant.country) {
        Finding::fail(
            RuleId::E1,
            format!(
                "The tenant, {}, is registered in {country}, which is on the sanctions list, so it cannot place requests.",
                tenant.name
            ),
        )
    } else {
        Finding::pass(
            RuleId::E1,
            format!(
                "The tenant, {}, is registered in {country}, which is not on the sanctions list.",
                tenant.name
            ),
        )
    }
}
