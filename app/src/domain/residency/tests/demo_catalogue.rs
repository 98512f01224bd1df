//! The demo catalogue's sites give the verdicts the demo relies on.

use time::Month;

use super::*;

// --- The demo catalogue ------------------------------------------------------------------------------

fn months_after(d: Date, months: u8) -> Date {
    let zero_based = u32::from(u8::from(d.month()) - 1) + u32::from(months);
    let year = d.year() + i32::try_from(zero_based / 12).unwrap();
    let month = Month::try_from(u8::try_from(zero_based % 12 + 1).unwrap()).unwrap();
    (1..=d.day())
        .rev()
        .find_map(|day| Date::from_calendar_date(year, month, day).ok())
        .unwrap()
}

fn demo_run(d: Date, class: Classification, months: u8) -> Vec<Evaluation> {
    let start = days_after(d, 7);
    let request = PlacementRequest {
        classification: class,
        window: Window::new(start, months_after(start, months)).unwrap(),
        confidential_waiver: false,
        operator_administers_systems: false,
        operator_backs_up: false,
    };
    let tenant = TenantProfile {
        name: "Institut Curie".to_string(),
        country: cc("FR"),
    };
    evaluate_all(
        &request,
        &tenant,
        &demo_sites(d),
        &PolicyLists::in_force(1),
        1,
    )
}

fn failed_rules(evaluation: &Evaluation) -> BTreeSet<RuleId> {
    evaluation.failures().map(|f| f.rule).collect()
}

fn by_slug<'a>(evaluations: &'a [Evaluation], slug: &str) -> &'a Evaluation {
    evaluations.iter().find(|e| e.site_slug == slug).unwrap()
}

const DEMO_DAYS: [Date; 4] = [
    date!(2025 - 03 - 03),
    date!(2024 - 02 - 29),
    date!(2025 - 11 - 30),
    date!(2026 - 01 - 31),
];

#[test]
fn the_demo_catalogue_lists_five_sites_with_valid_certificates() {
    let sites = demo_sites(date!(2025 - 03 - 03));
    let slugs: Vec<&str> = sites.iter().map(|s| s.slug.as_str()).collect();
    assert_eq!(
        slugs,
        ["idf-campus", "dugny", "marseille", "cambrai", "abu-dhabi"]
    );
    for site in &sites {
        for cert in &site.certifications {
            assert_eq!(cert.validate(), Ok(()), "{}", cert.certificate_id);
        }
    }
}

#[test]
fn health_for_three_months_is_eligible_at_idf_campus_and_dugny_only() {
    for d in DEMO_DAYS {
        let evaluations = demo_run(d, Classification::Health, 3);
        let eligible: Vec<&str> = evaluations
            .iter()
            .filter(|e| e.eligible)
            .map(|e| e.site_slug.as_str())
            .collect();
        assert_eq!(eligible, ["idf-campus", "dugny"], "day {d}");

        let marseille = by_slug(&evaluations, "marseille");
        assert_eq!(failed_rules(marseille), BTreeSet::from([RuleId::G4]));
        assert!(marseille
            .failures()
            .any(|f| f.reason.contains("from the United States, outside the EEA")));

        let cambrai = by_slug(&evaluations, "cambrai");
        assert!(failed_rules(cambrai).contains(&RuleId::H1));
        assert!(cambrai.failures().any(|f| f.reason == "The site holds no HDS certificate; health data needs one covering activities 1, 2 and 3."));

        let abu_dhabi = failed_rules(by_slug(&evaluations, "abu-dhabi"));
        assert!(
            abu_dhabi.contains(&RuleId::G1) && abu_dhabi.contains(&RuleId::H3),
            "{abu_dhabi:?}"
        );
    }
}

#[test]
fn health_for_six_months_fails_at_dugny_on_h2() {
    for d in DEMO_DAYS {
        let evaluations = demo_run(d, Classification::Health, 6);
        let dugny = by_slug(&evaluations, "dugny");
        assert_eq!(failed_rules(dugny), BTreeSet::from([RuleId::H2]), "day {d}");
        let expiry = crate::domain::format::date(crate::i18n::Locale::en, days_after(d, 120));
        assert!(dugny.failures().any(|f| f.reason.starts_with(&format!(
            "HDS certificate HDS-DUG-2024-0157 expires on {expiry}, before"
        ))));
        assert!(by_slug(&evaluations, "idf-campus").eligible);
    }
}

#[test]
fn sensitive_for_three_months_is_eligible_at_dugny_only() {
    for d in DEMO_DAYS {
        let evaluations = demo_run(d, Classification::Sensitive, 3);
        let eligible: Vec<&str> = evaluations
            .iter()
            .filter(|e| e.eligible)
            .map(|e| e.site_slug.as_str())
            .collect();
        assert_eq!(eligible, ["dugny"], "day {d}");

        let idf = by_slug(&evaluations, "idf-campus");
        assert_eq!(failed_rules(idf), BTreeSet::from([RuleId::S3]));
        let reasons: Vec<&str> = idf.failures().map(|f| f.reason.as_str()).collect();
        assert_eq!(
            reasons,
            [
                "MGX (United Arab Emirates) holds 30 % of the capital and 30 % of the voting rights, above the 24 % allowed to one non-EU shareholder.",
                "Non-EU shareholders together hold 45 % of the capital and 45 % of the voting rights, above the 39 % allowed to them together.",
            ]
        );
    }
}

#[test]
fn personal_data_in_the_demo_follows_dpf_and_commercial_status() {
    let evaluations = demo_run(date!(2025 - 03 - 03), Classification::Personal, 3);
    let eligible: Vec<&str> = evaluations
        .iter()
        .filter(|e| e.eligible)
        .map(|e| e.site_slug.as_str())
        .collect();
    assert_eq!(eligible, ["idf-campus", "dugny", "marseille", "cambrai"]);
    assert_eq!(
        failed_rules(by_slug(&evaluations, "abu-dhabi")),
        BTreeSet::from([RuleId::G1, RuleId::G4])
    );
}
