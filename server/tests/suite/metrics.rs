//! Metrics and request ids (issue 15, point 4): `/metrics` only on the metrics listener, requests
//! counted by matched route, failed sign-ins and decisions counted, and an `x-request-id` on every
//! response (a well-formed incoming one echoed, a hostile one replaced) that the request's log
//! lines carry too.
//!
//! The registry is process-wide and the tests of this file run in parallel: counters are read
//! before and after, and only their growth is asserted.

use crate::common;

use std::sync::{Arc, Mutex};

use app::server::{metrics, request_id};
use axum::{
    body::Body,
    http::{header, HeaderValue, Request, StatusCode},
    routing::get,
    Router,
};
use common::*;
use http_body_util::BodyExt as _;
use tower::ServiceExt as _;

/// The value of the sample `series` (`name{labels}` exactly as rendered) in `text`; 0 when absent.
fn sample(text: &str, series: &str) -> f64 {
    text.lines()
        .find_map(|l| l.strip_prefix(series)?.strip_prefix(' ')?.parse().ok())
        .unwrap_or(0.0)
}

fn get_request(path: &str) -> Request<Body> {
    Request::builder()
        .uri(path)
        .header(header::HOST, "portal.test")
        .body(Body::empty())
        .unwrap()
}

/// Sends `request` to `router` and answers the status, the `x-request-id` header and the body.
async fn send(router: &Router, request: Request<Body>) -> (StatusCode, Option<String>, String) {
    let response = router.clone().oneshot(request).await.expect("an answer");
    let status = response.status();
    let id = response
        .headers()
        .get(request_id::HEADER)
        .map(|v| v.to_str().expect("an ASCII request id").to_owned());
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    (status, id, String::from_utf8_lossy(&bytes).into_owned())
}

/// A request id the portal made: a UUID (36 characters, hex and hyphens).
fn assert_made_here(id: &str) {
    assert_eq!(id.len(), 36, "{id}");
    assert!(
        id.chars().all(|c| c.is_ascii_hexdigit() || c == '-'),
        "{id}"
    );
}

#[tokio::test]
async fn the_public_router_does_not_serve_the_metrics() {
    let app = TestApp::empty().await;
    let r = app.anon().get(metrics::PATH).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert!(!r.body.contains("guichet_http"), "{}", r.body);
    assert!(!r.body.contains("# EOF"), "{}", r.body);
}

#[tokio::test]
async fn the_metrics_listener_serves_openmetrics_at_metrics_and_nothing_else() {
    let app = TestApp::empty().await;
    let listener = metrics::metrics_router(app.state.clone());
    let response = listener
        .clone()
        .oneshot(get_request(metrics::PATH))
        .await
        .unwrap();
    assert_eq!(response.status(), StatusCode::OK);
    assert_eq!(
        response.headers().get(header::CONTENT_TYPE).unwrap(),
        metrics::CONTENT_TYPE
    );
    let bytes = response.into_body().collect().await.unwrap().to_bytes();
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    assert!(text.ends_with("# EOF\n"), "{text}");
    assert!(
        text.contains("# TYPE guichet_db_pool_connections gauge"),
        "{text}"
    );
    for other in ["/", "/healthz", "/login", "/metrics/x"] {
        let (status, _, _) = send(&listener, get_request(other)).await;
        assert_eq!(status, StatusCode::NOT_FOUND, "{other}");
    }
}

