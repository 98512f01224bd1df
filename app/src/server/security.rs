//! Cross-site and header defences, applied to every response.
//!
//! - State-changing requests (everything but GET, HEAD and OPTIONS, server
//!   functions included: Leptos adds no CSRF check of its own) are refused when
//!   `Sec-Fetch-Site` says another site or `Origin` names a foreign origin.
//! - Every response carries a Content-Security-Policy with a fresh nonce (the
//!   page's scripts carry it; no `unsafe-inline` script), `frame-ancestors
//!   'none'`, `nosniff`, a strict referrer policy, and HSTS under TLS. Pages
//!   and server-function answers are `no-store`: they may be personal.

use std::net::{IpAddr, SocketAddr};

use axum::{
    body::Body,
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, Method, StatusCode},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use rand::RngCore as _;

use super::state::AppState;
use crate::error::AppError;

/// The nonce of this response's Content-Security-Policy.
#[derive(Clone, Debug)]
pub struct CspNonce(pub String);

impl CspNonce {
    fn fresh() -> Self {
        let mut bytes = [0u8; 16];
        rand::rng().fill_bytes(&mut bytes);
        Self(base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes))
    }
}

/// The client's address: the socket peer, or the first untrusted hop of
/// `X-Forwarded-For` when the peer is a configured trusted proxy.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ClientIp(pub Option<IpAddr>);

impl ClientIp {
    pub fn as_string(&self) -> Option<String> {
        self.0.map(|ip| ip.to_string())
    }
}

pub fn client_ip(headers: &HeaderMap, peer: Option<IpAddr>, trusted: &[IpAddr]) -> ClientIp {
    let Some(peer) = peer else {
        return ClientIp(None);
    };
    if !trusted.contains(&peer) {
        return ClientIp(Some(peer));
    }
    // Walk the chain from the right; the first address that is not one of our
    // proxies is the client.
    let forwarded: Vec<IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let client = forwarded
        .into_iter()
        .rev()
        .find(|ip| !trusted.contains(ip))
        .unwrap_or(peer);
    ClientIp(Some(client))
}

/// Whether a state-changing request comes from our own pages.
pub fn is_same_origin_request(headers: &HeaderMap, public_origin: Option<&str>) -> bool {
    if let Some(site) = headers.get("sec-fetch-site").and_then(|v| v.to_str().ok()) {
        if !matches!(site, "same-origin" | "none") {
            return false;
        }
    }
    if let Some(origin) = headers.get(header::ORIGIN).and_then(|v| v.to_str().ok()) {
        if origin == "null" {
            return false;
        }
        let host = headers
            .get(header::HOST)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("");
        let origin_host = origin.split_once("://").map(|(_, h)| h).unwrap_or(origin);
        let matches_public = public_origin.is_some_and(|p| p.trim_end_matches('/') == origin);
        if origin_host != host && !matches_public {
            return false;
        }
    }
    true
}

/// Middleware: records the client address, refuses cross-site state changes,
/// and sets the security headers.
pub async fn protect(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let peer = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip());
    let ip = client_ip(request.headers(), peer, &state.config.trusted_proxies);
    request.extensions_mut().insert(ip);

    let changes_state = !matches!(
        *request.method(),
        Method::GET | Method::HEAD | Method::OPTIONS
    );
    if changes_state && !is_same_origin_request(request.headers(), None) {
        tracing::warn!(path = %request.uri().path(), "refused a cross-site state-changing request");
        let mut refused = (StatusCode::FORBIDDEN, axum::Json(AppError::Forbidden)).into_response();
        set_headers(
            refused.headers_mut(),
            &CspNonce::fresh(),
            state.config.tls,
            true,
        );
        return refused;
    }

    let nonce = CspNonce::fresh();
    request.extensions_mut().insert(nonce.clone());
    let is_static =
        request.uri().path().starts_with("/pkg/") || request.uri().path() == "/favicon.ico";
    let mut response: Response<Body> = next.run(request).await;
    set_headers(response.headers_mut(), &nonce, state.config.tls, !is_static);
    response
}

fn set_headers(h: &mut HeaderMap, nonce: &CspNonce, tls: bool, no_store: bool) {
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{n}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{n}'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
        n = nonce.0
    );
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(header::X_FRAME_OPTIONS, HeaderValue::from_static("DENY"));
    h.insert(
        header::REFERRER_POLICY,
        HeaderValue::from_static("strict-origin-when-cross-origin"),
    );
    h.insert(
        "permissions-policy",
        HeaderValue::from_static("camera=(), microphone=(), geolocation=(), interest-cohort=()"),
    );
    h.insert(
        "cross-origin-opener-policy",
        HeaderValue::from_static("same-origin"),
    );
    if tls {
        h.insert(
            header::STRICT_TRANSPORT_SECURITY,
            HeaderValue::from_static("max-age=31536000; includeSubDomains"),
        );
    }
    if no_store {
        h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    } else if !h.contains_key(header::CACHE_CONTROL) {
        h.insert(
            header::CACHE_CONTROL,
            HeaderValue::from_static("public, max-age=300"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (k, v) in pairs {
            h.insert(*k, HeaderValue::from_static(v));
        }
        h
    }

    #[test]
    fn a_post_from_our_own_page_is_allowed() {
        let h = headers(&[
            ("host", "127.0.0.1:3000"),
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-origin"),
        ]);
        assert!(is_same_origin_request(&h, None));
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        let h = headers(&[("host", "portal.example"), ("sec-fetch-site", "cross-site")]);
        assert!(!is_same_origin_request(&h, None));
        let h = headers(&[
            ("host", "portal.example"),
            ("origin", "https://evil.example"),
        ]);
        assert!(!is_same_origin_request(&h, None));
        let h = headers(&[("host", "portal.example"), ("origin", "null")]);
        assert!(!is_same_origin_request(&h, None));
    }

    #[test]
    fn a_forged_forwarded_for_is_ignored_without_a_trusted_proxy() {
        let h = headers(&[("x-forwarded-for", "203.0.113.9")]);
        let peer: IpAddr = "198.51.100.7".parse().unwrap();
        assert_eq!(client_ip(&h, Some(peer), &[]), ClientIp(Some(peer)));
    }

    #[test]
    fn a_trusted_proxy_passes_on_the_client_address() {
        let proxy: IpAddr = "10.0.0.2".parse().unwrap();
        let h = headers(&[("x-forwarded-for", "203.0.113.9, 10.0.0.2")]);
        let ip = client_ip(&h, Some(proxy), &[proxy]);
        assert_eq!(ip, ClientIp(Some("203.0.113.9".parse().unwrap())));
    }
}
