//! Cross-site defences through the real router: the origin compared whole (scheme, host, port),
//! signed-in changes that say nowhere they came from, the `__Host-` session cookie under TLS,
//! and the page a plain form goes to after signing in, which stays on the portal — on SQLite,
//! and on PostgreSQL when `GUICHET_TEST_DATABASE_URL` is set.

use crate::common;

use app::server::{origin::Origin, AppConfig};
use axum::{
    body::Body,
    http::{header, Method, Request, StatusCode},
};
use common::*;

/// A POST of `form` to the server function `endpoint` with exactly `headers` (and the client's
/// cookie): no Origin or Sec-Fetch-Site unless given.
fn raw_post(
    client: &Client,
    endpoint: &str,
    body: &str,
    headers: &[(&str, &str)],
) -> Request<Body> {
    let mut b = Request::builder()
        .method(Method::POST)
        .uri(format!("/api/{endpoint}"))
        .header(header::HOST, "portal.test")
        .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded");
    if let Some(cookie) = &client.cookie {
        b = b.header(header::COOKIE, cookie.clone());
    }
    for (k, v) in headers {
        b = b.header(*k, *v);
    }
    b.body(Body::from(body.to_owned())).unwrap()
}

const ADMIN_LOGIN: &str = "email=admin%40guichet.test&password=campus-demo-2026";

fn assert_cross_site_refusal(r: &TestResponse, what: &str) {
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{what}: {}", r.body);
    let body = r.json();
    assert_eq!(body["kind"], "cross_site", "{what}: {}", r.body);
    assert!(
        body["message"]
            .as_str()
            .is_some_and(|m| m.contains("the portal refused it")),
        "{what}: {}",
        r.body
    );
}

#[tokio::test]
async fn an_origin_on_another_scheme_host_or_port_is_refused() {
    let app = TestApp::with_demo().await;
    for origin in [
        "https://portal.test",
        "http://portal.test:8080",
        "http://portal.test.evil.test",
        "http://evil.test",
        "null",
    ] {
        let mut client = app.anon();
        let req = raw_post(
            &client,
            "login",
            ADMIN_LOGIN,
            &[("origin", origin), ("accept", "application/json")],
        );
        let r = client.send(req).await;
        assert_cross_site_refusal(&r, origin);
        assert!(client.cookie.is_none(), "{origin}: no session was started");
    }
    // The portal's own origin, with or without its default port, signs in.
    for origin in ["http://portal.test", "http://portal.test:80"] {
        let mut client = app.anon();
        let req = raw_post(&client, "login", ADMIN_LOGIN, &[("origin", origin)]);
        let r = client.send(req).await;
        assert_eq!(r.status, StatusCode::OK, "{origin}: {}", r.body);
    }
}

#[tokio::test]
async fn under_tls_an_http_origin_is_refused() {
    let app = TestApp::with_config(AppConfig {
        tls: true,
        ..AppConfig::default()
    })
    .await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    let mut client = app.anon();
    let req = raw_post(
        &client,
        "login",
        ADMIN_LOGIN,
        &[
            ("origin", "http://portal.test"),
            ("accept", "application/json"),
        ],
    );
    assert_cross_site_refusal(&client.send(req).await, "http on an https portal");
    let req = raw_post(
        &client,
        "login",
        ADMIN_LOGIN,
        &[("origin", "https://portal.test")],
    );
    let r = client.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_configured_public_url_is_the_only_origin_accepted() {
    let app = TestApp::with_config(AppConfig {
        tls: true,
        public_origin: Origin::parse("https://guichet.example.test"),
        ..AppConfig::default()
    })
    .await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    // Behind a proxy the Host may be anything: the configured origin decides.
    let mut client = app.anon();
    let req = raw_post(
        &client,
        "login",
        ADMIN_LOGIN,
        &[
            ("origin", "https://portal.test"),
            ("accept", "application/json"),
        ],
    );
    assert_cross_site_refusal(&client.send(req).await, "the Host's origin");
    let req = raw_post(
        &client,
        "login",
        ADMIN_LOGIN,
        &[("origin", "https://guichet.example.test")],
    );
    let r = client.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
}

#[tokio::test]
async fn a_signed_in_change_that_names_no_origin_is_refused() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    // Neither Origin nor Sec-Fetch-Site, with the session cookie: refused, in words.
    let req = raw_post(
        &member,
        "sign_out_everywhere",
        "",
        &[("accept", "application/json")],
    );
    let r = member.send(req).await;
    assert_cross_site_refusal(&r, "no provenance");
    assert!(
        r.json()["message"].as_str().unwrap().contains("Origin"),
        "{}",
        r.body
    );
    // The session is untouched.
    let who = member.call("whoami", &[]).await;
    assert_eq!(who.json()["email"], UNIV_MEMBER, "{}", who.body);

    // A browser's plain form (no wasm) sends Origin, not always Sec-Fetch-Site: it works.
    let req = raw_post(
        &member,
        "logout",
        "",
        &[
            ("origin", "http://portal.test"),
            ("accept", "text/html,application/xhtml+xml"),
        ],
    );
    let r = member.send(req).await;
    assert!(r.status.is_redirection(), "{} {}", r.status, r.body);
    assert!(member.cookie.is_none(), "signed out");
}

