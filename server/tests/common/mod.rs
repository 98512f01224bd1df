//! The test harness: a fresh database per test (SQLite in a temporary file, or
//! a new PostgreSQL database when `GUICHET_TEST_DATABASE_URL` names a server),
//! the real router, and clients acting as anonymous, a member, an owner or a
//! platform admin.
//!
//! On PostgreSQL the application runs as it should in production: it connects
//! as the ordinary role [`APP_ROLE`] (not superuser, no BYPASSRLS, not the
//! tables' owner), and the migrations run as the owner (the server's superuser,
//! through `GUICHET_DATABASE_OWNER_URL`'s path), which grants it its rights. So
//! every test runs under row-level security. A test that inspects tenant-owned
//! tables directly uses [`TestApp::owner_pool`], which sees every row.
#![allow(dead_code)]

use std::{
    net::SocketAddr,
    sync::atomic::{AtomicU64, Ordering},
};

use app::server::{config::DatabaseUrl, demo, AppConfig, AppState, Db};
use axum::{
    body::Body,
    extract::ConnectInfo,
    http::{header, Method, Request, StatusCode},
    Router,
};
use http_body_util::BodyExt as _;
use sqlx::AnyPool;
use tower::ServiceExt as _;

pub const DEMO_PASSWORD: &str = demo::DEMO_PASSWORD;
pub const ADMIN: &str = "admin@guichet.test";
/// Université de Palaiseau: owner, member, auditor.
pub const UNIV_OWNER: &str = "camille.roux@univ-palaiseau.test";
pub const UNIV_MEMBER: &str = "hugo.martin@univ-palaiseau.test";
pub const UNIV_AUDITOR: &str = "ines.petit@univ-palaiseau.test";
/// A member of the university in other projects than the member's `climate` (lead of
/// `ai4science`, where the member also works, and of `french-llm`).
pub const OTHER_PROJECT_MEMBER: &str = "lea.dubois@univ-palaiseau.test";
/// Groupe hospitalier Seine-Est: owner, member.
pub const HOSP_OWNER: &str = "nadia.benali@ghu-seine-est.test";
pub const HOSP_MEMBER: &str = "louis.girard@ghu-seine-est.test";

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// The PostgreSQL role the application connects as in the tests.
pub const APP_ROLE: &str = "guichet_app";

/// Which database the suite runs against.
pub fn backend_name() -> &'static str {
    if std::env::var("GUICHET_TEST_DATABASE_URL").is_ok_and(|u| u.starts_with("postgres")) {
        "postgres"
    } else {
        "sqlite"
    }
}

/// A fresh, empty database of the backend under test; on PostgreSQL, its URL as
/// the server's superuser (who owns what the migrations create).
pub async fn fresh_database_url() -> String {
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let unique = format!("{}_{}_{}", std::process::id(), n, nanos());
    match std::env::var("GUICHET_TEST_DATABASE_URL") {
        Ok(admin_url) if admin_url.starts_with("postgres") => {
            use sqlx::Connection as _;
            let name = format!("guichet_test_{unique}");
            let mut conn = sqlx::PgConnection::connect(&admin_url)
                .await
                .expect("connect to the test PostgreSQL server");
            ensure_app_role(&mut conn).await;
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await
                .expect("create a test database");
            let base = admin_url
                .rsplit_once('/')
                .map(|(b, _)| b)
                .unwrap_or(&admin_url);
            format!("{base}/{name}")
        }
        _ => {
            let dir = std::env::temp_dir().join("guichet-tests");
            std::fs::create_dir_all(&dir).unwrap();
            format!("sqlite://{}/t_{unique}.db", dir.display())
        }
    }
}

