//! Every SQL statement of projects. Each takes the tenant scope first ([`TenantScope`]) and
//! filters on the tenant, and, for a tenant member, on their own projects
//! ([`crate::server::db::project_filter`]): another tenant's project, or a project the member is
//! not in, is `None`, as if it did not exist.

use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::domain::{
    dates::{iso_date, parse_iso_date},
    identity::Sector,
    projects::{EndorsementPolicy, ProjectRole},
    tenancy::TenantRole,
};
use crate::server::db::{now_unix, project_filter, TenantScope};
use crate::wire::projects::ProjectFields;

fn decode<T>(what: &str, r: Result<T, String>) -> Result<T, sqlx::Error> {
    r.map_err(|e| sqlx::Error::Decode(format!("project {what}: {e}").into()))
}

/// A project as stored, with its lead and counts.
#[derive(Debug, Clone)]
pub struct ProjectRecord {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub description: String,
    pub sector: Sector,
    pub start: Date,
    pub end: Option<Date>,
    pub archived: bool,
    pub lead_user_id: Option<i64>,
    pub lead_name: Option<String>,
    pub members: i64,
    pub open_requests: i64,
    pub quotas: i64,
}

#[derive(FromRow)]
struct Stored {
    id: i64,
    code: String,
    title: String,
    description: String,
    sector: String,
    start_date: String,
    end_date: Option<String>,
    archived_at: Option<i64>,
    lead_user_id: Option<i64>,
    lead_name: Option<String>,
    members: i64,
    open_requests: i64,
    quotas: i64,
}

impl TryFrom<Stored> for ProjectRecord {
    type Error = sqlx::Error;

    fn try_from(s: Stored) -> Result<Self, Self::Error> {
        let date = |text: &str| {
            decode(
                "date",
                parse_iso_date(text).ok_or_else(|| format!("“{text}” is not a date")),
            )
        };
        Ok(Self {
            id: s.id,
            sector: decode("sector", Sector::parse(&s.sector))?,
            start: date(&s.start_date)?,
            end: s.end_date.as_deref().map(date).transpose()?,
            code: s.code,
            title: s.title,
            description: s.description,
            archived: s.archived_at.is_some(),
            lead_user_id: s.lead_user_id,
            lead_name: s.lead_name,
            members: s.members,
            open_requests: s.open_requests,
            quotas: s.quotas,
        })
    }
}

const SELECT: &str =
    "SELECT p.id, p.code, p.title, p.description, p.sector, p.start_date, p.end_date, \
     p.archived_at, l.user_id AS lead_user_id, lu.name AS lead_name, \
     (SELECT COUNT(*) FROM project_members c WHERE c.project_id = p.id) AS members, \
     (SELECT COUNT(*) FROM quota_requests r WHERE r.project_id = p.id \
        AND r.status IN ('submitted', 'endorsed', 'changes_requested')) AS open_requests, \
     (SELECT COUNT(*) FROM quota_requests r WHERE r.project_id = p.id \
        AND r.status IN ('approved', 'partially_approved')) AS quotas \
     FROM projects p \
     LEFT JOIN project_members l ON l.project_id = p.id AND l.role = 'lead' \
     LEFT JOIN users lu ON lu.id = l.user_id";

/// The projects the scope sees, live ones first, then by title.
pub async fn list(
    conn: &mut AnyConnection,
    scope: &TenantScope,
) -> Result<Vec<ProjectRecord>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE p.tenant_id = $1 AND {} \
         ORDER BY CASE WHEN p.archived_at IS NULL THEN 0 ELSE 1 END, LOWER(p.title), p.id",
        project_filter("p.id", 2)
    );
    let rows: Vec<Stored> = sqlx::query_as(&sql)
        .bind(scope.tenant_id)
        .bind(scope.member_user())
        .fetch_all(conn)
        .await?;
    rows.into_iter().map(ProjectRecord::try_from).collect()
}

/// One project the scope sees.
pub async fn find(
    conn: &mut AnyConnection,
    scope: &TenantScope,
    id: i64,
) -> Result<Option<ProjectRecord>, sqlx::Error> {
    let sql = format!(
        "{SELECT} WHERE p.tenant_id = $1 AND {} AND p.id = $3",
        project_filter("p.id", 2)
    );
    let row: Option<Stored> = sqlx::query_as(&sql)
        .bind(scope.tenant_id)
        .bind(scope.member_user())
        .bind(id)
        .fetch_optional(conn)
        .await?;
    row.map(ProjectRecord::try_from).transpose()
}

/// A tenant member's projects and their role in each (every project's row of theirs: the
/// caller's scope must reach the whole tenant).
pub async fn memberships_of(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
) -> Result<Vec<(i64, ProjectRole)>, sqlx::Error> {
    let rows: Vec<(i64, String)> = sqlx::query_as(
        "SELECT project_id, role FROM project_members WHERE tenant_id = $1 AND user_id = $2 \
         ORDER BY project_id",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, role)| Ok((id, decode("role", ProjectRole::parse(&role))?)))
        .collect()
}

/// A person of a project.
#[derive(Debug, Clone)]
pub struct MemberRecord {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: ProjectRole,
}

/// The people of a project (the caller found the project in its scope), lead first.
pub async fn members(
    conn: &mut AnyConnection,
    scope: &TenantScope,
    project_id: i64,
) -> Result<Vec<MemberRecord>, sqlx::Error> {
    let rows: Vec<(i64, String, String, String)> = sqlx::query_as(
        "SELECT u.id, u.name, u.email, pm.role FROM project_members pm JOIN users u ON u.id = pm.user_id \
         WHERE pm.tenant_id = $1 AND pm.project_id = $2 \
         ORDER BY CASE pm.role WHEN 'lead' THEN 0 WHEN 'member' THEN 1 ELSE 2 END, LOWER(u.name), u.id",
    )
    .bind(scope.tenant_id)
    .bind(project_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(user_id, name, email, role)| {
            Ok(MemberRecord {
                user_id,
                name,
                email,
                role: decode("role", ProjectRole::parse(&role))?,
            })
        })
        .collect()
}

