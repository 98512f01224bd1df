//! Server functions of site agents (platform admins), a person's logins at sites, and usage;
//! each parses its input, then calls `crate::server::{site_agents, usage}`.

use leptos::prelude::*;

use super::types::{AgentCredential, AgentsPage, SiteLogin};
use crate::error::AppError;
use crate::wire::usage::{PoolUse, QuotaUsage};

#[cfg(feature = "ssr")]
fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.trim().parse::<i64>().map_err(|_| AppError::NotFound)
}

/// Every agent, and the sites one may be registered for.
#[server(prefix = "/api", endpoint = "list_site_agents")]
pub async fn list_site_agents() -> Result<AgentsPage, AppError> {
    use crate::server::{admin_request, error::respond, site_agents, time_zone};
    let (ctx, admin) = admin_request().await?;
    let zone = respond(time_zone::of_person(&ctx.state, admin.user_id()).await)?;
    respond(site_agents::page(&ctx.state, &admin, &zone).await)
}

/// Registers an agent for a site; its credential, shown once.
#[server(prefix = "/api", endpoint = "register_site_agent")]
pub async fn register_site_agent(
    #[server(default)] site: String,
    #[server(default)] name: String,
    #[server(default)] cluster: String,
    #[server(default)] lead_days: String,
) -> Result<AgentCredential, AppError> {
    use super::types::AgentForm;
    use crate::server::{admin_request, error::respond, site_agents};
    let (ctx, admin) = admin_request().await?;
    let input = respond(
        AgentForm {
            site,
            name,
            cluster,
            lead_days,
        }
        .parse(),
    )?;
    respond(site_agents::register(&ctx.state, &admin, &input, ctx.client_ip.as_deref()).await)
}

/// Gives an agent a new credential, shown once; the old one stops working.
#[server(prefix = "/api", endpoint = "rotate_site_agent")]
pub async fn rotate_site_agent(id: String) -> Result<AgentCredential, AppError> {
    use crate::server::{admin_request, error::respond, site_agents};
    let (ctx, admin) = admin_request().await?;
    let id = respond(parse_id(&id))?;
    respond(site_agents::rotate(&ctx.state, &admin, id, ctx.client_ip.as_deref()).await)
}

/// Revokes an agent's credential.
#[server(prefix = "/api", endpoint = "revoke_site_agent")]
pub async fn revoke_site_agent(id: String) -> Result<(), AppError> {
    use crate::server::{admin_request, error::respond, site_agents};
    let (ctx, admin) = admin_request().await?;
    let id = respond(parse_id(&id))?;
    respond(site_agents::revoke(&ctx.state, &admin, id, ctx.client_ip.as_deref()).await)
}

/// The signed-in person's logins at sites.
#[server(prefix = "/api", endpoint = "my_site_logins")]
pub async fn my_site_logins() -> Result<Vec<SiteLogin>, AppError> {
    use crate::server::{error::respond, request_context, site_agents};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(site_agents::logins(&ctx.state, &user).await)
}

/// Sets (or, empty, clears) the signed-in person's login at a site.
#[server(prefix = "/api", endpoint = "set_site_login")]
pub async fn set_site_login(
    #[server(default)] site: String,
    #[server(default)] login: String,
) -> Result<(), AppError> {
    use crate::server::{error::respond, request_context, site_agents};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(site_agents::set_login(&ctx.state, &user, &site, &login).await)
}

/// A quota's use against its budget, as the caller may see it.
#[server(prefix = "/api", endpoint = "quota_usage")]
pub async fn get_quota_usage(id: String) -> Result<QuotaUsage, AppError> {
    use crate::server::{db::now_unix, error::respond, requests, usage};
    let (ctx, viewer) = requests::viewer_request(requests::ViewerOrder::TenantFirst).await?;
    let id = respond(parse_id(&id))?;
    respond(usage::quota_usage(&ctx.state, &viewer, id, now_unix()).await)
}

/// Granted against used per site and model over the last `days` days (30 by default, at most
/// 366), for platform admins.
#[server(prefix = "/api", endpoint = "usage_pools")]
pub async fn get_usage_pools(#[server(default)] days: String) -> Result<Vec<PoolUse>, AppError> {
    use crate::server::{admin_request, error::respond, requests::today, usage};
    let (ctx, admin) = admin_request().await?;
    let days = days.trim().parse::<i64>().unwrap_or(30).clamp(1, 366);
    let to = today() + time::Duration::days(1);
    let from = to - time::Duration::days(days);
    respond(usage::pools(&ctx.state, &admin, from, to).await)
}
