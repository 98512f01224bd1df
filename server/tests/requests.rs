//! Quota requests through the real router: the life cycle, residency enforced at submission,
//! tenancy and role refusals, idempotent submission, and racing approvals that must never
//! over-commit a site — on SQLite, and on PostgreSQL when `GUICHET_TEST_DATABASE_URL` is set.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;
use time::{Duration, OffsetDateTime};

const PENDING_OWNER: &str = "paul.moreau@mobilis-ia.test";
const OTHER_OWNER: &str = "zoe.lambert@alea-labs.test";
const OTHER_MEMBER: &str = "theo.fournier@alea-labs.test";

fn day(offset: i64) -> String {
    (OffsetDateTime::now_utc().date() + Duration::days(offset)).to_string()
}

/// The last day of a window that ends (exclusive) `offset` days from today.
fn last_day(offset: i64) -> String {
    day(offset - 1)
}

/// A request form: public data at Dugny, 16 H100 for 30 days from in 10 days.
fn form(key: &str) -> Vec<(String, String)> {
    [
        ("idempotency_key", key.to_string()),
        ("project_title", "Protein folding at scale".to_string()),
        (
            "justification",
            "Training a folding model on public structure data for the campus.".to_string(),
        ),
        ("sector", "research".to_string()),
        ("classification", "public".to_string()),
        ("site", "dugny".to_string()),
        ("gpu_model", "H100".to_string()),
        ("gpus", "16".to_string()),
        ("start_date", day(10)),
        ("end_date", day(40)),
        ("expected_gpu_hours", String::new()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

fn with(mut form: Vec<(String, String)>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in changes {
        match form.iter_mut().find(|(key, _)| key == k) {
            Some(entry) => entry.1 = v.to_string(),
            None => form.push((k.to_string(), v.to_string())),
        }
    }
    form
}

async fn call_owned(
    client: &mut Client,
    endpoint: &str,
    form: &[(String, String)],
) -> TestResponse {
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.call(endpoint, &borrowed).await
}

/// Saves a request (and submits it with `intent=submit`); returns its id.
async fn save(client: &mut Client, form: Vec<(String, String)>, intent: &str) -> i64 {
    let response = call_owned(client, "save_request", &with(form, &[("intent", intent)])).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json().as_i64().expect("an id")
}

fn message(response: &TestResponse) -> String {
    response.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

async fn scalar(app: &TestApp, sql: &str, id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(id)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn a_request_goes_from_draft_to_partial_approval_and_the_member_sees_quota_and_timeline() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let id = save(&mut member, form("k-life"), "draft").await;

    let submitted = member
        .call("submit_request", &[("id", &id.to_string())])
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);

    let mut owner = app.signed_in(UNIV_OWNER).await;
    let endorsed = owner
        .call(
            "endorse_request",
            &[("id", &id.to_string()), ("note", "Fits our plan.")],
        )
        .await;
    assert_eq!(endorsed.status, StatusCode::OK, "{}", endorsed.body);
    assert_eq!(endorsed.json(), "endorsed");

    // Endorsing twice is an illegal transition, refused with the lifecycle's sentence.
    let again = owner
        .call("endorse_request", &[("id", &id.to_string())])
        .await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert_eq!(message(&again), "This request has already been endorsed.");

    let mut admin = app.signed_in(ADMIN).await;
    // A partial approval needs a reason.
    let no_reason = admin
        .call(
            "decide_request",
            &[
                ("id", &id.to_string()),
                ("decision", "partially_approve"),
                ("approved_gpus", "8"),
            ],
        )
        .await;
    assert_eq!(
        no_reason.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_reason.body
    );
    assert_eq!(no_reason.json()["field"], "note");
    let partial = admin
        .call(
            "decide_request",
            &[
                ("id", &id.to_string()),
                ("decision", "partially_approve"),
                ("approved_gpus", "8"),
                ("approved_end", &day(30)),
                ("note", "Half now; ask again when the B200s arrive."),
            ],
        )
        .await;
    assert_eq!(partial.status, StatusCode::OK, "{}", partial.body);
    assert_eq!(partial.json(), "partially_approved");

    let list = member.call("list_requests", &[]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    let row = list.json()["rows"][0].clone();
    assert_eq!(row["id"], id);
    assert_eq!(row["status"], "partially_approved");
    assert_eq!(row["approved_gpus"], 8);
    assert_eq!(row["approved_start"], day(10));
    assert_eq!(row["approved_end"], day(30));
    assert_eq!(row["phase"], "upcoming");

    let detail = member.call("get_request", &[("id", &id.to_string())]).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    let detail = detail.json();
    let steps: Vec<&str> = detail["timeline"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["to_status"].as_str().unwrap())
        .collect();
    assert_eq!(
        steps,
        ["draft", "submitted", "endorsed", "partially_approved"]
    );
    assert_eq!(detail["timeline"][2]["note"], "Fits our plan.");
    assert_eq!(detail["timeline"][2]["actor_name"], "Camille Roux");
    assert_eq!(
        detail["decision_note"],
        "Half now; ask again when the B200s arrive."
    );
    assert_eq!(detail["actions"], Value::Array(vec![]));

    // The approval's audit event records the residency evaluation with its versions.
    let (audit,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE event = 'request.partially_approve' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    let audit: Value = serde_json::from_str(&audit).unwrap();
    assert_eq!(audit["request_id"], id);
    assert_eq!(audit["before"], "endorsed");
    assert_eq!(audit["after"], "partially_approved");
    assert_eq!(audit["residency"]["rules"][0]["rule"], "E1");
    assert_eq!(audit["residency"]["policy_version"], 1);
    assert_eq!(audit["residency"]["catalogue_revision"], 1);
    assert_eq!(audit["capacity"]["peak_after"], 8);

    // The member was told of each step taken by others; the owner of the submission; all by e-mail too.
    let notes = member.call("list_notifications", &[]).await;
    assert_eq!(notes.status, StatusCode::OK, "{}", notes.body);
    assert_eq!(notes.json().as_array().unwrap().len(), 2, "{}", notes.body);
    let owner_notes = owner.call("list_notifications", &[]).await.json();
    assert!(owner_notes.as_array().unwrap().len() >= 2, "{owner_notes}");
    assert!(
        scalar(
            &app,
            "SELECT COUNT(*) FROM email_outbox WHERE created_at >= $1",
            0
        )
        .await
            >= 4
    );
}

#[tokio::test]
async fn an_ineligible_site_is_refused_at_submission_naming_the_rule() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let health_at_marseille = with(
        form("k-health"),
        &[
            ("classification", "health"),
            ("site", "marseille"),
            ("sector", "health"),
        ],
    );
    let response = call_owned(
        &mut member,
        "save_request",
        &with(health_at_marseille, &[("intent", "submit")]),
    )
    .await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    assert_eq!(response.json()["field"], "site");
    let text = message(&response);
    assert!(
        text.starts_with("Marseille is not eligible for health data: G4"),
        "{text}"
    );
    // Nothing was submitted: the request stays a draft.
    let (submitted,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM quota_requests WHERE status <> 'draft'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(submitted, 0);
}

#[tokio::test]
async fn a_pending_tenant_cannot_submit() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(PENDING_OWNER).await;
    let response = call_owned(
        &mut owner,
        "save_request",
        &with(form("k-pending"), &[("intent", "submit")]),
    )
    .await;
    assert_eq!(response.status, StatusCode::CONFLICT, "{}", response.body);
    assert!(
        message(&response).contains("not been verified"),
        "{}",
        response.body
    );
}

#[tokio::test]
async fn access_rules_answer_401_403_and_404() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let id = save(&mut member, form("k-access"), "submit").await;
    let id = id.to_string();

    // Anonymous.
    for (endpoint, fields) in [
        ("list_requests", vec![]),
        ("get_request", vec![("id", id.as_str())]),
        (
            "decide_request",
            vec![("id", id.as_str()), ("decision", "approve")],
        ),
    ] {
        let response = app.anon().call(endpoint, &fields).await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            response.body
        );
        assert_eq!(response.json()["kind"], "unauthenticated");
    }

    // A member cannot decide, nor endorse.
    let approve = member
        .call("decide_request", &[("id", &id), ("decision", "approve")])
        .await;
    assert_eq!(approve.status, StatusCode::FORBIDDEN, "{}", approve.body);
    assert_eq!(approve.json()["kind"], "forbidden");
    let endorse = member.call("endorse_request", &[("id", &id)]).await;
    assert_eq!(endorse.status, StatusCode::FORBIDDEN, "{}", endorse.body);
    // An auditor cannot write.
    let mut auditor = app.signed_in(UNIV_AUDITOR).await;
    let withdraw = auditor.call("withdraw_request", &[("id", &id)]).await;
    assert_eq!(withdraw.status, StatusCode::FORBIDDEN, "{}", withdraw.body);

    // Another tenant sees nothing of it.
    let mut other = app.signed_in(OTHER_MEMBER).await;
    let read = other.call("get_request", &[("id", &id)]).await;
    assert_eq!(read.status, StatusCode::NOT_FOUND, "{}", read.body);
    assert_eq!(read.json()["kind"], "not_found");
    let mut other_owner = app.signed_in(OTHER_OWNER).await;
    let endorse = other_owner.call("endorse_request", &[("id", &id)]).await;
    assert_eq!(endorse.status, StatusCode::NOT_FOUND, "{}", endorse.body);
    let list = other.call("list_requests", &[]).await;
    assert_eq!(list.json()["rows"], Value::Array(vec![]));
}

#[tokio::test]
async fn the_same_form_sent_twice_creates_one_request() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let first = save(&mut member, form("k-twice"), "submit").await;
    let second = save(&mut member, form("k-twice"), "submit").await;
    assert_eq!(first, second);
    // Sent concurrently, too.
    let mut tasks = Vec::new();
    for _ in 0..6 {
        let mut client = member.clone();
        tasks.push(tokio::spawn(async move {
            save(&mut client, form("k-concurrent"), "submit").await
        }));
    }
    let mut ids = Vec::new();
    for t in tasks {
        ids.push(t.await.unwrap());
    }
    ids.dedup();
    assert_eq!(ids.len(), 1, "{ids:?}");
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM quota_requests")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(count, 2);
}

#[tokio::test]
async fn a_rejection_needs_a_reason_and_the_member_sees_it() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let id = save(&mut owner, form("k-reject"), "submit")
        .await
        .to_string();
    let mut admin = app.signed_in(ADMIN).await;
    let bare = admin
        .call("decide_request", &[("id", &id), ("decision", "reject")])
        .await;
    assert_eq!(
        bare.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bare.body
    );
    let rejected = admin
        .call(
            "decide_request",
            &[
                ("id", &id),
                ("decision", "reject"),
                ("note", "Dugny is reserved for training runs."),
            ],
        )
        .await;
    assert_eq!(rejected.status, StatusCode::OK, "{}", rejected.body);
    let detail = owner.call("get_request", &[("id", &id)]).await.json();
    assert_eq!(detail["summary"]["status"], "rejected");
    assert_eq!(
        detail["decision_note"],
        "Dugny is reserved for training runs."
    );
    // A decided request cannot be withdrawn.
    let withdraw = owner.call("withdraw_request", &[("id", &id)]).await;
    assert_eq!(withdraw.status, StatusCode::CONFLICT, "{}", withdraw.body);
}

