//! An organisation's members and invitations: the services behind the
//! organisation and invitation server functions (and, later, the REST API).
//!
//! Write services take a [`TenantActor`] obtained from `as_tenant_owner()` and
//! act only within its tenant: a user id of another tenant answers *not found*.

mod invitation;
pub mod repo;

pub use invitation::{accept_invitation, invitation_details};

use crate::i18n::td_string;
use serde_json::json;

use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{CurrentUser, TenantActor},
    context::{Call, RequestContext},
    error::ServiceResult,
    identity::{self, repo as accounts},
    outbox,
    token::{hash_token, new_token},
};
use crate::wire::members::{
    InvitationSent, Invitee, MemberView, OrganisationView, PendingInvitation, MEMBERS_PAGE_SIZE,
};

/// How long an invitation stays valid.
pub const INVITATION_LIFETIME_SECS: i64 = 7 * 24 * 3600;

/// What an owner sees when the last owner would go.
pub const LAST_OWNER: &str =
    "An organisation needs at least one owner: make someone else owner first.";

/// One page of the members (oldest membership first), and the open
/// invitations, of the actor's tenant (any role may read).
pub async fn overview(
    call: &Call<'_>,
    actor: &TenantActor,
    page: u32,
) -> ServiceResult<OrganisationView> {
    let size = i64::from(MEMBERS_PAGE_SIZE);
    let mut view = overview_slice(call, actor, i64::from(page) * size, size).await?;
    view.page = page;
    if actor.role() == crate::domain::tenancy::TenantRole::Owner {
        view.join_requests =
            crate::server::identity::oidc::join::open_requests(call, actor).await?;
    }
    Ok(view)
}

/// At most `limit` members from `offset` (oldest membership first), whether more follow, and
/// the open invitations: the organisation page's and the API's.
pub async fn overview_slice(
    call: &Call<'_>,
    actor: &TenantActor,
    offset: i64,
    limit: i64,
) -> ServiceResult<OrganisationView> {
    let mut tx = call.state.db.tenant_tx(&actor.scope()).await?;
    let tenant_name = repo::tenant_name(&mut tx, actor.tenant_id())
        .await?
        .ok_or(AppError::NotFound)?;
    let mut members = repo::list_members(&mut tx, actor.tenant_id(), limit + 1, offset).await?;
    let keep = usize::try_from(limit).unwrap_or(usize::MAX);
    let has_more = members.len() > keep;
    members.truncate(keep);
    let members = members
        .into_iter()
        .map(|m| MemberView {
            is_you: m.user_id == actor.user_id(),
            role: m.role,
            user_id: m.user_id,
            name: m.name,
            email: m.email,
            since: m.since,
        })
        .collect();
    let invitations = open_invitations(&mut tx, actor).await?;
    tx.commit().await?;
    Ok(OrganisationView {
        tenant_name,
        your_role: actor.role(),
        members,
        page: 0,
        has_more,
        invitations,
        join_requests: Vec::new(),
    })
}

/// The tenant's open invitations, oldest first.
async fn open_invitations(
    conn: &mut sqlx::AnyConnection,
    actor: &TenantActor,
) -> ServiceResult<Vec<PendingInvitation>> {
    Ok(repo::pending_invitations(conn, actor.tenant_id())
        .await?
        .into_iter()
        .map(|i| PendingInvitation {
            role: i.role,
            id: i.id,
            email: i.email,
            sent_at: i.created_at,
            expires_at: i.expires_at,
        })
        .collect())
}

/// The open invitations of the actor's tenant (the organisation page lists them with the
/// members; the API on their own).
pub async fn invitations(
    call: &Call<'_>,
    actor: &TenantActor,
) -> ServiceResult<Vec<PendingInvitation>> {
    let mut tx = call.state.db.tenant_tx(&actor.scope()).await?;
    let open = open_invitations(&mut tx, actor).await?;
    tx.commit().await?;
    Ok(open)
}

