//! `Password`: the password policy (length, common-password list) and a secret holder.

/// The fewest characters a password may have.
const MIN_CHARS: usize = 12;
/// The most characters a password may have.
const MAX_CHARS: usize = 128;

/// A password that meets the policy: 12 to 128 characters (counted as characters, not bytes),
/// no composition rules, and not one of the most common passwords.
///
/// The value is a secret: `Debug` prints `Password(***)`, there is no `Display` and no serde,
/// and the text is reached only through [`Password::expose_secret`].
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Checks a password exactly as typed: spaces count, nothing is trimmed.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let chars = raw.chars().count();
        if chars == 0 {
            return Err("Please enter a password.".to_owned());
        }
        if chars < MIN_CHARS {
            return Err(format!(
                "A password needs at least {MIN_CHARS} characters; this one has {chars}."
            ));
        }
        if chars > MAX_CHARS {
            return Err(format!(
                "A password can have at most {MAX_CHARS} characters; this one has {chars}."
            ));
        }
        if is_common(raw) {
            return Err(
                "This password is one of the most common ones and would be guessed \
                        quickly: please choose another."
                    .to_owned(),
            );
        }
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

fn is_common(raw: &str) -> bool {
    let lowered = raw.to_lowercase();
    COMMON_PASSWORDS.contains(&lowered.as_str())
}

