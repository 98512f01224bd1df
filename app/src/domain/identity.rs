//! Who a tenant is: `PersonName`, `OrganisationName`, `TenantKind`, `Sector` and
//! `RegistrationId` (SIREN/SIRET in France, the EU VAT number elsewhere in the EU,
//! a loosely checked registration number beyond).

use std::fmt;

use serde::{Deserialize, Serialize};

// ---------------------------------------------------------------------------------------------
// Names
// ---------------------------------------------------------------------------------------------

/// A person's name as they write it: trimmed, 1 to 100 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct PersonName(String);

impl PersonName {
    /// Reads a name as typed.
    pub fn parse(raw: &str) -> Result<Self, String> {
        bounded_text(raw, 1, 100, "a name").map(Self)
    }

    /// The name, trimmed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// An organisation's name: trimmed, 2 to 200 characters, no control characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct OrganisationName(String);

impl OrganisationName {
    /// Reads an organisation name as typed.
    pub fn parse(raw: &str) -> Result<Self, String> {
        bounded_text(raw, 2, 200, "an organisation name").map(Self)
    }

    /// The name, trimmed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Trims `raw` and checks its length in characters and the absence of control characters.
/// `what` is the noun phrase used in messages, with its article: "a name".
fn bounded_text(raw: &str, min: usize, max: usize, what: &str) -> Result<String, String> {
    let text = raw.trim();
    let chars = text.chars().count();
    let what_capitalised = capitalise(what);
    if chars == 0 {
        return Err(format!("Please enter {what}."));
    }
    if chars < min {
        return Err(format!(
            "{what_capitalised} needs at least {min} characters."
        ));
    }
    if chars > max {
        return Err(format!(
            "{what_capitalised} can have at most {max} characters; this one has {chars}."
        ));
    }
    if text.chars().any(char::is_control) {
        return Err(format!(
            "{what_capitalised} cannot contain control characters such as tabs or line breaks."
        ));
    }
    Ok(text.to_owned())
}

fn capitalise(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Implements `Display`, `TryFrom<String>` and `From<Self> for String` for a string newtype.
macro_rules! string_newtype_conversions {
    ($($name:ident),+) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    )+};
}

string_newtype_conversions!(PersonName, OrganisationName);

// ---------------------------------------------------------------------------------------------
// Closed lists: tenant kind and sector
// ---------------------------------------------------------------------------------------------

/// Declares a closed list with `ALL`, `as_str` (stable machine name, also the serde form),
/// `label` (for people), `parse` (from either, case-insensitive) and `Display` (label).
macro_rules! labelled_enum {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal,
        { $($variant:ident => $key:literal, $label:literal;)+ }
    ) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(try_from = "String", into = "&'static str")]
        pub enum $name {
            $(#[doc = $label] $variant,)+
        }

        impl $name {
            /// Every value, in display order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The stable machine name, e.g. for storage and URLs.
            pub fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $key,)+ }
            }

            /// The name shown to people.
            pub fn label(self) -> &'static str {
                match self { $(Self::$variant => $label,)+ }
            }

            /// Reads a machine name or a label (case and surrounding spaces ignored).
            pub fn parse(raw: &str) -> Result<Self, String> {
                let key = raw.trim().to_lowercase();
                Self::ALL
                    .iter()
                    .copied()
                    .find(|value| value.as_str() == key || value.label().to_lowercase() == key)
                    .ok_or_else(|| {
                        let choices: Vec<&str> = Self::ALL.iter().map(|v| v.label()).collect();
                        format!(
                            "\"{}\" is not {}; choose one of: {}.",
                            raw.trim(),
                            $what,
                            choices.join(", ")
                        )
                    })
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for &'static str {
            fn from(value: $name) -> Self {
                value.as_str()
            }
        }
    };
}

