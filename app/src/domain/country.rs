//! Countries, as ISO 3166-1 alpha-2 codes.
//!
//! [`CountryCode`] is the only way the domain names a country: a tenant's legal country, a site's country,
//! an operator's offices, a shareholder's country and the administration locations of a site
//! (see the residency rules in `residency.rs`). It can only hold a code from the official ISO 3166-1
//! alpha-2 list, kept here as [`ALL_COUNTRIES`], so every code in the system has an English name to show.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::domain::format::fill;
use crate::i18n::td_string;

// The country's words in each language: its name (`name_in`), and in a sentence
// (`name_in_sentence_in`, `located_in`).
mod sentences;
mod words;

/// Every officially assigned ISO 3166-1 alpha-2 code with its English short name, sorted by code.
///
/// Names follow the ISO English short names, written in natural order ("Republic of Korea", not
/// "Korea, Republic of") so that they read well in a sentence and in a drop-down.
pub const ALL_COUNTRIES: &[(&str, &str)] = &[
    ("AD", "Andorra"),
    ("AE", "United Arab Emirates"),
    ("AF", "Afghanistan"),
    ("AG", "Antigua and Barbuda"),
    ("AI", "Anguilla"),
    ("AL", "Albania"),
    ("AM", "Armenia"),
    ("AO", "Angola"),
    ("AQ", "Antarctica"),
    ("AR", "Argentina"),
    ("AS", "American Samoa"),
    ("AT", "Austria"),
    ("AU", "Australia"),
    ("AW", "Aruba"),
    ("AX", "Åland Islands"),
    ("AZ", "Azerbaijan"),
    ("BA", "Bosnia and Herzegovina"),
    ("BB", "Barbados"),
    ("BD", "Bangladesh"),
    ("BE", "Belgium"),
    ("BF", "Burkina Faso"),
    ("BG", "Bulgaria"),
    ("BH", "Bahrain"),
    ("BI", "Burundi"),
    ("BJ", "Benin"),
    ("BL", "Saint Barthélemy"),
    ("BM", "Bermuda"),
    ("BN", "Brunei Darussalam"),
    ("BO", "Bolivia"),
    ("BQ", "Bonaire, Sint Eustatius and Saba"),
    ("BR", "Brazil"),
    ("BS", "Bahamas"),
    ("BT", "Bhutan"),
    ("BV", "Bouvet Island"),
    ("BW", "Botswana"),
    ("BY", "Belarus"),
    ("BZ", "Belize"),
    ("CA", "Canada"),
    ("CC", "Cocos (Keeling) Islands"),
    ("CD", "Democratic Republic of the Congo"),
    ("CF", "Central African Republic"),
    ("CG", "Congo"),
    ("CH", "Switzerland"),
    ("CI", "Côte d'Ivoire"),
    ("CK", "Cook Islands"),
    ("CL", "Chile"),
    ("CM", "Cameroon"),
    ("CN", "China"),
    ("CO", "Colombia"),
    ("CR", "Costa Rica"),
    ("CU", "Cuba"),
    ("CV", "Cabo Verde"),
    ("CW", "Curaçao"),
    ("CX", "Christmas Island"),
    ("CY", "Cyprus"),
    ("CZ", "Czechia"),
    ("DE", "Germany"),
    ("DJ", "Djibouti"),
    ("DK", "Denmark"),
    ("DM", "Dominica"),
    ("DO", "Dominican Republic"),
    ("DZ", "Algeria"),
    ("EC", "Ecuador"),
    ("EE", "Estonia"),
    ("EG", "Egypt"),
    ("EH", "Western Sahara"),
    ("ER", "Eritrea"),
    ("ES", "Spain"),
    ("ET", "Ethiopia"),
    ("FI", "Finland"),
    ("FJ", "Fiji"),
    ("FK", "Falkland Islands (Malvinas)"),
    ("FM", "Micronesia"),
    ("FO", "Faroe Islands"),
    ("FR", "France"),
    ("GA", "Gabon"),
    ("GB", "United Kingdom"),
    ("GD", "Grenada"),
    ("GE", "Georgia"),
    ("GF", "French Guiana"),
    ("GG", "Guernsey"),
    ("GH", "Ghana"),
    ("GI", "Gibraltar"),
    ("GL", "Greenland"),
    ("GM", "Gambia"),
    ("GN", "Guinea"),
    ("GP", "Guadeloupe"),
    ("GQ", "Equatorial Guinea"),
    ("GR", "Greece"),
    ("GS", "South Georgia and the South Sandwich Islands"),
    ("GT", "Guatemala"),
    ("GU", "Guam"),
    ("GW", "Guinea-Bissau"),
    ("GY", "Guyana"),
    ("HK", "Hong Kong"),
    ("HM", "Heard Island and McDonald Islands"),
    ("HN", "Honduras"),
    ("HR", "Croatia"),
    ("HT", "Haiti"),
    ("HU", "Hungary"),
    ("ID", "Indonesia"),
    ("IE", "Ireland"),
    ("IL", "Israel"),
    ("IM", "Isle of Man"),
    ("IN", "India"),
    ("IO", "British Indian Ocean Territory"),
    ("IQ", "Iraq"),
    ("IR", "Iran"),
    ("IS", "Iceland"),
    ("IT", "Italy"),
    ("JE", "Jersey"),
    ("JM", "Jamaica"),
    ("JO", "Jordan"),
    ("JP", "Japan"),
    ("KE", "Kenya"),
    ("KG", "Kyrgyzstan"),
    ("KH", "Cambodia"),
    ("KI", "Kiribati"),
    ("KM", "Comoros"),
    ("KN", "Saint Kitts and Nevis"),
    ("KP", "Democratic People's Republic of Korea"),
    ("KR", "Republic of Korea"),
    ("KW", "Kuwait"),
    ("KY", "Cayman Islands"),
    ("KZ", "Kazakhstan"),
    ("LA", "Lao People's Democratic Republic"),
    ("LB", "Lebanon"),
    ("LC", "Saint Lucia"),
    ("LI", "Liechtenstein"),
    ("LK", "Sri Lanka"),
    ("LR", "Liberia"),
    ("LS", "Lesotho"),
    ("LT", "Lithuania"),
    ("LU", "Luxembourg"),
    ("LV", "Latvia"),
    ("LY", "Libya"),
    ("MA", "Morocco"),
    ("MC", "Monaco"),
    ("MD", "Moldova"),
    ("ME", "Montenegro"),
    ("MF", "Saint Martin (French part)"),
    ("MG", "Madagascar"),
    ("MH", "Marshall Islands"),
    ("MK", "North Macedonia"),
    ("ML", "Mali"),
    ("MM", "Myanmar"),
    ("MN", "Mongolia"),
    ("MO", "Macao"),
    ("MP", "Northern Mariana Islands"),
    ("MQ", "Martinique"),
    ("MR", "Mauritania"),
    ("MS", "Montserrat"),
    ("MT", "Malta"),
    ("MU", "Mauritius"),
    ("MV", "Maldives"),
    ("MW", "Malawi"),
    ("MX", "Mexico"),
    ("MY", "Malaysia"),
    ("MZ", "Mozambique"),
    ("NA", "Namibia"),
    ("NC", "New Caledonia"),
    ("NE", "Niger"),
    ("NF", "Norfolk Island"),
    ("NG", "Nigeria"),
    ("NI", "Nicaragua"),
    ("NL", "Netherlands"),
    ("NO", "Norway"),
    ("NP", "Nepal"),
    ("NR", "Nauru"),
    ("NU", "Niue"),
    ("NZ", "New Zealand"),
    ("OM", "Oman"),
    ("PA", "Panama"),
    ("PE", "Peru"),
    ("PF", "French Polynesia"),
    ("PG", "Papua New Guinea"),
    ("PH", "Philippines"),
    ("PK", "Pakistan"),
    ("PL", "Poland"),
    ("PM", "Saint Pierre and Miquelon"),
    ("PN", "Pitcairn"),
    ("PR", "Puerto Rico"),
    ("PS", "State of Palestine"),
    ("PT", "Portugal"),
    ("PW", "Palau"),
    ("PY", "Paraguay"),
    ("QA", "Qatar"),
    ("RE", "Réunion"),
    ("RO", "Romania"),
    ("RS", "Serbia"),
    ("RU", "Russian Federation"),
    ("RW", "Rwanda"),
    ("SA", "Saudi Arabia"),
    ("SB", "Solomon Islands"),
    ("SC", "Seychelles"),
    ("SD", "Sudan"),
    ("SE", "Sweden"),
    ("SG", "Singapore"),
    ("SH", "Saint Helena, Ascension and Tristan da Cunha"),
    ("SI", "Slovenia"),
    ("SJ", "Svalbard and Jan Mayen"),
    ("SK", "Slovakia"),
    ("SL", "Sierra Leone"),
    ("SM", "San Marino"),
    ("SN", "Senegal"),
    ("SO", "Somalia"),
    ("SR", "Suriname"),
    ("SS", "South Sudan"),
    ("ST", "Sao Tome and Principe"),
    ("SV", "El Salvador"),
    ("SX", "Sint Maarten (Dutch part)"),
    ("SY", "Syrian Arab Republic"),
    ("SZ", "Eswatini"),
    ("TC", "Turks and Caicos Islands"),
    ("TD", "Chad"),
    ("TF", "French Southern Territories"),
    ("TG", "Togo"),
    ("TH", "Thailand"),
    ("TJ", "Tajikistan"),
    ("TK", "Tokelau"),
    ("TL", "Timor-Leste"),
    ("TM", "Turkmenistan"),
    ("TN", "Tunisia"),
    ("TO", "Tonga"),
    ("TR", "Türkiye"),
    ("TT", "Trinidad and Tobago"),
    ("TV", "Tuvalu"),
    ("TW", "Taiwan"),
    ("TZ", "Tanzania"),
    ("UA", "Ukraine"),
    ("UG", "Uganda"),
    ("UM", "United States Minor Outlying Islands"),
    ("US", "United States"),
    ("UY", "Uruguay"),
    ("UZ", "Uzbekistan"),
    ("VA", "Holy See"),
    ("VC", "Saint Vincent and the Grenadines"),
    ("VE", "Venezuela"),
    ("VG", "British Virgin Islands"),
    ("VI", "United States Virgin Islands"),
    ("VN", "Viet Nam"),
    ("VU", "Vanuatu"),
    ("WF", "Wallis and Futuna"),
    ("WS", "Samoa"),
    ("YE", "Yemen"),
    ("YT", "Mayotte"),
    ("ZA", "South Africa"),
    ("ZM", "Zambia"),
    ("ZW", "Zimbabwe"),
];

