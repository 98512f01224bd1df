//! Membership and invitation queries. Every query on tenant-owned rows takes
//! the tenant id first and filters on it; the one exception,
//! [`find_invitation_by_token_hash`], is reached through the secret token,
//! which is itself the capability.

use sqlx::{AnyConnection, FromRow};

use crate::domain::tenancy::TenantRole;
use crate::server::db::now_unix;

/// A stored role, read into its type (the table's CHECK keeps it one of them).
pub fn stored_role(stored: &str) -> Result<TenantRole, sqlx::Error> {
    TenantRole::parse(stored)
        .map_err(|e| sqlx::Error::Decode(format!("membership role: {e}").into()))
}

/// A member of a tenant, as the organisation page lists it.
#[derive(Debug)]
pub struct MemberRecord {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: TenantRole,
    pub since: i64,
}

#[derive(FromRow)]
struct MemberRow {
    user_id: i64,
    name: String,
    email: String,
    role: String,
    since: i64,
}

/// At most `limit` members of the tenant from `offset`, oldest membership first.
pub async fn list_members(
    conn: &mut AnyConnection,
    tenant_id: i64,
    limit: i64,
    offset: i64,
) -> Result<Vec<MemberRecord>, sqlx::Error> {
    let rows: Vec<MemberRow> = sqlx::query_as(
        "SELECT u.id AS user_id, u.name, u.email, m.role, m.created_at AS since \
         FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 ORDER BY m.created_at, u.id LIMIT $2 OFFSET $3",
    )
    .bind(tenant_id)
    .bind(limit)
    .bind(offset)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|r| {
            Ok(MemberRecord {
                role: stored_role(&r.role)?,
                user_id: r.user_id,
                name: r.name,
                email: r.email,
                since: r.since,
            })
        })
        .collect()
}

/// The role of `user_id` in the tenant, `None` when they are not a member.
pub async fn role_of(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
) -> Result<Option<TenantRole>, sqlx::Error> {
    let row: Option<(String,)> =
        sqlx::query_as("SELECT role FROM memberships WHERE tenant_id = $1 AND user_id = $2")
            .bind(tenant_id)
            .bind(user_id)
            .fetch_optional(conn)
            .await?;
    row.map(|(r,)| stored_role(&r)).transpose()
}

/// The e-mail of a member of the tenant (for the audit detail).
pub async fn member_email(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "SELECT u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 AND m.user_id = $2",
    )
    .bind(tenant_id)
    .bind(user_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(e,)| e))
}

pub async fn is_member_by_email(
    conn: &mut AnyConnection,
    tenant_id: i64,
    email: &str,
) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 AND u.email = $2",
    )
    .bind(tenant_id)
    .bind(email)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

pub async fn count_owners(conn: &mut AnyConnection, tenant_id: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE tenant_id = $1 AND role = 'owner'")
            .bind(tenant_id)
            .fetch_one(conn)
            .await?;
    Ok(n)
}

/// Serialises membership changes of one tenant until the transaction ends, so
/// that two owners demoting each other at once cannot leave it with none. On
/// SQLite the write transaction (`BEGIN IMMEDIATE`) already does this.
pub async fn lock_tenant(conn: &mut AnyConnection, tenant_id: i64) -> Result<(), sqlx::Error> {
    let lock = crate::server::db::row_lock(conn, None);
    sqlx::query(&format!("SELECT id FROM tenants WHERE id = $1{lock}"))
        .bind(tenant_id)
        .fetch_optional(conn)
        .await?;
    Ok(())
}

pub async fn set_role(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
    role: TenantRole,
) -> Result<u64, sqlx::Error> {
    let done =
        sqlx::query("UPDATE memberships SET role = $1 WHERE tenant_id = $2 AND user_id = $3")
            .bind(role.as_str())
            .bind(tenant_id)
            .bind(user_id)
            .execute(conn)
            .await?;
    Ok(done.rows_affected())
}

pub async fn delete_membership(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query("DELETE FROM memberships WHERE tenant_id = $1 AND user_id = $2")
        .bind(tenant_id)
        .bind(user_id)
        .execute(conn)
        .await?;
    Ok(done.rows_affected())
}

pub async fn insert_membership(
    conn: &mut AnyConnection,
    tenant_id: i64,
    user_id: i64,
    role: TenantRole,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(tenant_id)
    .bind(user_id)
    .bind(role.as_str())
    .bind(now_unix())
    .execute(conn)
    .await?;
    Ok(())
}

