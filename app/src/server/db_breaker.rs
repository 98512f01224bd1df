//! A circuit breaker in front of the database: once a call finds it unreachable, the calls that
//! follow fail at once (503) instead of each waiting the pool's acquire timeout, and one call a
//! second probes whether it is back. With PostgreSQL killed, a page that makes four database
//! calls answered after 4 × 2 s; with the breaker, after the first call's 2 s.

use std::{
    future::Future,
    sync::{
        atomic::{AtomicU64, Ordering},
        OnceLock,
    },
    time::{Duration, Instant},
};

/// How long calls fail fast after the database was found unreachable, before one probes again.
const OPEN_FOR: Duration = Duration::from_secs(1);
/// How long a probe may take before another caller may probe.
const PROBE_FOR: Duration = Duration::from_secs(3);

/// The breaker's state: 0 when closed (calls go through); else the time (milliseconds on
/// [`clock`]) from which the next caller may probe.
#[derive(Debug, Default)]
pub struct Breaker {
    retry_at: AtomicU64,
}

/// Milliseconds since the first use, on a monotonic clock; never 0 (0 means closed).
fn clock() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    let start = *START.get_or_init(Instant::now);
    u64::try_from(start.elapsed().as_millis())
        .unwrap_or(u64::MAX)
        .saturating_add(1)
}

fn millis(d: Duration) -> u64 {
    u64::try_from(d.as_millis()).unwrap_or(u64::MAX)
}

impl Breaker {
    /// Runs `call` unless the breaker is open and it is not this caller's turn to probe, in
    /// which case it fails at once with [`sqlx::Error::PoolTimedOut`] (answered 503). An error
    /// for which `is_outage` holds opens it.
    pub async fn guard<T>(
        &self,
        call: impl Future<Output = Result<T, sqlx::Error>>,
        is_outage: impl FnOnce(&sqlx::Error) -> bool,
    ) -> Result<T, sqlx::Error> {
        let retry_at = self.retry_at.load(Ordering::Acquire);
        if retry_at != 0 {
            let now = clock();
            let probing = now >= retry_at
                && self
                    .retry_at
                    .compare_exchange(
                        retry_at,
                        now + millis(PROBE_FOR),
                        Ordering::AcqRel,
                        Ordering::Acquire,
                    )
                    .is_ok();
            if !probing {
                return Err(sqlx::Error::PoolTimedOut);
            }
        }
        // On the heap: the guard sits in every database call of a page's render, and in debug
        // builds a call's future inline here overflowed a test thread's stack.
        let result = Box::pin(call).await;
        match &result {
            Err(e) if is_outage(e) => {
                let was = self
                    .retry_at
                    .swap(clock() + millis(OPEN_FOR), Ordering::AcqRel);
                if was == 0 {
                    tracing::warn!(
                        "the database is unreachable; requests answer 503 until it is back"
                    );
                }
            }
            // Only the probe closes it: a call begun before the outage proves nothing.
            Ok(_) if retry_at != 0 && self.retry_at.swap(0, Ordering::AcqRel) != 0 => {
                tracing::info!("the database answers again");
            }
            _ => {}
        }
        result
    }

    /// Whether calls fail fast now.
    #[cfg(test)]
    fn is_open(&self) -> bool {
        self.retry_at.load(Ordering::Acquire) != 0
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn outage(e: &sqlx::Error) -> bool {
        matches!(e, sqlx::Error::PoolTimedOut)
    }

    #[tokio::test]
    async fn opens_on_an_outage_fails_fast_then_one_probe_closes_it() {
        let breaker = Breaker::default();
        assert!(breaker.guard(async { Ok(1) }, outage).await.is_ok());
        assert!(!breaker.is_open());
        // A call that does not reach the database opens it.
        let lost = breaker
            .guard(async { Err::<(), _>(sqlx::Error::PoolTimedOut) }, outage)
            .await;
        assert!(lost.is_err());
        assert!(breaker.is_open());
        // The next call fails at once, without running.
        let mut ran = false;
        let fast = breaker
            .guard(
                async {
                    ran = true;
                    Ok(())
                },
                outage,
            )
            .await;
        assert!(matches!(fast, Err(sqlx::Error::PoolTimedOut)) && !ran);
        // A statement's own error is not an outage: it does not open a closed breaker.
        let other = Breaker::default();
        let _ = other
            .guard(async { Err::<(), _>(sqlx::Error::RowNotFound) }, outage)
            .await;
        assert!(!other.is_open());
        // After OPEN_FOR, one caller probes; its success closes the breaker.
        tokio::time::sleep(OPEN_FOR + Duration::from_millis(20)).await;
        assert!(breaker.guard(async { Ok(()) }, outage).await.is_ok());
        assert!(!breaker.is_open());
    }
}