/// Codes whose English name takes "the" inside a sentence ("hosted in the United States").
const NAMES_WITH_ARTICLE: &[&str] = &[
    "AE", "BS", "CC", "CD", "CF", "CG", "CK", "DO", "FK", "FO", "GB", "GM", "IM", "IO", "KM", "KP",
    "KR", "KY", "LA", "MH", "MP", "MV", "NL", "PH", "PS", "RU", "SB", "SY", "TC", "TF", "UM", "US",
    "VA", "VG", "VI",
];

/// An ISO 3166-1 alpha-2 country code, such as `FR`.
///
/// It can only be built from a code of the official list ([`ALL_COUNTRIES`]); it orders, compares and
/// hashes like its two letters and (de)serialises as the plain upper-case string `"FR"`.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CountryCode(
    /// Index into [`ALL_COUNTRIES`]; the list is sorted by code, so ordering by index orders by code.
    u8,
);

impl CountryCode {
    /// Reads a code typed by a person: surrounding spaces are ignored and lower case is accepted.
    ///
    /// The error is a sentence to show as it is, e.g. "“XX” is not an ISO 3166-1 country code."
    pub fn parse(input: &str) -> Result<Self, String> {
        let text = input.trim();
        if text.is_empty() {
            return Err(td_string!(crate::locale::current(), countries.code_empty).to_string());
        }
        let code = text.to_ascii_uppercase();
        match ALL_COUNTRIES.binary_search_by(|(known, _)| (*known).cmp(code.as_str())) {
            Ok(index) => Ok(Self(
                u8::try_from(index).expect("the ISO list has fewer than 256 entries"),
            )),
            Err(_) => Err(unknown_code_message(text, &code)),
        }
    }

