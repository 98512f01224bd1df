//! Errors of `/api/v1` as problem details (RFC 9457, `application/problem+json`): the same
//! `AppError` the pages show, with a stable machine-readable `code` and every field's error.

use axum::response::{IntoResponse, Response};
use http::{header, HeaderValue, StatusCode};
use serde::Serialize;
use utoipa::ToSchema;

use crate::error::{AppError, FieldError};

/// A problem, as sent.
#[derive(Debug, Serialize, ToSchema)]
pub struct Problem {
    /// A URI reference naming the kind of problem: `/api/v1/problems/<code>`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The kind of problem in a few words; the same for every problem of this `code`.
    pub title: &'static str,
    /// The HTTP status.
    pub status: u16,
    /// This occurrence in a person's words.
    pub detail: String,
    /// Stable and machine-readable: what a program branches on.
    pub code: &'static str,
    /// For `validation_failed`: every field's error.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<ProblemField>,
    /// For `residency_refused`: the ids of the rules that refused the site (`G4`, `H1`…).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub rules: Vec<String>,
    /// For `rate_limited` and `unavailable`: seconds to wait (also in `Retry-After`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub retry_after: Option<u64>,
}

/// One field's error.
#[derive(Debug, Serialize, ToSchema)]
pub struct ProblemField {
    pub field: String,
    pub message: String,
}

impl From<FieldError> for ProblemField {
    fn from(e: FieldError) -> Self {
        Self {
            field: e.field,
            message: e.message,
        }
    }
}

/// The stable code and title of an error.
pub fn code_of(error: &AppError) -> (&'static str, &'static str) {
    match error {
        AppError::Unauthenticated | AppError::InvalidCredentials => {
            ("unauthenticated", "A valid bearer token is needed")
        }
        AppError::Forbidden
        | AppError::CrossSite { .. }
        | AppError::SecondFactorSetupNeeded
        | AppError::StepUpNeeded => ("forbidden", "The token or its person may not do this"),
        AppError::NotFound => ("not_found", "No such resource"),
        AppError::Validation { .. } => ("validation_failed", "Some fields are not right"),
        AppError::Conflict { .. } => ("conflict", "The resource's state does not allow this"),
        AppError::ResidencyRefused { .. } => (
            "residency_refused",
            "The residency rules refuse this site for this data",
        ),
        AppError::PreconditionFailed { .. } => (
            "precondition_failed",
            "The resource changed since it was read",
        ),
        AppError::TooManyRequests { .. } => ("rate_limited", "Too many requests"),
        AppError::Internal => ("internal", "Something went wrong on the server"),
        AppError::BadRequest { .. } => ("bad_request", "The request could not be read"),
        AppError::UnsupportedMediaType => ("unsupported_media_type", "The body must be JSON"),
        AppError::PayloadTooLarge { .. } => ("payload_too_large", "The body is too large"),
        AppError::Unavailable { .. } => ("unavailable", "Briefly unavailable"),
    }
}

impl From<AppError> for Problem {
    fn from(error: AppError) -> Self {
        let (code, title) = code_of(&error);
        let detail = match &error {
            AppError::UnsupportedMediaType => {
                "This address accepts a JSON body (application/json).".to_owned()
            }
            other => other.to_string(),
        };
        Self {
            kind: format!("/api/v1/problems/{code}"),
            title,
            status: error.status().as_u16(),
            detail,
            code,
            errors: error
                .field_errors()
                .into_iter()
                .map(ProblemField::from)
                .collect(),
            retry_after: error.retry_after_secs(),
            rules: match &error {
                AppError::ResidencyRefused { rules, .. } => rules.clone(),
                _ => Vec::new(),
            },
        }
    }
}

/// An error of an `/api/v1` handler.
#[derive(Debug)]
pub struct ApiError(pub AppError);

impl From<AppError> for ApiError {
    fn from(e: AppError) -> Self {
        Self(e)
    }
}

impl From<crate::server::error::ServiceError> for ApiError {
    fn from(e: crate::server::error::ServiceError) -> Self {
        Self(e.into())
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let unauthenticated = matches!(self.0, AppError::Unauthenticated);
        let problem = Problem::from(self.0);
        let status =
            StatusCode::from_u16(problem.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        let retry = problem.retry_after;
        let mut response = (status, axum::Json(problem)).into_response();
        let headers = response.headers_mut();
        headers.insert(
            header::CONTENT_TYPE,
            HeaderValue::from_static("application/problem+json"),
        );
        if unauthenticated {
            headers.insert(
                header::WWW_AUTHENTICATE,
                HeaderValue::from_static("Bearer realm=\"guichet\""),
            );
        }
        if let Some(secs) = retry {
            if let Ok(v) = HeaderValue::from_str(&secs.to_string()) {
                headers.insert(header::RETRY_AFTER, v);
            }
        }
        response
    }
}

/// What an `/api/v1` handler returns.
pub type ApiResult<T> = Result<T, ApiError>;

/// 405: the path exists, not with this method.
pub fn method_not_allowed() -> Response {
    let problem = Problem {
        kind: "/api/v1/problems/method_not_allowed".to_owned(),
        title: "This method is not allowed here",
        status: 405,
        detail: "This address does not take this method: see /api/v1/openapi.json.".to_owned(),
        code: "method_not_allowed",
        errors: Vec::new(),
        retry_after: None,
        rules: Vec::new(),
    };
    let mut response = (StatusCode::METHOD_NOT_ALLOWED, axum::Json(problem)).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/problem+json"),
    );
    response
}