/// Invites a person by e-mail with a role: a single-use token valid for 7
/// days, of which only the SHA-256 is stored. The link is returned to the
/// owner (shown once) and queued in the e-mail outbox, where it is stored only
/// sealed (see [`outbox`]).
pub async fn invite(
    call: &Call<'_>,
    actor: &TenantActor,
    invitee: &Invitee,
) -> ServiceResult<InvitationSent> {
    let (email, role) = (&invitee.email, invitee.role);
    let token = new_token();
    let link = format!("/invitations/{token}");

    let mut tx = call.state.db.tenant_write_tx(&actor.scope()).await?;
    let tenant_name = repo::tenant_name(&mut tx, actor.tenant_id())
        .await?
        .ok_or(AppError::NotFound)?;
    if repo::is_member_by_email(&mut tx, actor.tenant_id(), email.as_str()).await? {
        return Err(AppError::validation(
            "email",
            td_string!(crate::locale::current(), server.already_member),
        )
        .into());
    }
    let replaced =
        repo::revoke_open_invitations_of(&mut tx, actor.tenant_id(), email.as_str()).await?;
    let expires_at = crate::server::db::now_unix() + INVITATION_LIFETIME_SECS;
    let invitation_id = repo::insert_invitation(
        &mut tx,
        actor.tenant_id(),
        &repo::NewInvitation {
            email: email.as_str(),
            role,
            token_hash: &hash_token(&token),
            invited_by: actor.user_id(),
            expires_at,
        },
    )
    .await?;
    // The invitee's language when they have an account, else the inviter's.
    let locale = outbox::recipient_locale(&mut tx, email.as_str()).await?;
    let subject = crate::domain::format::fill(
        td_string!(locale, mail.invitation_subject),
        &[("tenant", &tenant_name)],
    );
    let body = crate::domain::format::fill(
        td_string!(locale, mail.invitation_body),
        &[
            ("inviter", &actor.email()),
            ("tenant", &tenant_name),
            ("role", &role.label_in(locale).to_lowercase()),
            ("link", &outbox::LINK),
        ],
    );
    outbox::queue_with_secret_link(
        &mut tx,
        &call.state.outbox_key,
        email.as_str(),
        &subject,
        &body,
        &link,
    )
    .await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("invitation_sent")
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(call.client_ip)
            .detail(json!({
                "invitation_id": invitation_id,
                "email": email.as_str(),
                "role": role.as_str(),
                "expires_at": expires_at,
                "replaced": replaced,
            })),
    )
    .await?;
    tx.commit().await?;
    Ok(InvitationSent {
        email: email.as_str().to_owned(),
        role,
        link,
    })
}

