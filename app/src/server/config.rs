//! Typed configuration: defaults, then environment variables; a bad value stops
//! start-up with a message naming the variable. Secrets are wrapped so that
//! they never reach a log.

use std::{fmt, net::SocketAddr, path::PathBuf, time::Duration};

use super::origin::Origin;

/// A value that must never be printed: its `Debug` and `Display` are redacted.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret<T>(T);

impl<T> Secret<T> {
    pub fn new(value: T) -> Self {
        Self(value)
    }
    pub fn expose(&self) -> &T {
        &self.0
    }
}

impl<T> fmt::Debug for Secret<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(***)")
    }
}

/// The database URL; printed with its password hidden.
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(Secret<String>);

impl DatabaseUrl {
    pub fn new(url: impl Into<String>) -> Self {
        Self(Secret::new(url.into()))
    }
    pub fn expose(&self) -> &str {
        self.0.expose()
    }
    pub fn is_sqlite(&self) -> bool {
        self.expose().starts_with("sqlite:")
    }
    /// The URL with any password replaced by `***`, safe for logs.
    pub fn redacted(&self) -> String {
        let url = self.expose();
        let Some((scheme, rest)) = url.split_once("://") else {
            return url.to_string();
        };
        match rest.split_once('@') {
            Some((credentials, host)) => {
                let user = credentials.split(':').next().unwrap_or("");
                format!("{scheme}://{user}:***@{host}")
            }
            None => url.to_string(),
        }
    }
}

