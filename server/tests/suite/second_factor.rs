//! A second factor (issue 17, point 2): an authenticator app's codes (TOTP, RFC 6238) set up from
//! the account page, asked at every sign-in after the password, each code accepted once, recovery
//! codes used once each, the checks throttled as passwords are, and the person e-mailed (through
//! the real SMTP test server) when it is turned on or off. The throttle's clock, which the codes
//! are checked against, is frozen and moved by hand, so the steps are the test's to choose.

use crate::common;

use std::time::Duration;

use app::server::mail as mailer;
use axum::http::StatusCode;
use common::smtp::{self, received};
use common::*;
use serde_json::Value;

/// Thirty seconds later: the phone shows the next code.
fn next_step(app: &TestApp) {
    app.state.throttle.clock().advance(Duration::from_secs(30));
}

fn json(response: &TestResponse) -> Value {
    serde_json::from_str(&response.body).unwrap_or_else(|_| panic!("not JSON: {}", response.body))
}

/// A new browser giving `email`'s password: answers what comes next.
async fn password_step(app: &TestApp, email: &str) -> (Client, TestResponse) {
    let mut browser = app.anon();
    let answer = browser.login(email, DEMO_PASSWORD).await;
    (browser, answer)
}

async fn is_signed_in(browser: &mut Client) -> bool {
    browser.call("account", &[]).await.status == StatusCode::OK
}