#[tokio::test]
async fn requests_are_counted_by_matched_route_and_failed_sign_ins_by_reason() {
    let app = TestApp::with_demo().await;
    let before = metrics::render(&app.state);
    let mut anon = app.anon();

    let page = anon.get("/login").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let request = anon.get("/requests/987654").await;
    let wrong = anon.login(UNIV_MEMBER, "not the password").await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.body);
    let unknown = anon.login("nobody@nowhere.test", "whatever it is").await;
    assert_eq!(unknown.status, StatusCode::UNAUTHORIZED, "{}", unknown.body);

    let after = metrics::render(&app.state);
    let grew = |series: &str| {
        let (b, a) = (sample(&before, series), sample(&after, series));
        assert!(a > b, "{series}: {b} then {a}\n{after}");
    };
    grew(r#"guichet_http_request_duration_seconds_count{route="/login",method="GET"}"#);
    grew(r#"guichet_http_responses_total{route="/login",method="GET",status="200"}"#);
    // A path with an id is counted under its route, never its own path.
    grew(&format!(
        r#"guichet_http_responses_total{{route="/requests/{{id}}",method="GET",status="{}"}}"#,
        request.status.as_u16()
    ));
    assert!(!after.contains("987654"), "an id became a label:\n{after}");
    grew(r#"guichet_http_responses_total{route="/api/login",method="POST",status="401"}"#);
    grew(r#"guichet_sign_in_failures_total{reason="wrong_password"}"#);
    grew(r#"guichet_sign_in_failures_total{reason="unknown_account"}"#);
    // The pool gauges are read at each rendering: this app's pool holds a connection at least.
    assert!(
        sample(&after, "guichet_db_pool_connections") >= 1.0,
        "{after}"
    );
    assert!(after.contains("\nguichet_db_pool_idle "), "{after}");
    assert!(after.ends_with("# EOF\n"));
}

#[tokio::test]
async fn a_throttled_sign_in_is_counted_as_throttled() {
    let config = app::server::AppConfig {
        login_max_failures: 1,
        ..app::server::AppConfig::default()
    };
    let app = TestApp::with_config(config).await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    // A frozen clock: the delay after the first failure has not passed at the second attempt.
    app.state.throttle.clock().freeze();
    let series = r#"guichet_sign_in_failures_total{reason="throttled"}"#;
    let before = sample(&metrics::render(&app.state), series);
    let mut anon = app.anon();
    let first = anon.login(UNIV_MEMBER, "not the password").await;
    assert_eq!(first.status, StatusCode::UNAUTHORIZED, "{}", first.body);
    let second = anon.login(UNIV_MEMBER, "not the password").await;
    assert_eq!(
        second.status,
        StatusCode::TOO_MANY_REQUESTS,
        "{}",
        second.body
    );
    let after = metrics::render(&app.state);
    assert!(sample(&after, series) > before, "{after}");
}

#[tokio::test]
async fn an_unknown_path_is_counted_as_unmatched() {
    let app = TestApp::empty().await;
    let series = r#"guichet_http_responses_total{route="unmatched",method="GET",status="404"}"#;
    let before = sample(&metrics::render(&app.state), series);
    let r = app.anon().get("/no/such/page/4242").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let after = metrics::render(&app.state);
    assert!(sample(&after, series) > before, "{after}");
    // The path is not a label (a number alone could be a duration's digits).
    assert!(!after.contains("/no/such"), "{after}");
}

#[tokio::test]
async fn approvals_and_rejections_are_counted_as_decisions() {
    let app = TestApp::with_demo().await;
    let approved = r#"guichet_decisions_total{outcome="approved",rule="none"}"#;
    let rejected = r#"guichet_decisions_total{outcome="rejected",rule="none"}"#;
    let before = metrics::render(&app.state);
    common::requests::approved(&app, "metrics-approval", &[]).await;
    let id = common::requests::endorsed(&app, "metrics-rejection", "8").await;
    // A refused attempt (a rejection needs a note) decides nothing.
    let bare = common::requests::decide(&app, id, &[("decision", "reject")]).await;
    assert_eq!(
        bare.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bare.body
    );
    let after_bare = metrics::render(&app.state);
    assert_eq!(sample(&after_bare, rejected), sample(&before, rejected));
    let done = common::requests::decide(
        &app,
        id,
        &[("decision", "reject"), ("note", "Not this quarter.")],
    )
    .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let after = metrics::render(&app.state);
    assert!(
        sample(&after, approved) >= sample(&before, approved) + 1.0,
        "{after}"
    );
    assert!(
        sample(&after, rejected) >= sample(&after_bare, rejected) + 1.0,
        "{after}"
    );
}

#[tokio::test]
async fn every_response_carries_a_request_id_of_its_own() {
    let app = TestApp::empty().await;
    let mut anon = app.anon();
    let mut seen = Vec::new();

    let ok = anon.get("/healthz").await;
    assert_eq!(ok.status, StatusCode::OK);
    let missing = anon.get("/no-such-page").await;
    assert_eq!(missing.status, StatusCode::NOT_FOUND);
    // A server function's error: an anonymous call of a signed-in function.
    let refused = anon.call("request_form_options", &[]).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED, "{}", refused.body);
    // An error of the walls: a server function called with JSON.
    let wrong_type = anon
        .send(
            Request::builder()
                .method("POST")
                .uri("/api/login")
                .header(header::HOST, "portal.test")
                .header(header::ORIGIN, anon.origin)
                .header(header::CONTENT_TYPE, "application/json")
                .body(Body::from("{}"))
                .unwrap(),
        )
        .await;
    assert_eq!(wrong_type.status, StatusCode::UNSUPPORTED_MEDIA_TYPE);
    // The REST API's problem details.
    let api = anon.get("/api/v1/me").await;
    assert_eq!(api.status, StatusCode::UNAUTHORIZED, "{}", api.body);

    for r in [&ok, &missing, &refused, &wrong_type, &api] {
        let id = r
            .header(request_id::HEADER)
            .unwrap_or_else(|| panic!("no request id on a {} answer", r.status));
        assert_made_here(id);
        assert!(!seen.contains(&id.to_owned()), "{id} given twice");
        seen.push(id.to_owned());
    }
}

#[tokio::test]
async fn a_well_formed_incoming_request_id_is_echoed() {
    let app = TestApp::empty().await;
    for id in ["0b6a1c3e-8f0d-4c53-9f6e-2f8a7d3c9b41", "lb-7f3a.2:42"] {
        let request = Request::builder()
            .uri("/healthz")
            .header(header::HOST, "portal.test")
            .header(request_id::HEADER, id)
            .body(Body::empty())
            .unwrap();
        let (status, echoed, _) = send(&app.router, request).await;
        assert_eq!(status, StatusCode::OK);
        assert_eq!(echoed.as_deref(), Some(id));
    }
}

#[tokio::test]
async fn a_hostile_incoming_request_id_is_replaced() {
    let app = TestApp::empty().await;
    let long = "a".repeat(request_id::MAX_LEN + 1);
    let hostile: Vec<HeaderValue> = vec![
        HeaderValue::from_str(&long).unwrap(),
        HeaderValue::from_static("abc def"),
        HeaderValue::from_static("abc\tdef"),
        HeaderValue::from_static("\" level=ERROR msg=forged"),
        HeaderValue::from_bytes(b"caf\xe9").unwrap(),
        HeaderValue::from_static(""),
    ];
    for value in hostile {
        let request = Request::builder()
            .uri("/healthz")
            .header(header::HOST, "portal.test")
            .header(request_id::HEADER, value.clone())
            .body(Body::empty())
            .unwrap();
        let (status, id, _) = send(&app.router, request).await;
        assert_eq!(status, StatusCode::OK);
        let id = id.unwrap_or_else(|| panic!("no request id for {value:?}"));
        assert_made_here(&id);
    }
    // Two ids: neither is believed.
    let request = Request::builder()
        .uri("/healthz")
        .header(header::HOST, "portal.test")
        .header(request_id::HEADER, "first-one")
        .header(request_id::HEADER, "second-one")
        .body(Body::empty())
        .unwrap();
    let (_, id, _) = send(&app.router, request).await;
    assert_made_here(&id.expect("a request id"));
}

async fn boom() -> &'static str {
    panic!("boom")
}

/// A log writer that keeps what it is given.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, bytes: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(bytes);
        Ok(bytes.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8_lossy(&self.0.lock().unwrap()).into_owned()
    }
}

/// A router of two routes in the portal's own outer layers and walls: one that logs, one that
/// panics.
fn observed_router() -> Router {
    async fn logs() -> &'static str {
        tracing::info!("inside the handler");
        "logged"
    }
    app::server::router::observed(app::server::router::with_walls(
        Router::new()
            .route("/logs/{id}", get(logs))
            .route("/boom", get(boom)),
    ))
}

