//! The whole HTTP surface: health probes, Leptos pages and server functions,
//! static files, wrapped in sessions and the security middleware. The server
//! binary serves it and the tests drive it.

use axum::{middleware, routing::get, Router};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{compression::CompressionLayer, trace::TraceLayer};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

use super::{health, security, state::AppState};
use crate::ui::{shell, App};

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "guichet_session";

pub fn router(state: AppState) -> Router {
    let routes = generate_route_list(App);
    let idle =
        time::Duration::seconds(i64::try_from(state.config.session_idle.as_secs()).unwrap_or(1800));
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name(SESSION_COOKIE)
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.tls)
        .with_path("/")
        .with_expiry(Expiry::OnInactivity(idle));

    let leptos_options = state.leptos_options.clone();
    let context_state = state.clone();
    Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        .leptos_routes_with_context(
            &state,
            routes,
            move || leptos::prelude::provide_context(context_state.clone()),
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::protect,
        ))
        .layer(CompressionLayer::new())
        .layer(TraceLayer::new_for_http())
        .with_state(state)
}
