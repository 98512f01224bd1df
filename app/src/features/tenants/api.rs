//! Server functions of organisations: sign-up, the admins' verification queue
//! and decisions, and the active-tenant switch. Each parses its input into
//! domain values (every field's error at once), then calls `crate::server::tenants`.
// `signup` takes one argument per form field (so that a plain HTML form posts
// to it); the macro's client half does not inherit an item allow.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use super::types::{MyTenant, TenantSummary, VerificationQueue};
use crate::error::AppError;

/// Takes a sign-up (an account and a new organisation) and e-mails the address
/// a link to confirm it; nothing is created until then. The answer is the same
/// whether or not the address has an account (its owner is e-mailed a notice
/// instead), so it tells nobody which addresses have one. Public (it is how one
/// gets an account). Every invalid field answers in one validation error naming
/// them all, the first in form order.
#[server(prefix = "/api", endpoint = "signup")]
pub async fn signup(
    #[server(default)] email: String,
    #[server(default)] name: String,
    #[server(default)] password: String,
    #[server(default)] org_name: String,
    #[server(default)] kind: String,
    #[server(default)] country: String,
    #[server(default)] registration_id: String,
    #[server(default)] sector: String,
    #[server(default)] parent_country: String,
) -> Result<(), AppError> {
    use super::types::{SignUpForm, SIGN_UP_SENT};
    use crate::server::{error::respond, request_context, tenants::signup};
    let ctx = request_context().await?;
    let form = SignUpForm {
        email,
        name,
        password,
        org_name,
        kind,
        country,
        registration_id,
        sector,
        parent_country,
    };
    let sign_up = respond(form.parse())?;
    respond(signup::sign_up(&ctx, &sign_up).await)?;
    leptos_axum::redirect(SIGN_UP_SENT);
    Ok(())
}

/// Confirms a sign-up by the token of the link e-mailed to its address: creates
/// the account and the organisation (pending verification), and signs the
/// person in. Public: the token is the capability; an unknown, used or expired
/// one is not found.
#[server(prefix = "/api", endpoint = "confirm_signup")]
pub async fn confirm_signup(#[server(default)] token: String) -> Result<(), AppError> {
    use crate::server::{error::respond, request_context, tenants::signup};
    let ctx = request_context().await?;
    respond(signup::confirm_sign_up(&ctx, &token).await)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The verification queue: one page of the pending tenants, and the recent
/// decisions. Platform admins only.
#[server(prefix = "/api", endpoint = "tenant_queue")]
pub async fn tenant_queue(page: Option<String>) -> Result<VerificationQueue, AppError> {
    use crate::server::{admin_request, error::respond, tenants::verification};
    let (ctx, admin) = admin_request().await?;
    let page = crate::ui::table::page_number(page.as_deref());
    respond(verification::queue(&ctx.state, &admin, page).await)
}

/// Verifies a tenant: it may then submit requests. Platform admins only.
#[server(prefix = "/api", endpoint = "verify_tenant")]
pub async fn verify_tenant(#[server(default)] tenant_id: i64) -> Result<(), AppError> {
    use crate::server::{admin_request, error::respond, tenants::verification};
    let (ctx, admin) = admin_request().await?;
    respond(verification::verify(&ctx.call(), &admin, tenant_id).await)
}

/// Rejects a pending tenant with a reason shown to its owners. Platform admins only.
#[server(prefix = "/api", endpoint = "reject_tenant")]
pub async fn reject_tenant(
    #[server(default)] tenant_id: i64,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use super::types::RejectionReason;
    use crate::error::FieldErrors;
    use crate::server::{admin_request, error::respond, tenants::verification};
    let (ctx, admin) = admin_request().await?;
    let mut errors = FieldErrors::default();
    let reason = errors.check("reason", RejectionReason::parse(&reason));
    let reason = respond(errors.into_result(|| reason))?;
    respond(verification::reject(&ctx.call(), &admin, tenant_id, &reason).await)
}

/// The signed-in person's tenants, with their current status. Public:
/// anonymous callers get an empty list.
#[server(prefix = "/api", endpoint = "my_tenants")]
pub async fn my_tenants() -> Result<Vec<MyTenant>, AppError> {
    use crate::server::{error::respond, request_context, tenants::switch};
    let ctx = request_context().await?;
    let user = match ctx.user().await {
        Ok(user) => user,
        Err(AppError::Unauthenticated) => return Ok(Vec::new()),
        Err(e) => return respond(Err(e)),
    };
    respond(switch::my_tenants(&ctx.state, &user).await)
}

/// Makes another of the person's tenants the active one (the session id
/// rotates). Any signed-in person; a tenant they are not a member of answers
/// not found.
#[server(prefix = "/api", endpoint = "switch_tenant")]
pub async fn switch_tenant(#[server(default)] tenant_slug: String) -> Result<(), AppError> {
    use crate::server::{error::respond, request_context, tenants::switch};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(switch::switch_tenant(&ctx, user, &tenant_slug).await)?;
    leptos_axum::redirect("/");
    Ok(())
}

/// The active organisation's details as stored, with its verification status. Any role in it.
#[server(prefix = "/api", endpoint = "organisation_details")]
pub async fn organisation_details() -> Result<TenantSummary, AppError> {
    use crate::server::{error::respond, tenant_request, tenants::details, TenantAccess};
    let (ctx, _user, actor) = tenant_request(TenantAccess::Read).await?;
    respond(details::details(&ctx.call(), &actor).await)
}

/// Saves the active organisation's details; every field's error at once. A change of legal
/// identity sends it back to verification (the answer is then `true`). Owners only.
#[server(prefix = "/api", endpoint = "update_organisation")]
pub async fn update_organisation(
    #[server(default)] org_name: String,
    #[server(default)] kind: String,
    #[server(default)] country: String,
    #[server(default)] registration_id: String,
    #[server(default)] sector: String,
    #[server(default)] parent_country: String,
) -> Result<bool, AppError> {
    use super::types::OrganisationForm;
    use crate::server::{error::respond, tenant_request, tenants::details, TenantAccess};
    let (ctx, user, actor) = tenant_request(TenantAccess::Own).await?;
    let form = OrganisationForm {
        org_name,
        kind,
        country,
        registration_id,
        sector,
        parent_country,
    };
    let after = respond(form.parse())?;
    respond(details::update(&ctx, &user, &actor, &after).await)
}

/// Suspends a verified tenant: its people read but submit nothing until it is lifted; `reason`
/// is shown to them. Platform admins only.
#[server(prefix = "/api", endpoint = "suspend_tenant")]
pub async fn suspend_tenant(
    #[server(default)] tenant_id: i64,
    #[server(default)] reason: String,
) -> Result<(), AppError> {
    use super::types::RejectionReason;
    use crate::server::{admin_request, error::respond, tenants::verification};
    let (ctx, admin) = admin_request().await?;
    let reason =
        respond(RejectionReason::parse(&reason).map_err(|m| AppError::validation("reason", m)))?;
    respond(verification::set_suspension(&ctx.call(), &admin, tenant_id, Some(&reason)).await)
}

/// Lifts a tenant's suspension. Platform admins only.
#[server(prefix = "/api", endpoint = "lift_suspension")]
pub async fn lift_suspension(#[server(default)] tenant_id: i64) -> Result<(), AppError> {
    use crate::server::{admin_request, error::respond, tenants::verification};
    let (ctx, admin) = admin_request().await?;
    respond(verification::set_suspension(&ctx.call(), &admin, tenant_id, None).await)
}
