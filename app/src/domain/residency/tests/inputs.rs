//! Classification, percentages, windows, certificates and the lists in force.

use super::*;

// --- Classification, Percent, Window -----------------------------------------------------------------

#[test]
fn classifications_round_trip_through_their_names() {
    for class in Classification::ALL {
        assert_eq!(Classification::parse(class.as_str()), Ok(class));
        assert!(!class.label().is_empty() && !class.description().is_empty());
    }
    assert_eq!(
        Classification::parse(" Health "),
        Ok(Classification::Health)
    );
    assert_eq!(
        Classification::parse("secret").unwrap_err().to_string(),
        "“secret” is not a data classification; choose public, confidential, personal, health or sensitive."
    );
}

#[test]
fn classifications_deserialise_from_lower_case_names() {
    use serde::de::{value::Error, IntoDeserializer};
    let read = |text: &'static str| -> Result<Classification, Error> {
        Classification::deserialize(text.into_deserializer())
    };
    assert_eq!(read("sensitive").unwrap(), Classification::Sensitive);
    assert!(read("Sensitive").is_err());
}

#[test]
fn percentages_parse_up_to_two_decimals() {
    let cases = [
        ("24", 2400),
        ("24.01", 2401),
        ("24,01", 2401),
        (" 24.5 % ", 2450),
        ("0", 0),
        ("100", 10_000),
        ("100.00", 10_000),
        ("007", 700),
        ("0.01", 1),
    ];
    for (input, basis_points) in cases {
        assert_eq!(
            Percent::parse(input).map(Percent::basis_points),
            Ok(basis_points),
            "{input:?}"
        );
    }
}

#[test]
fn percentages_out_of_range_or_malformed_are_refused_with_a_sentence() {
    let cases = [
        (
            "100.01",
            "“100.01” is above 100 %; a share is between 0 and 100 %.",
        ),
        (
            "250",
            "“250” is above 100 %; a share is between 0 and 100 %.",
        ),
        (
            "99999999",
            "“99999999” is above 100 %; a share is between 0 and 100 %.",
        ),
        ("-1", "“-1” is below 0 %; a share is between 0 and 100 %."),
        (
            "24.001",
            "“24.001” has more than two decimals; round it to two, e.g. 24.01.",
        ),
        (
            "abc",
            "“abc” is not a percentage; write a number between 0 and 100, e.g. 24.01.",
        ),
        (
            "24.",
            "“24.” is not a percentage; write a number between 0 and 100, e.g. 24.01.",
        ),
        (
            ".5",
            "“.5” is not a percentage; write a number between 0 and 100, e.g. 24.01.",
        ),
        ("", "Enter a percentage between 0 and 100, e.g. 24.01."),
    ];
    for (input, message) in cases {
        assert_eq!(
            Percent::parse(input).unwrap_err().to_string(),
            message,
            "{input:?}"
        );
    }
    assert!(Percent::from_basis_points(10_001).is_err());
    assert!(Percent::try_from(10_000).is_ok());
}

#[test]
fn percentages_display_without_needless_decimals() {
    let cases = [
        ("24", "24 %"),
        ("24.01", "24.01 %"),
        ("24.5", "24.5 %"),
        ("0", "0 %"),
        ("100", "100 %"),
    ];
    for (input, shown) in cases {
        assert_eq!(pct(input).to_string(), shown);
    }
    assert_eq!(format_basis_points(4_500), "45 %");
    assert_eq!(format_basis_points(15_000), "150 %");
    assert_eq!(Percent::whole(35), pct("35"));
}

#[test]
fn a_window_is_half_open_and_must_hold_a_day() {
    let w = window();
    assert_eq!(w.last_day(), date!(2025 - 06 - 30));
    let one_day = Window::new(date!(2025 - 01 - 01), date!(2025 - 01 - 02)).unwrap();
    assert_eq!(one_day.last_day(), date!(2025 - 01 - 01));
    assert_eq!(
        Window::new(date!(2025 - 01 - 02), date!(2025 - 01 - 02))
            .unwrap_err()
            .to_string(),
        "The window must end after it starts, but it runs from 2 Jan 2025 to 2 Jan 2025."
    );
}

#[test]
fn certifications_are_validated_with_readable_messages() {
    assert!(hds(&[1, 2, 3], date!(2026 - 01 - 01)).validate().is_ok());
    let bad_activity = hds(&[1, 7], date!(2026 - 01 - 01));
    assert_eq!(
        bad_activity.validate().unwrap_err().to_string(),
        "Certificate HDS-T-1 lists HDS activity 7; HDS activities are numbered 1 to 6."
    );
    let backwards = hds(&[1], date!(2023 - 01 - 01));
    assert!(backwards
        .validate()
        .unwrap_err()
        .to_string()
        .contains("before it starts"));
    let eucs = cert(
        CertificationKind::Eucs,
        "E-1",
        date!(2024 - 01 - 01),
        date!(2026 - 01 - 01),
    );
    assert!(eucs.validate().is_err());
}

#[test]
fn the_lists_in_force_match_the_domain() {
    let lists = PolicyLists::in_force(4);
    assert_eq!(lists.version, 4);
    assert_eq!(lists.eu.len(), 27);
    assert_eq!(lists.eea.len(), 30);
    assert!(lists.eu.is_subset(&lists.eea));
    for code in ["IS", "LI", "NO"] {
        assert!(lists.is_eea(cc(code)) && !lists.is_eu(cc(code)), "{code}");
    }
    assert_eq!(lists.adequacy.len(), 15);
    assert_eq!(
        lists.adequacy_condition(cc("CA")),
        Some(AdequacyCondition::CommercialOrganisations)
    );
    assert_eq!(
        lists.adequacy_condition(cc("US")),
        Some(AdequacyCondition::DataPrivacyFrameworkCertified)
    );
    assert_eq!(
        lists.adequacy_condition(cc("GB")),
        Some(AdequacyCondition::None)
    );
    assert_eq!(lists.adequacy_condition(cc("AE")), None);
    let sanctioned: Vec<&str> = lists.sanctions.iter().map(|c| c.as_str()).collect();
    assert_eq!(sanctioned, ["BY", "IR", "KP", "RU", "SY"]);
    assert_eq!(
        RuleId::ALL.map(RuleId::as_str).join(" "),
        "G1 G2 G4 C1 H1 H2 H3 S1 S2 S3 S4 S5 E1"
    );
}

#[test]
fn rule_ids_and_enums_read_back_from_their_serialised_names() {
    use serde::de::{value::Error, IntoDeserializer};
    for rule in RuleId::ALL {
        let read: Result<RuleId, Error> = RuleId::deserialize(rule.as_str().into_deserializer());
        assert_eq!(read.unwrap(), rule);
    }
    let kind: Result<CertificationKind, Error> =
        CertificationKind::deserialize("secnumcloud".into_deserializer());
    assert_eq!(kind.unwrap(), CertificationKind::SecNumCloud);
    let condition: Result<AdequacyCondition, Error> =
        AdequacyCondition::deserialize("data_privacy_framework_certified".into_deserializer());
    assert_eq!(
        condition.unwrap(),
        AdequacyCondition::DataPrivacyFrameworkCertified
    );
    let percent: Result<Percent, Error> = Percent::deserialize(2401u16.into_deserializer());
    assert_eq!(percent.unwrap(), pct("24.01"));
    let too_much: Result<Percent, Error> = Percent::deserialize(10_001u16.into_deserializer());
    assert!(too_much.is_err());
}