/// Creates [`APP_ROLE`] once per cluster. Tests run in parallel (and in several
/// processes): whoever loses the race to create it finds it made.
async fn ensure_app_role(conn: &mut sqlx::PgConnection) {
    sqlx::query(&format!(
        "DO $$ BEGIN \
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '{APP_ROLE}') THEN \
             CREATE ROLE {APP_ROLE} LOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE; \
           END IF; \
         EXCEPTION WHEN duplicate_object OR unique_violation THEN NULL; \
         END $$"
    ))
    .execute(conn)
    .await
    .expect("create the application role");
}

/// The same database as [`APP_ROLE`] (the cluster trusts 127.0.0.1: no password).
pub fn as_app_role(url: &str) -> String {
    let (scheme, rest) = url.split_once("://").expect("a URL");
    let host = rest.split_once('@').map_or(rest, |(_, host)| host);
    format!("{scheme}://{APP_ROLE}@{host}")
}

fn nanos() -> u128 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos()
}

pub struct TestApp {
    pub state: AppState,
    pub router: Router,
    /// The application's database URL (on PostgreSQL, as [`APP_ROLE`]).
    pub url: String,
    /// On PostgreSQL, the same database as its owner, a superuser.
    pub owner_url: Option<String>,
    owner_pool: AnyPool,
    /// Whether dropping this app drops its database (not a second instance's).
    owns_database: bool,
    /// The authenticator apps of the people whose second factor is on (their base32 secrets):
    /// the demo admin's from the start ([`TEST_ADMIN_TOTP`]), others' once a test turns theirs on
    /// ([`TestApp::turn_on_second_factor`]).
    phones: std::sync::Arc<std::sync::Mutex<std::collections::HashMap<String, String>>>,
}

/// The demo platform admin's second-factor secret in the tests (`GUICHET_DEMO_ADMIN_TOTP`).
pub const TEST_ADMIN_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// The authenticator app of a phone holding `secret` (base32, spaces allowed).
pub fn phone(secret: &str) -> totp_rs::Totp {
    let compact: String = secret.chars().filter(|c| !c.is_whitespace()).collect();
    let bytes = totp_rs::Secret::try_from_base32(&compact)
        .expect("a base32 secret")
        .as_ref()
        .to_vec();
    totp_rs::Builder::new()
        .with_secret(bytes)
        .with_step_duration(30)
        .with_digits(6)
        .build()
        .expect("an RFC 6238 TOTP")
}

/// A test's database goes when its app does: a full run makes over a thousand, which would
/// otherwise fill the disk (a PostgreSQL database is about 8 MB).
impl Drop for TestApp {
    fn drop(&mut self) {
        if !self.owns_database {
            return;
        }
        match (&self.owner_url, std::env::var("GUICHET_TEST_DATABASE_URL")) {
            (Some(owner), Ok(admin)) => {
                let Some((_, name)) = owner.rsplit_once('/') else {
                    return;
                };
                let name = name.to_owned();
                // Drop runs inside the test's runtime: a thread of its own runs the statement.
                let dropped = std::thread::spawn(move || {
                    use sqlx::Connection as _;
                    let runtime = tokio::runtime::Builder::new_current_thread()
                        .enable_all()
                        .build()
                        .ok()?;
                    runtime.block_on(async {
                        let mut conn = sqlx::PgConnection::connect(&admin).await.ok()?;
                        sqlx::query(&format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"))
                            .execute(&mut conn)
                            .await
                            .ok()
                    })
                });
                let _ = dropped.join();
            }
            _ => {
                if let Some(path) = self.url.strip_prefix("sqlite://") {
                    for suffix in ["", "-wal", "-shm"] {
                        let _ = std::fs::remove_file(format!("{path}{suffix}"));
                    }
                }
            }
        }
    }
}

impl TestApp {
    /// An app on an empty database.
    pub async fn empty() -> Self {
        Self::with_config(AppConfig::default()).await
    }

    /// An app with the demo data loaded.
    pub async fn with_demo() -> Self {
        let app = Self::empty().await;
        demo::load_if_empty(&app.state).await.expect("demo data");
        app
    }

