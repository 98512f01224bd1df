//! Site agents: a program beside a site's scheduler, with a credential for that site only. With
//! it, an agent reads its site's desired scheduler state and posts its site's usage, nothing
//! else (the `/api/v1/agent/…` routes, and only they, take it; a personal token never opens them).
//!
//! A secret is `gsa_` and 43 URL-safe characters (256 random bits), shown once when the agent is
//! registered or its credential rotated; only its SHA-256 is stored. Platform admins register,
//! rotate and revoke agents; each is in the audit log.

use crate::i18n::td_string;
use serde_json::json;

use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{actor::AdminActor, CurrentUser},
    db::now_unix,
    error::ServiceResult,
    state::AppState,
    time_zone::PersonZone,
    token::{hash_token, looks_like_token, new_token},
};
use crate::wire::site_agents::{
    parse_scheduler_name, AgentCredential, AgentView, AgentsPage, NewAgentInput, SiteLogin,
};

pub mod repo;

/// What every agent secret starts with.
pub const SECRET_PREFIX: &str = "gsa_";

/// A use is written down at most this often per agent (seconds), unless the address changed.
const TOUCH_EVERY: i64 = 60;

/// An authenticated agent: proof that the caller holds a live credential of this site.
#[derive(Debug, Clone)]
pub struct SiteAgent {
    pub agent_id: i64,
    pub site_id: i64,
    pub site: String,
    pub cluster: String,
    pub lead_days: u32,
}

impl SiteAgent {
    /// The agent, if it is one of `site` (by slug); otherwise not found, as for a site it cannot
    /// know.
    pub fn of_site(&self, site: &str) -> Result<&Self, AppError> {
        if self.site == site {
            Ok(self)
        } else {
            Err(AppError::NotFound)
        }
    }
}

fn fresh_secret() -> (String, String, String) {
    let secret = format!("{SECRET_PREFIX}{}", new_token());
    let prefix: String = secret.chars().take(10).collect();
    let hash = hash_token(&secret);
    (secret, prefix, hash)
}

/// Every agent, and the sites one may be registered for.
pub async fn page(
    state: &AppState,
    _admin: &AdminActor,
    zone: &PersonZone,
) -> ServiceResult<AgentsPage> {
    // Platform scope: agents and sites are the platform's.
    let mut tx = state.db.platform_tx().await?;
    let rows = repo::list(&mut tx).await?;
    let sites = repo::sites(&mut tx).await?;
    tx.commit().await?;
    Ok(AgentsPage {
        agents: rows
            .into_iter()
            .map(|r| AgentView {
                id: r.id,
                site: r.site,
                site_name: r.site_name,
                name: r.name,
                cluster: r.cluster,
                lead_days: u32::try_from(r.lead_days).unwrap_or(0),
                prefix: r.prefix,
                created: zone.at(r.created_at),
                last_used: r.last_used_at.map(|at| zone.at(at)),
                last_used_ip: r.last_used_ip,
                revoked: r.revoked_at.is_some(),
            })
            .collect(),
        sites: sites
            .into_iter()
            .map(|(_, slug, name)| (slug, name))
            .collect(),
    })
}

