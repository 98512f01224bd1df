//! The catalogue and the policy lists, edited by platform admin tokens (`admin` scope) through
//! the catalogue admin page's forms and services: every change is checked, audited, versioned,
//! and followed by the residency re-check of open requests. Each answers the new catalogue
//! revision (or policy version).

use axum::{extract::State, http::StatusCode, Json};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::{
    body::{JsonBody, PathParam},
    caller::Caller,
    problem::{ApiResult, Problem},
};
use crate::server::{auth::AdminActor, catalogue, state::AppState, Call};
use crate::wire::catalogue::{
    parse_operator_ref, parse_site_ref, CertificateRef, CertificationForm, GpuInventoryForm,
    OperatorForm, PolicyForm, ShareholderForm, ShareholderRef, SiteForm,
};

/// The version a change made.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiVersion {
    /// The catalogue's revision (or, for the policy lists, their version) after the change.
    pub version: i64,
}

fn admin(caller: &Caller) -> ApiResult<AdminActor> {
    Ok(caller.0.as_platform_admin(true)?)
}

fn done(version: i64) -> ApiResult<Json<ApiVersion>> {
    Ok(Json(ApiVersion { version }))
}

fn created(version: i64) -> ApiResult<(StatusCode, Json<ApiVersion>)> {
    Ok((StatusCode::CREATED, Json(ApiVersion { version })))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct InventoryBody {
    #[schema(maximum = 1000000)]
    pub installed: u32,
    /// Never promised to quotas; at most the installed GPUs.
    #[schema(maximum = 1000000)]
    pub reserve: u32,
}

/// Sets the installed GPUs and the reserve of one model at one site.
#[utoipa::path(put, path = "/admin/catalogue/sites/{site}/gpus/{model}", tag = "administration",
    request_body = InventoryBody,
    params(("site" = String, Path, description = "The site's slug"), ("model" = String, Path, description = "The GPU model")),
    responses(
        (status = 200, description = "The new catalogue revision", body = ApiVersion),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Fewer GPUs than approved quotas hold", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn set_inventory(
    State(state): State<AppState>,
    caller: Caller,
    PathParam((site, model)): PathParam<(String, String)>,
    JsonBody(body): JsonBody<InventoryBody>,
) -> ApiResult<Json<ApiVersion>> {
    let admin = admin(&caller)?;
    let inventory = GpuInventoryForm {
        site,
        model,
        installed: body.installed.to_string(),
        reserve: body.reserve.to_string(),
    }
    .parse()?;
    let call = Call::sessionless(&state, None);
    done(catalogue::set_gpu_inventory(&call, &admin, &inventory).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CertificationBody {
    /// `iso27001`, `hds`, `secnumcloud` or `eucs`.
    pub kind: String,
    /// HDS activities covered (1 to 6), for `hds`.
    #[serde(default)]
    pub hds_activities: Vec<u8>,
    /// E.g. `3.2` for SecNumCloud.
    #[serde(default)]
    pub version: String,
    /// `basic`, `substantial` or `high`, for `eucs`.
    #[serde(default)]
    pub eucs_level: String,
    pub certificate_id: String,
    #[schema(format = Date)]
    pub valid_from: String,
    /// The last day it is valid.
    #[schema(format = Date)]
    pub valid_until: String,
}

/// Adds a certificate to a site.
#[utoipa::path(post, path = "/admin/catalogue/sites/{site}/certifications", tag = "administration",
    request_body = CertificationBody,
    params(("site" = String, Path, description = "The site's slug")),
    responses(
        (status = 201, description = "The new catalogue revision", body = ApiVersion),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "That certificate is there already", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn add_certification(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(site): PathParam<String>,
    JsonBody(body): JsonBody<CertificationBody>,
) -> ApiResult<(StatusCode, Json<ApiVersion>)> {
    let admin = admin(&caller)?;
    let activities: Vec<String> = body.hds_activities.iter().map(u8::to_string).collect();
    let certification = CertificationForm {
        site,
        kind: body.kind,
        hds_activities: activities.join(","),
        version: body.version,
        eucs_level: body.eucs_level,
        certificate_id: body.certificate_id,
        valid_from: body.valid_from,
        valid_until: body.valid_until,
    }
    .parse()?;
    let call = Call::sessionless(&state, None);
    created(catalogue::add_certification(&call, &admin, &certification).await?)
}

/// Removes a certificate from a site.
#[utoipa::path(delete, path = "/admin/catalogue/sites/{site}/certifications/{certificate_id}", tag = "administration",
    params(("site" = String, Path, description = "The site's slug"), ("certificate_id" = String, Path, description = "The certificate's id")),
    responses(
        (status = 200, description = "The new catalogue revision", body = ApiVersion),
        (status = 404, description = "No such certificate", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn remove_certification(
    State(state): State<AppState>,
    caller: Caller,
    PathParam((site, certificate_id)): PathParam<(String, String)>,
) -> ApiResult<Json<ApiVersion>> {
    let admin = admin(&caller)?;
    let certificate = CertificateRef::parse(&site, &certificate_id)?;
    let call = Call::sessionless(&state, None);
    done(catalogue::remove_certification(&call, &admin, &certificate).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OperatorBody {
    pub name: String,
    /// ISO 3166-1 alpha-2 codes.
    pub registered_office: String,
    pub central_administration: String,
    pub main_establishment: String,
    #[serde(default)]
    pub dpf_certified: bool,
    #[serde(default)]
    pub commercial_organisation: bool,
}

impl OperatorBody {
    fn form(self) -> OperatorForm {
        OperatorForm {
            name: self.name,
            registered_office: self.registered_office,
            central_administration: self.central_administration,
            main_establishment: self.main_establishment,
            dpf_certified: self.dpf_certified,
            commercial_organisation: self.commercial_organisation,
        }
    }
}

/// Adds an operator.
#[utoipa::path(post, path = "/admin/catalogue/operators", tag = "administration",
    request_body = OperatorBody,
    responses(
        (status = 201, description = "The new catalogue revision", body = ApiVersion),
        (status = 409, description = "The name is taken", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn create_operator(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<OperatorBody>,
) -> ApiResult<(StatusCode, Json<ApiVersion>)> {
    let admin = admin(&caller)?;
    let operator = body.form().parse()?;
    let call = Call::sessionless(&state, None);
    created(catalogue::create_operator(&call, &admin, &operator).await?)
}

/// Changes an operator, named by its current name.
#[utoipa::path(put, path = "/admin/catalogue/operators/{operator}", tag = "administration",
    request_body = OperatorBody,
    params(("operator" = String, Path, description = "The operator's current name")),
    responses(
        (status = 200, description = "The new catalogue revision", body = ApiVersion),
        (status = 404, description = "No such operator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn update_operator(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(operator): PathParam<String>,
    JsonBody(body): JsonBody<OperatorBody>,
) -> ApiResult<Json<ApiVersion>> {
    let admin = admin(&caller)?;
    let (current, fields) = body.form().parse_change(&operator)?;
    let call = Call::sessionless(&state, None);
    done(catalogue::update_operator(&call, &admin, &current, &fields).await?)
}

/// Deletes an operator that runs no site, with its shareholders.
#[utoipa::path(delete, path = "/admin/catalogue/operators/{operator}", tag = "administration",
    params(("operator" = String, Path, description = "The operator's name")),
    responses(
        (status = 200, description = "The new catalogue revision", body = ApiVersion),
        (status = 404, description = "No such operator", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "It still runs a site", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn delete_operator(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(operator): PathParam<String>,
) -> ApiResult<Json<ApiVersion>> {
    let admin = admin(&caller)?;
    let operator = parse_operator_ref(&operator, "the operator")?;
    let call = Call::sessionless(&state, None);
    done(catalogue::delete_operator(&call, &admin, &operator).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ShareholderBody {
    pub country: String,
    /// Percent of the capital, at most two decimals.
    pub capital: f64,
    pub voting: f64,
    #[serde(default)]
    pub control_rights: bool,
    #[serde(default)]
    pub veto_rights: bool,
}

/// Sets (adds or changes) a shareholder of an operator.
#[utoipa::path(put, path = "/admin/catalogue/operators/{operator}/shareholders/{name}", tag = "administration",
    request_body = ShareholderBody,
    params(("operator" = String, Path, description = "The operator's name"), ("name" = String, Path, description = "The shareholder's name")),
    responses(
        (status = 200, description = "The new catalogue revision", body = ApiVersion),
        (status = 404, description = "No such operator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn set_shareholder(
    State(state): State<AppState>,
    caller: Caller,
    PathParam((operator, name)): PathParam<(String, String)>,
    JsonBody(body): JsonBody<ShareholderBody>,
) -> ApiResult<Json<ApiVersion>> {
    let admin = admin(&caller)?;
    let entry = ShareholderForm {
        operator,
        name,
        country: body.country,
        capital: body.capital.to_string(),
        voting: body.voting.to_string(),
        control_rights: body.control_rights,
        veto_rights: body.veto_rights,
    }
    .parse()?;
    let call = Call::sessionless(&state, None);
    done(catalogue::set_shareholder(&call, &admin, &entry).await?)
}

/// Removes a shareholder of an operator.
#[utoipa::path(delete, path = "/admin/catalogue/operators/{operator}/shareholders/{name}", tag = "administration",
    params(("operator" = String, Path, description = "The operator's name"), ("name" = String, Path, description = "The shareholder's name")),
    responses(
        (status = 200, description = "The new catalogue revision", body = ApiVersion),
        (status = 404, description = "No such shareholder", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn remove_shareholder(
    State(state): State<AppState>,
    caller: Caller,
    PathParam((operator, name)): PathParam<(String, String)>,
) -> ApiResult<Json<ApiVersion>> {
    let admin = admin(&caller)?;
    let shareholder = ShareholderRef::parse(&operator, &name)?;
    let call = Call::sessionless(&state, None);
    done(catalogue::remove_shareholder(&call, &admin, &shareholder).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SiteBody {
    pub name: String,
    /// ISO 3166-1 alpha-2 code.
    pub country: String,
    /// The operator's name.
    pub operator: String,
    /// Where administration and support staff can reach tenant data from (ISO codes).
    #[serde(default)]
    pub admin_countries: Vec<String>,
}

impl SiteBody {
    fn form(self) -> SiteForm {
        SiteForm {
            name: self.name,
            country: self.country,
            operator: self.operator,
            admin_countries: self.admin_countries.join(","),
        }
    }
}

/// Adds a site under a new slug.
#[utoipa::path(put, path = "/admin/catalogue/sites/{site}", tag = "administration",
    request_body = SiteBody,
    params(("site" = String, Path, description = "The site's slug")),
    responses(
        (status = 200, description = "The new catalogue revision", body = ApiVersion),
        (status = 404, description = "No such operator", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn put_site(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(site): PathParam<String>,
    JsonBody(body): JsonBody<SiteBody>,
) -> ApiResult<Json<ApiVersion>> {
    let admin = admin(&caller)?;
    let call = Call::sessionless(&state, None);
    let snapshot = catalogue::snapshot(&call).await?;
    // PUT: the site as sent, whether it exists or not.
    if snapshot.site(site.trim()).is_some() {
        let (site, fields) = body.form().parse_change(&site)?;
        done(catalogue::update_site(&call, &admin, &site, &fields).await?)
    } else {
        let (slug, fields) = body.form().parse_new(&site)?;
        done(catalogue::create_site(&call, &admin, &slug, &fields).await?)
    }
}

/// Deletes a site that no request names, with its GPUs and certifications.
#[utoipa::path(delete, path = "/admin/catalogue/sites/{site}", tag = "administration",
    params(("site" = String, Path, description = "The site's slug")),
    responses(
        (status = 200, description = "The new catalogue revision", body = ApiVersion),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
        (status = 409, description = "Requests name it", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn delete_site(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(site): PathParam<String>,
) -> ApiResult<Json<ApiVersion>> {
    let admin = admin(&caller)?;
    let site = parse_site_ref(&site)?;
    let call = Call::sessionless(&state, None);
    done(catalogue::delete_site(&call, &admin, &site).await?)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PolicyBody {
    /// ISO codes of the EU members.
    pub eu: Vec<String>,
    /// ISO codes of the EEA members (every EU member among them).
    pub eea: Vec<String>,
    /// ISO codes under sanctions.
    pub sanctions: Vec<String>,
    /// Adequacy decisions: `JP`, `CA: commercial_organisations`,
    /// `US: data_privacy_framework_certified`.
    pub adequacy: Vec<String>,
    /// Why the lists change.
    pub note: String,
}

/// Stores a new version of the policy lists; open requests are checked again against it.
#[utoipa::path(put, path = "/admin/policy", tag = "administration",
    request_body = PolicyBody,
    responses((status = 200, description = "The new policy version", body = ApiVersion)),
    security(("bearer" = [])))]
pub async fn update_policy(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(body): JsonBody<PolicyBody>,
) -> ApiResult<Json<ApiVersion>> {
    let admin = admin(&caller)?;
    let change = PolicyForm {
        eu: body.eu.join(","),
        eea: body.eea.join(","),
        sanctions: body.sanctions.join(","),
        adequacy: body.adequacy.join("\n"),
        note: body.note,
    }
    .parse()?;
    let call = Call::sessionless(&state, None);
    done(catalogue::update_policy(&call, &admin, &change).await?)
}
