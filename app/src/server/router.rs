//! The whole HTTP surface: health probes, Leptos pages and server functions,
//! static files, wrapped in sessions and the security middleware, request ids
//! and HTTP metrics. The server binary serves it and the tests drive it.

use axum::{
    extract::DefaultBodyLimit,
    middleware,
    routing::{get, post},
    Router,
};
use leptos_axum::{generate_route_list, LeptosRoutes};
use tower_http::{
    catch_panic::CatchPanicLayer,
    compression::CompressionLayer,
    request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer},
    trace::TraceLayer,
};
use tower_sessions::{cookie::SameSite, Expiry, SessionManagerLayer};

use super::{error, export, health, metrics, request_id, review, security, state::AppState};
use crate::{
    error::BODY_LIMIT_BYTES,
    ui::{shell, App},
};

/// The session cookie's name on plain HTTP (local development).
pub const SESSION_COOKIE: &str = "guichet_session";

/// The session cookie's name under TLS: the `__Host-` prefix makes browsers accept it only with
/// `Secure`, `Path=/` and no `Domain`, so neither a sibling subdomain nor a plain-HTTP page can
/// plant or overwrite it.
pub const SESSION_COOKIE_TLS: &str = "__Host-guichet_session";

/// The session cookie's name for a portal served over TLS or not.
pub fn session_cookie_name(tls: bool) -> &'static str {
    if tls {
        SESSION_COOKIE_TLS
    } else {
        SESSION_COOKIE
    }
}

/// The longest a request may take before it is answered 503: no page or call of the portal needs
/// more than a fraction of it, and a request stuck on something that never wakes must not hold
/// its connection (and its client) forever.
pub const REQUEST_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

/// The app's routes, listed once per process. Listing them renders the app with resource loading
/// suppressed through a process-wide flag, and a resource first polled while that flag is up never
/// loads (leptos-rs/leptos#4773): a page rendered at that moment hangs. Listing once, before any
/// router exists, closes that window for good, also when tests build many routers in parallel.
pub fn route_list() -> Vec<leptos_axum::AxumRouteListing> {
    static ROUTES: std::sync::OnceLock<Vec<leptos_axum::AxumRouteListing>> =
        std::sync::OnceLock::new();
    ROUTES.get_or_init(|| generate_route_list(App)).clone()
}

pub fn router(state: AppState) -> Router {
    let routes = route_list();
    let idle =
        time::Duration::seconds(i64::try_from(state.config.session_idle.as_secs()).unwrap_or(1800));
    let sessions = SessionManagerLayer::new(state.sessions.clone())
        .with_name(session_cookie_name(state.config.tls))
        .with_http_only(true)
        .with_same_site(SameSite::Lax)
        .with_secure(state.config.tls)
        .with_path("/")
        // No `with_domain`: the cookie is host-only, as `__Host-` requires.
        .with_expiry(Expiry::OnInactivity(idle));

    let leptos_options = state.leptos_options.clone();
    let context_state = state.clone();
    let app = Router::new()
        .route("/healthz", get(health::healthz))
        .route("/readyz", get(health::readyz))
        // Attachments of a request: a multipart upload (the one route whose body may exceed
        // BODY_LIMIT_BYTES) and the download (see `review::files`).
        .route(
            "/requests/{id}/attachments",
            post(review::files::upload)
                .layer(DefaultBodyLimit::max(review::files::UPLOAD_BODY_LIMIT)),
        )
        .route(
            "/requests/{id}/attachments/{attachment}",
            get(review::files::download),
        )
        .merge(export::routes())
        // Federated sign-in: the provider's buttons post here, and it sends the browser back.
        .merge(super::identity::oidc::web::routes())
        .nest(super::rest::PREFIX, super::rest::router(state.clone()))
        // `/api/v1/` itself is outside the nested router: a problem too, not a page.
        .route("/api/v1/", axum::routing::any(super::rest::not_found))
        .leptos_routes_with_context(
            &state,
            routes,
            move || leptos::prelude::provide_context(context_state.clone()),
            move || shell(leptos_options.clone()),
        )
        .fallback(leptos_axum::file_and_error_handler::<AppState, _>(shell))
        .layer(middleware::from_fn(deadline))
        .layer(middleware::from_fn_with_state(
            state.clone(),
            super::form_answer::carry,
        ))
        .layer(sessions)
        .layer(middleware::from_fn_with_state(
            state.clone(),
            security::protect,
        ));
    // No `/metrics` here: the metrics have a listener of their own (`metrics::metrics_router`).
    observed(with_walls(app).layer(CompressionLayer::new())).with_state(state)
}

/// The outermost layers, outermost last: an incoming request id is checked
/// ([`request_id::drop_unacceptable`]), kept or made; the request's span records it
/// ([`request_id::span`]); every response, errors and caught panics of [`with_walls`] included,
/// carries it back and is timed and counted by route ([`metrics::record_http`]).
pub fn observed<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(middleware::from_fn(metrics::record_http))
        .layer(PropagateRequestIdLayer::x_request_id())
        .layer(TraceLayer::new_for_http().make_span_with(request_id::span))
        .layer(SetRequestIdLayer::x_request_id(MakeRequestUuid))
        .layer(middleware::from_fn(request_id::drop_unacceptable))
}

/// How long an agent's upload of accounting records may take: it is streamed and may be large.
pub const UPLOAD_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(1800);

/// Answers 503 when a request takes longer than [`REQUEST_TIMEOUT`] (an agent's usage upload:
/// [`UPLOAD_TIMEOUT`]).
async fn deadline(
    request: axum::extract::Request,
    next: middleware::Next,
) -> axum::response::Response {
    use axum::response::IntoResponse as _;
    let path = request.uri().path();
    let limit = if path.starts_with("/api/v1/agent/") && path.ends_with("/usage") {
        UPLOAD_TIMEOUT
    } else {
        REQUEST_TIMEOUT
    };
    match tokio::time::timeout(limit, next.run(request)).await {
        Ok(response) => response,
        Err(_) => http::StatusCode::SERVICE_UNAVAILABLE.into_response(),
    }
}

/// The walls around every request, outermost last: a caught panic answers 500
/// ([`error::panic_response`]), `/api/` bodies are checked and its errors get
/// their statuses ([`error::guard`]), and no body over [`BODY_LIMIT_BYTES`] is read.
pub fn with_walls<S: Clone + Send + Sync + 'static>(router: Router<S>) -> Router<S> {
    router
        .layer(CatchPanicLayer::custom(error::panic_response))
        .layer(middleware::from_fn(error::guard))
        .layer(DefaultBodyLimit::max(BODY_LIMIT_BYTES))
}
