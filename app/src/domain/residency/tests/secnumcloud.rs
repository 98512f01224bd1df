use super::*;

// --- S1 to S5 ----------------------------------------------------------------------------------------

#[test]
fn secnumcloud_rule_s1() {
    run(&[
        Case {
            name: "3.2 valid through the window",
            class: Classification::Sensitive,
            change: no_change,
            rule: RuleId::S1,
            passes: true,
            says: "SecNumCloud 3.2 qualification SNC-T-1 is valid from 1 Jan 2024 until 31 Dec 2027",
        },
        Case {
            name: "no qualification",
            class: Classification::Sensitive,
            change: |fx| fx.site.certifications.retain(|c| c.kind != CertificationKind::SecNumCloud),
            rule: RuleId::S1,
            passes: false,
            says: "The site holds no SecNumCloud qualification; sensitive data needs SecNumCloud 3.2.",
        },
        Case {
            name: "older version",
            class: Classification::Sensitive,
            change: |fx| fx.site.certifications[1] = snc("3.1", date!(2027 - 12 - 31)),
            rule: RuleId::S1,
            passes: false,
            says: "SecNumCloud qualification SNC-T-1 is for version 3.1; sensitive data needs version 3.2.",
        },
        Case {
            name: "expires one day before the window's last day",
            class: Classification::Sensitive,
            change: |fx| fx.site.certifications[1] = snc("3.2", date!(2025 - 06 - 29)),
            rule: RuleId::S1,
            passes: false,
            says: "SecNumCloud 3.2 qualification SNC-T-1 expires on 29 Jun 2025, before 30 Jun 2025, the window's last day.",
        },
        Case {
            name: "expires on the window's last day",
            class: Classification::Sensitive,
            change: |fx| fx.site.certifications[1] = snc("3.2", date!(2025 - 06 - 30)),
            rule: RuleId::S1,
            passes: true,
            says: "until 30 Jun 2025",
        },
        Case {
            name: "an HDS certificate is no SecNumCloud qualification",
            class: Classification::Sensitive,
            change: |fx| fx.site.certifications.truncate(1),
            rule: RuleId::S1,
            passes: false,
            says: "no SecNumCloud qualification",
        },
    ]);
}

#[test]
fn operator_establishment_rule_s2() {
    run(&[
        Case {
            name: "all in France",
            class: Classification::Sensitive,
            change: no_change,
            rule: RuleId::S2,
            passes: true,
            says: "has its registered office, central administration and main establishment in the EU (France).",
        },
        Case {
            name: "central administration in the US",
            class: Classification::Sensitive,
            change: |fx| fx.site.operator.central_administration = cc("US"),
            rule: RuleId::S2,
            passes: false,
            says: "The operator, Opérateur Test SAS, has its central administration in the United States, outside the EU;",
        },
        Case {
            name: "registered office in Switzerland",
            class: Classification::Sensitive,
            change: |fx| fx.site.operator.registered_office = cc("CH"),
            rule: RuleId::S2,
            passes: false,
            says: "has its registered office in Switzerland, outside the EU",
        },
        Case {
            name: "main establishment in Norway (EEA, not EU)",
            class: Classification::Sensitive,
            change: |fx| fx.site.operator.main_establishment = cc("NO"),
            rule: RuleId::S2,
            passes: false,
            says: "its main establishment in Norway",
        },
        Case {
            name: "offices spread over the EU",
            class: Classification::Sensitive,
            change: |fx| fx.site.operator.main_establishment = cc("DE"),
            rule: RuleId::S2,
            passes: true,
            says: "in the EU (France and Germany).",
        },
    ]);
}

/// Replaces the operator's shareholders: an EU majority plus the given others.
fn shareholders(fx: &mut Fixture, others: Vec<Shareholder>) {
    fx.site.operator.shareholders = others;
    fx.site
        .operator
        .shareholders
        .push(holder("Caisse Test", "FR", "40", "40"));
}

