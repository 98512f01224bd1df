//! No request can crash (issue 10, points 1 and 8). Malformed bodies go to **every** registered
//! server function — the list `server_fn_paths()` keeps, the one the authorization matrix checks
//! complete against `docs/authorization.md` — anonymous, as a tenant member and as a platform
//! admin: no reply is empty, none is a 5xx, and every error body decodes as an `AppError`. A
//! panic in a request is answered 500 by the last wall. With the database gone, a page, a server
//! function and `/readyz` answer 503 with `Retry-After`, fast.
//!
//! The outage: on both backends the app's pool is closed under it (every acquire fails with
//! `PoolClosed`). A real PostgreSQL server killed under the portal is `outage.rs`. A server that
//! is black-holed (connections hang) is bounded by the pool's 2 s `acquire_timeout` for new
//! connections and `/readyz`'s own 800 ms, not by a test.

use crate::common;

use std::{collections::BTreeSet, time::Duration};

use app::error::AppError;
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use common::*;

/// The endpoint names of every registered server function (`/api/<endpoint>`).
fn registered_server_functions() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _method)| {
            path.rsplit_once("/api/")
                .map(|(_, name)| name.to_string())
                .unwrap_or_else(|| panic!("a server function outside /api/: {path}"))
        })
        .collect()
}

/// Field names the server functions take, to send missing, repeated or ill-formed.
const FIELDS: &[&str] = &[
    "id",
    "request_id",
    "tenant_id",
    "user_id",
    "site_id",
    "operator_id",
    "quota_id",
    "invitation_id",
    "certification_id",
    "shareholder_id",
    "email",
    "password",
    "name",
    "slug",
    "role",
    "token",
    "gpus",
    "site",
    "start_date",
    "end_date",
    "page",
    "version",
];

