//! `Password`: the policy for a new password — its length, and (on the server) how easily it
//! would be guessed — and a holder for the secret.
//!
//! The guessability check is zxcvbn's estimate (the `zxcvbn` crate): it matches the password
//! against some 30,000 leaked passwords, English words, names and surnames, keyboard runs,
//! repeats, sequences, dates and l33t substitutions, and against the person's own e-mail address
//! and name. A password it scores below 3 (guessed in 10⁸ tries or fewer) is refused with its
//! advice. The dictionaries weigh about a megabyte, so only the server carries them (the `ssr`
//! feature): in the browser only the length is checked, and the server decides.

use super::format::fill;
use crate::i18n::td_string;

/// The fewest characters a password may have.
const MIN_CHARS: usize = 12;
/// The most characters a password may have.
const MAX_CHARS: usize = 128;

/// A password that meets the policy: 12 to 128 characters (counted as characters, not bytes),
/// no composition rules, and not easily guessed.
///
/// The value is a secret: `Debug` prints `Password(***)`, there is no `Display` and no serde,
/// and the text is reached only through [`Password::expose_secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks a new password exactly as typed: spaces count, nothing is trimmed. `personal`
    /// holds what the person typed about themselves (e-mail address, name): a password built on
    /// it is easy to guess for whoever knows them.
    pub fn parse(raw: &str, personal: &[&str]) -> Result<Self, String> {
        let locale = crate::locale::current();
        let chars = raw.chars().count();
        if chars == 0 {
            return Err(td_string!(locale, validation.password_missing).to_owned());
        }
        if chars < MIN_CHARS {
            return Err(fill(
                td_string!(locale, validation.password_too_short),
                &[("min", &MIN_CHARS), ("chars", &chars)],
            ));
        }
        if chars > MAX_CHARS {
            return Err(fill(
                td_string!(locale, validation.password_too_long),
                &[("max", &MAX_CHARS), ("chars", &chars)],
            ));
        }
        #[cfg(feature = "ssr")]
        strength::check(raw, personal)?;
        #[cfg(not(feature = "ssr"))]
        let _ = personal;
        Ok(Self(raw.to_owned()))
    }

    /// The password text, for hashing or comparing with a hash.
    pub fn expose_secret(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for Password {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Password(***)")
    }
}

#[cfg(feature = "ssr")]
mod strength {
    use zxcvbn::feedback::{Suggestion, Warning};
    use zxcvbn::{zxcvbn, Score};

    use crate::i18n::{td_string, Locale};

    /// The lowest zxcvbn score accepted: 3 is "more than 10⁸ guesses", zxcvbn's own advice for a
    /// password that protects something. Sign-in is throttled, so the figure matters against a
    /// stolen hash: at argon2id's cost (tens of guesses a second per core) 10⁸ guesses take years
    /// of one core, where a score of 2 (10⁶ to 10⁸) can fall in days on a few machines.
    pub const MIN_SCORE: Score = Score::Three;

    /// Words zxcvbn's English dictionaries lack but that people here build passwords on: the
    /// portal's own words, and favourites of the languages its people speak. They are matched as
    /// dictionary words (any case, l33t, reversed), like the person's own details.
    pub const LOCAL_WORDS: &[&str] = &[
        "guichet",
        "campus",
        "quota",
        "gpu",
        "portail",
        "motdepasse",
        "administrateur",
        "utilisateur",
        "azerty",
        "bonjour",
        "jetaime",
        "soleil",
        "contraseña",
        "contrasena",
        "passwort",
        "ichliebedich",
        "wachtwoord",
        "iamthebest",
    ];

