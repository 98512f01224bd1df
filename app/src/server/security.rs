//! Cross-site and header defences, applied to every response.
//!
//! - State-changing requests (everything but GET, HEAD and OPTIONS, server
//!   functions included: Leptos adds no CSRF check of its own) are refused when
//!   `Sec-Fetch-Site` says another site, when `Origin` is not the portal's own
//!   origin (scheme, host and port), or when they carry the session cookie and
//!   neither header ([`is_same_origin_request`]). Refusals are counted.
//! - Every response carries a Content-Security-Policy with a fresh nonce (the
//!   page's scripts carry it; no `unsafe-inline` script), `frame-ancestors
//!   'none'`, `nosniff`, a strict referrer policy, and HSTS under TLS. Pages
//!   and server-function answers are `no-store`: they may be personal.

use std::net::{IpAddr, SocketAddr};

use axum::{
    body::Body,
    extract::{ConnectInfo, Request, State},
    http::{header, HeaderMap, HeaderValue, Method},
    middleware::Next,
    response::{IntoResponse, Response},
};
use base64::Engine as _;
use rand::RngCore as _;

use super::{
    access::{action_of, Denial},
    config::AppConfig,
    origin::{Origin, Scheme},
    router::session_cookie_name,
    state::AppState,
};
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

/// Why a state-changing request was refused as cross-site.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CrossSiteRefusal {
    /// `Sec-Fetch-Site` names another site (`cross-site`, `same-site`).
    AnotherSite,
    /// `Origin` is `null`, unreadable, or another origin than the portal's (scheme, host and
    /// port compared whole).
    AnotherOrigin,
    /// A request carrying the session cookie said neither `Origin` nor `Sec-Fetch-Site`: every
    /// browser of the last years sends one of them on a POST, so such a request is not from
    /// the portal's pages.
    NoProvenance,
}

impl CrossSiteRefusal {
    /// The refusal in words, for the person (or script) whose request it was.
    pub fn message(self) -> &'static str {
        match self {
            Self::AnotherSite | Self::AnotherOrigin => {
                "This request came from another site, so the portal refused it. If you were \
                 using the portal, reload its page and try again."
            }
            Self::NoProvenance => {
                "This request did not say which site it came from (it had neither an Origin \
                 nor a Sec-Fetch-Site header), so the portal refused it: a signed-in change must \
                 come from the portal's own pages."
            }
        }
    }

    /// A short name for logs and counters.
    pub fn kind(self) -> &'static str {
        match self {
            Self::AnotherSite => "another_site",
            Self::AnotherOrigin => "another_origin",
            Self::NoProvenance => "no_provenance",
        }
    }
}

/// The origin a state-changing request must come from: the configured public one, else the
/// request's own `Host` (or HTTP/2 authority) on the configured scheme. `None` when neither is
/// known.
pub fn expected_origin(request: &Request, config: &AppConfig) -> Option<Origin> {
    expected_origin_of(request.headers(), request.uri(), config)
}

/// [`expected_origin`] from a request's headers and URI.
pub fn expected_origin_of(
    headers: &HeaderMap,
    uri: &http::Uri,
    config: &AppConfig,
) -> Option<Origin> {
    if let Some(public) = &config.public_origin {
        return Some(public.clone());
    }
    let scheme = if config.tls {
        Scheme::Https
    } else {
        Scheme::Http
    };
    let host = headers
        .get(header::HOST)
        .and_then(|v| v.to_str().ok())
        .map(str::to_owned)
        .or_else(|| uri.authority().map(|a| a.to_string()))?;
    Origin::from_host(scheme, &host)
}

/// The request's cookies, as (name, value) pairs, from every `Cookie` header.
pub fn cookies(headers: &HeaderMap) -> impl Iterator<Item = (&str, &str)> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .map(|pair| pair.trim().split_once('=').unwrap_or((pair.trim(), "")))
}

/// Whether the request carries a cookie named `name`.
pub fn carries_cookie(headers: &HeaderMap, name: &str) -> bool {
    cookies(headers).any(|(n, _)| n == name)
}

