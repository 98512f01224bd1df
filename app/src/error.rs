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
    /// A state-changing request that did not come from the portal's own pages (403); the
    /// message says why.
    #[error("{message}")]
    CrossSite { message: String },
    #[error("Not found.")]
    NotFound,
    /// One or more form fields are wrong. `field` and `message` are the first
    /// (in form order); `others` holds the rest, so a page shows every field's
    /// error at once.
    #[error("{message}")]
    Validation {
        field: String,
        message: String,
        #[serde(default, skip_serializing_if = "Vec::is_empty")]
        others: Vec<FieldError>,
    },
    #[error("{message}")]
    Conflict { message: String },
    /// A platform admin whose session has no second factor (403): they set one up first.
    #[error("Platform administration needs two-step sign-in: set it up on your account page.")]
    SecondFactorSetupNeeded,
    /// An action that asks for a code again (403): the person's last code is older than a few
    /// minutes. They confirm with a code (`confirm_with_code`) and try again.
    #[error("Confirm with a code from your authenticator app first.")]
    StepUpNeeded,
    /// The residency rules refuse the site: `rules` are the failed rules' ids (`G4`, `H1`…), the
    /// message says why in words. About a form field (the site) when `field` is set (422), else
    /// about the request's state now, as for a decision (409).
    #[error("{message}")]
    ResidencyRefused {
        field: Option<String>,
        message: String,
        rules: Vec<String>,
    },
    /// The object changed since the caller read it (a stale `If-Match`, or a page older than
    /// the request it decides on): nothing was written.
    #[error("{message}")]
    PreconditionFailed { message: String },
    #[error("Too many attempts. Please wait {} and try again.", wait_in_words(*retry_after_secs))]
    TooManyRequests { retry_after_secs: u64 },
    #[error("Something went wrong on our side. Please try again in a moment.")]
    Internal,
    /// The request could not be read (a field missing, repeated or not in its
    /// form, a body that is not text) or never reached the server (network).
    /// The text comes from the decoder or the transport, never the database.
    #[error("{message}")]
    BadRequest { message: String },
    /// The body is not a form (server functions read
    /// `application/x-www-form-urlencoded` only).
    #[error("This address only accepts a form (application/x-www-form-urlencoded).")]
    UnsupportedMediaType,
    /// The body is larger than the portal accepts.
    #[error("What was sent is too large: at most {limit_bytes} bytes are accepted.")]
    PayloadTooLarge { limit_bytes: u64 },
    /// The database cannot be reached right now: try again shortly.
    #[error("The portal is briefly unavailable. Please try again in {retry_after_secs} seconds.")]
    Unavailable { retry_after_secs: u64 },
}

/// A wait as a person says it: "1 second", "40 seconds", "2 minutes" (rounded up).
pub fn wait_in_words(secs: u64) -> String {
    match secs {
        0 | 1 => "1 second".to_owned(),
        2..=90 => format!("{secs} seconds"),
        _ => format!("{} minutes", secs.div_ceil(60)),
    }
}

/// A wait in words of `locale`: "1 seconde", "40 seconds", "2 minutes" (rounded up).
pub fn wait_in_locale(locale: crate::i18n::Locale, secs: u64) -> String {
    use crate::domain::format::fill;
    use crate::i18n::td_string;
    match secs {
        0 | 1 => td_string!(locale, errors.wait_one_second).to_string(),
        2..=90 => fill(td_string!(locale, errors.wait_seconds), &[("n", &secs)]),
        _ => fill(
            td_string!(locale, errors.wait_minutes),
            &[("n", &secs.div_ceil(60))],
        ),
    }
}

impl AppError {
    /// The sentence to show a person reading `locale`. The messages the server wrote (a field's
    /// error, a conflict, a residency refusal) are already in the language of the request that
    /// got them; the fixed ones are translated here.
    pub fn message(&self, locale: crate::i18n::Locale) -> String {
        use crate::domain::format::{fill, integer};
        use crate::i18n::td_string;
        match self {
            Self::Unauthenticated => td_string!(locale, errors.unauthenticated).to_string(),
            Self::InvalidCredentials => td_string!(locale, errors.invalid_credentials).to_string(),
            Self::Forbidden => td_string!(locale, errors.forbidden).to_string(),
            Self::SecondFactorSetupNeeded => {
                td_string!(locale, errors.second_factor_setup_needed).to_string()
            }
            Self::StepUpNeeded => td_string!(locale, errors.step_up_needed).to_string(),
            Self::NotFound => td_string!(locale, errors.not_found).to_string(),
            Self::TooManyRequests { retry_after_secs } => fill(
                td_string!(locale, errors.too_many_requests),
                &[("wait", &wait_in_locale(locale, *retry_after_secs))],
            ),
            Self::Internal => td_string!(locale, errors.internal).to_string(),
            Self::UnsupportedMediaType => {
                td_string!(locale, errors.unsupported_media_type).to_string()
            }
            Self::PayloadTooLarge { limit_bytes } => fill(
                td_string!(locale, errors.payload_too_large),
                &[("limit", &integer(locale, *limit_bytes as i64))],
            ),
            Self::Unavailable { retry_after_secs } => fill(
                td_string!(locale, errors.unavailable),
                &[("seconds", retry_after_secs)],
            ),
            Self::CrossSite { message }
            | Self::Validation { message, .. }
            | Self::Conflict { message }
            | Self::ResidencyRefused { message, .. }
            | Self::PreconditionFailed { message }
            | Self::BadRequest { message } => message.clone(),
        }
    }
}

