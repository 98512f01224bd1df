//! Device cookies, after OWASP's *Slow Down Online Guessing Attacks with Device Cookies*: a
//! browser that signed in to an account receives a token naming that account, signed by the
//! server (HMAC-SHA-256 with `GUICHET_DEVICE_COOKIE_KEY`). Later sign-in attempts for that account
//! carrying a valid token get the token's own allowance, so guesses from other browsers cannot
//! keep the account's owner out (see `identity::log_in`).
//!
//! A token is `user id . issued at (Unix s) . nonce . MAC`, valid [`DEVICE_COOKIE_LIFETIME_SECS`]
//! from its issue. It opens nothing: it only decides which throttle counter a sign-in attempt
//! is counted on; the password is checked as always. One browser keeps the tokens of up to
//! [`MAX_ACCOUNTS_PER_BROWSER`] accounts in one cookie, sent only to the sign-in endpoint.

use std::sync::Arc;

use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use hmac::{Hmac, Mac};
use http::HeaderMap;
use rand::RngCore as _;
use sha2::Sha256;

use crate::server::config::Secret;

/// The cookie's name over plain HTTP; under TLS it is [`DEVICE_COOKIE_SECURE`].
pub const DEVICE_COOKIE: &str = "guichet_device";
/// The cookie's name under TLS: browsers accept a `__Secure-` cookie only when it is `Secure`.
pub const DEVICE_COOKIE_SECURE: &str = "__Secure-guichet_device";
/// The only path the browser sends the cookie to: the sign-in server function.
pub const DEVICE_COOKIE_PATH: &str = "/api/login";
/// How long a device token is honoured after the sign-in that issued it: 90 days.
pub const DEVICE_COOKIE_LIFETIME_SECS: i64 = 90 * 24 * 3_600;
/// How many accounts' tokens one browser keeps (a shared computer); the oldest goes first.
pub const MAX_ACCOUNTS_PER_BROWSER: usize = 5;
/// The shortest `GUICHET_DEVICE_COOKIE_KEY` accepted.
pub const MIN_KEY_CHARS: usize = 32;
/// How far in the future an issue time may lie (clocks of instances differ a little).
const CLOCK_SKEW_SECS: i64 = 300;
/// What the MAC covers besides the token's fields: a version and a purpose.
const MAC_CONTEXT: &[u8] = b"guichet device cookie v1\n";

/// The key that signs device tokens. Its `Debug` is redacted.
#[derive(Clone)]
pub struct DeviceKey(Arc<Secret<Vec<u8>>>);

impl std::fmt::Debug for DeviceKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("DeviceKey(***)")
    }
}

impl DeviceKey {
    pub fn new(key: &[u8]) -> Self {
        Self(Arc::new(Secret::new(key.to_vec())))
    }

    /// A key of 32 random bytes, for a process that was given none: its tokens do not survive
    /// a restart and other instances do not honour them.
    pub fn random() -> Self {
        let mut bytes = [0_u8; 32];
        rand::rng().fill_bytes(&mut bytes);
        Self::new(&bytes)
    }

    /// The configured key, or a random one (with a warning) when none is configured.
    pub fn from_config(key: Option<&Secret<String>>) -> Self {
        match key {
            Some(key) => Self::new(key.expose().as_bytes()),
            None => {
                tracing::warn!(
                    "GUICHET_DEVICE_COOKIE_KEY is not set: device cookies are signed with a random \
                     key, so they stop counting after a restart and on other instances"
                );
                Self::random()
            }
        }
    }

    fn mac(&self, user_id: i64, issued_at: i64, nonce: &str) -> Hmac<Sha256> {
        let mut mac = Hmac::<Sha256>::new_from_slice(self.0.expose())
            .expect("HMAC takes a key of any length");
        mac.update(MAC_CONTEXT);
        mac.update(format!("{user_id}.{issued_at}.{nonce}").as_bytes());
        mac
    }

