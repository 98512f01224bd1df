//! Throttling of password guesses and sign-ups, counted in the database so that every instance
//! shares the counts.
//!
//! Each attempt is counted **before** any password is hashed, in its own short transaction
//! ([`Throttle::admit`]): one atomic upsert per counter returns the count, the decision is taken
//! on it, the counter's new state is written back, and only then is the password checked. So
//! 40 guesses sent at once see 40 different counts, and only the free allowance reaches the hash.
//!
//! A counter lets [`Allowance::free`] attempts through, then slows further ones with growing
//! delays rather than a hard lock: after the free ones, the next attempt must wait 1 s, then
//! 2 s, 4 s, … up to [`MAX_DELAY_MS`]; an attempt that comes earlier is refused (429 with
//! `Retry-After`) and does not lengthen the delay. A burst ends once its counter has been
//! quiet for [`Allowance::quiet_ms`] after the last delay; the counter then starts afresh.
//!
//! What is counted ([`Counted`]) and why is decided by the callers: sign-in
//! (`identity::log_in`) counts an unknown browser's attempts per account and per client
//! address, and a known browser's per device cookie only (see [`super::device`]); sign-up counts
//! per client address; the current-password check per account. A success takes its attempt back
//! ([`Throttle::release`]), so people who type their password right use up nothing.

use std::{
    sync::{
        atomic::{AtomicI64, Ordering},
        Arc,
    },
    time::Duration,
};

use sha2::{Digest as _, Sha256};

use super::device::DeviceToken;
use crate::error::AppError;
use crate::server::{config::AppConfig, db::Db, error::ServiceResult};

mod repo;
#[cfg(test)]
mod tests;

/// The delay after the first attempt beyond the free allowance; each further one doubles it.
pub const FIRST_DELAY_MS: i64 = 1_000;
/// The longest delay: 15 minutes.
pub const MAX_DELAY_MS: i64 = 15 * 60 * 1_000;
/// How long a burst of sign-ups from one address lasts without a sign-up.
pub const SIGNUP_QUIET: Duration = Duration::from_secs(3_600);

/// Reset links asked for one address in a burst before growing delays.
pub const RESET_FREE_PER_ACCOUNT: u32 = 3;

/// How a counter slows attempts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowance {
    /// Attempts let through freely within a burst.
    pub free: i64,
    /// A burst is over once nothing was let through for this long after its last delay.
    pub quiet_ms: i64,
}

impl Allowance {
    fn new(free: u32, quiet: Duration) -> Self {
        Self {
            free: i64::from(free),
            quiet_ms: i64::try_from(quiet.as_millis()).unwrap_or(i64::MAX / 4),
        }
    }
}

/// The wait imposed after the `beyond`-th attempt past the free allowance (0 for the first):
/// 1 s, 2 s, 4 s, … capped at [`MAX_DELAY_MS`].
pub fn delay_ms(beyond: i64) -> i64 {
    if beyond >= 20 {
        return MAX_DELAY_MS;
    }
    (FIRST_DELAY_MS << beyond.max(0)).min(MAX_DELAY_MS)
}

/// What a counter counts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Counted {
    /// Sign-in attempts for one e-mail address from browsers without its device cookie.
    LoginAccount,
    /// Sign-in attempts carrying one device cookie (its own allowance).
    LoginDevice,
    /// Sign-in attempts from one client address, from browsers without a device cookie for
    /// the account they try.
    LoginAddress,
    /// Sign-ups from one client address.
    SignupAddress,
    /// Checks of a signed-in person's current password (to change it).
    CurrentPassword,
    /// Password reset links asked for one e-mail address (whether or not it has an account).
    ResetAccount,
    /// Password reset links asked from one client address.
    ResetAddress,
    /// Codes of one account's second factor (at sign-in, or to change the factor).
    SecondFactor,
}

impl Counted {
    /// The `scope` column.
    pub fn scope(self) -> &'static str {
        match self {
            Self::LoginAccount => "login_account",
            Self::LoginDevice => "login_device",
            Self::LoginAddress => "login_address",
            Self::SignupAddress => "signup_address",
            Self::CurrentPassword => "current_password",
            Self::ResetAccount => "reset_account",
            Self::ResetAddress => "reset_address",
            Self::SecondFactor => "second_factor",
        }
    }
}

/// One counter: what it counts, and whose, as a SHA-256 (the table holds no e-mail or IP address).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct CounterKey {
    counted: Counted,
    hash: String,
}

