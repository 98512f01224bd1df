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

pub mod join;
mod repo;
pub mod settings;
pub mod verification;
pub mod web;

pub use repo::LinkedIdentity;
pub use settings::ProviderSettings;

use std::time::Duration;

use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata},
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, OAuth2TokenResponse as _, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse as _,
};
use serde::{Deserialize, Serialize};
use serde_json::{json, Map, Value};

use super::{login, repo as accounts};
use crate::domain::email::Email;
use crate::server::{
    audit::{self, AuditEvent},
    auth::CurrentUser,
    context::RequestContext,
    db::{is_unique_violation, now_unix},
    error::{ServiceError, ServiceResult},
    session_store::OIDC_KEY,
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

/// A started flow, kept in the session until its callback.
#[derive(Serialize, Deserialize)]
pub struct PendingFlow {
    provider: String,
    state: String,
    nonce: String,
    pkce_verifier: String,
    pub purpose: Purpose,
    started_at: i64,
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

/// The callback URL of `provider` on this portal (`origin`: `https://guichet.example.fr`).
pub fn redirect_uri(origin: &str, provider: &str) -> String {
    format!("{origin}/auth/oidc/{provider}/callback")
}

type Client = CoreClient<
    openidconnect::EndpointSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointNotSet,
    openidconnect::EndpointMaybeSet,
    openidconnect::EndpointMaybeSet,
>;

/// The provider's client from its discovery document, read now.
async fn client(
    providers: &Providers,
    provider: &ProviderSettings,
    origin: &str,
) -> Result<Client, Failure> {
    let issuer = IssuerUrl::new(provider.issuer.clone()).map_err(|_| Failure::Unavailable)?;
    let metadata = CoreProviderMetadata::discover_async(issuer, &providers.http)
        .await
        .map_err(|e| {
            tracing::warn!(provider = %provider.id, error = %e, "identity provider discovery failed");
            Failure::Unavailable
        })?;
    let redirect =
        RedirectUrl::new(redirect_uri(origin, &provider.id)).map_err(|_| Failure::Unavailable)?;
    Ok(CoreClient::from_provider_metadata(
        metadata,
        ClientId::new(provider.client_id.clone()),
        Some(ClientSecret::new(provider.client_secret.expose().clone())),
    )
    .set_redirect_uri(redirect))
}

/// Starts a flow with `provider_id` for `purpose` and returns the provider's URL to send the
/// browser to. A new flow replaces this browser's earlier one.
pub async fn start(
    ctx: &RequestContext,
    origin: &str,
    provider_id: &str,
    purpose: Purpose,
) -> Result<String, FlowError> {
    let providers = &ctx.state.providers;
    let provider = providers
        .get(provider_id)
        .ok_or(crate::error::AppError::NotFound)?;
    let client = match client(providers, provider, origin).await {
        Ok(client) => client,
        Err(failure) => return Err(refused(ctx, provider_id, failure, "discovery failed").await),
    };
    let (challenge, verifier) = PkceCodeChallenge::new_random_sha256();
    let (url, state, nonce) = client
        .authorize_url(
            CoreAuthenticationFlow::AuthorizationCode,
            CsrfToken::new_random,
            Nonce::new_random,
        )
        .add_scope(Scope::new("email".to_owned()))
        .add_scope(Scope::new("profile".to_owned()))
        .set_pkce_challenge(challenge)
        .url();
    let pending = PendingFlow {
        provider: provider.id.clone(),
        state: state.secret().clone(),
        nonce: nonce.secret().clone(),
        pkce_verifier: verifier.secret().clone(),
        purpose,
        started_at: now_unix(),
    };
    ctx.session.insert(OIDC_KEY, pending).await?;
    Ok(url.to_string())
}

/// The purpose of the flow waiting in this session, if one does (so that a failure is told on
/// the right page).
pub async fn waiting_purpose(ctx: &RequestContext) -> Option<Purpose> {
    let pending: Option<PendingFlow> = ctx.session.get(OIDC_KEY).await.ok().flatten();
    pending.map(|p| p.purpose)
}

/// What the provider said about the person, once checked.
struct Claims {
    subject: String,
    email: Email,
    name: String,
    verified: bool,
}

/// Finishes the flow waiting in this session with the provider's callback. See the module.
pub async fn finish(
    ctx: &RequestContext,
    origin: &str,
    provider_id: &str,
    callback: &Callback,
) -> Result<Finished, FlowError> {
    let pending: Option<PendingFlow> = ctx.session.remove(OIDC_KEY).await?;
    let Some(pending) = pending.filter(|p| {
        p.provider == provider_id
            && callback.state.as_deref() == Some(p.state.as_str())
            && now_unix() - p.started_at <= FLOW_LIFETIME_SECS
    }) else {
        return Err(refused(
            ctx,
            provider_id,
            Failure::StaleFlow,
            "no flow waits for this state",
        )
        .await);
    };
    let provider = ctx
        .state
        .providers
        .get(provider_id)
        .ok_or(crate::error::AppError::NotFound)?
        .clone();
    if callback.error.is_some() {
        return Err(refused(
            ctx,
            provider_id,
            Failure::Cancelled,
            "the provider answered an error",
        )
        .await);
    }
    // RFC 9207: a provider that names itself must name the one this flow went to.
    if callback
        .iss
        .as_deref()
        .is_some_and(|iss| iss.trim_end_matches('/') != provider.issuer)
    {
        return Err(refused(
            ctx,
            provider_id,
            Failure::CodeRefused,
            "another issuer answered",
        )
        .await);
    }
    let Some(code) = callback.code.clone() else {
        return Err(refused(ctx, provider_id, Failure::CodeRefused, "no code").await);
    };
    let claims = match checked_claims(ctx, origin, &provider, &pending, code).await {
        Ok(claims) => claims,
        Err((failure, why)) => return Err(refused(ctx, provider_id, failure, &why).await),
    };
    match pending.purpose {
        Purpose::Link { user_id } => link_to(ctx, &provider, user_id, &claims).await,
        Purpose::SignIn { next } => sign_in_with(ctx, &provider, &claims, next).await,
    }
}

/// The code exchanged, the ID token checked, the claims read: the person as the provider vouches
/// for them, or why not (with the reason for the audit).
async fn checked_claims(
    ctx: &RequestContext,
    origin: &str,
    provider: &ProviderSettings,
    pending: &PendingFlow,
    code: String,
) -> Result<Claims, (Failure, String)> {
    let providers = &ctx.state.providers;
    let client = client(providers, provider, origin)
        .await
        .map_err(|f| (f, "discovery failed".to_owned()))?;
    let tokens = client
        .exchange_code(AuthorizationCode::new(code))
        .map_err(|e| (Failure::Unavailable, e.to_string()))?
        .set_pkce_verifier(PkceCodeVerifier::new(pending.pkce_verifier.clone()))
        .request_async(&providers.http)
        .await
        .map_err(|e| {
            use openidconnect::RequestTokenError;
            match e {
                RequestTokenError::ServerResponse(r) => (
                    Failure::CodeRefused,
                    format!("token endpoint: {}", r.error()),
                ),
                other => (Failure::Unavailable, format!("token endpoint: {other}")),
            }
        })?;
    let id_token = tokens
        .id_token()
        .ok_or((Failure::InvalidToken, "no ID token".to_owned()))?;
    let verifier = client.id_token_verifier();
    let checked = id_token
        .claims(&verifier, &Nonce::new(pending.nonce.clone()))
        .map_err(|e| {
            let why = match &e {
                ClaimsVerificationError::Expired(_) => "expired ID token".to_owned(),
                ClaimsVerificationError::InvalidNonce(_) => "another flow's nonce".to_owned(),
                other => format!("ID token: {other}"),
            };
            (Failure::InvalidToken, why)
        })?;
    let subject = checked.subject().as_str().to_owned();

    // The claims as sent: the ID token's (its signature checked above), then userinfo's.
    let mut found = token_payload(&id_token.to_string()).unwrap_or_default();
    let wanted = [
        provider.email_claim.as_str(),
        provider.name_claim.as_str(),
        "email_verified",
    ];
    if wanted.iter().any(|c| !found.contains_key(*c)) {
        if let Some(url) = client.user_info_url() {
            let info = userinfo(providers, url.as_str(), tokens.access_token().secret())
                .await
                .map_err(|why| (Failure::Unavailable, why))?;
            if info.get("sub").and_then(Value::as_str) != Some(subject.as_str()) {
                return Err((
                    Failure::InvalidToken,
                    "userinfo of another subject".to_owned(),
                ));
            }
            for (k, v) in info {
                found.entry(k).or_insert(v);
            }
        }
    }
    let email = found
        .get(&provider.email_claim)
        .and_then(Value::as_str)
        .and_then(|e| Email::parse(e).ok())
        .ok_or((Failure::NoEmail, "no e-mail claim".to_owned()))?;
    let said_verified = match found.get("email_verified") {
        Some(Value::Bool(b)) => *b,
        Some(Value::String(s)) => s == "true",
        _ => false,
    };
    let name = found
        .get(&provider.name_claim)
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty() && n.chars().count() <= 200)
        .map(str::to_owned)
        .unwrap_or_else(|| email.as_str().split('@').next().unwrap_or("").to_owned());
    Ok(Claims {
        subject,
        email,
        name,
        verified: provider.trust_email && said_verified,
    })
}

/// The payload of a JWT as JSON (its signature checked by the caller).
fn token_payload(jwt: &str) -> Option<Map<String, Value>> {
    use base64::Engine as _;
    let payload = jwt.split('.').nth(1)?;
    let bytes = base64::engine::general_purpose::URL_SAFE_NO_PAD
        .decode(payload)
        .ok()?;
    serde_json::from_slice(&bytes).ok()
}

/// The userinfo endpoint's claims.
async fn userinfo(
    providers: &Providers,
    url: &str,
    access_token: &str,
) -> Result<Map<String, Value>, String> {
    let response = providers
        .http
        .get(url)
        .bearer_auth(access_token)
        .header(reqwest::header::ACCEPT, "application/json")
        .send()
        .await
        .map_err(|e| format!("userinfo: {e}"))?;
    if !response.status().is_success() {
        return Err(format!("userinfo: {}", response.status()));
    }
    response.json().await.map_err(|e| format!("userinfo: {e}"))
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

/// Links the provider's identity to the signed-in person (who started the flow).
async fn link_to(
    ctx: &RequestContext,
    provider: &ProviderSettings,
    user_id: i64,
    claims: &Claims,
) -> Result<Finished, FlowError> {
    let user = CurrentUser::from_session(ctx.session.clone(), &ctx.state)
        .await
        .map_err(|_| Failure::StaleFlow)?;
    if user.user_id() != user_id {
        return Err(Failure::StaleFlow.into());
    }
    let mut tx = ctx.state.db.platform_write_tx().await?;
    if let Some(existing) = repo::identity_of(&mut tx, &provider.id, &claims.subject).await? {
        if existing.user_id == user_id {
            return Ok(Finished::Linked);
        }
        drop(tx);
        return Err(refused(
            ctx,
            &provider.id,
            Failure::LinkedElsewhere,
            "linked to another account",
        )
        .await);
    }
    match repo::link(
        &mut tx,
        user_id,
        &provider.id,
        &claims.subject,
        claims.email.as_str(),
    )
    .await
    {
        Ok(_) => {}
        // This provider is linked already, with another of the person's identities there.
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            return Err(refused(
                ctx,
                &provider.id,
                Failure::LinkedElsewhere,
                "the account has this provider linked",
            )
            .await);
        }
        Err(e) => return Err(e.into()),
    }
    audit::append(
        &mut tx,
        &AuditEvent::new("oidc_linked")
            .actor(user_id, &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "provider": provider.id, "email": claims.email.as_str() })),
    )
    .await?;
    tell_of_a_link(&mut tx, &user.identity.email, &user.identity.name, provider).await?;
    tx.commit().await?;
    Ok(Finished::Linked)
}

