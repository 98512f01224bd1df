use super::*;
use proptest::prelude::*;
use serde::de::value::{Error as DeError, MapDeserializer, StringDeserializer};
use serde::de::IntoDeserializer;

fn deserialize_string<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, DeError> {
    let input: StringDeserializer<DeError> = raw.to_owned().into_deserializer();
    T::deserialize(input)
}

fn deserialize_registration(country: &str, value: &str) -> Result<RegistrationId, DeError> {
    let fields = [("country", country), ("value", value)];
    let input: MapDeserializer<_, DeError> = MapDeserializer::new(fields.into_iter());
    RegistrationId::deserialize(input)
}

fn fr(raw: &str) -> Result<RegistrationId, String> {
    RegistrationId::parse("FR", raw)
}

/// Appends the digit that makes `body` pass the Luhn key.
fn with_luhn_key(body: &str) -> String {
    (0..=9)
        .map(|d| format!("{body}{d}"))
        .find(|candidate| luhn_valid(candidate))
        .unwrap()
}

// --- names ---

#[test]
fn a_person_name_is_trimmed() {
    let name = PersonName::parse("  Marie Skłodowska-Curie ").unwrap();
    assert_eq!(name.as_str(), "Marie Skłodowska-Curie");
    assert_eq!(name.to_string(), "Marie Skłodowska-Curie");
}

#[test]
fn a_one_character_person_name_is_accepted() {
    assert!(PersonName::parse("Ø").is_ok());
}

#[test]
fn an_empty_person_name_is_rejected() {
    assert_eq!(PersonName::parse("  ").unwrap_err(), "Please enter a name.");
}

#[test]
fn a_person_name_of_100_characters_is_accepted_and_101_rejected() {
    assert!(PersonName::parse(&"é".repeat(100)).is_ok());
    assert_eq!(
        PersonName::parse(&"é".repeat(101)).unwrap_err(),
        "A name can have at most 100 characters; this one has 101."
    );
}

#[test]
fn a_person_name_with_a_control_character_is_rejected() {
    assert_eq!(
        PersonName::parse("Ada\tLovelace").unwrap_err(),
        "A name cannot contain control characters such as tabs or line breaks."
    );
    assert!(PersonName::parse("Ada\nLovelace").is_err());
}

#[test]
fn an_organisation_name_of_2_characters_is_accepted_and_1_rejected() {
    assert!(OrganisationName::parse("EY").is_ok());
    assert_eq!(
        OrganisationName::parse(" X ").unwrap_err(),
        "An organisation name needs at least 2 characters."
    );
}

#[test]
fn an_organisation_name_of_200_characters_is_accepted_and_201_rejected() {
    assert!(OrganisationName::parse(&"a".repeat(200)).is_ok());
    assert!(OrganisationName::parse(&"a".repeat(201))
        .unwrap_err()
        .contains("at most 200"));
}

#[test]
fn an_empty_organisation_name_is_rejected() {
    assert_eq!(
        OrganisationName::parse("").unwrap_err(),
        "Please enter an organisation name."
    );
}

#[test]
fn an_organisation_name_with_a_control_character_is_rejected() {
    assert!(OrganisationName::parse("École\u{0}polytechnique")
        .unwrap_err()
        .contains("control characters"));
}

#[test]
fn names_deserialize_only_when_valid() {
    let name: OrganisationName = deserialize_string(" Inria ").unwrap();
    assert_eq!(name.as_str(), "Inria");
    assert!(deserialize_string::<PersonName>("").is_err());
    assert_eq!(String::from(name), "Inria");
}

// --- closed lists ---

#[test]
fn tenant_kinds_have_machine_names_and_labels() {
    let keys: Vec<&str> = TenantKind::ALL.iter().map(|k| k.as_str()).collect();
    assert_eq!(
        keys,
        ["university", "research_institute", "public_body", "company"]
    );
    assert_eq!(TenantKind::ResearchInstitute.label(), "Research institute");
    assert_eq!(TenantKind::PublicBody.to_string(), "Public body");
}

#[test]
fn a_tenant_kind_parses_from_its_machine_name_in_any_case() {
    assert_eq!(
        TenantKind::parse(" Public_Body "),
        Ok(TenantKind::PublicBody)
    );
    assert_eq!(
        TenantKind::parse("research institute"),
        Ok(TenantKind::ResearchInstitute)
    );
    for kind in TenantKind::ALL {
        assert_eq!(TenantKind::parse(kind.as_str()), Ok(*kind));
    }
}

#[test]
fn an_unknown_tenant_kind_is_rejected_with_the_choices() {
    assert_eq!(
        TenantKind::parse("startup").unwrap_err(),
        "\"startup\" is not a kind of organisation; choose one of: University, \
         Research institute, Public body, Company."
    );
}

