//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{
    access::AccessDenials,
    auth::{
        device::DeviceKey,
        password::PasswordHashing,
        throttle::{Allowances, Throttle},
    },
    config::AppConfig,
    db::Db,
    outbox::OutboxKey,
    rest::rate::ApiRateLimiter,
    session_store::DbSessionStore,
};

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<AppConfig>,
    pub leptos_options: LeptosOptions,
    pub sessions: DbSessionStore,
    pub hashing: PasswordHashing,
    /// Sign-in, sign-up and current-password throttles, counted in the database.
    pub throttle: Throttle,
    /// Signs device cookies.
    pub device_key: DeviceKey,
    /// Seals the outbox's secret links: `GUICHET_OUTBOX_KEY`, or a key of this process only.
    pub outbox_key: OutboxKey,
    /// Refused accesses, counted by kind (`denials.counts()`).
    pub denials: Arc<AccessDenials>,
    /// Per-token limits of the REST API's calls.
    pub api_limits: Arc<ApiRateLimiter>,
    /// The identity providers people may sign in with, and the client that talks to them.
    pub providers: crate::server::identity::oidc::Providers,
}

impl AppState {
    pub fn new(db: Db, config: AppConfig) -> Self {
        let leptos_options = LeptosOptions::builder()
            .output_name("guichet")
            .site_root(config.site_root.to_string_lossy().to_string())
            .site_pkg_dir("pkg")
            .site_addr(config.addr)
            .env(leptos::config::Env::PROD)
            .build();
        let outbox_key = match &config.outbox_key {
            Some(key) => OutboxKey::from_bytes(key.expose()),
            None => OutboxKey::random(),
        };
        Self {
            outbox_key,
            sessions: DbSessionStore::new(db.clone()),
            hashing: PasswordHashing::new(config.hash_concurrency),
            throttle: Throttle::new(Allowances::from_config(&config)),
            device_key: DeviceKey::from_config(config.device_cookie_key.as_ref()),
            denials: Arc::new(AccessDenials::default()),
            api_limits: Arc::new(ApiRateLimiter::new(config.api_rate_per_minute)),
            providers: crate::server::identity::oidc::Providers::new(config.oidc_providers.clone()),
            db,
            config: Arc::new(config),
            leptos_options,
        }
    }
}

impl FromRef<AppState> for LeptosOptions {
    fn from_ref(state: &AppState) -> Self {
        state.leptos_options.clone()
    }
}

/// The application state inside a server function or a server-rendered page.
pub fn app_state() -> Result<AppState, crate::error::AppError> {
    leptos::prelude::use_context::<AppState>().ok_or(crate::error::AppError::Internal)
}