impl CounterKey {
    fn new(counted: Counted, whose: &str) -> Self {
        let digest = Sha256::new()
            .chain_update(counted.scope().as_bytes())
            .chain_update(b"\n")
            .chain_update(whose.as_bytes())
            .finalize();
        Self {
            counted,
            hash: digest.iter().map(|b| format!("{b:02x}")).collect(),
        }
    }
    /// An e-mail address (trimmed, lower case), tried from unknown browsers.
    pub fn login_account(email: &str) -> Self {
        Self::new(Counted::LoginAccount, email)
    }
    /// One device cookie of one account.
    pub fn login_device(device: &DeviceToken) -> Self {
        Self::new(
            Counted::LoginDevice,
            &format!("{}.{}", device.user_id(), device.nonce()),
        )
    }
    /// A client address, for sign-ins from unknown browsers.
    pub fn login_address(ip: &str) -> Self {
        Self::new(Counted::LoginAddress, ip)
    }
    /// A client address, for sign-ups.
    pub fn signup_address(ip: &str) -> Self {
        Self::new(Counted::SignupAddress, ip)
    }
    /// An e-mail address (trimmed, lower case) a reset link is asked for.
    pub fn reset_account(email: &str) -> Self {
        Self::new(Counted::ResetAccount, email)
    }
    /// A client address, for reset links.
    pub fn reset_address(ip: &str) -> Self {
        Self::new(Counted::ResetAddress, ip)
    }
    /// A person's account, for checks of their second factor's codes.
    pub fn second_factor(user_id: i64) -> Self {
        Self::new(Counted::SecondFactor, &user_id.to_string())
    }
    /// A person's account, for checks of their current password.
    pub fn current_password(user_id: i64) -> Self {
        Self::new(Counted::CurrentPassword, &user_id.to_string())
    }
    pub fn counted(&self) -> Counted {
        self.counted
    }
    pub fn scope(&self) -> &'static str {
        self.counted.scope()
    }
    /// The `key_hash` column: SHA-256 of the scope and the key, lower-case hex.
    pub fn hash(&self) -> &str {
        &self.hash
    }
}

/// A counter's state: a row of `throttle_counters`. Instants are Unix milliseconds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Counter {
    /// Every attempt of this burst, refused ones included.
    pub attempts: i64,
    /// Attempts let through, less those that succeeded.
    pub admitted: i64,
    /// Attempts before this instant are refused.
    pub blocked_until: i64,
    pub started_at: i64,
    /// Once past, the burst is over.
    pub expires_at: i64,
    /// When the account's owner was told of this burst.
    pub notified_at: Option<i64>,
}

impl Counter {
    /// A burst that begins with the attempt being counted at `now`.
    pub fn fresh(now: i64) -> Self {
        Self {
            attempts: 1,
            admitted: 0,
            blocked_until: 0,
            started_at: now,
            expires_at: now,
            notified_at: None,
        }
    }

    /// The state as seen at `now`, the attempt being made already counted: a burst that is
    /// over starts afresh.
    pub fn current(self, now: i64) -> Self {
        if now >= self.expires_at {
            Self::fresh(now)
        } else {
            self
        }
    }

    /// How long an attempt at `now` must still wait, if it must.
    pub fn wait_ms(&self, now: i64) -> Option<i64> {
        (self.blocked_until > now).then(|| self.blocked_until - now)
    }

    /// Lets the attempt at `now` through: past the free allowance, the next one waits.
    pub fn admit(mut self, now: i64, allowance: Allowance) -> Self {
        self.admitted += 1;
        if self.admitted >= allowance.free {
            self.blocked_until = now + delay_ms(self.admitted - allowance.free);
        }
        self.expires_at = now.max(self.blocked_until) + allowance.quiet_ms;
        self
    }
}

/// The clock of the throttles: the system's, or, for tests and benchmarks, one frozen at an
/// instant and moved by hand ([`Clock::advance`]). Clones share it.
#[derive(Clone, Debug, Default)]
pub struct Clock {
    /// 0: the system's clock; otherwise the frozen instant (Unix ms).
    frozen_ms: Arc<AtomicI64>,
}

impl Clock {
    /// Now, in Unix milliseconds.
    pub fn now_ms(&self) -> i64 {
        match self.frozen_ms.load(Ordering::SeqCst) {
            0 => system_now_ms(),
            frozen => frozen,
        }
    }
    /// Stops the clock at the current instant.
    pub fn freeze(&self) {
        let _ =
            self.frozen_ms
                .compare_exchange(0, system_now_ms(), Ordering::SeqCst, Ordering::SeqCst);
    }
    /// Freezes the clock (if it runs) and moves it forward by `by`.
    pub fn advance(&self, by: Duration) {
        self.freeze();
        let by = i64::try_from(by.as_millis()).unwrap_or(0);
        self.frozen_ms.fetch_add(by, Ordering::SeqCst);
    }
}

fn system_now_ms() -> i64 {
    let now = time::OffsetDateTime::now_utc();
    i64::try_from(now.unix_timestamp_nanos() / 1_000_000).unwrap_or(i64::MAX)
}

/// The allowance of every kind of counter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Allowances {
    pub login_account: Allowance,
    pub login_device: Allowance,
    pub login_address: Allowance,
    pub signup_address: Allowance,
    pub current_password: Allowance,
    pub reset_account: Allowance,
    pub reset_address: Allowance,
    pub second_factor: Allowance,
}