    /// `Err` with zxcvbn's warning and suggestions when `raw` would be guessed too easily.
    pub fn check(raw: &str, personal: &[&str]) -> Result<(), String> {
        let mut inputs: Vec<&str> = LOCAL_WORDS.to_vec();
        for detail in personal {
            let detail = detail.trim();
            inputs.push(detail);
            // "camille.roux@univ-palaiseau.test" also gives "camille.roux", "camille", "roux",
            // "univ", "palaiseau", "test".
            if let Some((local, _)) = detail.split_once('@') {
                inputs.push(local);
            }
            inputs.extend(
                detail
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|part| part.chars().count() >= 3),
            );
        }
        let estimate = zxcvbn(raw, &inputs);
        if estimate.score() >= MIN_SCORE {
            return Ok(());
        }
        let locale = crate::locale::current();
        let mut message = td_string!(locale, validation.password_too_easy).to_owned();
        if let Some(feedback) = estimate.feedback() {
            if let Some(warning) = feedback.warning() {
                message.push(' ');
                message.push_str(warning_words(locale, warning));
            }
            for suggestion in feedback.suggestions() {
                message.push(' ');
                message.push_str(suggestion_words(locale, *suggestion));
            }
        }
        Err(message)
    }

    /// zxcvbn's warning in the language being written (its own `Display` is English only).
    fn warning_words(locale: Locale, warning: Warning) -> &'static str {
        match warning {
            Warning::StraightRowsOfKeysAreEasyToGuess => {
                td_string!(locale, validation.pw_warning_straight_rows)
            }
            Warning::ShortKeyboardPatternsAreEasyToGuess => {
                td_string!(locale, validation.pw_warning_short_keyboard_patterns)
            }
            Warning::RepeatsLikeAaaAreEasyToGuess => {
                td_string!(locale, validation.pw_warning_repeats_aaa)
            }
            Warning::RepeatsLikeAbcAbcAreOnlySlightlyHarderToGuess => {
                td_string!(locale, validation.pw_warning_repeats_abcabc)
            }
            Warning::ThisIsATop10Password => td_string!(locale, validation.pw_warning_top10),
            Warning::ThisIsATop100Password => td_string!(locale, validation.pw_warning_top100),
            Warning::ThisIsACommonPassword => td_string!(locale, validation.pw_warning_common),
            Warning::ThisIsSimilarToACommonlyUsedPassword => {
                td_string!(locale, validation.pw_warning_similar_common)
            }
            Warning::SequencesLikeAbcAreEasyToGuess => {
                td_string!(locale, validation.pw_warning_sequences)
            }
            Warning::RecentYearsAreEasyToGuess => {
                td_string!(locale, validation.pw_warning_recent_years)
            }
            Warning::AWordByItselfIsEasyToGuess => {
                td_string!(locale, validation.pw_warning_word_by_itself)
            }
            Warning::DatesAreOftenEasyToGuess => td_string!(locale, validation.pw_warning_dates),
            Warning::NamesAndSurnamesByThemselvesAreEasyToGuess => {
                td_string!(locale, validation.pw_warning_names_by_themselves)
            }
            Warning::CommonNamesAndSurnamesAreEasyToGuess => {
                td_string!(locale, validation.pw_warning_common_names)
            }
        }
    }

    /// zxcvbn's suggestion in the language being written.
    fn suggestion_words(locale: Locale, suggestion: Suggestion) -> &'static str {
        match suggestion {
            Suggestion::UseAFewWordsAvoidCommonPhrases => {
                td_string!(locale, validation.pw_suggest_few_words)
            }
            Suggestion::NoNeedForSymbolsDigitsOrUppercaseLetters => {
                td_string!(locale, validation.pw_suggest_no_need_symbols)
            }
            Suggestion::AddAnotherWordOrTwo => {
                td_string!(locale, validation.pw_suggest_another_word)
            }
            Suggestion::CapitalizationDoesntHelpVeryMuch => {
                td_string!(locale, validation.pw_suggest_capitalization)
            }
            Suggestion::AllUppercaseIsAlmostAsEasyToGuessAsAllLowercase => {
                td_string!(locale, validation.pw_suggest_all_uppercase)
            }
            Suggestion::ReversedWordsArentMuchHarderToGuess => {
                td_string!(locale, validation.pw_suggest_reversed_words)
            }
            Suggestion::PredictableSubstitutionsDontHelpVeryMuch => {
                td_string!(locale, validation.pw_suggest_substitutions)
            }
            Suggestion::UseALongerKeyboardPatternWithMoreTurns => {
                td_string!(locale, validation.pw_suggest_longer_keyboard_pattern)
            }
            Suggestion::AvoidRepeatedWordsAndCharacters => {
                td_string!(locale, validation.pw_suggest_avoid_repeats)
            }
            Suggestion::AvoidSequences => td_string!(locale, validation.pw_suggest_avoid_sequences),
            Suggestion::AvoidRecentYears => {
                td_string!(locale, validation.pw_suggest_avoid_recent_years)
            }
            Suggestion::AvoidYearsThatAreAssociatedWithYou => {
                td_string!(locale, validation.pw_suggest_avoid_your_years)
            }
            Suggestion::AvoidDatesAndYearsThatAreAssociatedWithYou => {
                td_string!(locale, validation.pw_suggest_avoid_your_dates)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `n` characters that no dictionary, keyboard run or repeat explains.
    fn varied(n: usize) -> String {
        const TEXT: &str = "Kv7 quartz glyph, mauve fjord; Zb2 jinx wept — 9 ochre yaks lob \
                            hexed plums; Tq4 dwarf vixen gnaws 31 brisk cobs; Ux8 nymph ";
        let text: String = TEXT.repeat(2);
        text.chars().take(n).collect()
    }

    #[test]
    fn a_password_of_12_characters_is_accepted() {
        let password = Password::parse("correct hors", &[]).unwrap();
        assert_eq!(password.expose_secret(), "correct hors");
    }

    #[test]
    fn a_password_of_11_characters_is_rejected() {
        assert_eq!(
            Password::parse("correct hor", &[]).unwrap_err(),
            "A password needs at least 12 characters; this one has 11."
        );
    }

    #[test]
    fn a_password_of_128_characters_is_accepted() {
        assert!(Password::parse(&varied(128), &[]).is_ok());
    }

    #[test]
    fn a_password_of_129_characters_is_rejected() {
        let error = Password::parse(&varied(129), &[]).unwrap_err();
        assert_eq!(
            error,
            "A password can have at most 128 characters; this one has 129."
        );
    }

    #[test]
    fn an_empty_password_is_rejected() {
        assert_eq!(
            Password::parse("", &[]).unwrap_err(),
            "Please enter a password."
        );
    }

    #[test]
    fn multibyte_characters_count_as_one_each() {
        // 12 characters but 24 bytes: accepted
        assert!(Password::parse("éàüöçñßøåæœë", &[]).is_ok());
        // 11 characters but 22 bytes: rejected
        assert!(Password::parse("éàüöçñßøåæœ", &[])
            .unwrap_err()
            .contains("has 11"));
        // 129 emoji are 516 bytes: refused for their count, whatever their strength.
        assert!(Password::parse(&"🔑".repeat(129), &[])
            .unwrap_err()
            .contains("has 129"));
    }

    #[test]
    fn no_composition_rule_applies() {
        assert!(Password::parse("only lower case letters", &[]).is_ok());
        assert!(Password::parse("9081726354879", &[]).is_ok());
    }

    #[test]
    fn spaces_are_kept_and_counted() {
        let password = Password::parse("  padded phrase  ", &[]).unwrap();
        assert_eq!(password.expose_secret(), "  padded phrase  ");
        assert!(Password::parse("     short  ", &[]).is_ok());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let password = Password::parse("a very secret phrase", &[]).unwrap();
        assert_eq!(format!("{password:?}"), "Password(***)");
        assert_eq!(format!("{password:#?}"), "Password(***)");
    }

    /// The demo accounts' password and every password the tests and the browser tests choose.
    #[test]
    fn the_demo_and_test_passwords_pass() {
        for (password, person) in [
            (
                "campus-demo-2026",
                &["admin@guichet.test", "Camille Roux"][..],
            ),
            ("a long passphrase for the matrix 2026", &[]),
            ("a long passphrase 2026", &[]),
            ("violet lantern over the quay", &["Jeanne"]),
            ("radium and polonium 1898", &["marie.curie@sorbonne.test"]),
            ("orsay photon lattice 42", &[]),
            ("quiet harbour seventeen", &[]),
        ] {
            assert!(
                Password::parse(password, person).is_ok(),
                "{password}: {:?}",
                Password::parse(password, person)
            );
        }
    }

    proptest! {
        #[test]
        fn any_password_of_12_to_128_characters_is_refused_only_as_too_easy(
            raw in "\\PC{12,128}"
        ) {
            if let Err(e) = Password::parse(&raw, &[]) {
                prop_assert!(e.starts_with("This password would be too easy to guess."), "{}", e);
            }
        }

        #[test]
        fn any_shorter_password_is_rejected(raw in "\\PC{1,11}") {
            prop_assert!(Password::parse(&raw, &[]).is_err());
        }
    }
}

#[cfg(all(test, feature = "ssr"))]
mod strength_tests {
    use super::*;

    fn refusal(raw: &str, personal: &[&str]) -> String {
        Password::parse(raw, personal)
            .err()
            .unwrap_or_else(|| panic!("{raw} was accepted"))
    }

    #[test]
    fn common_passwords_are_refused_by_length_or_as_too_easy() {
        // Too short before anything else.
        assert!(refusal("azertyuiop", &[]).contains("has 10"));
        assert!(refusal("Summer2026!", &[]).contains("has 11"));
        // Long enough, and still among the first guesses.
        for common in [
            "password123!",
            "Password2026!",
            "azertyuiop12",
            "azertyuiop2026",
            "qwerty123456789",
            "iloveyou1234",
            "123456789012",
            "1qaz2wsx3edc",
            "abcdefghijkl",
            "motdepasse123",
            "jetaime123456",
            "marseille1234",
            "Jennifer1990!",
            "administrateur",
            "ichliebedich123",
            "guichet2026!",
            "P@ssw0rd2026",
        ] {
            let e = refusal(common, &[]);
            assert!(
                e.starts_with("This password would be too easy to guess."),
                "{common}: {e}"
            );
        }
    }

    #[test]
    fn the_refusal_gives_zxcvbn_advice_in_words() {
        let e = refusal("password123!", &[]);
        assert_eq!(
            e,
            "This password would be too easy to guess. This is similar to a commonly used \
             password. Add another word or two. Uncommon words are better."
        );
    }

    #[test]
    fn a_password_built_on_the_persons_own_details_is_refused() {
        let me = ["camille.roux@univ-palaiseau.test", "Camille Roux"];
        assert!(Password::parse("camille.roux2026", &me).is_err());
        assert!(Password::parse("palaiseau2026!", &me).is_err());
        // The same passwords pass for someone else: the person's own details made them weak.
        assert!(Password::parse("camille.roux2026", &[]).is_ok());
        assert!(Password::parse("palaiseau2026!", &[]).is_ok());
    }

    #[test]
    fn a_near_miss_of_a_common_password_with_more_to_it_is_accepted() {
        assert!(Password::parse("password1234 gpu lattice", &[]).is_ok());
        assert!(Password::parse("correct horse battery staple", &[]).is_ok());
    }
}
