//! Fixtures: the arguments of each call, and the objects they name, created first.

use serde_json::Value;
use time::{Duration, OffsetDateTime};

use crate::common::*;
use crate::{matrix::*, *};

mod objects;
pub(crate) use objects::*;

// ---------------------------------------------------------------------------------------------
// Fixtures: the arguments of each call, and the objects they name, created first.
// ---------------------------------------------------------------------------------------------

/// What a cell sends.
#[derive(Clone, Debug)]
pub(crate) enum Prepared {
    Call(Vec<(String, String)>),
    Get(String),
    /// A browser's multipart upload of the test PDF to this path.
    Upload(String),
    /// A browser's plain form (no fields) posted to this path.
    Post(String),
}

/// Server functions that change nothing: their six actors share one database.
pub(crate) const READ_ONLY_FUNCTIONS: &[&str] = &[
    "whoami",
    "sign_in_providers",
    "join_offers",
    "join_requests",
    "my_tenants",
    "invitation",
    "account",
    "organisation",
    "tenant_queue",
    "audit_events",
    "my_tenant_profile",
    "evaluate_placement",
    "get_catalogue",
    "list_requests",
    "get_request",
    "request_form_options",
    "request_queue",
    "list_notifications",
    "unread_notifications",
    "capacity_overview",
    "review_thread",
    "list_api_tokens",
    "api_reference",
    "support_contact",
    "search",
    "list_site_agents",
    "my_site_logins",
    "quota_usage",
    "usage_pools",
    "usage_thresholds",
    "list_jobs",
    "email_choices",
];

pub(crate) fn is_read_only(row: &Row) -> bool {
    row.kind == Kind::Route || READ_ONLY_FUNCTIONS.contains(&row.name.as_str())
}