#[tokio::test]
async fn without_a_session_cookie_a_script_may_still_sign_in_and_a_refused_browser_reads_a_page() {
    let app = TestApp::with_demo().await;
    // No cookie, no Origin: it acts for nobody until it has signed in.
    let mut script = app.anon();
    let req = raw_post(&script, "login", ADMIN_LOGIN, &[]);
    let r = script.send(req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    assert!(script.cookie.is_some());
    // A browser sent across sites reads why, on a page.
    let mut browser = app.anon();
    let req = raw_post(
        &browser,
        "login",
        ADMIN_LOGIN,
        &[
            ("origin", "https://evil.test"),
            ("sec-fetch-site", "cross-site"),
            ("accept", "text/html"),
        ],
    );
    let r = browser.send(req).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    assert!(
        r.header("content-type")
            .is_some_and(|c| c.starts_with("text/html")),
        "{:?}",
        r.headers
    );
    assert!(r.body.contains("came from another site"), "{}", r.body);
}

fn session_set_cookie(r: &TestResponse) -> String {
    r.headers
        .get_all(header::SET_COOKIE)
        .iter()
        .map(|v| v.to_str().unwrap().to_owned())
        .find(|v| v.contains("guichet_session="))
        .unwrap_or_else(|| panic!("no session cookie was set: {:?}", r.headers))
}

#[tokio::test]
async fn under_tls_the_session_cookie_is_host_prefixed_secure_and_host_only() {
    let app = TestApp::with_config(AppConfig {
        tls: true,
        ..AppConfig::default()
    })
    .await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    let mut client = app.anon();
    let r = client.login(UNIV_MEMBER, DEMO_PASSWORD).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let set = session_set_cookie(&r);
    assert!(set.starts_with("__Host-guichet_session="), "{set}");
    let attributes: Vec<String> = set
        .split(';')
        .skip(1)
        .map(|a| a.trim().to_ascii_lowercase())
        .collect();
    assert!(attributes.iter().any(|a| a == "secure"), "{set}");
    assert!(attributes.iter().any(|a| a == "path=/"), "{set}");
    assert!(attributes.iter().any(|a| a == "httponly"), "{set}");
    assert!(!attributes.iter().any(|a| a.starts_with("domain")), "{set}");
    let who = client.call("whoami", &[]).await;
    assert_eq!(who.json()["email"], UNIV_MEMBER);
    // The same id under the plain name is no session here.
    let id = client
        .cookie
        .as_deref()
        .unwrap()
        .trim_start_matches("__Host-guichet_session=")
        .to_owned();
    let mut planted = app.anon();
    planted.cookie = Some(format!("guichet_session={id}"));
    let who = planted.call("whoami", &[]).await;
    assert_eq!(who.json(), serde_json::Value::Null, "{}", who.body);
}

#[tokio::test]
async fn on_plain_http_the_session_cookie_keeps_its_plain_name() {
    let app = TestApp::with_demo().await;
    let mut client = app.anon();
    let r = client.login(UNIV_MEMBER, DEMO_PASSWORD).await;
    let set = session_set_cookie(&r);
    assert!(set.starts_with("guichet_session="), "{set}");
    assert!(
        !set.to_ascii_lowercase().contains("secure"),
        "no Secure attribute on plain HTTP (local development): {set}"
    );
}

/// Every classic open-redirect vector, as typed into `next=`.
const REDIRECT_VECTORS: &[&str] = &[
    "//x",
    "//evil.example",
    "///evil.example",
    "/\\x",
    "/\\evil.example",
    "\\\\evil.example",
    "/\t/evil.example",
    "/\n/evil.example",
    "/\r\n/evil.example",
    "/%2F%2Fevil.example",
    "/%2f/evil.example",
    "%2F%2Fevil.example",
    "/%5Cevil.example",
    "/%5c%5cevil.example",
    "/%09/evil.example",
    "https://evil.example",
    "http:evil.example",
    "HTTPS://evil.example",
    "javascript:alert(document.domain)",
    " javascript:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    " /requests",
    " //evil.example",
    "\t//evil.example",
    "evil.example",
    "",
];

/// Signs in through the plain HTML form (no wasm: `Accept: text/html`) with `next`; returns
/// where the portal sends the browser.
async fn plain_sign_in_location(app: &TestApp, next: &str) -> String {
    let mut browser = app.anon();
    let body = format!(
        "email=hugo.martin%40univ-palaiseau.test&password=campus-demo-2026&next={}",
        form_encode(next)
    );
    let req = raw_post(
        &browser,
        "login",
        &body,
        &[
            ("origin", "http://portal.test"),
            ("referer", "http://portal.test/login"),
            ("accept", "text/html,application/xhtml+xml"),
        ],
    );
    let r = browser.send(req).await;
    assert!(
        r.status.is_redirection(),
        "{next:?}: {} {}",
        r.status,
        r.body
    );
    assert!(browser.cookie.is_some(), "{next:?}: signed in");
    r.header("location")
        .unwrap_or_else(|| panic!("{next:?}: no Location"))
        .to_owned()
}

fn form_encode(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What a browser would do with `location`: stay on the portal only for a path that starts
/// with one `/` and holds no backslash, control character or white space (browsers drop tabs
/// and newlines, and read `\` as `/`).
fn stays_on_the_portal(location: &str) -> bool {
    location.starts_with('/')
        && !location.starts_with("//")
        && !location
            .chars()
            .any(|c| c == '\\' || c.is_control() || c.is_whitespace())
}

#[tokio::test]
async fn after_a_plain_form_sign_in_every_open_redirect_vector_goes_home() {
    let app = TestApp::with_demo().await;
    for vector in REDIRECT_VECTORS {
        let location = plain_sign_in_location(&app, vector).await;
        assert_eq!(location, "/", "{vector:?} sent the browser to {location:?}");
    }
    // A path on the portal is followed as given.
    for path in ["/requests", "/requests?status=approved&page=2", "/account"] {
        let location = plain_sign_in_location(&app, path).await;
        assert_eq!(location, path);
        assert!(stays_on_the_portal(&location));
    }
}

#[tokio::test]
async fn the_sign_in_page_carries_next_into_its_plain_form() {
    let app = TestApp::with_demo().await;
    let page = app.anon().get("/login?next=%2Frequests").await;
    assert_eq!(page.status, StatusCode::OK);
    let input = page
        .body
        .split("<input")
        .find(|tag| tag.contains("name=\"next\""))
        .unwrap_or_else(|| panic!("no next input: {}", page.body))
        .split('>')
        .next()
        .unwrap()
        .to_owned();
    assert!(input.contains("value=\"/requests\""), "{input}");
    // What is put back into the page is escaped.
    let page = app
        .anon()
        .get("/login?next=%22%3E%3Cscript%3Ealert(1)%3C%2Fscript%3E")
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("\"><script>alert(1)"), "{}", page.body);
}
