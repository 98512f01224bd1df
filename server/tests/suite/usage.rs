//! Issue 14, points 2, 6, 7 and 8: the quota clock, the ingestion of accounting records (idempotent
//! by site, cluster and job, split by UTC day, refused lines named one by one), usage against a
//! quota's budget, and the notices of thresholds and idleness, told once.

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request};
use common::api::*;
use common::requests::{approved, day};
use common::*;
use serde_json::json;
use time::OffsetDateTime;

/// Registers an agent of Dugny for cluster `c1`; its secret.
async fn agent(app: &TestApp) -> String {
    let made = token(app, ADMIN, "platform", "admin")
        .await
        .send(
            Method::POST,
            "/admin/site-agents",
            Some(json!({ "site": "dugny", "name": "usage", "cluster": "c1" })),
            &[],
        )
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    made.json()["secret"].as_str().unwrap().to_owned()
}

/// A quota of `gpus` H100 at Dugny over [today + from, today + to) (moved there: time passes),
/// with an optional GPU-hour budget; (id, its project's Slurm account).
async fn quota(
    app: &TestApp,
    key: &str,
    gpus: &str,
    hours: &str,
    from: i64,
    to: i64,
) -> (i64, String) {
    let id = approved(app, key, &[("gpus", gpus), ("expected_gpu_hours", hours)]).await;
    sqlx::query(
        "UPDATE quota_requests SET approved_start = $1, approved_end = $2, start_date = $1, end_date = $2 WHERE id = $3",
    )
    .bind(day(from))
    .bind(day(to))
    .bind(id)
    .execute(app.owner_pool())
    .await
    .unwrap();
    let account: (String, String) = sqlx::query_as(
        "SELECT t.slug, p.code FROM quota_requests r JOIN tenants t ON t.id = r.tenant_id \
         JOIN projects p ON p.id = r.project_id WHERE r.id = $1",
    )
    .bind(id)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    (id, format!("{}_{}", account.0, account.1))
}

async fn post(app: &TestApp, secret: &str, lines: &str) -> TestResponse {
    let request = Request::builder()
        .method(Method::POST)
        .uri("/api/v1/agent/sites/dugny/usage")
        .header(header::HOST, "portal.test")
        .header(header::AUTHORIZATION, format!("Bearer {secret}"))
        .header(header::CONTENT_TYPE, "text/plain")
        .body(Body::from(lines.to_owned()))
        .unwrap();
    app.anon().send(request).await
}

async fn used(app: &TestApp, id: i64) -> i64 {
    sqlx::query_scalar("SELECT used_gpu_seconds FROM quota_requests WHERE id = $1")
        .bind(id)
        .fetch_one(app.owner_pool())
        .await
        .unwrap()
}

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    sqlx::query_scalar(sql)
        .bind(id)
        .fetch_one(app.owner_pool())
        .await
        .unwrap()
}

/// `days` days ago at `hh:mm` UTC, as sacct prints it.
fn at(days: i64, hh: u8, mm: u8) -> String {
    let d = OffsetDateTime::now_utc().date() - time::Duration::days(days);
    format!("{d}T{hh:02}:{mm:02}:00")
}

