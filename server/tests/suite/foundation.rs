//! The foundation through the real router: probes, pages, sign-in and out,
//! the security headers and the cross-site refusal — on SQLite, and on
//! PostgreSQL when `GUICHET_TEST_DATABASE_URL` is set.

use crate::common;

use axum::http::StatusCode;
use common::*;

#[tokio::test]
async fn healthz_and_readyz_answer_when_the_database_is_up() {
    let app = TestApp::empty().await;
    let mut anon = app.anon();
    assert_eq!(anon.get("/healthz").await.status, StatusCode::OK);
    let ready = anon.get("/readyz").await;
    assert_eq!(
        ready.status,
        StatusCode::OK,
        "{} on {}",
        ready.body,
        backend_name()
    );
}

#[tokio::test]
async fn readyz_answers_503_when_the_database_is_gone() {
    let app = TestApp::empty().await;
    app.state.db.close().await;
    let ready = app.anon().get("/readyz").await;
    assert_eq!(ready.status, StatusCode::SERVICE_UNAVAILABLE);
    // The process itself is still up.
    assert_eq!(app.anon().get("/healthz").await.status, StatusCode::OK);
}

#[tokio::test]
async fn the_home_page_is_rendered_on_the_server_with_security_headers() {
    let app = TestApp::empty().await;
    let page = app.anon().get("/").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("GPU quotas for the campus"),
        "{}",
        page.body
    );
    let csp = page.header("content-security-policy").expect("a CSP");
    assert!(csp.contains("frame-ancestors 'none'"), "{csp}");
    let nonce = csp
        .split("'nonce-")
        .nth(1)
        .and_then(|rest| rest.split('\'').next())
        .expect("a nonce in the CSP");
    assert!(!csp.contains("'unsafe-inline'"), "{csp}");
    assert!(
        page.body.contains(&format!("nonce=\"{nonce}\"")),
        "scripts carry the response's nonce"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(
        page.header("referrer-policy"),
        Some("strict-origin-when-cross-origin")
    );
    assert_eq!(page.header("cache-control"), Some("no-store"));
    assert!(
        page.header("strict-transport-security").is_none(),
        "no HSTS without TLS"
    );
}

#[tokio::test]
async fn every_response_gets_a_fresh_nonce() {
    let app = TestApp::empty().await;
    let a = app.anon().get("/").await;
    let b = app.anon().get("/").await;
    assert_ne!(
        a.header("content-security-policy"),
        b.header("content-security-policy")
    );
}

#[tokio::test]
async fn hsts_is_sent_when_tls_is_configured() {
    let config = app::server::AppConfig {
        tls: true,
        ..Default::default()
    };
    let app = TestApp::with_config(config).await;
    let page = app.anon().get("/").await;
    assert!(page
        .header("strict-transport-security")
        .is_some_and(|v| v.contains("max-age=")));
}

#[tokio::test]
async fn an_unknown_page_answers_404() {
    let app = TestApp::empty().await;
    let page = app.anon().get("/no/such/page").await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(page.body.contains("Not found"));
}

#[tokio::test]
async fn a_demo_user_signs_in_and_the_session_id_rotates() {
    let app = TestApp::with_demo().await;
    let mut client = app.anon();
    // A visit before signing in may already carry a session id.
    client.cookie = Some("guichet_session=planted-by-an-attacker".into());
    let response = client.login(UNIV_MEMBER, DEMO_PASSWORD).await;
    assert!(
        response.status.is_redirection() || response.status.is_success(),
        "{response:?}"
    );
    let cookie = client.cookie.clone().expect("a session cookie");
    assert_ne!(cookie, "guichet_session=planted-by-an-attacker");
    // The session's cookie (the device cookie is set beside it).
    let set_cookie = response
        .headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("guichet_session="))
        .unwrap();
    assert!(set_cookie.contains("HttpOnly"), "{set_cookie}");
    assert!(set_cookie.contains("SameSite=Lax"), "{set_cookie}");
    let who = client.call("whoami", &[]).await;
    assert_eq!(who.status, StatusCode::OK, "{}", who.body);
    assert_eq!(who.json()["email"], UNIV_MEMBER);
}

