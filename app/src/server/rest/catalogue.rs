//! What every token reads: the catalogue (operators, sites with their GPUs and certifications,
//! GPU models), capacity over a window, and a placement evaluation: the same services and the
//! same evaluator as the catalogue, capacity and "Where can my data go?" pages.

use axum::{extract::State, Json};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{
    body::{JsonBody, PathParam, QueryParams},
    caller::Caller,
    problem::{ApiResult, Problem},
};
use crate::domain::catalogue::{CatalogueSite, CatalogueSnapshot};
use crate::domain::dates::parse_form_date;
use crate::domain::residency::{Certification, Operator};
use crate::error::{AppError, FieldErrors};
use crate::server::{
    catalogue::{profile_for, snapshot},
    requests::capacity::free_over,
    state::AppState,
    Call,
};
use crate::wire::placement::{evaluate_every_site, PlacementForm};

/// A legal entity that runs sites.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiOperator {
    pub id: i64,
    pub name: String,
    /// ISO 3166-1 alpha-2 codes.
    pub registered_office: String,
    pub central_administration: String,
    pub main_establishment: String,
    pub shareholders: Vec<ApiShareholder>,
    pub dpf_certified: bool,
    pub commercial_organisation: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiShareholder {
    pub name: String,
    pub country: String,
    /// Percent of the capital, two decimals.
    pub capital_percent: f64,
    pub voting_percent: f64,
    pub control_rights: bool,
    pub veto_rights: bool,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiCertification {
    /// `iso27001`, `hds`, `secnumcloud` or `eucs`.
    pub kind: String,
    pub hds_activities: Vec<u8>,
    pub version: Option<String>,
    /// `basic`, `substantial` or `high` (EUCS).
    pub eucs_level: Option<String>,
    pub certificate_id: String,
    pub valid_from: String,
    /// The last day it is valid.
    pub valid_until: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiGpuPool {
    pub model: String,
    pub installed: u32,
    /// Never promised to quotas.
    pub reserve: u32,
    pub available: u32,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ApiSite {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub in_eea: bool,
    pub operator: String,
    /// Countries from which administration staff can reach tenant data.
    pub admin_access_countries: Vec<String>,
    pub certifications: Vec<ApiCertification>,
    pub gpus: Vec<ApiGpuPool>,
}

/// A GPU model and where it is installed.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiGpuModel {
    pub model: String,
    pub sites: Vec<String>,
    pub installed: u32,
    pub available: u32,
}

/// A list with the catalogue revision and policy version it was read at.
#[derive(Debug, Serialize, ToSchema)]
pub struct Versioned<T> {
    pub catalogue_revision: i64,
    pub policy_version: i64,
    pub items: Vec<T>,
}

fn percent(basis_points: u16) -> f64 {
    f64::from(basis_points) / 100.0
}

fn operator(id: i64, o: &Operator) -> ApiOperator {
    ApiOperator {
        id,
        name: o.name.clone(),
        registered_office: o.registered_office.as_str().to_owned(),
        central_administration: o.central_administration.as_str().to_owned(),
        main_establishment: o.main_establishment.as_str().to_owned(),
        shareholders: o
            .shareholders
            .iter()
            .map(|s| ApiShareholder {
                name: s.name.clone(),
                country: s.country.as_str().to_owned(),
                capital_percent: percent(s.capital.basis_points()),
                voting_percent: percent(s.voting.basis_points()),
                control_rights: s.control_rights,
                veto_rights: s.veto_rights,
            })
            .collect(),
        dpf_certified: o.dpf_certified,
        commercial_organisation: o.commercial_organisation,
    }
}

fn certification(c: &Certification) -> ApiCertification {
    let json = |v: serde_json::Value| v.as_str().map(str::to_owned);
    ApiCertification {
        kind: json(serde_json::to_value(c.kind).unwrap_or_default()).unwrap_or_default(),
        hds_activities: c.hds_activities.clone(),
        version: c.version.clone(),
        eucs_level: c
            .eucs_level
            .and_then(|l| json(serde_json::to_value(l).unwrap_or_default())),
        certificate_id: c.certificate_id.clone(),
        valid_from: c.valid_from.to_string(),
        valid_until: c.valid_until.to_string(),
    }
}

fn site(catalogue: &CatalogueSnapshot, s: &CatalogueSite) -> ApiSite {
    let p = &s.profile;
    ApiSite {
        slug: p.slug.clone(),
        name: p.name.clone(),
        country: p.country.as_str().to_owned(),
        in_eea: catalogue.policy.is_eea(p.country),
        operator: p.operator.name.clone(),
        admin_access_countries: p
            .admin_access_countries
            .iter()
            .map(|c| c.as_str().to_owned())
            .collect(),
        certifications: p.certifications.iter().map(certification).collect(),
        gpus: s
            .gpus
            .iter()
            .map(|g| ApiGpuPool {
                model: g.model.clone(),
                installed: g.installed,
                reserve: g.reserve,
                available: g.available(),
            })
            .collect(),
    }
}

fn versioned<T>(catalogue: &CatalogueSnapshot, items: Vec<T>) -> Versioned<T> {
    Versioned {
        catalogue_revision: catalogue.revision,
        policy_version: catalogue.policy.version,
        items,
    }
}

async fn read_catalogue(state: &AppState, caller: &Caller) -> ApiResult<CatalogueSnapshot> {
    caller.viewer(state).await?;
    Ok(snapshot(&Call::sessionless(state, None)).await?)
}

/// The catalogue's sites, with their GPUs and certifications.
#[utoipa::path(get, path = "/catalogue/sites", tag = "catalogue",
    responses(
        (status = 200, description = "Every site", body = Versioned<ApiSite>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list_sites(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Versioned<ApiSite>>> {
    let catalogue = read_catalogue(&state, &caller).await?;
    let items = catalogue
        .sites
        .iter()
        .map(|s| site(&catalogue, s))
        .collect();
    Ok(Json(versioned(&catalogue, items)))
}

/// One site by its slug.
#[utoipa::path(get, path = "/catalogue/sites/{slug}", tag = "catalogue",
    params(("slug" = String, Path, description = "The site's short name")),
    responses(
        (status = 200, description = "The site", body = ApiSite),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 404, description = "No such site", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn get_site(
    State(state): State<AppState>,
    caller: Caller,
    PathParam(slug): PathParam<String>,
) -> ApiResult<Json<ApiSite>> {
    let catalogue = read_catalogue(&state, &caller).await?;
    let found = catalogue.site(&slug).ok_or(AppError::NotFound)?;
    Ok(Json(site(&catalogue, found)))
}

/// The operators, whether or not they run a site yet.
#[utoipa::path(get, path = "/catalogue/operators", tag = "catalogue",
    responses(
        (status = 200, description = "Every operator", body = Versioned<ApiOperator>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list_operators(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Versioned<ApiOperator>>> {
    let catalogue = read_catalogue(&state, &caller).await?;
    let items = catalogue
        .operators
        .iter()
        .map(|o| operator(o.id, &o.operator))
        .collect();
    Ok(Json(versioned(&catalogue, items)))
}

/// The GPU models offered, with where they are and how many.
#[utoipa::path(get, path = "/catalogue/gpu-models", tag = "catalogue",
    responses(
        (status = 200, description = "Every model", body = Versioned<ApiGpuModel>),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn list_gpu_models(
    State(state): State<AppState>,
    caller: Caller,
) -> ApiResult<Json<Versioned<ApiGpuModel>>> {
    let catalogue = read_catalogue(&state, &caller).await?;
    let items = catalogue
        .gpu_models()
        .into_iter()
        .map(|model| {
            let pools: Vec<_> = catalogue
                .sites
                .iter()
                .filter_map(|s| s.pool(&model).map(|p| (s, p)))
                .collect();
            ApiGpuModel {
                sites: pools.iter().map(|(s, _)| s.profile.slug.clone()).collect(),
                installed: pools.iter().map(|(_, p)| p.installed).sum(),
                available: pools.iter().map(|(_, p)| p.available()).sum(),
                model,
            }
        })
        .collect();
    Ok(Json(versioned(&catalogue, items)))
}

/// The window and model of a capacity question.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct CapacityQuery {
    /// The first day, `YYYY-MM-DD`.
    #[param(format = Date)]
    pub start: String,
    /// The first day after the window, `YYYY-MM-DD` (as every window of the API).
    #[param(format = Date)]
    pub end: String,
    /// Only this GPU model.
    pub gpu_model: Option<String>,
}

/// One pool's free GPUs over the window.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPoolFree {
    pub site: String,
    pub site_name: String,
    pub gpu_model: String,
    /// Installed less the reserve.
    pub available: u32,
    /// What no approved quota holds on any day of the window.
    pub free: u32,
}

/// Free GPUs per site and model over a window.
#[utoipa::path(get, path = "/capacity", tag = "capacity",
    params(CapacityQuery),
    responses(
        (status = 200, description = "Every pool's free GPUs", body = [ApiPoolFree]),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad window", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn capacity(
    State(state): State<AppState>,
    caller: Caller,
    QueryParams(query): QueryParams<CapacityQuery>,
) -> ApiResult<Json<Vec<ApiPoolFree>>> {
    let viewer = caller.viewer(&state).await?;
    let mut errors = FieldErrors::default();
    let start = errors.check("start", parse_form_date(&query.start, "start"));
    let end = errors.check("end", parse_form_date(&query.end, "end"));
    errors.finish()?;
    let (Some(start), Some(end)) = (start, end) else {
        return Err(AppError::Internal.into());
    };
    if end <= start {
        return Err(AppError::validation("end", "The window ends before it starts.").into());
    }
    if (end - start).whole_days() > 3 * 366 {
        return Err(AppError::validation("end", "Ask about at most three years at once.").into());
    }
    let pools = free_over(&state, &viewer, start, end, query.gpu_model.as_deref()).await?;
    Ok(Json(
        pools
            .into_iter()
            .map(|p| ApiPoolFree {
                site: p.site_slug,
                site_name: p.site_name,
                gpu_model: p.gpu_model,
                available: p.available,
                free: p.free,
            })
            .collect(),
    ))
}

/// A data classification, as the API names it.
#[derive(ToSchema)]
#[schema(rename_all = "lowercase")]
#[allow(dead_code)] // Describes the strings the API reads; `Classification::parse` reads them.
pub enum ApiClassification {
    Public,
    Confidential,
    Personal,
    Health,
    Sensitive,
}

/// A placement question: a classification and a window.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PlacementQuestion {
    /// The data the GPUs will process.
    #[schema(value_type = ApiClassification)]
    pub classification: String,
    /// The first day, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub start: String,
    /// The first day after the window, `YYYY-MM-DD`.
    #[schema(format = Date)]
    pub end: String,
    /// Confidential data: the tenant waives EEA placement (rule C1).
    #[serde(default)]
    pub confidential_waiver: bool,
    /// Health data: the operator administers the tenant's systems (HDS activity 5).
    #[serde(default)]
    pub operator_administers_systems: bool,
    /// Health data: the operator backs up the tenant's data (HDS activity 6).
    #[serde(default)]
    pub operator_backs_up: bool,
}

/// One rule's finding for a site.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiFinding {
    /// The rule id (`G1`, `H1`, `S2`…): see the domain's rules.
    pub rule: String,
    pub passed: bool,
    pub reason: String,
}

/// One site's decision.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiSiteDecision {
    pub site: String,
    pub name: String,
    pub country: String,
    pub in_eea: bool,
    pub operator: String,
    pub eligible: bool,
    pub waiver_applied: bool,
    /// Failed findings first.
    pub findings: Vec<ApiFinding>,
}

/// Every site's decision, with the versions it was made with.
#[derive(Debug, Serialize, ToSchema)]
pub struct ApiPlacement {
    pub policy_version: i64,
    pub catalogue_revision: i64,
    pub sites: Vec<ApiSiteDecision>,
}

/// Evaluates every site for the caller's tenant (a French tenant for a platform token): the
/// same evaluator as the "Where can my data go?" page.
#[utoipa::path(post, path = "/placement", tag = "capacity",
    request_body = PlacementQuestion,
    responses(
        (status = 200, description = "Every site's decision", body = ApiPlacement),
        (status = 401, description = "No valid bearer token", body = Problem, content_type = "application/problem+json"),
        (status = 422, description = "A bad question, every field named", body = Problem, content_type = "application/problem+json"),
    ),
    security(("bearer" = [])))]
pub async fn placement(
    State(state): State<AppState>,
    caller: Caller,
    JsonBody(question): JsonBody<PlacementQuestion>,
) -> ApiResult<Json<ApiPlacement>> {
    let viewer = caller.viewer(&state).await?;
    let form = PlacementForm {
        classification: question.classification,
        start: question.start,
        end: question.end,
        waiver: question.confidential_waiver,
        administers: question.operator_administers_systems,
        backs_up: question.operator_backs_up,
    };
    let request = form.to_request()?;
    let tenant = profile_for(&state, &viewer).await?;
    let catalogue = snapshot(&Call::sessionless(&state, None)).await?;
    let outcome = evaluate_every_site(&request, &tenant, &catalogue);
    Ok(Json(ApiPlacement {
        policy_version: outcome.policy_version,
        catalogue_revision: outcome.catalogue_revision,
        sites: outcome
            .sites
            .into_iter()
            .map(|s| ApiSiteDecision {
                site: s.slug,
                name: s.name,
                country: s.country,
                in_eea: s.in_eea,
                operator: s.operator,
                eligible: s.evaluation.eligible,
                waiver_applied: s.evaluation.waiver_applied,
                findings: s
                    .evaluation
                    .findings
                    .into_iter()
                    .map(|f| ApiFinding {
                        rule: f.rule.as_str().to_owned(),
                        passed: f.passed,
                        reason: f.reason,
                    })
                    .collect(),
            })
            .collect(),
    }))
}
