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

/// The people asking to join the organisation (through an identity provider that vouches for
/// their address). Owners only.
#[server(prefix = "/api", endpoint = "join_requests")]
pub async fn join_requests() -> Result<Vec<super::types::JoinRequestView>, AppError> {
    use crate::server::{error::respond, identity::oidc::join, tenant_request, TenantAccess};
    let (ctx, _user, actor) = tenant_request(TenantAccess::Own).await?;
    respond(join::open_requests(&ctx.call(), &actor).await)
}

/// Accepts (`accept=true`: the person becomes a member) or refuses a request to join; the person
/// is e-mailed. Owners only; a request of another organisation, or decided already, is not
/// found.
#[server(prefix = "/api", endpoint = "decide_join_request")]
pub async fn decide_join_request(
    #[server(default)] request_id: String,
    #[server(default)] accept: String,
) -> Result<(), AppError> {
    use crate::server::{error::respond, identity::oidc::join, tenant_request, TenantAccess};
    let (ctx, _user, actor) = tenant_request(TenantAccess::Own).await?;
    let id = respond(
        request_id
            .trim()
            .parse::<i64>()
            .map_err(|_| AppError::NotFound),
    )?;
    let accept = respond(match accept.trim() {
        "true" => Ok(true),
        "false" => Ok(false),
        _ => Err(AppError::bad_request("accept is true or false")),
    })?;
    respond(join::decide(&ctx.call(), &actor, id, accept).await)
}

/// The organisations the signed-in person may ask to join. Any signed-in person.
#[server(prefix = "/api", endpoint = "join_offers")]
pub async fn join_offers() -> Result<Vec<super::types::JoinOfferView>, AppError> {
    use crate::server::{error::respond, identity::oidc::join, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let offers = respond(join::offers(&ctx.call(), &user).await)?;
    Ok(offers.into_iter().map(|o| o.view).collect())
}

/// Asks to join an organisation the person is offered (else not found); its owners are
/// e-mailed. Any signed-in person.
#[server(prefix = "/api", endpoint = "ask_to_join")]
pub async fn ask_to_join(#[server(default)] tenant: String) -> Result<(), AppError> {
    use crate::server::{error::respond, identity::oidc::join, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(join::ask(&ctx.call(), &user, tenant.trim()).await)
}
