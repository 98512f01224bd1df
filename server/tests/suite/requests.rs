//! Quota requests through the real router: the life cycle, residency enforced at submission,
//! tenancy and role refusals, idempotent submission, and racing approvals that must never
//! over-commit a site — on SQLite, and on PostgreSQL when `GUICHET_TEST_DATABASE_URL` is set.

use crate::common;

use axum::http::StatusCode;
use common::requests::*;
use common::*;
use serde_json::Value;

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
    let health_at_marseille = with_project(&mut member, health_at_marseille).await;
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
    let pending = with_project(&mut owner, form("k-pending")).await;
    let response = call_owned(
        &mut owner,
        "save_request",
        &with(pending, &[("intent", "submit")]),
    )
    .await;
    assert_eq!(response.status, StatusCode::CONFLICT, "{}", response.body);
    assert!(
        message(&response).contains("waiting for verification"),
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
