//! Guichet, the tenancy portal of a sovereign European AI campus.
//!
//! This crate is both halves of the application. Compiled with `ssr` it is the
//! backend library the `server` binary wires up (see [`server`]); compiled with
//! `hydrate` for wasm32 it is the browser bundle. Shared by both: the UI
//! ([`ui`], [`features`]), the wire types, the client-facing error ([`error`])
//! and the pure domain rules ([`domain`]) that the browser evaluates for instant
//! feedback and the server evaluates again before it trusts anything.

pub mod domain;
pub mod error;
pub mod features;
pub mod locale;
pub mod ui;
pub mod wire;

// The translations: `i18n::Locale` (French, the default, and English), the `t!`/`td_string!`
// macros and the context provider, generated from `app/locales/<lang>/<namespace>.json`.
#[allow(deprecated)]
mod translations {
    leptos_i18n::load_locales!();
}
pub use translations::i18n;

#[cfg(feature = "ssr")]
pub mod server;

pub use ui::{shell, App};

/// The browser entry point. The pages are HTML from the server; only their islands (`#[island]`:
/// the parts that answer a person before the server does) are hydrated, each where it stands.
/// `hydrate_islands` runs before the loader walks the page for islands, so the marker is set in
/// a task after that walk.
#[cfg(feature = "hydrate")]
#[wasm_bindgen::prelude::wasm_bindgen]
pub fn hydrate() {
    console_error_panic_hook::set_once();
    leptos::mount::hydrate_islands();
    // A marker for people and browser tests: the page is interactive now.
    leptos::prelude::set_timeout(
        || {
            if let Some(body) = web_sys::window()
                .and_then(|w| w.document())
                .and_then(|d| d.body())
            {
                let _ = body.set_attribute("data-hydrated", "true");
            }
        },
        std::time::Duration::ZERO,
    );
}
