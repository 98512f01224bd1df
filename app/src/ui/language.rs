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

/// The translation context of the pages, on the server: its language is the one
/// `server::locale` decides for the request (the person's choice in the [`COOKIE`] or on the
/// account, else the browser's languages, else French). A choice made with the switch is
/// remembered by the server function it posts to, not here.
#[component]
pub fn LanguageProvider(children: Children) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let header = leptos_use::UseLocalesOptions::default()
        .ssr_lang_header_getter(|| Some(crate::locale::current().as_str().to_owned()));
    #[cfg(not(feature = "ssr"))]
    let header = leptos_use::UseLocalesOptions::default();
    view! {
        <crate::i18n::I18nContextProvider ssr_lang_header_getter=header>
            {children()}
        </crate::i18n::I18nContextProvider>
    }
}

/// The translation context of an island. On the server (and wherever the page's own context
/// is around) it is that one; an island hydrating in the browser has no parent, so it gets one in
/// the page's language, which the server wrote on `<html lang>`: the island's words then match
/// the HTML it hydrates. Call it first in every island; the components inside use `use_i18n`.
pub fn island_i18n() -> leptos_i18n::I18nContext<Locale> {
    if let Some(context) = use_context::<leptos_i18n::I18nContext<Locale>>() {
        return context;
    }
    let context = leptos_i18n::context::init_i18n_subcontext(Some(Signal::stored(page_locale())));
    provide_context(context);
    context
}

/// The language the server rendered the page in (`<html lang>`); French when it says neither.
fn page_locale() -> Locale {
    #[cfg(feature = "hydrate")]
    {
        document()
            .document_element()
            .map(|html| html.get_attribute("lang").unwrap_or_default())
            .and_then(|lang| parse_language(&lang))
            .unwrap_or_default()
    }
    #[cfg(not(feature = "hydrate"))]
    {
        Locale::default()
    }
}

/// The header's switch: each language named in itself, the current one (`current`, as
/// `Locale::as_str` gives it) pressed. A plain form: the server remembers the choice in this
/// browser and on the account of a signed-in person, and sends the browser back to the page, now
/// in that language. In the browser, what the page's forms hold is put back after that new load.
#[island]
pub fn LanguageSwitch(current: String) -> impl IntoView {
    use crate::features::account::ChooseLanguage;
    #[cfg(feature = "hydrate")]
    kept_fields::put_back();
    let current = parse_language(&current).unwrap_or_default();
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
                aria-pressed=(current == locale).to_string()
                on:click=move |_| {
                    #[cfg(feature = "hydrate")]
                    kept_fields::keep();
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
            aria-label=crate::i18n::td_string!(current, common.language)
        >
            {button(Locale::fr, "Français", "FR")}
            {button(Locale::en, "English", "EN")}
        </form>
    }
}

/// What the page's forms hold, kept across the reload that changes the language (in this tab's
/// session storage, for this address only, put back once). Passwords are never kept.
#[cfg(feature = "hydrate")]
mod kept_fields {
    use leptos::prelude::*;
    use wasm_bindgen::JsCast;
    use web_sys::{HtmlInputElement, HtmlSelectElement, HtmlTextAreaElement};

    const KEY: &str = "guichet.kept_fields";

    fn address() -> String {
        let location = window().location();
        format!(
            "{}{}",
            location.pathname().unwrap_or_default(),
            location.search().unwrap_or_default()
        )
    }

    fn fields() -> Vec<web_sys::Element> {
        let Ok(list) =
            document().query_selector_all("main input[id], main textarea[id], main select[id]")
        else {
            return Vec::new();
        };
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|node| node.dyn_into::<web_sys::Element>().ok())
            .collect()
    }

    /// Stores the fields' values before the page goes.
    pub fn keep() {
        let mut kept = vec![serde_json::Value::String(address())];
        for field in fields() {
            let id = field.id();
            let value = if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                match input.type_().as_str() {
                    "password" | "hidden" | "file" | "submit" | "button" => continue,
                    "checkbox" | "radio" => input.checked().to_string(),
                    _ => input.value(),
                }
            } else if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
                area.value()
            } else if let Some(select) = field.dyn_ref::<HtmlSelectElement>() {
                select.value()
            } else {
                continue;
            };
            kept.push(serde_json::json!([id, value]));
        }
        if let Ok(Some(storage)) = window().session_storage() {
            let _ = storage.set_item(KEY, &serde_json::Value::Array(kept).to_string());
        }
    }

    /// Puts back what [`keep`] stored, if it was stored for this address.
    pub fn put_back() {
        let Ok(Some(storage)) = window().session_storage() else {
            return;
        };
        let Ok(Some(stored)) = storage.get_item(KEY) else {
            return;
        };
        let _ = storage.remove_item(KEY);
        let Ok(serde_json::Value::Array(kept)) = serde_json::from_str(&stored) else {
            return;
        };
        if kept.first().and_then(|a| a.as_str()) != Some(address().as_str()) {
            return;
        }
        for pair in kept.iter().skip(1) {
            let (Some(id), Some(value)) = (
                pair.get(0).and_then(|v| v.as_str()),
                pair.get(1).and_then(|v| v.as_str()),
            ) else {
                continue;
            };
            let Some(field) = document().get_element_by_id(id) else {
                continue;
            };
            if let Some(input) = field.dyn_ref::<HtmlInputElement>() {
                match input.type_().as_str() {
                    "checkbox" | "radio" => input.set_checked(value == "true"),
                    _ => input.set_value(value),
                }
            } else if let Some(area) = field.dyn_ref::<HtmlTextAreaElement>() {
                area.set_value(value);
            } else if let Some(select) = field.dyn_ref::<HtmlSelectElement>() {
                select.set_value(value);
            }
        }
    }
}
