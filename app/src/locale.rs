//! The language of the words being written now, wherever they are written: on the server, the
//! language `server::locale` decided for the request being served; in the browser, the page's;
//! elsewhere (logs, jobs without a recipient, unit tests), English, the language of the code.
//! Words for a known person outside their request (an e-mail) take that person's language
//! explicitly instead.

use crate::i18n::Locale;

/// The language to write in now.
pub fn current() -> Locale {
    #[cfg(feature = "ssr")]
    if let Some(parts) = leptos::prelude::use_context::<http::request::Parts>() {
        return crate::server::locale::from_headers(&parts.headers);
    }
    #[cfg(not(feature = "ssr"))]
    if let Some(i18n) = leptos::prelude::use_context::<leptos_i18n::I18nContext<Locale>>() {
        return i18n.get_locale_untracked();
    }
    Locale::en
}
