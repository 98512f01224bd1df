use super::*;

// --- H1, H2, H3 --------------------------------------------------------------------------------------

#[test]
fn hds_activity_rule_h1() {
    run(&[
        Case {
            name: "activities 1 to 6",
            class: Classification::Health,
            change: no_change,
            rule: RuleId::H1,
            passes: true,
            says: "HDS certificate HDS-T-1 covers activities 1, 2, 3, 4, 5 and 6, including the 1, 2 and 3",
        },
        Case {
            name: "no HDS certificate",
            class: Classification::Health,
            change: |fx| fx.site.certifications.retain(|c| c.kind != CertificationKind::Hds),
            rule: RuleId::H1,
            passes: false,
            says: "The site holds no HDS certificate; health data needs one covering activities 1, 2 and 3.",
        },
        Case {
            name: "activities 1 to 3 when the operator administers systems",
            class: Classification::Health,
            change: |fx| {
                fx.site.certifications[0] = hds(&[1, 2, 3], date!(2027 - 12 - 31));
                fx.request.operator_administers_systems = true;
            },
            rule: RuleId::H1,
            passes: false,
            says: "covers activities 1, 2 and 3 but not 5, which this request needs because the operator administers the tenant's systems.",
        },
        Case {
            name: "activities 1 to 3 and 5 when the operator administers systems",
            class: Classification::Health,
            change: |fx| {
                fx.site.certifications[0] = hds(&[1, 2, 3, 5], date!(2027 - 12 - 31));
                fx.request.operator_administers_systems = true;
            },
            rule: RuleId::H1,
            passes: true,
            says: "including the 1, 2, 3 and 5 this request needs",
        },
        Case {
            name: "activities 1 to 3 and 5 when the operator backs up",
            class: Classification::Health,
            change: |fx| {
                fx.site.certifications[0] = hds(&[1, 2, 3, 5], date!(2027 - 12 - 31));
                fx.request.operator_backs_up = true;
            },
            rule: RuleId::H1,
            passes: false,
            says: "but not 6, which this request needs because the operator backs up the tenant's data.",
        },
        Case {
            name: "activities 1 and 2 only",
            class: Classification::Health,
            change: |fx| fx.site.certifications[0] = hds(&[1, 2], date!(2027 - 12 - 31)),
            rule: RuleId::H1,
            passes: false,
            says: "but not 3, which this request needs because activities 1 to 3 are always needed",
        },
        Case {
            name: "certificate expired before the window",
            class: Classification::Health,
            change: |fx| fx.site.certifications[0] = hds(&[1, 2, 3], date!(2025 - 03 - 31)),
            rule: RuleId::H1,
            passes: false,
            says: "valid only from 1 Jan 2024 to 31 Mar 2025, not on 1 Apr 2025, the window's first day.",
        },
    ]);
}

#[test]
fn hds_validity_rule_h2_counts_the_window_last_day() {
    run(&[
        Case {
            name: "expires on the window's last day",
            class: Classification::Health,
            change: |fx| fx.site.certifications[0] = hds(&[1, 2, 3], date!(2025 - 06 - 30)),
            rule: RuleId::H2,
            passes: true,
            says: "HDS certificate HDS-T-1 is valid from 1 Jan 2024 until 30 Jun 2025, covering the window through its last day, 30 Jun 2025.",
        },
        Case {
            name: "expires one day before the window's last day",
            class: Classification::Health,
            change: |fx| fx.site.certifications[0] = hds(&[1, 2, 3], date!(2025 - 06 - 29)),
            rule: RuleId::H2,
            passes: false,
            says: "HDS certificate HDS-T-1 expires on 29 Jun 2025, before 30 Jun 2025, the window's last day.",
        },
        Case {
            name: "expires on the window's end day, which is not used",
            class: Classification::Health,
            change: |fx| fx.site.certifications[0] = hds(&[1, 2, 3], date!(2025 - 07 - 01)),
            rule: RuleId::H2,
            passes: true,
            says: "until 1 Jul 2025",
        },
        Case {
            name: "becomes valid after the window starts",
            class: Classification::Health,
            change: |fx| {
                let mut late = hds(&[1, 2, 3], date!(2027 - 12 - 31));
                late.valid_from = date!(2025 - 04 - 02);
                fx.site.certifications[0] = late;
            },
            rule: RuleId::H2,
            passes: false,
            says: "only becomes valid on 2 Apr 2025, after 1 Apr 2025, the window's first day.",
        },
        Case {
            name: "the long certificate lacks a needed activity",
            class: Classification::Health,
            change: |fx| {
                fx.site.certifications[0] = hds(&[1, 2, 3], date!(2027 - 12 - 31));
                fx.request.operator_backs_up = true;
            },
            rule: RuleId::H2,
            passes: false,
            says: "No HDS certificate covering activities 1, 2, 3 and 6 is valid through 30 Jun 2025",
        },
    ]);
}

#[test]
fn hds_eea_rule_h3() {
    run(&[
        Case {
            name: "site in France",
            class: Classification::Health,
            change: no_change,
            rule: RuleId::H3,
            passes: true,
            says: "The site is in France, inside the EEA, as the HDS framework requires.",
        },
        Case {
            name: "site in Liechtenstein",
            class: Classification::Health,
            change: |fx| fx.site.country = cc("LI"),
            rule: RuleId::H3,
            passes: true,
            says: "Liechtenstein",
        },
        Case {
            name: "site in the Emirates",
            class: Classification::Health,
            change: |fx| fx.site.country = cc("AE"),
            rule: RuleId::H3,
            passes: false,
            says: "The site is in the United Arab Emirates, outside the EEA, where the HDS framework does not allow hosting.",
        },
    ]);
}