/// Owners and members of the tenant who are not in the project (auditors only read: they join
/// no project).
pub async fn candidates(
    conn: &mut AnyConnection,
    scope: &TenantScope,
    project_id: i64,
) -> Result<Vec<(i64, String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.name, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 AND m.role IN ('owner', 'member') \
         AND NOT EXISTS (SELECT 1 FROM project_members pm WHERE pm.project_id = $2 AND pm.user_id = m.user_id) \
         ORDER BY LOWER(u.name), u.id",
    )
    .bind(scope.tenant_id)
    .bind(project_id)
    .fetch_all(conn)
    .await
}

/// The tenant membership role of the person with this e-mail, and their id.
pub async fn tenant_person_by_email(
    conn: &mut AnyConnection,
    tenant_id: i64,
    email: &str,
) -> Result<Option<(i64, TenantRole)>, sqlx::Error> {
    let row: Option<(i64, String)> = sqlx::query_as(
        "SELECT u.id, m.role FROM users u JOIN memberships m ON m.user_id = u.id AND m.tenant_id = $1 \
         WHERE u.email = $2",
    )
    .bind(tenant_id)
    .bind(email)
    .fetch_optional(conn)
    .await?;
    row.map(|(id, role)| Ok((id, crate::server::members::repo::stored_role(&role)?)))
        .transpose()
}

/// Whether the tenant already has a project with this short name.
pub async fn code_taken(
    conn: &mut AnyConnection,
    tenant_id: i64,
    code: &str,
) -> Result<bool, sqlx::Error> {
    let n: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM projects WHERE tenant_id = $1 AND code = $2")
            .bind(tenant_id)
            .bind(code)
            .fetch_one(conn)
            .await?;
    Ok(n > 0)
}

/// Creates a project led by `lead_user_id`; its id.
pub async fn insert(
    conn: &mut AnyConnection,
    tenant_id: i64,
    fields: &ProjectFields,
    lead_user_id: i64,
) -> Result<i64, sqlx::Error> {
    let now = now_unix();
    let id: i64 = sqlx::query_scalar(
        "INSERT INTO projects (tenant_id, code, title, description, sector, start_date, end_date, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8) RETURNING id",
    )
    .bind(tenant_id)
    .bind(fields.code.as_str())
    .bind(fields.title.as_str())
    .bind(fields.description.as_str())
    .bind(fields.sector.as_str())
    .bind(iso_date(fields.start))
    .bind(fields.end.map(iso_date))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    set_member(conn, tenant_id, id, lead_user_id, ProjectRole::Lead).await?;
    Ok(id)
}

/// Changes a project's title, description, sector and dates (its short name stays: the
/// scheduler's account is named after it).
pub async fn update(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
    fields: &ProjectFields,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE projects SET title = $3, description = $4, sector = $5, start_date = $6, end_date = $7, updated_at = $8 \
         WHERE tenant_id = $1 AND id = $2",
    )
    .bind(tenant_id)
    .bind(id)
    .bind(fields.title.as_str())
    .bind(fields.description.as_str())
    .bind(fields.sector.as_str())
    .bind(iso_date(fields.start))
    .bind(fields.end.map(iso_date))
    .bind(now_unix())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Gives `user_id` this role in the project (adding them if needed). A new lead takes the place
/// of the former one, who stays as a member.
pub async fn set_member(
    conn: &mut AnyConnection,
    tenant_id: i64,
    project_id: i64,
    user_id: i64,
    role: ProjectRole,
) -> Result<(), sqlx::Error> {
    if role == ProjectRole::Lead {
        sqlx::query(
            "UPDATE project_members SET role = 'member' \
             WHERE tenant_id = $1 AND project_id = $2 AND role = 'lead' AND user_id <> $3",
        )
        .bind(tenant_id)
        .bind(project_id)
        .bind(user_id)
        .execute(&mut *conn)
        .await?;
    }
    sqlx::query(
        "INSERT INTO project_members (project_id, tenant_id, user_id, role, added_at) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (project_id, user_id) DO UPDATE SET role = excluded.role",
    )
    .bind(project_id)
    .bind(tenant_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now_unix())
    .execute(conn)
    .await?;
    Ok(())
}

/// Takes `user_id` out of the project; whether they were in it.
pub async fn remove_member(
    conn: &mut AnyConnection,
    tenant_id: i64,
    project_id: i64,
    user_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "DELETE FROM project_members WHERE tenant_id = $1 AND project_id = $2 AND user_id = $3",
    )
    .bind(tenant_id)
    .bind(project_id)
    .bind(user_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() > 0)
}

/// Takes `user_id` out of every project of the tenant (they left it or were removed); the
/// projects they led keep no lead until an owner names one.
pub async fn remove_from_all(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM project_members WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

/// Who the tenant lets endorse.
pub async fn endorsement(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<EndorsementPolicy, sqlx::Error> {
    let stored: String = sqlx::query_scalar("SELECT endorsement FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_one(conn)
        .await?;
    decode("endorsement", EndorsementPolicy::parse(&stored))
}

/// Sets who the tenant lets endorse.
pub async fn set_endorsement(
    conn: &mut AnyConnection,
    tenant_id: i64,
    policy: EndorsementPolicy,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE tenants SET endorsement = $2 WHERE id = $1")
        .bind(tenant_id)
        .bind(policy.as_str())
        .execute(conn)
        .await?;
    Ok(())
}