/// 40 endorsed requests of 32 H100 each over the same window at Dugny (256 H100): approved all at
/// once, exactly 8 fit; the others are told which dates are full. Twenty rounds, each over its own
/// window (fresh capacity).
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn racing_approvals_never_over_commit_a_site() {
    const REQUESTS: usize = 40;
    const GPUS: i64 = 32;
    const CAPACITY: i64 = 256;
    const ROUNDS: i64 = 20;
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let admin = app.signed_in(ADMIN).await;

    for round in 0..ROUNDS {
        let (start, end) = (5 + round * 12, 5 + round * 12 + 10);
        let mut ids = Vec::new();
        for n in 0..REQUESTS {
            let f = with(
                form(&format!("race-{round}-{n}")),
                &[
                    ("gpus", &GPUS.to_string()),
                    ("start_date", &day(start)),
                    ("end_date", &day(end)),
                ],
            );
            ids.push(save(&mut owner, f, "submit").await);
        }
        let mut tasks = Vec::new();
        for id in ids {
            let mut client = admin.clone();
            tasks.push(tokio::spawn(async move {
                client
                    .call(
                        "decide_request",
                        &[("id", &id.to_string()), ("decision", "approve")],
                    )
                    .await
            }));
        }
        let mut approved = 0;
        let expected_range = format!("from {} to {}", day(start), last_day(end));
        for task in tasks {
            let response = task.await.unwrap();
            assert!(
                !response.body.contains("database is locked"),
                "round {round}: {}",
                response.body
            );
            match response.status {
                StatusCode::OK => approved += 1,
                StatusCode::CONFLICT => {
                    let text = message(&response);
                    assert!(
                        text.starts_with("Not enough H100 capacity")
                            && text.contains(&expected_range),
                        "round {round}: {text}"
                    );
                }
                other => panic!("round {round}: unexpected {other}: {}", response.body),
            }
        }
        assert_eq!(
            approved,
            (CAPACITY / GPUS) as usize,
            "round {round} on {}",
            backend_name()
        );
        let (committed,): (i64,) = sqlx::query_as(
            "SELECT CAST(COALESCE(SUM(approved_gpus), 0) AS BIGINT) FROM quota_requests \
             WHERE status = 'approved' AND approved_start = $1",
        )
        .bind(day(start))
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
        assert!(
            committed <= CAPACITY,
            "round {round}: {committed} committed"
        );
        assert_eq!(committed, CAPACITY, "round {round}");
    }
    app.assert_pool_days_agree().await;
}