impl fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "DatabaseUrl({})", self.redacted())
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// Everything the portal can be told from outside.
#[derive(Debug, Clone)]
pub struct AppConfig {
    /// `GUICHET_ADDR`: where to listen.
    pub addr: SocketAddr,
    /// `GUICHET_METRICS_ADDR`: where to serve the Prometheus metrics (`GET /metrics`, see
    /// `docs/metrics.md`), an address of its own that only the monitoring should reach, such as
    /// `127.0.0.1:9464`; never `GUICHET_ADDR`. Unset: no metrics listener.
    pub metrics_addr: Option<SocketAddr>,
    /// `DATABASE_URL`: `sqlite://…` (default) or `postgres://…`.
    pub database_url: DatabaseUrl,
    /// `GUICHET_DATABASE_OWNER_URL`: PostgreSQL only, optional. The role that
    /// owns the tables and runs the migrations; the role of `DATABASE_URL` is
    /// then granted only what the application needs, and row-level security
    /// applies to it. Unset: `DATABASE_URL` migrates (and owns the tables).
    pub database_owner_url: Option<DatabaseUrl>,
    /// `GUICHET_DB_MAX_CONNECTIONS`; by default 4 on SQLite, 8 on PostgreSQL (see
    /// [`default_pool_size`]).
    pub db_max_connections: u32,
    /// `GUICHET_SITE_ROOT`: the folder cargo-leptos built (JS, wasm, CSS).
    pub site_root: PathBuf,
    /// `GUICHET_LOG_FORMAT`: `text` or `json`.
    pub log_format: LogFormat,
    /// `GUICHET_DEMO_DATA`: load the demo data when the database is empty.
    pub demo_data: bool,
    /// `GUICHET_TLS`: the portal is reached over HTTPS (Secure `__Host-` session cookie, HSTS,
    /// `https://` origins). By default, the scheme of `GUICHET_PUBLIC_URL`, else false.
    pub tls: bool,
    /// `GUICHET_PUBLIC_URL`: the origin people reach the portal at (`https://guichet.example.fr`).
    /// Set, a state-changing request must come from exactly it; unset, from the request's own
    /// `Host` on the configured scheme. `X-Forwarded-Proto` and `X-Forwarded-Host` are never read.
    pub public_origin: Option<Origin>,
    /// `GUICHET_SESSION_IDLE_MINUTES`.
    pub session_idle: Duration,
    /// `GUICHET_SESSION_MAX_HOURS`: absolute session lifetime.
    pub session_max: Duration,
    /// `GUICHET_TRUSTED_PROXIES`: comma-separated proxy addresses whose
    /// `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// `GUICHET_MAX_WINDOW_MONTHS`: the longest quota window a request may ask for.
    pub max_window_months: u32,
    /// `GUICHET_LOGIN_MAX_FAILURES`: sign-in attempts per account from unknown browsers (and per
    /// device cookie) let through before growing delays; a burst ends after
    /// `GUICHET_LOGIN_WINDOW_MINUTES` of quiet.
    pub login_max_failures: u32,
    pub login_window: Duration,
    /// `GUICHET_LOGIN_ADDRESS_MAX_FAILURES`: the same, per client address, for browsers without
    /// a device cookie of the account they try.
    pub login_address_max_failures: u32,
    /// `GUICHET_SIGNUP_MAX_PER_ADDRESS`: sign-ups per client address before growing delays (a
    /// burst ends after an hour of quiet).
    pub signup_max_per_address: u32,
    /// `GUICHET_DEVICE_COOKIE_KEY`: signs device cookies (at least 32 characters). Unset: a
    /// random key per process, with a warning.
    pub device_cookie_key: Option<Secret<String>>,
    /// `GUICHET_HASH_CONCURRENCY`: password hashes computed at once.
    pub hash_concurrency: usize,
    /// `GUICHET_OUTBOX_KEY`: 32 bytes in base64 that seal the outbox's secret links (see
    /// `server::outbox`). Required to serve unless `demo_data` (see [`AppConfig::outbox_key_check`]).
    pub outbox_key: Option<Secret<[u8; 32]>>,
    /// `GUICHET_API_RATE_PER_MINUTE`: calls a minute each API token may make on average (bursts
    /// of a tenth of it), per instance.
    pub api_rate_per_minute: u32,
    /// The job runner: `GUICHET_INSTANCE_NAME`, `GUICHET_JOBS_TICK_SECONDS`, … (see
    /// [`JobSettings`](super::jobs::settings::JobSettings)).
    pub jobs: super::jobs::settings::JobSettings,
    /// E-mail: `GUICHET_SMTP_*` and `GUICHET_MAIL_FROM` (see
    /// [`MailSettings`](super::mail::settings::MailSettings)).
    pub mail: super::mail::settings::MailSettings,
    /// `GUICHET_SUPPORT_EMAIL`: where people write when they cannot use a page or a service
    /// (named by the accessibility statement); none by default.
    pub support_email: Option<crate::domain::email::Email>,
    /// `GUICHET_DEMO_ADMIN_TOTP`: with the demo data, the demo platform admin's second factor is
    /// on with this secret (base32, at least 128 bits), so tests and demonstrations compute its
    /// codes; without it, the demo admin sets one up at first sign-in, as any admin.
    pub demo_admin_totp: Option<String>,
    /// `GUICHET_OIDC_PROVIDERS_FILE`: the identity providers people may sign in with (a JSON
    /// list; see [`ProviderSettings`](super::identity::oidc::ProviderSettings) and
    /// docs/operations.md). Unset: passwords only.
    pub oidc_providers: Vec<super::identity::oidc::ProviderSettings>,
}

/// The pool size when none is configured. SQLite has one writer and every connection runs on a
/// thread of its own: on the list-page benchmark (2 cores), 4 connections answered the most
/// requests (1,210–1,280 req/s against 1,190 with 8 and 1,170 with 2) with a 50 MB peak against
/// 68 MB with 8. PostgreSQL connections are cheap threads-wise and serve several instances.
pub fn default_pool_size(sqlite: bool) -> u32 {
    if sqlite {
        4
    } else {
        8
    }
}