    /// A new token for `user_id`, issued at `now` (Unix seconds), with a fresh nonce.
    pub fn issue(&self, user_id: i64, now: i64) -> String {
        let mut nonce = [0_u8; 16];
        rand::rng().fill_bytes(&mut nonce);
        let nonce = URL_SAFE_NO_PAD.encode(nonce);
        let tag = self.mac(user_id, now, &nonce).finalize().into_bytes();
        format!("{user_id}.{now}.{nonce}.{}", URL_SAFE_NO_PAD.encode(tag))
    }

    /// The token's content when this key signed it and it is still valid at `now`.
    pub fn verify(&self, token: &str, now: i64) -> Option<DeviceToken> {
        let mut parts = token.split('.');
        let (user_id, issued_at, nonce, tag) =
            (parts.next()?, parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() || nonce.len() != 22 || tag.len() != 43 {
            return None;
        }
        let user_id: i64 = user_id.parse().ok()?;
        let issued_at: i64 = issued_at.parse().ok()?;
        let tag = URL_SAFE_NO_PAD.decode(tag).ok()?;
        // The comparison runs in constant time.
        self.mac(user_id, issued_at, nonce)
            .verify_slice(&tag)
            .ok()?;
        let fresh =
            issued_at <= now + CLOCK_SKEW_SECS && now - issued_at < DEVICE_COOKIE_LIFETIME_SECS;
        fresh.then(|| DeviceToken {
            user_id,
            issued_at,
            nonce: nonce.to_owned(),
        })
    }
}

/// A device token this server signed, still valid: proof that this browser signed in to the
/// account before.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DeviceToken {
    user_id: i64,
    issued_at: i64,
    nonce: String,
}

impl DeviceToken {
    pub fn user_id(&self) -> i64 {
        self.user_id
    }
    pub fn issued_at(&self) -> i64 {
        self.issued_at
    }
    /// What tells this browser's token from the account's other browsers'.
    pub fn nonce(&self) -> &str {
        &self.nonce
    }
}

/// The device tokens a browser sent, not yet verified.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PresentedDevices(Vec<String>);

impl PresentedDevices {
    /// The tokens of the device cookie among the request's cookies (the `__Secure-` one under
    /// TLS); junk is ignored, and at most [`MAX_ACCOUNTS_PER_BROWSER`] tokens are read.
    pub fn from_headers(headers: &HeaderMap, tls: bool) -> Self {
        let name = cookie_name(tls);
        let tokens = crate::server::security::cookies(headers)
            .filter(|(n, v)| *n == name && v.len() <= 1_024)
            .flat_map(|(_, v)| v.split('~'))
            .filter(|t| !t.is_empty())
            .take(MAX_ACCOUNTS_PER_BROWSER)
            .map(str::to_owned)
            .collect();
        Self(tokens)
    }

    /// The valid token of `user_id`'s account among them, if any.
    pub fn for_account(&self, key: &DeviceKey, user_id: i64, now: i64) -> Option<DeviceToken> {
        self.0
            .iter()
            .filter_map(|t| key.verify(t, now))
            .find(|t| t.user_id == user_id)
    }

    /// The `Set-Cookie` value after `user_id` signed in at `now`: a new token of theirs first,
    /// then the browser's valid tokens of other accounts.
    pub fn after_sign_in(&self, key: &DeviceKey, user_id: i64, now: i64, tls: bool) -> String {
        let mut tokens = vec![key.issue(user_id, now)];
        tokens.extend(
            self.0
                .iter()
                .filter(|t| key.verify(t, now).is_some_and(|d| d.user_id != user_id))
                .take(MAX_ACCOUNTS_PER_BROWSER - 1)
                .cloned(),
        );
        set_cookie(&tokens.join("~"), tls)
    }
}

fn cookie_name(tls: bool) -> &'static str {
    if tls {
        DEVICE_COOKIE_SECURE
    } else {
        DEVICE_COOKIE
    }
}

