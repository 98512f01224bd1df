//! The residency rules' tests: a baseline fixture that passes every rule, a table runner, and one file
//! per regime, plus the demo catalogue and properties.

use std::collections::BTreeSet;

use serde::Deserialize;
use time::macros::date;
use time::{Date, Duration};

use super::inputs::format_basis_points;
use super::*;
use crate::domain::country::CountryCode;

/// The demo sites, from the one file the server's demo data loads them from. Included by path (so
/// also without `ssr`, where `crate::server` does not exist); with `ssr` the file is therefore
/// compiled twice, which is intended. `demo_gpus` there is for the server only.
#[path = "../../../server/demo_sites.rs"]
#[allow(dead_code, clippy::duplicate_mod)]
mod demo_sites;
use demo_sites::demo_sites;

mod confidential;
mod demo_catalogue;
mod gdpr;
mod health;
mod inputs;
mod properties;
mod sanctions;
mod secnumcloud;

fn days_after(d: Date, days: i64) -> Date {
    d.saturating_add(Duration::days(days))
}

fn cc(code: &str) -> CountryCode {
    CountryCode::parse(code).unwrap()
}

fn pct(text: &str) -> Percent {
    Percent::parse(text).unwrap()
}

/// The window used by the rule tables: 2025-04-01 to 2025-06-30 included.
fn window() -> Window {
    Window::new(date!(2025 - 04 - 01), date!(2025 - 07 - 01)).unwrap()
}

fn cert(kind: CertificationKind, id: &str, from: Date, until: Date) -> Certification {
    Certification {
        kind,
        hds_activities: Vec::new(),
        version: None,
        eucs_level: None,
        certificate_id: id.to_string(),
        valid_from: from,
        valid_until: until,
    }
}

fn hds(activities: &[u8], until: Date) -> Certification {
    Certification {
        hds_activities: activities.to_vec(),
        ..cert(
            CertificationKind::Hds,
            "HDS-T-1",
            date!(2024 - 01 - 01),
            until,
        )
    }
}

fn snc(version: &str, until: Date) -> Certification {
    Certification {
        version: Some(version.to_string()),
        ..cert(
            CertificationKind::SecNumCloud,
            "SNC-T-1",
            date!(2024 - 01 - 01),
            until,
        )
    }
}

fn holder(name: &str, country: &str, capital: &str, voting: &str) -> Shareholder {
    Shareholder {
        name: name.to_string(),
        country: cc(country),
        capital: pct(capital),
        voting: pct(voting),
        control_rights: false,
        veto_rights: false,
    }
}

/// Everything a rule reads; the baseline passes every rule for every class.
#[derive(Clone, Debug)]
struct Fixture {
    request: PlacementRequest,
    tenant: TenantProfile,
    site: SiteProfile,
    lists: PolicyLists,
}

fn fixture(classification: Classification) -> Fixture {
    let operator = Operator {
        name: "Opérateur Test SAS".to_string(),
        registered_office: cc("FR"),
        central_administration: cc("FR"),
        main_establishment: cc("FR"),
        shareholders: vec![holder("Caisse Test", "FR", "100", "100")],
        dpf_certified: false,
        commercial_organisation: true,
    };
    Fixture {
        request: PlacementRequest {
            classification,
            window: window(),
            confidential_waiver: false,
            operator_administers_systems: false,
            operator_backs_up: false,
        },
        tenant: TenantProfile {
            name: "Université Test".to_string(),
            country: cc("FR"),
        },
        site: SiteProfile {
            slug: "test".to_string(),
            name: "Test site".to_string(),
            country: cc("FR"),
            operator,
            admin_access_countries: vec![cc("FR")],
            certifications: vec![
                hds(&[1, 2, 3, 4, 5, 6], date!(2027 - 12 - 31)),
                snc("3.2", date!(2027 - 12 - 31)),
            ],
        },
        lists: PolicyLists::in_force(7),
    }
}

impl Fixture {
    fn evaluate(&self) -> Evaluation {
        evaluate(&self.request, &self.tenant, &self.site, &self.lists, 3)
    }
}

struct Case {
    name: &'static str,
    class: Classification,
    change: fn(&mut Fixture),
    rule: RuleId,
    passes: bool,
    /// Text the reason of the deciding finding must contain.
    says: &'static str,
}

/// Runs a table: for a passing case every finding of the rule passes; for a failing case one fails.
/// Either way a finding of the rule has a reason containing `says`, and eligibility follows.
fn run(cases: &[Case]) {
    for case in cases {
        let mut fx = fixture(case.class);
        (case.change)(&mut fx);
        let evaluation = fx.evaluate();
        let of_rule: Vec<&Finding> = evaluation
            .findings
            .iter()
            .filter(|f| f.rule == case.rule)
            .collect();
        assert!(
            !of_rule.is_empty(),
            "{}: no {} finding in {:#?}",
            case.name,
            case.rule,
            evaluation
        );
        let deciding: Vec<&&Finding> = of_rule.iter().filter(|f| f.passed == case.passes).collect();
        if case.passes {
            assert_eq!(
                deciding.len(),
                of_rule.len(),
                "{}: {:#?}",
                case.name,
                of_rule
            );
        } else {
            assert!(
                !deciding.is_empty(),
                "{}: expected a failure, got {:#?}",
                case.name,
                of_rule
            );
            assert!(
                !evaluation.eligible,
                "{}: a failed finding must make the site ineligible",
                case.name
            );
        }
        assert!(
            deciding.iter().any(|f| f.reason.contains(case.says)),
            "{}: no reason contains {:?}: {:#?}",
            case.name,
            case.says,
            of_rule
        );
        assert_eq!(
            evaluation.eligible,
            evaluation.failures().next().is_none(),
            "{}",
            case.name
        );
    }
}

fn no_change(_: &mut Fixture) {}

#[test]
fn the_baseline_fixture_is_eligible_for_every_class() {
    for class in Classification::ALL {
        let evaluation = fixture(class).evaluate();
        assert!(evaluation.eligible, "{class}: {evaluation:#?}");
        assert_eq!(evaluation.policy_version, 7);
        assert_eq!(evaluation.catalogue_version, 3);
        assert_eq!(evaluation.site_slug, "test");
        assert!(
            evaluation.findings.iter().all(|f| f.reason.ends_with('.')),
            "{evaluation:#?}"
        );
    }
}