    pub async fn with_config(mut config: AppConfig) -> Self {
        let fresh = fresh_database_url().await;
        let (url, owner_url) = if fresh.starts_with("postgres") {
            (as_app_role(&fresh), Some(fresh))
        } else {
            (fresh, None)
        };
        config.database_url = DatabaseUrl::new(url.clone());
        config.database_owner_url = owner_url.clone().map(DatabaseUrl::new);
        config.site_root = std::env::temp_dir();
        config
            .demo_admin_totp
            .get_or_insert_with(|| TEST_ADMIN_TOTP.to_owned());
        config.hash_concurrency = 4;
        let db = Db::connect(&config.database_url, 4).await.expect("connect");
        match &config.database_owner_url {
            Some(owner) => db.migrate_as_owner(owner).await.expect("migrate as owner"),
            None => db.migrate().await.expect("migrate"),
        }
        let owner_pool = match &owner_url {
            Some(owner) => sqlx::any::AnyPoolOptions::new()
                .max_connections(2)
                .connect(owner)
                .await
                .expect("connect as the owner"),
            None => db.pool().clone(),
        };
        let state = AppState::new(db, config);
        let router = app::server::router(state.clone());
        Self {
            state,
            router,
            url,
            owner_url,
            owner_pool,
            owns_database: true,
            phones: std::sync::Arc::new(std::sync::Mutex::new(
                [(ADMIN.to_owned(), TEST_ADMIN_TOTP.to_owned())].into(),
            )),
        }
    }

    /// The database as its owner, for tests that look at what the application
    /// stored: on PostgreSQL a superuser (row-level security does not apply);
    /// on SQLite the application's own pool.
    pub fn owner_pool(&self) -> &AnyPool {
        &self.owner_pool
    }

    /// Checks that `pool_days` holds, for every pool and day, the sum of the approved and
    /// partially approved grants covering that day, counted here from the quotas themselves.
    #[allow(dead_code)]
    pub async fn assert_pool_days_agree(&self) {
        let grants: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
            "SELECT site_id, gpu_model, approved_start, approved_end, approved_gpus FROM quota_requests \
             WHERE status IN ('approved', 'partially_approved') AND approved_gpus IS NOT NULL",
        )
        .fetch_all(self.owner_pool())
        .await
        .unwrap();
        let format = time::macros::format_description!("[year]-[month]-[day]");
        let mut expected = std::collections::BTreeMap::new();
        for (site, model, start, end, gpus) in grants {
            let start = time::Date::parse(&start, &format).unwrap().to_julian_day();
            let end = time::Date::parse(&end, &format).unwrap().to_julian_day();
            for day in start..end {
                *expected
                    .entry((site, model.clone(), i64::from(day)))
                    .or_insert(0_i64) += gpus;
            }
        }
        let stored: Vec<(i64, String, i64, i64)> = sqlx::query_as(
            "SELECT site_id, gpu_model, day, committed FROM pool_days ORDER BY site_id, gpu_model, day",
        )
        .fetch_all(self.owner_pool())
        .await
        .unwrap();
        let stored: std::collections::BTreeMap<_, _> = stored
            .into_iter()
            .map(|(site, model, day, committed)| ((site, model, day), committed))
            .collect();
        assert_eq!(
            stored,
            expected,
            "pool_days disagrees with the grants on {}",
            backend_name()
        );
    }

    /// Remembers English on `email`'s account: e-mails go out in their recipient's language,
    /// French when they chose none, and most tests read English words.
    pub async fn reads_english(&self, email: &str) {
        sqlx::query("UPDATE users SET language = 'en' WHERE email = $1")
            .bind(email)
            .execute(self.owner_pool())
            .await
            .unwrap();
    }

    pub fn anon(&self) -> Client {
        let tls = self.state.config.tls;
        Client {
            router: self.router.clone(),
            cookie: None,
            device_cookie: None,
            peer: "192.0.2.10:40000".parse().unwrap(),
            origin: if tls {
                "https://portal.test"
            } else {
                "http://portal.test"
            },
            cookie_name: app::server::router::session_cookie_name(tls),
            accept_language: Some("en"),
            language_cookie: None,
            answer_cookie: None,
        }
    }

