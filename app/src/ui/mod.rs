//! The application shell: the HTML document, the router and the page frame
//! (header, navigation, footer). Pages live in `crate::features`.

mod layout;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path,
};

use crate::features::{auth, home};
pub use layout::{Layout, NotFound};

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_csp_nonce();
    view! {
        <!DOCTYPE html>
        <html lang="en">
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options/>
                <MetaTags/>
            </head>
            <body>
                <App/>
            </body>
        </html>
    }
}

/// Hands the response's CSP nonce (set by the security middleware) to Leptos,
/// so that the hydration scripts carry it.
#[cfg(feature = "ssr")]
fn provide_csp_nonce() {
    if let Some(parts) = use_context::<http::request::Parts>() {
        if let Some(nonce) = parts.extensions.get::<crate::server::security::CspNonce>() {
            provide_context(leptos::nonce::Nonce::from_value(nonce.0.clone()));
        }
    }
}

#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/guichet.css"/>
        <Title formatter=|text: String| if text.is_empty() { "Guichet".to_string() } else { format!("{text} · Guichet") }/>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=home::HomePage/>
                    <Route path=path!("/login") view=auth::LoginPage/>
                </Routes>
            </Layout>
        </Router>
    }
}