/// One form field's error: its name in the form and a sentence for a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldError {
    pub field: String,
    pub message: String,
}

/// Collects every field's error while a form is parsed, so that the person
/// sees all of them at once rather than one per try.
///
/// ```
/// # use app::error::FieldErrors;
/// let mut errors = FieldErrors::default();
/// let gpus = errors.check("gpus", "x".parse::<u32>().map_err(|_| "Not a number."));
/// let title = errors.check("title", Ok::<_, String>("A"));
/// assert!(gpus.is_none() && title.is_some());
/// assert!(errors.finish().is_err());
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FieldErrors(Vec<FieldError>);

impl FieldErrors {
    /// Keeps `result`'s value, or records its error against `field`.
    pub fn check<T, E: std::fmt::Display>(
        &mut self,
        field: &str,
        result: Result<T, E>,
    ) -> Option<T> {
        match result {
            Ok(value) => Some(value),
            Err(e) => {
                self.add(field, e.to_string());
                None
            }
        }
    }

    /// Records an error against `field` (a field keeps its first error only).
    pub fn add(&mut self, field: &str, message: impl Into<String>) {
        if !self.has(field) {
            self.0.push(FieldError {
                field: field.to_owned(),
                message: message.into(),
            });
        }
    }

    /// Takes in the field errors of a validation error; any other error is
    /// handed back.
    pub fn absorb(&mut self, error: AppError) -> Result<(), AppError> {
        match error {
            AppError::Validation {
                field,
                message,
                others,
            } => {
                self.add(&field, message);
                for e in others {
                    self.add(&e.field, e.message);
                }
                Ok(())
            }
            other => Err(other),
        }
    }

    /// Whether `field` already has an error.
    pub fn has(&self, field: &str) -> bool {
        self.0.iter().any(|e| e.field == field)
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// `Ok` when no field had an error; else one validation error naming them all.
    pub fn finish(self) -> Result<(), AppError> {
        let mut errors = self.0.into_iter();
        match errors.next() {
            None => Ok(()),
            Some(first) => Err(AppError::Validation {
                field: first.field,
                message: first.message,
                others: errors.collect(),
            }),
        }
    }

    /// `Ok(value)` when no field had an error and every part was given.
    /// `value` is only built when all parts parsed.
    pub fn into_result<T>(self, value: impl FnOnce() -> Option<T>) -> Result<T, AppError> {
        self.finish()?;
        value().ok_or(AppError::Internal)
    }
}

impl AppError {
    /// A validation error with `more`'s field errors added after its own (a field keeps its
    /// first error); any other error, or no `more`, is handed back as it is.
    pub fn with_field_errors_of(self, more: Option<AppError>) -> AppError {
        let (Self::Validation { .. }, Some(more @ Self::Validation { .. })) = (&self, more) else {
            return self;
        };
        let mut errors = FieldErrors::default();
        let absorbed = errors.absorb(self).and_then(|()| errors.absorb(more));
        match absorbed.and_then(|()| errors.finish()) {
            Err(merged) => merged,
            // Both held errors, so this arm is never taken.
            Ok(()) => AppError::Internal,
        }
    }

    /// A validation error on one named form field.
    pub fn validation(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Validation {
            field: field.into(),
            message: message.into(),
            others: Vec::new(),
        }
    }

    /// Every field error this error carries, first to last.
    pub fn field_errors(&self) -> Vec<FieldError> {
        match self {
            Self::Validation {
                field,
                message,
                others,
            } => std::iter::once(FieldError {
                field: field.clone(),
                message: message.clone(),
            })
            .chain(others.iter().cloned())
            .collect(),
            Self::ResidencyRefused {
                field: Some(field),
                message,
                ..
            } => vec![FieldError {
                field: field.clone(),
                message: message.clone(),
            }],
            _ => Vec::new(),
        }
    }