#[tokio::test]
async fn a_panic_answered_500_carries_its_request_id_and_is_counted() {
    let router = observed_router();
    let series = r#"guichet_http_responses_total{route="/boom",method="GET",status="500"}"#;
    // The counters are the process's: any state's rendering shows them.
    let app = TestApp::empty().await;
    let before = sample(&metrics::render(&app.state), series);
    let (status, id, body) = send(&router, get_request("/boom")).await;
    assert_eq!(status, StatusCode::INTERNAL_SERVER_ERROR);
    assert!(!body.contains("boom"), "{body}");
    assert_made_here(&id.expect("a request id on a caught panic"));
    assert!(sample(&metrics::render(&app.state), series) > before);
}

/// Serves one request whose handler logs, with logs written in `json` or text to a buffer, and
/// answers the response's request id and the logs.
async fn logged_request(json: bool) -> (String, String) {
    let captured = Captured::default();
    let writer = {
        let captured = captured.clone();
        move || captured.clone()
    };
    let builder = tracing_subscriber::fmt()
        .with_ansi(false)
        .with_max_level(tracing::Level::INFO)
        .with_writer(writer);
    // A current-thread runtime: the subscriber set here sees the whole request.
    let _guard = if json {
        tracing::subscriber::set_default(builder.json().finish())
    } else {
        tracing::subscriber::set_default(builder.finish())
    };
    let (status, id, _) = send(&observed_router(), get_request("/logs/31337")).await;
    assert_eq!(status, StatusCode::OK);
    (id.expect("a request id"), captured.text())
}

#[tokio::test]
async fn the_log_lines_of_a_request_carry_its_id_in_text() {
    let (id, logs) = logged_request(false).await;
    let line = logs
        .lines()
        .find(|l| l.contains("inside the handler"))
        .unwrap_or_else(|| panic!("the handler's line is missing:\n{logs}"));
    assert!(line.contains(&format!("request_id={id}")), "{line}");
    assert!(line.contains("route=/logs/{id}"), "{line}");
    assert!(line.contains("method=GET"), "{line}");
}

#[tokio::test]
async fn the_log_lines_of_a_request_carry_its_id_in_json() {
    let (id, logs) = logged_request(true).await;
    let line = logs
        .lines()
        .find(|l| l.contains("inside the handler"))
        .unwrap_or_else(|| panic!("the handler's line is missing:\n{logs}"));
    let record: serde_json::Value = serde_json::from_str(line).expect("a JSON line");
    assert_eq!(record["span"]["request_id"], id.as_str(), "{line}");
    assert_eq!(record["span"]["route"], "/logs/{id}", "{line}");
}