pub(crate) fn form(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

pub(crate) fn day(offset: i64) -> String {
    (OffsetDateTime::now_utc().date() + Duration::days(offset)).to_string()
}

/// The form fields of a server function's call, after creating what it names.
pub(crate) async fn function_fixture(
    app: &TestApp,
    endpoint: &str,
) -> Result<Vec<(String, String)>, String> {
    Ok(match endpoint {
        // Public, and the person's own account.
        "whoami" | "my_tenants" | "logout" | "account" | "sign_out_everywhere" => vec![],
        "login" => form(&[("email", UNIV_MEMBER), ("password", DEMO_PASSWORD)]),
        "signup" => signup_form(),
        "confirm_signup" => form(&[("token", &signup_token(app).await?)]),
        "request_password_reset" => form(&[("email", UNIV_AUDITOR)]),
        "reset_password" => form(&[
            ("token", &reset_token(app).await?),
            ("new_password", STRONG_PASSWORD),
        ]),
        "request_email_change" => form(&[
            ("new_email", "someone.new@labo.test"),
            ("current_password", DEMO_PASSWORD),
        ]),
        "confirm_email_change" => form(&[("token", &email_change_token(app).await?)]),
        // Federated sign-in: the matrix's portal has no identity provider, so nobody has an
        // address to confirm, a link to remove or an organisation to join (the flows, with a real
        // provider: `suite/federated_sign_in.rs`); a well-formed link nobody was sent is not found.
        "sign_in_providers" | "resend_email_verification" | "join_offers" | "join_requests" => {
            vec![]
        }
        "confirm_email_verification" => form(&[("token", &app::server::token::new_token())]),
        "unlink_provider" => form(&[("id", "1")]),
        "ask_to_join" => form(&[("tenant", "univ-palaiseau")]),
        "decide_join_request" => form(&[
            ("request_id", &join_request(app).await?.to_string()),
            ("accept", "true"),
        ]),
        // The second factor: no actor has one, so there is nothing to confirm, turn off or renew,
        // and no sign-in waits for a code (the flows themselves: `suite/second_factor.rs`).
        "begin_second_factor" | "pending_second_factor" => vec![],
        "confirm_second_factor"
        | "turn_off_second_factor"
        | "renew_recovery_codes"
        | "login_code"
        | "confirm_with_code" => form(&[("code", "123456")]),
        "list_api_tokens" | "api_reference" | "support_contact" => vec![],
        // A read token of the university, which only its people may make.
        "create_api_token" => form(&[
            ("name", "matrix"),
            ("tenant", "univ-palaiseau"),
            ("scope", "read"),
            ("expires_on", &day(30)),
        ]),
        "revoke_api_token" => form(&[("id", &member_token(app).await?.to_string())]),
        "change_password" => form(&[
            ("current_password", DEMO_PASSWORD),
            ("new_password", STRONG_PASSWORD),
        ]),
        "change_time_zone" => form(&[("time_zone", "America/Montreal")]),
        "choose_language" => form(&[("language", "en")]),
        "search" => form(&[("q", "climate")]),
        "invitation" => form(&[("token", &invitation(app).await?.1)]),
        "accept_invitation" => form(&[
            ("token", &invitation(app).await?.1),
            ("name", "Nouvelle Personne"),
            ("password", STRONG_PASSWORD),
        ]),
        "switch_tenant" => form(&[("tenant_slug", "univ-palaiseau")]),

        // The organisation.
        "organisation" | "leave_organisation" => vec![],
        "invite_member" => form(&[("email", INVITEE), ("role", "member")]),
        "revoke_invitation" => form(&[("invitation_id", &invitation(app).await?.0.to_string())]),
        "change_member_role" => form(&[
            ("user_id", &user_id(app, UNIV_MEMBER).await?.to_string()),
            ("role", "auditor"),
        ]),
        "remove_member" => form(&[("user_id", &user_id(app, UNIV_MEMBER).await?.to_string())]),

        // Platform administration of tenants, and the audit log.
        "tenant_queue" | "audit_events" => vec![],
        "people" => form(&[("q", "martin")]),
        "organisation_details" => vec![],
        "update_organisation" => form(&[
            ("org_name", "Université de Palaiseau"),
            ("kind", "university"),
            ("country", "FR"),
            ("registration_id", "261973069"),
            ("sector", "education"),
            ("parent_country", "FR"),
        ]),
        "change_account" => form(&[
            (
                "user_id",
                &scalar_id(app, "SELECT id FROM users WHERE email = $1", UNIV_AUDITOR)
                    .await?
                    .to_string(),
            ),
            ("change", "disable"),
        ]),
        "suspend_tenant" => form(&[
            (
                "tenant_id",
                &tenant_id(app, "univ-palaiseau").await?.to_string(),
            ),
            ("reason", "Matrix: a suspension."),
        ]),
        "lift_suspension" => {
            let id = tenant_id(app, "univ-palaiseau").await?.to_string();
            let mut admin = sign_in(app, ADMIN).await?;
            must(
                &mut admin,
                "suspend_tenant",
                &form(&[("tenant_id", &id), ("reason", "Matrix: to be lifted.")]),
            )
            .await?;
            form(&[("tenant_id", &id)])
        }
        "verify_tenant" => form(&[(
            "tenant_id",
            &tenant_id(app, "mobilis-ia").await?.to_string(),
        )]),
        "reject_tenant" => form(&[
            (
                "tenant_id",
                &tenant_id(app, "mobilis-ia").await?.to_string(),
            ),
            ("reason", "The registration number names another company."),
        ]),

        // Placement and the catalogue.
        "my_tenant_profile" | "get_catalogue" => vec![],
        "evaluate_placement" => form(&[
            ("classification", "public"),
            ("start", &day(10)),
            ("end", &day(40)),
        ]),
        "set_gpu_inventory" => form(&[
            ("site", "dugny"),
            ("model", "H100"),
            ("installed", "300"),
            ("reserve", "0"),
        ]),
        "add_certification" => certification_form(),
        "remove_certification" => {
            let mut admin = sign_in(app, ADMIN).await?;
            must(&mut admin, "add_certification", &certification_form()).await?;
            form(&[("site", "dugny"), ("certificate_id", "ISO-MATRIX-1")])
        }
        "set_shareholder" => form(&[
            ("operator", &idf_operator(app).await?),
            ("name", "MGX"),
            ("country", "AE"),
            ("capital", "24"),
            ("voting", "24"),
        ]),
        "remove_shareholder" => form(&[("operator", &idf_operator(app).await?), ("name", "MGX")]),
        "create_operator" => new_operator_form(),
        "delete_operator" => {
            let mut admin = sign_in(app, ADMIN).await?;
            must(&mut admin, "create_operator", &new_operator_form()).await?;
            form(&[("operator", "Matrix Compute SAS")])
        }
        "update_operator" => {
            let operator = idf_operator(app).await?;
            form(&[
                ("operator", &operator),
                ("name", &operator),
                ("registered_office", "FR"),
                ("central_administration", "FR"),
                ("main_establishment", "FR"),
                ("dpf_certified", "true"),
                ("commercial_organisation", "true"),
            ])
        }
        "create_site" => new_site_form(app).await?,
        "delete_site" => {
            let mut admin = sign_in(app, ADMIN).await?;
            must(&mut admin, "create_site", &new_site_form(app).await?).await?;
            form(&[("site", "matrix-site")])
        }
        "update_site" => form(&[
            ("site", "dugny"),
            ("name", "Dugny data centre"),
            ("country", "FR"),
            ("operator", "Dugny Data Centre SAS"),
            ("admin_countries", "FR, DE"),
        ]),
        "update_policy" => {
            let mut admin = sign_in(app, ADMIN).await?;
            let snapshot = catalogue(&mut admin).await?;
            let codes = |key: &str| {
                snapshot["policy"][key]
                    .as_array()
                    .map(|list| {
                        list.iter()
                            .filter_map(Value::as_str)
                            .collect::<Vec<_>>()
                            .join(", ")
                    })
                    .ok_or_else(|| format!("no `{key}` list in the policy"))
            };
            form(&[
                ("eu", &codes("eu")?),
                ("eea", &codes("eea")?),
                ("sanctions", "RU"),
                ("adequacy", "JP"),
                ("note", "The authorization matrix."),
            ])
        }

        // Quota requests.
        "list_requests"
        | "request_queue"
        | "list_notifications"
        | "unread_notifications"
        | "mark_notifications_read"
        | "capacity_overview" => vec![],
        "get_request" | "endorse_request" | "withdraw_request" => {
            form(&[("id", &member_request(app, "submit").await?.to_string())])
        }
        "submit_request" => form(&[("id", &member_request(app, "draft").await?.to_string())]),
        "request_form_options" => form(&[
            ("classification", "public"),
            ("gpu_model", "H100"),
            ("start_date", &day(10)),
            ("end_date", &day(40)),
        ]),
        "save_request" => {
            let mut fields = request_form("matrix-new", "draft");
            fields.push(("project".into(), member_project(app).await?.to_string()));
            fields
        }

        // Projects: their own function, boxed (one match of every fixture made a future whose
        // poll overflowed a test thread's stack in debug builds).
        "list_projects"
        | "project"
        | "create_project"
        | "update_project"
        | "set_project_member"
        | "remove_project_member"
        | "set_endorsement" => return Box::pin(project_fixture(app, endpoint)).await,
        // The review conversation: boxed likewise.
        "review_thread" | "post_comment" => return Box::pin(review_fixture(app, endpoint)).await,
        "amend_quota" => form(&[
            ("id", &approved_quota(app).await?.to_string()),
            ("kind", "change"),
            ("idempotency_key", "matrix-change"),
            ("gpus", "20"),
            (
                "justification",
                "The model grew; the campus needs four more GPUs.",
            ),
        ]),
        "decide_request" => form(&[
            ("id", &endorsed_request(app).await?.to_string()),
            ("decision", "approve"),
        ]),
        "approve_requests" => form(&[("ids[]", &endorsed_request(app).await?.to_string())]),
        "end_quota_early" => form(&[
            ("id", &approved_quota(app).await?.to_string()),
            ("gpus", "2"),
            ("reason", "Half the nodes are down for maintenance."),
        ]),

        // Site agents, logins at sites and usage: boxed likewise.
        "list_site_agents"
        | "register_site_agent"
        | "rotate_site_agent"
        | "revoke_site_agent"
        | "my_site_logins"
        | "set_site_login"
        | "quota_usage"
        | "usage_pools"
        | "usage_thresholds"
        | "set_usage_thresholds" => return Box::pin(agent_fixture(app, endpoint)).await,

        // Jobs and e-mail.
        "list_jobs" | "email_choices" => vec![],
        "choose_emails" => form(&[
            ("requests", "digest"),
            ("quotas", "immediate"),
            ("compliance", "never"),
        ]),
        "retry_mail" => {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO email_outbox (to_email, subject, body, created_at, attempts, failed_at, last_error) \
                 VALUES ('matrix@mail.test', 'Matrix', 'Hello.', 0, 5, 1, '451 later') RETURNING id",
            )
            .fetch_one(app.owner_pool())
            .await
            .map_err(|e| e.to_string())?;
            form(&[("id", &id.to_string())])
        }

        other => {
            return Err(format!(
                "no fixture for the server function `{other}`: add its arguments to \
                 `function_fixture` in server/tests/authorization_matrix/fixtures.rs"
            ))
        }
    })
}