    /// Whether this error is about form fields only, all of them among `fields`
    /// (the page shows them beside their fields and needs no banner).
    pub fn only_about_fields(&self, fields: &[&str]) -> bool {
        let errors = self.field_errors();
        !errors.is_empty() && errors.iter().all(|e| fields.contains(&e.field.as_str()))
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
            Self::Forbidden
            | Self::CrossSite { .. }
            | Self::SecondFactorSetupNeeded
            | Self::StepUpNeeded => S::FORBIDDEN,
            Self::NotFound => S::NOT_FOUND,
            Self::Validation { .. } => S::UNPROCESSABLE_ENTITY,
            Self::ResidencyRefused { field: Some(_), .. } => S::UNPROCESSABLE_ENTITY,
            Self::ResidencyRefused { field: None, .. } | Self::Conflict { .. } => S::CONFLICT,
            Self::PreconditionFailed { .. } => S::PRECONDITION_FAILED,
            Self::TooManyRequests { .. } => S::TOO_MANY_REQUESTS,
            Self::Internal => S::INTERNAL_SERVER_ERROR,
            Self::BadRequest { .. } => S::BAD_REQUEST,
            Self::UnsupportedMediaType => S::UNSUPPORTED_MEDIA_TYPE,
            Self::PayloadTooLarge { .. } => S::PAYLOAD_TOO_LARGE,
            Self::Unavailable { .. } => S::SERVICE_UNAVAILABLE,
        }
    }

    /// A bad request, with the decoder's or the transport's words.
    pub fn bad_request(message: impl Into<String>) -> Self {
        Self::BadRequest {
            message: message.into(),
        }
    }

    /// The seconds a client should wait before trying again (`Retry-After`),
    /// for the errors that have one.
    pub fn retry_after_secs(&self) -> Option<u64> {
        match self {
            Self::TooManyRequests { retry_after_secs } | Self::Unavailable { retry_after_secs } => {
                Some(*retry_after_secs)
            }
            _ => None,
        }
    }

    /// The message to show beside a form field, when this error is about it.
    pub fn field_message(&self, name: &str) -> Option<String> {
        match self {
            Self::Validation {
                field,
                message,
                others,
            } => {
                if field == name {
                    Some(message.clone())
                } else {
                    others
                        .iter()
                        .find(|e| e.field == name)
                        .map(|e| e.message.clone())
                }
            }
            Self::ResidencyRefused {
                field: Some(field),
                message,
                ..
            } if field == name => Some(message.clone()),
            _ => None,
        }
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    /// Errors raised by server_fn itself, before or after the function runs.
    /// On the server they are about the request (its arguments could not be
    /// decoded, its body was too large); in the browser about the network.
    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(detail)
            | ServerFnErrorErr::MissingArg(detail)
            | ServerFnErrorErr::Deserialization(detail) => {
                if detail.contains("length limit exceeded") {
                    Self::PayloadTooLarge {
                        limit_bytes: BODY_LIMIT_BYTES as u64,
                    }
                } else {
                    Self::bad_request(format!(
                        "The form sent could not be read ({}). Please reload the page and try again.",
                        short(&detail)
                    ))
                }
            }
            ServerFnErrorErr::Request(detail) => Self::bad_request(format!(
                "The portal could not be reached ({}). Please check your connection and try again.",
                short(&detail)
            )),
            ServerFnErrorErr::ServerError(detail)
            | ServerFnErrorErr::MiddlewareError(detail)
            | ServerFnErrorErr::Serialization(detail)
            | ServerFnErrorErr::Registration(detail)
            | ServerFnErrorErr::UnsupportedRequestMethod(detail)
            | ServerFnErrorErr::Response(detail) => Self::bad_request(format!(
                "The request could not be completed ({}).",
                short(&detail)
            )),
        }
    }
}

/// The largest request body the portal reads (1 MiB): forms are a few
/// kilobytes.
pub const BODY_LIMIT_BYTES: usize = 1024 * 1024;

