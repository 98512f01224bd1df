//! No account discovery (issue 10, point 7): sign-up answers an address that has an account
//! exactly as a new one — same status, headers and body, no session, about the same time (a
//! password is hashed either way) — creates nothing for it, and e-mails its owner a notice
//! instead. On SQLite, and on PostgreSQL when `GUICHET_TEST_DATABASE_URL` is set.

use crate::common;

use std::time::{Duration, Instant};

use app::server::tenants::signup::{CONFIRMATION_SUBJECT, NOTICE_SUBJECT};
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use common::*;

const NEW_ADDRESS: &str = "marie.curie@institut-radium.test";

fn signup_form(email: &str) -> Vec<(&str, &str)> {
    vec![
        ("email", email),
        ("name", "Marie Curie"),
        ("password", "radium and polonium 1898"),
        ("org_name", "Institut du Radium"),
        ("kind", "research_institute"),
        ("country", "FR"),
        ("registration_id", "732 829 320 00074"),
        ("sector", "health"),
        ("parent_country", "FR"),
    ]
}

/// The CSP with its per-response nonce blanked.
fn without_nonce(csp: &str) -> String {
    csp.split(' ')
        .map(|part| {
            if part.starts_with("'nonce-") {
                "'nonce-…'"
            } else {
                part
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// A response with what differs between any two calls (the date, the CSP nonce) blanked.
fn comparable(r: &TestResponse) -> (StatusCode, Vec<(String, String)>, String) {
    let mut headers: Vec<(String, String)> = r
        .headers
        .iter()
        // The date and the request id differ between any two responses.
        .filter(|(name, _)| *name != header::DATE && name.as_str() != "x-request-id")
        .map(|(name, value)| {
            let value = value.to_str().unwrap_or("(binary)");
            let value = if *name == header::CONTENT_SECURITY_POLICY {
                without_nonce(value)
            } else {
                value.to_string()
            };
            (name.to_string(), value)
        })
        .collect();
    headers.sort();
    (r.status, headers, r.body.clone())
}

async fn count(app: &TestApp, sql: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .fetch_one(app.owner_pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    n
}

/// What an attacker could look at: how many accounts, organisations and waiting sign-ups.
async fn footprint(app: &TestApp) -> (i64, i64, i64) {
    (
        count(app, "SELECT COUNT(*) FROM users").await,
        count(app, "SELECT COUNT(*) FROM tenants").await,
        count(app, "SELECT COUNT(*) FROM signup_requests").await,
    )
}

#[tokio::test]
async fn sign_up_answers_a_known_address_exactly_as_a_new_one() {
    let app = TestApp::with_demo().await;
    app.reads_english(UNIV_OWNER).await;
    let before = footprint(&app).await;

    let mut new = app.anon();
    let to_new = new.call("signup", &signup_form(NEW_ADDRESS)).await;
    let mut known = app.anon();
    let to_known = known.call("signup", &signup_form(UNIV_OWNER)).await;
    assert!(
        to_new.status.is_success(),
        "{} {}",
        to_new.status,
        to_new.body
    );
    assert_eq!(comparable(&to_new), comparable(&to_known));
    assert_eq!(to_known.header("location"), Some("/signup?sent=1"));
    assert!(to_known.header("set-cookie").is_none(), "{to_known:?}");
    for client in [&mut new, &mut known] {
        assert!(client.cookie.is_none());
        assert!(client.call("whoami", &[]).await.json().is_null());
    }
    // Upper case and spaces name the same account, and answer the same too.
    let spaced = app
        .anon()
        .call(
            "signup",
            &signup_form("  Camille.Roux@Univ-Palaiseau.test "),
        )
        .await;
    assert_eq!(comparable(&to_new), comparable(&spaced));

    // A form posted without the wasm lands on the same page either way.
    let mut html = Vec::new();
    for email in ["irene.joliot@institut-radium.test", UNIV_OWNER] {
        let body = signup_form(email)
            .iter()
            .map(|(k, v)| format!("{k}={}", v.replace(' ', "+").replace('@', "%40")))
            .collect::<Vec<_>>()
            .join("&");
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/signup")
            .header(header::HOST, "portal.test")
            .header(header::ORIGIN, "http://portal.test")
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, "http://portal.test/signup")
            .body(Body::from(body))
            .unwrap();
        html.push(app.anon().send(req).await);
    }
    assert!(html[0].status.is_redirection(), "{:?}", html[0]);
    assert_eq!(comparable(&html[0]), comparable(&html[1]));
    let page = app.anon().get("/signup?sent=1").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("A message is on its way"),
        "{}",
        page.body
    );

    // Nothing was created for the known address: only the two new ones wait for confirmation.
    assert_eq!(footprint(&app).await, (before.0, before.1, before.2 + 2));
    assert_eq!(
        count(
            &app,
            &format!("SELECT COUNT(*) FROM signup_requests WHERE email = '{UNIV_OWNER}'")
        )
        .await,
        0
    );
    // The account is unchanged: its password still signs in.
    let mut owner = app.anon();
    assert!(owner
        .login(UNIV_OWNER, DEMO_PASSWORD)
        .await
        .status
        .is_success());

    // Its owner is told, with no link that creates anything; the new address gets its link.
    let notices = mail::unsent_to(&app, UNIV_OWNER).await;
    assert_eq!(notices.len(), 3, "{notices:?}");
    for notice in &notices {
        assert_eq!(notice.subject, NOTICE_SUBJECT);
        let body = notice.body.as_ref().unwrap();
        assert!(
            body.contains("already has one") && body.contains("sign in"),
            "{body}"
        );
        assert!(!body.contains("/signup/confirm/"), "{body}");
    }
    let confirmations = mail::unsent_to(&app, NEW_ADDRESS).await;
    assert_eq!(confirmations.len(), 1);
    assert_eq!(confirmations[0].subject, CONFIRMATION_SUBJECT);
    assert!(confirmations[0]
        .body
        .as_ref()
        .unwrap()
        .contains("/signup/confirm/"));
}

/// The median of `samples`.
fn median(mut samples: Vec<Duration>) -> Duration {
    samples.sort();
    samples[samples.len() / 2]
}

#[tokio::test]
async fn a_known_address_answers_no_faster_than_a_new_one() {
    // Eleven sign-ups from one client address: above the per-address throttle, which is not
    // what this test measures (`throttle.rs` does).
    let app = TestApp::with_config(app::server::AppConfig {
        signup_max_per_address: 100,
        ..Default::default()
    })
    .await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    // One call of each first, so that neither pays for a cold start.
    app.anon()
        .call("signup", &signup_form("warm.up@example.test"))
        .await;
    let (mut new, mut known) = (Vec::new(), Vec::new());
    for round in 0..5 {
        let address = format!("person.{round}@example.test");
        let started = Instant::now();
        let r = app.anon().call("signup", &signup_form(&address)).await;
        new.push(started.elapsed());
        assert!(r.status.is_success(), "{}", r.body);
        let started = Instant::now();
        let r = app.anon().call("signup", &signup_form(UNIV_MEMBER)).await;
        known.push(started.elapsed());
        assert!(r.status.is_success(), "{}", r.body);
    }
    let (new, known) = (median(new), median(known));
    // Both are dominated by the password hash; skipping it for a known address would make it
    // answer in a small fraction of the time.
    assert!(
        known * 2 >= new,
        "a known address answered in {known:?}, a new one in {new:?}"
    );
}
