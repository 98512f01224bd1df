//! Throttling of password guesses and sign-ups (issue 10, points 3 and 4), through the real
//! router, on SQLite and on PostgreSQL: attempts counted in the database before the hash, so
//! concurrent guesses and several instances share one count; device cookies that keep the
//! owner's browser in while unknown browsers are slowed by growing delays; one notice per burst.
//!
//! Most tests freeze the throttle's clock (`state.throttle.clock()`) and move it by hand, so
//! that delays are exact and nothing depends on how fast the machine hashes.

use crate::common;

use std::time::Duration;

use app::server::{
    auth::device::{DeviceKey, DEVICE_COOKIE_LIFETIME_SECS},
    identity::failed_attempts::SUBJECT as NOTICE_SUBJECT,
    AppConfig,
};
use axum::http::StatusCode;
use common::*;

const WRONG: &str = "not the right password";

fn is_ok(r: &TestResponse) -> bool {
    r.status.is_success() || r.status.is_redirection()
}

fn retry_after(r: &TestResponse) -> u64 {
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    r.header("retry-after")
        .expect("a Retry-After header")
        .parse()
        .expect("seconds")
}

/// A browser of its own at `ip`, with no cookie.
fn browser(app: &TestApp, ip: &str) -> Client {
    let mut c = app.anon();
    c.peer = format!("{ip}:5000").parse().unwrap();
    c
}

/// A browser at `ip` that signed in to `email` before: it holds the account's device cookie,
/// and no session any more.
async fn known_browser(app: &TestApp, email: &str, ip: &str) -> Client {
    let mut c = browser(app, ip);
    let r = c.login(email, DEMO_PASSWORD).await;
    assert!(is_ok(&r), "{} {}", r.status, r.body);
    assert!(c.device_cookie.is_some(), "a sign-in gives a device cookie");
    c.cookie = None;
    c
}

/// Sends `n` wrong passwords for `email` at once, each from its own unknown browser and
/// address; the statuses.
async fn guesses_at_once(app: &TestApp, email: &str, n: usize) -> Vec<StatusCode> {
    let mut tasks = Vec::new();
    for i in 0..n {
        let mut c = browser(app, &format!("203.0.113.{}", i % 250));
        let email = email.to_owned();
        tasks.push(tokio::spawn(
            async move { c.login(&email, WRONG).await.status },
        ));
    }
    let mut statuses = Vec::new();
    for t in tasks {
        statuses.push(t.await.unwrap());
    }
    statuses
}

fn count(statuses: &[StatusCode], status: StatusCode) -> usize {
    statuses.iter().filter(|s| **s == status).count()
}

async fn notices_to(app: &TestApp, email: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(
        "SELECT body FROM email_outbox WHERE to_email = $1 AND subject = $2 ORDER BY id",
    )
    .bind(email)
    .bind(NOTICE_SUBJECT)
    .fetch_all(app.owner_pool())
    .await
    .unwrap();
    rows.into_iter().map(|(b,)| b).collect()
}

