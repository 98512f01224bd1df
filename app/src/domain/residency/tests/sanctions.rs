//! E1, and public data, which only E1 concerns.

use super::*;

#[test]
fn public_data_only_checks_sanctions() {
    let mut fx = fixture(Classification::Public);
    fx.site.country = cc("AE");
    fx.site.admin_access_countries = vec![cc("CN")];
    fx.site.certifications.clear();
    let evaluation = fx.evaluate();
    assert!(evaluation.eligible);
    let rules: Vec<RuleId> = evaluation.findings.iter().map(|f| f.rule).collect();
    assert_eq!(rules, [RuleId::E1]);
}

// --- E1 ----------------------------------------------------------------------------------------------

#[test]
fn sanctions_rule_e1() {
    run(&[
        Case {
            name: "tenant in France",
            class: Classification::Public,
            change: no_change,
            rule: RuleId::E1,
            passes: true,
            says: "registered in France, which is not on the sanctions list",
        },
        Case {
            name: "tenant in Russia",
            class: Classification::Public,
            change: |fx| fx.tenant.country = cc("RU"),
            rule: RuleId::E1,
            passes: false,
            says: "registered in the Russian Federation, which is on the sanctions list",
        },
        Case {
            name: "tenant in Iran, health",
            class: Classification::Health,
            change: |fx| fx.tenant.country = cc("IR"),
            rule: RuleId::E1,
            passes: false,
            says: "Iran",
        },
        Case {
            name: "a list without Russia",
            class: Classification::Public,
            change: |fx| {
                fx.tenant.country = cc("RU");
                fx.lists.sanctions.clear();
            },
            rule: RuleId::E1,
            passes: true,
            says: "not on the sanctions list",
        },
    ]);
}

#[test]
fn sanctions_block_every_class_at_every_site() {
    let d = date!(2025 - 03 - 03);
    let sites = demo_sites(d);
    let lists = PolicyLists::in_force(1);
    let tenant = TenantProfile {
        name: "Blocked Org".to_string(),
        country: cc("BY"),
    };
    for class in Classification::ALL {
        let mut fx = fixture(class);
        fx.request.confidential_waiver = true;
        let mut all_sites = sites.clone();
        all_sites.push(fx.site.clone());
        for evaluation in evaluate_all(&fx.request, &tenant, &all_sites, &lists, 1) {
            assert!(!evaluation.eligible, "{class} at {}", evaluation.site_slug);
            assert!(evaluation.failures().any(|f| f.rule == RuleId::E1));
        }
    }
}
