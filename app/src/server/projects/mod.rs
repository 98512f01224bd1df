//! Projects inside a tenant (issue 12, point 1): the services behind the projects pages and the
//! request form's choice of project.
//!
//! What a person may do in a project is decided by `domain::projects::ProjectRights` from their
//! tenant role and their project role; what they see is bounded by their actor's scope
//! (`TenantActor::scope`), which every query here takes first. A project a member is not in
//! answers *not found*, as another tenant's does.

pub mod repo;

use crate::i18n::td_string;
use serde_json::json;
use sqlx::AnyConnection;

use crate::domain::{
    dates::iso_date,
    projects::{EndorsementPolicy, ProjectRights, ProjectRole},
    tenancy::TenantRole,
};
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::TenantActor,
    db::TenantScope,
    error::ServiceResult,
    state::AppState,
};
use crate::wire::projects::{
    Candidate, NewProjectMember, ProjectDetail, ProjectFields, ProjectMemberView, ProjectOption,
    ProjectSummary, ProjectsView,
};

/// A tenant member's projects and their role in each, read when their actor is made. The
/// lookup reads the member's own rows across the tenant's projects, before their scope is known,
/// so its transaction reaches the whole tenant and runs this one query.
pub async fn memberships_of(
    state: &AppState,
    tenant_id: i64,
    user_id: i64,
) -> ServiceResult<Vec<(i64, ProjectRole)>> {
    let mut tx = state
        .db
        .tenant_tx(&TenantScope::whole_tenant(tenant_id))
        .await?;
    let grants = repo::memberships_of(&mut tx, tenant_id, user_id).await?;
    tx.commit().await?;
    Ok(grants)
}

fn summary(
    p: &repo::ProjectRecord,
    actor: &TenantActor,
    listed: Option<ProjectRole>,
) -> ProjectSummary {
    ProjectSummary {
        id: p.id,
        code: p.code.clone(),
        title: p.title.clone(),
        sector: p.sector,
        start_date: iso_date(p.start),
        end_date: p.end.map(iso_date),
        lead_name: p.lead_name.clone(),
        your_role: actor.project_role(p.id).or(listed),
        members: p.members,
        open_requests: p.open_requests,
        quotas: p.quotas,
        archived: p.archived,
    }
}

/// The projects the actor sees (all of the tenant's for owners and auditors; their own for a
/// member), and the tenant's endorsement setting.
pub async fn list(state: &AppState, actor: &TenantActor) -> ServiceResult<ProjectsView> {
    let scope = actor.scope();
    let mut tx = state.db.tenant_tx(&scope).await?;
    let projects = repo::list(&mut tx, &scope).await?;
    let endorsement = repo::endorsement(&mut tx, actor.tenant_id()).await?;
    let mine = repo::memberships_of(&mut tx, actor.tenant_id(), actor.user_id()).await?;
    tx.commit().await?;
    let listed = |id| mine.iter().find(|(p, _)| *p == id).map(|(_, r)| *r);
    Ok(ProjectsView {
        projects: projects
            .iter()
            .map(|p| summary(p, actor, listed(p.id)))
            .collect(),
        may_create: actor.role() == TenantRole::Owner,
        endorsement,
        only_yours: scope.member.is_some(),
        tenant_role: actor.role(),
    })
}