/// An invitation as stored (only the token's hash is kept, never the token).
#[derive(Debug)]
pub struct InvitationRecord {
    pub id: i64,
    pub tenant_id: i64,
    pub email: String,
    pub role: TenantRole,
    pub created_at: i64,
    pub expires_at: i64,
    pub accepted_at: Option<i64>,
    pub revoked_at: Option<i64>,
}

#[derive(FromRow)]
struct InvitationRow {
    id: i64,
    tenant_id: i64,
    email: String,
    role: String,
    created_at: i64,
    expires_at: i64,
    accepted_at: Option<i64>,
    revoked_at: Option<i64>,
}

impl TryFrom<InvitationRow> for InvitationRecord {
    type Error = sqlx::Error;

    fn try_from(r: InvitationRow) -> Result<Self, sqlx::Error> {
        Ok(Self {
            role: stored_role(&r.role)?,
            id: r.id,
            tenant_id: r.tenant_id,
            email: r.email,
            created_at: r.created_at,
            expires_at: r.expires_at,
            accepted_at: r.accepted_at,
            revoked_at: r.revoked_at,
        })
    }
}

const INVITATION_COLUMNS: &str =
    "id, tenant_id, email, role, created_at, expires_at, accepted_at, revoked_at";

/// Invitations of the tenant that can still be accepted, newest first.
pub async fn pending_invitations(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<InvitationRecord>, sqlx::Error> {
    let rows: Vec<InvitationRow> = sqlx::query_as(&format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations WHERE tenant_id = $1 \
         AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $2 \
         ORDER BY created_at DESC, id DESC"
    ))
    .bind(tenant_id)
    .bind(now_unix())
    .fetch_all(conn)
    .await?;
    rows.into_iter().map(InvitationRecord::try_from).collect()
}

pub struct NewInvitation<'a> {
    pub email: &'a str,
    pub role: TenantRole,
    pub token_hash: &'a str,
    pub invited_by: i64,
    pub expires_at: i64,
}

pub async fn insert_invitation(
    conn: &mut AnyConnection,
    tenant_id: i64,
    new: &NewInvitation<'_>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO invitations (tenant_id, email, role, token_hash, invited_by, created_at, expires_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(tenant_id)
    .bind(new.email)
    .bind(new.role.as_str())
    .bind(new.token_hash)
    .bind(new.invited_by)
    .bind(now_unix())
    .bind(new.expires_at)
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Withdraws the tenant's open invitations of one address (a new one replaces them).
pub async fn revoke_open_invitations_of(
    conn: &mut AnyConnection,
    tenant_id: i64,
    email: &str,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE invitations SET revoked_at = $1 WHERE tenant_id = $2 AND email = $3 \
         AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now_unix())
    .bind(tenant_id)
    .bind(email)
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}

/// Withdraws one open invitation of the tenant; `false` when there is none.
pub async fn revoke_invitation(
    conn: &mut AnyConnection,
    tenant_id: i64,
    invitation_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as(
        "UPDATE invitations SET revoked_at = $1 WHERE tenant_id = $2 AND id = $3 \
         AND accepted_at IS NULL AND revoked_at IS NULL RETURNING email",
    )
    .bind(now_unix())
    .bind(tenant_id)
    .bind(invitation_id)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(e,)| e))
}

pub async fn find_invitation_by_token_hash(
    conn: &mut AnyConnection,
    token_hash: &str,
) -> Result<Option<InvitationRecord>, sqlx::Error> {
    let row: Option<InvitationRow> = sqlx::query_as(&format!(
        "SELECT {INVITATION_COLUMNS} FROM invitations WHERE token_hash = $1"
    ))
    .bind(token_hash)
    .fetch_optional(conn)
    .await?;
    row.map(InvitationRecord::try_from).transpose()
}

/// Marks the invitation used; `false` when someone else used it first.
pub async fn mark_accepted(
    conn: &mut AnyConnection,
    tenant_id: i64,
    invitation_id: i64,
) -> Result<bool, sqlx::Error> {
    let done = sqlx::query(
        "UPDATE invitations SET accepted_at = $1 WHERE tenant_id = $2 AND id = $3 \
         AND accepted_at IS NULL AND revoked_at IS NULL",
    )
    .bind(now_unix())
    .bind(tenant_id)
    .bind(invitation_id)
    .execute(conn)
    .await?;
    Ok(done.rows_affected() == 1)
}

/// The tenant's display name.
pub async fn tenant_name(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<String>, sqlx::Error> {
    let row: Option<(String,)> = sqlx::query_as("SELECT name FROM tenants WHERE id = $1")
        .bind(tenant_id)
        .fetch_optional(conn)
        .await?;
    Ok(row.map(|(n,)| n))
}
