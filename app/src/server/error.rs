//! Backend errors and their one mapping to what clients see.
//!
//! Services return [`ServiceError`]; the database's own words are logged here,
//! once, and never sent. `RowNotFound` becomes *not found* and a unique
//! violation a *conflict*.

use crate::i18n::td_string;
use axum::response::{IntoResponse, Response};

use crate::error::{AppError, BODY_LIMIT_BYTES};

#[derive(Debug, thiserror::Error)]
pub enum ServiceError {
    #[error(transparent)]
    App(#[from] AppError),
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("password hashing: {0}")]
    Hash(#[from] super::auth::password::HashError),
    #[error("session: {0}")]
    Session(#[from] tower_sessions::session::Error),
}

impl From<ServiceError> for AppError {
    fn from(e: ServiceError) -> Self {
        match e {
            ServiceError::App(app) => app,
            ServiceError::Db(sqlx::Error::RowNotFound) => AppError::NotFound,
            ServiceError::Db(ref db) if super::db::is_unavailable(db) => {
                tracing::warn!(error = %db, "database unavailable");
                unavailable()
            }
            ServiceError::Session(tower_sessions::session::Error::Store(ref store))
                if super::session_store::is_unavailable(store) =>
            {
                tracing::warn!(error = %store, "session store unavailable");
                unavailable()
            }
            ServiceError::Db(ref db) if super::db::is_unique_violation(db) => {
                AppError::conflict(td_string!(crate::locale::current(), server.already_exists))
            }
            other => {
                tracing::error!(error = %other, "request failed");
                AppError::Internal
            }
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// How long a client is asked to wait when the database cannot be reached.
pub const UNAVAILABLE_RETRY_AFTER_SECS: u64 = 5;

/// The error of a request that could not reach the database.
pub fn unavailable() -> AppError {
    AppError::Unavailable {
        retry_after_secs: UNAVAILABLE_RETRY_AFTER_SECS,
    }
}

/// Sets the response status of the current server function from its error,
/// then hands the error on. Every server function ends with it. A refusal
/// (401, 403, 404) is logged and counted on the way ([`super::access`]).
///
/// A plain form post (no wasm yet, `Accept: text/html`) keeps Leptos's
/// redirect back to the form, which then shows the error: a status here would
/// turn that redirect into a bare error page.
pub fn respond<T>(result: Result<T, impl Into<AppError>>) -> Result<T, AppError> {
    result.map_err(|e| {
        let e = e.into();
        super::access::record_if_refused(&e);
        let plain_form_post = is_plain_form_post();
        if plain_form_post {
            return e;
        }
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(e.status());
            if let Some(secs) = e.retry_after_secs() {
                options.insert_header(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
            }
        }
        e
    })
}

/// Whether the server function was called by a plain HTML form (no wasm yet):
/// a POST that accepts HTML. Such a caller navigates by redirects, a hydrated
/// page by itself. A page being rendered (a GET) is not one: there the server
/// functions run in-process and their errors give the page its status.
pub fn is_plain_form_post() -> bool {
    leptos::prelude::use_context::<http::request::Parts>().is_some_and(|parts| {
        parts.method == http::Method::POST
            && parts
                .headers
                .get(http::header::ACCEPT)
                .and_then(|v| v.to_str().ok())
                .is_some_and(|v| v.contains("text/html"))
    })
}

impl IntoResponse for AppError {
    fn into_response(self) -> Response {
        let status = self.status();
        let mut response = (status, axum::Json(&self)).into_response();
        if let Some(secs) = self.retry_after_secs() {
            response
                .headers_mut()
                .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
        }
        response
    }
}

/// The marker server_fn puts on a response that carries a server function's
/// error (its body is the encoded [`AppError`]).
const SERVER_FN_ERROR_HEADER: &str = "serverfnerror";

/// The first wall of `/api/`: a body that is not a form gets 415 and one over
/// [`BODY_LIMIT_BYTES`] 413 before anything reads it. On the way out, an error
/// that server_fn answered 500 (it does so for every error the function did
/// not give a status itself, arguments that could not be decoded among them)
/// gets its own status and `Retry-After`; a bare 500 (a caught panic) gets an
/// [`AppError::Internal`] body, so every `/api/` error decodes as an
/// `AppError`. Outside `/api/`, a bare 503 gets the page saying the portal is
/// briefly unavailable.
pub async fn guard(request: axum::extract::Request, next: axum::middleware::Next) -> Response {
    // `/api/v1` (the REST API) answers JSON and problem details of its own (`server::rest`).
    let path = request.uri().path();
    let api = path.starts_with("/api/") && !path.starts_with("/api/v1/");
    if api && request.method() == http::Method::POST {
        let is_form = request
            .headers()
            .get(http::header::CONTENT_TYPE)
            .and_then(|v| v.to_str().ok())
            .is_some_and(|v| {
                v.trim_start()
                    .to_ascii_lowercase()
                    .starts_with("application/x-www-form-urlencoded")
            });
        if !is_form {
            return AppError::UnsupportedMediaType.into_response();
        }
        let declared = request
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.parse::<u64>().ok());
        if declared.is_some_and(|n| n > BODY_LIMIT_BYTES as u64) {
            return AppError::PayloadTooLarge {
                limit_bytes: BODY_LIMIT_BYTES as u64,
            }
            .into_response();
        }
    }
    let response = next.run(request).await;
    if api {
        api_error_status(response).await
    } else if response.status() == http::StatusCode::SERVICE_UNAVAILABLE
        && response.headers().get(http::header::CONTENT_TYPE).is_none()
    {
        unavailable_page()
    } else {
        response
    }
}

/// Gives an `/api/` error answered 500 the status of the error it carries.
async fn api_error_status(response: Response) -> Response {
    if response.status() != http::StatusCode::INTERNAL_SERVER_ERROR {
        return response;
    }
    if response.headers().get(SERVER_FN_ERROR_HEADER).is_none() {
        return AppError::Internal.into_response();
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = axum::body::to_bytes(body, BODY_LIMIT_BYTES).await else {
        return AppError::Internal.into_response();
    };
    let Ok(error) = serde_json::from_slice::<AppError>(&bytes) else {
        return AppError::Internal.into_response();
    };
    parts.status = error.status();
    if let Some(secs) = error.retry_after_secs() {
        parts
            .headers
            .insert(http::header::RETRY_AFTER, http::HeaderValue::from(secs));
    }
    Response::from_parts(parts, axum::body::Body::from(bytes))
}

/// The last wall: a panic anywhere in a request answers 500 with a plain page
/// (the `/api/` guard turns it into an [`AppError::Internal`] body). The panic
/// itself is logged once, by the hook of [`log_panics_in_one_line`].
pub fn panic_response(_panic: Box<dyn std::any::Any + Send + 'static>) -> Response {
    let mut response = (
        http::StatusCode::INTERNAL_SERVER_ERROR,
        axum::response::Html(ERROR_PAGE.replace("{message}", &AppError::Internal.to_string())),
    )
        .into_response();
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
}

/// A page of its own saying `error` in words, with its status: for a browser's plain form post
/// refused before it reached the portal (a cross-site one).
pub fn error_page(error: &AppError) -> Response {
    let mut response = (
        error.status(),
        axum::response::Html(ERROR_PAGE.replace(
            "{message}",
            &crate::domain::escape_markup(&error.to_string()),
        )),
    )
        .into_response();
    response.headers_mut().insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
}

/// The page of a request that could not reach the database: 503, `Retry-After`.
pub fn unavailable_page() -> Response {
    let error = unavailable();
    let mut response = (
        error.status(),
        axum::response::Html(ERROR_PAGE.replace("{message}", &error.to_string())),
    )
        .into_response();
    let headers = response.headers_mut();
    headers.insert(
        http::header::RETRY_AFTER,
        http::HeaderValue::from(UNAVAILABLE_RETRY_AFTER_SECS),
    );
    headers.insert(
        http::header::CACHE_CONTROL,
        http::HeaderValue::from_static("no-store"),
    );
    response
}

/// A page of its own, with no script and no database behind it; styled by the portal's own
/// stylesheet (the CSP refuses inline styles).
const ERROR_PAGE: &str = "<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\">\
<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\
<title>Guichet</title><link rel=\"stylesheet\" href=\"/pkg/guichet.css\"></head><body>\
<main class=\"page page--narrow\"><h1>Guichet</h1><p>{message}</p><p><a href=\"/\">Back to the portal</a></p>\
</main></body></html>";

/// Replaces the default panic hook by one that writes a single `error` line
/// (the message and where), with no backtrace: a request that panics must not
/// write kilobytes to the log. The server binary installs it at start.
pub fn log_panics_in_one_line() {
    std::panic::set_hook(Box::new(|info| {
        let message = info
            .payload()
            .downcast_ref::<&str>()
            .map(|s| (*s).to_owned())
            .or_else(|| info.payload().downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "a panic without a message".to_owned());
        let location = info
            .location()
            .map(|l| format!("{}:{}", l.file(), l.line()))
            .unwrap_or_default();
        tracing::error!(panic = %message, %location, "panicked");
    }));
}

#[cfg(test)]
mod page_tests {
    use super::*;

    #[test]
    fn the_plain_error_page_has_no_inline_style_the_csp_would_refuse() {
        assert!(!ERROR_PAGE.contains("style="), "{ERROR_PAGE}");
        assert!(ERROR_PAGE.contains("/pkg/guichet.css"));
    }
}
