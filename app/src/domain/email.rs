//! `Email`: an e-mail address, trimmed, lower-cased and checked for a sane shape.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::format::fill;
use crate::i18n::td_string;

/// The longest address a mail system accepts (RFC 5321 path limit less the brackets).
const MAX_CHARS: usize = 254;
/// The longest part before the `@` (RFC 5321).
const MAX_LOCAL_CHARS: usize = 64;
/// The longest label of a domain name (RFC 1035).
const MAX_LABEL_CHARS: usize = 63;
/// The characters besides letters and digits allowed before the `@` (RFC 5322 "atext").
const LOCAL_SYMBOLS: &str = "!#$%&'*+/=?^_`{|}~-.";

/// An e-mail address: trimmed, lower-cased, exactly one `@`, a dot-separated name before it
/// and a domain of at least two labels after it; at most 254 characters.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Email(String);

impl Email {
    /// Reads an address as a person typed it.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let address = raw.trim().to_lowercase();
        if address.is_empty() {
            return Err(td_string!(crate::locale::current(), validation.email_missing).to_owned());
        }
        if address.chars().count() > MAX_CHARS {
            return Err(fill(
                td_string!(crate::locale::current(), validation.email_too_long),
                &[("max", &MAX_CHARS)],
            ));
        }
        check_characters(&address)?;
        let (local, domain) = split_at_sign(&address)?;
        check_local_part(local)?;
        check_domain(domain)?;
        Ok(Self(address))
    }

    /// The whole address, lower-case.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The part after the `@`, e.g. `example.org`.
    pub fn domain(&self) -> &str {
        self.0.rsplit('@').next().unwrap_or_default()
    }
}

/// The language the messages are written in.
fn locale() -> crate::i18n::Locale {
    crate::locale::current()
}

/// A message without blanks, owned.
fn words(text: &str) -> String {
    text.to_owned()
}

fn check_characters(address: &str) -> Result<(), String> {
    match address
        .chars()
        .find(|c| c.is_whitespace() || c.is_control())
    {
        Some(c) if c.is_whitespace() => Err(words(td_string!(locale(), validation.email_spaces))),
        Some(_) => Err(words(td_string!(locale(), validation.email_control))),
        None => Ok(()),
    }
}

fn split_at_sign(address: &str) -> Result<(&str, &str), String> {
    match address.matches('@').count() {
        0 => Err(words(td_string!(locale(), validation.email_no_at))),
        1 => Ok(address.split_once('@').unwrap_or_default()),
        _ => Err(words(td_string!(locale(), validation.email_many_at))),
    }
}

