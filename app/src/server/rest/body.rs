//! JSON bodies of `/api/v1`: `application/json` only, bounded (the portal's body limit), and
//! read strictly (every body type refuses unknown fields with `#[serde(deny_unknown_fields)]`).
//! Whatever cannot be read is a problem in words, never a bare axum rejection.

use axum::extract::{rejection::JsonRejection, FromRequest, Request};
use serde::de::DeserializeOwned;

use super::problem::ApiError;
use crate::error::{AppError, BODY_LIMIT_BYTES};

/// A JSON body of type `T`.
pub struct JsonBody<T>(pub T);

impl<T, S> FromRequest<S> for JsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        match axum::Json::<T>::from_request(req, state).await {
            Ok(axum::Json(value)) => Ok(Self(value)),
            Err(rejection) => Err(refusal(&rejection).into()),
        }
    }
}

/// The error a person reads for a body that could not be taken.
fn refusal(rejection: &JsonRejection) -> AppError {
    match rejection {
        JsonRejection::MissingJsonContentType(_) => AppError::UnsupportedMediaType,
        JsonRejection::JsonDataError(e) => AppError::validation(
            "body",
            format!(
                "The body does not fit this operation: {}",
                tail(&e.body_text())
            ),
        ),
        JsonRejection::JsonSyntaxError(e) => AppError::bad_request(format!(
            "The body is not valid JSON: {}",
            tail(&e.body_text())
        )),
        JsonRejection::BytesRejection(_) => AppError::PayloadTooLarge {
            limit_bytes: BODY_LIMIT_BYTES as u64,
        },
        _ => AppError::bad_request("The body could not be read."),
    }
}

/// axum's text without its generic preamble.
fn tail(text: &str) -> &str {
    text.split_once(": ").map_or(text, |(_, rest)| rest)
}

/// Query parameters of type `T` (which refuses unknown ones with `deny_unknown_fields`); what
/// cannot be read is a 400 problem in words.
pub struct QueryParams<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for QueryParams<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Query::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Query(value)) => Ok(Self(value)),
            Err(rejection) => Err(AppError::bad_request(format!(
                "The query could not be read: {}",
                tail(&rejection.body_text())
            ))
            .into()),
        }
    }
}

/// A path parameter of type `T`; one that cannot be read (an id that is not a number) names
/// nothing that exists: 404.
pub struct PathParam<T>(pub T);

impl<T, S> axum::extract::FromRequestParts<S> for PathParam<T>
where
    T: DeserializeOwned + Send,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &S,
    ) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<T>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path(value)) => Ok(Self(value)),
            Err(_) => Err(AppError::NotFound.into()),
        }
    }
}

/// An optional JSON body: none at all is `None`; anything sent is read as [`JsonBody`] is.
pub struct OptionalJsonBody<T>(pub Option<T>);

impl<T, S> FromRequest<S> for OptionalJsonBody<T>
where
    T: DeserializeOwned,
    S: Send + Sync,
{
    type Rejection = ApiError;

    async fn from_request(req: Request, state: &S) -> Result<Self, Self::Rejection> {
        let empty = req
            .headers()
            .get(http::header::CONTENT_LENGTH)
            .and_then(|v| v.to_str().ok())
            .is_none_or(|v| v.trim() == "0")
            && !req.headers().contains_key(http::header::CONTENT_TYPE);
        if empty {
            return Ok(Self(None));
        }
        let JsonBody(value) = JsonBody::<T>::from_request(req, state).await?;
        Ok(Self(Some(value)))
    }
}
