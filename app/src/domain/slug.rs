//! `Slug`: the short name of a tenant or project in web addresses, and its derivation from a name.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::format::fill;
use crate::i18n::td_string;

const MIN_CHARS: usize = 2;
const MAX_CHARS: usize = 63;

/// A short name for web addresses: 2 to 63 characters of lower-case a–z, digits and single
/// hyphens, neither starting nor ending with a hyphen (so it is also a valid DNS label).
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Slug(String);

impl Slug {
    /// Reads a short name as typed (surrounding spaces ignored, nothing else changed).
    pub fn parse(raw: &str) -> Result<Self, String> {
        let slug = raw.trim();
        if slug.is_empty() {
            return Err(td_string!(crate::locale::current(), validation.slug_missing).to_owned());
        }
        if let Some(c) = slug.chars().find(|c| !is_slug_char(*c)) {
            return Err(fill(
                td_string!(crate::locale::current(), validation.slug_bad_char),
                &[("c", &c)],
            ));
        }
        check_length(slug.len())?;
        check_hyphens(slug)?;
        Ok(Self(slug.to_owned()))
    }

    /// Derives a short name from a person's or organisation's name: letters are lower-cased,
    /// accented Latin letters folded (é → e, æ → ae, ß → ss), every run of other characters
    /// becomes one hyphen, and a name too long is cut at a word boundary where possible.
    pub fn from_name(name: &str) -> Result<Self, String> {
        let folded = fold_name(name);
        Self::parse(shorten(&folded)).map_err(|_| {
            fill(
                td_string!(crate::locale::current(), validation.slug_from_name),
                &[("name", &name.trim())],
            )
        })
    }

    /// The short name.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

fn is_slug_char(c: char) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'
}

/// `len` is in bytes, which is also characters since only ASCII gets this far.
fn check_length(len: usize) -> Result<(), String> {
    if len < MIN_CHARS {
        return Err(fill(
            td_string!(crate::locale::current(), validation.slug_too_short),
            &[("min", &MIN_CHARS)],
        ));
    }
    if len > MAX_CHARS {
        return Err(fill(
            td_string!(crate::locale::current(), validation.slug_too_long),
            &[("max", &MAX_CHARS), ("len", &len)],
        ));
    }
    Ok(())
}

fn check_hyphens(slug: &str) -> Result<(), String> {
    if slug.starts_with('-') || slug.ends_with('-') {
        return Err(td_string!(crate::locale::current(), validation.slug_hyphen_ends).to_owned());
    }
    if slug.contains("--") {
        return Err(td_string!(crate::locale::current(), validation.slug_double_hyphen).to_owned());
    }
    Ok(())
}

/// Lower-cases and folds `name`, joining its runs of letters and digits with single hyphens.
fn fold_name(name: &str) -> String {
    let mut slug = String::with_capacity(name.len());
    let mut separated = false;
    let mut buffer = [0u8; 4];
    for c in name.chars() {
        let piece = if c.is_ascii_alphanumeric() {
            Some(&*c.to_ascii_lowercase().encode_utf8(&mut buffer))
        } else {
            fold_latin(c)
        };
        match piece {
            Some(piece) => {
                if separated && !slug.is_empty() {
                    slug.push('-');
                }
                separated = false;
                slug.push_str(piece);
            }
            None => separated = true,
        }
    }
    slug
}

/// Cuts a folded name to the longest length allowed, at its last hyphen when that keeps
/// at least the shortest length allowed.
fn shorten(slug: &str) -> &str {
    if slug.len() <= MAX_CHARS {
        return slug;
    }
    let cut = &slug[..MAX_CHARS];
    let at_word = if slug.as_bytes()[MAX_CHARS] == b'-' {
        cut
    } else {
        match cut.rfind('-') {
            Some(end) if end >= MIN_CHARS => &cut[..end],
            _ => cut,
        }
    };
    at_word.trim_end_matches('-')
}

/// The ASCII spelling of the accented letters of Latin-1 (and œ, š, ž, ÿ of Latin-9).
fn fold_latin(c: char) -> Option<&'static str> {
    let folded = match c {
        'À'..='Å' | 'à'..='å' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' => "c",
        'È'..='Ë' | 'è'..='ë' => "e",
        'Ì'..='Ï' | 'ì'..='ï' => "i",
        'Ð' | 'ð' => "d",
        'Ñ' | 'ñ' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' => "o",
        'Ù'..='Ü' | 'ù'..='ü' => "u",
        'Ý' | 'ý' | 'ÿ' | 'Ÿ' => "y",
        'Þ' | 'þ' => "th",
        'ß' => "ss",
        'Œ' | 'œ' => "oe",
        'Š' | 'š' => "s",
        'Ž' | 'ž' => "z",
        _ => return None,
    };
    Some(folded)
}

impl fmt::Display for Slug {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl TryFrom<String> for Slug {
    type Error = String;