#[test]
fn sectors_have_machine_names_and_labels() {
    assert_eq!(Sector::ALL.len(), 8);
    assert_eq!(Sector::Health.as_str(), "health");
    assert_eq!(Sector::Mobility.label(), "Mobility");
    assert_eq!(Sector::parse("ENERGY"), Ok(Sector::Energy));
    assert!(Sector::parse("defence")
        .unwrap_err()
        .contains("not a sector"));
}

#[test]
fn closed_lists_serialize_as_their_machine_name_and_deserialize_back() {
    for sector in Sector::ALL {
        let key: &'static str = (*sector).into();
        assert_eq!(deserialize_string::<Sector>(key).unwrap(), *sector);
    }
    for kind in TenantKind::ALL {
        let key: &'static str = (*kind).into();
        assert_eq!(deserialize_string::<TenantKind>(key).unwrap(), *kind);
    }
    assert!(deserialize_string::<Sector>("space").is_err());
}

// --- France ---

#[test]
fn a_real_siren_is_accepted() {
    let id = fr("732829320").unwrap();
    assert_eq!(id.kind(), RegistrationKind::Siren);
    assert_eq!(id.as_str(), "732829320");
    assert_eq!(id.to_string(), "732 829 320");
    assert_eq!(id.siren(), Some("732829320"));
}

#[test]
fn a_siren_typed_with_spaces_is_accepted_without_them() {
    let id = fr(" 732 829 320 ").unwrap();
    assert_eq!(id.as_str(), "732829320");
    assert!(fr("732\u{a0}829\u{202f}320").is_ok());
}

#[test]
fn a_siren_with_a_wrong_check_digit_is_rejected() {
    assert_eq!(
        fr("732829321").unwrap_err(),
        "The SIREN 732 829 321 fails its check digit: please check for a typo."
    );
}

#[test]
fn a_siren_with_two_swapped_digits_is_rejected() {
    assert!(fr("738229320").is_err());
}

#[test]
fn a_real_siret_is_accepted() {
    let id = fr("732 829 320 00074").unwrap();
    assert_eq!(id.kind(), RegistrationKind::Siret);
    assert_eq!(id.as_str(), "73282932000074");
    assert_eq!(id.to_string(), "732 829 320 00074");
    assert_eq!(id.siren(), Some("732829320"));
}

#[test]
fn a_siret_with_a_wrong_check_digit_is_rejected() {
    assert_eq!(
        fr("732 829 320 00075").unwrap_err(),
        "The SIRET 732 829 320 00075 fails its check digit: please check for a typo."
    );
}

#[test]
fn a_siret_whose_siren_part_is_invalid_is_rejected() {
    // Luhn-valid as 14 digits, but 732829321 is not a valid SIREN.
    let siret = with_luhn_key("7328293210007");
    assert!(luhn_valid(&siret));
    assert!(fr(&siret)
        .unwrap_err()
        .contains("starts with the SIREN 732 829 321"));
}

#[test]
fn la_poste_sirets_follow_the_sum_of_digits_rule() {
    // head office, which also passes the Luhn key
    assert!(fr("356 000 000 00048").is_ok());
    // an establishment: digits add up to 30, Luhn would fail
    assert!(!luhn_valid("35600000012346"));
    assert!(fr("35600000012346").is_ok());
    // digits add up to 31: neither rule holds
    assert!(fr("35600000012347")
        .unwrap_err()
        .contains("fails its check digit"));
}

#[test]
fn the_sum_of_digits_rule_applies_to_la_poste_only() {
    // digits add up to 50, but this is not La Poste and the Luhn key fails
    assert_eq!(digit_sum("73282932000077") % 5, 0);
    assert!(!luhn_valid("73282932000077"));
    assert!(fr("73282932000077").is_err());
}

#[test]
fn a_french_number_of_the_wrong_length_is_rejected() {
    assert_eq!(
        fr("73282932").unwrap_err(),
        "A SIREN has 9 digits and a SIRET 14; this number has 8."
    );
    assert!(fr("7328293200007").unwrap_err().contains("has 13"));
}

#[test]
fn a_french_number_with_a_letter_is_rejected() {
    assert_eq!(
        fr("73282932O").unwrap_err(),
        "A SIREN or SIRET has only digits; \"O\" is not one."
    );
}

#[test]
fn a_french_vat_number_is_pointed_to_the_siren() {
    assert!(fr("FR 40 303265045")
        .unwrap_err()
        .contains("looks like a VAT number"));
}

#[test]
fn an_empty_french_number_is_rejected() {
    assert!(fr("  ").unwrap_err().starts_with("Please enter the SIREN"));
}