    /// Another instance of the portal on the same database, with its own state (throttle,
    /// hashing, clock) and its own connection pool, as behind a load balancer.
    pub async fn second_instance(&self) -> TestApp {
        let config = (*self.state.config).clone();
        let db = Db::connect(&config.database_url, 4).await.expect("connect");
        let state = AppState::new(db, config);
        TestApp {
            router: app::server::router(state.clone()),
            state,
            url: self.url.clone(),
            owner_url: self.owner_url.clone(),
            owner_pool: self.owner_pool.clone(),
            owns_database: false,
            phones: self.phones.clone(),
        }
    }

    /// The code `secret`'s app shows at the portal's clock.
    pub fn code_now(&self, secret: &str) -> String {
        let now = self.state.throttle.clock().now_ms() / 1_000;
        phone(secret)
            .generate(u64::try_from(now).unwrap())
            .to_string()
    }

    /// The code `secret`'s app shows thirty seconds on (each step's code is accepted once): the
    /// portal's clock is frozen and moved to that step.
    pub fn next_code(&self, secret: &str) -> String {
        self.state
            .throttle
            .clock()
            .advance(std::time::Duration::from_secs(30));
        self.code_now(secret)
    }

    /// How many `event` rows the audit log holds that succeeded (or, `failed`, that failed).
    pub async fn audited(&self, event: &str, failed: bool) -> i64 {
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = $1 AND outcome = $2")
            .bind(event)
            .bind(if failed { "failure" } else { "success" })
            .fetch_one(self.owner_pool())
            .await
            .unwrap()
    }

    /// The id of `email`'s account.
    pub async fn user_id(&self, email: &str) -> i64 {
        sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
            .bind(email)
            .fetch_one(self.owner_pool())
            .await
            .unwrap_or_else(|e| panic!("no account {email}: {e}"))
    }

    /// The secret of `email`'s second factor, when a test knows it.
    pub fn phone_of(&self, email: &str) -> Option<String> {
        self.phones.lock().unwrap().get(email).cloned()
    }

    /// Turns `who`'s second factor on through the account page's calls (their session then
    /// counts as confirmed); returns the secret and the recovery codes. Later sign-ins of
    /// `email` through [`TestApp::signed_in`] answer its codes.
    pub async fn turn_on_second_factor(
        &self,
        who: &mut Client,
        email: &str,
    ) -> (String, Vec<String>) {
        let offer = who.call("begin_second_factor", &[]).await;
        assert_eq!(offer.status, StatusCode::OK, "{}", offer.body);
        let secret: String = offer.json()["secret"].as_str().unwrap().replace(' ', "");
        let on = who
            .call(
                "confirm_second_factor",
                &[("code", &self.next_code(&secret))],
            )
            .await;
        assert_eq!(on.status, StatusCode::OK, "{}", on.body);
        let codes: Vec<String> = serde_json::from_str(&on.body).unwrap();
        self.phones
            .lock()
            .unwrap()
            .insert(email.to_owned(), secret.clone());
        (secret, codes)
    }

    /// Completes a sign-in waiting for its second factor with the next code of `email`'s phone.
    pub async fn answer_code(&self, client: &mut Client, email: &str) -> TestResponse {
        let secret = self
            .phone_of(email)
            .unwrap_or_else(|| panic!("{email} has a second factor the test does not know"));
        client
            .call("login_code", &[("code", &self.next_code(&secret))])
            .await
    }

    /// A client signed in as `email` with the demo password (and, for a person with a second
    /// factor the test knows, its next code).
    pub async fn signed_in(&self, email: &str) -> Client {
        let mut client = self.anon();
        let mut response = client.login(email, DEMO_PASSWORD).await;
        if response.status.is_success() && response.body.contains("SecondFactor") {
            response = self.answer_code(&mut client, email).await;
        }
        assert!(
            response.status.is_redirection() || response.status.is_success(),
            "login as {email} failed: {} {}",
            response.status,
            response.body
        );
        assert!(
            client.cookie.is_some(),
            "login as {email} set no session cookie"
        );
        client
    }
}