    fn try_from(raw: String) -> Result<Self, Self::Error> {
        Self::parse(&raw)
    }
}

impl From<Slug> for String {
    fn from(slug: Slug) -> Self {
        slug.0
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::de::value::{Error as DeError, StringDeserializer};
    use serde::de::IntoDeserializer;

    fn deserialize(raw: &str) -> Result<Slug, DeError> {
        let input: StringDeserializer<DeError> = raw.to_owned().into_deserializer();
        Slug::deserialize(input)
    }

    fn derived(name: &str) -> String {
        Slug::from_name(name).unwrap().to_string()
    }

    #[test]
    fn a_lower_case_hyphenated_slug_is_accepted() {
        let slug = Slug::parse("inria-saclay-2").unwrap();
        assert_eq!(slug.as_str(), "inria-saclay-2");
        assert_eq!(slug.to_string(), "inria-saclay-2");
    }

    #[test]
    fn surrounding_spaces_are_ignored() {
        assert_eq!(Slug::parse("  cnrs ").unwrap().as_str(), "cnrs");
    }

    #[test]
    fn a_slug_of_2_characters_is_accepted_and_1_rejected() {
        assert!(Slug::parse("ab").is_ok());
        assert_eq!(
            Slug::parse("a").unwrap_err(),
            "A short name needs at least 2 characters."
        );
    }

    #[test]
    fn a_slug_of_63_characters_is_accepted_and_64_rejected() {
        assert!(Slug::parse(&"a".repeat(63)).is_ok());
        assert_eq!(
            Slug::parse(&"a".repeat(64)).unwrap_err(),
            "A short name can have at most 63 characters; this one has 64."
        );
    }

    #[test]
    fn an_empty_slug_is_rejected() {
        assert!(Slug::parse(" ").unwrap_err().starts_with("Please enter"));
    }

    #[test]
    fn upper_case_accents_and_symbols_are_rejected_by_name() {
        for (raw, named) in [("Inria", "I"), ("école", "é"), ("a_b", "_"), ("a b", " ")] {
            let error = Slug::parse(raw).unwrap_err();
            assert!(error.contains(&format!("\"{named}\"")), "{raw}: {error}");
        }
    }

    #[test]
    fn a_hyphen_at_either_end_is_rejected() {
        for raw in ["-ab", "ab-"] {
            assert_eq!(
                Slug::parse(raw).unwrap_err(),
                "A short name cannot start or end with a hyphen."
            );
        }
    }

    #[test]
    fn two_hyphens_in_a_row_are_rejected() {
        assert_eq!(
            Slug::parse("a--b").unwrap_err(),
            "A short name cannot have two hyphens in a row."
        );
    }

    #[test]
    fn a_name_is_folded_into_a_slug() {
        assert_eq!(derived("École Polytechnique"), "ecole-polytechnique");
        assert_eq!(
            derived("Université Paris-Saclay"),
            "universite-paris-saclay"
        );
        assert_eq!(
            derived("Hôpital Necker–Enfants malades"),
            "hopital-necker-enfants-malades"
        );
    }

    #[test]
    fn apostrophes_and_symbols_become_single_hyphens() {
        assert_eq!(derived("L'Oréal R&D"), "l-oreal-r-d");
        assert_eq!(derived("  --Hello__World!!  "), "hello-world");
        assert_eq!(derived("Institut 東京 AI"), "institut-ai");
    }

    #[test]
    fn latin_ligatures_and_special_letters_are_spelled_out() {
        assert_eq!(derived("Cœur Défense"), "coeur-defense");
        assert_eq!(derived("Straße"), "strasse");
        assert_eq!(derived("Ærø Øst"), "aero-ost");
        assert_eq!(derived("Þór Ðóra"), "thor-dora");
        assert_eq!(derived("ÀÉÎÕÜÇÑÝ àéîõüçñýÿ"), "aeioucny-aeioucnyy");
    }

    #[test]
    fn a_long_name_is_cut_at_a_word_boundary() {
        let name = "Institut national de recherche en sciences et technologies du numérique";
        let slug = derived(name);
        assert_eq!(
            slug,
            "institut-national-de-recherche-en-sciences-et-technologies-du"
        );
        assert!(slug.len() <= 63);
    }

    #[test]
    fn a_long_single_word_is_cut_at_63_characters() {
        assert_eq!(derived(&"x".repeat(80)), "x".repeat(63));
    }

    #[test]
    fn a_name_exactly_63_long_before_a_hyphen_is_kept_whole() {
        let name = format!("{} tail", "y".repeat(63));
        assert_eq!(derived(&name), "y".repeat(63));
    }

    #[test]
    fn a_name_without_latin_letters_or_digits_gives_no_slug() {
        assert_eq!(
            Slug::from_name("東京").unwrap_err(),
            "No short name for web addresses can be made from \"東京\": please choose one."
        );
        assert!(Slug::from_name("X").is_err());
        assert!(Slug::from_name("  ").is_err());
    }

    #[test]
    fn an_invalid_slug_does_not_deserialize() {
        assert!(deserialize("Not A Slug").is_err());
        assert_eq!(deserialize("ok-slug").unwrap().as_str(), "ok-slug");
    }

    proptest! {
        #[test]
        fn any_valid_slug_round_trips_through_serde(
            raw in "[a-z0-9]{2,10}(-[a-z0-9]{1,10}){0,4}"
        ) {
            let slug = Slug::parse(&raw).unwrap();
            let back = deserialize(&String::from(slug.clone())).unwrap();
            prop_assert_eq!(back, slug);
        }

        #[test]
        fn any_derived_slug_is_valid(name in "\\PC{0,100}") {
            if let Ok(slug) = Slug::from_name(&name) {
                prop_assert_eq!(Slug::parse(slug.as_str()), Ok(slug.clone()));
            }
        }

        #[test]
        fn a_valid_slug_derives_to_itself(raw in "[a-z0-9]{2,10}(-[a-z0-9]{1,10}){0,4}") {
            prop_assert_eq!(derived(&raw), raw);
        }
    }
}
