use super::*;

// --- G1, G2 ------------------------------------------------------------------------------------------

#[test]
fn personal_data_site_rules_g1_and_g2() {
    run(&[
        Case {
            name: "site in Germany",
            class: Classification::Personal,
            change: |fx| fx.site.country = cc("DE"),
            rule: RuleId::G1,
            passes: true,
            says: "The site is in Germany, inside the EEA.",
        },
        Case {
            name: "site in Switzerland",
            class: Classification::Personal,
            change: |fx| fx.site.country = cc("CH"),
            rule: RuleId::G2,
            passes: true,
            says: "The site is in Switzerland, which has an EU adequacy decision.",
        },
        Case {
            name: "site in Canada, commercial operator",
            class: Classification::Personal,
            change: |fx| fx.site.country = cc("CA"),
            rule: RuleId::G2,
            passes: true,
            says: "covers commercial organisations such as the operator, Opérateur Test SAS",
        },
        Case {
            name: "site in Canada, non-commercial operator",
            class: Classification::Personal,
            change: |fx| {
                fx.site.country = cc("CA");
                fx.site.operator.commercial_organisation = false;
            },
            rule: RuleId::G2,
            passes: false,
            says: "covers only commercial organisations, and the operator, Opérateur Test SAS, is not",
        },
        Case {
            name: "site in the US, DPF-certified operator",
            class: Classification::Personal,
            change: |fx| {
                fx.site.country = cc("US");
                fx.site.operator.dpf_certified = true;
            },
            rule: RuleId::G2,
            passes: true,
            says: "The site is in the United States, and the operator, Opérateur Test SAS, is certified",
        },
        Case {
            name: "site in the US, operator not certified",
            class: Classification::Personal,
            change: |fx| fx.site.country = cc("US"),
            rule: RuleId::G2,
            passes: false,
            says: "Data Privacy Framework, and the operator, Opérateur Test SAS, is not certified",
        },
        Case {
            name: "site in the Emirates",
            class: Classification::Personal,
            change: |fx| fx.site.country = cc("AE"),
            rule: RuleId::G1,
            passes: false,
            says: "The site is in the United Arab Emirates, outside the EEA and without an EU adequacy decision.",
        },
        Case {
            name: "health site in Switzerland: adequacy does not help",
            class: Classification::Health,
            change: |fx| fx.site.country = cc("CH"),
            rule: RuleId::G1,
            passes: false,
            says: "Switzerland, outside the EEA; health data must stay in the EEA.",
        },
        Case {
            name: "sensitive site in the United Kingdom",
            class: Classification::Sensitive,
            change: |fx| fx.site.country = cc("GB"),
            rule: RuleId::G1,
            passes: false,
            says: "the United Kingdom, outside the EEA; sensitive data must stay in the EEA.",
        },
        Case {
            name: "health site in Iceland",
            class: Classification::Health,
            change: |fx| fx.site.country = cc("IS"),
            rule: RuleId::G1,
            passes: true,
            says: "Iceland, inside the EEA",
        },
    ]);
}

// --- G4 ----------------------------------------------------------------------------------------------

#[test]
fn remote_administration_rule_g4() {
    run(&[
        Case {
            name: "personal, US support with DPF",
            class: Classification::Personal,
            change: |fx| {
                fx.site.admin_access_countries.push(cc("US"));
                fx.site.operator.dpf_certified = true;
            },
            rule: RuleId::G4,
            passes: true,
            says: "from the United States, and the operator, Opérateur Test SAS, is certified",
        },
        Case {
            name: "personal, US support without DPF",
            class: Classification::Personal,
            change: |fx| fx.site.admin_access_countries.push(cc("US")),
            rule: RuleId::G4,
            passes: false,
            says: "Administration or support staff can reach tenant data from the United States, whose EU adequacy decision covers only recipients certified",
        },
        Case {
            name: "personal, Canadian support, commercial operator",
            class: Classification::Personal,
            change: |fx| fx.site.admin_access_countries.push(cc("CA")),
            rule: RuleId::G4,
            passes: true,
            says: "from Canada, whose EU adequacy decision covers commercial organisations",
        },
        Case {
            name: "personal, Canadian support, non-commercial operator",
            class: Classification::Personal,
            change: |fx| {
                fx.site.admin_access_countries.push(cc("CA"));
                fx.site.operator.commercial_organisation = false;
            },
            rule: RuleId::G4,
            passes: false,
            says: "from Canada, whose EU adequacy decision covers only commercial organisations",
        },
        Case {
            name: "personal, support from the Emirates",
            class: Classification::Personal,
            change: |fx| fx.site.admin_access_countries.push(cc("AE")),
            rule: RuleId::G4,
            passes: false,
            says: "from the United Arab Emirates, outside the EEA and without an EU adequacy decision",
        },
        Case {
            name: "health, US support even with DPF",
            class: Classification::Health,
            change: |fx| {
                fx.site.admin_access_countries.push(cc("US"));
                fx.site.operator.dpf_certified = true;
            },
            rule: RuleId::G4,
            passes: false,
            says: "from the United States, outside the EEA; health data must stay in the EEA.",
        },
        Case {
            name: "health, support from Norway",
            class: Classification::Health,
            change: |fx| fx.site.admin_access_countries = vec![cc("FR"), cc("NO")],
            rule: RuleId::G4,
            passes: true,
            says: "from Norway, inside the EEA",
        },
        Case {
            name: "sensitive, support from Switzerland",
            class: Classification::Sensitive,
            change: |fx| fx.site.admin_access_countries.push(cc("CH")),
            rule: RuleId::G4,
            passes: false,
            says: "from Switzerland, outside the EEA; sensitive data must stay in the EEA.",
        },
        Case {
            name: "personal, no declared support location",
            class: Classification::Personal,
            change: |fx| fx.site.admin_access_countries.clear(),
            rule: RuleId::G4,
            passes: true,
            says: "declares no country",
        },
    ]);
}