/// E-mails the person that a provider now signs them in (a link they did not make is seen).
async fn tell_of_a_link(
    tx: &mut sqlx::AnyConnection,
    email: &str,
    name: &str,
    provider: &ProviderSettings,
) -> Result<(), sqlx::Error> {
    let locale = crate::server::outbox::recipient_locale(tx, email).await?;
    let body = crate::domain::format::fill(
        crate::i18n::td_string!(locale, mail.provider_linked_body),
        &[("name", &name), ("provider", &provider.display_name)],
    );
    crate::server::outbox::queue(
        tx,
        crate::domain::mail::MailCategory::Security,
        email,
        crate::i18n::td_string!(locale, mail.provider_linked_subject),
        &body,
    )
    .await
}

/// Signs in the person the provider vouches for; see the module for who that is.
async fn sign_in_with(
    ctx: &RequestContext,
    provider: &ProviderSettings,
    claims: &Claims,
    next: String,
) -> Result<Finished, FlowError> {
    let state = &ctx.state;
    // Platform scope: accounts and identities are not tenant-owned.
    let mut tx = state.db.platform_write_tx().await?;
    let user_id = match repo::identity_of(&mut tx, &provider.id, &claims.subject).await? {
        Some(identity) => {
            repo::mark_used(&mut tx, identity.id, claims.email.as_str()).await?;
            identity.user_id
        }
        None => match accounts::find_user_by_email(&mut tx, claims.email.as_str()).await? {
            Some(user) if claims.verified => {
                repo::link(
                    &mut tx,
                    user.id,
                    &provider.id,
                    &claims.subject,
                    claims.email.as_str(),
                )
                .await?;
                audit::append(
                    &mut tx,
                    &AuditEvent::new("oidc_linked")
                        .actor(user.id, &user.email)
                        .ip(ctx.client_ip.as_deref())
                        .detail(json!({ "provider": provider.id, "by": "verified e-mail" })),
                )
                .await?;
                tell_of_a_link(&mut tx, &user.email, &user.name, provider).await?;
                user.id
            }
            Some(_) => {
                drop(tx);
                return Err(refused(
                    ctx,
                    &provider.id,
                    Failure::AccountExists,
                    "an account has this address",
                )
                .await);
            }
            None => {
                let user_id = create_account(ctx, &mut tx, provider, claims).await?;
                user_id
            }
        },
    };
    tx.commit().await?;

    let user = {
        let mut conn = state.db.acquire().await?;
        accounts::find_user_by_id(&mut conn, user_id).await?
    }
    .ok_or(crate::error::AppError::NotFound)?;
    if user.disabled_at.is_some() {
        return Err(refused(ctx, &provider.id, Failure::Disabled, "account disabled").await);
    }
    match login::after_first_factor(ctx, &user, false, Some(&provider.id)).await? {
        login::SignInNext::SignedIn { language } => Ok(Finished::SignedIn { next, language }),
        login::SignInNext::SecondFactor => Ok(Finished::SecondFactor { next }),
    }
}