#[tokio::test]
async fn a_wrong_password_and_an_unknown_email_get_the_same_answer() {
    let app = TestApp::with_demo().await;
    let wrong = app.anon().login(ADMIN, "not the password at all").await;
    let unknown = app
        .anon()
        .login("nobody@nowhere.test", "not the password at all")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED);
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED);
    assert_eq!(wrong.body, unknown.body);
    assert_eq!(
        wrong.json()["kind"],
        "invalid_credentials",
        "{}",
        wrong.body
    );
}

#[tokio::test]
async fn after_logout_the_old_session_cookie_no_longer_works() {
    let app = TestApp::with_demo().await;
    let mut client = app.signed_in(UNIV_MEMBER).await;
    let old_cookie = client.cookie.clone();
    let out = client.call("logout", &[]).await;
    assert!(
        out.status.is_redirection() || out.status.is_success(),
        "{out:?}"
    );
    let mut replay = app.anon();
    replay.cookie = old_cookie;
    let who = replay.call("whoami", &[]).await;
    assert_eq!(who.status, StatusCode::OK);
    assert_eq!(
        who.json(),
        serde_json::Value::Null,
        "the old cookie is anonymous now"
    );
}

#[tokio::test]
async fn a_cross_site_post_is_refused_before_it_reaches_the_function() {
    let app = TestApp::with_demo().await;
    let mut client = app.anon();
    let refused = client
        .call_with_headers(
            "login",
            &[("email", ADMIN), ("password", DEMO_PASSWORD)],
            &[
                ("sec-fetch-site", "cross-site"),
                ("origin", "https://evil.test"),
            ],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(client.cookie.is_none(), "no session was started");
    let refused = client
        .call_with_headers(
            "login",
            &[("email", ADMIN), ("password", DEMO_PASSWORD)],
            &[("origin", "https://evil.test")],
        )
        .await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn ten_failures_throttle_the_account_with_retry_after() {
    let app = TestApp::with_demo().await;
    // Frozen: the delay that follows the tenth failure is exact, however slow the hashing.
    app.state.throttle.clock().freeze();
    for _ in 0..10 {
        let r = app.anon().login(UNIV_OWNER, "wrong password, again").await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    // Even the right password is refused now, from another address too.
    let mut other = app.anon();
    other.peer = "198.51.100.99:5000".parse().unwrap();
    let r = other.login(UNIV_OWNER, DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.body);
    let retry: u64 = r
        .header("retry-after")
        .expect("Retry-After")
        .parse()
        .unwrap();
    assert!(retry > 0 && retry <= 900);
}

#[tokio::test]
async fn a_forged_forwarded_for_does_not_escape_the_address_throttle() {
    let app = TestApp::with_demo().await;
    app.state.throttle.clock().freeze();
    // The address's allowance (30 by default; it was 10 shared with the accounts', which let
    // ten failures block a campus NAT: issue 10, point 4).
    let emails: Vec<String> = (0..app.state.config.login_address_max_failures)
        .map(|i| format!("person{i}@x.test"))
        .collect();
    for (i, email) in emails.iter().enumerate() {
        let mut c = app.anon();
        let forged = format!("203.0.113.{i}");
        let r = c
            .call_with_headers(
                "login",
                &[("email", email), ("password", "whatever, wrong")],
                &[
                    ("origin", "http://portal.test"),
                    ("x-forwarded-for", &forged),
                ],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    }
    let r = app.anon().login(ADMIN, DEMO_PASSWORD).await;
    assert_eq!(
        r.status,
        StatusCode::TOO_MANY_REQUESTS,
        "the address is throttled: {}",
        r.body
    );
}

#[tokio::test]
async fn login_failures_and_successes_are_audited() {
    let app = TestApp::with_demo().await;
    app.anon().login(ADMIN, "a wrong password here").await;
    app.signed_in(ADMIN).await;
    let rows: Vec<(String, String)> =
        sqlx::query_as("SELECT event, outcome FROM audit_log WHERE event = 'login' ORDER BY id")
            .fetch_all(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(
        rows,
        vec![
            ("login".into(), "failure".into()),
            ("login".into(), "success".into())
        ]
    );
}

#[tokio::test]
async fn the_audit_log_refuses_updates_and_deletes() {
    let app = TestApp::with_demo().await;
    app.signed_in(ADMIN).await;
    let update = sqlx::query("UPDATE audit_log SET outcome = 'failure'")
        .execute(app.state.db.pool())
        .await;
    assert!(update.is_err(), "an update of the audit log must fail");
    let delete = sqlx::query("DELETE FROM audit_log")
        .execute(app.state.db.pool())
        .await;
    assert!(delete.is_err(), "a delete from the audit log must fail");
}

#[tokio::test]
async fn concurrent_write_transactions_do_not_fail_with_database_is_locked() {
    let app = TestApp::with_demo().await;
    let mut tasks = Vec::new();
    for i in 0..32 {
        let db = app.state.db.clone();
        tasks.push(tokio::spawn(async move {
            let mut tx = db.platform_write_tx().await?;
            let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM email_outbox").fetch_one(&mut *tx).await?;
            sqlx::query("INSERT INTO email_outbox (to_email, subject, body, created_at) VALUES ($1, $2, $3, $4)")
                .bind(format!("p{i}@x.test"))
                .bind(format!("seen {n}"))
                .bind("")
                .bind(0_i64)
                .execute(&mut *tx)
                .await?;
            tx.commit().await
        }));
    }
    for t in tasks {
        t.await.unwrap().expect("no write transaction fails");
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM email_outbox")
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 32);
}

#[tokio::test]
async fn the_demo_data_holds_the_demo_catalogue_and_a_pending_tenant() {
    let app = TestApp::with_demo().await;
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    let catalogue = app::server::catalogue::load_catalogue(&mut conn)
        .await
        .unwrap();
    let slugs: Vec<&str> = catalogue
        .sites
        .iter()
        .map(|s| s.profile.slug.as_str())
        .collect();
    for slug in ["idf-campus", "dugny", "marseille", "cambrai", "abu-dhabi"] {
        assert!(slugs.contains(&slug), "{slug} missing from {slugs:?}");
    }
    assert_eq!(catalogue.revision, 1);
    assert_eq!(catalogue.policy.version, 1);
    let idf = catalogue.site("idf-campus").unwrap();
    assert_eq!(idf.pool("H100").unwrap().installed, 2048);
    assert_eq!(idf.profile.operator.shareholders.len(), 4);
    // What was stored reads back as the demo profile it came from.
    let today = time::OffsetDateTime::now_utc().date();
    let expected = app::server::demo_sites::demo_sites(today);
    let stored_dugny = &catalogue.site("dugny").unwrap().profile;
    assert_eq!(
        stored_dugny,
        expected.iter().find(|s| s.slug == "dugny").unwrap()
    );
    let (pending,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM tenants WHERE status = 'pending'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(pending, 1);
}

#[tokio::test]
async fn without_javascript_a_failed_sign_in_returns_to_the_form_with_the_message() {
    use axum::{
        body::Body,
        http::{header, Method, Request},
    };
    let app = TestApp::with_demo().await;
    let mut browser = app.anon();
    let post = Request::builder()
        .method(Method::POST)
        .uri("/api/login")
        .header(header::HOST, "portal.test")
        .header(header::ORIGIN, "http://portal.test")
        .header(header::REFERER, "http://portal.test/login")
        .header(header::ACCEPT, "text/html,application/xhtml+xml")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
        .body(Body::from(
            "email=admin%40guichet.test&password=wrong+password+here",
        ))
        .unwrap();
    let answer = browser.send(post).await;
    assert!(answer.status.is_redirection(), "{answer:?}");
    let location = answer
        .header("location")
        .expect("back to the form")
        .to_string();
    assert!(location.contains("/login"), "{location}");
    let path = location.trim_start_matches("http://portal.test");
    let page = browser.get(path).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("is not right"),
        "the form shows the error: {}",
        page.body
    );
}

/// The session's stored idle deadline (Unix seconds), read as the owner.
async fn session_expiry(app: &TestApp, cookie: &str) -> i64 {
    let id = cookie.trim_start_matches("guichet_session=");
    let (expiry,): (i64,) = sqlx::query_as("SELECT expiry_date FROM sessions WHERE id = $1")
        .bind(id)
        .fetch_one(app.owner_pool())
        .await
        .expect("the session is stored");
    expiry
}

#[tokio::test]
async fn an_active_session_outlives_its_idle_timeout_and_an_idle_one_ends() {
    let config = app::server::AppConfig {
        session_idle: std::time::Duration::from_secs(3),
        ..app::server::AppConfig::default()
    };
    let app = TestApp::with_config(config).await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    let mut active = app.signed_in(UNIV_MEMBER).await;
    let mut idle = app.signed_in(UNIV_OWNER).await;
    let first = session_expiry(&app, active.cookie.as_deref().unwrap()).await;
    // Busy for five seconds, more than the idle timeout: still signed in.
    for _ in 0..5 {
        tokio::time::sleep(std::time::Duration::from_millis(1000)).await;
        let who = active.call("whoami", &[]).await;
        assert_eq!(who.json()["email"], UNIV_MEMBER, "{}", who.body);
    }
    let later = session_expiry(&app, active.cookie.as_deref().unwrap()).await;
    assert!(
        later >= first + 4,
        "the deadline moved from {first} to {later}"
    );
    // Two requests in the same instant write the session once.
    let before = session_expiry(&app, active.cookie.as_deref().unwrap()).await;
    active.call("whoami", &[]).await;
    active.call("whoami", &[]).await;
    assert!(session_expiry(&app, active.cookie.as_deref().unwrap()).await <= before + 1);
    // Nothing for five seconds: signed out.
    let who = idle.call("whoami", &[]).await;
    assert_eq!(who.json(), serde_json::Value::Null, "{}", who.body);
    let page = idle.get("/account").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER);
    assert_eq!(page.header("location"), Some("/login?next=/account"));
}

#[tokio::test]
async fn the_operator_cannot_create_an_admin_with_a_guessable_password() {
    let app = TestApp::empty().await;
    let (email, password) =
        app::server::identity::parse_operator_args("ops@campus.test", Some("Ops"), "Password2026!")
            .unwrap();
    let weak =
        app::server::identity::create_platform_admin(&app.state, &email, Some("Ops"), password)
            .await
            .unwrap_err();
    let weak = app::error::AppError::from(weak);
    assert!(weak.field_message("password").is_some(), "{weak:?}");
    assert!(
        weak.to_string()
            .starts_with("This password would be too easy to guess."),
        "{weak}"
    );
    let (email, password) = app::server::identity::parse_operator_args(
        "ops@campus.test",
        Some("Ops"),
        "granite tulip orbit 2026",
    )
    .unwrap();
    let made =
        app::server::identity::create_platform_admin(&app.state, &email, Some("Ops"), password)
            .await
            .expect("a strong password is taken");
    assert!(made.contains("created"), "{made}");
    let r = app
        .anon()
        .login("ops@campus.test", "granite tulip orbit 2026")
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

/// The accessibility statement gives the operators' support address when there is one, and says
/// whom to write to when there is none.
#[tokio::test]
async fn the_accessibility_statement_names_the_support_address_when_there_is_one() {
    let app = TestApp::with_demo().await;
    let page = app.anon().get("/accessibility").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("mailto:"), "{}", page.body);
    assert!(
        page.body.contains("Write to the campus team"),
        "{}",
        page.body
    );
    assert_eq!(
        app.anon().call("support_contact", &[]).await.json(),
        serde_json::Value::Null
    );

    let config = app::server::AppConfig {
        support_email: Some(app::domain::email::Email::parse("aide@campus.example").unwrap()),
        ..app::server::AppConfig::default()
    };
    let app = TestApp::with_config(config).await;
    let page = app.anon().get("/accessibility").await;
    assert!(
        page.body.contains(r#"href="mailto:aide@campus.example""#),
        "{}",
        page.body
    );
    assert_eq!(
        app.anon().call("support_contact", &[]).await.json(),
        "aide@campus.example"
    );
}
