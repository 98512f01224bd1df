//! The real OpenID Connect provider the tests sign in at (`scripts/oidc-test-provider.sh` starts
//! `oidc-provider` from npm on loopback and names it in `GUICHET_TEST_OIDC_*`), and a browser's
//! part at it: its sign-in form, its cookies and its redirects.
//!
//! The provider takes any e-mail address as a login; a local part starting `unverified.` gets
//! `email_verified: false`, `late.` an ID token already expired, `nonce.` an ID token carrying
//! another nonce (see end2end/oidc-provider/provider.mjs).

use std::collections::BTreeMap;

use app::server::config::{AppConfig, Secret};
use app::server::identity::oidc::ProviderSettings;
use axum::http::StatusCode;

use super::{Client, TestResponse};

/// The provider of this run: issuer, client id and secret; `None` when the tests run without one
/// (then the federated sign-in tests say so and pass, unless `GUICHET_REQUIRE_OIDC=1`, as in
/// `make test`).
pub fn provider() -> Option<(String, String, String)> {
    let Ok(issuer) = std::env::var("GUICHET_TEST_OIDC_ISSUER") else {
        assert!(
            std::env::var("GUICHET_REQUIRE_OIDC").as_deref() != Ok("1"),
            "GUICHET_REQUIRE_OIDC=1 but no OIDC test provider: run under scripts/oidc-test-provider.sh run"
        );
        eprintln!("no OIDC test provider (scripts/oidc-test-provider.sh run …): test skipped");
        return None;
    };
    let var = |k: &str| std::env::var(k).unwrap_or_else(|_| panic!("{k} is set with the issuer"));
    Some((
        issuer,
        var("GUICHET_TEST_OIDC_CLIENT_ID"),
        var("GUICHET_TEST_OIDC_CLIENT_SECRET"),
    ))
}

/// The provider's id in the portal's configuration and URLs.
pub const TEST: &str = "test";
/// A provider configured but down (nothing listens at its issuer).
pub const OFFLINE: &str = "offline";

/// A configuration with the test provider (`trust_email`, and `tenants`: e-mail domains to
/// organisations' slugs) and an offline one; `None` without the provider.
pub fn config(trust_email: bool, tenants: &[(&str, &str)]) -> Option<AppConfig> {
    let (issuer, client_id, secret) = provider()?;
    let test = ProviderSettings {
        id: TEST.to_owned(),
        display_name: "Test Federation".to_owned(),
        issuer,
        client_id,
        client_secret: Secret::new(secret),
        email_claim: "email".to_owned(),
        name_claim: "name".to_owned(),
        trust_email,
        tenants: tenants
            .iter()
            .map(|(d, t)| ((*d).to_owned(), (*t).to_owned()))
            .collect::<BTreeMap<_, _>>(),
    };
    let offline = ProviderSettings {
        id: OFFLINE.to_owned(),
        display_name: "Offline University".to_owned(),
        issuer: "http://127.0.0.1:9".to_owned(),
        ..test.clone()
    };
    Some(AppConfig {
        oidc_providers: vec![test, offline],
        ..AppConfig::default()
    })
}

/// A person's browser at the provider: its own cookie jar, redirects followed by hand.
pub struct Browser {
    http: reqwest::Client,
}

impl Default for Browser {
    fn default() -> Self {
        Self {
            http: reqwest::Client::builder()
                .cookie_store(true)
                .redirect(reqwest::redirect::Policy::none())
                .build()
                .unwrap(),
        }
    }
}

fn location(response: &reqwest::Response) -> String {
    response
        .headers()
        .get("location")
        .and_then(|v| v.to_str().ok())
        .unwrap_or_else(|| panic!("a redirect from {}", response.url()))
        .to_owned()
}

impl Browser {
    /// Follows the provider's authorization URL as `login` (signing in on its form when it asks)
    /// to the redirect back to the portal; returns that redirect's path and query.
    pub async fn authorize(&self, authorization_url: &str, login: &str) -> String {
        let mut url = reqwest::Url::parse(authorization_url).unwrap();
        for _ in 0..10 {
            if url.host_str() == Some("portal.test") {
                return format!("{}?{}", url.path(), url.query().unwrap_or(""));
            }
            let response = if url.path().starts_with("/interaction/") {
                let page = self.http.get(url.clone()).send().await.unwrap();
                assert_eq!(
                    page.status(),
                    reqwest::StatusCode::OK,
                    "the provider's sign-in form"
                );
                self.http
                    .post(format!("{}/login", url.as_str().trim_end_matches('/')))
                    .form(&[("login", login)])
                    .send()
                    .await
                    .unwrap()
            } else {
                self.http.get(url.clone()).send().await.unwrap()
            };
            assert!(
                response.status().is_redirection(),
                "{} answered {}: {}",
                url,
                response.status(),
                response.text().await.unwrap_or_default()
            );
            url = url.join(&location(&response)).unwrap();
        }
        panic!("the provider never sent the browser back");
    }
}

/// Starts signing in with `provider` from the sign-in page (`next` kept): the portal's answer.
pub async fn start(client: &mut Client, provider: &str, next: &str) -> TestResponse {
    client
        .post_form(&format!("/auth/oidc/{provider}"), &[("next", next)])
        .await
}

/// The `Location` of a redirect.
pub fn redirect_of(response: &TestResponse) -> String {
    assert!(
        response.status == StatusCode::SEE_OTHER || response.status.is_redirection(),
        "a redirect, not {} {}",
        response.status,
        response.body
    );
    response.header("location").expect("a Location").to_owned()
}

/// Signs in through the test provider as `login` in `client` and a fresh browser at the provider:
/// the portal's answer to the callback.
pub async fn sign_in(client: &mut Client, login: &str) -> TestResponse {
    let go = start(client, TEST, "/").await;
    let callback = Browser::default().authorize(&redirect_of(&go), login).await;
    client.get(&callback).await
}

/// Links the test provider's identity `login` to the account signed in in `client`, from the
/// account page's button: the portal's answer to the callback.
pub async fn link(client: &mut Client, login: &str) -> TestResponse {
    let go = client
        .post_form(&format!("/auth/oidc/{TEST}/link"), &[])
        .await;
    let callback = Browser::default().authorize(&redirect_of(&go), login).await;
    client.get(&callback).await
}