/// The `Set-Cookie` header value for `value`: HTTP only, same site only, sent to the sign-in
/// endpoint only, `Secure` under TLS.
fn set_cookie(value: &str, tls: bool) -> String {
    format!(
        "{}={value}; Max-Age={DEVICE_COOKIE_LIFETIME_SECS}; Path={DEVICE_COOKIE_PATH}; HttpOnly; \
         SameSite=Strict{}",
        cookie_name(tls),
        if tls { "; Secure" } else { "" }
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_767_225_600;

    fn headers(cookie: &str) -> HeaderMap {
        let mut h = HeaderMap::new();
        h.insert(http::header::COOKIE, cookie.parse().unwrap());
        h
    }

    #[test]
    fn a_token_is_valid_for_its_account_until_it_expires() {
        let key = DeviceKey::new(b"a key of at least thirty-two characters");
        let token = key.issue(7, NOW);
        let d = key.verify(&token, NOW).expect("valid");
        assert_eq!((d.user_id(), d.issued_at()), (7, NOW));
        let later = NOW + DEVICE_COOKIE_LIFETIME_SECS - 1;
        assert!(key.verify(&token, later).is_some());
        assert!(key.verify(&token, later + 1).is_none(), "expired");
        assert!(
            key.verify(&token, NOW - CLOCK_SKEW_SECS - 1).is_none(),
            "from the future"
        );
    }

    #[test]
    fn a_forged_or_altered_token_is_refused() {
        let key = DeviceKey::new(b"a key of at least thirty-two characters");
        let other = DeviceKey::new(b"another key, also thirty-two chars long");
        let token = key.issue(7, NOW);
        assert!(other.verify(&token, NOW).is_none(), "signed by another key");
        let (_, rest) = token.split_once('.').unwrap();
        assert!(
            key.verify(&format!("8.{rest}"), NOW).is_none(),
            "re-targeted"
        );
        let mut parts: Vec<&str> = token.split('.').collect();
        let later = (NOW + 10).to_string();
        parts[1] = &later;
        assert!(key.verify(&parts.join("."), NOW).is_none(), "re-dated");
        for junk in ["", "7", "7.1.2.3", "x.y.z.w", &format!("{token}.x")] {
            assert!(key.verify(junk, NOW).is_none(), "{junk:?}");
        }
    }

    #[test]
    fn the_cookie_keeps_other_accounts_and_replaces_its_own() {
        let key = DeviceKey::new(b"a key of at least thirty-two characters");
        let (a, b) = (key.issue(1, NOW - 10), key.issue(2, NOW - 10));
        let browser = PresentedDevices::from_headers(
            &headers(&format!("guichet_session=s; guichet_device={a}~{b}~junk")),
            false,
        );
        assert!(browser.for_account(&key, 1, NOW).is_some());
        assert!(browser.for_account(&key, 3, NOW).is_none());
        let set = browser.after_sign_in(&key, 1, NOW, false);
        assert!(set.starts_with("guichet_device="), "{set}");
        assert!(set.contains("Path=/api/login") && set.contains("HttpOnly"));
        assert!(set.contains("SameSite=Strict") && !set.contains("Secure"));
        let value = set.split(';').next().unwrap();
        let again = PresentedDevices::from_headers(&headers(value), false);
        assert_eq!(again.0.len(), 2, "a new token of 1, and 2's kept: {value}");
        assert!(!value.contains(&a) && value.contains(&b) && !value.contains("junk"));
    }

    #[test]
    fn under_tls_the_cookie_is_secure_and_prefixed() {
        let key = DeviceKey::new(b"a key of at least thirty-two characters");
        let set = PresentedDevices::default().after_sign_in(&key, 1, NOW, true);
        assert!(set.starts_with("__Secure-guichet_device=") && set.contains("; Secure"));
        let token = key.issue(1, NOW);
        let plain = headers(&format!("guichet_device={token}"));
        assert!(PresentedDevices::from_headers(&plain, true)
            .for_account(&key, 1, NOW)
            .is_none());
    }

    #[test]
    fn the_key_never_appears_in_debug_output() {
        let key = DeviceKey::new(b"hunter2 hunter2 hunter2 hunter2 hunter2");
        assert!(!format!("{key:?}").contains("hunter2"));
    }
}
