use super::*;

// --- C1 ----------------------------------------------------------------------------------------------

#[test]
fn confidential_rule_c1() {
    run(&[
        Case {
            name: "site in France",
            class: Classification::Confidential,
            change: no_change,
            rule: RuleId::C1,
            passes: true,
            says: "The site is in France, inside the EEA.",
        },
        Case {
            name: "site in Norway",
            class: Classification::Confidential,
            change: |fx| fx.site.country = cc("NO"),
            rule: RuleId::C1,
            passes: true,
            says: "Norway, inside the EEA",
        },
        Case {
            name: "site in the Emirates without waiver",
            class: Classification::Confidential,
            change: |fx| fx.site.country = cc("AE"),
            rule: RuleId::C1,
            passes: false,
            says:
                "The site is in the United Arab Emirates, outside the EEA; confidential data stays",
        },
        Case {
            name: "site in the Emirates with waiver",
            class: Classification::Confidential,
            change: |fx| {
                fx.site.country = cc("AE");
                fx.request.confidential_waiver = true;
            },
            rule: RuleId::C1,
            passes: true,
            says: "waiver of EEA placement for this request is recorded",
        },
    ]);
}

#[test]
fn the_waiver_is_marked_applied_only_when_it_was_needed() {
    let mut fx = fixture(Classification::Confidential);
    fx.request.confidential_waiver = true;
    assert!(!fx.evaluate().waiver_applied);
    fx.site.country = cc("US");
    let evaluation = fx.evaluate();
    assert!(evaluation.eligible && evaluation.waiver_applied);
    fx.request.classification = Classification::Personal;
    assert!(
        !fx.evaluate().waiver_applied,
        "the waiver is a C1 matter only"
    );
}
