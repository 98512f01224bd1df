//! `SecondFactorCode`: what a person types to prove they hold their second factor, either the
//! six digits their authenticator app shows (TOTP, RFC 6238) or one of their recovery codes.

use crate::i18n::td_string;

/// Digits in a TOTP code.
pub const TOTP_DIGITS: usize = 6;
/// Characters in a recovery code (shown as two groups of five, `abcde-fghij`).
pub const RECOVERY_CHARS: usize = 10;
/// The characters of recovery codes: lower-case letters and digits less those read alike
/// (`0`/`o`, `1`/`l`/`i`), so a code copied by hand from paper still works.
pub const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// A code as typed, its shape checked (not yet whether it is right).
#[derive(Clone, PartialEq, Eq)]
pub enum SecondFactorCode {
    /// Six digits from the authenticator app.
    Totp(String),
    /// A recovery code, normalised (lower case, no dash or space).
    Recovery(String),
}

impl std::fmt::Debug for SecondFactorCode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // A code is a credential: never in a log.
        match self {
            Self::Totp(_) => f.write_str("Totp(..)"),
            Self::Recovery(_) => f.write_str("Recovery(..)"),
        }
    }
}

impl SecondFactorCode {
    /// Reads a code as typed: spaces and dashes are ignored (apps show `123 456`, recovery codes
    /// are printed `abcde-fghij`), letters may be in either case.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let compact: String = raw
            .chars()
            .filter(|c| !c.is_whitespace() && *c != '-')
            .flat_map(char::to_lowercase)
            .collect();
        let locale = crate::locale::current();
        if compact.is_empty() {
            return Err(td_string!(locale, validation.code_missing).to_owned());
        }
        if compact.len() == TOTP_DIGITS && compact.bytes().all(|b| b.is_ascii_digit()) {
            return Ok(Self::Totp(compact));
        }
        if compact.len() == RECOVERY_CHARS
            && compact.bytes().all(|b| RECOVERY_ALPHABET.contains(&b))
        {
            return Ok(Self::Recovery(compact));
        }
        Err(td_string!(locale, validation.code_shape).to_owned())
    }

    /// Only the six digits of the app: setting up proves the app works, so no recovery code.
    pub fn parse_app_code(raw: &str) -> Result<String, String> {
        match Self::parse(raw)? {
            Self::Totp(code) => Ok(code),
            Self::Recovery(_) => {
                Err(td_string!(crate::locale::current(), validation.code_from_app).to_owned())
            }
        }
    }
}

/// A recovery code as shown to the person: two groups of five.
pub fn display_recovery_code(code: &str) -> String {
    let (a, b) = code.split_at(code.len().min(RECOVERY_CHARS / 2));
    format!("{a}-{b}")
}

/// Whether a person's second factor is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SecondFactorStatus {
    pub on: bool,
    /// Whether the person must have one (platform admins): it cannot be turned off.
    pub required: bool,
    /// Recovery codes not yet used (0 when the factor is off).
    pub recovery_codes_left: i64,
}

/// A new secret for an authenticator app: as a QR code to scan, and as text to type.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct SecondFactorOffer {
    /// The secret in base32, grouped by four characters.
    pub secret: String,
    /// The `otpauth://` address the QR code holds.
    pub uri: String,
    /// The QR code's width and height in modules, quiet zone included.
    pub qr_size: i32,
    /// Its dark modules, as an SVG path of unit squares.
    pub qr_path: String,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn app_codes_and_recovery_codes_are_told_apart() {
        assert_eq!(
            SecondFactorCode::parse(" 123 456 ").unwrap(),
            SecondFactorCode::Totp("123456".into())
        );
        assert_eq!(
            SecondFactorCode::parse("ABCDE-FGHJK").unwrap(),
            SecondFactorCode::Recovery("abcdefghjk".into())
        );
        assert_eq!(display_recovery_code("abcdefghjk"), "abcde-fghjk");
    }

    #[test]
    fn other_shapes_are_refused_with_a_reason() {
        for junk in [
            "",
            "   ",
            "12345",
            "1234567",
            "12345a",
            "abcde-fghi0",
            "abcdefghjkm",
        ] {
            assert!(SecondFactorCode::parse(junk).is_err(), "{junk:?}");
        }
        assert!(SecondFactorCode::parse_app_code("abcde-fghjk").is_err());
        assert_eq!(
            SecondFactorCode::parse_app_code("000111").unwrap(),
            "000111"
        );
    }

    #[test]
    fn a_code_never_shows_in_debug_output() {
        let code = SecondFactorCode::parse("424242").unwrap();
        assert!(!format!("{code:?}").contains("4242"));
    }
}
