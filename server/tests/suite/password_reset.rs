//! A forgotten password (issue 17, point 3): a link e-mailed to the account's address (through
//! the real SMTP test server), single use and short-lived, the same answer whether the account
//! exists or not, throttled, and every session ended once the password is reset.

use crate::common;

use app::server::mail as mailer;
use axum::http::StatusCode;
use common::smtp::{self, received};
use common::*;

const NEW_PASSWORD: &str = "lantern orchard basalt ferry";

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn ask(app: &TestApp, email: &str) -> TestResponse {
    app.anon()
        .call("request_password_reset", &[("email", email)])
        .await
}

async fn reset(app: &TestApp, token: &str, password: &str) -> TestResponse {
    app.anon()
        .call(
            "reset_password",
            &[("token", token), ("new_password", password)],
        )
        .await
}

#[tokio::test]
async fn the_link_arrives_by_mail_works_once_and_ends_every_session() {
    let Some((settings, dir)) = smtp::server() else {
        return;
    };
    let (config, from) = smtp::config(settings);
    let app = TestApp::with_config(config).await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    let mut laptop = app.signed_in(UNIV_MEMBER).await;
    assert_eq!(laptop.call("account", &[]).await.status, StatusCode::OK);

    let asked = ask(&app, UNIV_MEMBER).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    mailer::send_due(&app.state, now()).await.unwrap();
    let got = received(&dir, &from, UNIV_MEMBER);
    assert_eq!(got.len(), 1, "one message");
    // The member signed in from an English browser: the message is in English.
    assert!(
        got[0].text.contains("choose a new password"),
        "{}",
        got[0].text
    );
    let start = got[0].text.find("/password/reset/").expect("the link");
    let token: String = got[0].text[start + "/password/reset/".len()..]
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    assert!(!token.is_empty());

    // Opening the link's page changes nothing; the form resets.
    let page = app.anon().get(&format!("/password/reset/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    let done = reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(app.audited("password_reset", false).await, 1);

    // Every session of the person ended; the old password no longer works, the new one does.
    let after = laptop.call("account", &[]).await;
    assert_eq!(
        after.status,
        StatusCode::UNAUTHORIZED,
        "the laptop's session ended: {}",
        after.body
    );
    assert!(!app
        .anon()
        .login(UNIV_MEMBER, DEMO_PASSWORD)
        .await
        .status
        .is_success());
    assert!(app
        .anon()
        .login(UNIV_MEMBER, NEW_PASSWORD)
        .await
        .status
        .is_success());

    // Single use.
    let again = reset(&app, &token, "another quite long passphrase").await;
    assert_eq!(again.status, StatusCode::NOT_FOUND, "{}", again.body);
    // And the person is told their password changed, by e-mail.
    mailer::send_due(&app.state, now()).await.unwrap();
    let got = received(&dir, &from, UNIV_MEMBER);
    assert!(
        got.iter()
            .any(|m| m.text.contains("your password was changed")),
        "{got:?}"
    );
}

#[tokio::test]
async fn an_unknown_address_gets_the_same_answer_and_no_mail() {
    let app = TestApp::with_demo().await;
    let known = ask(&app, UNIV_OWNER).await;
    let unknown = ask(&app, "nobody@univ-palaiseau.test").await;
    assert_eq!(known.status, StatusCode::OK, "{}", known.body);
    assert_eq!((known.status, &known.body), (unknown.status, &unknown.body));
    assert!(common::mail::unsent_to(&app, "nobody@univ-palaiseau.test")
        .await
        .is_empty());
    assert_eq!(common::mail::unsent_to(&app, UNIV_OWNER).await.len(), 1);
    assert_eq!(app.audited("password_reset_requested", true).await, 1);
    assert_eq!(app.audited("password_reset_requested", false).await, 1);

    // A malformed address is refused beside its field.
    let bad = ask(&app, "not an address").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.json()["field"], "email");
}

#[tokio::test]
async fn an_expired_or_replaced_link_and_a_made_up_one_do_not_work() {
    let app = TestApp::with_demo().await;
    ask(&app, UNIV_MEMBER).await;
    let first = common::mail::reset_token(&app, UNIV_MEMBER).await;
    ask(&app, UNIV_MEMBER).await;
    let second = common::mail::reset_token(&app, UNIV_MEMBER).await;
    assert_ne!(first, second);
    // Asking again replaced the first link.
    let replaced = reset(&app, &first, NEW_PASSWORD).await;
    assert_eq!(replaced.status, StatusCode::NOT_FOUND, "{}", replaced.body);

    sqlx::query("UPDATE password_resets SET expires_at = $1")
        .bind(now() - 1)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let expired = reset(&app, &second, NEW_PASSWORD).await;
    assert_eq!(expired.status, StatusCode::NOT_FOUND, "{}", expired.body);

    let made_up = reset(&app, "not-a-token", NEW_PASSWORD).await;
    assert_eq!(made_up.status, StatusCode::NOT_FOUND);
    // The password did not change.
    assert!(app
        .anon()
        .login(UNIV_MEMBER, DEMO_PASSWORD)
        .await
        .status
        .is_success());
}

#[tokio::test]
async fn a_weak_password_is_refused_beside_its_field_and_keeps_the_link() {
    let app = TestApp::with_demo().await;
    ask(&app, UNIV_MEMBER).await;
    let token = common::mail::reset_token(&app, UNIV_MEMBER).await;
    for weak in ["short", "hugo.martin@univ-palaiseau.test"] {
        let refused = reset(&app, &token, weak).await;
        assert_eq!(
            refused.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{weak}: {}",
            refused.body
        );
        assert_eq!(refused.json()["field"], "new_password");
    }
    let done = reset(&app, &token, NEW_PASSWORD).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
}

#[tokio::test]
async fn asking_again_and_again_is_slowed_for_known_and_unknown_addresses_alike() {
    let app = TestApp::with_demo().await;
    for email in [UNIV_OWNER, "nobody@univ-palaiseau.test"] {
        for n in 0..3 {
            let asked = ask(&app, email).await;
            assert_eq!(asked.status, StatusCode::OK, "{email} #{n}: {}", asked.body);
        }
        let slowed = ask(&app, email).await;
        assert_eq!(
            slowed.status,
            StatusCode::TOO_MANY_REQUESTS,
            "{email}: {}",
            slowed.body
        );
        assert!(slowed.header("retry-after").is_some());
    }
    // Three links asked, one kept: each asking replaced the one before.
    let kept: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM password_resets")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(kept, 1);
}
