//! Issue 14, points 1, 3 and 5: site agents (a credential for one site, shown once, stored
//! hashed, rotatable, revocable, last use shown) and the desired scheduler state they read
//! (JSON with a revision and ETag, a `sacctmgr` script, Kueue YAML). The whole matrix of callers
//! is in `api_matrix.rs`; here, each rule's own test.

use crate::common;

use axum::http::Method;
use common::api::*;
use common::requests::{approved, day};
use common::*;
use serde_json::json;

async fn admin_api(app: &TestApp) -> ApiClient {
    token(app, ADMIN, "platform", "admin").await
}

/// Registers an agent of `site` through the API; (id, secret).
async fn register(app: &TestApp, site: &str) -> (i64, String) {
    let mut admin = admin_api(app).await;
    let made = admin
        .send(
            Method::POST,
            "/admin/site-agents",
            Some(json!({ "site": site, "name": "slurm prod", "cluster": "dugny-prod", "lead_days": 7 })),
            &[],
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let v = made.json();
    (
        v["id"].as_i64().unwrap(),
        v["secret"].as_str().unwrap().to_owned(),
    )
}

/// A quota of the university at Dugny whose window (moved back: time passes) holds today.
async fn active_quota(app: &TestApp, key: &str, gpus: &str) -> i64 {
    let id = approved(app, key, &[("gpus", gpus)]).await;
    sqlx::query(
        "UPDATE quota_requests SET approved_start = $1, approved_end = $2, start_date = $1, end_date = $2 WHERE id = $3",
    )
    .bind(day(-2))
    .bind(day(20))
    .bind(id)
    .execute(app.owner_pool())
    .await
    .unwrap();
    id
}

#[tokio::test]
async fn an_agent_secret_is_shown_once_stored_hashed_rotated_and_revoked() {
    let app = TestApp::with_demo().await;
    let (id, secret) = register(&app, "dugny").await;
    assert!(secret.starts_with("gsa_") && secret.len() == 47, "{secret}");
    let stored: (String, String) =
        sqlx::query_as("SELECT secret_hash, prefix FROM site_agents WHERE id = $1")
            .bind(id)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(stored.0, app::server::token::hash_token(&secret));
    assert!(!stored.0.contains(&secret[4..]));
    assert_eq!(stored.1, secret[..10]);

    let mut agent = ApiClient::new(&app, Some(&secret));
    assert_eq!(agent.get("/agent/sites/dugny/state").await.status, 200);
    let listed = admin_api(&app).await.get("/admin/site-agents").await.json();
    let row = listed
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["id"] == id)
        .unwrap()
        .clone();
    assert!(row["last_used_at"].as_i64().is_some(), "{row}");
    assert!(
        !row.to_string().contains(&secret[10..]),
        "the list shows the secret"
    );

    // Rotation: the old secret stops at once, the new one works.
    let rotated = admin_api(&app)
        .await
        .send(
            Method::POST,
            &format!("/admin/site-agents/{id}/rotate"),
            None,
            &[],
        )
        .await;
    assert_eq!(rotated.status, 200, "{}", rotated.body);
    let fresh = rotated.json()["secret"].as_str().unwrap().to_owned();
    assert_ne!(fresh, secret);
    assert_problem(
        &agent.get("/agent/sites/dugny/state").await,
        401,
        "unauthenticated",
    );
    let mut renewed = ApiClient::new(&app, Some(&fresh));
    assert_eq!(renewed.get("/agent/sites/dugny/state").await.status, 200);

    let revoked = admin_api(&app)
        .await
        .send(
            Method::DELETE,
            &format!("/admin/site-agents/{id}"),
            None,
            &[],
        )
        .await;
    assert_eq!(revoked.status, 204, "{}", revoked.body);
    assert_problem(
        &renewed.get("/agent/sites/dugny/state").await,
        401,
        "unauthenticated",
    );
    let audit: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE event IN ('site_agent_registered', 'site_agent_rotated', 'site_agent_revoked')",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(audit, 3);
}

