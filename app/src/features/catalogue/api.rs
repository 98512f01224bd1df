//! Server functions of the catalogue: the read-only snapshot, and the platform
//! admins' edits (each validated, audited and versioned by the services in
//! `crate::server::catalogue::service`).
// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

use crate::domain::catalogue::CatalogueSnapshot;
use crate::error::AppError;

/// The whole catalogue (sites, operators, GPUs, certifications) with the
/// policy lists in force. Any signed-in person.
#[server(prefix = "/api", endpoint = "get_catalogue")]
pub async fn get_catalogue() -> Result<CatalogueSnapshot, AppError> {
    use crate::server::{catalogue::service, error::respond, request_context};
    let ctx = request_context().await?;
    let _user = respond(ctx.user().await)?;
    respond(service::snapshot(&ctx).await)
}

/// A ticked checkbox sends "on" (or "true"); an unticked one sends nothing.
pub fn is_ticked(value: &Option<String>) -> bool {
    matches!(
        value.as_deref().map(str::trim),
        Some("on" | "true" | "1" | "yes")
    )
}

/// Sets the installed GPUs and the reserve of one model at one site. Platform admins.
#[server(prefix = "/api", endpoint = "set_gpu_inventory")]
pub async fn set_gpu_inventory(
    site: String,
    model: String,
    installed: String,
    reserve: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    respond(service::set_gpu_inventory(&ctx, &admin, &site, &model, &installed, &reserve).await)
}

/// Adds a certification to a site. Platform admins.
#[server(prefix = "/api", endpoint = "add_certification")]
pub async fn add_certification(
    site: String,
    kind: String,
    hds_activities: Option<String>,
    version: Option<String>,
    eucs_level: Option<String>,
    certificate_id: String,
    valid_from: String,
    valid_until: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    let input = service::CertificationInput {
        site,
        kind,
        hds_activities: hds_activities.unwrap_or_default(),
        version: version.unwrap_or_default(),
        eucs_level: eucs_level.unwrap_or_default(),
        certificate_id,
        valid_from,
        valid_until,
    };
    respond(service::add_certification(&ctx, &admin, &input).await)
}

/// Removes a certification from a site. Platform admins.
#[server(prefix = "/api", endpoint = "remove_certification")]
pub async fn remove_certification(site: String, certificate_id: String) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    respond(service::remove_certification(&ctx, &admin, &site, &certificate_id).await)
}

/// Adds or updates (by name) a shareholder of an operator. Platform admins.
#[server(prefix = "/api", endpoint = "set_shareholder")]
pub async fn set_shareholder(
    operator: String,
    name: String,
    country: String,
    capital: String,
    voting: String,
    control_rights: Option<String>,
    veto_rights: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    let input = service::ShareholderInput {
        operator,
        name,
        country,
        capital,
        voting,
        control_rights: is_ticked(&control_rights),
        veto_rights: is_ticked(&veto_rights),
    };
    respond(service::set_shareholder(&ctx, &admin, &input).await)
}

/// Removes a shareholder (by name) from an operator. Platform admins.
#[server(prefix = "/api", endpoint = "remove_shareholder")]
pub async fn remove_shareholder(operator: String, name: String) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    respond(service::remove_shareholder(&ctx, &admin, &operator, &name).await)
}

/// Adds an operator: its legal name, the countries of its registered office,
/// central administration and main establishment, and its flags. Platform admins.
#[server(prefix = "/api", endpoint = "create_operator")]
pub async fn create_operator(
    name: String,
    registered_office: String,
    central_administration: String,
    main_establishment: String,
    dpf_certified: Option<String>,
    commercial_organisation: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    let input = service::OperatorInput {
        name,
        registered_office,
        central_administration,
        main_establishment,
        dpf_certified: is_ticked(&dpf_certified),
        commercial_organisation: is_ticked(&commercial_organisation),
    };
    respond(service::create_operator(&ctx, &admin, &input).await)
}

/// Changes an operator (named `operator` before the change): its name, offices
/// and flags. Platform admins.
#[server(prefix = "/api", endpoint = "update_operator")]
pub async fn update_operator(
    operator: String,
    name: String,
    registered_office: String,
    central_administration: String,
    main_establishment: String,
    dpf_certified: Option<String>,
    commercial_organisation: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    let input = service::OperatorInput {
        name,
        registered_office,
        central_administration,
        main_establishment,
        dpf_certified: is_ticked(&dpf_certified),
        commercial_organisation: is_ticked(&commercial_organisation),
    };
    respond(service::update_operator(&ctx, &admin, &operator, &input).await)
}

/// Adds a site: its short name (for addresses; it never changes), name,
/// country, operator and the countries its staff reach tenant data from.
/// Platform admins.
#[server(prefix = "/api", endpoint = "create_site")]
pub async fn create_site(
    slug: String,
    name: String,
    country: String,
    operator: String,
    admin_countries: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    let input = service::SiteInput {
        name,
        country,
        operator,
        admin_countries,
    };
    respond(service::create_site(&ctx, &admin, &slug, &input).await)
}

/// Changes a site (by its short name, which stays): name, country, operator
/// and access countries. Platform admins.
#[server(prefix = "/api", endpoint = "update_site")]
pub async fn update_site(
    site: String,
    name: String,
    country: String,
    operator: String,
    admin_countries: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    let input = service::SiteInput {
        name,
        country,
        operator,
        admin_countries,
    };
    respond(service::update_site(&ctx, &admin, &site, &input).await)
}

/// Stores a new version of the policy lists (EU, EEA, sanctions, adequacy).
/// Platform admins.
#[server(prefix = "/api", endpoint = "update_policy")]
pub async fn update_policy(
    eu: String,
    eea: String,
    sanctions: String,
    adequacy: String,
    note: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    let input = service::PolicyInput {
        eu,
        eea,
        sanctions,
        adequacy,
        note: note.unwrap_or_default(),
    };
    respond(service::update_policy(&ctx, &admin, &input).await)
}

/// Deletes a site that no request names, with its GPUs and certifications. Platform admins.
#[server(prefix = "/api", endpoint = "delete_site")]
pub async fn delete_site(site: String) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    respond(service::delete_site(&ctx, &admin, &site).await)
}

/// Deletes an operator that runs no site, with its shareholders. Platform admins.
#[server(prefix = "/api", endpoint = "delete_operator")]
pub async fn delete_operator(operator: String) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue::service, error::respond};
    let (ctx, admin) = admin_request().await?;
    respond(service::delete_operator(&ctx, &admin, &operator).await)
}
