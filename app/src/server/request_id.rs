//! Request ids (issue 15): every request gets an `x-request-id` (a well-formed one sent by the
//! client or a proxy is kept, anything else replaced by a fresh UUID), every response carries
//! it back, and the span every log line of the request is written in records it, with the
//! method and route. The layers are put in place by `router::router`.

use axum::{extract::Request, middleware::Next, response::Response};

/// The header that carries the request id, in both directions.
pub const HEADER: &str = "x-request-id";

/// The longest incoming request id kept: a UUID is 36 characters.
pub const MAX_LEN: usize = 64;

/// Whether an incoming request id may be kept as it is: 1 to [`MAX_LEN`] characters among
/// ASCII letters, digits, `-`, `_`, `.` and `:` (what proxies' ids are made of). Anything else
/// (spaces, quotes, control or non-ASCII bytes, a log line's worth of text) is replaced, so a
/// client cannot write into the logs through it.
pub fn is_acceptable(value: &[u8]) -> bool {
    (1..=MAX_LEN).contains(&value.len())
        && value
            .iter()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'-' | b'_' | b'.' | b':'))
}

/// Middleware, outside `SetRequestIdLayer`: drops an incoming `x-request-id` that is not
/// [`is_acceptable`] (or sent more than once), so a fresh one replaces it.
pub async fn drop_unacceptable(mut request: Request, next: Next) -> Response {
    let headers = request.headers_mut();
    let mut values = headers.get_all(HEADER).iter();
    let keep = match (values.next(), values.next()) {
        (None, _) => true,
        (Some(one), None) => is_acceptable(one.as_bytes()),
        (Some(_), Some(_)) => false,
    };
    if !keep {
        headers.remove(HEADER);
    }
    next.run(request).await
}

/// The span of one request, which every log line written while serving it carries (in text
/// and JSON logs alike): method, route (the matched path, else the URI's path, never its
/// query) and request id.
pub fn span(request: &Request) -> tracing::Span {
    let request_id = request
        .headers()
        .get(HEADER)
        .and_then(|v| v.to_str().ok())
        .unwrap_or_default();
    let route = request
        .extensions()
        .get::<axum::extract::MatchedPath>()
        .map_or_else(|| request.uri().path(), |p| p.as_str());
    tracing::info_span!(
        "request",
        method = %request.method(),
        route = %route,
        request_id = %request_id,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_uuid_or_a_proxy_id_is_kept() {
        assert!(is_acceptable(b"0b6a1c3e-8f0d-4c53-9f6e-2f8a7d3c9b41"));
        assert!(is_acceptable(b"req_01HZX.abc:7"));
    }

    #[test]
    fn an_empty_long_or_strange_id_is_replaced() {
        assert!(!is_acceptable(b""));
        assert!(!is_acceptable("a".repeat(MAX_LEN + 1).as_bytes()));
        assert!(!is_acceptable(b"two words"));
        assert!(!is_acceptable(b"line\nbreak"));
        assert!(!is_acceptable("caf\u{e9}".as_bytes()));
        assert!(!is_acceptable(b"\"quoted\""));
    }
}
