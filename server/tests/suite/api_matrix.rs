//! The API's authorization matrix (issue 13, point 5): every operation of the OpenAPI
//! description against every kind of caller, as `docs/authorization.md` ("API operations")
//! lists it, through the real router. Each call that may change something runs on a fresh demo
//! database; reads of one operation share one. The bodies are asserted too: a refusal is a
//! problem with the code of its status, and no answer to another tenant's token holds anything
//! of the university (its slug, its people, the fixture's request).
//!
//! `MATRIX_PRINT=1 cargo test -p server --test suite api_matrix:: -- --nocapture` prints the observed
//! rows.

use crate::common;

use std::collections::BTreeSet;

use axum::http::Method;
use common::api::*;
use common::requests::{day, form, with};
use common::*;
use serde_json::{json, Value};

const MATRIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/authorization.md");
const SECTION: &str = "## API operations";

/// The callers, in the columns' order.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Caller {
    Anonymous,
    BadToken,
    ExpiredToken,
    RevokedToken,
    /// The university owner's read token.
    ReadToken,
    MemberA,
    OwnerA,
    AuditorA,
    /// A member of the university outside the fixture's project.
    OtherProject,
    /// A member of the hospital.
    MemberB,
    PlatformAdmin,
    /// A live agent of Dugny (the site of the fixtures).
    DugnyAgent,
    /// A live agent of Marseille.
    OtherAgent,
    /// A revoked agent of Dugny.
    RevokedAgent,
}

const CALLERS: [Caller; 14] = [
    Caller::Anonymous,
    Caller::BadToken,
    Caller::ExpiredToken,
    Caller::RevokedToken,
    Caller::ReadToken,
    Caller::MemberA,
    Caller::OwnerA,
    Caller::AuditorA,
    Caller::OtherProject,
    Caller::MemberB,
    Caller::PlatformAdmin,
    Caller::DugnyAgent,
    Caller::OtherAgent,
    Caller::RevokedAgent,
];

const HEADINGS: [&str; 14] = [
    "anonymous",
    "bad token",
    "expired token",
    "revoked token",
    "read token",
    "member A",
    "owner A",
    "auditor A",
    "other project",
    "member B",
    "platform admin",
    "dugny agent",
    "other agent",
    "revoked agent",
];