/// Withdraws an open invitation of the actor's tenant.
pub async fn revoke(call: &Call<'_>, actor: &TenantActor, invitation_id: i64) -> ServiceResult<()> {
    let mut tx = call.state.db.tenant_write_tx(&actor.scope()).await?;
    let email = repo::revoke_invitation(&mut tx, actor.tenant_id(), invitation_id)
        .await?
        .ok_or(AppError::NotFound)?;
    audit::append(
        &mut tx,
        &AuditEvent::new("invitation_revoked")
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(call.client_ip)
            .detail(json!({ "invitation_id": invitation_id, "email": email })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// Changes a member's role. The last owner cannot be demoted. The member's
/// sessions end, so the new rights apply at once.
pub async fn change_role(
    call: &Call<'_>,
    actor: &TenantActor,
    user_id: i64,
    role: TenantRole,
) -> ServiceResult<()> {
    let mut tx = call.state.db.tenant_write_tx(&actor.scope()).await?;
    repo::lock_tenant(&mut tx, actor.tenant_id()).await?;
    let current = repo::role_of(&mut tx, actor.tenant_id(), user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current == role {
        tx.rollback().await?;
        return Ok(());
    }
    if current == TenantRole::Owner && repo::count_owners(&mut tx, actor.tenant_id()).await? <= 1 {
        return Err(
            AppError::conflict(td_string!(crate::locale::current(), server.last_owner)).into(),
        );
    }
    let email = repo::member_email(&mut tx, actor.tenant_id(), user_id)
        .await?
        .unwrap_or_default();
    repo::set_role(&mut tx, actor.tenant_id(), user_id, role).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("role_changed")
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(call.client_ip)
            .detail(json!({
                "user_id": user_id,
                "email": email,
                "from": current.as_str(),
                "to": role.as_str(),
            })),
    )
    .await?;
    tx.commit().await?;
    end_sessions_of(call, actor.user_id(), user_id).await
}

/// Removes a member from the actor's tenant. The last owner cannot be
/// removed. The member's sessions end.
pub async fn remove(call: &Call<'_>, actor: &TenantActor, user_id: i64) -> ServiceResult<()> {
    let mut tx = call.state.db.tenant_write_tx(&actor.scope()).await?;
    repo::lock_tenant(&mut tx, actor.tenant_id()).await?;
    let current = repo::role_of(&mut tx, actor.tenant_id(), user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if current == TenantRole::Owner && repo::count_owners(&mut tx, actor.tenant_id()).await? <= 1 {
        return Err(
            AppError::conflict(td_string!(crate::locale::current(), server.last_owner)).into(),
        );
    }
    let email = repo::member_email(&mut tx, actor.tenant_id(), user_id)
        .await?
        .unwrap_or_default();
    repo::delete_membership(&mut tx, actor.tenant_id(), user_id).await?;
    crate::server::projects::repo::remove_from_all(&mut tx, actor.tenant_id(), user_id).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("member_removed")
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(call.client_ip)
            .detail(json!({ "user_id": user_id, "email": email, "role": current.as_str() })),
    )
    .await?;
    tx.commit().await?;
    end_sessions_of(call, actor.user_id(), user_id).await
}

/// The signed-in person leaves their active tenant (the last owner cannot).
/// The session continues under a fresh id, in their next tenant if any.
pub async fn leave(
    ctx: &RequestContext,
    user: &CurrentUser,
    actor: &TenantActor,
) -> ServiceResult<()> {
    let mut tx = ctx.state.db.tenant_write_tx(&actor.scope()).await?;
    repo::lock_tenant(&mut tx, actor.tenant_id()).await?;
    let current = repo::role_of(&mut tx, actor.tenant_id(), actor.user_id())
        .await?
        .ok_or(AppError::NotFound)?;
    if current == TenantRole::Owner && repo::count_owners(&mut tx, actor.tenant_id()).await? <= 1 {
        return Err(
            AppError::conflict(td_string!(crate::locale::current(), server.last_owner)).into(),
        );
    }
    repo::delete_membership(&mut tx, actor.tenant_id(), actor.user_id()).await?;
    crate::server::projects::repo::remove_from_all(&mut tx, actor.tenant_id(), actor.user_id())
        .await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("member_left")
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "role": current.as_str() })),
    )
    .await?;
    tx.commit().await?;
    // Platform scope: the person's other memberships are in other tenants.
    let mut tx = ctx.state.db.platform_tx().await?;
    let next_tenant = accounts::memberships_of(&mut tx, actor.user_id())
        .await?
        .into_iter()
        .next();
    tx.commit().await?;
    // Other sessions of the person still name the tenant they left.
    let keep = ctx.session.id().map(|id| id.to_string());
    ctx.state
        .sessions
        .delete_user_sessions(actor.user_id(), keep.as_deref())
        .await?;
    let mut identity = user.identity.clone();
    identity.tenant = next_tenant;
    identity::sign_in_as(ctx, identity).await
}

/// Ends every session of `user_id` after a change of their rights; when the
/// owner changed their own rights, their current session ends too.
async fn end_sessions_of(call: &Call<'_>, actor_id: i64, user_id: i64) -> ServiceResult<()> {
    call.state
        .sessions
        .delete_user_sessions(user_id, None)
        .await?;
    if actor_id == user_id {
        if let Some(session) = call.session {
            session.flush().await?;
        }
    }
    Ok(())
}
