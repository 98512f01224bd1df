//! Backend errors and their one mapping to what clients see.
//!
//! Services return [`ServiceError`]; the database's own words are logged here,
//! once, and never sent. `RowNotFound` becomes *not found* and a unique
//! violation a *conflict*.

use axum::response::{IntoResponse, Response};

use crate::error::AppError;

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
            ServiceError::Db(ref db) if super::db::is_unique_violation(db) => {
                AppError::conflict("That already exists.")
            }
            other => {
                tracing::error!(error = %other, "request failed");
                AppError::Internal
            }
        }
    }
}

pub type ServiceResult<T> = Result<T, ServiceError>;

/// Sets the response status of the current server function from its error,
/// then hands the error on. Every server function ends with it.
///
/// A plain form post (no wasm yet, `Accept: text/html`) keeps Leptos's
/// redirect back to the form, which then shows the error: a status here would
/// turn that redirect into a bare error page.
pub fn respond<T>(result: Result<T, impl Into<AppError>>) -> Result<T, AppError> {
    result.map_err(|e| {
        let e = e.into();
        let plain_form_post = is_plain_form_post();
        if plain_form_post {
            return e;
        }
        if let Some(options) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
            options.set_status(e.status());
            if let AppError::TooManyRequests { retry_after_secs } = &e {
                if let Ok(v) = http::HeaderValue::from_str(&retry_after_secs.to_string()) {
                    options.insert_header(http::header::RETRY_AFTER, v);
                }
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
        if let AppError::TooManyRequests { retry_after_secs } = &self {
            if let Ok(v) = http::HeaderValue::from_str(&retry_after_secs.to_string()) {
                response.headers_mut().insert(http::header::RETRY_AFTER, v);
            }
        }
        response
    }
}