#[tokio::test]
async fn records_are_counted_once_split_by_day_and_bad_lines_named() {
    let app = TestApp::with_demo().await;
    let secret = agent(&app).await;
    let (id, account) = quota(&app, "usage-ingest", "8", "", -3, 20).await;
    let lines = format!(
        "1|c1|{account}|hmartin|{}|{}|COMPLETED|3600|cpu=1,gres/gpu:h100=2,gres/gpu=2\n\
         2|c1|{account}|hmartin|{}|Unknown|RUNNING|600|gres/gpu:h100=1\n\
         3|c1|nobody_here|hmartin|{}|Unknown|RUNNING|60|gres/gpu:h100=1\n\
         this is not a record\n\
         5|c1|{account}|hmartin|{}|Unknown|RUNNING|60|gres/gpu=1\n\
         6|c1|{account}|hmartin|Unknown|Unknown|PENDING|0|\n\
         7|other|{account}|hmartin|{}|Unknown|RUNNING|60|gres/gpu:h100=1\n",
        at(2, 23, 30),
        at(1, 0, 30),
        at(1, 10, 0),
        at(1, 10, 0),
        at(1, 10, 0),
        at(1, 10, 0),
    );
    let answer = post(&app, &secret, &lines).await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let report = answer.json();
    assert_eq!(report["recorded"], 2, "{report}");
    assert_eq!(report["not_started"], 1);
    assert_eq!(report["refused_count"], 4);
    let refused: Vec<u64> = report["refused"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["line"].as_u64().unwrap())
        .collect();
    assert_eq!(refused, [3, 4, 5, 7], "{report}");
    assert!(report["refused"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("nobody_here"));
    assert!(report["refused"][2]["reason"]
        .as_str()
        .unwrap()
        .contains("unattributable"));
    assert_eq!(used(&app, id).await, 2 * 3600 + 600);
    let days = count(
        &app,
        "SELECT COUNT(*) FROM usage_days WHERE request_id = $1 AND job_id = '1'",
        id,
    )
    .await;
    assert_eq!(days, 2, "the job across midnight is split into two days");

    // The same file again counts nothing; a later record of the running job replaces it.
    let again = post(&app, &secret, &lines).await.json();
    assert_eq!(
        (again["recorded"].as_u64(), again["unchanged"].as_u64()),
        (Some(0), Some(2))
    );
    assert_eq!(used(&app, id).await, 2 * 3600 + 600);
    let later = format!(
        "2|c1|{account}|hmartin|{}|Unknown|RUNNING|1800|gres/gpu:h100=1\n",
        at(1, 10, 0)
    );
    assert_eq!(post(&app, &secret, &later).await.json()["recorded"], 1);
    assert_eq!(used(&app, id).await, 2 * 3600 + 1800);

    // What people read: the quota's use per day, and per person for the owner only.
    let mut owner = token(&app, UNIV_OWNER, "univ-palaiseau", "read").await;
    let usage = owner.get(&format!("/quotas/{id}/usage")).await.json();
    assert_eq!(usage["used_gpu_hours"], 2.5);
    assert_eq!(usage["by_person"][0]["login"], "hmartin");
    let last = usage["days"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["cumulative"], 2.5);
    let mut hospital = token(&app, HOSP_MEMBER, "ghu-seine-est", "read").await;
    assert_problem(
        &hospital.get(&format!("/quotas/{id}/usage")).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn a_threshold_is_told_once_even_when_two_agents_post_at_once() {
    let app = TestApp::with_demo().await;
    let secret = agent(&app).await;
    // A budget of 1 GPU-hour: two jobs of 1,620 GPU-seconds (45 % each) cross 80 % together.
    let (id, account) = quota(&app, "usage-threshold", "4", "1", -3, 20).await;
    let line = |job: u32| {
        format!(
            "{job}|c1|{account}|hmartin|{}|{}|COMPLETED|810|gres/gpu:h100=2\n",
            at(1, 8, 0),
            at(1, 8, 14)
        )
    };
    let (first, second) = (line(11), line(12));
    let (a, b) = tokio::join!(post(&app, &secret, &first), post(&app, &secret, &second));
    assert_eq!(
        (a.status.as_u16(), b.status.as_u16()),
        (200, 200),
        "{} {}",
        a.body,
        b.body
    );
    assert_eq!(used(&app, id).await, 3240);
    let notices = "SELECT COUNT(*) FROM quota_notices WHERE request_id = $1 AND kind = 'threshold'";
    assert_eq!(count(&app, notices, id).await, 1, "80 % told exactly once");
    let told = count(
        &app,
        "SELECT COUNT(*) FROM notifications WHERE request_id = $1 AND text LIKE '%consommé 80 %%'",
        id,
    )
    .await;
    assert!(told >= 1, "the owners are told");
    let mailed = count(
        &app,
        "SELECT COUNT(*) FROM email_outbox WHERE body LIKE '%consommé 80 %%' AND body LIKE '%' || CAST($1 AS TEXT) || '%'",
        id,
    )
    .await;
    assert_eq!(mailed, told, "each notice has its e-mail");
    // Lists of quotas filter and sort by use.
    let mut owner = token(&app, UNIV_OWNER, "univ-palaiseau", "read").await;
    let ids = |page: serde_json::Value| -> Vec<i64> {
        page["items"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect()
    };
    assert_eq!(ids(owner.get("/quotas?usage=over80").await.json()), [id]);
    assert!(ids(owner.get("/quotas?usage=over100").await.json()).is_empty());
    assert!(!ids(owner.get("/quotas?usage=unused").await.json()).contains(&id));
    assert_eq!(
        ids(owner.get("/quotas?sort=use&dir=desc").await.json())[0],
        id
    );

    // Resending tells nothing; crossing 100 % tells the next level.
    post(&app, &secret, &line(11)).await;
    assert_eq!(count(&app, notices, id).await, 1);
    post(&app, &secret, &line(13)).await;
    assert_eq!(count(&app, notices, id).await, 2);
}

#[tokio::test]
async fn the_clock_records_start_and_end_once_and_flags_idle_quotas() {
    let app = TestApp::with_demo().await;
    let (started, _) = quota(&app, "clock-start", "4", "", -1, 30).await;
    let (ended, _) = quota(&app, "clock-end", "4", "", -10, 0).await;
    let (idle, _) = quota(&app, "clock-idle", "4", "", -20, 10).await;
    let now = OffsetDateTime::now_utc();
    for _ in 0..2 {
        app::server::usage::clock::tick(&app.state, now.unix_timestamp(), now.date())
            .await
            .unwrap();
    }
    let event = |id: i64, note: &'static str| {
        let app = &app;
        async move {
            sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM request_events WHERE request_id = $1 AND note LIKE $2",
            )
            .bind(id)
            .bind(note)
            .fetch_one(app.owner_pool())
            .await
            .unwrap()
        }
    };
    assert_eq!(event(started, "Quota active%").await, 1);
    assert_eq!(event(started, "Quota expired%").await, 0);
    assert_eq!(event(ended, "Quota expired%").await, 1);
    let audit: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'quota.activated'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert!(audit >= 2, "each activation is audited");
    let idle_notices = "SELECT COUNT(*) FROM quota_notices WHERE request_id = $1 AND kind = 'idle'";
    assert_eq!(count(&app, idle_notices, idle).await, 1);
    assert_eq!(
        count(&app, idle_notices, started).await,
        0,
        "not before half its window"
    );
    let admins_told = count(
        &app,
        "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.request_id = $1 AND u.platform_admin = 1 AND n.text LIKE '%is idle%'",
        idle,
    )
    .await;
    assert!(admins_told >= 1);
}