/// The arguments of the site-agent, site-login and usage server functions.
async fn agent_fixture(app: &TestApp, name: &str) -> Result<Vec<(String, String)>, String> {
    Ok(match name {
        "list_site_agents" | "my_site_logins" | "usage_pools" | "usage_thresholds" => vec![],
        "register_site_agent" => form(&[
            ("site", "dugny"),
            ("name", "matrix agent"),
            ("cluster", "matrix"),
            ("lead_days", "7"),
        ]),
        "rotate_site_agent" | "revoke_site_agent" => {
            let secret = format!("gsa_{}", app::server::token::new_token());
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO site_agents (site_id, name, cluster, prefix, secret_hash, created_by, created_at) \
                 SELECT s.id, 'matrix', 'matrix', $1, $2, (SELECT MIN(id) FROM users), 0 FROM sites s \
                 WHERE s.slug = 'dugny' RETURNING id",
            )
            .bind(&secret[..10])
            .bind(app::server::token::hash_token(&secret))
            .fetch_one(app.owner_pool())
            .await
            .map_err(|e| e.to_string())?;
            form(&[("id", &id.to_string())])
        }
        "set_site_login" => form(&[("site", "dugny"), ("login", "matrix")]),
        "quota_usage" => form(&[("id", &approved_quota(app).await?.to_string())]),
        "set_usage_thresholds" => form(&[("levels", "50, 90")]),
        other => return Err(format!("no agent fixture for `{other}`")),
    })
}

