//! The identity providers an operator lets people sign in with (read by
//! `config::AppConfig::from_lookup`): `GUICHET_OIDC_PROVIDERS_FILE` names a JSON file listing
//! them; each provider's client secret comes from an environment variable the file names, so the
//! file holds no secret and can sit in version control. See docs/operations.md.

use std::collections::BTreeMap;

use serde::Deserialize;

use super::super::super::config::{ConfigError, Secret};

/// The variable naming the providers' file.
pub const FILE_VARIABLE: &str = "GUICHET_OIDC_PROVIDERS_FILE";

/// One OpenID Connect provider (an institution's identity provider, or a federation's proxy such
/// as eduTEAMS or MyAccessID).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProviderSettings {
    /// A short id, in the provider's URLs (`/auth/oidc/{id}/callback`) and stored with each
    /// linked identity: lowercase letters, digits and dashes. Never change it once people use it.
    pub id: String,
    /// What people read on the button ("Sign in with …").
    pub display_name: String,
    /// The issuer URL; its `/.well-known/openid-configuration` is read at each sign-in.
    pub issuer: String,
    pub client_id: String,
    pub client_secret: Secret<String>,
    /// The claim (ID token, else userinfo) holding the e-mail address (`email` by default).
    pub email_claim: String,
    /// The claim holding the person's name (`name` by default).
    pub name_claim: String,
    /// Whether an address the provider says it verified (`email_verified`) is taken as verified
    /// here: a first sign-in then finds the account of that address and links it. Otherwise the
    /// person confirms the address by an e-mailed link, and an existing account links the
    /// provider from its account page only.
    pub trust_email: bool,
    /// E-mail domains whose people the provider vouches for, each with the verified organisation
    /// they are offered to join (its owners accept or refuse).
    pub tenants: BTreeMap<String, String>,
}

/// The providers' file: a JSON list of these.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ProviderEntry {
    id: String,
    display_name: String,
    issuer: String,
    client_id: String,
    /// The environment variable holding the client secret.
    client_secret_env: String,
    #[serde(default)]
    email_claim: Option<String>,
    #[serde(default)]
    name_claim: Option<String>,
    #[serde(default)]
    trust_email: bool,
    #[serde(default)]
    tenants: BTreeMap<String, String>,
}

/// Reads the providers of the file `GUICHET_OIDC_PROVIDERS_FILE` names (none when unset),
/// secrets through `get`.
pub fn from_lookup(
    get: impl Fn(&str) -> Option<String>,
) -> Result<Vec<ProviderSettings>, ConfigError> {
    let Some(path) = get(FILE_VARIABLE) else {
        return Ok(Vec::new());
    };
    let problem = |problem: String| ConfigError {
        variable: FILE_VARIABLE,
        problem,
    };
    let text =
        std::fs::read_to_string(&path).map_err(|e| problem(format!("cannot read {path}: {e}")))?;
    parse(&text, get).map_err(problem)
}

/// The providers of a file's text; a problem names the provider and what is wrong.
pub fn parse(
    text: &str,
    get: impl Fn(&str) -> Option<String>,
) -> Result<Vec<ProviderSettings>, String> {
    let entries: Vec<ProviderEntry> =
        serde_json::from_str(text).map_err(|e| format!("not a list of providers: {e}"))?;
    let mut providers: Vec<ProviderSettings> = Vec::with_capacity(entries.len());
    for e in entries {
        let id = e.id.trim().to_owned();
        let valid_id = !id.is_empty()
            && id.len() <= 32
            && id
                .chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
        if !valid_id {
            return Err(format!(
                "provider id {id:?}: use 1 to 32 lowercase letters, digits and dashes"
            ));
        }
        if providers.iter().any(|p| p.id == id) {
            return Err(format!("provider id {id:?} is listed twice"));
        }
        let issuer = e.issuer.trim().trim_end_matches('/').to_owned();
        if !(issuer.starts_with("https://") || issuer.starts_with("http://")) {
            return Err(format!("provider {id}: issuer must be an http(s) URL"));
        }
        if e.client_id.trim().is_empty() || e.display_name.trim().is_empty() {
            return Err(format!(
                "provider {id}: client_id and display_name are required"
            ));
        }
        let secret = get(e.client_secret_env.trim()).ok_or_else(|| {
            format!(
                "provider {id}: the environment variable {} (its client secret) is not set",
                e.client_secret_env.trim()
            )
        })?;
        let mut tenants = BTreeMap::new();
        for (domain, tenant) in e.tenants {
            let domain = domain.trim().trim_start_matches('@').to_lowercase();
            if domain.is_empty() || !domain.contains('.') {
                return Err(format!("provider {id}: {domain:?} is not an e-mail domain"));
            }
            tenants.insert(domain, tenant.trim().to_owned());
        }
        providers.push(ProviderSettings {
            id,
            display_name: e.display_name.trim().to_owned(),
            issuer,
            client_id: e.client_id.trim().to_owned(),
            client_secret: Secret::new(secret),
            email_claim: e.email_claim.unwrap_or_else(|| "email".to_owned()),
            name_claim: e.name_claim.unwrap_or_else(|| "name".to_owned()),
            trust_email: e.trust_email,
            tenants,
        });
    }
    Ok(providers)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(name: &str) -> Option<String> {
        (name == "IDP_SECRET").then(|| "s3cret".to_owned())
    }

    #[test]
    fn a_provider_reads_its_secret_from_the_environment_and_defaults_its_claims() {
        let text = r#"[{"id": "renater", "display_name": "RENATER", "issuer": "https://idp.example/",
            "client_id": "guichet", "client_secret_env": "IDP_SECRET",
            "tenants": {"@Univ-Exemple.fr": "univ-exemple"}}]"#;
        let p = &parse(text, env).unwrap()[0];
        assert_eq!(p.issuer, "https://idp.example");
        assert_eq!(p.client_secret.expose(), "s3cret");
        assert_eq!(
            (p.email_claim.as_str(), p.name_claim.as_str()),
            ("email", "name")
        );
        assert!(!p.trust_email);
        assert_eq!(
            p.tenants.get("univ-exemple.fr").map(String::as_str),
            Some("univ-exemple")
        );
        assert!(
            !format!("{p:?}").contains("s3cret"),
            "the secret is never printed"
        );
    }

    #[test]
    fn a_bad_file_names_the_provider_and_the_problem() {
        let base = |id: &str, issuer: &str, secret: &str| {
            format!(
                r#"[{{"id": "{id}", "display_name": "X", "issuer": "{issuer}", "client_id": "c", "client_secret_env": "{secret}"}}]"#
            )
        };
        let problem = |text: &str| parse(text, env).unwrap_err();
        assert!(problem(&base("Bad Id", "https://x", "IDP_SECRET")).contains("lowercase"));
        assert!(problem(&base("x", "ftp://x", "IDP_SECRET")).contains("issuer"));
        assert!(problem(&base("x", "https://x", "MISSING")).contains("MISSING"));
        assert!(problem("{}").contains("list"));
        assert!(problem(r#"[{"id": "x", "surprise": 1}]"#).contains("surprise"));
    }
}