labelled_enum!(
    /// What kind of organisation a tenant is.
    TenantKind, "a kind of organisation",
    {
        University => "university", "University";
        ResearchInstitute => "research_institute", "Research institute";
        PublicBody => "public_body", "Public body";
        Company => "company", "Company";
    }
);

labelled_enum!(
    /// The sector a tenant or a request works in.
    Sector, "a sector",
    {
        Health => "health", "Health";
        Mobility => "mobility", "Mobility";
        Energy => "energy", "Energy";
        Finance => "finance", "Finance";
        Industry => "industry", "Industry";
        Research => "research", "Research";
        Education => "education", "Education";
        Other => "other", "Other";
    }
);

// ---------------------------------------------------------------------------------------------
// Registration id
// ---------------------------------------------------------------------------------------------

/// Which register a [`RegistrationId`] belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RegistrationKind {
    /// French company number, 9 digits.
    Siren,
    /// French establishment number, 14 digits (SIREN + 5-digit NIC).
    Siret,
    /// EU VAT number of a member state other than France, stored with its prefix.
    EuVat,
    /// A registration number of a country outside the EU, checked loosely.
    Other,
}

/// A tenant's registration id, checked against its legal country:
/// SIREN or SIRET for France, the EU VAT number for another member state,
/// 3 to 40 letters, digits, spaces and `- / .` for any other country.
///
/// Serialised as `{"country": "FR", "value": "73282932000074"}` (see [`RegistrationIdParts`])
/// and checked again when read back.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(try_from = "RegistrationIdParts", into = "RegistrationIdParts")]
pub struct RegistrationId {
    country: String,
    kind: RegistrationKind,
    value: String,
}

/// The stored form of a [`RegistrationId`]: its country and its compact value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RegistrationIdParts {
    /// Two-letter country code, e.g. "FR".
    pub country: String,
    /// The id without spaces (VAT numbers with their prefix).
    pub value: String,
}

impl RegistrationId {
    /// Reads an id as typed, for an organisation whose legal country is `country`
    /// (a two-letter code; "GR" and "EL" both mean Greece).
    pub fn parse(country: &str, raw: &str) -> Result<Self, String> {
        let country = parse_country(country)?;
        let (kind, value) = if country == "FR" {
            parse_french(raw)?
        } else if let Some(format) = vat_format(&country) {
            (RegistrationKind::EuVat, parse_vat(format, raw)?)
        } else {
            (RegistrationKind::Other, parse_other(raw)?)
        };
        Ok(Self {
            country,
            kind,
            value,
        })
    }

    /// The legal country as an upper-case ISO code (Greece is "GR").
    pub fn country(&self) -> &str {
        &self.country
    }

    /// Which register the id belongs to.
    pub fn kind(&self) -> RegistrationKind {
        self.kind
    }

    /// The compact id: digits only for a SIREN/SIRET, prefix and body for a VAT number.
    pub fn as_str(&self) -> &str {
        &self.value
    }

    /// The SIREN of a French id (the whole id, or the first 9 digits of a SIRET).
    pub fn siren(&self) -> Option<&str> {
        match self.kind {
            RegistrationKind::Siren | RegistrationKind::Siret => self.value.get(..9),
            RegistrationKind::EuVat | RegistrationKind::Other => None,
        }
    }
}

impl fmt::Display for RegistrationId {
    /// SIREN and SIRET are grouped as on French documents ("732 829 320 00074"); others compact.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.kind {
            RegistrationKind::Siren | RegistrationKind::Siret => {
                f.write_str(&group_french(&self.value))
            }
            RegistrationKind::EuVat | RegistrationKind::Other => f.write_str(&self.value),
        }
    }
}

impl TryFrom<RegistrationIdParts> for RegistrationId {
    type Error = String;

    fn try_from(parts: RegistrationIdParts) -> Result<Self, Self::Error> {
        Self::parse(&parts.country, &parts.value)
    }
}

impl From<RegistrationId> for RegistrationIdParts {
    fn from(id: RegistrationId) -> Self {
        Self {
            country: id.country,
            value: id.value,
        }
    }
}