#[tokio::test]
async fn set_up_from_the_account_then_asked_at_every_sign_in_each_code_once() {
    let Some((settings, dir)) = smtp::server() else {
        return;
    };
    let (config, from) = smtp::config(settings);
    let app = TestApp::with_config(config).await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    app.reads_english(UNIV_MEMBER).await;
    app.state.throttle.clock().freeze();
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let account = json(&member.call("account", &[]).await);
    assert_eq!(account["second_factor"]["on"], false);

    // The offer: a secret to type, the otpauth address and its QR code.
    let offer = member.call("begin_second_factor", &[]).await;
    assert_eq!(offer.status, StatusCode::OK, "{}", offer.body);
    let offer = json(&offer);
    let uri = offer["uri"].as_str().unwrap();
    assert!(uri.starts_with("otpauth://totp/Guichet:"), "{uri}");
    assert!(uri.contains("issuer=Guichet"), "{uri}");
    assert!(offer["qr_size"].as_i64().unwrap() >= 29);
    assert!(offer["qr_path"].as_str().unwrap().starts_with('M'));
    let secret = offer["secret"].as_str().unwrap().replace(' ', "");
    // The secret is kept sealed, never as the page shows it.
    let (sealed,): (String,) = sqlx::query_as("SELECT secret_sealed FROM second_factors")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let shown: String = offer["secret"].as_str().unwrap().replace(' ', "");
    assert!(!sealed.contains(&shown));

    // A wrong code, a recovery-shaped one and junk are refused beside the field; nothing turns on.
    let right = app.code_now(&secret);
    let wrong = if right == "123456" {
        "654321"
    } else {
        "123456"
    };
    for (typed, says) in [
        (wrong, "not right"),
        ("abcde-fghjk", "6 digits"),
        ("12ab", "6 digits"),
        ("", "enter the code"),
    ] {
        let refused = member
            .call("confirm_second_factor", &[("code", typed)])
            .await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{typed:?}: {}",
            refused.body
        );
        assert_eq!(json(&refused)["field"], "code", "{}", refused.body);
        assert!(refused.body.contains(says), "{typed:?}: {}", refused.body);
    }
    assert_eq!(
        json(&member.call("account", &[]).await)["second_factor"]["on"],
        false
    );

    // The right code turns it on and gives ten distinct recovery codes, shown once.
    let on = member
        .call("confirm_second_factor", &[("code", &right)])
        .await;
    assert_eq!(on.status, StatusCode::OK, "{}", on.body);
    let codes: Vec<String> = serde_json::from_str(&on.body).unwrap();
    assert_eq!(codes.len(), 10);
    assert_eq!(
        codes
            .iter()
            .collect::<std::collections::BTreeSet<_>>()
            .len(),
        10
    );
    assert!(
        codes
            .iter()
            .all(|c| c.len() == 11 && c.as_bytes()[5] == b'-'),
        "{codes:?}"
    );
    let account = json(&member.call("account", &[]).await);
    assert_eq!(account["second_factor"]["on"], true);
    assert_eq!(account["second_factor"]["recovery_codes_left"], 10);
    // Only their SHA-256 are kept.
    let stored: Vec<(String,)> = sqlx::query_as("SELECT code_hash FROM recovery_codes")
        .fetch_all(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(stored.len(), 10);
    assert!(stored
        .iter()
        .all(|(h,)| !codes.iter().any(|c| h.contains(&c.replace('-', "")))));
    // The admins' directory shows it, beside someone without one.
    let mut admin = app.signed_in(ADMIN).await;
    let listed = json(&admin.call("people", &[("q", "univ-palaiseau")]).await);
    let second_factor_of = |email: &str| {
        listed["people"]
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["email"] == email)
            .map(|p| p["second_factor"].clone())
    };
    assert_eq!(
        second_factor_of(UNIV_MEMBER),
        Some(Value::Bool(true)),
        "{listed}"
    );
    assert_eq!(
        second_factor_of(UNIV_OWNER),
        Some(Value::Bool(false)),
        "{listed}"
    );
    // A second set-up is refused while it is on.
    assert_eq!(
        member.call("begin_second_factor", &[]).await.status,
        StatusCode::CONFLICT
    );
    // The person is told by e-mail.
    mailer::send_due(&app.state, app.state.throttle.clock().now_ms() / 1_000 + 60)
        .await
        .unwrap();
    let got = received(&dir, &from, UNIV_MEMBER);
    assert!(
        got.iter()
            .any(|m| m.text.contains("Two-step sign-in was turned on")),
        "{got:?}"
    );

    // Signing in: the password alone leaves the browser signed out, waiting for the code.
    let (mut laptop, answer) = password_step(&app, UNIV_MEMBER).await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    assert_eq!(json(&answer), "SecondFactor");
    assert!(!is_signed_in(&mut laptop).await);
    let whoami = laptop.call("whoami", &[]).await;
    assert_eq!(json(&whoami), Value::Null);
    // The code the set-up used is spent: refused within its window.
    let reused = laptop.call("login_code", &[("code", &right)]).await;
    assert_eq!(
        reused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        reused.body
    );
    assert!(!is_signed_in(&mut laptop).await);
    // The next one signs in.
    next_step(&app);
    let fresh = app.code_now(&secret);
    let done = laptop.call("login_code", &[("code", &fresh)]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(is_signed_in(&mut laptop).await);
    // Another browser with the same code, in the same window: refused.
    let (mut other, _) = password_step(&app, UNIV_MEMBER).await;
    let again = other.call("login_code", &[("code", &fresh)]).await;
    assert_eq!(
        again.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        again.body
    );
    assert!(!is_signed_in(&mut other).await);
    assert_eq!(app.audited("second_factor_checked", true).await, 3);

    // Turning it off needs a code too; then the password alone signs in again, and they are told.
    let (mut third, _) = password_step(&app, UNIV_MEMBER).await;
    assert!(!is_signed_in(&mut third).await);
    let refused = laptop
        .call("turn_off_second_factor", &[("code", &fresh)])
        .await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    next_step(&app);
    let off = laptop
        .call(
            "turn_off_second_factor",
            &[("code", &app.code_now(&secret))],
        )
        .await;
    assert_eq!(off.status, StatusCode::OK, "{}", off.body);
    let (mut fourth, answer) = password_step(&app, UNIV_MEMBER).await;
    assert_eq!(json(&answer), "SignedIn");
    assert!(is_signed_in(&mut fourth).await);
    assert_eq!(app.audited("second_factor_disabled", false).await, 1);
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM recovery_codes")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(left, 0);
    mailer::send_due(&app.state, app.state.throttle.clock().now_ms() / 1_000 + 60)
        .await
        .unwrap();
    let got = received(&dir, &from, UNIV_MEMBER);
    assert!(
        got.iter()
            .any(|m| m.text.contains("Two-step sign-in was turned off")),
        "{got:?}"
    );
}