impl Default for AppConfig {
    fn default() -> Self {
        Self {
            addr: SocketAddr::from(([127, 0, 0, 1], 3000)),
            metrics_addr: None,
            database_url: DatabaseUrl::new("sqlite://data/guichet.db"),
            database_owner_url: None,
            db_max_connections: default_pool_size(true),
            site_root: PathBuf::from("target/site"),
            log_format: LogFormat::Text,
            demo_data: false,
            tls: false,
            public_origin: None,
            session_idle: Duration::from_secs(30 * 60),
            session_max: Duration::from_secs(12 * 3600),
            trusted_proxies: Vec::new(),
            max_window_months: 12,
            login_max_failures: 10,
            api_rate_per_minute: 600,
            login_window: Duration::from_secs(15 * 60),
            login_address_max_failures: 30,
            signup_max_per_address: 10,
            device_cookie_key: None,
            hash_concurrency: 2,
            outbox_key: None,
            jobs: Default::default(),
            mail: Default::default(),
            support_email: None,
            demo_admin_totp: None,
            oidc_providers: Vec::new(),
        }
    }
}

/// A setting that could not be understood: names the variable and what it expected.
#[derive(Debug, thiserror::Error, PartialEq, Eq)]
#[error("{variable}: {problem}")]
pub struct ConfigError {
    pub variable: &'static str,
    pub problem: String,
}

impl AppConfig {
    /// Reads the process environment.
    pub fn from_env() -> Result<Self, ConfigError> {
        Self::from_lookup(|name| std::env::var(name).ok())
    }

