//! What every handler and server function can reach.

use std::sync::Arc;

use axum::extract::FromRef;
use leptos::config::LeptosOptions;

use super::{
    access::AccessDenials,
    auth::{password::PasswordHashing, throttle::LoginThrottle},
    config::AppConfig,
    db::Db,
    session_store::DbSessionStore,
};

#[derive(Clone, Debug)]
pub struct AppState {
    pub db: Db,
    pub config: Arc<AppConfig>,
    pub leptos_options: LeptosOptions,
    pub sessions: DbSessionStore,
    pub hashing: PasswordHashing,
    pub login_throttle: Arc<LoginThrottle>,
    /// Refused accesses, counted by kind (`denials.counts()`).
    pub denials: Arc<AccessDenials>,
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
        Self {
            sessions: DbSessionStore::new(db.clone()),
            hashing: PasswordHashing::new(config.hash_concurrency),
            login_throttle: Arc::new(LoginThrottle::new(
                config.login_max_failures,
                config.login_window,
            )),
            denials: Arc::new(AccessDenials::default()),
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
