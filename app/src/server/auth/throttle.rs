//! Log-in throttling: after too many failures within a window, for one account
//! or from one client address, further attempts answer 429 with `Retry-After`.
//!
//! Counters live in memory, per instance. Several instances behind a load
//! balancer each allow the limit (a documented trade-off until the metrics and
//! multi-instance issue moves them to the database).

use std::{
    collections::{HashMap, VecDeque},
    sync::Mutex,
    time::{Duration, Instant},
};

#[derive(Debug)]
pub struct LoginThrottle {
    max_failures: usize,
    window: Duration,
    failures: Mutex<HashMap<String, VecDeque<Instant>>>,
}

impl LoginThrottle {
    pub fn new(max_failures: u32, window: Duration) -> Self {
        Self {
            max_failures: max_failures as usize,
            window,
            failures: Mutex::new(HashMap::new()),
        }
    }

    /// `Err(seconds to wait)` when any of `keys` is over its limit.
    pub fn check(&self, keys: &[String], now: Instant) -> Result<(), u64> {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        let mut wait = 0;
        for key in keys {
            if let Some(times) = map.get_mut(key) {
                prune(times, now, self.window);
                if times.len() >= self.max_failures {
                    let oldest = times.front().copied().unwrap_or(now);
                    let until = oldest + self.window;
                    wait = wait.max(until.saturating_duration_since(now).as_secs().max(1));
                }
            }
        }
        if wait > 0 {
            Err(wait)
        } else {
            Ok(())
        }
    }

    pub fn record_failure(&self, keys: &[String], now: Instant) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        for key in keys {
            let times = map.entry(key.clone()).or_default();
            prune(times, now, self.window);
            times.push_back(now);
        }
        // Keep the map from growing without bound under a spray of addresses.
        if map.len() > 100_000 {
            map.retain(|_, times| {
                prune(times, now, self.window);
                !times.is_empty()
            });
        }
    }

    /// A successful log-in clears the account's failures (not the address's).
    pub fn clear(&self, key: &str) {
        let mut map = self.failures.lock().unwrap_or_else(|p| p.into_inner());
        map.remove(key);
    }
}

fn prune(times: &mut VecDeque<Instant>, now: Instant, window: Duration) {
    while times
        .front()
        .is_some_and(|t| now.duration_since(*t) >= window)
    {
        times.pop_front();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_eleventh_attempt_after_ten_failures_is_refused_until_the_window_passes() {
        let t = LoginThrottle::new(10, Duration::from_secs(900));
        let keys = vec!["account:a@example.org".to_string()];
        let start = Instant::now();
        for i in 0..10 {
            assert!(t.check(&keys, start).is_ok(), "attempt {i}");
            t.record_failure(&keys, start);
        }
        let wait = t.check(&keys, start).unwrap_err();
        assert!((899..=900).contains(&wait), "{wait}");
        assert!(t.check(&keys, start + Duration::from_secs(900)).is_ok());
    }

    #[test]
    fn a_success_clears_the_account_counter() {
        let t = LoginThrottle::new(2, Duration::from_secs(60));
        let keys = vec!["account:b@example.org".to_string()];
        let now = Instant::now();
        t.record_failure(&keys, now);
        t.record_failure(&keys, now);
        assert!(t.check(&keys, now).is_err());
        t.clear(&keys[0]);
        assert!(t.check(&keys, now).is_ok());
    }
}
