//! The one error type clients see, from server functions and (later) the REST API.
//!
//! Its variants are safe to show: no database text, no internal detail ever
//! reaches a client. The backend maps its own errors into it in one place
//! (`server::error`), and sets the matching HTTP status on the response.

use leptos::server_fn::{
    codec::JsonEncoding,
    error::{FromServerFnError, ServerFnErrorErr},
};
use serde::{Deserialize, Serialize};

/// What went wrong, in words a person understands.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum AppError {
    #[error("Please sign in to continue.")]
    Unauthenticated,
    #[error("The e-mail address or the password is not right.")]
    InvalidCredentials,
    #[error("You do not have permission to do that.")]
    Forbidden,
    #[error("Not found.")]
    NotFound,
    #[error("{message}")]
    Validation { field: String, message: String },
    #[error("{message}")]
    Conflict { message: String },
    #[error("Too many attempts. Please wait {retry_after_secs} seconds and try again.")]
    TooManyRequests { retry_after_secs: u64 },
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request never reached the function (network, encoding); the text
    /// comes from the transport, not from the database.
    #[error("The request could not be completed: {0}")]
    Transport(String),
}

impl AppError {
    /// A validation error on one named form field.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
        }
    }

    pub fn conflict(message: impl Into<String>) -> Self {
        Self::Conflict {
            message: message.into(),
        }
    }

    /// The HTTP status this error answers with.
    pub fn status(&self) -> http::StatusCode {
        use http::StatusCode as S;
        match self {
            Self::Unauthenticated | Self::InvalidCredentials => S::UNAUTHORIZED,
            Self::Forbidden => S::FORBIDDEN,
            Self::NotFound => S::NOT_FOUND,
            Self::Validation { .. } => S::UNPROCESSABLE_ENTITY,
            Self::Conflict { .. } => S::CONFLICT,
            Self::TooManyRequests { .. } => S::TOO_MANY_REQUESTS,
            Self::Internal => S::INTERNAL_SERVER_ERROR,
            Self::Transport(_) => S::BAD_REQUEST,
        }
    }

    /// The message to show beside a form field, when this error is about it.
    pub fn field_message(&self, name: &str) -> Option<String> {
        match self {
            Self::Validation { field, message } if field == name => Some(message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::ServerError(message) => Self::Transport(message),
            other => Self::Transport(other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_variant_maps_to_a_client_error_status_except_internal() {
        assert_eq!(AppError::NotFound.status(), http::StatusCode::NOT_FOUND);
        assert_eq!(
            AppError::validation("email", "bad").status(),
            http::StatusCode::UNPROCESSABLE_ENTITY
        );
        assert_eq!(
            AppError::Internal.status(),
            http::StatusCode::INTERNAL_SERVER_ERROR
        );
    }

    #[test]
    fn a_field_message_is_only_given_for_its_own_field() {
        let e = AppError::validation("email", "That is not an e-mail address.");
        assert_eq!(
            e.field_message("email").as_deref(),
            Some("That is not an e-mail address.")
        );
        assert_eq!(e.field_message("password"), None);
    }

    #[test]
    fn errors_round_trip_through_json_as_the_client_sees_them() {
        let e = AppError::TooManyRequests {
            retry_after_secs: 60,
        };
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&text).unwrap(), e);
    }
}
