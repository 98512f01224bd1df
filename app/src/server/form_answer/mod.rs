//! A plain form's answer, carried to the page it returns to.
//!
//! The pages are HTML from the server; only their islands run in the browser. A form outside an
//! island posts to its server function as a plain form, and Leptos sends the browser back to the
//! page with a refusal in the address (`__path`, `__err`), which the page's `ServerAction` reads.
//! A success left no trace: the page could not say "Saved", nor show what the answer holds (a
//! revision, the people invited, a QR code to scan). So, for a plain form post to a server
//! function, this layer keeps in the session which function answered, what it answered when it
//! succeeded, and which form of the page was sent (its `_form` field, when several forms share a
//! function); the next page the browser loads takes it out, once, and hands it to the page's
//! render (`ui::form::action`, `ui::form::last_form`). The answer stays on the server: nothing
//! of it goes into an address or a log.

use axum::{
    body::{to_bytes, Body},
    extract::Request,
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, Method};
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

/// The session key of the answer waiting for its page.
const KEY: &str = "form_answer";

/// The largest answer carried (a larger one is not: the page then says nothing of it).
const MAX_ANSWER_BYTES: usize = 64 * 1024;

/// The largest form read for its `_form` field (the uploads have a route of their own).
const MAX_FORM_BYTES: usize = 256 * 1024;

/// What a plain form post answered, for the page it returns to.
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
pub struct FormAnswer {
    /// The server function's path (`ServerFn::PATH`).
    pub path: String,
    /// The form sent, as its `_form` field names it.
    pub form: Option<String>,
    /// The function's answer (JSON), when it succeeded.
    pub body: Option<String>,
}

fn accepts_html(request: &Request) -> bool {
    request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// A server function's address (the REST API under `/api/v1/` is not one).
fn is_server_function(path: &str) -> bool {
    path.starts_with("/api/") && !path.starts_with("/api/v1/") && path != "/api/v1"
}

/// The `_form` field of an url-encoded form: a short name of letters, digits and dashes.
pub fn form_field(body: &[u8]) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&')
        .filter_map(|pair| pair.split_once('='))
        .find(|(key, _)| *key == "_form")
        .map(|(_, value)| value.to_owned())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// The layer (inside the session layer).
pub async fn carry(session: Session, request: Request, next: Next) -> Response {
    let path = request.uri().path().to_owned();
    let html = accepts_html(&request);
    if request.method() == Method::GET && html && !path.starts_with("/api/") {
        let mut request = request;
        if let Ok(Some(answer)) = session.remove::<FormAnswer>(KEY).await {
            request.extensions_mut().insert(answer);
        }
        return next.run(request).await;
    }
    if request.method() != Method::POST || !html || !is_server_function(&path) {
        return next.run(request).await;
    }
    // A plain form post to a server function: note which form was sent.
    let url_encoded = request
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("application/x-www-form-urlencoded"));
    let (request, form) = if url_encoded {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
            return http::StatusCode::PAYLOAD_TOO_LARGE.into_response();
        };
        let form = form_field(&bytes);
        (Request::from_parts(parts, Body::from(bytes)), form)
    } else {
        (request, None)
    };
    let response = next.run(request).await;
    if !response.status().is_redirection() {
        return response;
    }
    let refused = response
        .headers()
        .get(header::LOCATION)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|l| l.contains("__err="));
    let (parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ANSWER_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let answer = (!refused)
        .then(|| String::from_utf8(bytes.to_vec()).ok())
        .flatten();
    // Nothing worth carrying for a person without a session (a sign-out's empty answer, say):
    // no session is made for it.
    let nothing = form.is_none()
        && answer
            .as_deref()
            .is_none_or(|a| a == "null" || a.is_empty());
    if !(nothing && session.is_empty().await) {
        let _ = session
            .insert(
                KEY,
                FormAnswer {
                    path,
                    form,
                    body: answer,
                },
            )
            .await;
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The answer carried to the page being rendered, if any.
pub fn current() -> Option<FormAnswer> {
    leptos::prelude::use_context::<http::request::Parts>()
        .and_then(|parts| parts.extensions.get::<FormAnswer>().cloned())
}

#[cfg(test)]
mod tests {
    use super::form_field;

    #[test]
    fn the_form_field_is_read_and_only_a_short_name_is_kept() {
        assert_eq!(
            form_field(b"id=3&_form=decide-3&note=x").as_deref(),
            Some("decide-3")
        );
        assert_eq!(form_field(b"id=3&note=x"), None);
        assert_eq!(form_field(b"_form=%3Cscript%3E"), None);
        assert_eq!(form_field(b"_form="), None);
    }
}