/// A browser-like client: keeps the session cookie and the device cookie (sent to
/// `/api/login` only, as its `Path` says), and sends same-origin headers (`Origin` and
/// `Sec-Fetch-Site` on every request but a GET, as browsers do).
#[derive(Clone)]
pub struct Client {
    router: Router,
    pub cookie: Option<String>,
    /// `guichet_device=…`, once a sign-in gave one.
    pub device_cookie: Option<String>,
    pub peer: SocketAddr,
    /// The portal's origin as this client's pages have it: `http://portal.test`, or
    /// `https://portal.test` when the app is configured for TLS.
    pub origin: &'static str,
    /// The session cookie's name (`__Host-` prefixed under TLS).
    pub cookie_name: &'static str,
    /// The browser's `Accept-Language`, sent unless a request sets its own. English by default:
    /// most tests read the pages' English words; the language tests set French or nothing.
    pub accept_language: Option<&'static str>,
    /// `guichet_lang=…`, once the language switch or a sign-in set it.
    pub language_cookie: Option<String>,
    /// The key of a plain form's answer waiting in the session (`server::form_answer`).
    pub answer_cookie: Option<String>,
}

#[derive(Debug)]
pub struct TestResponse {
    pub status: StatusCode,
    pub headers: axum::http::HeaderMap,
    pub body: String,
}

