//! Argon2id password hashing, off the async runtime and bounded: at most
//! `hash_concurrency` hashes run at once, so a flood of log-ins cannot starve
//! the threads that serve pages.

use std::sync::{Arc, OnceLock};

use argon2::{
    password_hash::{phc::PasswordHash, PasswordHasher, PasswordVerifier},
    Algorithm, Argon2, Params, Version,
};
use tokio::sync::Semaphore;

/// The parameters new hashes use: Argon2id, m = 19 MiB, t = 2, p = 1 (OWASP's minimum).
pub const MEMORY_KIB: u32 = 19 * 1024;
pub const ITERATIONS: u32 = 2;
pub const PARALLELISM: u32 = 1;

#[derive(Debug, thiserror::Error)]
pub enum HashError {
    #[error("password hashing failed")]
    Hash,
    #[error("the hashing task was cancelled")]
    Cancelled,
}

/// The outcome of checking a password against a stored hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Verified {
    /// Matches, and the hash uses today's parameters.
    Yes,
    /// Matches, but the hash is weaker than today's parameters: store a new one.
    YesButRehash,
    No,
}

fn hasher() -> Argon2<'static> {
    let params =
        Params::new(MEMORY_KIB, ITERATIONS, PARALLELISM, None).expect("valid argon2 parameters");
    Argon2::new(Algorithm::Argon2id, Version::V0x13, params)
}

/// Bounds how many hashes run at once.
#[derive(Clone, Debug)]
pub struct PasswordHashing {
    permits: Arc<Semaphore>,
}

impl PasswordHashing {
    pub fn new(concurrency: usize) -> Self {
        Self {
            permits: Arc::new(Semaphore::new(concurrency.max(1))),
        }
    }

    /// Hashes a new password.
    pub async fn hash(&self, password: &str) -> Result<String, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Cancelled)?;
        let password = password.to_owned();
        tokio::task::spawn_blocking(move || hash_now(&password))
            .await
            .map_err(|_| HashError::Cancelled)?
    }

    /// Checks a password. With no stored hash (unknown account) it checks
    /// against a dummy hash, so both failures take the same time.
    pub async fn verify(
        &self,
        password: &str,
        stored: Option<&str>,
    ) -> Result<Verified, HashError> {
        let _permit = self
            .permits
            .acquire()
            .await
            .map_err(|_| HashError::Cancelled)?;
        let password = password.to_owned();
        let known = stored.is_some();
        let stored = stored.map(str::to_owned);
        tokio::task::spawn_blocking(move || {
            let hash = stored.as_deref().unwrap_or_else(|| dummy_hash());
            let verdict = verify_now(&password, hash);
            if known {
                verdict
            } else {
                Verified::No
            }
        })
        .await
        .map_err(|_| HashError::Cancelled)
    }
}

fn hash_now(password: &str) -> Result<String, HashError> {
    hasher()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|_| HashError::Hash)
}

fn verify_now(password: &str, stored: &str) -> Verified {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return Verified::No;
    };
    // Verification uses the parameters recorded in the hash itself.
    if Argon2::default()
        .verify_password(password.as_bytes(), &parsed)
        .is_err()
    {
        return Verified::No;
    }
    if is_current(stored) {
        Verified::Yes
    } else {
        Verified::YesButRehash
    }
}

/// Whether a stored hash is Argon2id with at least today's parameters.
fn is_current(stored: &str) -> bool {
    let Ok(parsed) = PasswordHash::new(stored) else {
        return false;
    };
    if parsed.algorithm.as_str() != "argon2id" {
        return false;
    }
    let Ok(params) = Params::try_from(&parsed) else {
        return false;
    };
    params.m_cost() >= MEMORY_KIB && params.t_cost() >= ITERATIONS && params.p_cost() >= PARALLELISM
}

fn dummy_hash() -> &'static str {
    static DUMMY: OnceLock<String> = OnceLock::new();
    DUMMY.get_or_init(|| {
        hash_now("a password nobody has, used to spend the time").expect("dummy hash")
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn a_hash_verifies_its_own_password_and_no_other() {
        let hashing = PasswordHashing::new(1);
        let hash = hashing.hash("correct horse battery").await.unwrap();
        assert!(
            hash.starts_with("$argon2id$v=19$m=19456,t=2,p=1$"),
            "{hash}"
        );
        assert_eq!(
            hashing
                .verify("correct horse battery", Some(&hash))
                .await
                .unwrap(),
            Verified::Yes
        );
        assert_eq!(
            hashing
                .verify("correct horse batterz", Some(&hash))
                .await
                .unwrap(),
            Verified::No
        );
    }

    #[tokio::test]
    async fn an_unknown_account_never_verifies_even_with_the_dummy_password() {
        let hashing = PasswordHashing::new(1);
        let verdict = hashing
            .verify("a password nobody has, used to spend the time", None)
            .await
            .unwrap();
        assert_eq!(verdict, Verified::No);
    }

    #[tokio::test]
    async fn a_weaker_hash_verifies_but_asks_to_be_upgraded() {
        let weak = Argon2::new(
            Algorithm::Argon2id,
            Version::V0x13,
            Params::new(8 * 1024, 1, 1, None).unwrap(),
        )
        .hash_password(b"an older password hash")
        .unwrap()
        .to_string();
        let hashing = PasswordHashing::new(1);
        assert_eq!(
            hashing
                .verify("an older password hash", Some(&weak))
                .await
                .unwrap(),
            Verified::YesButRehash
        );
    }
}
