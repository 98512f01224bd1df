use super::*;
use crate::domain::country::ALL_COUNTRIES;
use proptest::prelude::*;
use proptest::sample::{select, subsequence, Index};

const INTERESTING: [&str; 12] = [
    "FR", "DE", "NO", "IS", "CH", "CA", "US", "GB", "AE", "JP", "RU", "CN",
];

fn country() -> impl Strategy<Value = CountryCode> {
    prop_oneof![
        3 => select(INTERESTING.to_vec()).prop_map(cc),
        1 => (0..ALL_COUNTRIES.len()).prop_map(|i| cc(ALL_COUNTRIES[i].0)),
    ]
}

fn certification(d: Date) -> impl Strategy<Value = Certification> {
    let kind = select(vec![
        CertificationKind::Iso27001,
        CertificationKind::Hds,
        CertificationKind::SecNumCloud,
        CertificationKind::Eucs,
    ]);
    let version = prop::option::of(select(vec!["3.2", "3.1", " 3.2 "]));
    let level = select(vec![
        EucsLevel::Basic,
        EucsLevel::Substantial,
        EucsLevel::High,
    ]);
    (
        kind,
        subsequence(vec![1u8, 2, 3, 4, 5, 6], 1..=6),
        version,
        level,
        -400i64..400,
        0i64..1500,
    )
        .prop_map(move |(kind, activities, version, level, from, length)| {
            let valid_from = days_after(d, from);
            Certification {
                kind,
                hds_activities: if kind == CertificationKind::Hds {
                    activities
                } else {
                    Vec::new()
                },
                version: version.map(str::to_string),
                eucs_level: Some(level),
                certificate_id: format!("GEN-{from}-{length}"),
                valid_from,
                valid_until: days_after(valid_from, length),
            }
        })
}

/// A request and a site drawn from the demo catalogue or the baseline fixture, then varied.
fn scenario() -> impl Strategy<Value = Fixture> {
    let d = date!(2025 - 03 - 03);
    // Health and sensitive are drawn more often: their rules are the ones with most to break.
    let class = select(vec![
        Classification::Public,
        Classification::Confidential,
        Classification::Personal,
        Classification::Health,
        Classification::Health,
        Classification::Sensitive,
        Classification::Sensitive,
    ]);
    let flags = (
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
        any::<bool>(),
    );
    let dates = (0i64..300, 1i64..400);
    let extra_admin = prop_oneof![
        2 => Just(Vec::new()),
        1 => prop::collection::vec(country(), 1..3),
    ];
    let tenant = prop_oneof![8 => Just(cc("FR")), 1 => country()];
    (0usize..6, class, flags, dates, extra_admin, tenant).prop_map(
        move |(base, class, flags, (start, length), extra_admin, tenant)| {
            let mut fx = fixture(class);
            if let Some(site) = demo_sites(d).into_iter().nth(base) {
                fx.site = site;
            }
            let (waiver, administers, backs_up, dpf, commercial) = flags;
            let start = days_after(d, start);
            fx.request.window = Window::new(start, days_after(start, length)).unwrap();
            fx.request.confidential_waiver = waiver;
            fx.request.operator_administers_systems = administers;
            fx.request.operator_backs_up = backs_up;
            fx.site.operator.dpf_certified |= dpf;
            fx.site.operator.commercial_organisation = commercial;
            fx.site.admin_access_countries.extend(extra_admin);
            fx.tenant.country = tenant;
            fx
        },
    )
}

proptest! {
    #[test]
    fn adding_a_valid_certification_never_makes_an_eligible_site_ineligible(
        fx in scenario(),
        extra in certification(date!(2025 - 03 - 03)),
    ) {
        prop_assert!(extra.validate().is_ok());
        let before = fx.evaluate();
        let mut after = fx.clone();
        after.site.certifications.push(extra);
        if before.eligible {
            prop_assert!(after.evaluate().eligible, "{:#?}", after.evaluate());
        }
    }

    #[test]
    fn removing_an_admin_country_never_makes_an_eligible_site_ineligible(
        fx in scenario(),
        which in any::<Index>(),
    ) {
        let before = fx.evaluate();
        let mut after = fx.clone();
        if !after.site.admin_access_countries.is_empty() {
            let i = which.index(after.site.admin_access_countries.len());
            after.site.admin_access_countries.remove(i);
        }
        if before.eligible {
            prop_assert!(after.evaluate().eligible, "{:#?}", after.evaluate());
        }
    }

    #[test]
    fn eligible_means_no_failed_finding_and_every_reason_is_a_sentence(fx in scenario()) {
        let evaluation = fx.evaluate();
        prop_assert_eq!(evaluation.eligible, evaluation.findings.iter().all(|f| f.passed));
        prop_assert!(evaluation.findings.iter().all(|f| f.reason.ends_with('.') && !f.reason.is_empty()));
        prop_assert_eq!(evaluation.findings[0].rule, RuleId::E1);
    }
}
