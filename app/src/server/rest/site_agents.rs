//! Platform admins' routes for site agents (register, list, rotate, revoke) and a quota's usage
//! for whoever may read the quota: the same services as the pages.

use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    body::{JsonBody, PathParam},
    caller::Caller,
    problem::{ApiResult, Problem},
};
use crate::server::{db::now_unix, site_agents, state::AppState, time_zone::PersonZone, usage};
use crate::wire::site_agents::{AgentCredential, AgentForm};
use crate::wire::usage::QuotaUsage;

/// A registered agent (never its secret).
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAgent {
    pub id: i64,
    pub site: String,
    pub name: String,
    pub cluster: String,
    pub lead_days: u32,
    pub prefix: String,
    /// Unix seconds.
    pub created_at: i64,
    pub last_used_at: Option<i64>,
    pub last_used_ip: Option<String>,
    pub revoked: bool,
}

/// An agent's credential, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiAgentCredential {
    pub id: i64,
    pub name: String,
    pub site: String,
    /// `gsa_…`: keep it; it is never shown again.
    pub secret: String,
}

impl From<AgentCredential> for ApiAgentCredential {
    fn from(c: AgentCredential) -> Self {
        Self {
            id: c.id,
            name: c.name,
            site: c.site,
            secret: c.secret,
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AgentBody {
    /// The site's slug.
    pub site: String,
    pub name: String,
    /// The scheduler's cluster name (Slurm's `ClusterName`).
    pub cluster: String,
    /// Days before a quota's start when its account is prepared (0 to 90; 7 when absent).
    #[schema(minimum = 0, maximum = 90)]
    pub lead_days: Option<u32>,
}

/// Every site agent.
#[utoipa::path(get, path = "/admin/site-agents", tag = "site agents",
    responses((status = 200, description = "The agents, newest first", body = Vec<ApiAgent>)),
    security(("bearer" = [])))]
pub async fn list_agents(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ApiAgent>>> {
    let admin = caller.0.as_platform_admin(false)?;
    let page = site_agents::page(&state, &admin, &PersonZone::default_zone()).await?;
    Ok(Json(
        page.agents
            .into_iter()
            .map(|a| ApiAgent {
                id: a.id,
                site: a.site,
                name: a.name,
                cluster: a.cluster,
                lead_days: a.lead_days,
                prefix: a.prefix,
                created_at: a.created.unix,
                last_used_at: a.last_used.as_ref().map(|at| at.unix),
                last_used_ip: a.last_used_ip,
                revoked: a.revoked,
            })
            .collect(),
    ))
}

/// Registers an agent for one site; its secret is in the answer, once.
#[utoipa::path(post, path = "/admin/site-agents", tag = "site agents",
    request_body = AgentBody,
    responses((status = 201, description = "The agent and its secret", body = ApiAgentCredential)),
    security(("bearer" = [])))]
pub async fn register_agent(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<AgentBody>,
) -> ApiResult<(StatusCode, Json<ApiAgentCredential>)> {
    let admin = caller.0.as_platform_admin(true)?;
    let input = AgentForm {
        site: body.site,
        name: body.name,
        cluster: body.cluster,
        lead_days: body.lead_days.map(|d| d.to_string()).unwrap_or_default(),
    }
    .parse()?;
    let made = site_agents::register(&state, &admin, &input, None).await?;
    Ok((StatusCode::CREATED, Json(made.into())))
}

/// Gives an agent a new secret (in the answer, once); the old one stops working at once.
#[utoipa::path(post, path = "/admin/site-agents/{id}/rotate", tag = "site agents",
    params(("id" = i64, Path, description = "The agent")),
    responses(
        (status = 200, description = "The new secret", body = ApiAgentCredential),
        (status = 404, description = "No such live agent", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn rotate_agent(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Json<ApiAgentCredential>> {
    let admin = caller.0.as_platform_admin(true)?;
    Ok(Json(
        site_agents::rotate(&state, &admin, id, None).await?.into(),
    ))
}

/// Revokes an agent: its secret stops working.
#[utoipa::path(delete, path = "/admin/site-agents/{id}", tag = "site agents",
    params(("id" = i64, Path, description = "The agent")),
    responses(
        (status = 204, description = "Revoked"),
        (status = 404, description = "No such agent", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn revoke_agent(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
) -> ApiResult<StatusCode> {
    let admin = caller.0.as_platform_admin(true)?;
    site_agents::revoke(&state, &admin, id, None).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A quota's GPU-hours used against its budget: per day with the pace line, the day the budget
/// runs out at the current pace, and (owners, auditors, admins) per person.
#[utoipa::path(get, path = "/quotas/{id}/usage", tag = "quotas",
    params(("id" = i64, Path, description = "The quota (its request id)")),
    responses(
        (status = 200, description = "Its use", content_type = "application/json"),
        (status = 404, description = "No such quota for this caller", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn quota_usage(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(id): PathParam<i64>,
) -> ApiResult<Json<QuotaUsage>> {
    let viewer = caller.viewer(&state).await?;
    Ok(Json(
        usage::quota_usage(&state, &viewer, id, now_unix()).await?,
    ))
}