#[test]
fn shareholding_rule_s3_boundaries() {
    run(&[
        Case {
            name: "one non-EU shareholder at exactly 24 %",
            class: Classification::Sensitive,
            change: |fx| shareholders(fx, vec![holder("Atlantic Fund", "US", "24", "24")]),
            rule: RuleId::S3,
            passes: true,
            says: "Non-EU shareholders hold at most 24 % each and 24 % together",
        },
        Case {
            name: "one non-EU shareholder at 24.01 % of the capital",
            class: Classification::Sensitive,
            change: |fx| shareholders(fx, vec![holder("Atlantic Fund", "US", "24.01", "24")]),
            rule: RuleId::S3,
            passes: false,
            says: "Atlantic Fund (United States) holds 24.01 % of the capital, above the 24 % allowed to one non-EU shareholder.",
        },
        Case {
            name: "non-EU shares summing to exactly 39 %",
            class: Classification::Sensitive,
            change: |fx| {
                shareholders(
                    fx,
                    vec![holder("Atlantic Fund", "US", "20", "20"), holder("Alpine Trust", "CH", "19", "19")],
                )
            },
            rule: RuleId::S3,
            passes: true,
            says: "and 39 % together",
        },
        Case {
            name: "non-EU shares summing to 39.01 %",
            class: Classification::Sensitive,
            change: |fx| {
                shareholders(
                    fx,
                    vec![holder("Atlantic Fund", "US", "20", "20"), holder("Alpine Trust", "CH", "19.01", "19.01")],
                )
            },
            rule: RuleId::S3,
            passes: false,
            says: "Non-EU shareholders together hold 39.01 % of the capital and 39.01 % of the voting rights, above the 39 % allowed to them together.",
        },
        Case {
            name: "capital within limits, voting rights over",
            class: Classification::Sensitive,
            change: |fx| shareholders(fx, vec![holder("Atlantic Fund", "US", "20", "30")]),
            rule: RuleId::S3,
            passes: false,
            says: "Atlantic Fund (United States) holds 30 % of the voting rights, above the 24 % allowed",
        },
        Case {
            name: "voting within limits, capital over",
            class: Classification::Sensitive,
            change: |fx| shareholders(fx, vec![holder("Atlantic Fund", "US", "30", "10")]),
            rule: RuleId::S3,
            passes: false,
            says: "holds 30 % of the capital, above",
        },
        Case {
            name: "total voting over while total capital is within",
            class: Classification::Sensitive,
            change: |fx| {
                shareholders(
                    fx,
                    vec![holder("Atlantic Fund", "US", "20", "20"), holder("Alpine Trust", "CH", "10", "20")],
                )
            },
            rule: RuleId::S3,
            passes: false,
            says: "Non-EU shareholders together hold 40 % of the voting rights, above the 39 %",
        },
        Case {
            name: "an EU majority shareholder does not count",
            class: Classification::Sensitive,
            change: |fx| fx.site.operator.shareholders = vec![holder("Rhein Capital", "DE", "80", "80")],
            rule: RuleId::S3,
            passes: true,
            says: "Every shareholder of the operator, Opérateur Test SAS, is in the EU.",
        },
        Case {
            name: "an EEA shareholder outside the EU counts",
            class: Classification::Sensitive,
            change: |fx| shareholders(fx, vec![holder("Nordic Pension", "NO", "30", "30")]),
            rule: RuleId::S3,
            passes: false,
            says: "Nordic Pension (Norway) holds 30 % of the capital and 30 % of the voting rights",
        },
    ]);
}

#[test]
fn control_rule_s4() {
    run(&[
        Case {
            name: "no special rights",
            class: Classification::Sensitive,
            change: no_change,
            rule: RuleId::S4,
            passes: true,
            says: "No non-EU shareholder holds control or veto rights over the operator, Opérateur Test SAS.",
        },
        Case {
            name: "a non-EU veto",
            class: Classification::Sensitive,
            change: |fx| {
                let mut fund = holder("Atlantic Fund", "US", "10", "10");
                fund.veto_rights = true;
                shareholders(fx, vec![fund]);
            },
            rule: RuleId::S4,
            passes: false,
            says: "Atlantic Fund (United States) holds veto rights over the operator, Opérateur Test SAS, which no non-EU party may hold.",
        },
        Case {
            name: "non-EU control",
            class: Classification::Sensitive,
            change: |fx| {
                let mut fund = holder("Alpine Trust", "CH", "5", "5");
                fund.control_rights = true;
                fund.veto_rights = true;
                shareholders(fx, vec![fund]);
            },
            rule: RuleId::S4,
            passes: false,
            says: "Alpine Trust (Switzerland) holds control and veto rights",
        },
        Case {
            name: "EU control is fine",
            class: Classification::Sensitive,
            change: |fx| fx.site.operator.shareholders[0].control_rights = true,
            rule: RuleId::S4,
            passes: true,
            says: "No non-EU shareholder",
        },
    ]);
}

#[test]
fn eu_administration_rule_s5() {
    run(&[
        Case {
            name: "administration from France",
            class: Classification::Sensitive,
            change: no_change,
            rule: RuleId::S5,
            passes: true,
            says: "Administration or support staff can reach tenant data from France, inside the EU.",
        },
        Case {
            name: "support from Norway (EEA, not EU)",
            class: Classification::Sensitive,
            change: |fx| fx.site.admin_access_countries.push(cc("NO")),
            rule: RuleId::S5,
            passes: false,
            says: "from Norway, outside the EU; SecNumCloud requires every administration and support location in the EU.",
        },
        Case {
            name: "support from the US",
            class: Classification::Sensitive,
            change: |fx| fx.site.admin_access_countries.push(cc("US")),
            rule: RuleId::S5,
            passes: false,
            says: "from the United States, outside the EU",
        },
    ]);
}