/// A project the actor sees, or *not found*.
async fn find(
    conn: &mut AnyConnection,
    actor: &TenantActor,
    id: i64,
) -> ServiceResult<(repo::ProjectRecord, ProjectRights)> {
    let project = repo::find(conn, &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let listed = repo::memberships_of(conn, actor.tenant_id(), actor.user_id())
        .await?
        .into_iter()
        .find(|(p, _)| *p == id)
        .map(|(_, r)| r);
    Ok((project, actor.rights_in(id, listed)))
}

/// One project's page.
pub async fn detail(
    state: &AppState,
    actor: &TenantActor,
    id: i64,
) -> ServiceResult<ProjectDetail> {
    let scope = actor.scope();
    let mut tx = state.db.tenant_tx(&scope).await?;
    let (project, rights) = find(&mut tx, actor, id).await?;
    let members = repo::members(&mut tx, &scope, id).await?;
    let candidates = if rights.may_manage() {
        repo::candidates(&mut tx, &scope, id).await?
    } else {
        Vec::new()
    };
    tx.commit().await?;
    Ok(ProjectDetail {
        summary: summary(&project, actor, rights.project_role),
        description: project.description,
        members: members
            .into_iter()
            .map(|m| ProjectMemberView {
                is_you: m.user_id == actor.user_id(),
                user_id: m.user_id,
                name: m.name,
                email: m.email,
                role: m.role,
            })
            .collect(),
        may_manage: rights.may_manage(),
        may_request: rights.may_request() && !project.archived,
        candidates: candidates
            .into_iter()
            .map(|(user_id, name, email)| Candidate {
                user_id,
                name,
                email,
            })
            .collect(),
        tenant_role: actor.role(),
    })
}

/// Creates a project, led by the owner who creates it until they name another lead. Owners only
/// (the caller holds an owner's actor).
pub async fn create(
    state: &AppState,
    owner: &TenantActor,
    fields: &ProjectFields,
    client_ip: Option<&str>,
) -> ServiceResult<i64> {
    if owner.role() != TenantRole::Owner {
        return Err(AppError::Forbidden.into());
    }
    let mut tx = state.db.tenant_write_tx(&owner.scope()).await?;
    if repo::code_taken(&mut tx, owner.tenant_id(), fields.code.as_str()).await? {
        return Err(AppError::validation(
            "code",
            crate::domain::format::fill(
                td_string!(crate::locale::current(), server.project_code_taken),
                &[("code", &fields.code)],
            ),
        )
        .into());
    }
    let id = repo::insert(&mut tx, owner.tenant_id(), fields, owner.user_id()).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("project_created")
            .actor(owner.user_id(), owner.email())
            .tenant(owner.tenant_id())
            .ip(client_ip)
            .detail(json!({ "project_id": id, "code": fields.code.as_str(), "title": fields.title.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok(id)
}

/// Changes a project's title, description, sector and dates: owners and its lead.
pub async fn update(
    state: &AppState,
    actor: &TenantActor,
    id: i64,
    fields: &ProjectFields,
    client_ip: Option<&str>,
) -> ServiceResult<()> {
    let mut tx = state.db.tenant_write_tx(&actor.scope()).await?;
    let (_, rights) = find(&mut tx, actor, id).await?;
    if !rights.may_manage() {
        return Err(AppError::Forbidden.into());
    }
    repo::update(&mut tx, actor.tenant_id(), id, fields).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("project_updated")
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(client_ip)
            .detail(json!({ "project_id": id, "title": fields.title.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Adds a person of the tenant to a project with a role, or changes their role there: owners and
/// the project's lead. Auditors join no project; a new lead takes the former lead's place (who
/// stays a member).
pub async fn set_member(
    state: &AppState,
    actor: &TenantActor,
    project_id: i64,
    new: &NewProjectMember,
    client_ip: Option<&str>,
) -> ServiceResult<()> {
    let mut tx = state.db.tenant_write_tx(&actor.scope()).await?;
    let (project, rights) = find(&mut tx, actor, project_id).await?;
    if !rights.may_manage() {
        return Err(AppError::Forbidden.into());
    }
    let Some((user_id, tenant_role)) =
        repo::tenant_person_by_email(&mut tx, actor.tenant_id(), new.email.as_str()).await?
    else {
        return Err(AppError::validation(
            "email",
            td_string!(crate::locale::current(), server.nobody_with_address),
        )
        .into());
    };
    if project.lead_user_id == Some(user_id) && new.role != ProjectRole::Lead {
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.lead_answers_name_another
        ))
        .into());
    }
    if tenant_role == TenantRole::Auditor {
        return Err(AppError::validation(
            "email",
            td_string!(crate::locale::current(), server.auditors_join_none),
        )
        .into());
    }
    repo::set_member(&mut tx, actor.tenant_id(), project_id, user_id, new.role).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("project_member_set")
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(client_ip)
            .detail(json!({ "project_id": project_id, "user_id": user_id, "email": new.email.as_str(), "role": new.role.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Takes a person out of a project: owners and the project's lead. The lead stays until another
/// is named (a project answers to someone).
pub async fn remove_member(
    state: &AppState,
    actor: &TenantActor,
    project_id: i64,
    user_id: i64,
    client_ip: Option<&str>,
) -> ServiceResult<()> {
    let scope = actor.scope();
    let mut tx = state.db.tenant_write_tx(&scope).await?;
    let (project, rights) = find(&mut tx, actor, project_id).await?;
    if !rights.may_manage() {
        return Err(AppError::Forbidden.into());
    }
    if project.lead_user_id == Some(user_id) {
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.lead_answers_before_removing
        ))
        .into());
    }
    if !repo::remove_member(&mut tx, actor.tenant_id(), project_id, user_id).await? {
        return Err(AppError::NotFound.into());
    }
    audit::append(
        &mut tx,
        &AuditEvent::new("project_member_removed")
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(client_ip)
            .detail(json!({ "project_id": project_id, "user_id": user_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Sets who endorses the tenant's requests. Owners only.
pub async fn set_endorsement(
    state: &AppState,
    owner: &TenantActor,
    policy: EndorsementPolicy,
    client_ip: Option<&str>,
) -> ServiceResult<()> {
    if owner.role() != TenantRole::Owner {
        return Err(AppError::Forbidden.into());
    }
    let mut tx = state.db.tenant_write_tx(&owner.scope()).await?;
    repo::set_endorsement(&mut tx, owner.tenant_id(), policy).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("endorsement_changed")
            .actor(owner.user_id(), owner.email())
            .tenant(owner.tenant_id())
            .ip(client_ip)
            .detail(json!({ "endorsement": policy.as_str() })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The live projects the actor may ask for GPUs in, for the request form.
pub async fn requestable(
    conn: &mut AnyConnection,
    actor: &TenantActor,
) -> ServiceResult<Vec<ProjectOption>> {
    let projects = repo::list(conn, &actor.scope()).await?;
    Ok(projects
        .into_iter()
        .filter(|p| !p.archived && actor.rights_in(p.id, None).may_request())
        .map(|p| ProjectOption {
            id: p.id,
            code: p.code,
            title: p.title,
        })
        .collect())
}

/// The project a new request goes to: the one chosen, when the actor may ask for GPUs in it, or,
/// when none was chosen, the only one they may (else a field error asking to choose).
pub async fn project_for_request(
    conn: &mut AnyConnection,
    actor: &TenantActor,
    chosen: Option<i64>,
) -> ServiceResult<i64> {
    let open = requestable(conn, actor).await?;
    match chosen {
        Some(id) if open.iter().any(|p| p.id == id) => Ok(id),
        Some(_) => Err(AppError::validation(
            "project",
            td_string!(crate::locale::current(), server.choose_one_of_your_projects),
        )
        .into()),
        None => match open.as_slice() {
            [only] => Ok(only.id),
            [] => Err(AppError::validation(
                "project",
                td_string!(crate::locale::current(), server.belong_to_no_project),
            )
            .into()),
            _ => Err(AppError::validation(
                "project",
                td_string!(crate::locale::current(), server.choose_project_for_request),
            )
            .into()),
        },
    }
}
