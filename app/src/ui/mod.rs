//! The application shell: the HTML document, the router and the page frame
//! (header, navigation, footer). Pages live in `crate::features`.

mod error_panel;
pub mod form;
pub mod language;
mod layout;
pub mod table;

use leptos::prelude::*;
use leptos_meta::{provide_meta_context, MetaTags, Stylesheet, Title};
use leptos_router::{
    components::{Route, Router, Routes},
    path, SsrMode,
};

use crate::features::capacity;
use crate::features::requests;
use crate::features::{
    accessibility, account, api_docs, api_tokens, audit_log, home, identity, members, tenants,
};
use crate::features::{catalogue, placement, projects, search, site_agents, usage};
pub use error_panel::{ErrorPanel, NotFoundNote};
pub use layout::{Layout, NotFound};

/// `one` or `many`, as `n` asks: "1 request", "2 requests", "0 requests".
pub fn plural(n: usize, one: &'static str, many: &'static str) -> &'static str {
    if n == 1 {
        one
    } else {
        many
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn one_thing_is_singular_and_none_or_many_plural() {
        assert_eq!(super::plural(1, "request", "requests"), "request");
        assert_eq!(super::plural(0, "request", "requests"), "requests");
        assert_eq!(super::plural(2, "request", "requests"), "requests");
    }
}

/// The HTML document around the app, rendered on the server.
pub fn shell(options: LeptosOptions) -> impl IntoView {
    #[cfg(feature = "ssr")]
    provide_csp_nonce();
    view! {
        <!DOCTYPE html>
        <html>
            <head>
                <meta charset="utf-8"/>
                <meta name="viewport" content="width=device-width, initial-scale=1"/>
                <meta name="color-scheme" content="light"/>
                <link rel="icon" href="/favicon.svg" type="image/svg+xml"/>
                <HydrationScripts options islands=true/>
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

/// Every page renders with `SsrMode::Async`: the server waits for the page's
/// data before it answers, so (1) the HTTP status can come from that data (401,
/// 403, 404 from `respond()`), and (2) a browser without JavaScript gets the
/// whole page — out-of-order streaming needs a script to put data in place.
#[component]
pub fn App() -> impl IntoView {
    provide_meta_context();
    view! {
        <Stylesheet id="leptos" href="/pkg/guichet.css"/>
        <Title formatter=|text: String| if text.is_empty() { "Guichet".to_string() } else { format!("{text} · Guichet") }/>
        <language::LanguageProvider>
        <Router>
            <Layout>
                <Routes fallback=NotFound>
                    <Route path=path!("") view=home::HomePage ssr=SsrMode::Async/>
                    <Route path=path!("/login") view=identity::LoginPage ssr=SsrMode::Async/>
                    <Route path=path!("/login/code") view=identity::LoginCodePage ssr=SsrMode::Async/>
                    <Route path=path!("/password/forgot") view=identity::ForgotPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/password/reset/:token") view=identity::ResetPasswordPage ssr=SsrMode::Async/>
                    <Route path=path!("/email/confirm/:token") view=account::ConfirmEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/email/verify/:token") view=account::VerifyEmailPage ssr=SsrMode::Async/>
                    <Route path=path!("/accessibility") view=accessibility::AccessibilityPage/>
                    <Route path=path!("/signup") view=tenants::SignupPage ssr=SsrMode::Async/>
                    <Route path=path!("/signup/confirm/:token") view=tenants::ConfirmSignupPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/tenants") view=tenants::TenantsAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/audit") view=audit_log::AuditLogPage ssr=SsrMode::Async/>
                    <Route path=path!("/organisation") view=members::OrganisationPage ssr=SsrMode::Async/>
                    <Route path=path!("/invitations/:token") view=members::InvitationPage ssr=SsrMode::Async/>
                    <Route path=path!("/account") view=account::AccountPage ssr=SsrMode::Async/>
                    <Route path=path!("/account/tokens") view=api_tokens::TokensPage ssr=SsrMode::Async/>
                    <Route path=path!("/api/docs") view=api_docs::ApiDocsPage ssr=SsrMode::Async/>
                    <Route path=path!("/catalogue") view=catalogue::CataloguePage ssr=SsrMode::Async/>
                    <Route path=path!("/placement") view=placement::PlacementPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/catalogue") view=catalogue::CatalogueAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/agents") view=site_agents::page::AgentsAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/usage") view=usage::page::UsageAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/people") view=crate::features::people::PeopleAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/jobs") view=crate::features::jobs::page::JobsAdminPage ssr=SsrMode::Async/>
                    <Route path=path!("/projects") view=projects::ProjectsPage ssr=SsrMode::Async/>
                    <Route path=path!("/projects/:id") view=projects::ProjectPage ssr=SsrMode::Async/>
                    <Route path=path!("/requests") view=requests::RequestsPage ssr=SsrMode::Async/>
                    <Route path=path!("/requests/new") view=requests::NewRequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/requests/:id") view=requests::RequestPage ssr=SsrMode::Async/>
                    <Route path=path!("/requests/:id/edit") view=requests::EditDraftPage ssr=SsrMode::Async/>
                    <Route path=path!("/admin/requests") view=requests::AdminRequestsPage ssr=SsrMode::Async/>
                    <Route path=path!("/capacity") view=capacity::CapacityPage ssr=SsrMode::Async/>
                    <Route path=path!("/search") view=search::SearchPage ssr=SsrMode::Async/>
                    <Route path=path!("/notifications") view=requests::NotificationsPage ssr=SsrMode::Async/>
                </Routes>
            </Layout>
        </Router>
        </language::LanguageProvider>
    }
}
