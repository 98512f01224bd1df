//! The projects of the token's tenant the person sees (members: their own), through the
//! projects page's service: what a program needs to ask for GPUs in the right one.

use axum::{extract::State, Json};
use serde::Serialize;
use utoipa::ToSchema;

use super::{caller::Caller, problem::ApiResult};
use crate::server::{projects, state::AppState, TenantAccess};

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiProject {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub sector: String,
    #[schema(format = Date)]
    pub start_date: String,
    /// The first day no longer in the project, if it ends.
    #[schema(format = Date)]
    pub end_date: Option<String>,
    pub lead: Option<String>,
    /// The person's role in it (`lead`, `member`, `viewer`), if they belong to it.
    pub role: Option<String>,
    /// Whether the person may ask for GPUs in it (with a write token).
    pub may_request: bool,
    pub archived: bool,
}

/// The projects the token's person sees: every project of the tenant for owners and auditors,
/// their own for members.
#[utoipa::path(get, path = "/projects", tag = "requests",
    responses((status = 200, description = "The projects", body = [ApiProject])),
    security(("bearer" = [])))]
pub async fn list_projects(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Vec<ApiProject>>> {
    let actor = caller.0.in_tenant(&state, TenantAccess::Read).await?;
    let view = projects::list(&state, &actor).await?;
    Ok(Json(
        view.projects
            .into_iter()
            .map(|p| ApiProject {
                may_request: !p.archived && actor.rights_in(p.id, p.your_role).may_request(),
                id: p.id,
                code: p.code,
                title: p.title,
                sector: p.sector.as_str().to_owned(),
                start_date: p.start_date,
                end_date: p.end_date,
                lead: p.lead_name,
                role: p.your_role.map(|r| r.as_str().to_owned()),
                archived: p.archived,
            })
            .collect(),
    ))
}