impl Allowances {
    /// From `GUICHET_LOGIN_MAX_FAILURES`, `GUICHET_LOGIN_WINDOW_MINUTES`,
    /// `GUICHET_LOGIN_ADDRESS_MAX_FAILURES` and `GUICHET_SIGNUP_MAX_PER_ADDRESS`.
    pub fn from_config(config: &AppConfig) -> Self {
        let per_account = Allowance::new(config.login_max_failures, config.login_window);
        Self {
            login_account: per_account,
            login_device: per_account,
            login_address: Allowance::new(config.login_address_max_failures, config.login_window),
            signup_address: Allowance::new(config.signup_max_per_address, SIGNUP_QUIET),
            current_password: per_account,
            // A person who lost their password asks once or twice; more is someone else
            // filling their mailbox. The same quiet hour as sign-ups.
            reset_account: Allowance::new(RESET_FREE_PER_ACCOUNT, SIGNUP_QUIET),
            reset_address: Allowance::new(config.signup_max_per_address, SIGNUP_QUIET),
            // Six digits are guessed faster than a password: the same allowance as passwords,
            // so a million codes take years.
            second_factor: per_account,
        }
    }

    pub fn of(&self, counted: Counted) -> Allowance {
        match counted {
            Counted::LoginAccount => self.login_account,
            Counted::LoginDevice => self.login_device,
            Counted::LoginAddress => self.login_address,
            Counted::SignupAddress => self.signup_address,
            Counted::CurrentPassword => self.current_password,
            Counted::ResetAccount => self.reset_account,
            Counted::ResetAddress => self.reset_address,
            Counted::SecondFactor => self.second_factor,
        }
    }
}

/// The counters of one attempt that was let through.
#[derive(Debug)]
pub struct Admission {
    counters: Vec<(CounterKey, Counter)>,
}

impl Admission {
    /// The state of `key`'s counter once this attempt was let through.
    pub fn counter(&self, key: &CounterKey) -> Option<&Counter> {
        self.counters.iter().find(|(k, _)| k == key).map(|(_, c)| c)
    }
}

/// The portal's throttles: their allowances and their clock. Cheap to clone.
#[derive(Clone, Debug)]
pub struct Throttle {
    allowances: Allowances,
    clock: Clock,
}

impl Throttle {
    pub fn new(allowances: Allowances) -> Self {
        Self {
            allowances,
            clock: Clock::default(),
        }
    }

    pub fn allowances(&self) -> &Allowances {
        &self.allowances
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// Counts an attempt on every counter of `keys`, before anything is checked, in one short
    /// transaction: let through when no counter makes it wait, otherwise refused with
    /// [`AppError::TooManyRequests`] (the longest wait, in whole seconds). A refused attempt is
    /// counted but not let through on any counter.
    pub async fn admit(&self, db: &Db, keys: &[CounterKey]) -> ServiceResult<Admission> {
        if keys.is_empty() {
            return Ok(Admission {
                counters: Vec::new(),
            });
        }
        let now = self.clock.now_ms();
        // One order for every caller, so two transactions never wait on each other's rows.
        let mut keys = keys.to_vec();
        keys.sort();
        keys.dedup();
        let mut tx = db.write_tx().await?;
        let mut counters = Vec::with_capacity(keys.len());
        for key in keys {
            let counter = repo::count_attempt(&mut tx, &key, now).await?.current(now);
            counters.push((key, counter));
        }
        let wait_ms = counters.iter().filter_map(|(_, c)| c.wait_ms(now)).max();
        if wait_ms.is_none() {
            for (key, counter) in &mut counters {
                *counter = counter.admit(now, self.allowances.of(key.counted()));
            }
        }
        for (key, counter) in &counters {
            repo::store(&mut tx, key, counter).await?;
        }
        tx.commit().await?;
        match wait_ms {
            None => Ok(Admission { counters }),
            Some(ms) => Err(AppError::TooManyRequests {
                retry_after_secs: u64::try_from((ms + 999) / 1_000).unwrap_or(1).max(1),
            }
            .into()),
        }
    }

    /// Takes back the attempt just let through on `keys`: it succeeded.
    pub async fn release(&self, db: &Db, keys: &[CounterKey]) -> ServiceResult<()> {
        let mut conn = db.pool().acquire().await?;
        for key in keys {
            repo::take_back(&mut conn, key, self.allowances.of(key.counted()).free).await?;
        }
        Ok(())
    }

    /// Claims the one notice of `key`'s current burst: `true` once per burst, for whoever
    /// asks first.
    pub async fn claim_notice(&self, db: &Db, key: &CounterKey) -> ServiceResult<bool> {
        let mut conn = db.pool().acquire().await?;
        Ok(repo::claim_notice(&mut conn, key, self.clock.now_ms()).await?)
    }

    /// Deletes the counters whose burst is over; how many.
    pub async fn prune(&self, db: &Db) -> Result<u64, sqlx::Error> {
        let mut conn = db.pool().acquire().await?;
        repo::prune(&mut conn, self.clock.now_ms()).await
    }
}