fn check_local_part(local: &str) -> Result<(), String> {
    if local.is_empty() {
        return Err(words(td_string!(locale(), validation.email_no_local)));
    }
    if local.chars().count() > MAX_LOCAL_CHARS {
        return Err(fill(
            td_string!(locale(), validation.email_local_too_long),
            &[("max", &MAX_LOCAL_CHARS)],
        ));
    }
    if let Some(c) = local
        .chars()
        .find(|c| !c.is_alphanumeric() && !LOCAL_SYMBOLS.contains(*c))
    {
        return Err(fill(
            td_string!(locale(), validation.email_local_bad_char),
            &[("c", &c)],
        ));
    }
    if local.starts_with('.') || local.ends_with('.') || local.contains("..") {
        return Err(words(td_string!(locale(), validation.email_local_dots)));
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<(), String> {
    if domain.is_empty() {
        return Err(words(td_string!(locale(), validation.email_no_domain)));
    }
    let labels: Vec<&str> = domain.split('.').collect();
    if labels.len() < 2 {
        return Err(fill(
            td_string!(locale(), validation.email_domain_no_dot),
            &[("domain", &domain)],
        ));
    }
    if labels.iter().any(|label| label.is_empty()) {
        return Err(fill(
            td_string!(locale(), validation.email_domain_dots),
            &[("domain", &domain)],
        ));
    }
    labels.iter().try_for_each(|label| check_label(label))?;
    check_top_level(labels.last().copied().unwrap_or_default())
}

fn check_label(label: &str) -> Result<(), String> {
    if label.chars().count() > MAX_LABEL_CHARS {
        return Err(fill(
            td_string!(locale(), validation.email_label_too_long),
            &[("max", &MAX_LABEL_CHARS)],
        ));
    }
    if let Some(c) = label.chars().find(|c| !c.is_alphanumeric() && *c != '-') {
        return Err(fill(
            td_string!(locale(), validation.email_domain_bad_char),
            &[("c", &c)],
        ));
    }
    if label.starts_with('-') || label.ends_with('-') {
        return Err(fill(
            td_string!(locale(), validation.email_label_hyphen),
            &[("label", &label)],
        ));
    }
    Ok(())
}

fn check_top_level(tld: &str) -> Result<(), String> {
    if tld.chars().count() < 2 || tld.chars().all(|c| c.is_ascii_digit()) {
        return Err(fill(
            td_string!(locale(), validation.email_bad_tld),
            &[("tld", &tld)],
        ));
    }
    Ok(())
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Email {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Email> for String {
    fn from(email: Email) -> Self {
        email.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::value::{Error as DeError, StringDeserializer};
    use serde::de::IntoDeserializer;

    fn deserialize(raw: &str) -> Result<Email, DeError> {
        let input: StringDeserializer<DeError> = raw.to_owned().into_deserializer();
        Email::deserialize(input)
    }

    #[test]
    fn a_plain_address_is_accepted() {
        let email = Email::parse("marie.curie@sorbonne-universite.fr").unwrap();
        assert_eq!(email.as_str(), "marie.curie@sorbonne-universite.fr");
        assert_eq!(email.domain(), "sorbonne-universite.fr");
    }

    #[test]
    fn an_address_is_trimmed_and_lower_cased() {
        let email = Email::parse("  Marie.Curie@Example.ORG \n").unwrap();
        assert_eq!(email.as_str(), "marie.curie@example.org");
        assert_eq!(email.to_string(), "marie.curie@example.org");
    }

    #[test]
    fn plus_tags_and_other_symbols_are_accepted_before_the_at() {
        assert!(Email::parse("first.last+gpu@example.org").is_ok());
        assert!(Email::parse("o'neil_j-k@example.co.uk").is_ok());
    }

    #[test]
    fn accented_letters_are_accepted() {
        let email = Email::parse("Élodie@école.fr").unwrap();
        assert_eq!(email.as_str(), "élodie@école.fr");
    }

    #[test]
    fn an_empty_address_is_rejected() {
        assert_eq!(
            Email::parse("   ").unwrap_err(),
            "Please enter an e-mail address."
        );
    }

    #[test]
    fn an_address_without_at_is_rejected() {
        assert!(Email::parse("marie.example.org")
            .unwrap_err()
            .contains("needs an @"));
    }

    #[test]
    fn an_address_with_two_at_signs_is_rejected() {
        assert!(Email::parse("a@b@example.org")
            .unwrap_err()
            .contains("only one @"));
    }

    #[test]
    fn an_address_with_a_space_inside_is_rejected() {
        assert!(Email::parse("marie curie@example.org")
            .unwrap_err()
            .contains("spaces"));
    }

    #[test]
    fn an_address_with_a_control_character_is_rejected() {
        assert!(Email::parse("marie\u{7}@example.org")
            .unwrap_err()
            .contains("control"));
    }

    #[test]
    fn an_empty_name_before_the_at_is_rejected() {
        assert!(Email::parse("@example.org")
            .unwrap_err()
            .contains("name before"));
    }

    #[test]
    fn a_name_of_64_characters_is_accepted_and_65_rejected() {
        let ok = format!("{}@example.org", "a".repeat(64));
        let too_long = format!("{}@example.org", "a".repeat(65));
        assert!(Email::parse(&ok).is_ok());
        assert!(Email::parse(&too_long).unwrap_err().contains("at most 64"));
    }

    #[test]
    fn dots_at_the_edges_or_doubled_before_the_at_are_rejected() {
        for bad in [
            ".marie@example.org",
            "marie.@example.org",
            "ma..rie@example.org",
        ] {
            assert!(Email::parse(bad).unwrap_err().contains("dot"), "{bad}");
        }
    }

    #[test]
    fn a_forbidden_character_before_the_at_is_named() {
        assert_eq!(
            Email::parse("marie(curie)@example.org").unwrap_err(),
            "The character \"(\" is not allowed before the @ of an e-mail address."
        );
    }

    #[test]
    fn a_missing_domain_is_rejected() {
        assert!(Email::parse("marie@")
            .unwrap_err()
            .contains("domain after the @"));
    }

    #[test]
    fn a_domain_without_a_dot_is_rejected() {
        assert!(Email::parse("marie@localhost")
            .unwrap_err()
            .contains("needs a dot"));
    }

    #[test]
    fn a_domain_with_an_empty_label_is_rejected() {
        for bad in [
            "marie@.example.org",
            "marie@example.org.",
            "marie@example..org",
        ] {
            assert!(Email::parse(bad).unwrap_err().contains("two dots"), "{bad}");
        }
    }

    #[test]
    fn a_domain_label_with_a_hyphen_at_an_edge_is_rejected() {
        assert!(Email::parse("marie@-example.org")
            .unwrap_err()
            .contains("hyphen"));
        assert!(Email::parse("marie@example-.org")
            .unwrap_err()
            .contains("hyphen"));
    }

    #[test]
    fn a_domain_with_an_underscore_is_rejected() {
        assert!(Email::parse("marie@ex_ample.org")
            .unwrap_err()
            .contains("\"_\""));
    }

    #[test]
    fn a_domain_label_of_64_characters_is_rejected() {
        let ok = format!("marie@{}.org", "a".repeat(63));
        let too_long = format!("marie@{}.org", "a".repeat(64));
        assert!(Email::parse(&ok).is_ok());
        assert!(Email::parse(&too_long).unwrap_err().contains("at most 63"));
    }

    #[test]
    fn a_one_letter_or_numeric_top_level_domain_is_rejected() {
        assert!(Email::parse("marie@example.o")
            .unwrap_err()
            .contains("typo"));
        assert!(Email::parse("marie@10.0.0.1").unwrap_err().contains("typo"));
    }

    #[test]
    fn an_address_of_254_characters_is_accepted_and_255_rejected() {
        let address_with_third_label = |len: usize| {
            format!(
                "{}@{}.{}.{}.org",
                "a".repeat(64),
                "b".repeat(63),
                "c".repeat(63),
                "d".repeat(len)
            )
        };
        let longest = address_with_third_label(57);
        assert_eq!(longest.chars().count(), 254);
        assert!(Email::parse(&longest).is_ok());
        let too_long = address_with_third_label(58);
        assert!(Email::parse(&too_long).unwrap_err().contains("at most 254"));
    }

    #[test]
    fn a_valid_address_deserializes_normalised() {
        let email = deserialize(" Ada@Example.org").unwrap();
        assert_eq!(email.as_str(), "ada@example.org");
    }

    #[test]
    fn an_invalid_address_does_not_deserialize() {
        let error = deserialize("not-an-address").unwrap_err();
        assert!(error.to_string().contains("needs an @"));
    }

    proptest! {
        #[test]
        fn any_parsed_address_round_trips_through_serde(
            local in "[a-z0-9]{1,20}(\\.[a-z0-9+_-]{1,10}){0,2}",
            domain in "[a-z0-9]{1,20}(-[a-z0-9]{1,5})?\\.[a-z]{2,6}",
        ) {
            let email = Email::parse(&format!("{local}@{domain}")).unwrap();
            let back = deserialize(&String::from(email.clone())).unwrap();
            prop_assert_eq!(back, email);
        }

        #[test]
        fn parsing_never_panics(raw in "\\PC{0,80}") {
            let _ = Email::parse(&raw);
        }
    }
}