    /// The two upper-case letters, e.g. `"FR"`.
    pub fn as_str(self) -> &'static str {
        ALL_COUNTRIES[usize::from(self.0)].0
    }

    /// The English short name, e.g. `"France"`.
    pub fn name(self) -> &'static str {
        ALL_COUNTRIES[usize::from(self.0)].1
    }

    /// The English name as it reads inside a sentence: "the United States", but "France".
    pub fn name_in_sentence(self) -> String {
        if NAMES_WITH_ARTICLE.contains(&self.as_str()) {
            format!("the {}", self.name())
        } else {
            self.name().to_string()
        }
    }
}

fn unknown_code_message(text: &str, upper: &str) -> String {
    let locale = crate::locale::current();
    let template = match upper {
        "UK" => td_string!(locale, countries.code_uk),
        "EL" => td_string!(locale, countries.code_el),
        _ if upper.len() != 2 || !upper.bytes().all(|b| b.is_ascii_uppercase()) => {
            td_string!(locale, countries.code_not_two_letters)
        }
        _ => td_string!(locale, countries.code_unknown),
    };
    fill(template, &[("input", &text)])
}

impl fmt::Display for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl fmt::Debug for CountryCode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("CountryCode").field(&self.as_str()).finish()
    }
}

impl std::str::FromStr for CountryCode {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for CountryCode {
    type Error = String;