fn now_secs(app: &TestApp) -> i64 {
    app.state.throttle.clock().now_ms() / 1_000
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn forty_wrong_passwords_at_once_get_the_allowance_of_401s_and_429s_for_the_rest() {
    let app = TestApp::with_demo().await;
    app.state.throttle.clock().freeze();
    let statuses = guesses_at_once(&app, UNIV_OWNER, 40).await;
    let allowance = app.state.config.login_max_failures as usize;
    assert_eq!(
        count(&statuses, StatusCode::UNAUTHORIZED),
        allowance,
        "{statuses:?}"
    );
    assert_eq!(
        count(&statuses, StatusCode::TOO_MANY_REQUESTS),
        40 - allowance,
        "{statuses:?}"
    );
    let (attempts, admitted): (i64, i64) = sqlx::query_as(
        "SELECT attempts, admitted FROM throttle_counters WHERE scope = 'login_account'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!((attempts, admitted), (40, allowance as i64));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_instances_share_one_count() {
    let app = TestApp::with_demo().await;
    let other = app.second_instance().await;
    app.state.throttle.clock().freeze();
    other.state.throttle.clock().freeze();
    let (here, there) = tokio::join!(
        guesses_at_once(&app, UNIV_OWNER, 20),
        guesses_at_once(&other, UNIV_OWNER, 20)
    );
    let all: Vec<StatusCode> = here.into_iter().chain(there).collect();
    assert_eq!(
        count(&all, StatusCode::UNAUTHORIZED),
        app.state.config.login_max_failures as usize,
        "{all:?}"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn the_owner_with_a_device_cookie_signs_in_while_an_attacker_hammers() {
    let app = TestApp::with_demo().await;
    app.state.throttle.clock().freeze();
    let mut owner = known_browser(&app, UNIV_OWNER, "198.51.100.7").await;

    let attack = {
        let attacker = app.anon();
        tokio::spawn(async move {
            let mut tasks = Vec::new();
            for _ in 0..40 {
                let mut c = attacker.clone();
                c.peer = "203.0.113.66:4000".parse().unwrap();
                tasks.push(tokio::spawn(async move {
                    c.login(UNIV_OWNER, WRONG).await.status
                }));
            }
            let mut statuses = Vec::new();
            for t in tasks {
                statuses.push(t.await.unwrap());
            }
            statuses
        })
    };
    // The owner mistypes twice during the attack, then signs in.
    for _ in 0..2 {
        let r = owner.login(UNIV_OWNER, WRONG).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let statuses = attack.await.unwrap();
    assert!(
        count(&statuses, StatusCode::TOO_MANY_REQUESTS) >= 30,
        "{statuses:?}"
    );
    let r = owner.login(UNIV_OWNER, DEMO_PASSWORD).await;
    assert!(
        is_ok(&r),
        "the owner's browser is not slowed: {} {}",
        r.status,
        r.body
    );
    assert_eq!(owner.call("whoami", &[]).await.json()["email"], UNIV_OWNER);

    // An unknown browser, even with the right password, waits.
    let mut new_laptop = browser(&app, "198.51.100.7");
    let r = new_laptop.login(UNIV_OWNER, DEMO_PASSWORD).await;
    assert!(retry_after(&r) >= 1);
}

#[tokio::test]
async fn an_unknown_browser_is_slowed_with_a_growing_retry_after_not_locked_out() {
    let app = TestApp::with_demo().await;
    let clock = app.state.throttle.clock().clone();
    clock.freeze();
    let mut attacker = browser(&app, "203.0.113.5");
    for _ in 0..10 {
        assert_eq!(
            attacker.login(UNIV_OWNER, WRONG).await.status,
            StatusCode::UNAUTHORIZED
        );
    }
    let mut waits = Vec::new();
    for _ in 0..12 {
        let wait = retry_after(&attacker.login(UNIV_OWNER, WRONG).await);
        waits.push(wait);
        clock.advance(Duration::from_secs(wait));
        let r = attacker.login(UNIV_OWNER, WRONG).await;
        assert_eq!(
            r.status,
            StatusCode::UNAUTHORIZED,
            "let through after {wait} s"
        );
    }
    assert_eq!(waits, [1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 900, 900]);

    // Once the delay is over, the owner on a new browser gets in: slowed, never locked out.
    clock.advance(Duration::from_secs(900));
    let r = browser(&app, "198.51.100.8")
        .login(UNIV_OWNER, DEMO_PASSWORD)
        .await;
    assert!(is_ok(&r), "{} {}", r.status, r.body);
}

#[tokio::test]
async fn the_owner_is_told_once_per_burst_and_strangers_are_not() {
    let app = TestApp::with_demo().await;
    app.reads_english(UNIV_OWNER).await;
    let clock = app.state.throttle.clock().clone();
    clock.freeze();
    let mut attacker = browser(&app, "203.0.113.5");
    for _ in 0..9 {
        attacker.login(UNIV_OWNER, WRONG).await;
    }
    assert!(
        notices_to(&app, UNIV_OWNER).await.is_empty(),
        "not before the delays begin"
    );
    attacker.login(UNIV_OWNER, WRONG).await;
    let notices = notices_to(&app, UNIV_OWNER).await;
    assert_eq!(notices.len(), 1);
    assert!(notices[0].contains("10 attempts"), "{}", notices[0]);
    assert!(
        notices[0].contains("you can still sign in from them"),
        "{}",
        notices[0]
    );

    // The same burst goes on, refused and delayed: no second notice.
    for _ in 0..5 {
        let wait = retry_after(&attacker.login(UNIV_OWNER, WRONG).await);
        clock.advance(Duration::from_secs(wait));
        attacker.login(UNIV_OWNER, WRONG).await;
    }
    assert_eq!(notices_to(&app, UNIV_OWNER).await.len(), 1);

    // A quiet quarter of an hour after the last delay: the next burst is told again.
    clock.advance(Duration::from_secs(64 + 15 * 60));
    for _ in 0..10 {
        attacker.login(UNIV_OWNER, WRONG).await;
    }
    assert_eq!(notices_to(&app, UNIV_OWNER).await.len(), 2);

    // The owner's own browser mistyping, and guesses at addresses with no account, tell nobody.
    let mut member = known_browser(&app, UNIV_MEMBER, "198.51.100.7").await;
    for _ in 0..12 {
        member.login(UNIV_MEMBER, WRONG).await;
        attacker.login("nobody@univ-palaiseau.test", WRONG).await;
    }
    assert!(notices_to(&app, UNIV_MEMBER).await.is_empty());
    assert!(notices_to(&app, "nobody@univ-palaiseau.test")
        .await
        .is_empty());
}

#[tokio::test]
async fn a_forged_expired_or_other_accounts_device_cookie_gives_no_allowance() {
    let app = TestApp::with_demo().await;
    app.state.throttle.clock().freeze();
    let owner_id = app.user_id(UNIV_OWNER).await;
    let member = known_browser(&app, UNIV_MEMBER, "198.51.100.7").await;
    let owner = known_browser(&app, UNIV_OWNER, "198.51.100.7").await;
    let mut attacker = browser(&app, "203.0.113.5");
    for _ in 0..10 {
        attacker.login(UNIV_OWNER, WRONG).await;
    }
    let now = now_secs(&app);
    let forged_key = DeviceKey::new(b"not the portal's key, though long enough");
    let cookies = [
        ("forged", forged_key.issue(owner_id, now)),
        (
            "expired",
            app.state
                .device_key
                .issue(owner_id, now - DEVICE_COOKIE_LIFETIME_SECS - 1),
        ),
        (
            "another account's",
            member
                .device_cookie
                .clone()
                .unwrap()
                .trim_start_matches("guichet_device=")
                .to_owned(),
        ),
        ("malformed", "1.2.3.4".to_owned()),
    ];
    for (what, token) in cookies {
        let mut c = browser(&app, "198.51.100.7");
        c.device_cookie = Some(format!("guichet_device={token}"));
        let r = c.login(UNIV_OWNER, DEMO_PASSWORD).await;
        assert_eq!(
            r.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{what}: {}",
            r.body
        );
    }
    let mut owner = owner;
    let r = owner.login(UNIV_OWNER, DEMO_PASSWORD).await;
    assert!(is_ok(&r), "the genuine cookie: {} {}", r.status, r.body);
}

#[tokio::test]
async fn a_campus_address_full_of_failures_slows_unknown_browsers_only() {
    let app = TestApp::with_demo().await;
    app.state.throttle.clock().freeze();
    let campus = "198.51.100.20";
    let mut admin = known_browser(&app, ADMIN, campus).await;
    for i in 0..app.state.config.login_address_max_failures {
        let r = browser(&app, campus)
            .login(&format!("student{i}@univ-palaiseau.test"), WRONG)
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    }
    let r = browser(&app, campus)
        .login(UNIV_MEMBER, DEMO_PASSWORD)
        .await;
    assert!(
        retry_after(&r) >= 1,
        "an unknown browser behind the NAT waits"
    );
    let r = admin.login(ADMIN, DEMO_PASSWORD).await;
    assert!(
        is_ok(&r),
        "a browser with a device cookie does not: {} {}",
        r.status,
        r.body
    );
    let r = browser(&app, "198.51.100.21")
        .login(UNIV_MEMBER, DEMO_PASSWORD)
        .await;
    assert!(is_ok(&r), "another address does not wait either");
}

fn signup_form(n: usize) -> Vec<(&'static str, String)> {
    vec![
        ("email", format!("founder{n}@lab{n}.test")),
        ("name", format!("Founder {n}")),
        ("password", "a long enough passphrase 2026".to_owned()),
        ("org_name", format!("Laboratoire numéro {n}")),
        ("kind", "research_institute".to_owned()),
        ("country", "FR".to_owned()),
        ("registration_id", "732 829 320 00074".to_owned()),
        ("sector", "health".to_owned()),
        ("parent_country", "FR".to_owned()),
    ]
}

async fn sign_up(app: &TestApp, ip: &str, n: usize) -> TestResponse {
    let form = signup_form(n);
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    browser(app, ip).call("signup", &form).await
}

#[tokio::test]
async fn sign_ups_are_throttled_per_client_address() {
    let config = AppConfig {
        signup_max_per_address: 3,
        ..AppConfig::default()
    };
    let app = TestApp::with_config(config).await;
    let clock = app.state.throttle.clock().clone();
    clock.freeze();
    for n in 0..3 {
        let r = sign_up(&app, "198.51.100.30", n).await;
        assert!(is_ok(&r), "{} {}", r.status, r.body);
    }
    let r = sign_up(&app, "198.51.100.30", 3).await;
    assert_eq!(retry_after(&r), 1);
    let (accounts,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind("founder3@lab3.test")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(accounts, 0, "nothing was created");
    let r = sign_up(&app, "198.51.100.31", 4).await;
    assert!(is_ok(&r), "another address: {} {}", r.status, r.body);
    clock.advance(Duration::from_secs(1));
    let r = sign_up(&app, "198.51.100.30", 3).await;
    assert!(is_ok(&r), "after the delay: {} {}", r.status, r.body);
    assert_eq!(retry_after(&sign_up(&app, "198.51.100.30", 5).await), 2);
}

#[tokio::test]
async fn wrong_current_passwords_are_throttled_too() {
    let app = TestApp::with_demo().await;
    app.state.throttle.clock().freeze();
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let change = |current: &'static str| {
        [
            ("current_password", current),
            ("new_password", "an entirely new passphrase 2026"),
        ]
    };
    for _ in 0..10 {
        let r = member.call("change_password", &change(WRONG)).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    }
    let r = member.call("change_password", &change(DEMO_PASSWORD)).await;
    assert_eq!(retry_after(&r), 1);
}

#[tokio::test]
async fn counters_hold_no_address_in_clear_and_spent_ones_are_pruned() {
    let app = TestApp::with_demo().await;
    let clock = app.state.throttle.clock().clone();
    clock.freeze();
    let mut c = browser(&app, "203.0.113.77");
    for _ in 0..3 {
        c.login(UNIV_OWNER, WRONG).await;
    }
    sign_up(&app, "203.0.113.77", 1).await;
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT scope, key_hash FROM throttle_counters ORDER BY scope")
            .fetch_all(app.owner_pool())
            .await
            .unwrap();
    let scopes: Vec<&str> = rows.iter().map(|(s, _)| s.as_str()).collect();
    assert_eq!(scopes, ["login_account", "login_address", "signup_address"]);
    for (_, key) in &rows {
        assert_eq!(key.len(), 64, "a SHA-256: {key}");
        assert!(!key.contains("univ") && !key.contains("203.0.113"), "{key}");
    }

    assert_eq!(app.state.throttle.prune(&app.state.db).await.unwrap(), 0);
    clock.advance(Duration::from_secs(15 * 60 + 1));
    assert_eq!(
        app.state.throttle.prune(&app.state.db).await.unwrap(),
        2,
        "the sign-in bursts are over"
    );
    clock.advance(Duration::from_secs(3_600));
    assert_eq!(app.state.throttle.prune(&app.state.db).await.unwrap(), 1);
}
