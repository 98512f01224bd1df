//! The protocol of a federated sign-in: the provider's client from its discovery document,
//! [`start`] (the authorization URL, the flow's secrets kept in the session) and [`finish`] (the
//! callback checked, the code exchanged, the ID token and the claims checked), which hands the
//! person the provider vouches for to [`super::accounts`].

use openidconnect::{
    core::{CoreAuthenticationFlow, CoreClient, CoreProviderMetadata},
    AuthorizationCode, ClaimsVerificationError, ClientId, ClientSecret, CsrfToken, IssuerUrl,
    Nonce, OAuth2TokenResponse as _, PkceCodeChallenge, PkceCodeVerifier, RedirectUrl, Scope,
    TokenResponse as _,
};
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use super::{
    accounts, refused, Callback, Failure, Finished, FlowError, ProviderSettings, Providers,
    Purpose, FLOW_LIFETIME_SECS,
};
use crate::domain::email::Email;
use crate::server::{context::RequestContext, db::now_unix, session_store::OIDC_KEY};

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
pub(super) struct Claims {
    pub(super) subject: String,
    pub(super) email: Email,
    pub(super) name: String,
    pub(super) verified: bool,
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
        Purpose::Link { user_id } => accounts::link_to(ctx, &provider, user_id, &claims).await,
        Purpose::SignIn { next } => accounts::sign_in_with(ctx, &provider, &claims, next).await,
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