/// Makes the account of a person a provider vouches for, linked to their identity; an address
/// nobody proved gets a confirmation link.
async fn create_account(
    ctx: &RequestContext,
    tx: &mut sqlx::AnyConnection,
    provider: &ProviderSettings,
    claims: &Claims,
) -> Result<i64, FlowError> {
    // A password nobody knows: the person signs in through the provider, or sets one with a
    // reset link.
    let unusable = ctx
        .state
        .hashing
        .hash(&crate::server::token::new_token())
        .await?;
    let email = claims.email.as_str();
    let user_id =
        repo::insert_federated_user(tx, email, &claims.name, &unusable, !claims.verified).await?;
    repo::link(tx, user_id, &provider.id, &claims.subject, email).await?;
    audit::append(
        tx,
        &AuditEvent::new("signup_federated")
            .actor(user_id, email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "provider": provider.id, "email_verified": claims.verified })),
    )
    .await?;
    if !claims.verified {
        verification::send_link(ctx, tx, user_id, email, &claims.name).await?;
    }
    Ok(user_id)
}

/// A person's ways of signing in, for their account page.
pub struct SignInMethods {
    /// Whether their address is proven.
    pub email_confirmed: bool,
    /// The providers linked, each with its display name in `provider`.
    pub linked: Vec<LinkedIdentity>,
    /// The providers they may link still.
    pub to_link: Vec<crate::features::identity::types::ProviderChoice>,
}

