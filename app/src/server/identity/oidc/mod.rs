//! Federated sign-in with OpenID Connect: the authorization code flow with PKCE, `state` and
//! `nonce`, through the `openidconnect` crate (which checks the ID token's signature against the
//! provider's keys, its issuer, audience, expiry and nonce).
//!
//! 1. [`start`] reads the provider's discovery document (a provider that does not answer is
//!    told to the person at once, and the password form stays), keeps the flow's secrets in the
//!    session ([`PendingFlow`]) and returns the provider's authorization URL.
//! 2. [`finish`], on the callback, takes the flow out of the session (so a callback works once),
//!    checks `state` (and the `iss` of RFC 9207 when sent), exchanges the code with the PKCE
//!    verifier, checks the ID token, reads the e-mail and name claims (ID token, else userinfo)
//!    and then signs in or links:
//!    - an identity linked before signs its person in;
//!    - else an address the provider is trusted for (`trust_email`) and says it verified finds
//!      the account of that address and links it;
//!    - else an address with an account is refused: its person signs in with their password and
//!      links the provider from their account page (never silently by e-mail);
//!    - else a new account is made; its address is proven only as above, otherwise the person
//!      confirms it by an e-mailed link ([`verification`]) and submits nothing until then.
//!
//! A person with a second factor still gives their code after the provider; platform admins have
//! one (see `second_factor`), so a provider alone never makes an admin session.

mod accounts;
mod flow;
pub mod join;
mod repo;
pub mod settings;
pub mod verification;
pub mod web;

pub use accounts::{choices, sign_in_methods, unlink, SignInMethods};
pub use flow::{finish, redirect_uri, start, waiting_purpose, PendingFlow};
pub use repo::LinkedIdentity;
pub use settings::ProviderSettings;

use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::server::{
    audit::{self, AuditEvent},
    context::RequestContext,
    error::ServiceError,
};

/// How long a started flow waits for its callback.
pub const FLOW_LIFETIME_SECS: i64 = 600;

/// How long the provider may take to answer one request.
const PROVIDER_TIMEOUT: Duration = Duration::from_secs(10);

/// The providers, and the HTTP client that talks to them (redirects not followed: the flow's
/// URLs are the discovery document's, nothing a response may send us elsewhere to).
#[derive(Clone)]
pub struct Providers {
    list: std::sync::Arc<Vec<ProviderSettings>>,
    http: reqwest::Client,
    /// The issuers' origins, space-separated, for the pages' `form-action` (see
    /// `security::set_headers`).
    form_targets: std::sync::Arc<str>,
}

impl std::fmt::Debug for Providers {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list()
            .entries(self.list.iter().map(|p| &p.id))
            .finish()
    }
}

impl Providers {
    pub fn new(list: Vec<ProviderSettings>) -> Self {
        let http = reqwest::Client::builder()
            .redirect(reqwest::redirect::Policy::none())
            .timeout(PROVIDER_TIMEOUT)
            .build()
            .expect("an HTTP client with rustls and fixed settings builds");
        let mut origins: Vec<String> = list
            .iter()
            .filter_map(|p| reqwest::Url::parse(&p.issuer).ok())
            .map(|u| u.origin().ascii_serialization())
            .filter(|o| o != "null")
            .collect();
        origins.sort();
        origins.dedup();
        Self {
            list: std::sync::Arc::new(list),
            http,
            form_targets: origins.join(" ").into(),
        }
    }

    /// The origins a form may lead to besides the portal's: the issuers'.
    pub fn form_targets(&self) -> &str {
        &self.form_targets
    }

    /// Every provider, in the operator's order.
    pub fn all(&self) -> &[ProviderSettings] {
        &self.list
    }

    /// The provider of this id.
    pub fn get(&self, id: &str) -> Option<&ProviderSettings> {
        self.list.iter().find(|p| p.id == id)
    }
}

/// Why a federated sign-in or link did not happen; each reads as a sentence on the sign-in page
/// (or the account page, for a link). The variant's name is in the page's address
/// (`?oidc=unavailable`), never anything the provider sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Failure {
    /// The provider did not answer, or answered nonsense (discovery, token or userinfo).
    Unavailable,
    /// No flow of this browser waits for this callback: another browser's callback, a callback
    /// used already, a wrong `state`, or one that came too late.
    StaleFlow,
    /// The person cancelled at the provider, or it refused them.
    Cancelled,
    /// The provider refused to exchange the code (used already, or not ours).
    CodeRefused,
    /// The ID token did not check out: expired, another flow's nonce, bad signature, issuer or
    /// audience.
    InvalidToken,
    /// No e-mail address among the claims.
    NoEmail,
    /// An account has this address and the provider is not trusted to prove it: sign in with the
    /// password, then link the provider from the account page.
    AccountExists,
    /// The identity is linked to another account.
    LinkedElsewhere,
    /// The account is disabled.
    Disabled,
}

impl Failure {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unavailable => "unavailable",
            Self::StaleFlow => "stale",
            Self::Cancelled => "cancelled",
            Self::CodeRefused => "code_refused",
            Self::InvalidToken => "invalid_token",
            Self::NoEmail => "no_email",
            Self::AccountExists => "account_exists",
            Self::LinkedElsewhere => "linked_elsewhere",
            Self::Disabled => "disabled",
        }
    }
}

/// A failure, or an error of ours (database, session).
#[derive(Debug)]
pub enum FlowError {
    Failed(Failure),
    Service(ServiceError),
}

impl<E: Into<ServiceError>> From<E> for FlowError {
    fn from(e: E) -> Self {
        Self::Service(e.into())
    }
}

impl From<Failure> for FlowError {
    fn from(f: Failure) -> Self {
        Self::Failed(f)
    }
}

/// What a flow is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Purpose {
    /// Signing in, then going to `next` (a local path).
    SignIn { next: String },
    /// Linking the provider to the signed-in person's account.
    Link { user_id: i64 },
}

/// How a callback ended well.
#[derive(Debug)]
pub enum Finished {
    /// Signed in; the language the person chose, which this browser takes on.
    SignedIn {
        next: String,
        language: Option<crate::i18n::Locale>,
    },
    /// The person has a second factor: the session waits for their code.
    SecondFactor { next: String },
    /// The provider is linked to the signed-in person's account.
    Linked,
}

/// The callback's query: `code` and `state`, or `error`; `iss` when the provider sends it.
#[derive(Debug, Default, Deserialize)]
pub struct Callback {
    pub code: Option<String>,
    pub state: Option<String>,
    pub error: Option<String>,
    pub iss: Option<String>,
}

/// Audits a refused callback and counts it; the failure for the person.
async fn refused(ctx: &RequestContext, provider: &str, failure: Failure, why: &str) -> FlowError {
    crate::server::metrics::sign_in_failure(&format!("oidc_{}", failure.as_str()));
    let event = AuditEvent::new("oidc_sign_in")
        .failed()
        .ip(ctx.client_ip.as_deref())
        .detail(json!({ "provider": provider, "reason": why }));
    if let Err(e) = audit::append_alone(&ctx.state.db, &event).await {
        return FlowError::Service(e.into());
    }
    FlowError::Failed(failure)
}
