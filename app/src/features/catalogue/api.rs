//! Server functions of the catalogue: the read-only snapshot, and the platform admins' edits.
//! Each edit opens with `admin_request()`, parses its form into checked values (every field's
//! error at once, see `types`), and hands them to the services in `crate::server::catalogue`,
//! which check what needs the database, audit and version the change. An absent field reads as
//! empty (`#[server(default)]`), so it gets its field's error rather than a decoder's message.
// A server function takes one argument per form field.
#![allow(clippy::too_many_arguments)]

use leptos::prelude::*;

#[cfg(feature = "ssr")]
use super::types::{
    is_ticked, parse_operator_ref, parse_site_ref, CertificateRef, CertificationForm,
    GpuInventoryForm, OperatorForm, PolicyForm, ShareholderForm, ShareholderRef, SiteForm,
};
use crate::domain::catalogue::CatalogueSnapshot;
use crate::error::AppError;

/// The whole catalogue (sites, operators, GPUs, certifications) with the
/// policy lists in force. Any signed-in person.
#[server(prefix = "/api", endpoint = "get_catalogue")]
pub async fn get_catalogue() -> Result<CatalogueSnapshot, AppError> {
    use crate::server::{catalogue, error::respond, request_context};
    let ctx = request_context().await?;
    let _user = respond(ctx.user().await)?;
    respond(catalogue::snapshot(&ctx.call()).await)
}

/// Sets the installed GPUs and the reserve of one model at one site. Platform admins.
#[server(prefix = "/api", endpoint = "set_gpu_inventory")]
pub async fn set_gpu_inventory(
    #[server(default)] site: String,
    #[server(default)] model: String,
    #[server(default)] installed: String,
    #[server(default)] reserve: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let form = GpuInventoryForm {
        site,
        model,
        installed,
        reserve,
    };
    let inventory = respond(form.parse())?;
    respond(catalogue::set_gpu_inventory(&ctx.call(), &admin, &inventory).await)
}

/// Adds a certification to a site. Platform admins.
#[server(prefix = "/api", endpoint = "add_certification")]
pub async fn add_certification(
    #[server(default)] site: String,
    #[server(default)] kind: String,
    #[server(default)] hds_activities: String,
    #[server(default)] version: String,
    #[server(default)] eucs_level: String,
    #[server(default)] certificate_id: String,
    #[server(default)] valid_from: String,
    #[server(default)] valid_until: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let form = CertificationForm {
        site,
        kind,
        hds_activities,
        version,
        eucs_level,
        certificate_id,
        valid_from,
        valid_until,
    };
    let certification = respond(form.parse())?;
    respond(catalogue::add_certification(&ctx.call(), &admin, &certification).await)
}

/// Removes a certification from a site. Platform admins.
#[server(prefix = "/api", endpoint = "remove_certification")]
pub async fn remove_certification(
    #[server(default)] site: String,
    #[server(default)] certificate_id: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let certificate = respond(CertificateRef::parse(&site, &certificate_id))?;
    respond(catalogue::remove_certification(&ctx.call(), &admin, &certificate).await)
}

/// Adds or updates (by name) a shareholder of an operator. Platform admins.
#[server(prefix = "/api", endpoint = "set_shareholder")]
pub async fn set_shareholder(
    #[server(default)] operator: String,
    #[server(default)] name: String,
    #[server(default)] country: String,
    #[server(default)] capital: String,
    #[server(default)] voting: String,
    control_rights: Option<String>,
    veto_rights: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let form = ShareholderForm {
        operator,
        name,
        country,
        capital,
        voting,
        control_rights: is_ticked(&control_rights),
        veto_rights: is_ticked(&veto_rights),
    };
    let entry = respond(form.parse())?;
    respond(catalogue::set_shareholder(&ctx.call(), &admin, &entry).await)
}

/// Removes a shareholder (by name) from an operator. Platform admins.
#[server(prefix = "/api", endpoint = "remove_shareholder")]
pub async fn remove_shareholder(
    #[server(default)] operator: String,
    #[server(default)] name: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let shareholder = respond(ShareholderRef::parse(&operator, &name))?;
    respond(catalogue::remove_shareholder(&ctx.call(), &admin, &shareholder).await)
}

