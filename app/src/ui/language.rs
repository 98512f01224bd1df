//! The two languages of the pages: the translation context around the app and the header's
//! switch. Which language a request gets is decided on the server (`server::locale`).

use leptos::prelude::*;

use crate::i18n::{use_i18n, Locale};
use leptos::server_fn::ServerFn as _;
use leptos_i18n::Locale as _;

/// Words of the page in its language, following the switch: `{tr(i18n, |l| td_string!(l, ns.key))}`
/// as a text, `attr=tr(…)` as an attribute. Every text of the app is this one closure type, so the
/// browser bundle holds one copy of the code that renders and updates a translated text (`t!`
/// makes one per key, which cost about 1 MB of wasm here; docs/performance.md).
pub fn tr(
    i18n: leptos_i18n::I18nContext<Locale>,
    words: fn(Locale) -> &'static str,
) -> impl Fn() -> &'static str + Copy + Send + Sync + 'static {
    move || words(i18n.get_locale())
}

/// A page's title in its language: `<Title text=page_title(i18n, |l| td_string!(l, ns.key))/>`.
/// On the server the title is written once the page's reactive owner is gone, so it is read when
/// the page is built (a server render is in one language); in the browser it follows the switch.
pub fn page_title(
    i18n: leptos_i18n::I18nContext<Locale>,
    words: fn(Locale) -> &'static str,
) -> impl Fn() -> &'static str + Send + Sync + 'static {
    #[cfg(feature = "ssr")]
    {
        let text = words(i18n.get_locale_untracked());
        move || text
    }
    #[cfg(not(feature = "ssr"))]
    {
        move || words(i18n.get_locale())
    }
}

/// The cookie that remembers a person's language in their browser.
pub const COOKIE: &str = "guichet_lang";

/// Our language named by `code` (`fr`, `en`), `None` for any other.
pub fn parse_language(code: &str) -> Option<Locale> {
    match code.trim() {
        "fr" => Some(Locale::fr),
        "en" => Some(Locale::en),
        _ => None,
    }
}

/// The language the page is in now (reactive).
pub fn use_locale() -> Locale {
    use_i18n().get_locale()
}

/// The translation context for the whole app. On the server its first language is the one
/// `server::locale` decides for the request; in the browser, the one the page was rendered in.
/// A choice made with the switch is kept in the [`COOKIE`] for a year, on every path.
#[component]
pub fn LanguageProvider(children: Children) -> impl IntoView {
    let cookie_options = leptos_use::UseCookieOptions::default()
        .path("/")
        .max_age(365_i64 * 24 * 3600 * 1000)
        .same_site(leptos_use::SameSite::Lax);
    #[cfg(feature = "ssr")]
    let header = leptos_use::UseLocalesOptions::default()
        .ssr_lang_header_getter(|| Some(crate::locale::current().as_str().to_owned()));
    #[cfg(not(feature = "ssr"))]
    let header = leptos_use::UseLocalesOptions::default();
    view! {
        <crate::i18n::I18nContextProvider
            cookie_name=COOKIE
            cookie_options
            ssr_lang_header_getter=header
        >
            {children()}
        </crate::i18n::I18nContextProvider>
    }
}

/// The header's switch: each language named in itself, the current one pressed. It changes the
/// page's words at once (a form keeps what it holds) and remembers the choice: in this browser,
/// and on the account of a signed-in person. Before the wasm has loaded it is a plain form: the
/// server remembers the choice and sends the browser back to the page.
#[component]
pub fn LanguageSwitch() -> impl IntoView {
    use crate::features::account::ChooseLanguage;
    let i18n = use_i18n();
    let action = ServerAction::<ChooseLanguage>::new();
    // Each shown by its short code, named in full (and in itself) for screen readers.
    let button = move |locale: Locale, name: &'static str, code: &'static str| {
        view! {
            <button
                type="submit"
                name="language"
                value=locale.as_str()
                class="language-switch__option"
                lang=locale.as_str()
                aria-label=name
                title=name
                aria-pressed=move || (i18n.get_locale() == locale).to_string()
                on:click=move |ev| {
                    ev.prevent_default();
                    i18n.set_locale(locale);
                    action.dispatch(ChooseLanguage { language: locale.as_str().to_owned() });
                }
            >
                {code}
            </button>
        }
    };
    view! {
        <form
            class="language-switch"
            method="post"
            action=ChooseLanguage::url()
            aria-label=move || crate::i18n::td_string!(i18n.get_locale(), common.language)
        >
            {button(Locale::fr, "Français", "FR")}
            {button(Locale::en, "English", "EN")}
        </form>
    }
}