    /// Reads settings through `lookup`, so tests need not touch the environment.
    pub fn from_lookup(lookup: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        let get = |name: &str| {
            lookup(name)
                .map(|v| v.trim().to_string())
                .filter(|v| !v.is_empty())
        };

        if let Some(v) = get("GUICHET_ADDR").or_else(|| get("LEPTOS_SITE_ADDR")) {
            c.addr = v.parse().map_err(|_| ConfigError {
                variable: "GUICHET_ADDR",
                problem: format!("expected an address such as 127.0.0.1:3000, got “{v}”"),
            })?;
        }
        if let Some(v) = get("GUICHET_METRICS_ADDR") {
            let addr: SocketAddr = v.parse().map_err(|_| ConfigError {
                variable: "GUICHET_METRICS_ADDR",
                problem: format!("expected an address such as 127.0.0.1:9464, got “{v}”"),
            })?;
            if addr == c.addr {
                return Err(ConfigError {
                    variable: "GUICHET_METRICS_ADDR",
                    problem: format!(
                        "the metrics need an address of their own, not GUICHET_ADDR ({addr})"
                    ),
                });
            }
            c.metrics_addr = Some(addr);
        }
        if let Some(v) = get("DATABASE_URL") {
            if !(v.starts_with("sqlite:")
                || v.starts_with("postgres://")
                || v.starts_with("postgresql://"))
            {
                return Err(ConfigError {
                    variable: "DATABASE_URL",
                    problem: "expected a URL starting with sqlite:// or postgres://".into(),
                });
            }
            c.database_url = DatabaseUrl::new(v);
        }
        if let Some(v) = get("GUICHET_DATABASE_OWNER_URL") {
            if !(v.starts_with("postgres://") || v.starts_with("postgresql://")) {
                return Err(ConfigError {
                    variable: "GUICHET_DATABASE_OWNER_URL",
                    problem: "expected a URL starting with postgres://".into(),
                });
            }
            if c.database_url.is_sqlite() {
                return Err(ConfigError {
                    variable: "GUICHET_DATABASE_OWNER_URL",
                    problem: "only for PostgreSQL: DATABASE_URL names a SQLite database".into(),
                });
            }
            c.database_owner_url = Some(DatabaseUrl::new(v));
        }
        c.db_max_connections = match get("GUICHET_DB_MAX_CONNECTIONS") {
            Some(v) => parse_number("GUICHET_DB_MAX_CONNECTIONS", &v, 1, 1000)?,
            None => default_pool_size(c.database_url.is_sqlite()),
        };
        if let Some(v) = get("GUICHET_SITE_ROOT").or_else(|| get("LEPTOS_SITE_ROOT")) {
            c.site_root = PathBuf::from(v);
        }
        if let Some(v) = get("GUICHET_LOG_FORMAT") {
            c.log_format = match v.to_ascii_lowercase().as_str() {
                "text" => LogFormat::Text,
                "json" => LogFormat::Json,
                _ => {
                    return Err(ConfigError {
                        variable: "GUICHET_LOG_FORMAT",
                        problem: format!("expected “text” or “json”, got “{v}”"),
                    })
                }
            };
        }
        if let Some(v) = get("GUICHET_SUPPORT_EMAIL") {
            c.support_email =
                Some(
                    crate::domain::email::Email::parse(&v).map_err(|problem| ConfigError {
                        variable: "GUICHET_SUPPORT_EMAIL",
                        problem,
                    })?,
                );
        }
        if let Some(v) = get("GUICHET_DEMO_ADMIN_TOTP") {
            let compact: String = v
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_uppercase();
            let bits = compact.len() * 5;
            if bits < 128
                || !compact
                    .bytes()
                    .all(|b| b.is_ascii_uppercase() || (b'2'..=b'7').contains(&b))
            {
                return Err(ConfigError {
                    variable: "GUICHET_DEMO_ADMIN_TOTP",
                    problem: "expected a base32 secret of at least 26 characters (A–Z, 2–7)"
                        .to_owned(),
                });
            }
            c.demo_admin_totp = Some(compact);
        }
        if let Some(v) = get("GUICHET_DEMO_DATA") {
            c.demo_data = parse_bool("GUICHET_DEMO_DATA", &v)?;
        }
        if let Some(v) = get("GUICHET_PUBLIC_URL") {
            let origin = Origin::parse_public_url(&v).ok_or_else(|| ConfigError {
                variable: "GUICHET_PUBLIC_URL",
                problem: format!(
                    "expected an origin such as https://guichet.example.fr (scheme, host and \
                     port only), got “{v}”"
                ),
            })?;
            c.tls = origin.is_tls();
            c.public_origin = Some(origin);
        }
        if let Some(v) = get("GUICHET_TLS") {
            c.tls = parse_bool("GUICHET_TLS", &v)?;
            if let Some(origin) = c.public_origin.as_ref().filter(|o| o.is_tls() != c.tls) {
                return Err(ConfigError {
                    variable: "GUICHET_TLS",
                    problem: format!("contradicts GUICHET_PUBLIC_URL ({origin})"),
                });
            }
        }
        if let Some(v) = get("GUICHET_SESSION_IDLE_MINUTES") {
            let minutes = parse_number("GUICHET_SESSION_IDLE_MINUTES", &v, 1, 24 * 60)?;
            c.session_idle = Duration::from_secs(u64::from(minutes) * 60);
        }
        if let Some(v) = get("GUICHET_SESSION_MAX_HOURS") {
            let hours = parse_number("GUICHET_SESSION_MAX_HOURS", &v, 1, 24 * 30)?;
            c.session_max = Duration::from_secs(u64::from(hours) * 3600);
        }
        if let Some(v) = get("GUICHET_TRUSTED_PROXIES") {
            c.trusted_proxies = v
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(|s| {
                    s.parse().map_err(|_| ConfigError {
                        variable: "GUICHET_TRUSTED_PROXIES",
                        problem: format!("“{s}” is not an IP address"),
                    })
                })
                .collect::<Result<_, _>>()?;
        }
        if let Some(v) = get("GUICHET_MAX_WINDOW_MONTHS") {
            c.max_window_months = parse_number("GUICHET_MAX_WINDOW_MONTHS", &v, 1, 120)?;
        }
        if let Some(v) = get("GUICHET_LOGIN_MAX_FAILURES") {
            c.login_max_failures = parse_number("GUICHET_LOGIN_MAX_FAILURES", &v, 1, 1000)?;
        }
        if let Some(v) = get("GUICHET_API_RATE_PER_MINUTE") {
            c.api_rate_per_minute = parse_number("GUICHET_API_RATE_PER_MINUTE", &v, 1, 1_000_000)?;
        }
        if let Some(v) = get("GUICHET_LOGIN_WINDOW_MINUTES") {
            let minutes = parse_number("GUICHET_LOGIN_WINDOW_MINUTES", &v, 1, 24 * 60)?;
            c.login_window = Duration::from_secs(u64::from(minutes) * 60);
        }
        if let Some(v) = get("GUICHET_LOGIN_ADDRESS_MAX_FAILURES") {
            c.login_address_max_failures =
                parse_number("GUICHET_LOGIN_ADDRESS_MAX_FAILURES", &v, 1, 100_000)?;
        }
        if let Some(v) = get("GUICHET_SIGNUP_MAX_PER_ADDRESS") {
            c.signup_max_per_address =
                parse_number("GUICHET_SIGNUP_MAX_PER_ADDRESS", &v, 1, 10_000)?;
        }
        if let Some(v) = get("GUICHET_DEVICE_COOKIE_KEY") {
            let min = super::auth::device::MIN_KEY_CHARS;
            if v.chars().count() < min {
                return Err(ConfigError {
                    variable: "GUICHET_DEVICE_COOKIE_KEY",
                    problem: format!("expected at least {min} characters (a random string)"),
                });
            }
            c.device_cookie_key = Some(Secret::new(v));
        }
        if let Some(v) = get("GUICHET_HASH_CONCURRENCY") {
            c.hash_concurrency = parse_number("GUICHET_HASH_CONCURRENCY", &v, 1, 64)? as usize;
        }
        if let Some(v) = get("GUICHET_OUTBOX_KEY") {
            let key = crate::server::outbox::parse_key(&v).map_err(|problem| ConfigError {
                variable: "GUICHET_OUTBOX_KEY",
                problem,
            })?;
            c.outbox_key = Some(Secret::new(key));
        }
        c.jobs = super::jobs::settings::JobSettings::from_lookup(get)?;
        c.mail = super::mail::settings::MailSettings::from_lookup(get)?;
        c.oidc_providers = super::identity::oidc::settings::from_lookup(get)?;
        Ok(c)
    }

