//! Liveness and readiness for load balancers and orchestrators.

use axum::{
    extract::State,
    http::{header::RETRY_AFTER, StatusCode},
    response::IntoResponse,
};

use super::{error::UNAVAILABLE_RETRY_AFTER_SECS, state::AppState};

/// `GET /healthz`: the process is up.
pub async fn healthz() -> impl IntoResponse {
    (StatusCode::OK, "ok")
}

/// How long `/readyz` waits for the database: a probe must answer within 1 s
/// whatever the pool's own acquire timeout.
pub const READY_TIMEOUT: std::time::Duration = std::time::Duration::from_millis(800);

/// `GET /readyz`: the database answers; 503 (and `Retry-After`) when it does
/// not, or not within [`READY_TIMEOUT`].
pub async fn readyz(State(state): State<AppState>) -> impl IntoResponse {
    let error = match tokio::time::timeout(READY_TIMEOUT, state.db.ping()).await {
        Ok(Ok(())) => return (StatusCode::OK, "ready").into_response(),
        Ok(Err(e)) => e.to_string(),
        Err(_) => format!("no answer within {READY_TIMEOUT:?}"),
    };
    tracing::warn!(%error, "readiness check failed");
    (
        StatusCode::SERVICE_UNAVAILABLE,
        [(RETRY_AFTER, UNAVAILABLE_RETRY_AFTER_SECS.to_string())],
        "database unavailable",
    )
        .into_response()
}
