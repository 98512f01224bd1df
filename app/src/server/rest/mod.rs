//! The public REST API, `/api/v1`: JSON, versioned, authenticated by personal access tokens
//! (`Authorization: Bearer`). Each route is a thin edge over the same services as the pages'
//! server functions: parse into domain values, call the service, answer JSON or a problem
//! (`problem.rs`). The OpenAPI description is generated from the handlers (utoipa) and served
//! at `/api/v1/openapi.json`; a route is added only through [`api_router`], so the router and
//! the description cannot drift apart.

use axum::{Json, Router};
use utoipa::{
    openapi::security::{HttpAuthScheme, HttpBuilder, SecurityScheme},
    Modify, OpenApi,
};
use utoipa_axum::{router::OpenApiRouter, routes};

use crate::server::state::AppState;

pub mod admin;
pub mod agent;
pub mod body;
pub mod caller;
pub mod catalogue;
pub mod catalogue_admin;
pub mod describe;
pub mod idempotency;
pub mod inbox;
pub mod me;
pub mod members;
pub mod paging;
pub mod problem;
pub mod projects;
pub mod quotas;
pub mod rate;
pub mod repo;
pub mod requests;
pub mod site_agents;
pub mod usage;

/// Where the API lives.
pub const PREFIX: &str = "/api/v1";

#[derive(OpenApi)]
#[openapi(
    info(
        title = "Guichet API",
        version = "1",
        description = "GPU quotas on a sovereign European AI campus: requests, quotas, the \
                       catalogue, capacity and residency rules. Authenticate with a personal \
                       access token made on the account page: `Authorization: Bearer gch_…`."
    ),
    modifiers(&BearerAuth),
    components(schemas(problem::Problem, problem::ProblemField)),
)]
struct ApiDoc;

struct BearerAuth;

impl Modify for BearerAuth {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let components = openapi.components.get_or_insert_with(Default::default);
        components.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some("A personal access token, `gch_` and 43 characters."))
                    .build(),
            ),
        );
        components.add_security_scheme(
            "agent",
            SecurityScheme::Http(
                HttpBuilder::new()
                    .scheme(HttpAuthScheme::Bearer)
                    .description(Some(
                        "A site agent's credential, `gsa_` and 43 characters: only the \
                         /agent/sites/{site}/… routes of its own site.",
                    ))
                    .build(),
            ),
        );
    }
}

/// The problems any operation may answer, documented once for all: 400 (an unreadable query or
/// body), 401 (no valid token), 403 (the token or its person may not), 422 (fields or
/// parameters), 429 (the token's rate limit), and for an operation with a body 413 (too large)
/// and 415 (not JSON).
struct CommonProblems;

impl Modify for CommonProblems {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::{response::ResponseBuilder, ContentBuilder, Ref, RefOr};
        let problem = |description: &str| {
            RefOr::T(
                ResponseBuilder::new()
                    .description(description)
                    .content(
                        "application/problem+json",
                        ContentBuilder::new()
                            .schema(Some(Ref::from_schema_name("Problem")))
                            .build(),
                    )
                    .build(),
            )
        };
        for item in openapi.paths.paths.values_mut() {
            let operations = [
                &mut item.get,
                &mut item.post,
                &mut item.put,
                &mut item.patch,
                &mut item.delete,
            ];
            for op in operations.into_iter().flatten() {
                // A public operation (the description itself) has none of these.
                if op.security.is_none() {
                    continue;
                }
                let with_body = op.request_body.is_some();
                let mut common = vec![
                    ("400", "The query or body could not be read"),
                    ("401", "No valid bearer token"),
                    (
                        "403",
                        "The token's scope or its person's role does not allow this",
                    ),
                    (
                        "422",
                        "Some fields or parameters are not right: every one is named",
                    ),
                    (
                        "429",
                        "The token's rate limit: wait for Retry-After seconds",
                    ),
                ];
                if with_body {
                    common.extend([
                        ("413", "The body is too large"),
                        ("415", "The body is not JSON"),
                    ]);
                }
                for (status, description) in common {
                    op.responses
                        .responses
                        .entry(status.to_owned())
                        .or_insert_with(|| problem(description));
                }
            }
        }
    }
}