    /// Whether the portal may serve with this outbox key. Without `GUICHET_OUTBOX_KEY` the
    /// links in the outbox would be sealed under a key that dies with the process, so no mailer
    /// could ever send them: refused, except with demo data, where it is `Ok(false)` (serve with a
    /// random key of this process, and warn).
    pub fn outbox_key_check(&self) -> Result<bool, ConfigError> {
        match (&self.outbox_key, self.demo_data) {
            (Some(_), _) => Ok(true),
            (None, true) => Ok(false),
            (None, false) => Err(ConfigError {
                variable: "GUICHET_OUTBOX_KEY",
                problem: "required to serve (it seals the invitation and sign-up links in the \
                          e-mail outbox): set it to 32 random bytes in base64, made once with \
                          `openssl rand -base64 32` and kept with the other secrets"
                    .into(),
            }),
        }
    }
}

pub(crate) fn parse_number(
    variable: &'static str,
    value: &str,
    min: u32,
    max: u32,
) -> Result<u32, ConfigError> {
    match value.parse::<u32>() {
        Ok(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(ConfigError {
            variable,
            problem: format!("expected a whole number from {min} to {max}, got “{value}”"),
        }),
    }
}

fn parse_bool(variable: &'static str, value: &str) -> Result<bool, ConfigError> {
    match value.to_ascii_lowercase().as_str() {
        "1" | "true" | "yes" | "on" => Ok(true),
        "0" | "false" | "no" | "off" => Ok(false),
        _ => Err(ConfigError {
            variable,
            problem: format!("expected true or false, got “{value}”"),
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn config_from(pairs: &[(&str, &str)]) -> Result<AppConfig, ConfigError> {
        let map: HashMap<String, String> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        AppConfig::from_lookup(|name| map.get(name).cloned())
    }

    #[test]
    fn an_empty_environment_gives_safe_defaults() {
        let c = config_from(&[]).unwrap();
        assert!(c.database_url.is_sqlite());
        assert_eq!(c.addr.to_string(), "127.0.0.1:3000");
        assert!(!c.tls);
        assert!(!c.demo_data);
        assert_eq!(c.session_idle, Duration::from_secs(1800));
    }

    #[test]
    fn the_demo_admin_secret_is_base32_of_128_bits_at_least() {
        let c = config_from(&[(
            "GUICHET_DEMO_ADMIN_TOTP",
            "jbsw y3dp ehpk 3pxp jbsw y3dp ehpk 3pxp",
        )])
        .unwrap();
        assert_eq!(
            c.demo_admin_totp.as_deref(),
            Some("JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP")
        );
        for bad in ["JBSWY3DPEHPK3PXP", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PX1"] {
            let e = config_from(&[("GUICHET_DEMO_ADMIN_TOTP", bad)]).unwrap_err();
            assert_eq!(e.variable, "GUICHET_DEMO_ADMIN_TOTP", "{bad}");
        }
    }

    #[test]
    fn the_pool_is_smaller_on_sqlite_unless_configured() {
        assert_eq!(config_from(&[]).unwrap().db_max_connections, 4);
        let pg = config_from(&[("DATABASE_URL", "postgres://g@db/g")]).unwrap();
        assert_eq!(pg.db_max_connections, 8);
        let set = config_from(&[("GUICHET_DB_MAX_CONNECTIONS", "12")]).unwrap();
        assert_eq!(set.db_max_connections, 12);
    }

    #[test]
    fn a_bad_value_names_its_variable() {
        let e = config_from(&[("GUICHET_SESSION_IDLE_MINUTES", "soon")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_SESSION_IDLE_MINUTES");
        assert!(e.to_string().contains("soon"));
        let e = config_from(&[("DATABASE_URL", "mysql://x")]).unwrap_err();
        assert_eq!(e.variable, "DATABASE_URL");
        let e = config_from(&[("GUICHET_ADDR", "here")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_ADDR");
    }

    #[test]
    fn the_metrics_listen_on_an_address_of_their_own_only_when_set() {
        assert_eq!(config_from(&[]).unwrap().metrics_addr, None);
        let c = config_from(&[("GUICHET_METRICS_ADDR", "127.0.0.1:9464")]).unwrap();
        assert_eq!(c.metrics_addr, Some("127.0.0.1:9464".parse().unwrap()));
        let e = config_from(&[("GUICHET_METRICS_ADDR", "9464")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_METRICS_ADDR");
        assert!(e.to_string().contains("9464"), "{e}");
        let e = config_from(&[
            ("GUICHET_ADDR", "0.0.0.0:3000"),
            ("GUICHET_METRICS_ADDR", "0.0.0.0:3000"),
        ])
        .unwrap_err();
        assert_eq!(e.variable, "GUICHET_METRICS_ADDR");
    }

    #[test]
    fn the_database_password_never_appears_in_debug_output() {
        let url = DatabaseUrl::new("postgres://guichet:hunter2@db:5432/guichet");
        let shown = format!("{:?}", url);
        assert!(!shown.contains("hunter2"), "{shown}");
        assert!(shown.contains("guichet:***@db:5432"));
        let c = config_from(&[("DATABASE_URL", "postgres://u:topsecret@h/d")]).unwrap();
        assert!(!format!("{c:?}").contains("topsecret"));
    }

    #[test]
    fn the_device_cookie_key_is_long_enough_and_never_printed() {
        assert!(config_from(&[]).unwrap().device_cookie_key.is_none());
        let e = config_from(&[("GUICHET_DEVICE_COOKIE_KEY", "short")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_DEVICE_COOKIE_KEY");
        assert!(!e.to_string().contains("short"), "{e}");
        let key = "k".repeat(31) + "-secret";
        let c = config_from(&[("GUICHET_DEVICE_COOKIE_KEY", &key)]).unwrap();
        assert_eq!(c.device_cookie_key.as_ref().unwrap().expose(), &key);
        assert!(!format!("{c:?}").contains("-secret"));
    }

    #[test]
    fn the_support_address_is_an_address_or_nothing() {
        assert!(config_from(&[]).unwrap().support_email.is_none());
        let c = config_from(&[("GUICHET_SUPPORT_EMAIL", " Aide@Campus.example ")]).unwrap();
        assert_eq!(
            c.support_email.as_ref().map(|e| e.as_str()),
            Some("aide@campus.example")
        );
        let e = config_from(&[("GUICHET_SUPPORT_EMAIL", "not an address")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_SUPPORT_EMAIL");
    }

    #[test]
    fn the_outbox_key_is_required_to_serve_except_with_demo_data() {
        let e = config_from(&[]).unwrap().outbox_key_check().unwrap_err();
        assert_eq!(e.variable, "GUICHET_OUTBOX_KEY");
        assert!(e.to_string().contains("openssl rand -base64 32"), "{e}");
        let demo = config_from(&[("GUICHET_DEMO_DATA", "1")]).unwrap();
        assert_eq!(demo.outbox_key_check(), Ok(false));
        let key = "CQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQkJCQk=";
        let set = config_from(&[("GUICHET_OUTBOX_KEY", key)]).unwrap();
        assert_eq!(set.outbox_key_check(), Ok(true));
        assert_eq!(set.outbox_key.as_ref().map(|k| *k.expose()), Some([9; 32]));
        assert!(!format!("{set:?}").contains(key));
        let e = config_from(&[("GUICHET_OUTBOX_KEY", "c2hvcnQ=")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_OUTBOX_KEY");
        assert!(e.problem.contains("got 5 bytes"), "{e}");
    }

    #[test]
    fn the_public_url_gives_the_origin_and_the_scheme() {
        let c = config_from(&[("GUICHET_PUBLIC_URL", "https://Guichet.example.fr/")]).unwrap();
        assert!(c.tls, "an https:// public URL means TLS");
        assert_eq!(
            c.public_origin.map(|o| o.to_string()).as_deref(),
            Some("https://guichet.example.fr")
        );
        let c = config_from(&[("GUICHET_PUBLIC_URL", "http://localhost:3000")]).unwrap();
        assert!(!c.tls);
        let e = config_from(&[
            ("GUICHET_PUBLIC_URL", "https://guichet.example.fr"),
            ("GUICHET_TLS", "false"),
        ])
        .unwrap_err();
        assert_eq!(e.variable, "GUICHET_TLS");
        let e =
            config_from(&[("GUICHET_PUBLIC_URL", "https://guichet.example.fr/login")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_PUBLIC_URL");
        assert!(config_from(&[]).unwrap().public_origin.is_none());
    }

    #[test]
    fn the_owner_url_is_postgres_only_and_redacted() {
        let c = config_from(&[
            ("DATABASE_URL", "postgres://app:apppass@h/d"),
            (
                "GUICHET_DATABASE_OWNER_URL",
                "postgres://owner:ownerpass@h/d",
            ),
        ])
        .unwrap();
        let owner = c.database_owner_url.as_ref().expect("the owner URL");
        assert_eq!(owner.redacted(), "postgres://owner:***@h/d");
        assert!(!format!("{c:?}").contains("ownerpass"));
        assert!(config_from(&[("DATABASE_URL", "postgres://h/d")])
            .unwrap()
            .database_owner_url
            .is_none());
        let e = config_from(&[("GUICHET_DATABASE_OWNER_URL", "postgres://o@h/d")]).unwrap_err();
        assert_eq!(e.variable, "GUICHET_DATABASE_OWNER_URL");
        let e = config_from(&[
            ("DATABASE_URL", "postgres://h/d"),
            ("GUICHET_DATABASE_OWNER_URL", "sqlite://x.db"),
        ])
        .unwrap_err();
        assert_eq!(e.variable, "GUICHET_DATABASE_OWNER_URL");
    }
}