/// The person's linked providers, and the others they may link.
pub async fn sign_in_methods(
    ctx: &RequestContext,
    user: &CurrentUser,
) -> ServiceResult<SignInMethods> {
    let mut conn = ctx.state.db.acquire().await?;
    let email_confirmed = verification::is_proven(&mut conn, user.user_id()).await?;
    let mut linked = repo::identities_of_user(&mut conn, user.user_id()).await?;
    drop(conn);
    let providers = &ctx.state.providers;
    let to_link = choices(providers)
        .into_iter()
        .filter(|c| !linked.iter().any(|l| l.provider == c.id))
        .collect();
    for l in &mut linked {
        if let Some(p) = providers.get(&l.provider) {
            l.provider = p.display_name.clone();
        }
    }
    Ok(SignInMethods {
        email_confirmed,
        linked,
        to_link,
    })
}

/// The providers people may sign in with, as the sign-in page offers them.
pub fn choices(providers: &Providers) -> Vec<crate::features::identity::types::ProviderChoice> {
    providers
        .all()
        .iter()
        .map(|p| crate::features::identity::types::ProviderChoice {
            id: p.id.clone(),
            name: p.display_name.clone(),
        })
        .collect()
}

/// Unlinks one of the person's providers (`id` of the link): audited. Someone else's link is
/// not found.
pub async fn unlink(ctx: &RequestContext, user: &CurrentUser, id: i64) -> ServiceResult<()> {
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let provider = repo::unlink(&mut tx, user.user_id(), id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    audit::append(
        &mut tx,
        &AuditEvent::new("oidc_unlinked")
            .actor(user.user_id(), &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "provider": provider })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
