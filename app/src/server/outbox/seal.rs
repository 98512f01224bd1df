//! The outbox key and the sealing of message bodies: XChaCha20-Poly1305 (an AEAD) with a fresh
//! random 24-byte nonce per message, bound by its associated data to the message's recipient and
//! subject, so a sealed body moved to another row (another recipient) does not open.
//!
//! Stored form: `v1:` then URL-safe base64 of nonce ‖ ciphertext ‖ tag.

use std::{fmt, sync::Arc};

use base64::{
    engine::general_purpose::{STANDARD, STANDARD_NO_PAD, URL_SAFE, URL_SAFE_NO_PAD},
    Engine as _,
};
use chacha20poly1305::{
    aead::{Aead as _, Payload},
    Key, KeyInit as _, XChaCha20Poly1305, XNonce,
};
use rand::RngCore as _;

/// The version prefix of a sealed body (a later key or cipher gets another).
const VERSION: &str = "v1:";
const NONCE_LEN: usize = 24;

/// Why a sealed body did not open.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SealError {
    #[error("the sealed body is not in a known format")]
    Malformed,
    #[error("the sealed body does not open with this key (sealed under another key, or altered)")]
    WrongKeyOrAltered,
}

/// The key that seals outbox bodies carrying a secret. Its `Debug` never shows it.
#[derive(Clone)]
pub struct OutboxKey(Arc<XChaCha20Poly1305>);

impl fmt::Debug for OutboxKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("OutboxKey(***)")
    }
}

impl OutboxKey {
    pub fn from_bytes(bytes: &[u8; 32]) -> Self {
        Self(Arc::new(XChaCha20Poly1305::new(&Key::from(*bytes))))
    }

    /// A key of this process only: what it seals, no other process can open.
    pub fn random() -> Self {
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self::from_bytes(&bytes)
    }

    /// Seals `plaintext`, bound to `context` (which must be given again to open it).
    pub fn seal(&self, context: &[u8], plaintext: &str) -> String {
        let mut nonce = [0_u8; NONCE_LEN];
        rand::rng().fill_bytes(&mut nonce);
        let sealed = self
            .0
            .encrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: plaintext.as_bytes(),
                    aad: context,
                },
            )
            // Only a message of more than 256 GiB could fail.
            .expect("an outbox message is small enough to seal");
        let mut out = Vec::with_capacity(NONCE_LEN + sealed.len());
        out.extend_from_slice(&nonce);
        out.extend_from_slice(&sealed);
        format!("{VERSION}{}", URL_SAFE_NO_PAD.encode(out))
    }

    /// Opens what [`seal`](Self::seal) made with this key and the same `context`.
    pub fn open(&self, context: &[u8], sealed: &str) -> Result<String, SealError> {
        let encoded = sealed.strip_prefix(VERSION).ok_or(SealError::Malformed)?;
        let bytes = URL_SAFE_NO_PAD
            .decode(encoded)
            .map_err(|_| SealError::Malformed)?;
        if bytes.len() < NONCE_LEN {
            return Err(SealError::Malformed);
        }
        let (nonce, ciphertext) = bytes.split_at(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = nonce.try_into().map_err(|_| SealError::Malformed)?;
        let plain = self
            .0
            .decrypt(
                &XNonce::from(nonce),
                Payload {
                    msg: ciphertext,
                    aad: context,
                },
            )
            .map_err(|_| SealError::WrongKeyOrAltered)?;
        String::from_utf8(plain).map_err(|_| SealError::Malformed)
    }
}

/// Reads a key as configured: 32 bytes in base64 (standard or URL-safe, padded or not), as
/// `openssl rand -base64 32` prints them.
pub fn parse_key(text: &str) -> Result<[u8; 32], String> {
    let text = text.trim();
    let bytes = [&STANDARD, &STANDARD_NO_PAD, &URL_SAFE, &URL_SAFE_NO_PAD]
        .iter()
        .find_map(|engine| engine.decode(text).ok())
        .ok_or("expected 32 random bytes in base64, as `openssl rand -base64 32` prints them")?;
    <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| {
        format!(
            "expected 32 bytes in base64 (`openssl rand -base64 32`), got {} bytes",
            bytes.len()
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sealed_body_opens_with_its_key_and_context_only() {
        let key = OutboxKey::from_bytes(&[7; 32]);
        let sealed = key.seal(b"to=a@x.test", "open /invitations/abc");
        assert!(sealed.starts_with("v1:"), "{sealed}");
        assert!(!sealed.contains("invitations"), "{sealed}");
        assert_eq!(
            key.open(b"to=a@x.test", &sealed).as_deref(),
            Ok("open /invitations/abc")
        );
        assert_eq!(
            key.open(b"to=b@x.test", &sealed),
            Err(SealError::WrongKeyOrAltered),
            "moved to another recipient"
        );
        let other = OutboxKey::from_bytes(&[8; 32]);
        assert_eq!(
            other.open(b"to=a@x.test", &sealed),
            Err(SealError::WrongKeyOrAltered)
        );
        assert_eq!(
            OutboxKey::random().open(b"to=a@x.test", &sealed),
            Err(SealError::WrongKeyOrAltered)
        );
    }

    #[test]
    fn each_seal_uses_a_fresh_nonce() {
        let key = OutboxKey::from_bytes(&[7; 32]);
        assert_ne!(key.seal(b"", "same"), key.seal(b"", "same"));
    }

    #[test]
    fn an_altered_or_malformed_body_does_not_open() {
        let key = OutboxKey::from_bytes(&[7; 32]);
        let sealed = key.seal(b"", "text");
        let mut altered = sealed.clone().into_bytes();
        let last = altered.len() - 2;
        altered[last] = if altered[last] == b'A' { b'B' } else { b'A' };
        let altered = String::from_utf8(altered).unwrap();
        assert_eq!(key.open(b"", &altered), Err(SealError::WrongKeyOrAltered));
        assert_eq!(key.open(b"", "text"), Err(SealError::Malformed));
        assert_eq!(key.open(b"", "v1:***"), Err(SealError::Malformed));
        assert_eq!(key.open(b"", "v1:AAAA"), Err(SealError::Malformed));
    }

    #[test]
    fn the_key_never_shows_in_debug_output() {
        assert_eq!(
            format!("{:?}", OutboxKey::from_bytes(&[42; 32])),
            "OutboxKey(***)"
        );
    }

    #[test]
    fn a_configured_key_is_32_bytes_of_base64() {
        let standard = STANDARD.encode([9_u8; 32]);
        assert_eq!(parse_key(&standard), Ok([9; 32]));
        assert_eq!(
            parse_key(&URL_SAFE_NO_PAD.encode([255_u8; 32])),
            Ok([255; 32])
        );
        assert!(parse_key(&STANDARD.encode([1_u8; 16]))
            .unwrap_err()
            .contains("got 16 bytes"));
        assert!(parse_key("not base64 at all!").is_err());
    }
}
