//! Which language a request is answered in: the one place that decides it.
//!
//! The person's choice (the language cookie, set by the header's switch and, at sign-in, from
//! the account), else the browser's `Accept-Language`, else French. The pages' translation
//! context asks this module (through `ui::language::provider_options`), and so do the server
//! functions' and the REST API's error messages: one answer per request, wherever it is read.

use http::{header, HeaderMap, HeaderValue};

use crate::i18n::Locale;
use crate::ui::language::{parse_language, COOKIE};
use leptos_i18n::Locale as _;

/// A year: the choice outlives the session, as a person expects of a language.
const COOKIE_MAX_AGE_SECS: u64 = 365 * 24 * 3600;

/// The language of a request with these headers.
pub fn from_headers(headers: &HeaderMap) -> Locale {
    chosen(headers)
        .or_else(|| accepted(headers))
        .unwrap_or_default()
}

/// The language the cookie names, when it names one of ours.
fn chosen(headers: &HeaderMap) -> Option<Locale> {
    super::security::cookies(headers)
        .find(|(name, _)| *name == COOKIE)
        .and_then(|(_, value)| parse_language(value))
}

/// The best of our languages among those the browser accepts, by its weights (`q`); `None` when
/// it accepts neither.
fn accepted(headers: &HeaderMap) -> Option<Locale> {
    let raw = headers.get(header::ACCEPT_LANGUAGE)?.to_str().ok()?;
    let mut ranked: Vec<(u16, usize, &str)> = raw
        .split(',')
        .enumerate()
        .filter_map(|(i, item)| {
            let mut parts = item.split(';');
            let tag = parts.next()?.trim();
            let weight =
                parts
                    .find_map(|p| p.trim().strip_prefix("q="))
                    .map_or(Some(1000), |q| {
                        q.trim()
                            .parse::<f32>()
                            .ok()
                            .map(|q| (q.clamp(0.0, 1.0) * 1000.0) as u16)
                    })?;
            (weight > 0 && !tag.is_empty()).then_some((weight, i, tag))
        })
        .collect();
    // Heaviest first; equal weights keep the browser's order.
    ranked.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)));
    ranked.into_iter().find_map(|(_, _, tag)| {
        let primary = tag.split(['-', '_']).next()?;
        parse_language(&primary.to_ascii_lowercase())
    })
}

/// The `Set-Cookie` value that remembers `locale` in this browser.
pub fn cookie(locale: Locale, secure: bool) -> HeaderValue {
    let secure = if secure { "; Secure" } else { "" };
    HeaderValue::from_str(&format!(
        "{COOKIE}={}; Path=/; Max-Age={COOKIE_MAX_AGE_SECS}; SameSite=Lax{secure}",
        locale.as_str()
    ))
    .expect("a language code and fixed attributes make a valid header")
}

/// Remembers `locale` in this browser on the response being built (a server function's).
/// `tls`: the portal is served over TLS (`AppConfig::tls`), so the cookie is `Secure`.
pub fn remember_in_browser(locale: Locale, tls: bool) {
    if let Some(response) = leptos::prelude::use_context::<leptos_axum::ResponseOptions>() {
        response.append_header(header::SET_COOKIE, cookie(locale, tls));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn headers(pairs: &[(&'static str, &'static str)]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for (name, value) in pairs {
            h.append(*name, HeaderValue::from_static(value));
        }
        h
    }

    #[test]
    fn french_is_the_default_when_nothing_is_asked_or_only_other_languages() {
        assert_eq!(from_headers(&headers(&[])), Locale::fr);
        assert_eq!(
            from_headers(&headers(&[("accept-language", "de-DE,de;q=0.9,it;q=0.5")])),
            Locale::fr
        );
    }

    #[test]
    fn the_browser_weights_decide_between_our_languages() {
        assert_eq!(
            from_headers(&headers(&[("accept-language", "en-GB,en;q=0.9,fr;q=0.8")])),
            Locale::en
        );
        assert_eq!(
            from_headers(&headers(&[(
                "accept-language",
                "de;q=1, en;q=0.4, fr-CA;q=0.7"
            )])),
            Locale::fr
        );
        assert_eq!(
            from_headers(&headers(&[("accept-language", "EN-us")])),
            Locale::en
        );
        // A language refused with q=0 is not chosen.
        assert_eq!(
            from_headers(&headers(&[("accept-language", "en;q=0, fr;q=0")])),
            Locale::fr
        );
    }

    #[test]
    fn the_persons_choice_beats_the_browser_and_a_strange_cookie_is_ignored() {
        let choice = headers(&[
            ("accept-language", "fr-FR"),
            ("cookie", "a=b; guichet_lang=en; c=d"),
        ]);
        assert_eq!(from_headers(&choice), Locale::en);
        let strange = headers(&[("accept-language", "en"), ("cookie", "guichet_lang=xx")]);
        assert_eq!(from_headers(&strange), Locale::en);
    }

    #[test]
    fn the_cookie_lasts_a_year_on_every_path() {
        let c = cookie(Locale::en, true);
        assert_eq!(
            c.to_str().unwrap(),
            "guichet_lang=en; Path=/; Max-Age=31536000; SameSite=Lax; Secure"
        );
    }
}