/// Inserts a token for `email` directly (its making is tested in `api_tokens.rs`); its secret.
async fn insert_token(
    app: &TestApp,
    email: &str,
    tenant: Option<&str>,
    scope: &str,
    state: &str,
) -> String {
    let secret = format!("gch_{}", app::server::token::new_token());
    let (user_id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let tenant_id: Option<i64> = match tenant {
        Some(slug) => Some(
            sqlx::query_as::<_, (i64,)>("SELECT id FROM tenants WHERE slug = $1")
                .bind(slug)
                .fetch_one(app.owner_pool())
                .await
                .unwrap()
                .0,
        ),
        None => None,
    };
    let now = app::server::db::now_unix();
    let (expires_at, revoked_at) = match state {
        "expired" => (now - 60, None),
        "revoked" => (now + 86_400, Some(now - 60)),
        _ => (now + 86_400, None),
    };
    sqlx::query(
        "INSERT INTO api_tokens (user_id, tenant_id, name, scope, prefix, secret_hash, created_at, \
         expires_at, revoked_at) VALUES ($1, $2, 'matrix', $3, $4, $5, $6, $7, $8)",
    )
    .bind(user_id)
    .bind(tenant_id)
    .bind(scope)
    .bind(&secret[..10])
    .bind(app::server::token::hash_token(&secret))
    .bind(now)
    .bind(expires_at)
    .bind(revoked_at)
    .execute(app.owner_pool())
    .await
    .unwrap();
    secret
}

/// Inserts a site agent directly (its registration is tested in `site_agents.rs`); its secret.
async fn insert_agent(app: &TestApp, site: &str, revoked: bool) -> String {
    let secret = format!("gsa_{}", app::server::token::new_token());
    let now = app::server::db::now_unix();
    sqlx::query(
        "INSERT INTO site_agents (site_id, name, cluster, prefix, secret_hash, created_by, created_at, revoked_at) \
         SELECT s.id, 'matrix', 'matrix', $1, $2, (SELECT MIN(id) FROM users), $3, $4 FROM sites s WHERE s.slug = $5",
    )
    .bind(&secret[..10])
    .bind(app::server::token::hash_token(&secret))
    .bind(now)
    .bind(revoked.then_some(now - 60))
    .bind(site)
    .execute(app.owner_pool())
    .await
    .unwrap();
    secret
}

async fn client(app: &TestApp, caller: Caller) -> ApiClient {
    const UNIV: Option<&str> = Some("univ-palaiseau");
    let token = match caller {
        Caller::Anonymous => None,
        Caller::BadToken => Some("gch_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA".to_owned()),
        Caller::ExpiredToken => {
            Some(insert_token(app, UNIV_MEMBER, UNIV, "write", "expired").await)
        }
        Caller::RevokedToken => {
            Some(insert_token(app, UNIV_MEMBER, UNIV, "write", "revoked").await)
        }
        Caller::ReadToken => Some(insert_token(app, UNIV_OWNER, UNIV, "read", "live").await),
        Caller::MemberA => Some(insert_token(app, UNIV_MEMBER, UNIV, "write", "live").await),
        Caller::OwnerA => Some(insert_token(app, UNIV_OWNER, UNIV, "write", "live").await),
        Caller::AuditorA => Some(insert_token(app, UNIV_AUDITOR, UNIV, "read", "live").await),
        Caller::OtherProject => {
            Some(insert_token(app, OTHER_PROJECT_MEMBER, UNIV, "write", "live").await)
        }
        Caller::MemberB => {
            Some(insert_token(app, HOSP_MEMBER, Some("ghu-seine-est"), "write", "live").await)
        }
        Caller::PlatformAdmin => Some(insert_token(app, ADMIN, None, "admin", "live").await),
        Caller::DugnyAgent => Some(insert_agent(app, "dugny", false).await),
        Caller::OtherAgent => Some(insert_agent(app, "marseille", false).await),
        Caller::RevokedAgent => Some(insert_agent(app, "dugny", true).await),
    };
    ApiClient::new(app, token.as_deref())
}

/// One row: an operation and its expected outcome per caller (`ok` or a status).
struct Row {
    method: String,
    path: String,
    cells: Vec<String>,
}

fn rows() -> Vec<Row> {
    let text = std::fs::read_to_string(MATRIX).unwrap();
    let section = text
        .split(SECTION)
        .nth(1)
        .expect("docs/authorization.md has an API operations section");
    let section = section.split("\n## ").next().unwrap();
    let mut rows = Vec::new();
    let mut header_seen = false;
    for line in section.lines().filter(|l| l.starts_with('|')) {
        let cells: Vec<String> = line
            .trim_matches('|')
            .split('|')
            .map(|c| c.trim().trim_matches('`').to_owned())
            .collect();
        if !header_seen {
            assert_eq!(&cells[1..], HEADINGS, "the API matrix's columns");
            header_seen = true;
            continue;
        }
        if cells[0].starts_with("---") {
            continue;
        }
        let (method, path) = cells[0].split_once(' ').expect("`METHOD /path`");
        assert_eq!(cells.len(), 1 + CALLERS.len(), "{line}");
        rows.push(Row {
            method: method.to_owned(),
            path: path.to_owned(),
            cells: cells[1..].to_vec(),
        });
    }
    rows
}

/// Objects of the university the operations are tried on.
struct Objects {
    /// A submitted request of the member, in the project `climate`.
    submitted: i64,
    /// A draft of the member.
    draft: i64,
    /// An approved quota in `climate`.
    quota: i64,
    /// An endorsed request in `climate`, waiting for a decision.
    endorsed: i64,
    climate: i64,
    member: i64,
    invitation: i64,
    pending_tenant: i64,
    /// A certificate of Dugny.
    certificate: String,
    /// A site agent of Marseille, for the agent administration operations.
    agent: i64,
}

async fn objects(app: &TestApp) -> Objects {
    let climate: i64 = sqlx::query_as::<_, (i64,)>(
        "SELECT p.id FROM projects p JOIN tenants t ON t.id = p.tenant_id \
         WHERE t.slug = 'univ-palaiseau' AND p.code = 'climate'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap()
    .0;
    let climate_text = climate.to_string();
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let save = |key: &'static str, intent: &'static str| {
        with(form(key), &[("project", &climate_text), ("intent", intent)])
    };
    let submitted_form = save("matrix-submitted", "submit");
    let submitted = common::requests::call_owned(&mut hugo, "save_request", &submitted_form).await;
    let submitted: i64 = submitted
        .body
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{}", submitted.body));
    let draft_form = save("matrix-draft", "draft");
    let draft = common::requests::call_owned(&mut hugo, "save_request", &draft_form).await;
    let draft: i64 = draft
        .body
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{}", draft.body));
    let quota_form = save("matrix-quota", "submit");
    let quota = common::requests::call_owned(&mut hugo, "save_request", &quota_form).await;
    let quota: i64 = quota
        .body
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{}", quota.body));
    let mut camille = app.signed_in(UNIV_OWNER).await;
    let endorsed = camille
        .call("endorse_request", &[("id", &quota.to_string())])
        .await;
    assert_eq!(endorsed.status, 200, "{}", endorsed.body);
    let decided = common::requests::decide(app, quota, &[("decision", "approve")]).await;
    assert_eq!(decided.status, 200, "{}", decided.body);
    let waiting_form = save("matrix-endorsed", "submit");
    let waiting = common::requests::call_owned(&mut hugo, "save_request", &waiting_form).await;
    let endorsed: i64 = waiting
        .body
        .trim()
        .parse()
        .unwrap_or_else(|_| panic!("{}", waiting.body));
    let ok = camille
        .call("endorse_request", &[("id", &endorsed.to_string())])
        .await;
    assert_eq!(ok.status, 200, "{}", ok.body);
    let invited = camille
        .call(
            "invite_member",
            &[
                ("email", "matrix.invitee@univ-palaiseau.test"),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(invited.status, 200, "{}", invited.body);
    let scalar = |sql: &'static str| async move {
        sqlx::query_as::<_, (i64,)>(sql)
            .fetch_one(app.owner_pool())
            .await
            .unwrap()
            .0
    };
    // An operator that runs no site, with a shareholder, for the operator operations.
    let mut admin = app.signed_in(ADMIN).await;
    let operator = admin
        .call(
            "create_operator",
            &[
                ("name", "Nordic Matrix AB"),
                ("registered_office", "SE"),
                ("central_administration", "SE"),
                ("main_establishment", "SE"),
            ],
        )
        .await;
    assert_eq!(operator.status, 200, "{}", operator.body);
    let holder = admin
        .call(
            "set_shareholder",
            &[
                ("operator", "Nordic Matrix AB"),
                ("name", "Matrix Holding"),
                ("country", "SE"),
                ("capital", "10"),
                ("voting", "10"),
            ],
        )
        .await;
    assert_eq!(holder.status, 200, "{}", holder.body);
    let (dugny_operator,): (String,) = sqlx::query_as(
        "SELECT o.name FROM operators o JOIN sites s ON s.operator_id = o.id WHERE s.slug = 'dugny'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    let site = admin
        .call(
            "create_site",
            &[
                ("slug", "matrix-site"),
                ("name", "Matrix site"),
                ("country", "FR"),
                ("operator", &dugny_operator),
                ("admin_countries", "FR"),
            ],
        )
        .await;
    assert_eq!(site.status, 200, "{}", site.body);
    let (certificate,): (String,) = sqlx::query_as(
        "SELECT c.certificate_id FROM certifications c JOIN sites s ON s.id = c.site_id \
         WHERE s.slug = 'dugny' ORDER BY c.certificate_id LIMIT 1",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    Objects {
        endorsed,
        certificate,
        submitted,
        draft,
        quota,
        climate,
        member: scalar("SELECT id FROM users WHERE email = 'hugo.martin@univ-palaiseau.test'")
            .await,
        invitation: scalar("SELECT MAX(id) FROM invitations").await,
        pending_tenant: scalar("SELECT id FROM tenants WHERE slug = 'mobilis-ia'").await,
        agent: {
            insert_agent(app, "marseille", false).await;
            scalar("SELECT MAX(id) FROM site_agents").await
        },
    }
}

fn request_body(project: i64) -> Value {
    json!({
        "project": project, "title": "Matrix request", "sector": "research",
        "justification": "A request made by the authorization matrix of the API.",
        "classification": "public", "site": "dugny", "gpu_model": "H100", "gpus": 4,
        "start_date": day(10), "end_date": day(40),
    })
}

/// The concrete path and body of an operation.
fn call_of(row: &Row, o: &Objects) -> (String, Option<Value>) {
    let path = row
        .path
        .replace("{slug}", "dugny")
        .replace("{site}", "dugny")
        .replace("{model}", "H100")
        .replace("{certificate_id}", &o.certificate)
        .replace("{operator}", "Nordic%20Matrix%20AB")
        .replace("{name}", "Matrix%20Holding")
        .replace("{user_id}", &o.member.to_string())
        .replace("{id}", &id_for(row, o).to_string());
    // A site no request names, made for the matrix: the one a delete may remove.
    let path = if row.method == "DELETE" && row.path == "/admin/catalogue/sites/{site}" {
        "/admin/catalogue/sites/matrix-site".to_owned()
    } else {
        path
    };
    let path = if row.path == "/capacity" {
        format!("/capacity?start={}&end={}", day(5), day(20))
    } else {
        path
    };
    let body = match (row.method.as_str(), row.path.as_str()) {
        ("POST", "/placement") => {
            Some(json!({ "classification": "public", "start": day(5), "end": day(20) }))
        }
        ("POST", "/requests") | ("PUT", "/requests/{id}") => Some(request_body(o.climate)),
        ("POST", "/quotas/{id}/change") => Some(json!({ "gpus": 32 })),
        ("POST", "/quotas/{id}/renewal") => Some(json!({ "end_date": day(120) })),
        ("POST", "/invitations") => {
            Some(json!({ "email": "matrix.second@univ-palaiseau.test", "role": "member" }))
        }
        ("PATCH", "/members/{user_id}") => Some(json!({ "role": "auditor" })),
        ("POST", "/admin/tenants/{id}/reject") => {
            Some(json!({ "reason": "The registration number does not match." }))
        }
        ("PUT", "/admin/catalogue/sites/{site}/gpus/{model}") => {
            Some(json!({ "installed": 300, "reserve": 10 }))
        }
        ("POST", "/admin/catalogue/sites/{site}/certifications") => Some(json!({
            "kind": "iso27001", "certificate_id": "MATRIX-ISO", "valid_from": "2026-01-01", "valid_until": "2029-12-31"
        })),
        ("POST", "/admin/catalogue/operators") => Some(json!({
            "name": "Baltic Matrix AB", "registered_office": "EE", "central_administration": "EE", "main_establishment": "EE"
        })),
        ("PUT", "/admin/catalogue/operators/{operator}") => Some(json!({
            "name": "Nordic Matrix AB", "registered_office": "SE", "central_administration": "SE",
            "main_establishment": "SE", "dpf_certified": true
        })),
        ("PUT", "/admin/catalogue/operators/{operator}/shareholders/{name}") => Some(json!({
            "country": "SE", "capital": 10.0, "voting": 10.0
        })),
        ("PUT", "/admin/catalogue/sites/{site}") => Some(json!({
            "name": "Dugny (Seine-Saint-Denis)", "country": "FR", "operator": "Nordic Matrix AB", "admin_countries": ["FR"]
        })),
        ("POST", "/admin/requests/{id}/decision") => Some(json!({ "decision": "approve" })),
        ("POST", "/admin/site-agents") => Some(json!({
            "site": "dugny", "name": "matrix agent", "cluster": "dugny-prod"
        })),
        ("POST", "/agent/sites/{site}/usage") => Some(json!([])),
        ("POST", "/admin/requests/approve") => Some(json!({ "ids": [o.endorsed] })),
        ("POST", "/admin/requests/{id}/end-early") => {
            Some(json!({ "gpus": 2, "reason": "Matrix maintenance." }))
        }
        ("PUT", "/admin/policy") => {
            let eu = [
                "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU",
                "IE", "IT", "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
            ];
            let eea: Vec<&str> = eu.iter().copied().chain(["IS", "LI", "NO"]).collect();
            Some(json!({
                "eu": eu, "eea": eea, "sanctions": ["BY", "KP", "RU"],
                "adequacy": ["CH", "GB", "JP"], "note": "The matrix's policy."
            }))
        }
        _ => None,
    };
    (path, body)
}

fn id_for(row: &Row, o: &Objects) -> i64 {
    match row.path.as_str() {
        p if p.starts_with("/quotas/") => o.quota,
        "/admin/requests/{id}/end-early" => o.quota,
        "/admin/requests/{id}/decision" | "/admin/requests/{id}" => o.endorsed,
        p if p.starts_with("/admin/tenants/") => o.pending_tenant,
        p if p.starts_with("/admin/site-agents/") => o.agent,
        p if p.starts_with("/invitations/") => o.invitation,
        "/requests/{id}" if row.method == "PUT" => o.draft,
        "/requests/{id}/submit" => o.draft,
        _ => o.submitted,
    }
}

fn matches(expected: &str, status: u16) -> bool {
    match expected {
        "ok" => (200..300).contains(&status),
        code => code.parse::<u16>() == Ok(status),
    }
}

/// Nothing of the university in an answer to another tenant's token.
fn leaks_university(body: &str) -> Option<&'static str> {
    [
        "univ-palaiseau",
        "Palaiseau",
        "hugo.martin",
        "camille.roux",
        "Protein folding",
        "Matrix request",
    ]
    .into_iter()
    .find(|marker| body.contains(marker))
}

#[tokio::test]
async fn every_operation_is_listed_and_every_row_is_an_operation() {
    let app = TestApp::empty().await;
    let doc = ApiClient::new(&app, None).get("/openapi.json").await.json();
    let mut described = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "post", "put", "patch", "delete"] {
            if item.get(method).is_some() {
                described.insert(format!("{} {path}", method.to_ascii_uppercase()));
            }
        }
    }
    let listed: BTreeSet<String> = rows()
        .iter()
        .map(|r| format!("{} {}", r.method, r.path))
        .collect();
    let missing: Vec<_> = described.difference(&listed).collect();
    let extra: Vec<_> = listed.difference(&described).collect();
    assert!(missing.is_empty(), "operations without a row: {missing:?}");
    assert!(extra.is_empty(), "rows without an operation: {extra:?}");
}

#[tokio::test]
async fn every_cell_of_the_api_matrix_holds() {
    let print = std::env::var("MATRIX_PRINT").is_ok();
    let mut failures = Vec::new();
    let mut cells = 0;
    for row in rows() {
        let read_only = row.method == "GET";
        let mut shared: Option<(TestApp, Objects)> = None;
        let mut observed = Vec::new();
        for (i, caller) in CALLERS.into_iter().enumerate() {
            let fresh;
            // A refusal writes nothing: it shares the operation's database with the reads. Only a
            // call expected to succeed gets a fresh one (one that succeeds unexpectedly fails its
            // cell anyway).
            let shares = read_only || row.cells[i] != "ok";
            let (app, objects) = if shares {
                if shared.is_none() {
                    let app = TestApp::with_demo().await;
                    let o = objects(&app).await;
                    shared = Some((app, o));
                }
                let (a, o) = shared.as_ref().unwrap();
                (a, o)
            } else {
                let app = TestApp::with_demo().await;
                let o = objects(&app).await;
                fresh = (app, o);
                (&fresh.0, &fresh.1)
            };
            let mut api = client(app, caller).await;
            let (path, body) = call_of(&row, objects);
            let answer = api
                .send(row.method.parse::<Method>().unwrap(), &path, body, &[])
                .await;
            let status = answer.status.as_u16();
            observed.push(if (200..300).contains(&status) {
                "ok".to_owned()
            } else {
                status.to_string()
            });
            cells += 1;
            let expected = &row.cells[i];
            let label = format!("{} {} as {}", row.method, row.path, HEADINGS[i]);
            if !matches(expected, status) {
                failures.push(format!(
                    "{label}: expected {expected}, got {status}: {}",
                    answer.body
                ));
                continue;
            }
            if status >= 400 {
                let code = answer.json()["code"].as_str().unwrap_or("").to_owned();
                if answer.header("content-type") != Some("application/problem+json")
                    || code.is_empty()
                {
                    failures.push(format!(
                        "{label}: a refusal that is not a problem: {}",
                        answer.body
                    ));
                }
            }
            if caller == Caller::MemberB {
                if let Some(marker) = leaks_university(&answer.body) {
                    failures.push(format!(
                        "{label}: the answer holds “{marker}”: {}",
                        answer.body
                    ));
                }
            }
        }
        if print {
            println!(
                "| `{} {}` | {} |",
                row.method,
                row.path,
                observed.join(" | ")
            );
        }
    }
    println!("{cells} cells");
    assert!(
        failures.is_empty(),
        "{} cells failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
}