#[tokio::test]
async fn an_agent_reads_only_its_site_and_nothing_else() {
    let app = TestApp::with_demo().await;
    let (_, secret) = register(&app, "dugny").await;
    let mut agent = ApiClient::new(&app, Some(&secret));
    assert_problem(
        &agent.get("/agent/sites/marseille/state").await,
        404,
        "not_found",
    );
    assert_problem(
        &agent.get("/agent/sites/marseille/slurm.sh").await,
        404,
        "not_found",
    );
    for path in [
        "/me",
        "/requests",
        "/quotas",
        "/admin/requests",
        "/catalogue/sites",
    ] {
        assert_problem(&agent.get(path).await, 403, "forbidden");
    }
    // A personal token, even a platform admin's, is not an agent.
    let mut admin = admin_api(&app).await;
    assert_problem(
        &admin.get("/agent/sites/dugny/state").await,
        403,
        "forbidden",
    );
    // The agent registration is the admins' alone, and names a real site.
    let mut member = token(&app, UNIV_MEMBER, "univ-palaiseau", "write").await;
    let refused = member
        .send(
            Method::POST,
            "/admin/site-agents",
            Some(json!({ "site": "dugny", "name": "x", "cluster": "c" })),
            &[],
        )
        .await;
    assert_problem(&refused, 403, "forbidden");
    let bad = admin
        .send(
            Method::POST,
            "/admin/site-agents",
            Some(
                json!({ "site": "atlantis", "name": "", "cluster": "Bad Name", "lead_days": 400 }),
            ),
            &[],
        )
        .await;
    assert_problem(&bad, 422, "validation_failed");
    let mut fields = problem_fields(&bad);
    fields.sort();
    assert_eq!(fields, ["cluster", "lead_days", "name"]);
}

#[tokio::test]
async fn the_state_lists_project_accounts_with_limits_users_and_an_etag() {
    let app = TestApp::with_demo().await;
    let quota = active_quota(&app, "agent-state", "8").await;
    let (_, secret) = register(&app, "dugny").await;
    sqlx::query(
        "INSERT INTO site_logins (user_id, site_id, login) SELECT u.id, s.id, 'hmartin' FROM users u, sites s \
         WHERE u.email = $1 AND s.slug = 'dugny'",
    )
    .bind(UNIV_OWNER)
    .execute(app.owner_pool())
    .await
    .unwrap();
    let mut agent = ApiClient::new(&app, Some(&secret));
    let answer = agent.get("/agent/sites/dugny/state").await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let etag = answer.header("etag").unwrap().to_owned();
    let state = answer.json();
    assert_eq!(state["cluster"], "dugny-prod");
    assert_eq!(state["models"], json!(["H100", "H200"]));
    let account = state["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["quotas"]
                .as_array()
                .unwrap()
                .iter()
                .any(|q| q["request_id"] == quota)
        })
        .expect("the quota's project account")
        .clone();
    assert_eq!(account["parent"], "univ-palaiseau");
    assert!(account["name"]
        .as_str()
        .unwrap()
        .starts_with("univ-palaiseau_"));
    assert!(account["gpus"]["H100"].as_u64().unwrap() >= 8);
    assert_eq!(account["gpus"]["H200"], 0);
    // Nothing but what the scheduler needs: no e-mail, no justification, no title.
    let body = state.to_string();
    for secret_thing in ["@univ-palaiseau", "Protein folding", "justification"] {
        assert!(
            !body.contains(secret_thing),
            "the export holds {secret_thing}"
        );
    }

    let same = agent
        .send(
            Method::GET,
            "/agent/sites/dugny/state",
            None,
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(same.status, 304);
    // A change of the quotas changes the revision.
    sqlx::query("UPDATE quota_requests SET approved_gpus = approved_gpus + 1 WHERE id = $1")
        .bind(quota)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let changed = agent
        .send(
            Method::GET,
            "/agent/sites/dugny/state",
            None,
            &[("if-none-match", &etag)],
        )
        .await;
    assert_eq!(changed.status, 200);
    assert_ne!(changed.header("etag").unwrap(), etag);
}