/// Frequent passwords of 12 characters or more, most of them a short favourite padded with
/// digits, a year, a repeat or a keyboard run. Entries are lower-case; matching ignores case.
const COMMON_PASSWORDS: &[&str] = &[
    // digits
    "123456789012",
    "1234567890123",
    "12345678901234",
    "123456789123",
    "123456789000",
    "123456123456",
    "123412341234",
    "123123123123",
    "121212121212",
    "112233445566",
    "111222333444",
    "098765432112",
    "987654321098",
    "987654321987",
    "012345678901",
    "000000000000",
    "111111111111",
    "222222222222",
    "333333333333",
    "444444444444",
    "555555555555",
    "666666666666",
    "777777777777",
    "888888888888",
    "999999999999",
    "147258369147",
    "159753159753",
    "123654789123",
    "789456123789",
    "147852369123",
    // keyboard runs
    "qwertyuiopas",
    "qwertyuiop12",
    "qwertyuiop123",
    "qwertyuiop1234",
    "qwertyuiopasdfgh",
    "qwertyuiopasdfghjkl",
    "qwerty123456",
    "qwerty1234567",
    "qwerty123456789",
    "qwertyqwerty",
    "123456qwerty",
    "1234567890qwerty",
    "1qaz2wsx3edc",
    "1qaz2wsx3edc4rfv",
    "1q2w3e4r5t6y",
    "q1w2e3r4t5y6",
    "zaq12wsxcde3",
    "qazwsxedcrfv",
    "1234qwerasdf",
    "1234qwerasdfzxcv",
    "asdfghjkl123",
    "asdfghjkl1234",
    "asdfasdfasdf",
    "zxcvbnm12345",
    "zxcvbnm123456",
    "azertyuiop12",
    "azertyuiop123",
    "azertyuiopqs",
    "azerty123456",
    "azerty123456789",
    "azertyazerty",
    "qwertzuiop12",
    "qwertzuiop123",
    "qwertz123456",
    // alphabet
    "abcdefghijkl",
    "abcdefghijklm",
    "abcdefghijklmnop",
    "abcdefgh1234",
    "abcdef123456",
    "abcd12345678",
    "abcd1234abcd",
    "abc123abc123",
    "abc123456789",
    "123456789abc",
    "123456abcdef",
    "1234567890ab",
    "a1b2c3d4e5f6",
    "aaaaaaaaaaaa",
    "aaaaaa111111",
    // password and its translations
    "password1234",
    "password12345",
    "password123456",
    "password123!",
    "password1234!",
    "password0000",
    "password2020",
    "password2021",
    "password2022",
    "password2023",
    "password2024",
    "password2025",
    "password2026",
    "passwordpassword",
    "1234password",
    "123456password",
    "mypassword12",
    "mypassword123",
    "newpassword1",
    "newpassword123",
    "p@ssword1234",
    "p@ssw0rd1234",
    "passw0rd1234",
    "passw0rd123!",
    "motdepasse12",
    "motdepasse123",
    "motdepasse1234",
    "motdepasse2024",
    "passwort1234",
    "passwort12345",
    "passwort2024",
    "wachtwoord12",
    "wachtwoord123",
    "contrasena12",
    "contrasena123",
    "contraseña123",
    "salasana1234",
    "haslo1234567",
    "parola123456",
    "senha1234567",
    // greetings, admin words
    "welcome12345",
    "welcome123456",
    "welcome2024!",
    "welcomewelcome",
    "letmein12345",
    "letmein123456",
    "letmeinplease",
    "changeme1234",
    "changeme123!",
    "administrator",
    "administrator1",
    "administrateur",
    "admin1234567",
    "admin123456789",
    "adminadmin123",
    "adminpassword",
    "rootpassword",
    "bonjour12345",
    "bonjour123456",
    "hallo1234567",
    "test12345678",
    "testtesttest",
    "test123456789",
    "default12345",
    "secret123456",
    "iamthebest12",
    // affection
    "iloveyou1234",
    "iloveyou12345",
    "iloveyou123456",
    "iloveyou2024",
    "iloveyouiloveyou",
    "jetaime12345",
    "jetaime123456",
    "jetaimejetaime",
    "ichliebedich1",
    "ichliebedich123",
    "teamo1234567",
    "tiamo1234567",
    "chouchou1234",
    "doudou123456",
    "loulou123456",
    "princess1234",
    "princesse123",
    "sunshine1234",
    "sunshine12345",
    "soleil123456",
    "babygirl1234",
    "sweetheart12",
    // names, sport, culture
    "michael12345",
    "jennifer1234",
    "jordan231234",
    "superman1234",
    "batman123456",
    "spiderman123",
    "starwars1234",
    "pokemon12345",
    "naruto123456",
    "football1234",
    "football12345",
    "baseball1234",
    "basketball12",
    "basketball123",
    "liverpool123",
    "liverpool1234",
    "chelsea12345",
    "arsenal12345",
    "barcelona123",
    "realmadrid12",
    "manchester12",
    "juventus1234",
    "marseille123",
    "marseille1234",
    "olympique123",
    "paris1234567",
    "dragon123456",
    "monkey123456",
    "shadow123456",
    "master123456",
    "killer123456",
    "trustno11234",
    "whatever1234",
    "computer1234",
    "internet1234",
    "freedom12345",
    "cheese123456",
    "chocolate123",
    "summer123456",
    "winter123456",
    "spring123456",
    "autumn123456",
];

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn a_password_of_12_characters_is_accepted() {
        let password = Password::parse("correct hors").unwrap();
        assert_eq!(password.expose_secret(), "correct hors");
    }

    #[test]
    fn a_password_of_11_characters_is_rejected() {
        assert_eq!(
            Password::parse("correct hor").unwrap_err(),
            "A password needs at least 12 characters; this one has 11."
        );
    }

    #[test]
    fn a_password_of_128_characters_is_accepted() {
        assert!(Password::parse(&"x7".repeat(64)).is_ok());
    }

    #[test]
    fn a_password_of_129_characters_is_rejected() {
        let error = Password::parse(&format!("{}y", "x7".repeat(64))).unwrap_err();
        assert_eq!(
            error,
            "A password can have at most 128 characters; this one has 129."
        );
    }

    #[test]
    fn an_empty_password_is_rejected() {
        assert_eq!(Password::parse("").unwrap_err(), "Please enter a password.");
    }

    #[test]
    fn multibyte_characters_count_as_one_each() {
        // 12 characters but 24 bytes: accepted
        assert!(Password::parse("éàüöçñßøåæœë").is_ok());
        // 11 characters but 22 bytes: rejected
        assert!(Password::parse("éàüöçñßøåæœ")
            .unwrap_err()
            .contains("has 11"));
        // 128 emoji are 512 bytes: accepted; 129 are rejected
        assert!(Password::parse(&"🔑".repeat(128)).is_ok());
        assert!(Password::parse(&"🔑".repeat(129))
            .unwrap_err()
            .contains("has 129"));
    }

    #[test]
    fn no_composition_rule_applies() {
        assert!(Password::parse("only lower case letters").is_ok());
        assert!(Password::parse("9081726354879").is_ok());
    }

    #[test]
    fn spaces_are_kept_and_counted() {
        let password = Password::parse("  padded phrase  ").unwrap();
        assert_eq!(password.expose_secret(), "  padded phrase  ");
        assert!(Password::parse("     short  ").is_ok());
    }

    #[test]
    fn a_common_password_is_rejected() {
        for common in [
            "password1234",
            "123456789012",
            "qwertyuiopas",
            "iloveyou1234",
        ] {
            let error = Password::parse(common).unwrap_err();
            assert!(error.contains("most common"), "{common}: {error}");
        }
    }

    #[test]
    fn a_common_password_is_rejected_whatever_its_case() {
        assert!(Password::parse("PassWord1234").is_err());
        assert!(Password::parse("QWERTYUIOPAS").is_err());
        assert!(Password::parse("MotDePasse123").is_err());
    }

    #[test]
    fn a_near_miss_of_a_common_password_is_accepted() {
        assert!(Password::parse("password1234 gpu").is_ok());
        assert!(Password::parse("iloveyou1235").is_ok());
    }

    #[test]
    fn debug_never_shows_the_secret() {
        let password = Password::parse("a very secret phrase").unwrap();
        assert_eq!(format!("{password:?}"), "Password(***)");
        assert_eq!(format!("{password:#?}"), "Password(***)");
    }

    #[test]
    fn the_common_list_is_about_two_hundred_long_lower_case_unique_and_long_enough() {
        assert!((180..=240).contains(&COMMON_PASSWORDS.len()));
        let mut seen = std::collections::HashSet::new();
        for entry in COMMON_PASSWORDS {
            assert!(entry.chars().count() >= MIN_CHARS, "too short: {entry}");
            assert_eq!(*entry, entry.to_lowercase(), "not lower-case: {entry}");
            assert!(seen.insert(entry), "listed twice: {entry}");
        }
    }

    #[test]
    fn every_listed_password_is_rejected() {
        for entry in COMMON_PASSWORDS {
            assert!(Password::parse(entry).is_err(), "{entry}");
        }
    }

    proptest! {
        #[test]
        fn any_length_from_12_to_128_characters_is_accepted_unless_common(
            raw in "\\PC{12,128}"
        ) {
            let result = Password::parse(&raw);
            prop_assert_eq!(result.is_ok(), !is_common(&raw));
        }

        #[test]
        fn any_shorter_password_is_rejected(raw in "\\PC{1,11}") {
            prop_assert!(Password::parse(&raw).is_err());
        }
    }
}
