//! Server functions of projects. Each opens with its caller's check, parses its input into
//! domain values (every field's error at once), then calls `crate::server::projects`.

use leptos::prelude::*;

use super::types::{ProjectDetail, ProjectsView};
use crate::error::AppError;

/// The projects the caller sees in the active tenant (every one for owners and auditors, their
/// own for members), and who endorses. Any role.
#[server(prefix = "/api", endpoint = "list_projects")]
pub async fn list_projects() -> Result<ProjectsView, AppError> {
    use crate::server::{error::respond, projects, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Read).await?;
    respond(projects::list(&ctx.state, &actor).await)
}

/// A project's page; a project the caller does not see is not found. Any role.
#[server(prefix = "/api", endpoint = "project")]
pub async fn get_project(#[server(default)] id: String) -> Result<ProjectDetail, AppError> {
    use crate::server::{error::respond, projects, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Read).await?;
    let id = respond(id.trim().parse::<i64>().map_err(|_| AppError::NotFound))?;
    respond(projects::detail(&ctx.state, &actor, id).await)
}

/// Creates a project, led by its creator. Owners only.
#[server(prefix = "/api", endpoint = "create_project")]
pub async fn create_project(
    #[server(default)] code: String,
    #[server(default)] title: String,
    #[server(default)] description: String,
    #[server(default)] sector: String,
    #[server(default)] start_date: String,
    #[server(default)] end_date: String,
) -> Result<i64, AppError> {
    use super::types::ProjectForm;
    use crate::server::{error::respond, projects, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Own).await?;
    let fields = respond(
        ProjectForm {
            code,
            title,
            description,
            sector,
            start_date,
            end_date,
        }
        .parse(),
    )?;
    let id =
        respond(projects::create(&ctx.state, &actor, &fields, ctx.client_ip.as_deref()).await)?;
    leptos_axum::redirect(&format!("/projects/{id}"));
    Ok(id)
}

/// Changes a project's title, description, sector and dates (its short name stays). Owners and
/// the project's lead.
#[server(prefix = "/api", endpoint = "update_project")]
pub async fn update_project(
    #[server(default)] id: i64,
    #[server(default)] title: String,
    #[server(default)] description: String,
    #[server(default)] sector: String,
    #[server(default)] start_date: String,
    #[server(default)] end_date: String,
) -> Result<(), AppError> {
    use super::types::ProjectForm;
    use crate::server::{error::respond, projects, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Write).await?;
    // The short name cannot change: a placeholder that parses stands in for it.
    let fields = respond(
        ProjectForm {
            code: "unchanged".into(),
            title,
            description,
            sector,
            start_date,
            end_date,
        }
        .parse(),
    )?;
    respond(projects::update(&ctx.state, &actor, id, &fields, ctx.client_ip.as_deref()).await)
}

/// Adds a person of the organisation to a project, or changes their project role. Owners and
/// the project's lead.
#[server(prefix = "/api", endpoint = "set_project_member")]
pub async fn set_project_member(
    #[server(default)] project_id: i64,
    #[server(default)] email: String,
    #[server(default)] role: String,
) -> Result<(), AppError> {
    use super::types::NewProjectMember;
    use crate::server::{error::respond, projects, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Write).await?;
    let new = respond(NewProjectMember::parse(&email, &role))?;
    respond(
        projects::set_member(
            &ctx.state,
            &actor,
            project_id,
            &new,
            ctx.client_ip.as_deref(),
        )
        .await,
    )
}

/// Takes a person out of a project (not its lead). Owners and the project's lead.
#[server(prefix = "/api", endpoint = "remove_project_member")]
pub async fn remove_project_member(
    #[server(default)] project_id: i64,
    #[server(default)] user_id: i64,
) -> Result<(), AppError> {
    use crate::server::{error::respond, projects, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Write).await?;
    respond(
        projects::remove_member(
            &ctx.state,
            &actor,
            project_id,
            user_id,
            ctx.client_ip.as_deref(),
        )
        .await,
    )
}

/// Sets who endorses the organisation's requests: owners only, or project leads too. Owners
/// only.
#[server(prefix = "/api", endpoint = "set_endorsement")]
pub async fn set_endorsement(#[server(default)] endorsement: String) -> Result<(), AppError> {
    use crate::domain::projects::EndorsementPolicy;
    use crate::error::FieldErrors;
    use crate::server::{error::respond, projects, tenant_request, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Own).await?;
    let mut errors = FieldErrors::default();
    let policy = errors.check("endorsement", EndorsementPolicy::parse(&endorsement));
    let policy = respond(errors.into_result(|| policy))?;
    respond(projects::set_endorsement(&ctx.state, &actor, policy, ctx.client_ip.as_deref()).await)
}