/// Registers an agent for one site; its secret, shown once. An unknown site is a field error.
pub async fn register(
    state: &AppState,
    admin: &AdminActor,
    input: &NewAgentInput,
    ip: Option<&str>,
) -> ServiceResult<AgentCredential> {
    let mut tx = state.db.platform_write_tx().await?;
    let site = repo::sites(&mut tx)
        .await?
        .into_iter()
        .find(|(_, slug, _)| slug == input.site.as_str())
        .ok_or_else(|| {
            AppError::validation(
                "site",
                td_string!(crate::locale::current(), server.no_such_site),
            )
        })?;
    let (secret, prefix, hash) = fresh_secret();
    let id = repo::insert(
        &mut tx,
        site.0,
        &input.name,
        &input.cluster,
        input.lead_days,
        &prefix,
        &hash,
        admin.user_id(),
        now_unix(),
    )
    .await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("site_agent_registered")
            .actor(admin.user_id(), admin.email())
            .ip(ip)
            .detail(json!({
                "agent_id": id, "site": site.1, "name": input.name,
                "cluster": input.cluster, "lead_days": input.lead_days,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(AgentCredential {
        id,
        name: input.name.clone(),
        site: site.1,
        secret,
    })
}

/// Gives agent `id` a new secret, shown once; the old one stops working at once. A revoked or
/// unknown agent is not found.
pub async fn rotate(
    state: &AppState,
    admin: &AdminActor,
    id: i64,
    ip: Option<&str>,
) -> ServiceResult<AgentCredential> {
    let mut tx = state.db.platform_write_tx().await?;
    let agent = repo::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    let (secret, prefix, hash) = fresh_secret();
    if !repo::rotate(&mut tx, id, &prefix, &hash, now_unix()).await? {
        return Err(AppError::NotFound.into());
    }
    audit::append(
        &mut tx,
        &AuditEvent::new("site_agent_rotated")
            .actor(admin.user_id(), admin.email())
            .ip(ip)
            .detail(json!({ "agent_id": id, "site": agent.site, "name": agent.name })),
    )
    .await?;
    tx.commit().await?;
    Ok(AgentCredential {
        id,
        name: agent.name,
        site: agent.site,
        secret,
    })
}

/// Revokes agent `id`; revoking twice changes nothing.
pub async fn revoke(
    state: &AppState,
    admin: &AdminActor,
    id: i64,
    ip: Option<&str>,
) -> ServiceResult<()> {
    let mut tx = state.db.platform_write_tx().await?;
    let agent = repo::find(&mut tx, id).await?.ok_or(AppError::NotFound)?;
    if repo::revoke(&mut tx, id, now_unix()).await? {
        audit::append(
            &mut tx,
            &AuditEvent::new("site_agent_revoked")
                .actor(admin.user_id(), admin.email())
                .ip(ip)
                .detail(json!({ "agent_id": id, "site": agent.site, "name": agent.name })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Whether an `Authorization` header carries an agent's secret (so a personal-token route can
/// say "not here" rather than "who are you").
pub fn is_agent_secret(authorization: Option<&str>) -> bool {
    authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .is_some_and(|s| s.trim().starts_with(SECRET_PREFIX))
}

/// The agent behind an `Authorization` header: `Unauthenticated` for none, another scheme, a
/// malformed, unknown or revoked secret; `Forbidden` for a personal token (it is not an agent).
pub async fn authenticate(
    state: &AppState,
    authorization: Option<&str>,
    ip: Option<&str>,
) -> ServiceResult<SiteAgent> {
    let bearer = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .ok_or(AppError::Unauthenticated)?;
    if bearer.starts_with(crate::server::api_tokens::SECRET_PREFIX) {
        return Err(AppError::Forbidden.into());
    }
    let secret = bearer
        .strip_prefix(SECRET_PREFIX)
        .filter(|rest| looks_like_token(rest))
        .map(|_| bearer)
        .ok_or(AppError::Unauthenticated)?;
    // Platform scope: an agent is found by its hash before any scope is known.
    let mut conn = state.db.acquire().await?;
    let agent = repo::find_live_by_hash(&mut conn, &hash_token(secret))
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let now = now_unix();
    let stale = agent.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY);
    if stale || agent.last_used_ip.as_deref() != ip {
        repo::touch(&mut conn, agent.id, now, ip).await?;
    }
    Ok(SiteAgent {
        agent_id: agent.id,
        site_id: agent.site_id,
        site: agent.site,
        cluster: agent.cluster,
        lead_days: u32::try_from(agent.lead_days).unwrap_or(0),
    })
}

/// The person's logins, one line per site.
pub async fn logins(state: &AppState, user: &CurrentUser) -> ServiceResult<Vec<SiteLogin>> {
    // A person's own logins and the site list: platform data, read for that person only.
    let mut tx = state.db.platform_tx().await?;
    let rows = repo::logins_of(&mut tx, user.user_id()).await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(|(site, site_name, login)| SiteLogin {
            site,
            site_name,
            login: login.unwrap_or_default(),
        })
        .collect())
}

/// Sets (or, empty, clears) the person's login at `site`. A login another person holds at that
/// site is a field error (a Slurm user is one person).
pub async fn set_login(
    state: &AppState,
    user: &CurrentUser,
    site: &str,
    login: &str,
) -> ServiceResult<()> {
    let login = if login.trim().is_empty() {
        None
    } else {
        Some(parse_scheduler_name(login, "login").map_err(|e| AppError::validation("login", e))?)
    };
    let mut tx = state.db.platform_write_tx().await?;
    let site_id = repo::sites(&mut tx)
        .await?
        .into_iter()
        .find(|(_, slug, _)| slug == site)
        .map(|(id, _, _)| id)
        .ok_or_else(|| {
            AppError::validation(
                "site",
                td_string!(crate::locale::current(), server.no_such_site),
            )
        })?;
    if let Some(login) = &login {
        if repo::login_holder(&mut tx, site_id, login)
            .await?
            .is_some_and(|holder| holder != user.user_id())
        {
            return Err(AppError::validation(
                "login",
                td_string!(crate::locale::current(), server.login_given_by_someone_else),
            )
            .into());
        }
    }
    repo::set_login(&mut tx, user.user_id(), site_id, login.as_deref()).await?;
    tx.commit().await?;
    Ok(())
}
