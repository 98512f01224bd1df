//! Single-use secret tokens, for the links that open something: an invitation, a sign-up's
//! confirmation. A token is 32 random bytes in URL-safe base64 (43 characters); the database
//! keeps only its SHA-256 (hex), so a leaked table opens nothing. The token itself reaches its
//! holder once: shown to whoever made it, or sealed in the outbox (see [`super::outbox`]).

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use rand::RngCore as _;
use sha2::{Digest as _, Sha256};

/// A fresh token: 32 random bytes from the operating system's generator.
pub fn new_token() -> String {
    let mut bytes = [0_u8; 32];
    rand::rng().fill_bytes(&mut bytes);
    URL_SAFE_NO_PAD.encode(bytes)
}

/// The SHA-256 of a token, in lower-case hex, as stored.
pub fn hash_token(token: &str) -> String {
    Sha256::digest(token.as_bytes())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether the text has the shape of a token (so junk never reaches the database).
pub fn looks_like_token(token: &str) -> bool {
    token.len() == 43
        && token
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tokens_are_43_url_safe_characters_and_differ() {
        let a = new_token();
        let b = new_token();
        assert!(looks_like_token(&a), "{a}");
        assert_ne!(a, b);
    }

    #[test]
    fn the_stored_hash_is_the_hex_sha256_of_the_token() {
        assert_eq!(
            hash_token("abc"),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
    }

    #[test]
    fn junk_is_not_a_token() {
        assert!(!looks_like_token("short"));
        assert!(!looks_like_token(
            &"a".repeat(42).chars().chain(['/']).collect::<String>()
        ));
    }
}
