use super::*;

const QUARTER_HOUR: Allowance = Allowance {
    free: 10,
    quiet_ms: 15 * 60 * 1_000,
};
const T0: i64 = 1_767_225_600_000;

/// One attempt at `now` on a counter (`None`: no row yet), as [`Throttle::admit`] takes it
/// with a single counter: counted, then let through unless it must wait.
fn attempt(counter: Option<Counter>, now: i64, a: Allowance) -> (Counter, Option<i64>) {
    let counted = match counter {
        None => Counter::fresh(now).current(now),
        Some(c) => Counter {
            attempts: c.attempts + 1,
            ..c
        }
        .current(now),
    };
    match counted.wait_ms(now) {
        Some(wait) => (counted, Some(wait)),
        None => (counted.admit(now, a), None),
    }
}

#[test]
fn the_free_attempts_pass_then_delays_double_up_to_a_quarter_of_an_hour() {
    let mut c = None;
    for i in 0..10 {
        let (next, wait) = attempt(c, T0, QUARTER_HOUR);
        assert_eq!(wait, None, "free attempt {i}");
        c = Some(next);
    }
    let mut now = T0;
    let mut waits = Vec::new();
    for _ in 0..13 {
        let (refused, wait) = attempt(c, now, QUARTER_HOUR);
        let wait = wait.expect("refused before the delay is over");
        waits.push(wait / 1_000);
        now += wait;
        let (admitted, none) = attempt(Some(refused), now, QUARTER_HOUR);
        assert_eq!(none, None, "let through once the delay is over");
        c = Some(admitted);
    }
    assert_eq!(
        waits,
        [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900, 900]
    );
}

#[test]
fn refused_attempts_are_counted_but_do_not_lengthen_the_delay() {
    let mut c = None;
    for _ in 0..10 {
        c = Some(attempt(c, T0, QUARTER_HOUR).0);
    }
    for _ in 0..100 {
        let (next, wait) = attempt(c, T0 + 500, QUARTER_HOUR);
        assert_eq!(wait, Some(500));
        c = Some(next);
    }
    let c = c.unwrap();
    assert_eq!((c.attempts, c.admitted), (110, 10));
    assert_eq!(attempt(Some(c), T0 + 1_000, QUARTER_HOUR).1, None);
}

#[test]
fn a_burst_ends_after_a_quiet_quarter_of_an_hour_past_its_last_delay() {
    let mut c = None;
    for _ in 0..10 {
        c = Some(attempt(c, T0, QUARTER_HOUR).0);
    }
    let c = c.unwrap();
    assert_eq!(c.blocked_until, T0 + 1_000);
    assert_eq!(c.expires_at, T0 + 1_000 + QUARTER_HOUR.quiet_ms);
    let still = Counter {
        attempts: c.attempts + 1,
        ..c
    }
    .current(c.expires_at - 1);
    assert_eq!(still.admitted, 10);
    let over = c.current(c.expires_at);
    assert_eq!(over, Counter::fresh(c.expires_at));
}

#[test]
fn delays_never_overflow() {
    assert_eq!(delay_ms(0), 1_000);
    assert_eq!(delay_ms(9), 512_000);
    assert_eq!(delay_ms(10), MAX_DELAY_MS);
    assert_eq!(delay_ms(63), MAX_DELAY_MS);
    assert_eq!(delay_ms(i64::MAX), MAX_DELAY_MS);
}

#[test]
fn keys_hold_no_address_in_clear_and_differ_by_scope() {
    let account = CounterKey::login_account("camille.roux@univ-palaiseau.test");
    let address = CounterKey::login_address("192.0.2.10");
    assert_eq!(account.hash().len(), 64);
    assert!(!account.hash().contains("camille") && !address.hash().contains("192"));
    assert_ne!(
        CounterKey::login_address("192.0.2.10").hash(),
        CounterKey::signup_address("192.0.2.10").hash()
    );
}

/// Guesses per day an attacker gets on one counter by taking `extra` delayed guesses after the
/// free ones in each burst (each as soon as allowed), then waiting for the burst to end.
fn guesses_per_day(a: Allowance, extra: i64) -> i64 {
    let day = 24 * 3_600 * 1_000;
    let (mut now, mut counter, mut guesses) = (T0, None, 0);
    while now < T0 + day {
        let (c, wait) = attempt(counter, now, a);
        assert_eq!(wait, None, "the attacker only tries when allowed");
        guesses += 1;
        now = if c.admitted < a.free + extra {
            c.blocked_until.max(now)
        } else {
            c.expires_at
        };
        counter = Some(c);
    }
    guesses
}

/// The figures in `docs/authorization.md`: with the defaults, the best an attacker can do
/// against one account from unknown browsers (from any number of addresses), and from one
/// address against any accounts. Hammering without pause gets far less.
#[test]
fn the_best_attacker_gets_1360_guesses_a_day_on_one_account() {
    let best = (0..=20)
        .map(|extra| (guesses_per_day(QUARTER_HOUR, extra), extra))
        .max()
        .unwrap();
    assert_eq!(best, (1_360, 6), "10 free and 6 delayed guesses a burst");
    assert_eq!(guesses_per_day(QUARTER_HOUR, 0), 960, "the free ones only");
    assert_eq!(
        guesses_per_day(QUARTER_HOUR, 1_000),
        114,
        "hammering without pause"
    );
    let per_address = Allowance {
        free: 30,
        ..QUARTER_HOUR
    };
    let best = (0..=20)
        .map(|extra| (guesses_per_day(per_address, extra), extra))
        .max()
        .unwrap();
    assert_eq!(best, (3_162, 4));
}