/// A decoder's detail, cut to a length a person reads (and that cannot carry a
/// large body back in a reply).
fn short(detail: &str) -> String {
    const MAX: usize = 160;
    match detail.char_indices().nth(MAX) {
        Some((end, _)) => format!("{}…", &detail[..end]),
        None => detail.to_owned(),
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
    fn every_field_error_is_kept_and_shown_beside_its_field() {
        let mut errors = FieldErrors::default();
        let _: Option<u32> = errors.check("gpus", Err("Enter a number of GPUs."));
        errors.add("site", "Please choose a site.");
        errors.add("gpus", "A second error for the same field is dropped.");
        let e = errors.finish().unwrap_err();
        assert_eq!(
            e.field_message("gpus").as_deref(),
            Some("Enter a number of GPUs.")
        );
        assert_eq!(
            e.field_message("site").as_deref(),
            Some("Please choose a site.")
        );
        assert_eq!(e.field_errors().len(), 2);
        assert!(e.only_about_fields(&["gpus", "site", "title"]));
        assert!(!e.only_about_fields(&["gpus"]));
        let json: serde_json::Value = serde_json::to_value(&e).unwrap();
        assert_eq!(json["field"], "gpus");
        assert_eq!(json["others"][0]["field"], "site");
        assert_eq!(serde_json::from_value::<AppError>(json).unwrap(), e);
    }

    #[test]
    fn no_field_error_is_no_error() {
        assert_eq!(FieldErrors::default().finish(), Ok(()));
    }

    /// One value of every variant. The match below has no wildcard: a new
    /// variant does not compile until it is listed here, and so serialised.
    fn one_of_each() -> Vec<AppError> {
        let all = vec![
            AppError::Unauthenticated,
            AppError::InvalidCredentials,
            AppError::Forbidden,
            AppError::CrossSite {
                message: "This request came from another site.".into(),
            },
            AppError::NotFound,
            AppError::Validation {
                field: "gpus".into(),
                message: "Enter a number.".into(),
                others: vec![FieldError {
                    field: "site".into(),
                    message: "Choose a site.".into(),
                }],
            },
            AppError::conflict("Already decided."),
            AppError::TooManyRequests {
                retry_after_secs: 60,
            },
            AppError::PreconditionFailed {
                message: "This request changed since you read it.".into(),
            },
            AppError::ResidencyRefused {
                field: Some("site".into()),
                message: "Abu Dhabi is not eligible for health data: G1 …".into(),
                rules: vec!["G1".into()],
            },
            AppError::Internal,
            AppError::bad_request("The form sent could not be read."),
            AppError::UnsupportedMediaType,
            AppError::PayloadTooLarge {
                limit_bytes: BODY_LIMIT_BYTES as u64,
            },
            AppError::Unavailable {
                retry_after_secs: 5,
            },
            AppError::SecondFactorSetupNeeded,
            AppError::StepUpNeeded,
        ];
        for e in &all {
            match e {
                AppError::Unauthenticated
                | AppError::InvalidCredentials
                | AppError::Forbidden
                | AppError::CrossSite { .. }
                | AppError::NotFound
                | AppError::Validation { .. }
                | AppError::Conflict { .. }
                | AppError::PreconditionFailed { .. }
                | AppError::ResidencyRefused { .. }
                | AppError::TooManyRequests { .. }
                | AppError::Internal
                | AppError::BadRequest { .. }
                | AppError::UnsupportedMediaType
                | AppError::PayloadTooLarge { .. }
                | AppError::Unavailable { .. }
                | AppError::SecondFactorSetupNeeded
                | AppError::StepUpNeeded => {}
            }
        }
        all
    }

    #[test]
    fn every_variant_serialises_and_round_trips() {
        let all = one_of_each();
        let kinds: std::collections::BTreeSet<String> = all
            .iter()
            .map(|e| {
                let bytes = e.ser();
                let back = AppError::de(bytes.clone());
                assert_eq!(&back, e, "{}", String::from_utf8_lossy(&bytes));
                let json: serde_json::Value = serde_json::from_slice(&bytes).unwrap();
                json["kind"].as_str().expect("a kind").to_owned()
            })
            .collect();
        assert_eq!(kinds.len(), all.len(), "two variants share a kind");
    }

    #[test]
    fn server_fn_errors_become_client_errors_in_words() {
        for (raw, status) in [
            (
                ServerFnErrorErr::Args("missing field `id`".into()),
                http::StatusCode::BAD_REQUEST,
            ),
            (
                ServerFnErrorErr::Deserialization("invalid utf-8 sequence".into()),
                http::StatusCode::BAD_REQUEST,
            ),
            (
                ServerFnErrorErr::Deserialization("length limit exceeded".into()),
                http::StatusCode::PAYLOAD_TOO_LARGE,
            ),
        ] {
            let e = AppError::from_server_fn_error(raw);
            assert_eq!(e.status(), status, "{e:?}");
            assert!(!e.to_string().is_empty());
        }
        let long = AppError::from_server_fn_error(ServerFnErrorErr::Args("x".repeat(10_000)));
        assert!(long.to_string().len() < 400, "{long}");
    }

    #[test]
    fn errors_round_trip_through_json_as_the_client_sees_them() {
        let e = AppError::TooManyRequests {
            retry_after_secs: 60,
        };
        let text = serde_json::to_string(&e).unwrap();
        assert_eq!(serde_json::from_str::<AppError>(&text).unwrap(), e);
    }

    #[test]
    fn a_wait_reads_as_a_person_says_it() {
        let wait = |secs| AppError::TooManyRequests {
            retry_after_secs: secs,
        };
        assert_eq!(
            wait(1).to_string(),
            "Too many attempts. Please wait 1 second and try again."
        );
        assert!(wait(32).to_string().contains("wait 32 seconds"));
        assert!(wait(512).to_string().contains("wait 9 minutes"));
        assert!(wait(900).to_string().contains("wait 15 minutes"));
    }
}