#[tokio::test]
async fn a_recovery_code_signs_in_once_and_renewing_them_ends_the_old_ones() {
    let app = TestApp::with_demo().await;
    app.state.throttle.clock().freeze();
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let (secret, codes) = app.turn_on_second_factor(&mut owner, UNIV_OWNER).await;

    // Typed as printed or not: case and dash do not matter.
    let (mut lost_phone, _) = password_step(&app, UNIV_OWNER).await;
    let typed = codes[0].to_uppercase().replace('-', " ");
    let done = lost_phone.call("login_code", &[("code", &typed)]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert!(is_signed_in(&mut lost_phone).await);
    let account = json(&lost_phone.call("account", &[]).await);
    assert_eq!(account["second_factor"]["recovery_codes_left"], 9);
    let detail: String = sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE event = 'login' AND outcome = 'success' ORDER BY id DESC",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert!(detail.contains("recovery_code"), "{detail}");
    // Used once: never again.
    let (mut again, _) = password_step(&app, UNIV_OWNER).await;
    let refused = again.call("login_code", &[("code", &codes[0])]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );

    // New codes, with a code from the app: the old unused ones stop working.
    next_step(&app);
    let renewed = lost_phone
        .call("renew_recovery_codes", &[("code", &app.code_now(&secret))])
        .await;
    assert_eq!(renewed.status, StatusCode::OK, "{}", renewed.body);
    let new_codes: Vec<String> = serde_json::from_str(&renewed.body).unwrap();
    assert_eq!(new_codes.len(), 10);
    let old = again.call("login_code", &[("code", &codes[1])]).await;
    assert_eq!(old.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", old.body);
    let new = again.call("login_code", &[("code", &new_codes[0])]).await;
    assert_eq!(new.status, StatusCode::OK, "{}", new.body);
}

#[tokio::test]
async fn codes_are_throttled_like_passwords_and_need_a_right_password_first() {
    let app = TestApp::with_demo().await;
    app.state.throttle.clock().freeze();
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let (secret, _) = app.turn_on_second_factor(&mut member, HOSP_MEMBER).await;
    next_step(&app);

    // No password step in this browser: a code signs nobody in, even the right one.
    let mut stranger = app.anon();
    let right = app.code_now(&secret);
    let alone = stranger.call("login_code", &[("code", &right)]).await;
    assert_eq!(alone.status, StatusCode::UNAUTHORIZED, "{}", alone.body);
    // A wrong password leads to no code step either.
    let mut guesser = app.anon();
    let wrong = guesser.login(HOSP_MEMBER, "not the password at all").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    let after = guesser.call("login_code", &[("code", &right)]).await;
    assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.body);

    // Guessing codes: the allowance of passwords, then 429, even for the right code.
    let (mut browser, _) = password_step(&app, HOSP_MEMBER).await;
    let allowance = app.state.config.login_max_failures;
    let wrong_code = if right == "111111" {
        "222222"
    } else {
        "111111"
    };
    let mut throttled = false;
    for _ in 0..allowance + 1 {
        let answer = browser.call("login_code", &[("code", wrong_code)]).await;
        if answer.status == StatusCode::TOO_MANY_REQUESTS {
            throttled = true;
            break;
        }
        assert_eq!(
            answer.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            answer.body
        );
    }
    assert!(
        throttled,
        "{allowance} wrong codes and more were all checked"
    );
    let blocked = browser.call("login_code", &[("code", &right)]).await;
    assert_eq!(
        blocked.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        blocked.body
    );
    assert!(!is_signed_in(&mut browser).await);

    // A waiting sign-in lasts five minutes: then the person starts again from the password.
    app.state
        .throttle
        .clock()
        .advance(Duration::from_secs(3600));
    let (mut slow, _) = password_step(&app, HOSP_MEMBER).await;
    app.state
        .throttle
        .clock()
        .advance(Duration::from_secs(6 * 60));
    let late = slow
        .call("login_code", &[("code", &app.code_now(&secret))])
        .await;
    assert_eq!(late.status, StatusCode::UNAUTHORIZED, "{}", late.body);
    assert!(!is_signed_in(&mut slow).await);
}

#[tokio::test]
async fn the_second_factor_actions_need_a_signed_in_person() {
    let app = TestApp::with_demo().await;
    let mut anonymous = app.anon();
    for endpoint in [
        "begin_second_factor",
        "confirm_second_factor",
        "turn_off_second_factor",
        "renew_recovery_codes",
    ] {
        let answer = anonymous.call(endpoint, &[("code", "123456")]).await;
        assert_eq!(
            answer.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            answer.body
        );
    }
    // Without a factor on, turning it off or renewing codes finds nothing to change.
    let mut member = app.signed_in(UNIV_MEMBER).await;
    for endpoint in ["turn_off_second_factor", "renew_recovery_codes"] {
        let answer = member.call(endpoint, &[("code", "123456")]).await;
        assert_eq!(
            answer.status,
            StatusCode::NOT_FOUND,
            "{endpoint}: {}",
            answer.body
        );
    }
}

#[tokio::test]
async fn platform_admins_need_a_second_factor_and_a_fresh_code_for_sensitive_changes() {
    let app = TestApp::with_demo().await;
    app.state.throttle.clock().freeze();
    let mut admin = app.signed_in(ADMIN).await;

    // A new admin without a second factor administers nothing: every admin function answers 403
    // (`second_factor_setup_needed`), and an admin page sends them to set one up.
    let granted = admin
        .call(
            "change_account",
            &[
                ("user_id", &app.user_id(UNIV_OWNER).await.to_string()),
                ("change", "grant_admin"),
            ],
        )
        .await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    let mut camille = app.signed_in(UNIV_OWNER).await;
    for endpoint in [
        "people",
        "tenant_queue",
        "request_queue",
        "list_site_agents",
    ] {
        let refused = camille.call(endpoint, &[]).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            refused.body
        );
        assert!(
            refused.body.contains("second_factor_setup_needed"),
            "{}",
            refused.body
        );
    }
    let page = camille.get("/admin/people").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    assert_eq!(page.headers["location"], "/account#second-factor");
    let account = json(&camille.call("account", &[]).await);
    assert_eq!(account["second_factor"]["required"], true);
    // Once it is on (this session checked a code), she administers; she cannot turn it off.
    let (secret, _) = app.turn_on_second_factor(&mut camille, UNIV_OWNER).await;
    assert_eq!(camille.call("people", &[]).await.status, StatusCode::OK);
    let off = camille
        .call(
            "turn_off_second_factor",
            &[("code", &app.next_code(&secret))],
        )
        .await;
    assert_eq!(off.status, StatusCode::CONFLICT, "{}", off.body);

    // Five minutes after the last code, the sensitive changes ask for a fresh one (403
    // `step_up_needed`), and nothing is written; the others do not.
    app.state
        .throttle
        .clock()
        .advance(Duration::from_secs(6 * 60));
    let hugo = app.user_id(UNIV_MEMBER).await.to_string();
    let grant = [("user_id", hugo.as_str()), ("change", "grant_admin")];
    let expires_on =
        (time::OffsetDateTime::now_utc().date() + time::Duration::days(30)).to_string();
    let platform_token = [
        ("name", "deploy"),
        ("tenant", "platform"),
        ("scope", "admin"),
        ("expires_on", expires_on.as_str()),
    ];
    for (endpoint, form) in [
        ("change_account", &grant[..]),
        ("create_api_token", &platform_token[..]),
    ] {
        let refused = admin.call(endpoint, form).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            refused.body
        );
        assert!(refused.body.contains("step_up_needed"), "{}", refused.body);
    }
    let policy = admin
        .call(
            "update_policy",
            &[
                ("eu", "FR, DE"),
                ("eea", "NO"),
                ("sanctions", "RU"),
                ("adequacy", "JP"),
                ("note", "x"),
            ],
        )
        .await;
    assert_eq!(policy.status, StatusCode::FORBIDDEN, "{}", policy.body);
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE platform_admin = 1")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(admins, 2, "the refused grant wrote nothing");
    let disable = admin
        .call(
            "change_account",
            &[("user_id", &hugo), ("change", "disable")],
        )
        .await;
    assert_eq!(disable.status, StatusCode::OK, "{}", disable.body);

    // A wrong code confirms nothing; the next code of the app confirms, and the changes pass.
    let wrong = admin
        .call("confirm_with_code", &[("code", "abcde-fghjk")])
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.body
    );
    let still = admin.call("change_account", &grant).await;
    assert_eq!(still.status, StatusCode::FORBIDDEN, "{}", still.body);
    let confirmed = admin
        .call(
            "confirm_with_code",
            &[("code", &app.next_code(TEST_ADMIN_TOTP))],
        )
        .await;
    assert_eq!(confirmed.status, StatusCode::OK, "{}", confirmed.body);
    let token = admin.call("create_api_token", &platform_token).await;
    assert_eq!(token.status, StatusCode::OK, "{}", token.body);
    let enable = admin
        .call(
            "change_account",
            &[("user_id", &hugo), ("change", "enable")],
        )
        .await;
    assert_eq!(enable.status, StatusCode::OK, "{}", enable.body);
    assert_eq!(
        admin.call("change_account", &grant).await.status,
        StatusCode::OK
    );
}