#[test]
fn the_country_code_is_case_insensitive() {
    assert_eq!(
        RegistrationId::parse(" fr ", "732829320")
            .unwrap()
            .country(),
        "FR"
    );
}

#[test]
fn a_country_that_is_not_a_two_letter_code_is_rejected() {
    for bad in ["FRA", "F", "", "F1"] {
        assert_eq!(
            RegistrationId::parse(bad, "732829320").unwrap_err(),
            "The country must be a two-letter code such as FR or DE.",
            "{bad}"
        );
    }
}

// --- EU VAT ---

#[test]
fn every_member_state_but_france_has_a_vat_format() {
    assert_eq!(VAT_FORMATS.len(), 26);
    let members = [
        "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "GR", "HR", "HU", "IE", "IT",
        "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
    ];
    for country in members {
        assert!(vat_format(country).is_some(), "{country}");
    }
}

#[test]
fn well_formed_vat_numbers_are_accepted() {
    let cases = [
        ("DE", "DE 136 695 976", "DE136695976"),
        ("DE", "136695976", "DE136695976"),
        ("AT", "ATU 13585627", "ATU13585627"),
        ("AT", "u13585627", "ATU13585627"),
        ("BE", "BE 0403.170.701", "BE0403170701"),
        ("BE", "1234.567.890", "BE1234567890"),
        ("NL", "NL 8030.41.597.B01", "NL803041597B01"),
        ("IT", "IT 00743110157", "IT00743110157"),
        ("ES", "ES A28015865", "ESA28015865"),
        ("ES", "esq2826000h", "ESQ2826000H"),
        ("ES", "ES 12345678Z", "ES12345678Z"),
        ("ES", "ESX1234567L", "ESX1234567L"),
        ("IE", "IE 6388047V", "IE6388047V"),
        ("IE", "IE 3628739UA", "IE3628739UA"),
        ("IE", "IE 8Z49289F", "IE8Z49289F"),
        ("IE", "IE 8+49289F", "IE8+49289F"),
        ("CY", "CY 10259033P", "CY10259033P"),
        ("SE", "SE 5560125790 01", "SE556012579001"),
        ("RO", "RO 18547290", "RO18547290"),
        ("RO", "RO 12", "RO12"),
        ("LT", "LT 119511515", "LT119511515"),
        ("LT", "LT 100001919017", "LT100001919017"),
        ("BG", "BG 175074752", "BG175074752"),
        ("BG", "BG 1750747521", "BG1750747521"),
        ("CZ", "CZ 25123891", "CZ25123891"),
        ("CZ", "CZ 7103192745", "CZ7103192745"),
        ("PL", "PL 526-000-12-46", "PL5260001246"),
        ("DK", "DK 13585628", "DK13585628"),
        ("FI", "FI 20774740", "FI20774740"),
        ("HR", "HR 33392005961", "HR33392005961"),
        ("LU", "LU 15027442", "LU15027442"),
        ("PT", "PT 501964843", "PT501964843"),
        ("SK", "SK 2020273893", "SK2020273893"),
        ("SI", "SI 50223054", "SI50223054"),
    ];
    for (country, raw, stored) in cases {
        let id =
            RegistrationId::parse(country, raw).unwrap_or_else(|e| panic!("{country} {raw}: {e}"));
        assert_eq!(id.as_str(), stored);
        assert_eq!(id.kind(), RegistrationKind::EuVat);
        assert_eq!(id.siren(), None);
    }
}

#[test]
fn greece_uses_el_as_its_vat_prefix() {
    let id = RegistrationId::parse("GR", "EL 094014201").unwrap();
    assert_eq!(id.as_str(), "EL094014201");
    assert_eq!(id.country(), "GR");
    assert_eq!(RegistrationId::parse("GR", "GR094014201").unwrap(), id);
    assert_eq!(RegistrationId::parse("EL", "094014201").unwrap(), id);
}

#[test]
fn a_vat_number_of_the_wrong_length_is_rejected() {
    assert_eq!(
        RegistrationId::parse("DE", "DE13669597").unwrap_err(),
        "The VAT number DE13669597 does not have the German format: DE followed by 9 digits."
    );
    assert!(RegistrationId::parse("IT", "IT0074311015").is_err());
    assert!(RegistrationId::parse("LT", "LT1195115151").is_err());
}