/// Whether a state-changing request comes from the portal's own pages.
///
/// `Sec-Fetch-Site` (which a page cannot forge) must be `same-origin` (or `none`: typed by the
/// person) when sent; `Origin`, when sent, must equal `expected` whole — scheme, host and port,
/// so an `https://` page cannot post to an `http://` portal or the reverse. A request with
/// neither header is let through only when it carries no session cookie (`carries_session`):
/// then it acts for nobody.
pub fn is_same_origin_request(
    headers: &HeaderMap,
    expected: Option<&Origin>,
    carries_session: bool,
) -> Result<(), CrossSiteRefusal> {
    let site = headers
        .get("sec-fetch-site")
        .map(|v| v.to_str().unwrap_or(""));
    if let Some(site) = site {
        if !matches!(site, "same-origin" | "none") {
            return Err(CrossSiteRefusal::AnotherSite);
        }
    }
    let origin = headers
        .get(header::ORIGIN)
        .map(|v| v.to_str().unwrap_or(""));
    if let Some(origin) = origin {
        let same = Origin::parse(origin).is_some_and(|o| Some(&o) == expected);
        if !same {
            return Err(CrossSiteRefusal::AnotherOrigin);
        }
    }
    if site.is_none() && origin.is_none() && carries_session {
        return Err(CrossSiteRefusal::NoProvenance);
    }
    Ok(())
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
    if changes_state {
        let expected = expected_origin(&request, &state.config);
        let carries_session =
            carries_cookie(request.headers(), session_cookie_name(state.config.tls));
        if let Err(refusal) =
            is_same_origin_request(request.headers(), expected.as_ref(), carries_session)
        {
            // The session is not read for a refused request: no actor.
            state.denials.record(
                Denial::CrossSite,
                None,
                action_of(request.uri().path()),
                refusal.kind(),
            );
            let mut refused = cross_site_response(&request, refusal);
            set_headers(
                refused.headers_mut(),
                &CspNonce::fresh(),
                state.config.tls,
                true,
                state.providers.form_targets(),
            );
            return refused;
        }
    }

    let nonce = CspNonce::fresh();
    request.extensions_mut().insert(nonce.clone());
    let is_static =
        request.uri().path().starts_with("/pkg/") || request.uri().path() == "/favicon.ico";
    let mut response: Response<Body> = next.run(request).await;
    set_headers(
        response.headers_mut(),
        &nonce,
        state.config.tls,
        !is_static,
        state.providers.form_targets(),
    );
    response
}

/// 403, with the refusal in words: a page for a browser's plain form post, else the
/// [`AppError`] as JSON.
fn cross_site_response(request: &Request, refusal: CrossSiteRefusal) -> Response {
    let error = AppError::CrossSite {
        message: refusal.message().to_owned(),
    };
    let wants_html = request
        .headers()
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"));
    if wants_html {
        super::error::error_page(&error)
    } else {
        (error.status(), axum::Json(error)).into_response()
    }
}

