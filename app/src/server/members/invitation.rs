//! Invitation tokens and their acceptance.
//!
//! A token is made by [`crate::server::token`]: the database keeps only its
//! SHA-256, so a leaked table does not hand out memberships.

use crate::i18n::td_string;
use serde_json::json;

use super::repo::{self, InvitationRecord};
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::SessionIdentity,
    context::RequestContext,
    db::now_unix,
    error::ServiceResult,
    identity::{self, repo as accounts},
    token::{hash_token, looks_like_token},
};
use crate::wire::members::{InvitationView, NewAccount};

/// Finds a usable invitation by its token: unknown → not found, used,
/// withdrawn or expired → a conflict saying so.
async fn usable_invitation(
    conn: &mut sqlx::AnyConnection,
    token: &str,
) -> ServiceResult<InvitationRecord> {
    if !looks_like_token(token) {
        return Err(AppError::NotFound.into());
    }
    let invitation = repo::find_invitation_by_token_hash(conn, &hash_token(token))
        .await?
        .ok_or(AppError::NotFound)?;
    if invitation.accepted_at.is_some() {
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.invitation_already_used
        ))
        .into());
    }
    if invitation.revoked_at.is_some() {
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.invitation_withdrawn
        ))
        .into());
    }
    if invitation.expires_at <= now_unix() {
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.invitation_expired
        ))
        .into());
    }
    Ok(invitation)
}

/// What the invitation page shows to whoever holds the token.
pub async fn invitation_details(
    ctx: &RequestContext,
    token: &str,
) -> ServiceResult<InvitationView> {
    // Platform scope: the token, not a tenant scope, names the invitation; its
    // holder belongs to no tenant yet.
    let mut tx = ctx.state.db.platform_tx().await?;
    let invitation = usable_invitation(&mut tx, token).await?;
    let organisation = repo::tenant_name(&mut tx, invitation.tenant_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let account_exists = accounts::find_user_by_email(&mut tx, &invitation.email)
        .await?
        .is_some();
    tx.commit().await?;
    let signed_in_email = ctx.user().await.ok().map(|u| u.identity.email);
    Ok(InvitationView {
        organisation,
        role: invitation.role,
        email: invitation.email,
        expires_at: invitation.expires_at,
        account_exists,
        signed_in_email,
    })
}

/// Accepts an invitation: a signed-in person whose e-mail matches joins with
/// their account; a person without an account creates one (name and
/// password; the e-mail is the invited one); a person with an account who is
/// not signed in is asked to sign in first. The token is used once; the
/// session continues in the new tenant under a fresh id.
///
/// `new_account` is the name and password as the edge parsed them; it is
/// looked at only when the person has no account, so a token's error comes
/// before a field's.
pub async fn accept_invitation(
    ctx: &RequestContext,
    token: &str,
    new_account: Result<NewAccount, AppError>,
) -> ServiceResult<()> {
    let signed_in = match ctx.user().await {
        Ok(user) => Some(user),
        Err(AppError::Unauthenticated) => None,
        Err(e) => return Err(e.into()),
    };
    // Checks that need no lock, and the password hash (slow), come first.
    let (invitation, account_exists) = {
        // Platform scope: the token names the invitation (see below).
        let mut tx = ctx.state.db.platform_tx().await?;
        let invitation = usable_invitation(&mut tx, token).await?;
        let account_exists = accounts::find_user_by_email(&mut tx, &invitation.email)
            .await?
            .is_some();
        tx.commit().await?;
        (invitation, account_exists)
    };
    let (email, new_account) = match &signed_in {
        Some(user) if user.identity.email != invitation.email => {
            return Err(AppError::conflict(crate::domain::format::fill(
                td_string!(
                    crate::locale::current(),
                    server.invitation_for_another_address
                ),
                &[("email", &invitation.email)],
            ))
            .into());
        }
        Some(_) => (invitation.email, None),
        None => {
            if account_exists {
                return Err(AppError::Unauthenticated.into());
            }
            let NewAccount { name, password } = new_account?;
            let hash = ctx.state.hashing.hash(password.expose_secret()).await?;
            (invitation.email, Some((name, hash)))
        }
    };

    // Platform scope: acceptance by token is cross-tenant by nature (the
    // person joins a tenant they are not in yet, perhaps with a new account).
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let invitation = usable_invitation(&mut tx, token).await?;
    let role = invitation.role;
    let (user_id, name) = match (&signed_in, new_account) {
        (Some(user), _) => (user.identity.user_id, user.identity.name.clone()),
        (None, Some((name, hash))) => {
            if accounts::find_user_by_email(&mut tx, &email)
                .await?
                .is_some()
            {
                return Err(AppError::Unauthenticated.into());
            }
            let id = accounts::insert_user(&mut tx, &email, name.as_str(), &hash, false).await?;
            accounts::set_seen_language(&mut tx, id, crate::locale::current()).await?;
            audit::append(
                &mut tx,
                &AuditEvent::new("signup")
                    .actor(id, &email)
                    .tenant(invitation.tenant_id)
                    .ip(ctx.client_ip.as_deref())
                    .detail(json!({ "via": "invitation", "invitation_id": invitation.id })),
            )
            .await?;
            (id, name.as_str().to_owned())
        }
        (None, None) => return Err(AppError::Internal.into()),
    };
    if repo::role_of(&mut tx, invitation.tenant_id, user_id)
        .await?
        .is_some()
    {
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.already_member_of_org
        ))
        .into());
    }
    if !repo::mark_accepted(&mut tx, invitation.tenant_id, invitation.id).await? {
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.invitation_already_used
        ))
        .into());
    }
    repo::insert_membership(&mut tx, invitation.tenant_id, user_id, role).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("invitation_accepted")
            .actor(user_id, &email)
            .tenant(invitation.tenant_id)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "invitation_id": invitation.id, "role": role.as_str() })),
    )
    .await?;
    let tenant = accounts::memberships_of(&mut tx, user_id)
        .await?
        .into_iter()
        .find(|t| t.id == invitation.tenant_id)
        .ok_or(AppError::Internal)?;
    tx.commit().await?;

    let identity = match signed_in {
        Some(user) => SessionIdentity {
            tenant: Some(tenant),
            ..user.identity
        },
        None => SessionIdentity {
            user_id,
            email,
            name,
            platform_admin: false,
            tenant: Some(tenant),
            signed_in_at: now_unix(),
            second_factor_at: None,
        },
    };
    identity::sign_in_as(ctx, identity).await
}