fn parse_country(raw: &str) -> Result<String, String> {
    let code = raw.trim().to_ascii_uppercase();
    if code.len() != 2 || !code.bytes().all(|b| b.is_ascii_uppercase()) {
        return Err("The country must be a two-letter code such as FR or DE.".to_owned());
    }
    Ok(if code == "EL" { "GR".to_owned() } else { code })
}

// --- France: SIREN / SIRET ---------------------------------------------------------------------

/// La Poste's SIREN: its establishments' SIRETs are numbered beyond what the Luhn key allows,
/// so INSEE checks them by "the sum of the digits is a multiple of 5" instead.
const LA_POSTE_SIREN: &str = "356000000";

fn parse_french(raw: &str) -> Result<(RegistrationKind, String), String> {
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Err("Please enter the SIREN (9 digits) or the SIRET (14 digits).".to_owned());
    }
    if let Some(c) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(non_digit_message(&digits, c));
    }
    match digits.len() {
        9 => check_siren(&digits).map(|()| (RegistrationKind::Siren, digits)),
        14 => check_siret(&digits).map(|()| (RegistrationKind::Siret, digits)),
        n => Err(format!(
            "A SIREN has 9 digits and a SIRET 14; this number has {n}."
        )),
    }
}

fn non_digit_message(input: &str, c: char) -> String {
    if input.to_ascii_uppercase().starts_with("FR") {
        "This looks like a VAT number: for a French organisation, please enter its SIREN \
         (9 digits) or SIRET (14 digits)."
            .to_owned()
    } else {
        format!("A SIREN or SIRET has only digits; \"{c}\" is not one.")
    }
}

fn check_siren(siren: &str) -> Result<(), String> {
    if luhn_valid(siren) {
        Ok(())
    } else {
        Err(check_digit_message("SIREN", siren))
    }
}

fn check_siret(siret: &str) -> Result<(), String> {
    let siren = &siret[..9];
    let key_ok =
        luhn_valid(siret) || (siren == LA_POSTE_SIREN && digit_sum(siret).is_multiple_of(5));
    if !key_ok {
        return Err(check_digit_message("SIRET", siret));
    }
    if !luhn_valid(siren) {
        return Err(format!(
            "The SIRET {} starts with the SIREN {}, which fails its check digit: please check \
             for a typo.",
            group_french(siret),
            group_french(siren)
        ));
    }
    Ok(())
}

fn check_digit_message(name: &str, digits: &str) -> String {
    format!(
        "The {name} {} fails its check digit: please check for a typo.",
        group_french(digits)
    )
}

/// "732829320" → "732 829 320"; a SIRET gets its 5-digit NIC as a fourth group.
fn group_french(digits: &str) -> String {
    let (siren, nic) = digits.split_at(digits.len().min(9));
    let mut grouped: Vec<&str> = siren
        .as_bytes()
        .chunks(3)
        .filter_map(|chunk| std::str::from_utf8(chunk).ok())
        .collect();
    if !nic.is_empty() {
        grouped.push(nic);
    }
    grouped.join(" ")
}

/// The Luhn key: from the right, double every second digit (taking 9 off results above 9);
/// the total must be a multiple of 10. `digits` holds ASCII digits only.
fn luhn_valid(digits: &str) -> bool {
    let total: u32 = digits
        .bytes()
        .rev()
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(i, d)| match (i % 2 == 1, d * 2) {
            (false, _) => d,
            (true, doubled) if doubled > 9 => doubled - 9,
            (true, doubled) => doubled,
        })
        .sum();
    total.is_multiple_of(10)
}

fn digit_sum(digits: &str) -> u32 {
    digits.bytes().map(|b| u32::from(b - b'0')).sum()
}

// --- Other EU member states: VAT number format -------------------------------------------------

use Shape::{Digits, Pattern};