/// Adds an operator: its legal name, the countries of its registered office,
/// central administration and main establishment, and its flags. Platform admins.
#[server(prefix = "/api", endpoint = "create_operator")]
pub async fn create_operator(
    #[server(default)] name: String,
    #[server(default)] registered_office: String,
    #[server(default)] central_administration: String,
    #[server(default)] main_establishment: String,
    dpf_certified: Option<String>,
    commercial_organisation: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let form = OperatorForm {
        name,
        registered_office,
        central_administration,
        main_establishment,
        dpf_certified: is_ticked(&dpf_certified),
        commercial_organisation: is_ticked(&commercial_organisation),
    };
    let operator = respond(form.parse())?;
    respond(catalogue::create_operator(&ctx.call(), &admin, &operator).await)
}

/// Changes an operator (named `operator` before the change): its name, offices
/// and flags. Platform admins.
#[server(prefix = "/api", endpoint = "update_operator")]
pub async fn update_operator(
    #[server(default)] operator: String,
    #[server(default)] name: String,
    #[server(default)] registered_office: String,
    #[server(default)] central_administration: String,
    #[server(default)] main_establishment: String,
    dpf_certified: Option<String>,
    commercial_organisation: Option<String>,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let form = OperatorForm {
        name,
        registered_office,
        central_administration,
        main_establishment,
        dpf_certified: is_ticked(&dpf_certified),
        commercial_organisation: is_ticked(&commercial_organisation),
    };
    let (current, fields) = respond(form.parse_change(&operator))?;
    respond(catalogue::update_operator(&ctx.call(), &admin, &current, &fields).await)
}

/// Adds a site: its short name (for addresses; it never changes), name,
/// country, operator and the countries its staff reach tenant data from.
/// Platform admins.
#[server(prefix = "/api", endpoint = "create_site")]
pub async fn create_site(
    #[server(default)] slug: String,
    #[server(default)] name: String,
    #[server(default)] country: String,
    #[server(default)] operator: String,
    #[server(default)] admin_countries: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let form = SiteForm {
        name,
        country,
        operator,
        admin_countries,
    };
    let (slug, site) = respond(form.parse_new(&slug))?;
    respond(catalogue::create_site(&ctx.call(), &admin, &slug, &site).await)
}

/// Changes a site (by its short name, which stays): name, country, operator
/// and access countries. Platform admins.
#[server(prefix = "/api", endpoint = "update_site")]
pub async fn update_site(
    #[server(default)] site: String,
    #[server(default)] name: String,
    #[server(default)] country: String,
    #[server(default)] operator: String,
    #[server(default)] admin_countries: String,
) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let form = SiteForm {
        name,
        country,
        operator,
        admin_countries,
    };
    let (site, fields) = respond(form.parse_change(&site))?;
    respond(catalogue::update_site(&ctx.call(), &admin, &site, &fields).await)
}

/// Stores a new version of the policy lists (EU, EEA, sanctions, adequacy).
/// Platform admins.
#[server(prefix = "/api", endpoint = "update_policy")]
pub async fn update_policy(
    #[server(default)] eu: String,
    #[server(default)] eea: String,
    #[server(default)] sanctions: String,
    #[server(default)] adequacy: String,
    #[server(default)] note: String,
) -> Result<i64, AppError> {
    use crate::server::{catalogue, confirmed_admin_request, error::respond};
    // The lists decide where data may go: a fresh second-factor code first.
    let (ctx, admin) = confirmed_admin_request().await?;
    let form = PolicyForm {
        eu,
        eea,
        sanctions,
        adequacy,
        note,
    };
    let change = respond(form.parse())?;
    respond(catalogue::update_policy(&ctx.call(), &admin, &change).await)
}

/// Deletes a site that no request names, with its GPUs and certifications. Platform admins.
#[server(prefix = "/api", endpoint = "delete_site")]
pub async fn delete_site(#[server(default)] site: String) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let site = respond(parse_site_ref(&site))?;
    respond(catalogue::delete_site(&ctx.call(), &admin, &site).await)
}

/// Deletes an operator that runs no site, with its shareholders. Platform admins.
#[server(prefix = "/api", endpoint = "delete_operator")]
pub async fn delete_operator(#[server(default)] operator: String) -> Result<i64, AppError> {
    use crate::server::{admin_request, catalogue, error::respond};
    let (ctx, admin) = admin_request().await?;
    let operator = respond(parse_operator_ref(&operator, "the operator"))?;
    respond(catalogue::delete_operator(&ctx.call(), &admin, &operator).await)
}