/// The arguments of the project server functions.
async fn project_fixture(app: &TestApp, name: &str) -> Result<Vec<(String, String)>, String> {
    Ok(match name {
        "list_projects" => vec![],
        "project" => form(&[("id", &member_project(app).await?.to_string())]),
        "create_project" => form(&[
            ("code", "matrix-project"),
            ("title", "Matrix project"),
            ("description", ""),
            ("sector", "research"),
            ("start_date", &day(1)),
            ("end_date", ""),
        ]),
        "update_project" => form(&[
            ("id", &member_project(app).await?.to_string()),
            ("title", "Climate and Earth system"),
            ("description", "Edited by the matrix."),
            ("sector", "research"),
            ("start_date", &day(-30)),
            ("end_date", ""),
        ]),
        "set_project_member" => form(&[
            ("project_id", &member_project(app).await?.to_string()),
            ("email", UNIV_OWNER),
            ("role", "viewer"),
        ]),
        "remove_project_member" => {
            let project = member_project(app).await?;
            let mut owner = sign_in(app, UNIV_OWNER).await?;
            must(
                &mut owner,
                "set_project_member",
                &form(&[
                    ("project_id", &project.to_string()),
                    ("email", UNIV_OWNER),
                    ("role", "viewer"),
                ]),
            )
            .await?;
            let (user,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
                .bind(UNIV_OWNER)
                .fetch_one(app.owner_pool())
                .await
                .map_err(|e| e.to_string())?;
            form(&[
                ("project_id", &project.to_string()),
                ("user_id", &user.to_string()),
            ])
        }
        "set_endorsement" => form(&[("endorsement", "owners_and_leads")]),
        other => return Err(format!("no project fixture for `{other}`")),
    })
}

/// The path of a route, after creating what it names.
pub(crate) async fn route_fixture(app: &TestApp, route: &str) -> Result<String, String> {
    Ok(match route {
        "/"
        | "/login"
        | "/password/forgot"
        | "/login/code"
        | "/accessibility"
        | "/signup"
        | "/account"
        | "/organisation"
        | "/audit"
        | "/catalogue"
        | "/placement"
        | "/requests"
        | "/requests/new"
        | "/admin/tenants"
        | "/admin/people"
        | "/admin/catalogue"
        | "/admin/requests"
        | "/admin/agents"
        | "/admin/usage"
        | "/admin/jobs"
        | "/capacity"
        | "/notifications"
        | "/healthz"
        | "/readyz"
        | "/projects"
        | "/requests.csv"
        | "/quotas.csv"
        | "/admin/requests.csv"
        | "/audit.csv"
        | "/account/tokens"
        | "/api/docs"
        | "/api/v1/" => route.to_string(),
        "/search" => "/search?q=climate".to_string(),
        "/invitations/:token" => format!("/invitations/{}", invitation(app).await?.1),
        "/signup/confirm/:token" => format!("/signup/confirm/{}", signup_token(app).await?),
        "/password/reset/:token" => format!("/password/reset/{}", reset_token(app).await?),
        "/email/confirm/:token" => format!("/email/confirm/{}", email_change_token(app).await?),
        "/email/verify/:token" => format!("/email/verify/{}", app::server::token::new_token()),
        "/auth/oidc/:provider/callback" => "/auth/oidc/test/callback?code=c&state=s".to_string(),
        "/requests/:id" => format!("/requests/{}", member_request(app, "submit").await?),
        "/projects/:id" => format!("/projects/{}", member_project(app).await?),
        "/requests/:id/edit" => format!("/requests/{}/edit", member_request(app, "draft").await?),
        "/requests/:id/attachments" | "/requests/:id/attachments/:attachment" => {
            return Box::pin(attachment_route_fixture(app, route)).await
        }
        other => {
            return Err(format!(
                "no fixture for the route `{other}`: add its path to `route_fixture` in \
                 server/tests/authorization_matrix/fixtures.rs"
            ))
        }
    })
}

pub(crate) async fn prepare(app: &TestApp, row: &Row) -> Result<Prepared, String> {
    match row.kind {
        // Boxed: the fixtures' futures are large, and the cells run on small test-thread stacks.
        Kind::Function => Box::pin(function_fixture(app, &row.name))
            .await
            .map(Prepared::Call),
        Kind::Route if row.name == UPLOAD_ROUTE => Box::pin(route_fixture(app, &row.name))
            .await
            .map(Prepared::Upload),
        // Starting a federated sign-in or a link: forms posted to an identity provider's id.
        Kind::Route if POST_ROUTES.contains(&row.name.as_str()) => {
            Ok(Prepared::Post(row.name.replace(":provider", "test")))
        }
        Kind::Route => Box::pin(route_fixture(app, &row.name))
            .await
            .map(Prepared::Get),
    }
}

/// The route that takes a document uploaded to a request (`Prepared::Upload`).
pub(crate) const UPLOAD_ROUTE: &str = "/requests/:id/attachments";

/// The routes a plain form posts to (`Prepared::Post`).
pub(crate) const POST_ROUTES: &[&str] = &["/auth/oidc/:provider", "/auth/oidc/:provider/link"];

/// A person (Paul, of Mobilis IA) asking to join the university, as an identity provider would
/// have offered them.
async fn join_request(app: &TestApp) -> Result<i64, String> {
    sqlx::query_scalar(
        "INSERT INTO join_requests (tenant_id, user_id, provider, created_at) \
         SELECT t.id, u.id, 'test', 0 FROM tenants t, users u \
         WHERE t.slug = 'univ-palaiseau' AND u.email = 'paul.moreau@mobilis-ia.test' RETURNING id",
    )
    .fetch_one(app.owner_pool())
    .await
    .map_err(|e| format!("a request to join: {e}"))
}

/// The review conversation's functions name a submitted request of the university's member (in
/// `climate`); `post_comment` sends a comment.
async fn review_fixture(app: &TestApp, endpoint: &str) -> Result<Vec<(String, String)>, String> {
    let id = member_request(app, "submit").await?.to_string();
    Ok(match endpoint {
        "review_thread" => form(&[("id", &id)]),
        "post_comment" => form(&[("id", &id), ("body", "The DPIA is attached.")]),
        other => return Err(format!("no fixture for the server function `{other}`")),
    })
}

/// The attachment routes name a submitted request of the university's member: the upload its
/// path, the download a PDF the member attached to it first.
async fn attachment_route_fixture(app: &TestApp, route: &str) -> Result<String, String> {
    let id = member_request(app, "submit").await?;
    if route == UPLOAD_ROUTE {
        return Ok(format!("/requests/{id}/attachments"));
    }
    let mut member = sign_in(app, UNIV_MEMBER).await?;
    let uploaded = member
        .upload(id, "dpia", &crate::common::review::FilePart::pdf())
        .await;
    let attachment = serde_json::from_str::<Value>(&uploaded.body)
        .ok()
        .and_then(|v| v["id"].as_i64())
        .ok_or_else(|| format!("the member's upload: {} {}", uploaded.status, uploaded.body))?;
    Ok(format!("/requests/{id}/attachments/{attachment}"))
}

/// A token of the university's member (made on the account page): its id.
async fn member_token(app: &TestApp) -> Result<i64, String> {
    let mut member = sign_in(app, UNIV_MEMBER).await?;
    let made = member
        .call(
            "create_api_token",
            &[
                ("name", "to revoke"),
                ("tenant", "univ-palaiseau"),
                ("scope", "read"),
                ("expires_on", &day(30)),
            ],
        )
        .await;
    if made.status != StatusCode::OK {
        return Err(format!(
            "create_api_token answered {}: {}",
            made.status, made.body
        ));
    }
    serde_json::from_str::<Value>(&made.body)
        .ok()
        .and_then(|v| v["id"].as_i64())
        .ok_or_else(|| format!("no token id in {}", made.body))
}