/// One admissible shape of a VAT number's body (after the prefix).
enum Shape {
    /// Between `min` and `max` digits.
    Digits(usize, usize),
    /// One character per position: `d` a digit, `L` a letter, `x` either, anything else itself.
    Pattern(&'static str),
}

/// The VAT number format of one member state.
struct VatFormat {
    country: &'static str,
    prefix: &'static str,
    adjective: &'static str,
    description: &'static str,
    shapes: &'static [Shape],
}

/// The VAT number formats of the EU member states other than France (which uses SIREN/SIRET):
/// country, VAT prefix, adjective, format in words, admissible shapes of the body.
#[rustfmt::skip]
const VAT_FORMATS: &[VatFormat] = &[
    vat("AT", "AT", "Austrian", "ATU followed by 8 digits", &[Pattern("Udddddddd")]),
    vat("BE", "BE", "Belgian", "BE followed by 10 digits, the first being 0 or 1",
        &[Pattern("0ddddddddd"), Pattern("1ddddddddd")]),
    vat("BG", "BG", "Bulgarian", "BG followed by 9 or 10 digits", &[Digits(9, 10)]),
    vat("CY", "CY", "Cypriot", "CY followed by 8 digits and a letter", &[Pattern("ddddddddL")]),
    vat("CZ", "CZ", "Czech", "CZ followed by 8 to 10 digits", &[Digits(8, 10)]),
    vat("DE", "DE", "German", "DE followed by 9 digits", &[Digits(9, 9)]),
    vat("DK", "DK", "Danish", "DK followed by 8 digits", &[Digits(8, 8)]),
    vat("EE", "EE", "Estonian", "EE followed by 9 digits", &[Digits(9, 9)]),
    vat("ES", "ES", "Spanish",
        "ES followed by 9 characters: a letter or digit, 7 digits, then a letter or digit, \
         with at least one letter",
        &[Pattern("Ldddddddx"), Pattern("ddddddddL")]),
    vat("FI", "FI", "Finnish", "FI followed by 8 digits", &[Digits(8, 8)]),
    vat("GR", "EL", "Greek", "EL followed by 9 digits", &[Digits(9, 9)]),
    vat("HR", "HR", "Croatian", "HR followed by 11 digits", &[Digits(11, 11)]),
    vat("HU", "HU", "Hungarian", "HU followed by 8 digits", &[Digits(8, 8)]),
    vat("IE", "IE", "Irish",
        "IE followed by 7 digits and one or two letters (older numbers: a digit, a letter, \
         + or *, 5 digits and a letter)",
        &[Pattern("dddddddL"), Pattern("dddddddLL"),
          Pattern("dLdddddL"), Pattern("d+dddddL"), Pattern("d*dddddL")]),
    vat("IT", "IT", "Italian", "IT followed by 11 digits", &[Digits(11, 11)]),
    vat("LT", "LT", "Lithuanian", "LT followed by 9 or 12 digits", &[Digits(9, 9), Digits(12, 12)]),
    vat("LU", "LU", "Luxembourgish", "LU followed by 8 digits", &[Digits(8, 8)]),
    vat("LV", "LV", "Latvian", "LV followed by 11 digits", &[Digits(11, 11)]),
    vat("MT", "MT", "Maltese", "MT followed by 8 digits", &[Digits(8, 8)]),
    vat("NL", "NL", "Dutch", "NL followed by 9 digits, the letter B and 2 digits",
        &[Pattern("dddddddddBdd")]),
    vat("PL", "PL", "Polish", "PL followed by 10 digits", &[Digits(10, 10)]),
    vat("PT", "PT", "Portuguese", "PT followed by 9 digits", &[Digits(9, 9)]),
    vat("RO", "RO", "Romanian", "RO followed by 2 to 10 digits", &[Digits(2, 10)]),
    vat("SE", "SE", "Swedish", "SE followed by 12 digits ending in 01", &[Pattern("dddddddddd01")]),
    vat("SI", "SI", "Slovenian", "SI followed by 8 digits", &[Digits(8, 8)]),
    vat("SK", "SK", "Slovak", "SK followed by 10 digits", &[Digits(10, 10)]),
];

const fn vat(
    country: &'static str,
    prefix: &'static str,
    adjective: &'static str,
    description: &'static str,
    shapes: &'static [Shape],
) -> VatFormat {
    VatFormat {
        country,
        prefix,
        adjective,
        description,
        shapes,
    }
}

fn vat_format(country: &str) -> Option<&'static VatFormat> {
    VAT_FORMATS.iter().find(|format| format.country == country)
}