#[tokio::test]
async fn the_pages_render_on_the_server() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let id = save(&mut member, form("k-pages"), "submit").await;

    let list = member.get("/requests").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Protein folding at scale"),
        "{}",
        list.body
    );

    let new = member.get("/requests/new").await;
    assert_eq!(new.status, StatusCode::OK);
    assert!(
        new.body.contains("Eligible") && new.body.contains("Dugny"),
        "{}",
        new.body
    );

    let page = member.get(&format!("/requests/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Timeline") && page.body.contains("Louis Girard"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Withdraw"), "{}", page.body);

    let mut admin = app.signed_in(ADMIN).await;
    let queue = admin.get("/admin/requests?status=submitted").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains("Protein folding at scale"),
        "{}",
        queue.body
    );
}

/// Approves a request of the university's owner (16 H100 at Dugny by default) and returns its id.
async fn approved(app: &TestApp, key: &str, changes: &[(&str, &str)]) -> i64 {
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let id = save(&mut owner, with(form(key), changes), "submit").await;
    let mut admin = app.signed_in(ADMIN).await;
    let ok = admin
        .call(
            "decide_request",
            &[("id", &id.to_string()), ("decision", "approve")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    id
}

#[tokio::test]
async fn the_capacity_view_shows_weekly_totals_as_svg_to_members_and_admins() {
    let app = TestApp::with_demo().await;
    approved(&app, "k-cap", &[("gpus", "240")]).await;

    let anon = app.anon().call("capacity_overview", &[]).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{}", anon.body);

    let mut member = app.signed_in(OTHER_MEMBER).await;
    let data = member.call("capacity_overview", &[]).await;
    assert_eq!(data.status, StatusCode::OK, "{}", data.body);
    let data = data.json();
    assert_eq!(data["weeks"].as_array().unwrap().len(), 26);
    let dugny = data["pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["site_slug"] == "dugny" && p["gpu_model"] == "H100")
        .expect("Dugny H100")
        .clone();
    assert_eq!(dugny["available"], 256);
    let peaks: Vec<i64> = dugny["peaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_i64().unwrap())
        .collect();
    assert_eq!(peaks.iter().max(), Some(&240));
    assert_eq!(peaks[0], 0, "{peaks:?}");
    // No tenant data in the answer.
    assert!(!data.to_string().contains("Protein folding"));

    let page = member.get("/capacity").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"), "{}", page.body);
    assert!(page
        .body
        .contains("240 of 256 GPUs committed (busy: above 80 %)"));
    assert!(page.body.contains("Busiest week"));
    assert!(!page.body.contains("style="));

    let mut admin = app.signed_in(ADMIN).await;
    let page = admin.get("/capacity").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Dugny"));
}

#[tokio::test]
async fn people_see_and_mark_read_only_their_own_notifications() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let id = save(&mut member, form("k-notes"), "submit").await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    owner
        .call("endorse_request", &[("id", &id.to_string())])
        .await;
    // The owner heard of the submission, the member of the endorsement.
    let count = |r: TestResponse| r.json().as_i64().unwrap();
    assert_eq!(count(member.call("unread_notifications", &[]).await), 1);
    let owner_unread = count(owner.call("unread_notifications", &[]).await);
    assert!(owner_unread >= 1);
    let mine = member.call("list_notifications", &[]).await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert!(mine[0]["text"].as_str().unwrap().contains("endorsed"));

    // Another tenant's member sees none of them.
    let mut other = app.signed_in(OTHER_MEMBER).await;
    assert_eq!(
        other.call("list_notifications", &[]).await.json(),
        Value::Array(vec![])
    );
    assert_eq!(count(other.call("mark_notifications_read", &[]).await), 0);

    // Marking read touches only the caller's.
    assert_eq!(count(member.call("mark_notifications_read", &[]).await), 1);
    assert_eq!(count(member.call("unread_notifications", &[]).await), 0);
    assert_eq!(
        count(owner.call("unread_notifications", &[]).await),
        owner_unread
    );
    assert_eq!(
        app.anon().call("unread_notifications", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );

    let page = owner.get("/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Mark all as read"), "{}", page.body);
    assert!(page.body.contains("Protein folding at scale"));
    let home = owner.get("/").await;
    assert!(home.body.contains("/notifications"), "{}", home.body);
}

async fn decide(app: &TestApp, id: i64, fields: &[(&str, &str)]) -> TestResponse {
    let mut admin = app.signed_in(ADMIN).await;
    let id = id.to_string();
    let mut all = vec![("id", id.as_str())];
    all.extend_from_slice(fields);
    admin.call("decide_request", &all).await
}

async fn quota(app: &TestApp, id: i64) -> (String, i64, String, String) {
    sqlx::query_as(
        "SELECT status, approved_gpus, approved_start, approved_end FROM quota_requests WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.owner_pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn an_approved_change_amends_the_quota_counting_it_once_and_an_oversized_one_is_refused() {
    let app = TestApp::with_demo().await;
    let original = approved(&app, "k-orig", &[("gpus", "100")]).await;
    let mut owner = app.signed_in(UNIV_OWNER).await;

    // The quota's page offers a change and a renewal.
    let detail = owner
        .call("get_request", &[("id", &original.to_string())])
        .await
        .json();
    assert!(detail["amend_key"].is_string(), "{detail}");
    assert_eq!(detail["can_change"], true);
    let page = owner.get(&format!("/requests/{original}")).await;
    assert!(page.body.contains("Ask for a change") && page.body.contains("Renew"));

    // Nothing more than the quota is not a change.
    let same = owner
        .call(
            "amend_quota",
            &[
                ("id", &original.to_string()),
                ("kind", "change"),
                ("idempotency_key", "k-same"),
                ("gpus", "100"),
            ],
        )
        .await;
    assert_eq!(
        same.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        same.body
    );

    // 200 GPUs until day 50: fits only if the original's 100 are not counted besides.
    let change = owner
        .call(
            "amend_quota",
            &[
                ("id", &original.to_string()),
                ("kind", "change"),
                ("idempotency_key", "k-change"),
                ("gpus", "200"),
                ("end_date", &day(50)),
            ],
        )
        .await;
    assert_eq!(change.status, StatusCode::OK, "{}", change.body);
    let change = change.json().as_i64().unwrap();
    let detail = owner
        .call("get_request", &[("id", &change.to_string())])
        .await
        .json();
    assert_eq!(detail["summary"]["kind"], "change");
    assert_eq!(detail["summary"]["status"], "endorsed");
    assert_eq!(detail["summary"]["amends_request_id"], original);
    assert_eq!(detail["summary"]["start_date"], day(10));

    let ok = decide(&app, change, &[("decision", "approve")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        quota(&app, original).await,
        ("approved".into(), 200, day(10), day(50))
    );
    let (status,): (String,) = sqlx::query_as("SELECT status FROM quota_requests WHERE id = $1")
        .bind(change)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(status, "approved");
    // The quota's timeline tells of the amendment.
    let timeline = owner
        .call("get_request", &[("id", &original.to_string())])
        .await
        .json()["timeline"]
        .to_string();
    assert!(
        timeline.contains(&format!("Amended by change request #{change}")),
        "{timeline}"
    );

    // A second change to 250 GPUs next to another quota of 40: 290 > 256, refused at approval.
    approved(&app, "k-other", &[("gpus", "40")]).await;
    let too_big = owner
        .call(
            "amend_quota",
            &[
                ("id", &original.to_string()),
                ("kind", "change"),
                ("idempotency_key", "k-change-2"),
                ("gpus", "250"),
            ],
        )
        .await;
    assert_eq!(too_big.status, StatusCode::OK, "{}", too_big.body);
    let too_big = too_big.json().as_i64().unwrap();
    let refused = decide(&app, too_big, &[("decision", "approve")]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(
        message(&refused).starts_with("Not enough H100 capacity"),
        "{}",
        refused.body
    );
    assert_eq!(
        quota(&app, original).await,
        ("approved".into(), 200, day(10), day(50))
    );

    // Another tenant cannot amend it.
    let mut other = app.signed_in(OTHER_OWNER).await;
    let theirs = other
        .call(
            "amend_quota",
            &[
                ("id", &original.to_string()),
                ("kind", "renewal"),
                ("idempotency_key", "k-x"),
                ("end_date", &day(90)),
            ],
        )
        .await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND, "{}", theirs.body);
    // The committed days follow the grant as it was amended, counted once.
    app.assert_pool_days_agree().await;
}

#[tokio::test]
async fn a_renewal_starts_at_the_quota_end_and_becomes_a_quota_of_its_own() {
    let app = TestApp::with_demo().await;
    let original = approved(&app, "k-renew-orig", &[]).await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let renewal = member
        .call(
            "amend_quota",
            &[
                ("id", &original.to_string()),
                ("kind", "renewal"),
                ("idempotency_key", "k-renew"),
                ("end_date", &day(70)),
            ],
        )
        .await;
    assert_eq!(renewal.status, StatusCode::OK, "{}", renewal.body);
    let renewal = renewal.json().as_i64().unwrap();
    // Resent: the same request.
    let again = member
        .call(
            "amend_quota",
            &[
                ("id", &original.to_string()),
                ("kind", "renewal"),
                ("idempotency_key", "k-renew"),
                ("end_date", &day(70)),
            ],
        )
        .await;
    assert_eq!(again.json().as_i64(), Some(renewal));
    // A member's renewal waits for the owner's endorsement, like any request.
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let endorsed = owner
        .call("endorse_request", &[("id", &renewal.to_string())])
        .await;
    assert_eq!(endorsed.status, StatusCode::OK, "{}", endorsed.body);
    let ok = decide(&app, renewal, &[("decision", "approve")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    assert_eq!(
        quota(&app, renewal).await,
        ("approved".into(), 16, day(40), day(70))
    );
    assert_eq!(
        quota(&app, original).await,
        ("approved".into(), 16, day(10), day(40))
    );
    let detail = member
        .call("get_request", &[("id", &renewal.to_string())])
        .await
        .json();
    assert_eq!(detail["summary"]["kind"], "renewal");
}

#[tokio::test]
async fn removing_a_certification_flags_the_quotas_it_allowed() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(HOSP_OWNER).await;
    let id = save(
        &mut owner,
        with(
            form("k-health-dugny"),
            &[("classification", "health"), ("sector", "health")],
        ),
        "submit",
    )
    .await;
    let ok = decide(&app, id, &[("decision", "approve")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);

    // The catalogue service runs the re-check in a platform-scoped write transaction.
    let mut conn = app.state.db.platform_write_tx().await.unwrap();
    // Compliant: nothing to flag.
    assert_eq!(
        app::server::requests::flag_noncompliant_requests(&mut conn, None)
            .await
            .unwrap(),
        0
    );
    sqlx::query(
        "DELETE FROM certifications WHERE kind = 'hds' \
         AND site_id = (SELECT id FROM sites WHERE slug = 'dugny')",
    )
    .execute(&mut *conn)
    .await
    .unwrap();
    let changed = app::server::requests::flag_noncompliant_requests(&mut conn, None)
        .await
        .unwrap();
    assert_eq!(changed, 1);
    let (flag,): (Option<String>,) =
        sqlx::query_as("SELECT compliance_flag FROM quota_requests WHERE id = $1")
            .bind(id)
            .fetch_one(&mut *conn)
            .await
            .unwrap();
    let flag = flag.expect("flagged");
    assert!(flag.contains("H1"), "{flag}");
    // Once only.
    assert_eq!(
        app::server::requests::flag_noncompliant_requests(&mut conn, None)
            .await
            .unwrap(),
        0
    );
    conn.commit().await.unwrap();

    // The owner and the platform admins are told; the flag shows on the pages.
    let notes = owner.call("list_notifications", &[]).await.body;
    assert!(notes.contains("no longer complies"), "{notes}");
    let mut admin = app.signed_in(ADMIN).await;
    let notes = admin.call("list_notifications", &[]).await.body;
    assert!(notes.contains("no longer complies"), "{notes}");
    let page = owner.get(&format!("/requests/{id}")).await;
    assert!(page.body.contains("Compliance flag"), "{}", page.body);
    let queue = admin.get("/admin/requests?status=approved").await;
    assert!(queue.body.contains("Flagged"), "{}", queue.body);
    let (audited,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE event = 'request.compliance_flag'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(audited, 1);
}

#[tokio::test]
async fn the_demo_activity_goes_through_the_services_and_leaves_every_state() {
    let app = TestApp::with_demo().await;
    let made = app::server::demo_activity::load_activity(&app.state)
        .await
        .expect("demo activity");
    let count = |status: &'static str| {
        let pool = app.owner_pool().clone();
        async move {
            let (n,): (i64,) =
                sqlx::query_as("SELECT COUNT(*) FROM quota_requests WHERE status = $1")
                    .bind(status)
                    .fetch_one(&pool)
                    .await
                    .unwrap();
            n
        }
    };
    let mut total = 0;
    for status in [
        "draft",
        "submitted",
        "endorsed",
        "approved",
        "partially_approved",
        "rejected",
        "withdrawn",
    ] {
        let n = count(status).await;
        assert!(n > 0, "no demo request is {status}");
        total += n;
    }
    assert_eq!(total, i64::try_from(made).unwrap());
    // Every transition left its timeline step, and the member heard about the decision.
    let (events,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM request_events")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert!(events >= total);
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let unread = member.call("unread_notifications", &[]).await;
    assert_eq!(unread.status, StatusCode::OK, "{}", unread.body);
    assert!(unread.json().as_i64().unwrap() >= 2, "{}", unread.body);
    app.assert_pool_days_agree().await;
}

#[tokio::test]
async fn a_catalogue_edit_by_an_admin_flags_the_quotas_it_breaks_at_once() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(HOSP_OWNER).await;
    let id = save(
        &mut owner,
        with(
            form("k-health-dugny-edit"),
            &[("classification", "health"), ("sector", "health")],
        ),
        "submit",
    )
    .await;
    let ok = decide(&app, id, &[("decision", "approve")]).await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let mut admin = app.signed_in(ADMIN).await;
    let catalogue = admin.call("get_catalogue", &[]).await.json();
    let hds = catalogue["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"]["slug"] == "dugny")
        .and_then(|s| {
            s["profile"]["certifications"]
                .as_array()
                .unwrap()
                .iter()
                .find(|c| c["kind"]["kind"] == "hds" || c["kind"] == "hds")
                .cloned()
        })
        .expect("Dugny holds an HDS certificate");
    let certificate_id = hds["certificate_id"].as_str().unwrap().to_string();

    let removed = admin
        .call(
            "remove_certification",
            &[("site", "dugny"), ("certificate_id", &certificate_id)],
        )
        .await;
    assert_eq!(removed.status, StatusCode::OK, "{}", removed.body);

    let page = owner.get(&format!("/requests/{id}")).await;
    assert!(page.body.contains("Compliance flag"), "{}", page.body);
    assert!(page.body.contains("H1"), "{}", page.body);
    let notes = owner.call("list_notifications", &[]).await.body;
    assert!(notes.contains("no longer complies"), "{notes}");
}

#[tokio::test]
async fn the_request_list_filters_sorts_and_pages_through_its_arguments() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    // 52 requests: 1 to 52 GPUs, every fourth one kept as a draft, titled by their size.
    for n in 1..=52 {
        let intent = if n % 4 == 0 { "draft" } else { "submit" };
        let gpus = n.to_string();
        let title = format!("Run of {n} GPUs");
        save(
            &mut member,
            with(
                form(&format!("list-{n}")),
                &[("gpus", &gpus), ("project_title", &title)],
            ),
            intent,
        )
        .await;
    }
    let ids = |page: &TestResponse| -> Vec<i64> {
        page.json()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["gpus"].as_i64().unwrap())
            .collect()
    };

    // Newest first, 50 a page, and a second page with the rest.
    let first = member.call("list_requests", &[]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(ids(&first).len(), 50);
    assert_eq!(ids(&first)[0], 52);
    assert_eq!(first.json()["has_more"], true);
    let second = member.call("list_requests", &[("page", "1")]).await;
    assert_eq!(ids(&second), vec![2, 1]);
    assert_eq!(second.json()["has_more"], false);

    // Sorted by GPUs, ascending; by status; filtered by status and by words.
    let by_gpus = member
        .call("list_requests", &[("sort", "gpus"), ("dir", "asc")])
        .await;
    assert_eq!(ids(&by_gpus), (1..=50).collect::<Vec<i64>>());
    // Titles sort as text, whole page in order ("Run of 9 GPUs" before "Run of 52 GPUs").
    let by_title = member
        .call("list_requests", &[("sort", "title"), ("dir", "desc")])
        .await;
    let mut expected: Vec<i64> = (1..=52).collect();
    expected.sort_by_key(|n| std::cmp::Reverse(format!("run of {n} gpus")));
    expected.truncate(50);
    assert_eq!(ids(&by_title), expected);
    let open = member.call("list_requests", &[("status", "open")]).await;
    assert_eq!(open.json()["rows"].as_array().unwrap().len(), 50);
    let granted = member.call("list_requests", &[("status", "granted")]).await;
    assert_eq!(ids(&granted), Vec::<i64>::new());
    let drafts = member.call("list_requests", &[("status", "draft")]).await;
    assert_eq!(ids(&drafts).len(), 13);
    assert!(ids(&drafts).iter().all(|g| g % 4 == 0));
    let words = member
        .call("list_requests", &[("search", "run of 17 ")])
        .await;
    assert_eq!(ids(&words), vec![17]);
    // LIKE's own characters are matched literally.
    let percent = member.call("list_requests", &[("search", "%")]).await;
    assert_eq!(ids(&percent), Vec::<i64>::new());

    // An unknown sort column sorts by id: nothing typed reaches the ORDER BY clause.
    let odd = member
        .call(
            "list_requests",
            &[("sort", "gpus; DROP TABLE quota_requests"), ("dir", "desc")],
        )
        .await;
    assert_eq!(odd.status, StatusCode::OK, "{}", odd.body);
    assert_eq!(ids(&odd)[0], 52);

    // Another member of the tenant sees the submitted ones, not this member's drafts.
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let seen = owner.call("list_requests", &[("status", "draft")]).await;
    assert_eq!(ids(&seen), Vec::<i64>::new());
    // The admin queue reads the same filters.
    let mut admin = app.signed_in(ADMIN).await;
    let queue = admin
        .call(
            "request_queue",
            &[("status", "submitted"), ("sort", "gpus"), ("dir", "desc")],
        )
        .await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    let first_row = &queue.json()["rows"][0]["summary"];
    assert_eq!(first_row["gpus"], 51);
    assert_eq!(first_row["tenant_name"], "Université de Palaiseau");

    // Search ignores case and accents, also where SQLite's LOWER would not: "universite" and
    // "UNIVERSITÉ" find "Université", "etude de l'ile" finds "Étude de l'Île".
    let tenant_rows = |page: &TestResponse| page.json()["rows"].as_array().unwrap().len();
    for words in ["universite de", "UNIVERSITÉ DE"] {
        let found = admin
            .call(
                "request_queue",
                &[("status", "submitted"), ("tenant", words)],
            )
            .await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        assert_eq!(tenant_rows(&found), 39, "{words}");
    }
    save(
        &mut member,
        with(
            form("list-accents"),
            &[("gpus", "99"), ("project_title", "Étude de l'Île")],
        ),
        "submit",
    )
    .await;
    for words in ["etude de l'ile", "ÉTUDE DE L'ÎLE", "étude"] {
        let found = member.call("list_requests", &[("search", words)]).await;
        assert_eq!(ids(&found), vec![99], "{words}");
    }
}

/// A form with a bad date and a site or model the catalogue lacks names every field at once:
/// the catalogue's check runs even though other fields failed to parse.
#[tokio::test]
async fn a_bad_form_names_the_catalogue_fields_with_the_others_at_once() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let fields = |response: &TestResponse| -> Vec<String> {
        let body = response.json();
        let mut fields = vec![body["field"].as_str().unwrap_or_default().to_owned()];
        for other in body["others"].as_array().cloned().unwrap_or_default() {
            fields.push(other["field"].as_str().unwrap_or_default().to_owned());
        }
        fields
    };
    let unknown_site = with(
        form("k-bad-all"),
        &[("start_date", "31/02/2027"), ("site", "atlantis")],
    );
    let response = call_owned(&mut owner, "save_request", &unknown_site).await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    assert_eq!(
        fields(&response),
        ["start_date", "site"],
        "{}",
        response.body
    );

    let missing_model = with(
        form("k-bad-model"),
        &[("gpus", "many"), ("gpu_model", "Z9000")],
    );
    let response = call_owned(&mut owner, "save_request", &missing_model).await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    assert_eq!(
        fields(&response),
        ["gpus", "gpu_model"],
        "{}",
        response.body
    );
    assert!(
        response.body.contains("has no Z9000 GPUs"),
        "{}",
        response.body
    );
}

#[tokio::test]
async fn a_window_starting_in_year_9999_or_with_a_sign_is_refused_beside_its_field() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    for (start, end, expected) in [
        (
            "9999-01-01",
            "9999-02-01",
            "“9999-01-01” is out of range: a date must fall between 2000-01-01 and 2100-12-31.",
        ),
        (
            "+2027-03-01",
            "2027-04-01",
            "“+2027-03-01” is not a date; write it as YYYY-MM-DD.",
        ),
    ] {
        let response = call_owned(
            &mut member,
            "save_request",
            &with(
                form("k-far"),
                &[
                    ("start_date", start),
                    ("end_date", end),
                    ("intent", "draft"),
                ],
            ),
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            response.body
        );
        assert_eq!(response.json()["field"], "start_date", "{}", response.body);
        assert_eq!(message(&response), expected);
    }
    let (saved,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM quota_requests WHERE idempotency_key = 'k-far'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(saved, 0, "nothing was saved");
}