/// `form_targets`: the origins besides the portal's a form may lead to (the identity providers'
/// issuers: starting a federated sign-in posts a form that the portal redirects there, and
/// browsers hold redirects after a form to `form-action`), space-separated, or empty.
fn set_headers(h: &mut HeaderMap, nonce: &CspNonce, tls: bool, no_store: bool, form_targets: &str) {
    let csp = format!(
        "default-src 'self'; script-src 'self' 'nonce-{n}' 'strict-dynamic' 'wasm-unsafe-eval'; \
         style-src 'self' 'nonce-{n}'; img-src 'self' data:; font-src 'self'; connect-src 'self'; \
         object-src 'none'; base-uri 'none'; form-action 'self'{sep}{form_targets}; frame-ancestors 'none'",
        n = nonce.0,
        sep = if form_targets.is_empty() { "" } else { " " },
    );
    // A policy the handler set (a download's `sandbox`) is kept beside the portal's: a browser
    // enforces every policy it is sent, so a response can only be made stricter.
    let own: Vec<HeaderValue> = h
        .get_all(header::CONTENT_SECURITY_POLICY)
        .iter()
        .cloned()
        .collect();
    if let Ok(v) = HeaderValue::from_str(&csp) {
        h.insert(header::CONTENT_SECURITY_POLICY, v);
    }
    for v in own {
        h.append(header::CONTENT_SECURITY_POLICY, v);
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

    fn portal() -> Origin {
        Origin::parse("http://127.0.0.1:3000").unwrap()
    }

    #[test]
    fn a_post_from_our_own_page_is_allowed() {
        let h = headers(&[
            ("origin", "http://127.0.0.1:3000"),
            ("sec-fetch-site", "same-origin"),
        ]);
        assert_eq!(is_same_origin_request(&h, Some(&portal()), true), Ok(()));
        // Browsers that send no Sec-Fetch-Site still send Origin on a POST.
        let h = headers(&[("origin", "http://127.0.0.1:3000")]);
        assert_eq!(is_same_origin_request(&h, Some(&portal()), true), Ok(()));
        let h = headers(&[("sec-fetch-site", "same-origin")]);
        assert_eq!(is_same_origin_request(&h, Some(&portal()), true), Ok(()));
    }

    #[test]
    fn a_post_from_another_site_is_refused() {
        let h = headers(&[("sec-fetch-site", "cross-site")]);
        assert_eq!(
            is_same_origin_request(&h, Some(&portal()), false),
            Err(CrossSiteRefusal::AnotherSite)
        );
        let h = headers(&[("sec-fetch-site", "same-site")]);
        assert!(is_same_origin_request(&h, Some(&portal()), false).is_err());
        for origin in ["https://evil.example", "null", "", "http://127.0.0.1:3000/"] {
            let mut h = HeaderMap::new();
            h.insert("origin", HeaderValue::from_str(origin).unwrap());
            assert_eq!(
                is_same_origin_request(&h, Some(&portal()), false),
                Err(CrossSiteRefusal::AnotherOrigin),
                "{origin:?}"
            );
        }
    }

    #[test]
    fn the_whole_origin_is_compared_scheme_host_and_port() {
        let https_portal = Origin::parse("https://portal.example").unwrap();
        for (origin, expected, same) in [
            ("https://portal.example", &https_portal, true),
            ("https://portal.example:443", &https_portal, true),
            ("http://portal.example", &https_portal, false),
            ("https://portal.example:8443", &https_portal, false),
            ("https://portal.example.evil.example", &https_portal, false),
            ("http://127.0.0.1:3000", &portal(), true),
            ("https://127.0.0.1:3000", &portal(), false),
            ("http://127.0.0.1:3001", &portal(), false),
            ("http://127.0.0.1", &portal(), false),
        ] {
            let mut h = HeaderMap::new();
            h.insert("origin", HeaderValue::from_str(origin).unwrap());
            assert_eq!(
                is_same_origin_request(&h, Some(expected), true).is_ok(),
                same,
                "{origin} against {expected}"
            );
        }
        // Without a known origin of its own, the portal accepts no Origin at all.
        let h = headers(&[("origin", "http://127.0.0.1:3000")]);
        assert!(is_same_origin_request(&h, None, false).is_err());
    }

    #[test]
    fn a_cookie_carrying_change_without_origin_or_fetch_site_is_refused() {
        let bare = HeaderMap::new();
        assert_eq!(
            is_same_origin_request(&bare, Some(&portal()), true),
            Err(CrossSiteRefusal::NoProvenance)
        );
        // Without the session cookie it acts for nobody: a script signing in, a health probe.
        assert_eq!(
            is_same_origin_request(&bare, Some(&portal()), false),
            Ok(())
        );
    }

    #[test]
    fn only_the_session_cookie_by_its_exact_name_counts() {
        let h = headers(&[("cookie", "theme=dark; guichet_session=abc")]);
        assert!(carries_cookie(&h, "guichet_session"));
        assert!(!carries_cookie(&h, "__Host-guichet_session"));
        let h = headers(&[("cookie", "my_guichet_session=abc; x=guichet_session")]);
        assert!(!carries_cookie(&h, "guichet_session"));
    }

    #[test]
    fn the_expected_origin_is_the_configured_one_else_the_host_on_the_configured_scheme() {
        let request = |host: &'static str| {
            Request::builder()
                .header(header::HOST, host)
                .body(Body::empty())
                .unwrap()
        };
        let mut config = AppConfig::default();
        assert_eq!(
            expected_origin(&request("portal.test"), &config).map(|o| o.to_string()),
            Some("http://portal.test".to_owned())
        );
        config.tls = true;
        assert_eq!(
            expected_origin(&request("portal.test"), &config).map(|o| o.to_string()),
            Some("https://portal.test".to_owned())
        );
        // A proxy's claim about the scheme is not read.
        let mut forwarded = request("portal.test");
        forwarded
            .headers_mut()
            .insert("x-forwarded-proto", HeaderValue::from_static("http"));
        assert_eq!(
            expected_origin(&forwarded, &config).map(|o| o.to_string()),
            Some("https://portal.test".to_owned())
        );
        config.public_origin = Origin::parse("https://guichet.example.fr");
        assert_eq!(
            expected_origin(&request("10.0.0.5:3000"), &config).map(|o| o.to_string()),
            Some("https://guichet.example.fr".to_owned())
        );
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