/// Every API route with its description.
pub fn api_router() -> OpenApiRouter<AppState> {
    OpenApiRouter::with_openapi(ApiDoc::openapi())
        .routes(routes!(description))
        .routes(routes!(me::me))
        .routes(routes!(catalogue::list_sites))
        .routes(routes!(catalogue::get_site))
        .routes(routes!(catalogue::list_operators))
        .routes(routes!(catalogue::list_gpu_models))
        .routes(routes!(catalogue::capacity))
        .routes(routes!(catalogue::placement))
        .routes(routes!(projects::list_projects))
        .routes(routes!(requests::list_requests, requests::create_request))
        .routes(routes!(requests::get_request, requests::edit_request))
        .routes(routes!(requests::submit_request))
        .routes(routes!(requests::endorse_request))
        .routes(routes!(requests::withdraw_request))
        .routes(routes!(quotas::list_quotas))
        .routes(routes!(quotas::get_quota))
        .routes(routes!(quotas::change_quota))
        .routes(routes!(quotas::renew_quota))
        .routes(routes!(inbox::list_notifications))
        .routes(routes!(inbox::mark_read))
        .routes(routes!(inbox::audit_log))
        .routes(routes!(members::list_members))
        .routes(routes!(members::change_role, members::remove_member))
        .routes(routes!(members::list_invitations, members::invite))
        .routes(routes!(members::revoke_invitation))
        .routes(routes!(admin::queue))
        .routes(routes!(admin::get_request))
        .routes(routes!(admin::decide))
        .routes(routes!(admin::approve_batch))
        .routes(routes!(admin::end_early))
        .routes(routes!(admin::pending_tenants))
        .routes(routes!(admin::verify_tenant))
        .routes(routes!(admin::reject_tenant))
        .routes(routes!(catalogue_admin::set_inventory))
        .routes(routes!(catalogue_admin::add_certification))
        .routes(routes!(catalogue_admin::remove_certification))
        .routes(routes!(catalogue_admin::create_operator))
        .routes(routes!(
            catalogue_admin::update_operator,
            catalogue_admin::delete_operator
        ))
        .routes(routes!(
            catalogue_admin::set_shareholder,
            catalogue_admin::remove_shareholder
        ))
        .routes(routes!(
            catalogue_admin::put_site,
            catalogue_admin::delete_site
        ))
        .routes(routes!(catalogue_admin::update_policy))
        .routes(routes!(
            site_agents::list_agents,
            site_agents::register_agent
        ))
        .routes(routes!(site_agents::rotate_agent))
        .routes(routes!(site_agents::revoke_agent))
        .routes(routes!(site_agents::quota_usage))
        .routes(routes!(agent::desired_state))
        .routes(routes!(agent::slurm_script))
        .routes(routes!(agent::kueue_objects))
        .routes(routes!(agent::post_usage))
}

/// The OpenAPI description of `/api/v1` (its paths relative to [`PREFIX`], which it names as its
/// server).
pub fn openapi() -> utoipa::openapi::OpenApi {
    let (_, mut doc) = api_router().split_for_parts();
    // After the routes joined: it documents their common problems.
    CommonProblems.modify(&mut doc);
    doc.servers = Some(vec![utoipa::openapi::Server::new(PREFIX)]);
    doc
}

/// This description, as JSON (OpenAPI 3.1). Public: the contract is no secret.
#[utoipa::path(get, path = "/openapi.json", tag = "caller",
    responses((status = 200, description = "The OpenAPI description of /api/v1", content_type = "application/json")))]
async fn description() -> Json<&'static utoipa::openapi::OpenApi> {
    static DOC: std::sync::OnceLock<utoipa::openapi::OpenApi> = std::sync::OnceLock::new();
    Json(DOC.get_or_init(openapi))
}

/// The routes to nest at [`PREFIX`]: only those of [`api_router`], so only described ones; any
/// other path is a 404 problem and another method a 405 problem.
pub fn router(state: AppState) -> Router<AppState> {
    let (router, _) = api_router().split_for_parts();
    router
        .fallback(not_found)
        .method_not_allowed_fallback(|| async { problem::method_not_allowed() })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            idempotency::replay_or_keep,
        ))
        .layer(axum::middleware::from_fn_with_state(
            state,
            usage::audit_writes,
        ))
}

/// A 404 problem: what every path under [`PREFIX`] that the description lacks answers.
pub async fn not_found() -> problem::ApiError {
    problem::ApiError(crate::error::AppError::NotFound)
}