#[tokio::test]
async fn the_script_and_the_kueue_objects_carry_the_same_limits() {
    let app = TestApp::with_demo().await;
    let quota = active_quota(&app, "agent-script", "8").await;
    let (_, secret) = register(&app, "dugny").await;
    let mut agent = ApiClient::new(&app, Some(&secret));
    let state = agent.get("/agent/sites/dugny/state").await.json();
    let account = state["accounts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| {
            a["quotas"]
                .as_array()
                .unwrap()
                .iter()
                .any(|q| q["request_id"] == quota)
        })
        .unwrap()
        .clone();
    let name = account["name"].as_str().unwrap();
    let h100 = account["gpus"]["H100"].as_u64().unwrap();

    let script = agent.get("/agent/sites/dugny/slurm.sh").await;
    assert_eq!(script.status, 200);
    assert!(script
        .header("content-type")
        .unwrap()
        .starts_with("text/x-shellscript"));
    assert!(
        script.body.contains(&format!(
            "ensure_limits {name} gres/gpu={h100},gres/gpu:h100={h100},gres/gpu:h200=0 "
        )),
        "{}",
        script.body
    );
    assert!(!script.body.contains("remove account"));

    let yaml = agent.get("/agent/sites/dugny/kueue.yaml").await;
    assert_eq!(yaml.status, 200);
    let docs: Vec<serde_json::Value> = serde_yaml::Deserializer::from_str(&yaml.body)
        .map(|d| serde::Deserialize::deserialize(d).unwrap())
        .filter(|d: &serde_json::Value| !d.is_null())
        .collect();
    let flavours: Vec<_> = docs
        .iter()
        .filter(|d| d["kind"] == "ResourceFlavor")
        .collect();
    assert_eq!(flavours.len(), 2);
    assert_eq!(
        flavours[0]["spec"]["nodeLabels"]["guichet.eu/gpu-model"],
        "H100"
    );
    let project = account["project"].as_str().unwrap();
    let queue = docs
        .iter()
        .find(|d| {
            d["kind"] == "ClusterQueue" && d["metadata"]["labels"]["guichet.eu/project"] == project
        })
        .unwrap();
    let flavors = queue["spec"]["resourceGroups"][0]["flavors"]
        .as_array()
        .unwrap();
    let quota_of = |f: &str| {
        flavors.iter().find(|x| x["name"] == f).unwrap()["resources"][0]["nominalQuota"].as_u64()
    };
    assert_eq!(quota_of("h100"), Some(h100));
    assert_eq!(quota_of("h200"), Some(0));
    let local = docs
        .iter()
        .find(|d| {
            d["kind"] == "LocalQueue" && d["spec"]["clusterQueue"] == queue["metadata"]["name"]
        })
        .unwrap();
    assert_eq!(
        local["metadata"]["namespace"],
        format!("univ-palaiseau-{project}")
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_agent_exits_with_the_portals_reason_when_refused() {
    let app = TestApp::with_demo().await;
    let (_, secret) = register(&app, "dugny").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    let run = |site: &'static str, token: String| {
        let url = url.clone();
        tokio::task::spawn_blocking(move || {
            std::process::Command::new("sh")
                .arg(concat!(
                    env!("CARGO_MANIFEST_DIR"),
                    "/../scripts/guichet-agent.sh"
                ))
                .args(["--site", site, "--no-usage"])
                .env("GUICHET_URL", url)
                .env("GUICHET_AGENT_TOKEN", token)
                .output()
                .unwrap()
        })
    };
    // Another site's state: the portal's 404, in words, and exit status 2.
    let other = run("marseille", secret.clone()).await.unwrap();
    assert_eq!(other.status.code(), Some(2));
    let said = String::from_utf8_lossy(&other.stderr);
    assert!(said.contains("refused GET /slurm.sh (HTTP 404)"), "{said}");
    // A credential that does not exist: 401.
    let forged = format!("gsa_{}", app::server::token::new_token());
    let unknown = run("dugny", forged).await.unwrap();
    assert_eq!(unknown.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("HTTP 401"));
}
