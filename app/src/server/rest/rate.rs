//! Per-token rate limits of `/api/v1`: a generic cell-rate algorithm per token, in this
//! process's memory. Each token may make `per_minute` calls a minute on average, and a burst of
//! up to a tenth of that at once; past it, 429 with `Retry-After`. With several instances behind
//! a load balancer each counts on its own, so a token's limit there is per instance.

use std::collections::HashMap;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The limiter of every token's calls.
#[derive(Debug)]
pub struct ApiRateLimiter {
    /// Time between two calls at the sustained rate.
    interval: Duration,
    /// How far ahead of the sustained rate a token may run (the burst).
    tolerance: Duration,
    /// Per token id: the theoretical arrival time of its next call.
    next: Mutex<HashMap<i64, Instant>>,
}

/// Entries kept before the stale ones are swept out.
const SWEEP_AT: usize = 10_000;

impl ApiRateLimiter {
    pub fn new(per_minute: u32) -> Self {
        let per_minute = per_minute.max(1);
        let interval = Duration::from_secs(60) / per_minute;
        let burst = (per_minute / 10).max(1);
        Self {
            interval,
            tolerance: interval * burst,
            next: Mutex::new(HashMap::new()),
        }
    }

    /// Counts a call of token `token_id` at `now`: `Ok`, or how long to wait.
    pub fn admit(&self, token_id: i64, now: Instant) -> Result<(), Duration> {
        let mut next = self
            .next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        if next.len() >= SWEEP_AT {
            next.retain(|_, at| *at > now);
        }
        let tat = next
            .get(&token_id)
            .copied()
            .filter(|at| *at > now)
            .unwrap_or(now);
        let allowed_from = tat.checked_sub(self.tolerance).unwrap_or(now);
        if now < allowed_from {
            return Err(allowed_from - now);
        }
        next.insert(token_id, tat + self.interval);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_burst_passes_then_calls_wait_for_the_sustained_rate() {
        let limiter = ApiRateLimiter::new(600); // one call every 100 ms, bursts of 60
        let start = Instant::now();
        for i in 0..61 {
            assert!(limiter.admit(1, start).is_ok(), "call {i} of the burst");
        }
        let wait = limiter.admit(1, start).unwrap_err();
        assert!(
            wait > Duration::ZERO && wait <= Duration::from_millis(100),
            "{wait:?}"
        );
        // Another token has its own allowance.
        assert!(limiter.admit(2, start).is_ok());
        // After the wait, one more call passes.
        assert!(limiter.admit(1, start + wait).is_ok());
        // A quiet minute restores the whole burst.
        let later = start + Duration::from_secs(60);
        for _ in 0..61 {
            assert!(limiter.admit(1, later).is_ok());
        }
        assert!(limiter.admit(1, later).is_err());
    }
}
