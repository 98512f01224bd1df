//! Sanctions (E1): a tenant whose country is on the sanctions list is ineligible everywhere.

use super::{Finding, PolicyLists, RuleId, TenantProfile};
use crate::domain::format::fill;
use crate::i18n::td_string;

/// E1: a tenant from a sanctioned country can place nothing anywhere.
pub(super) fn sanctions_finding(tenant: &TenantProfile, lists: &PolicyLists) -> Finding {
    let locale = crate::locale::current();
    let values: [(&str, &dyn std::fmt::Display); 2] = [
        ("tenant", &tenant.name),
        ("in_country", &tenant.country.located_in(locale)),
    ];
    if lists.is_sanctioned(tenant.country) {
        Finding::fail(
            RuleId::E1,
            fill(td_string!(locale, residency.e1_fail), &values),
        )
    } else {
        Finding::pass(
            RuleId::E1,
            fill(td_string!(locale, residency.e1_pass), &values),
        )
    }
}