    fn try_from(value: String) -> Result<Self, Self::Error> {
        Self::parse(&value)
    }
}

impl TryFrom<&str> for CountryCode {
    type Error = String;

    fn try_from(value: &str) -> Result<Self, Self::Error> {
        Self::parse(value)
    }
}

impl From<CountryCode> for String {
    fn from(code: CountryCode) -> Self {
        code.as_str().to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_list_holds_the_249_official_codes_sorted_and_unique() {
        assert_eq!(ALL_COUNTRIES.len(), 249);
        for pair in ALL_COUNTRIES.windows(2) {
            assert!(
                pair[0].0 < pair[1].0,
                "{} must come before {}",
                pair[0].0,
                pair[1].0
            );
        }
        for (code, name) in ALL_COUNTRIES {
            assert_eq!(code.len(), 2);
            assert!(code.bytes().all(|b| b.is_ascii_uppercase()));
            assert!(!name.is_empty());
        }
    }

    #[test]
    fn every_listed_code_parses_back_to_itself_with_its_name() {
        for (code, name) in ALL_COUNTRIES {
            let parsed = CountryCode::parse(code).unwrap();
            assert_eq!(parsed.as_str(), *code);
            assert_eq!(parsed.name(), *name);
        }
    }

    #[test]
    fn parsing_trims_and_accepts_lower_case() {
        let fr = CountryCode::parse("  fr ").unwrap();
        assert_eq!(fr.as_str(), "FR");
        assert_eq!(fr.name(), "France");
        assert_eq!(fr.to_string(), "FR");
        assert_eq!(
            CountryCode::parse("Ae").unwrap().name(),
            "United Arab Emirates"
        );
    }

    #[test]
    fn unknown_codes_are_rejected_with_a_readable_sentence() {
        let cases = [
            ("XX", "“XX” is not an ISO 3166-1 country code."),
            ("UK", "“UK” is not an ISO 3166-1 country code; the United Kingdom is GB."),
            ("el", "“el” is not an ISO 3166-1 country code; Greece is GR."),
            (
                "France",
                "“France” is not an ISO 3166-1 country code; use the two-letter code, e.g. FR for France.",
            ),
            ("", "Enter a two-letter ISO 3166-1 country code, e.g. FR for France."),
            ("   ", "Enter a two-letter ISO 3166-1 country code, e.g. FR for France."),
        ];
        for (input, message) in cases {
            assert_eq!(
                CountryCode::parse(input).unwrap_err(),
                message,
                "input {input:?}"
            );
        }
    }

    #[test]
    fn codes_order_alphabetically() {
        let at = CountryCode::parse("AT").unwrap();
        let fr = CountryCode::parse("FR").unwrap();
        let us = CountryCode::parse("US").unwrap();
        assert!(at < fr && fr < us);
    }

    #[test]
    fn names_in_a_sentence_take_an_article_where_english_needs_one() {
        assert_eq!(
            CountryCode::parse("US").unwrap().name_in_sentence(),
            "the United States"
        );
        assert_eq!(
            CountryCode::parse("AE").unwrap().name_in_sentence(),
            "the United Arab Emirates"
        );
        assert_eq!(
            CountryCode::parse("FR").unwrap().name_in_sentence(),
            "France"
        );
        for code in NAMES_WITH_ARTICLE {
            assert!(
                CountryCode::parse(code).is_ok(),
                "{code} must be an ISO code"
            );
        }
    }

    #[test]
    fn it_converts_to_and_from_a_plain_string_as_serde_does() {
        let de = CountryCode::try_from("de".to_string()).unwrap();
        assert_eq!(String::from(de), "DE");
        assert!(CountryCode::try_from("ZZ".to_string()).is_err());
        assert_eq!(format!("{de:?}"), "CountryCode(\"DE\")");
    }

    #[test]
    fn serde_reads_a_plain_string_and_rejects_unknown_codes() {
        use serde::de::{value::Error, IntoDeserializer};
        let read = |text: &'static str| -> Result<CountryCode, Error> {
            CountryCode::deserialize(text.into_deserializer())
        };
        assert_eq!(read("fr").unwrap().as_str(), "FR");
        assert!(read("XX")
            .unwrap_err()
            .to_string()
            .contains("not an ISO 3166-1 country code"));
    }
}
