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
//! render (`ui::form::action`, `ui::form::last_form`). Nothing of the answer goes into an address
//! or a log, and the session keeps it sealed: an answer may hold a secret shown once (a new API
//! token, a site agent's credential), which is stored nowhere readable. It is sealed with a key
//! of its own (XChaCha20-Poly1305, as the outbox's), and that key goes to the browser alone, in a
//! short-lived cookie: the session's row cannot be read without the browser that posted. A
//! refused form also keeps what was typed (never a password nor a code), which the page it
//! returns to holds again ([`refill`]).

mod refill;

use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::{engine::general_purpose::URL_SAFE_NO_PAD, Engine as _};
use http::{header, HeaderMap, HeaderValue, Method};
use rand::RngCore as _;
use serde::{Deserialize, Serialize};
use tower_sessions::Session;

use super::{outbox::OutboxKey, state::AppState};

/// The session key of the (sealed) answer waiting for its page.
const KEY: &str = "form_answer";

/// The cookie holding the key that opens the answer waiting in the session (never the answer).
const KEY_COOKIE: &str = "guichet_answer";

/// How long that cookie lives: the page the answer returns to opens at once.
const KEY_COOKIE_MAX_AGE_SECS: u32 = 300;

/// What a sealed answer is bound to (it opens as nothing else).
const SEAL_CONTEXT: &[u8] = b"guichet form answer v1";

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
    /// When it refused: the fields sent, but the secrets, to give back to the page.
    pub kept: Vec<(String, String)>,
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
    form_urlencoded::parse(body)
        .find(|(key, _)| key == "_form")
        .map(|(_, value)| value.into_owned())
        .filter(|v| {
            !v.is_empty()
                && v.len() <= 64
                && v.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
        })
}

/// Seals `answer` with a new key: the key (for the browser) and the sealed answer (for the session).
fn seal(answer: &FormAnswer) -> ([u8; 32], String) {
    let mut key = [0_u8; 32];
    rand::rng().fill_bytes(&mut key);
    let json = serde_json::to_string(answer).expect("a form answer serialises");
    let sealed = OutboxKey::from_bytes(&key).seal(SEAL_CONTEXT, &json);
    (key, sealed)
}

/// Opens what [`seal`] made, with its key.
fn open(key: &[u8; 32], sealed: &str) -> Option<FormAnswer> {
    let json = OutboxKey::from_bytes(key).open(SEAL_CONTEXT, sealed).ok()?;
    serde_json::from_str(&json).ok()
}

/// The answer's key, from the request's cookie.
fn key_from(headers: &HeaderMap) -> Option<[u8; 32]> {
    super::security::cookies(headers)
        .find(|(name, _)| *name == KEY_COOKIE)
        .and_then(|(_, value)| URL_SAFE_NO_PAD.decode(value).ok())
        .and_then(|bytes| bytes.try_into().ok())
}

/// The cookie giving the browser `key`, or (with `None`) taking it back.
fn key_cookie(key: Option<&[u8; 32]>, tls: bool) -> HeaderValue {
    let secure = if tls { "; Secure" } else { "" };
    let (value, max_age) = match key {
        Some(key) => (URL_SAFE_NO_PAD.encode(key), KEY_COOKIE_MAX_AGE_SECS),
        None => (String::new(), 0),
    };
    HeaderValue::from_str(&format!(
        "{KEY_COOKIE}={value}; Path=/; Max-Age={max_age}; HttpOnly; SameSite=Lax{secure}"
    ))
    .expect("base64 and fixed attributes make a valid header")
}

/// The layer (inside the session layer).
pub async fn carry(
    State(state): State<AppState>,
    session: Session,
    request: Request,
    next: Next,
) -> Response {
    let path = request.uri().path().to_owned();
    let html = accepts_html(&request);
    let tls = state.config.tls;
    if request.method() == Method::GET && html && !path.starts_with("/api/") {
        let mut request = request;
        let key = key_from(request.headers());
        let stored = session.remove::<String>(KEY).await.ok().flatten();
        let answer = key
            .zip(stored)
            .and_then(|(key, sealed)| open(&key, &sealed));
        let refused_form = answer.clone().filter(|a| !a.kept.is_empty());
        if let Some(answer) = answer {
            request.extensions_mut().insert(answer);
        }
        let mut response = next.run(request).await;
        if key.is_some() {
            response
                .headers_mut()
                .append(header::SET_COOKIE, key_cookie(None, tls));
        }
        return match refused_form {
            Some(answer) => refill_page(response, &answer).await,
            None => response,
        };
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
    let (request, form, sent) = if url_encoded {
        let (parts, body) = request.into_parts();
        let Ok(bytes) = to_bytes(body, MAX_FORM_BYTES).await else {
            return http::StatusCode::PAYLOAD_TOO_LARGE.into_response();
        };
        let form = form_field(&bytes);
        let sent = refill::kept_fields(&bytes);
        (Request::from_parts(parts, Body::from(bytes)), form, sent)
    } else {
        (request, None, Vec::new())
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
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_ANSWER_BYTES).await else {
        return Response::from_parts(parts, Body::empty());
    };
    let answer = (!refused)
        .then(|| String::from_utf8(bytes.to_vec()).ok())
        .flatten();
    let kept = if refused { sent } else { Vec::new() };
    // Nothing worth carrying for a person without a session (a sign-out's empty answer, say):
    // no session is made for it.
    let nothing = form.is_none()
        && kept.is_empty()
        && answer
            .as_deref()
            .is_none_or(|a| a == "null" || a.is_empty());
    if !(nothing && session.is_empty().await) {
        let (key, sealed) = seal(&FormAnswer {
            path,
            form,
            body: answer,
            kept,
        });
        if session.insert(KEY, sealed).await.is_ok() {
            parts
                .headers
                .append(header::SET_COOKIE, key_cookie(Some(&key), tls));
        }
    }
    Response::from_parts(parts, Body::from(bytes))
}

/// The largest page rewritten to hold a refused form's fields again (a larger one is sent as is).
const MAX_PAGE_BYTES: usize = 8 * 1024 * 1024;

/// The page a refused form returned to, with what the form held put back into it.
async fn refill_page(response: Response, answer: &FormAnswer) -> Response {
    let html = response
        .headers()
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.starts_with("text/html"));
    if !html || response.status() != http::StatusCode::OK {
        return response;
    }
    let (mut parts, body) = response.into_parts();
    let Ok(bytes) = to_bytes(body, MAX_PAGE_BYTES).await else {
        return http::StatusCode::INTERNAL_SERVER_ERROR.into_response();
    };
    let refilled = std::str::from_utf8(&bytes)
        .ok()
        .and_then(|page| refill::refill(page, &answer.path, answer.form.as_deref(), &answer.kept));
    match refilled {
        Some(page) => {
            parts.headers.remove(header::CONTENT_LENGTH);
            Response::from_parts(parts, Body::from(page))
        }
        None => Response::from_parts(parts, Body::from(bytes)),
    }
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
