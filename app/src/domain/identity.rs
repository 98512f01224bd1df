//! Who a tenant is: `PersonName`, `OrganisationName`, `TenantKind`, `Sector` and
//! `RegistrationId` (SIREN/SIRET in France, the EU VAT number elsewhere in the EU,
//! a loosely checked registration number beyond).

use super::capitalise;
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
mod tests;