/// What a hostile caller sends: a label, the content type, the body.
fn hostile_bodies() -> Vec<(&'static str, Option<&'static str>, Vec<u8>)> {
    const FORM: Option<&str> = Some("application/x-www-form-urlencoded");
    let repeated: Vec<String> = FIELDS.iter().map(|f| format!("{f}=1&{f}=2")).collect();
    let not_numbers: Vec<String> = FIELDS.iter().map(|f| format!("{f}=abc")).collect();
    let huge_numbers: Vec<String> = FIELDS
        .iter()
        .map(|f| format!("{f}=99999999999999999999999"))
        .collect();
    let mut invalid_utf8 = b"name=".to_vec();
    invalid_utf8.extend_from_slice(&[0xff, 0xfe, 0xc3]);
    invalid_utf8.extend_from_slice(b"&email=%FF%FE&id=%C3");
    vec![
        ("no field", FORM, Vec::new()),
        ("repeated fields", FORM, repeated.join("&").into_bytes()),
        ("non-numeric ids", FORM, not_numbers.join("&").into_bytes()),
        (
            "numbers too large",
            FORM,
            huge_numbers.join("&").into_bytes(),
        ),
        ("invalid UTF-8", FORM, invalid_utf8),
        (
            "a JSON body as a form",
            FORM,
            br#"{"id": 1, "name": [1, 2]}"#.to_vec(),
        ),
        (
            "nested brackets",
            FORM,
            b"id[]=1&id[x][y]=2&name[=&%%%".to_vec(),
        ),
        ("JSON", Some("application/json"), br#"{"id": 1}"#.to_vec()),
        ("no content type", None, b"id=1".to_vec()),
    ]
}

fn post(path: &str, content_type: Option<&str>, body: Vec<u8>) -> Request<Body> {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(path)
        .header(header::HOST, "portal.test")
        .header(header::ORIGIN, "http://portal.test")
        .header("sec-fetch-site", "same-origin")
        .header(header::ACCEPT, "application/json");
    if let Some(ct) = content_type {
        b = b.header(header::CONTENT_TYPE, ct);
    }
    b.body(Body::from(body)).unwrap()
}

fn with_cookie(mut req: Request<Body>, client: &Client) -> Request<Body> {
    if let Some(c) = &client.cookie {
        req.headers_mut()
            .insert(header::COOKIE, c.parse().expect("a cookie header"));
    }
    req
}

/// What is wrong with a reply to a hostile request, if anything.
fn judge(response: &TestResponse) -> Option<String> {
    let status = response.status;
    if status.is_server_error() {
        return Some(format!("{status} {}", response.body));
    }
    if status.is_client_error() {
        if response.body.is_empty() {
            return Some(format!("{status} with an empty body"));
        }
        if let Err(e) = serde_json::from_str::<AppError>(&response.body) {
            return Some(format!(
                "{status}, a body that is not an AppError ({e}): {}",
                response.body
            ));
        }
    }
    None
}

/// Sends every hostile body to every server function as `client`; the problems found.
async fn probe_every_function(
    app: &TestApp,
    who: &str,
    email: Option<&str>,
    peer: &str,
) -> (usize, Vec<String>) {
    let mut problems = Vec::new();
    let mut sent = 0;
    let sign_in = || async {
        let mut client = app.anon();
        client.peer = peer.parse().unwrap();
        if let Some(email) = email {
            let r = client.login(email, DEMO_PASSWORD).await;
            assert!(
                r.status.is_success() || r.status.is_redirection(),
                "{who}: sign-in failed: {} {}",
                r.status,
                r.body
            );
        }
        client
    };
    for endpoint in registered_server_functions() {
        // A fresh sign-in per function: a hostile `logout` must not turn the rest anonymous.
        let mut client = sign_in().await;
        let path = format!("/api/{endpoint}");
        for (label, content_type, body) in hostile_bodies() {
            let req = with_cookie(post(&path, content_type, body), &client);
            let response = client.send(req).await;
            sent += 1;
            if let Some(problem) = judge(&response) {
                problems.push(format!("{who} {endpoint} ({label}): {problem}"));
            }
        }
    }
    (sent, problems)
}

#[tokio::test]
async fn no_malformed_body_crashes_any_server_function() {
    let started = std::time::Instant::now();
    let app = TestApp::with_demo().await;
    let functions = registered_server_functions();
    assert!(functions.contains("login"), "{functions:?}");
    let (anonymous, member, admin) = tokio::join!(
        probe_every_function(&app, "anonymous", None, "192.0.2.21:1000"),
        probe_every_function(&app, "member", Some(UNIV_MEMBER), "192.0.2.22:1000"),
        probe_every_function(&app, "platform admin", Some(ADMIN), "192.0.2.23:1000"),
    );
    let mut problems = Vec::new();
    let mut sent = 0;
    for (n, p) in [anonymous, member, admin] {
        sent += n;
        problems.extend(p);
    }
    println!(
        "{sent} hostile requests to {} server functions in {:?}: {} problems",
        functions.len(),
        started.elapsed(),
        problems.len()
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn malformed_input_gets_a_client_status_in_words() {
    let app = TestApp::with_demo().await;
    let mut client = app.signed_in(UNIV_MEMBER).await;
    let check = |r: &TestResponse, status: StatusCode| {
        assert_eq!(r.status, status, "{}", r.body);
        let e: AppError = serde_json::from_str(&r.body).expect("an AppError");
        assert_eq!(e.status(), status);
        assert!(!e.to_string().is_empty());
    };
    // A missing argument (one without a default).
    let r = client.call("withdraw_request", &[]).await;
    check(&r, StatusCode::BAD_REQUEST);
    assert!(r.body.contains("could not be read"), "{}", r.body);
    // A JSON body: 415.
    let r = client
        .send(with_cookie(
            post("/api/get_request", Some("application/json"), b"{}".to_vec()),
            &client,
        ))
        .await;
    check(&r, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // Over the limit, declared: 413 before anything reads it.
    let big = vec![b'a'; 2 * 1024 * 1024];
    let mut req = post(
        "/api/login",
        Some("application/x-www-form-urlencoded"),
        big.clone(),
    );
    req.headers_mut().insert(
        header::CONTENT_LENGTH,
        big.len().to_string().parse().unwrap(),
    );
    let r = client.send(req).await;
    check(&r, StatusCode::PAYLOAD_TOO_LARGE);
    // Over the limit, undeclared (streamed): 413 when reading stops.
    let r = client
        .send(post(
            "/api/login",
            Some("application/x-www-form-urlencoded"),
            big,
        ))
        .await;
    check(&r, StatusCode::PAYLOAD_TOO_LARGE);
}

#[tokio::test]
async fn a_plain_form_post_with_a_malformed_body_is_sent_back_to_its_page() {
    let app = TestApp::with_demo().await;
    let client = app.signed_in(UNIV_MEMBER).await;
    let mut req = with_cookie(
        post(
            "/api/withdraw_request",
            Some("application/x-www-form-urlencoded"),
            b"id=abc&id=def".to_vec(),
        ),
        &client,
    );
    req.headers_mut()
        .insert(header::ACCEPT, "text/html".parse().unwrap());
    req.headers_mut().insert(
        header::REFERER,
        "http://portal.test/requests".parse().unwrap(),
    );
    let r = client.clone().send(req).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    let location = r.header("location").expect("a Location");
    assert!(
        location.starts_with("http://portal.test/requests?") && location.contains("__err="),
        "{location}"
    );
}

async fn boom() -> &'static str {
    panic!("boom")
}

#[tokio::test]
async fn a_panic_in_a_request_is_answered_500_by_the_last_wall() {
    use axum::routing::{get, post as post_route};
    let router: axum::Router = app::server::router::with_walls(
        axum::Router::new()
            .route("/api/boom", post_route(boom))
            .route("/boom", get(boom)),
    );
    let send = |req: Request<Body>| {
        let router = router.clone();
        async move {
            use http_body_util::BodyExt as _;
            use tower::ServiceExt as _;
            let response = router.oneshot(req).await.expect("an answer");
            let status = response.status();
            let bytes = response.into_body().collect().await.unwrap().to_bytes();
            (status, String::from_utf8_lossy(&bytes).into_owned())
        }
    };
    let (status, body) = send(post(
        "/api/boom",
        Some("application/x-www-form-urlencoded"),
        Vec::new(),
    ))
    .await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert_eq!(
        serde_json::from_str::<AppError>(&body).expect("an AppError"),
        AppError::Internal
    );
    let (status, body) = send(Request::builder().uri("/boom").body(Body::empty()).unwrap()).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(body.contains("went wrong"), "{body}");
    assert!(!body.contains("boom"), "{body}");
}

// ---------------------------------------------------------------------------------------------
// Outages (point 8).
// ---------------------------------------------------------------------------------------------

/// Times a request against the app whose database is gone: 503, `Retry-After`, within `limit`.
async fn answers_unavailable_fast(
    client: &mut Client,
    what: &str,
    req: Request<Body>,
    limit: Duration,
) -> Duration {
    let started = std::time::Instant::now();
    let r = client.send(req).await;
    let took = started.elapsed();
    assert_eq!(
        r.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{what}: {}",
        r.body
    );
    assert!(r.header("retry-after").is_some(), "{what}: no Retry-After");
    assert!(took <= limit, "{what} took {took:?} (limit {limit:?})");
    took
}

fn get(path: &str) -> Request<Body> {
    Request::builder()
        .uri(path)
        .header(header::HOST, "portal.test")
        .header(header::ACCEPT, "text/html")
        .body(Body::empty())
        .unwrap()
}

#[tokio::test]
async fn with_the_database_gone_requests_get_503_fast() {
    let app = TestApp::with_demo().await;
    let mut client = app.anon();
    let mut signed_in = app.signed_in(UNIV_MEMBER).await;
    cut_the_database(&app).await;
    // The pool gives up after ACQUIRE_TIMEOUT (2 s); a little room for the rest.
    let limit = app::server::db::ACQUIRE_TIMEOUT + Duration::from_millis(800);
    let mut timings = Vec::new();
    let ready = answers_unavailable_fast(
        &mut client,
        "/readyz",
        get("/readyz"),
        Duration::from_secs(1),
    )
    .await;
    timings.push(("/readyz", ready));
    let call = answers_unavailable_fast(
        &mut client,
        "the server function login, anonymous",
        post(
            "/api/login",
            Some("application/x-www-form-urlencoded"),
            b"email=a%40b.test&password=a+long+passphrase+2026".to_vec(),
        ),
        limit,
    )
    .await;
    timings.push(("login (anonymous)", call));
    let req = with_cookie(
        post(
            "/api/list_requests",
            Some("application/x-www-form-urlencoded"),
            Vec::new(),
        ),
        &signed_in,
    );
    let call = answers_unavailable_fast(&mut signed_in, "list_requests", req, limit).await;
    timings.push(("list_requests (member)", call));
    let req = with_cookie(get("/requests"), &signed_in);
    let started = std::time::Instant::now();
    let page = signed_in.send(req).await;
    let took = started.elapsed();
    assert_eq!(
        page.status,
        StatusCode::SERVICE_UNAVAILABLE,
        "{}",
        page.body
    );
    assert!(page.body.contains("briefly unavailable"), "{}", page.body);
    assert!(took <= limit, "the page took {took:?}");
    timings.push(("/requests page (member)", took));
    println!("{} outage: {timings:?}", backend_name());
}

/// Takes the database away from the app: see the module's comment.
async fn cut_the_database(app: &TestApp) {
    app.state.db.close().await;
}