#[test]
fn a_vat_number_breaking_its_country_pattern_is_rejected() {
    let bad = [
        ("AT", "AT13585627"),
        ("BE", "BE2403170701"),
        ("NL", "NL803041597C01"),
        ("NL", "NL803041597B1"),
        ("ES", "ES123456789"),
        ("IE", "IE63880470"),
        ("CY", "CY102590331"),
        ("SE", "SE556012579002"),
        ("RO", "RO1"),
        ("RO", "RO12345678901"),
    ];
    for (country, raw) in bad {
        assert!(
            RegistrationId::parse(country, raw)
                .unwrap_err()
                .contains("format"),
            "{country} {raw}"
        );
    }
}

#[test]
fn a_vat_number_with_another_countrys_prefix_is_rejected() {
    assert_eq!(
        RegistrationId::parse("DE", "IT00743110157").unwrap_err(),
        "This VAT number starts with IT, but German VAT numbers start with DE: please check \
         the number or the organisation's country."
    );
}

#[test]
fn an_empty_vat_number_is_rejected_with_the_expected_format() {
    assert_eq!(
        RegistrationId::parse("NL", " ").unwrap_err(),
        "Please enter the VAT number: NL followed by 9 digits, the letter B and 2 digits."
    );
}

// --- other countries ---

#[test]
fn a_registration_number_outside_the_eu_is_checked_loosely() {
    let id = RegistrationId::parse("CH", " CHE-105.805.080  ").unwrap();
    assert_eq!(id.as_str(), "CHE-105.805.080");
    assert_eq!(id.kind(), RegistrationKind::Other);
    let id = RegistrationId::parse("GB", "SC 123   456").unwrap();
    assert_eq!(id.as_str(), "SC 123 456");
    assert!(RegistrationId::parse("US", "12-3456789/A").is_ok());
}

#[test]
fn a_registration_number_outside_the_eu_has_3_to_40_characters() {
    assert!(RegistrationId::parse("JP", "123").is_ok());
    assert!(RegistrationId::parse("JP", "12")
        .unwrap_err()
        .contains("at least 3"));
    assert!(RegistrationId::parse("JP", &"9".repeat(40)).is_ok());
    assert!(RegistrationId::parse("JP", &"9".repeat(41))
        .unwrap_err()
        .contains("at most 40"));
}

#[test]
fn a_registration_number_outside_the_eu_rejects_other_symbols() {
    assert_eq!(
        RegistrationId::parse("CH", "CHE#105").unwrap_err(),
        "The character \"#\" is not allowed in a registration number: use letters, digits, \
         spaces and - / . only."
    );
    assert!(RegistrationId::parse("CH", "---")
        .unwrap_err()
        .contains("letter or digit"));
    assert!(RegistrationId::parse("CH", "")
        .unwrap_err()
        .starts_with("Please enter"));
}

// --- serde ---

#[test]
fn a_registration_id_round_trips_through_its_parts() {
    let id = fr("732 829 320 00074").unwrap();
    let parts = RegistrationIdParts::from(id.clone());
    assert_eq!(parts.country, "FR");
    assert_eq!(parts.value, "73282932000074");
    assert_eq!(
        deserialize_registration(&parts.country, &parts.value).unwrap(),
        id
    );
}

#[test]
fn an_invalid_registration_id_does_not_deserialize() {
    let error = deserialize_registration("FR", "73282932000075").unwrap_err();
    assert!(error.to_string().contains("fails its check digit"));
    assert!(deserialize_registration("DE", "DE1").is_err());
}

proptest! {
    #[test]
    fn luhn_valid_sirens_are_accepted_and_one_changed_digit_is_rejected(
        body in "[0-9]{8}",
        position in 0usize..9,
        shift in 1u8..10,
    ) {
        let siren = with_luhn_key(&body);
        prop_assert!(fr(&siren).is_ok());
        let mut digits = siren.into_bytes();
        digits[position] = b'0' + (digits[position] - b'0' + shift) % 10;
        let changed = String::from_utf8(digits).unwrap();
        prop_assert!(fr(&changed).is_err());
    }

    #[test]
    fn luhn_valid_sirets_of_valid_sirens_are_accepted(
        siren_body in "[0-9]{8}",
        nic_body in "[0-9]{4}",
        position in 9usize..14,
        shift in 1u8..10,
    ) {
        let siren = with_luhn_key(&siren_body);
        prop_assume!(siren != LA_POSTE_SIREN);
        let siret = with_luhn_key(&format!("{siren}{nic_body}"));
        prop_assert!(fr(&siret).is_ok());
        let mut digits = siret.into_bytes();
        digits[position] = b'0' + (digits[position] - b'0' + shift) % 10;
        let changed = String::from_utf8(digits).unwrap();
        prop_assert!(fr(&changed).is_err());
    }

    #[test]
    fn parsing_never_panics(country in "\\PC{0,3}", raw in "\\PC{0,50}") {
        let _ = RegistrationId::parse(&country, &raw);
    }
}
