//! Server functions of an organisation's members and invitations. Each opens
//! with its caller's check, parses its input into domain values (every field's
//! error at once), then calls `crate::server::members`.

use leptos::prelude::*;

use super::types::{InvitationSent, InvitationView, OrganisationView};
use crate::error::AppError;

/// One page of the members, and the open invitations, of the active tenant.
/// Any member.
#[server(prefix = "/api", endpoint = "organisation")]
pub async fn organisation_overview(page: Option<String>) -> Result<OrganisationView, AppError> {
    use crate::server::{error::respond, members, tenant_request, TenantAccess};
    let (ctx, _user, actor) = tenant_request(TenantAccess::Read).await?;
    respond(
        members::overview(
            &ctx.call(),
            &actor,
            crate::ui::table::page_number(page.as_deref()),
        )
        .await,
    )
}

/// Invites a person by e-mail with a role. Owners only.
#[server(prefix = "/api", endpoint = "invite_member")]
pub async fn invite_member(
    #[server(default)] email: String,
    #[server(default)] role: String,
) -> Result<InvitationSent, AppError> {
    use crate::server::{error::respond, members, tenant_request, TenantAccess};
    let (ctx, _user, actor) = tenant_request(TenantAccess::Own).await?;
    let invitee = respond(super::types::Invitee::parse(&email, &role))?;
    respond(members::invite(&ctx.call(), &actor, &invitee).await)
}

/// Withdraws an open invitation. Owners only.
#[server(prefix = "/api", endpoint = "revoke_invitation")]
pub async fn revoke_invitation(#[server(default)] invitation_id: i64) -> Result<(), AppError> {
    use crate::server::{error::respond, members, tenant_request, TenantAccess};
    let (ctx, _user, actor) = tenant_request(TenantAccess::Own).await?;
    respond(members::revoke(&ctx.call(), &actor, invitation_id).await)
}

/// Changes a member's role; the last owner cannot be demoted. Owners only.
#[server(prefix = "/api", endpoint = "change_member_role")]
pub async fn change_member_role(
    #[server(default)] user_id: i64,
    #[server(default)] role: String,
) -> Result<(), AppError> {
    use crate::error::FieldErrors;
    use crate::server::{error::respond, members, tenant_request, TenantAccess};
    let (ctx, _user, actor) = tenant_request(TenantAccess::Own).await?;
    let mut errors = FieldErrors::default();
    let role = errors.check("role", super::types::parse_role(&role));
    let role = respond(errors.into_result(|| role))?;
    respond(members::change_role(&ctx.call(), &actor, user_id, role).await)
}

/// Removes a member; the last owner cannot be removed. Owners only.
#[server(prefix = "/api", endpoint = "remove_member")]
pub async fn remove_member(#[server(default)] user_id: i64) -> Result<(), AppError> {
    use crate::server::{error::respond, members, tenant_request, TenantAccess};
    let (ctx, _user, actor) = tenant_request(TenantAccess::Own).await?;
    respond(members::remove(&ctx.call(), &actor, user_id).await)
}

/// Leaves the active tenant; the last owner cannot. Any member.
#[server(prefix = "/api", endpoint = "leave_organisation")]
pub async fn leave_organisation() -> Result<(), AppError> {
    use crate::server::{error::respond, members, tenant_request, TenantAccess};
    let (ctx, user, actor) = tenant_request(TenantAccess::Read).await?;
    respond(members::leave(&ctx, &user, &actor).await)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The invitation behind a token. Public: the token is the proof; unknown →
/// 404, used or expired → 409 saying so.
#[server(prefix = "/api", endpoint = "invitation")]
pub async fn invitation(#[server(default)] token: String) -> Result<InvitationView, AppError> {
    use crate::server::{error::respond, members, request_context};
    let ctx = request_context().await?;
    respond(members::invitation_details(&ctx, &token).await)
}

/// Accepts an invitation. Public: a signed-in person whose e-mail matches
/// joins; a person without an account gives a name and a password and gets an
/// account with the invited address; a person with an account must sign in
/// first (401). The name and password are parsed here; the service uses them
/// only when the person has no account (so their errors come after the
/// token's).
#[server(prefix = "/api", endpoint = "accept_invitation")]
pub async fn accept_invitation(
    #[server(default)] token: String,
    name: Option<String>,
    password: Option<String>,
) -> Result<(), AppError> {
    use crate::server::{error::respond, members, request_context};
    let ctx = request_context().await?;
    let new_account = super::types::NewAccount::parse(
        name.as_deref().unwrap_or_default(),
        password.as_deref().unwrap_or_default(),
    );
    respond(members::accept_invitation(&ctx, &token, new_account).await)?;
    leptos_axum::redirect("/organisation");
    Ok(())
}
