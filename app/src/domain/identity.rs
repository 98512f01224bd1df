//! Who a tenant is: `PersonName`, `OrganisationName`, `TenantKind`, `Sector` and
//! `RegistrationId` (SIREN/SIRET in France, the EU VAT number elsewhere in the EU,
//! a loosely checked registration number beyond).

use std::fmt;

use serde::{Deserialize, Serialize};

use super::format::fill;
use crate::i18n::td_string;

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
        bounded_text(raw, 1, 100, Named::Person).map(Self)
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
        bounded_text(raw, 2, 200, Named::Organisation).map(Self)
    }

    /// The name, trimmed.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Whose name [`bounded_text`] checks, for its words.
#[derive(Clone, Copy)]
enum Named {
    Person,
    Organisation,
}

/// Trims `raw` and checks its length in characters and the absence of control characters.
fn bounded_text(raw: &str, min: usize, max: usize, what: Named) -> Result<String, String> {
    let locale = crate::locale::current();
    let (missing, too_short, too_long, control) = match what {
        Named::Person => (
            td_string!(locale, validation.person_name_missing),
            td_string!(locale, validation.person_name_too_short),
            td_string!(locale, validation.person_name_too_long),
            td_string!(locale, validation.person_name_control),
        ),
        Named::Organisation => (
            td_string!(locale, validation.organisation_name_missing),
            td_string!(locale, validation.organisation_name_too_short),
            td_string!(locale, validation.organisation_name_too_long),
            td_string!(locale, validation.organisation_name_control),
        ),
    };
    let text = raw.trim();
    let chars = text.chars().count();
    if chars == 0 {
        return Err(missing.to_owned());
    }
    if chars < min {
        return Err(fill(too_short, &[("min", &min)]));
    }
    if chars > max {
        return Err(fill(too_long, &[("max", &max), ("chars", &chars)]));
    }
    if text.chars().any(char::is_control) {
        return Err(control.to_owned());
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
        $name:ident, $not_one:ident,
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
                        let locale = crate::locale::current();
                        let choices: Vec<&str> =
                            Self::ALL.iter().map(|v| v.label_in(locale)).collect();
                        fill(
                            td_string!(locale, validation.$not_one),
                            &[("raw", &raw.trim()), ("choices", &choices.join(", "))],
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
    TenantKind, not_a_tenant_kind,
    {
        University => "university", "University";
        ResearchInstitute => "research_institute", "Research institute";
        PublicBody => "public_body", "Public body";
        Company => "company", "Company";
    }
);

labelled_enum!(
    /// The sector a tenant or a request works in.
    Sector, not_a_sector,
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
        return Err(
            td_string!(crate::locale::current(), validation.registration_country).to_owned(),
        );
    }
    Ok(if code == "EL" { "GR".to_owned() } else { code })
}

// --- France: SIREN / SIRET ---------------------------------------------------------------------

/// La Poste's SIREN: its establishments' SIRETs are numbered beyond what the Luhn key allows,
/// so INSEE checks them by "the sum of the digits is a multiple of 5" instead.
const LA_POSTE_SIREN: &str = "356000000";

fn parse_french(raw: &str) -> Result<(RegistrationKind, String), String> {
    let locale = crate::locale::current();
    let digits: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if digits.is_empty() {
        return Err(td_string!(locale, validation.siren_missing).to_owned());
    }
    if let Some(c) = digits.chars().find(|c| !c.is_ascii_digit()) {
        return Err(non_digit_message(&digits, c));
    }
    match digits.len() {
        9 => check_siren(&digits).map(|()| (RegistrationKind::Siren, digits)),
        14 => check_siret(&digits).map(|()| (RegistrationKind::Siret, digits)),
        n => Err(fill(
            td_string!(locale, validation.siren_length),
            &[("n", &n)],
        )),
    }
}

fn non_digit_message(input: &str, c: char) -> String {
    let locale = crate::locale::current();
    if input.to_ascii_uppercase().starts_with("FR") {
        td_string!(locale, validation.siren_looks_like_vat).to_owned()
    } else {
        fill(td_string!(locale, validation.siren_not_digit), &[("c", &c)])
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
        return Err(fill(
            td_string!(crate::locale::current(), validation.siret_bad_siren),
            &[
                ("siret", &group_french(siret)),
                ("siren", &group_french(siren)),
            ],
        ));
    }
    Ok(())
}

fn check_digit_message(name: &str, digits: &str) -> String {
    fill(
        td_string!(crate::locale::current(), validation.check_digit_fails),
        &[("name", &name), ("digits", &group_french(digits))],
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
    shapes: &'static [Shape],
}

/// The VAT number formats of the EU member states other than France (which uses SIREN/SIRET):
/// country, VAT prefix, admissible shapes of the body. Their words (the adjective and the format
/// in words) are [`vat_words`].
#[rustfmt::skip]
const VAT_FORMATS: &[VatFormat] = &[
    vat("AT", "AT", &[Pattern("Udddddddd")]),
    vat("BE", "BE", &[Pattern("0ddddddddd"), Pattern("1ddddddddd")]),
    vat("BG", "BG", &[Digits(9, 10)]),
    vat("CY", "CY", &[Pattern("ddddddddL")]),
    vat("CZ", "CZ", &[Digits(8, 10)]),
    vat("DE", "DE", &[Digits(9, 9)]),
    vat("DK", "DK", &[Digits(8, 8)]),
    vat("EE", "EE", &[Digits(9, 9)]),
    vat("ES", "ES", &[Pattern("Ldddddddx"), Pattern("ddddddddL")]),
    vat("FI", "FI", &[Digits(8, 8)]),
    vat("GR", "EL", &[Digits(9, 9)]),
    vat("HR", "HR", &[Digits(11, 11)]),
    vat("HU", "HU", &[Digits(8, 8)]),
    vat("IE", "IE", &[Pattern("dddddddL"), Pattern("dddddddLL"),
          Pattern("dLdddddL"), Pattern("d+dddddL"), Pattern("d*dddddL")]),
    vat("IT", "IT", &[Digits(11, 11)]),
    vat("LT", "LT", &[Digits(9, 9), Digits(12, 12)]),
    vat("LU", "LU", &[Digits(8, 8)]),
    vat("LV", "LV", &[Digits(11, 11)]),
    vat("MT", "MT", &[Digits(8, 8)]),
    vat("NL", "NL", &[Pattern("dddddddddBdd")]),
    vat("PL", "PL", &[Digits(10, 10)]),
    vat("PT", "PT", &[Digits(9, 9)]),
    vat("RO", "RO", &[Digits(2, 10)]),
    vat("SE", "SE", &[Pattern("dddddddddd01")]),
    vat("SI", "SI", &[Digits(8, 8)]),
    vat("SK", "SK", &[Digits(10, 10)]),
];

const fn vat(country: &'static str, prefix: &'static str, shapes: &'static [Shape]) -> VatFormat {
    VatFormat {
        country,
        prefix,
        shapes,
    }
}

/// A member state's VAT number in words, in the language being written: its adjective
/// ("Austrian") and its format ("ATU followed by 8 digits").
fn vat_words(country: &str) -> (&'static str, &'static str) {
    let locale = crate::locale::current();
    macro_rules! words {
        ($($code:literal => $adjective:ident, $format:ident;)+) => {
            match country {
                $($code => (
                    td_string!(locale, validation.$adjective),
                    td_string!(locale, validation.$format),
                ),)+
                _ => ("", ""),
            }
        };
    }
    words! {
        "AT" => vat_adjective_at, vat_format_at;
        "BE" => vat_adjective_be, vat_format_be;
        "BG" => vat_adjective_bg, vat_format_bg;
        "CY" => vat_adjective_cy, vat_format_cy;
        "CZ" => vat_adjective_cz, vat_format_cz;
        "DE" => vat_adjective_de, vat_format_de;
        "DK" => vat_adjective_dk, vat_format_dk;
        "EE" => vat_adjective_ee, vat_format_ee;
        "ES" => vat_adjective_es, vat_format_es;
        "FI" => vat_adjective_fi, vat_format_fi;
        "GR" => vat_adjective_gr, vat_format_gr;
        "HR" => vat_adjective_hr, vat_format_hr;
        "HU" => vat_adjective_hu, vat_format_hu;
        "IE" => vat_adjective_ie, vat_format_ie;
        "IT" => vat_adjective_it, vat_format_it;
        "LT" => vat_adjective_lt, vat_format_lt;
        "LU" => vat_adjective_lu, vat_format_lu;
        "LV" => vat_adjective_lv, vat_format_lv;
        "MT" => vat_adjective_mt, vat_format_mt;
        "NL" => vat_adjective_nl, vat_format_nl;
        "PL" => vat_adjective_pl, vat_format_pl;
        "PT" => vat_adjective_pt, vat_format_pt;
        "RO" => vat_adjective_ro, vat_format_ro;
        "SE" => vat_adjective_se, vat_format_se;
        "SI" => vat_adjective_si, vat_format_si;
        "SK" => vat_adjective_sk, vat_format_sk;
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
    let locale = crate::locale::current();
    let (adjective, description) = vat_words(format.country);
    if compact.is_empty() {
        return Err(fill(
            td_string!(locale, validation.vat_missing),
            &[("description", &description)],
        ));
    }
    let body = strip_prefix(format, &compact)?;
    if format.shapes.iter().any(|shape| shape_matches(shape, body)) {
        Ok(format!("{}{body}", format.prefix))
    } else {
        Err(fill(
            td_string!(locale, validation.vat_bad_format),
            &[
                ("number", &format!("{}{body}", format.prefix)),
                ("adjective", &adjective),
                ("description", &description),
            ],
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
    Err(fill(
        td_string!(crate::locale::current(), validation.vat_wrong_prefix),
        &[
            ("lead", &lead),
            ("adjective", &vat_words(format.country).0),
            ("prefix", &format.prefix),
        ],
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
    let locale = crate::locale::current();
    if chars == 0 {
        return Err(td_string!(locale, validation.registration_missing).to_owned());
    }
    if let Some(c) = value
        .chars()
        .find(|c| !c.is_ascii_alphanumeric() && !matches!(c, '-' | '/' | '.' | ' '))
    {
        return Err(fill(
            td_string!(locale, validation.registration_bad_char),
            &[("c", &c)],
        ));
    }
    if !value.chars().any(|c| c.is_ascii_alphanumeric()) {
        return Err(td_string!(locale, validation.registration_no_alphanumeric).to_owned());
    }
    if chars < 3 {
        return Err(td_string!(locale, validation.registration_too_short).to_owned());
    }
    if chars > 40 {
        return Err(fill(
            td_string!(locale, validation.registration_too_long),
            &[("chars", &chars)],
        ));
    }
    Ok(value)
}

#[cfg(test)]
mod tests;