fn parse_vat(format: &VatFormat, raw: &str) -> Result<String, String> {
    let compact: String = raw
        .chars()
        .filter(|c| !c.is_whitespace() && !matches!(c, '.' | '-'))
        .collect::<String>()
        .to_ascii_uppercase();
    if compact.is_empty() {
        return Err(format!(
            "Please enter the VAT number: {}.",
            format.description
        ));
    }
    let body = strip_prefix(format, &compact)?;
    if format.shapes.iter().any(|shape| shape_matches(shape, body)) {
        Ok(format!("{}{body}", format.prefix))
    } else {
        Err(format!(
            "The VAT number {}{body} does not have the {} format: {}.",
            format.prefix, format.adjective, format.description
        ))
    }
}

/// Removes the country prefix if present. No body starts with two letters, so two leading
/// letters are always a prefix: the wrong one is an error ("GR" is taken for Greece's "EL").
fn strip_prefix<'a>(format: &VatFormat, compact: &'a str) -> Result<&'a str, String> {
    let lead = compact.get(..2).unwrap_or_default();
    if !(lead.len() == 2 && lead.bytes().all(|b| b.is_ascii_alphabetic())) {
        return Ok(compact);
    }
    if lead == format.prefix || lead == format.country {
        return Ok(&compact[2..]);
    }
    Err(format!(
        "This VAT number starts with {lead}, but {} VAT numbers start with {}: please check \
         the number or the organisation's country.",
        format.adjective, format.prefix
    ))
}

fn shape_matches(shape: &Shape, body: &str) -> bool {
    match shape {
        Digits(min, max) => {
            (*min..=*max).contains(&body.len()) && body.bytes().all(|b| b.is_ascii_digit())
        }
        Pattern(pattern) => {
            pattern.len() == body.len()
                && pattern
                    .bytes()
                    .zip(body.bytes())
                    .all(|(p, b)| pattern_byte_matches(p, b))
        }
    }
}

fn pattern_byte_matches(pattern: u8, byte: u8) -> bool {
    match pattern {
        b'd' => byte.is_ascii_digit(),
        b'L' => byte.is_ascii_uppercase(),
        b'x' => byte.is_ascii_digit() || byte.is_ascii_uppercase(),
        literal => byte == literal,
    }
}

// --- Any other country -------------------------------------------------------------------------

fn parse_other(raw: &str) -> Result<String, String> {
    let value = raw.split_whitespace().collect::<Vec<_>>().join(" ");
    let chars = value.chars().count();
    if chars == 0 {
        return Err("Please enter the registration number.".to_owned());
    }
    if let Some(c) = value
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !matches!(c, '-' | '/' | '.' | ' '))
    {
        return Err(format!(
            "The character \"{c}\" is not allowed in a registration number: use letters, \
             digits, spaces and - / . only."
        ));
    }
    if !value.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err("A registration number needs at least one letter or digit.".to_owned());
    }
    if chars < 3 {
        return Err("A registration number needs at least 3 characters.".to_owned());
    }
    if chars > 40 {
        return Err(format!(
            "A registration number can have at most 40 characters; this one has {chars}."
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests {
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
            "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "GR", "HR", "HU", "IE",
            "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
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
            let id = RegistrationId::parse(country, raw)
                .unwrap_or_else(|e| panic!("{country} {raw}: {e}"));
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
}