impl TestResponse {
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.body).unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.body))
    }
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl Client {
    pub async fn get(&mut self, path: &str) -> TestResponse {
        let req = self.request(Method::GET, path).body(Body::empty()).unwrap();
        self.send(req).await
    }

    /// Opens a page as a browser does (`Accept: text/html`).
    pub async fn open_page(&mut self, path: &str) -> TestResponse {
        let req = self
            .request(Method::GET, path)
            .header(header::ACCEPT, "text/html,application/xhtml+xml")
            .body(Body::empty())
            .unwrap();
        self.send(req).await
    }

    /// Calls a server function as a script would (form-encoded, JSON back).
    /// The first project (by title) in which this client may ask for GPUs, as the request form
    /// offers it: the value of a request form's `project` field.
    pub async fn first_project(&mut self) -> String {
        let options = self.call("request_form_options", &[]).await;
        assert_eq!(options.status, StatusCode::OK, "{}", options.body);
        options.json()["projects"][0]["id"]
            .as_i64()
            .unwrap_or_else(|| panic!("no project to ask for GPUs in: {}", options.body))
            .to_string()
    }

    pub async fn call(&mut self, endpoint: &str, form: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded_like(form);
        let req = self
            .request(Method::POST, &format!("/api/{endpoint}"))
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Posts a request with explicit extra headers (for cross-site tests).
    pub async fn call_with_headers(
        &mut self,
        endpoint: &str,
        form: &[(&str, &str)],
        headers: &[(&str, &str)],
    ) -> TestResponse {
        let body = serde_urlencoded_like(form);
        let mut builder = Request::builder()
            .method(Method::POST)
            .uri(format!("/api/{endpoint}"))
            .header(header::HOST, "portal.test")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "application/json");
        if let Some(c) = self.cookies_for(&format!("/api/{endpoint}")) {
            builder = builder.header(header::COOKIE, c);
        }
        for (k, v) in headers {
            builder = builder.header(*k, *v);
        }
        self.send(builder.body(Body::from(body)).unwrap()).await
    }

    /// Posts a plain HTML form to `path`, as a browser without the wasm would.
    pub async fn post_form(&mut self, path: &str, form: &[(&str, &str)]) -> TestResponse {
        let body = serde_urlencoded_like(form);
        let req = self
            .request(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    /// Posts a plain HTML form to `path` from the page `from` (its `Referer`), as a browser
    /// without the wasm (or outside an island) does: the portal sends it back to that page.
    pub async fn post_form_from(
        &mut self,
        path: &str,
        form: &[(&str, &str)],
        from: &str,
    ) -> TestResponse {
        let body = serde_urlencoded_like(form);
        let req = self
            .request(Method::POST, path)
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, format!("http://portal.test{from}"))
            .body(Body::from(body))
            .unwrap();
        self.send(req).await
    }

    pub async fn login(&mut self, email: &str, password: &str) -> TestResponse {
        self.call("login", &[("email", email), ("password", password)])
            .await
    }

    fn request(&self, method: Method, path: &str) -> axum::http::request::Builder {
        let mut b = Request::builder()
            .method(method.clone())
            .uri(path)
            .header(header::HOST, "portal.test");
        if method != Method::GET {
            b = b
                .header(header::ORIGIN, self.origin)
                .header("sec-fetch-site", "same-origin");
        }
        if let Some(c) = self.cookies_for(path) {
            b = b.header(header::COOKIE, c);
        }
        b
    }

    /// The `Cookie` header a browser would send to `path`.
    fn cookies_for(&self, path: &str) -> Option<String> {
        let device = self
            .device_cookie
            .as_ref()
            .filter(|_| path == app::server::auth::device::DEVICE_COOKIE_PATH);
        let both: Vec<&str> = self
            .cookie
            .iter()
            .chain(device)
            .chain(self.language_cookie.iter())
            .chain(self.answer_cookie.iter())
            .map(String::as_str)
            .collect();
        (!both.is_empty()).then(|| both.join("; "))
    }

    pub async fn send(&mut self, mut req: Request<Body>) -> TestResponse {
        req.extensions_mut().insert(ConnectInfo(self.peer));
        if let Some(language) = self.accept_language {
            if !req.headers().contains_key(header::ACCEPT_LANGUAGE) {
                req.headers_mut()
                    .insert(header::ACCEPT_LANGUAGE, language.parse().unwrap());
            }
        }
        let what = format!("{} {}", req.method(), req.uri());
        // The router answers 503 after REQUEST_TIMEOUT; past that, something else is stuck.
        let limit = app::server::router::REQUEST_TIMEOUT + std::time::Duration::from_secs(10);
        let response = tokio::time::timeout(limit, self.router.clone().oneshot(req))
            .await
            .unwrap_or_else(|_| panic!("the router did not answer {what} within {limit:?}"))
            .expect("router answered");
        let status = response.status();
        let headers = response.headers().clone();
        for value in headers.get_all(header::SET_COOKIE) {
            let value = value.to_str().unwrap();
            let pair = value.split(';').next().unwrap().to_string();
            if let Some(id) = pair
                .strip_prefix(self.cookie_name)
                .and_then(|r| r.strip_prefix('='))
            {
                let expired = value.contains("Max-Age=0") || id.is_empty();
                self.cookie = if expired { None } else { Some(pair) };
            } else if pair.starts_with("guichet_device=") {
                self.device_cookie = Some(pair);
            } else if pair.starts_with("guichet_lang=") {
                self.language_cookie = Some(pair);
            } else if pair.starts_with("guichet_answer=") {
                let expired = value.contains("Max-Age=0");
                self.answer_cookie = (!expired).then_some(pair);
            }
        }
        let bytes = response.into_body().collect().await.unwrap().to_bytes();
        TestResponse {
            status,
            headers,
            body: String::from_utf8_lossy(&bytes).into_owned(),
        }
    }
}

fn serde_urlencoded_like(form: &[(&str, &str)]) -> String {
    form.iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect::<Vec<_>>()
        .join("&")
}

fn encode(s: &str) -> String {
    let mut out = String::new();
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

pub mod api;
pub mod catalogue;
pub mod decisions;
pub mod mail;
pub mod oidc;
pub mod requests;
pub mod review;
pub mod smtp;
