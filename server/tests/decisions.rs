//! Decisions where the work is (issue 12, points 2 and 3): a request sent back for changes and
//! answered by its requester, several requests approved in one step, and a quota ended or reduced
//! early, with the committed days kept in step.

mod common;

use axum::http::StatusCode;
use common::requests::*;
use common::*;

/// The university's project `climate`, which its member leads alone.
async fn climate(app: &TestApp) -> String {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM projects p JOIN tenants t ON t.id = p.tenant_id \
         WHERE t.slug = 'univ-palaiseau' AND p.code = 'climate'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    id.to_string()
}

/// Request `id`'s status and grant (0 GPUs and empty dates while nothing is granted).
async fn quota(app: &TestApp, id: i64) -> (String, i64, String, String) {
    sqlx::query_as(
        "SELECT status, COALESCE(approved_gpus, 0), COALESCE(approved_start, ''), \
         COALESCE(approved_end, '') FROM quota_requests WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.owner_pool())
    .await
    .unwrap()
}

async fn status(app: &TestApp, id: i64) -> String {
    quota(app, id).await.0
}

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    scalar(app, sql, id).await
}

const EVENTS: &str = "SELECT COUNT(*) FROM request_events WHERE request_id = $1";
const NOTIFIED: &str = "SELECT COUNT(*) FROM notifications WHERE request_id = $1";

/// The audit events about request `id` named `event`, with their details.
async fn audited(app: &TestApp, event: &str, id: i64) -> Vec<serde_json::Value> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT detail FROM audit_log WHERE event = $1 ORDER BY id")
            .bind(event)
            .fetch_all(app.owner_pool())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(d,)| serde_json::from_str::<serde_json::Value>(&d).unwrap())
        .filter(|d| d["request_id"].as_i64() == Some(id))
        .collect()
}

fn field_errors(response: &TestResponse) -> Vec<String> {
    let body = response.json();
    let mut fields = vec![body["field"].as_str().unwrap_or_default().to_string()];
    if let Some(others) = body["others"].as_array() {
        fields.extend(
            others
                .iter()
                .filter_map(|o| o["field"].as_str().map(str::to_string)),
        );
    }
    fields
}

#[tokio::test]
async fn a_request_sent_back_is_amended_and_resubmitted_by_its_requester_then_approved() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let project = climate(&app).await;
    let id = save(
        &mut member,
        with(form("k-back"), &[("project", &project)]),
        "submit",
    )
    .await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let endorsed = owner
        .call("endorse_request", &[("id", &id.to_string())])
        .await;
    assert_eq!(endorsed.status, StatusCode::OK, "{}", endorsed.body);

    // A question is required, in words.
    let bare = decide(&app, id, &[("decision", "send_back")]).await;
    assert_eq!(
        bare.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        bare.body
    );
    assert_eq!(bare.json()["field"], "note");
    assert_eq!(status(&app, id).await, "endorsed");

    let question = "Which dataset will you train on, and is any of it personal data?";
    let sent = decide(&app, id, &[("decision", "send_back"), ("note", question)]).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    assert_eq!(sent.json(), "changes_requested");
    assert_eq!(status(&app, id).await, "changes_requested");
    let audit = audited(&app, "request.send_back", id).await;
    assert_eq!(audit.len(), 1);
    assert_eq!(audit[0]["note"], question);
    assert_eq!(audit[0]["before"], "endorsed");
    // The requester (who leads the project) and the tenant's owner are told, with the question.
    let told: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.email, n.text FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.request_id = $1 AND n.text LIKE '%changes requested%' ORDER BY u.email",
    )
    .bind(id)
    .fetch_all(app.owner_pool())
    .await
    .unwrap();
    let emails: Vec<&str> = told.iter().map(|(e, _)| e.as_str()).collect();
    assert_eq!(emails, [UNIV_OWNER, UNIV_MEMBER], "{told:?}");
    assert!(told.iter().all(|(_, text)| text.contains(question)));
    // A sent-back request holds nothing.
    app.assert_pool_days_agree().await;

    // The requester sees the question and may answer; the admin cannot decide meanwhile.
    let detail = member.call("get_request", &[("id", &id.to_string())]).await;
    let detail = detail.json();
    assert_eq!(detail["question"], question, "{detail}");
    assert_eq!(
        detail["actions"],
        serde_json::json!(["save_draft", "submit", "withdraw"])
    );
    let page = member.get(&format!("/requests/{id}")).await;
    assert!(page.body.contains("Answer and resubmit"), "{}", page.body);
    let early = decide(&app, id, &[("decision", "approve")]).await;
    assert_eq!(early.status, StatusCode::CONFLICT, "{}", early.body);
    assert!(message(&early).contains("sent back for changes"));

    // Someone of another project does not see it at all.
    let mut outsider = app.signed_in(OTHER_PROJECT_MEMBER).await;
    let hidden = outsider
        .call("get_request", &[("id", &id.to_string())])
        .await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);

    // The requester amends through the request form, as a draft; the question stays open.
    let amended = with(
        form("k-back"),
        &[
            ("id", &id.to_string()),
            ("project", &project),
            ("gpus", "8"),
        ],
    );
    let saved = call_owned(
        &mut member,
        "save_request",
        &with(amended.clone(), &[("intent", "draft")]),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    assert_eq!(status(&app, id).await, "changes_requested");
    assert_eq!(quota(&app, id).await.1, 0, "nothing granted yet");

    // …and resubmits: back to the owner, like a first submission.
    let resubmitted = call_owned(
        &mut member,
        "save_request",
        &with(amended, &[("intent", "submit")]),
    )
    .await;
    assert_eq!(resubmitted.status, StatusCode::OK, "{}", resubmitted.body);
    assert_eq!(status(&app, id).await, "submitted");
    let again = owner
        .call("endorse_request", &[("id", &id.to_string())])
        .await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let approved = decide(&app, id, &[("decision", "approve")]).await;
    assert_eq!(approved.status, StatusCode::OK, "{}", approved.body);
    let (status, gpus, ..) = quota(&app, id).await;
    assert_eq!(
        (status.as_str(), gpus),
        ("approved", 8),
        "the amended request is granted"
    );
    let steps: Vec<(String,)> =
        sqlx::query_as("SELECT to_status FROM request_events WHERE request_id = $1 ORDER BY id")
            .bind(id)
            .fetch_all(app.owner_pool())
            .await
            .unwrap();
    let steps: Vec<&str> = steps.iter().map(|(s,)| s.as_str()).collect();
    // Sent back, saved as a draft, saved again on resubmission, submitted.
    assert_eq!(
        steps,
        [
            "draft",
            "submitted",
            "endorsed",
            "changes_requested",
            "changes_requested",
            "changes_requested",
            "submitted",
            "endorsed",
            "approved"
        ]
    );
    let detail = member.call("get_request", &[("id", &id.to_string())]).await;
    assert!(
        detail.json()["question"].is_null(),
        "answered: {}",
        detail.body
    );
    app.assert_pool_days_agree().await;
}

#[tokio::test]
async fn only_platform_admins_send_back_and_only_the_requester_answers() {
    let app = TestApp::with_demo().await;
    let project = climate(&app).await;
    // The owner's request in the member's project: the owner's submission endorses itself.
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let id = save(
        &mut owner,
        with(form("k-owner"), &[("project", &project)]),
        "submit",
    )
    .await;
    assert_eq!(status(&app, id).await, "endorsed");
    let send_back = [
        ("id", id.to_string()),
        ("decision", "send_back".to_string()),
        ("note", "Why 16 rather than 8?".to_string()),
    ];
    let send_back: Vec<(&str, &str)> = send_back.iter().map(|(k, v)| (*k, v.as_str())).collect();

    let anonymous = app.anon().call("decide_request", &send_back).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );
    let by_owner = owner.call("decide_request", &send_back).await;
    assert_eq!(by_owner.status, StatusCode::FORBIDDEN, "{}", by_owner.body);
    assert_eq!(status(&app, id).await, "endorsed", "nothing written");

    // A submitted request can be sent back too.
    let mut admin = app.signed_in(ADMIN).await;
    let sent = admin.call("decide_request", &send_back).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let twice = admin.call("decide_request", &send_back).await;
    assert_eq!(twice.status, StatusCode::CONFLICT, "{}", twice.body);

    // The project's lead sees it but may neither resubmit nor amend someone else's request.
    let mut lead = app.signed_in(UNIV_MEMBER).await;
    let events = count(&app, EVENTS, id).await;
    let resubmit = lead
        .call("submit_request", &[("id", &id.to_string())])
        .await;
    assert_eq!(resubmit.status, StatusCode::FORBIDDEN, "{}", resubmit.body);
    let amend = with(
        form("k-owner"),
        &[
            ("id", &id.to_string()),
            ("project", &project),
            ("gpus", "2"),
            ("intent", "submit"),
        ],
    );
    let amended = call_owned(&mut lead, "save_request", &amend).await;
    assert_eq!(amended.status, StatusCode::FORBIDDEN, "{}", amended.body);
    assert_eq!(status(&app, id).await, "changes_requested");
    assert_eq!(count(&app, EVENTS, id).await, events, "nothing written");
    // Another tenant's member: not found.
    let mut stranger = app.signed_in(HOSP_MEMBER).await;
    let foreign = stranger
        .call("submit_request", &[("id", &id.to_string())])
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND, "{}", foreign.body);

    // The requester resubmits; an owner's answer endorses itself, as a first submission does.
    let answered = owner
        .call("submit_request", &[("id", &id.to_string())])
        .await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    assert_eq!(status(&app, id).await, "endorsed");

    // A request sent back can still be withdrawn.
    let sent = admin.call("decide_request", &send_back).await;
    assert_eq!(sent.status, StatusCode::OK, "{}", sent.body);
    let withdrawn = owner
        .call("withdraw_request", &[("id", &id.to_string())])
        .await;
    assert_eq!(withdrawn.status, StatusCode::OK, "{}", withdrawn.body);
    assert_eq!(status(&app, id).await, "withdrawn");
}

/// An endorsed request of the university's owner for `gpus` H100 at Dugny over days 10 to 40.
async fn endorsed(app: &TestApp, key: &str, gpus: &str) -> i64 {
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let id = save(&mut owner, with(form(key), &[("gpus", gpus)]), "submit").await;
    assert_eq!(status(app, id).await, "endorsed");
    id
}

async fn approve_batch(client: &mut Client, ids: &[i64]) -> TestResponse {
    let ids: Vec<String> = ids.iter().map(i64::to_string).collect();
    let form: Vec<(&str, &str)> = ids.iter().map(|id| ("ids[]", id.as_str())).collect();
    client.call("approve_requests", &form).await
}

#[tokio::test]
async fn a_batch_approves_each_request_on_its_own() {
    let app = TestApp::with_demo().await;
    let ids = [
        endorsed(&app, "k-b1", "2").await,
        endorsed(&app, "k-b2", "3").await,
        endorsed(&app, "k-b3", "4").await,
    ];
    let mut admin = app.signed_in(ADMIN).await;
    let done = approve_batch(&mut admin, &[ids[2], ids[0], ids[1], ids[0]]).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    assert_eq!(done.json(), serde_json::json!(ids));
    for (id, gpus) in ids.iter().zip([2, 3, 4]) {
        let (status, granted, ..) = quota(&app, *id).await;
        assert_eq!((status.as_str(), granted), ("approved", gpus));
        let audit = audited(&app, "request.approve", *id).await;
        assert_eq!(audit.len(), 1, "request #{id} audited on its own");
        assert_eq!(audit[0]["granted"]["gpus"], gpus);
        assert!(audit[0]["capacity"]["peak_after"].is_i64(), "{}", audit[0]);
        let steps = count(
            &app,
            "SELECT COUNT(*) FROM request_events WHERE request_id = $1 AND to_status = 'approved'",
            *id,
        )
        .await;
        assert_eq!(steps, 1);
        let told = count(
            &app,
            "SELECT COUNT(*) FROM notifications WHERE request_id = $1 AND text LIKE '%approved by%'",
            *id,
        )
        .await;
        assert!(told >= 1, "request #{id}: its requester is told");
    }
    app.assert_pool_days_agree().await;
    // Approved already: a second batch is refused, naming the request.
    let again = approve_batch(&mut admin, &[ids[0]]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(message(&again).starts_with(&format!("Request #{}:", ids[0])));
}

/// Sets Dugny's H100 so that exactly `free` GPUs are left on the busiest day of days 10 to 40.
async fn leave_free(app: &TestApp, free: i64) {
    let (peak,): (i64,) = sqlx::query_as(
        "SELECT COALESCE(MAX(d.committed), 0) FROM pool_days d JOIN sites s ON s.id = d.site_id \
         WHERE s.slug = 'dugny' AND d.gpu_model = 'H100'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    let mut admin = app.signed_in(ADMIN).await;
    let installed = (peak + free).to_string();
    let set = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "dugny"),
                ("model", "H100"),
                ("installed", &installed),
                ("reserve", "0"),
            ],
        )
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);
}

async fn pool_total(app: &TestApp) -> i64 {
    let (sum,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(d.committed), 0) AS BIGINT) FROM pool_days d JOIN sites s ON s.id = d.site_id \
         WHERE s.slug = 'dugny' AND d.gpu_model = 'H100'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    sum
}

#[tokio::test]
async fn a_batch_that_would_over_commit_a_pool_is_refused_with_nothing_written() {
    let app = TestApp::with_demo().await;
    let a = endorsed(&app, "k-o1", "20").await;
    let b = endorsed(&app, "k-o2", "20").await;
    leave_free(&app, 30).await;
    let before = (
        pool_total(&app).await,
        count(&app, EVENTS, a).await,
        count(&app, NOTIFIED, a).await,
    );

    // Each fits alone; together they do not.
    let mut admin = app.signed_in(ADMIN).await;
    let refused = approve_batch(&mut admin, &[a, b]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    let said = message(&refused);
    assert!(said.starts_with(&format!("Request #{b}:")), "{said}");
    assert!(said.ends_with("Nothing was approved."), "{said}");
    for id in [a, b] {
        assert_eq!(status(&app, id).await, "endorsed");
        assert!(audited(&app, "request.approve", id).await.is_empty());
    }
    assert_eq!(
        (
            pool_total(&app).await,
            count(&app, EVENTS, a).await,
            count(&app, NOTIFIED, a).await
        ),
        before,
        "nothing of the first request's approval was kept"
    );
    app.assert_pool_days_agree().await;

    // One of them alone fits.
    let one = approve_batch(&mut admin, &[a]).await;
    assert_eq!(one.status, StatusCode::OK, "{}", one.body);
    assert_eq!(pool_total(&app).await, before.0 + 20 * 30);
    app.assert_pool_days_agree().await;
}

#[tokio::test]
async fn a_batch_naming_a_draft_an_unknown_id_or_nothing_is_refused_and_only_admins_batch() {
    let app = TestApp::with_demo().await;
    let fine = endorsed(&app, "k-f1", "2").await;
    let mut stranger = app.signed_in(HOSP_MEMBER).await;
    let foreign_draft = save(&mut stranger, form("k-hosp"), "draft").await;
    let mut admin = app.signed_in(ADMIN).await;

    for bad in [foreign_draft, 999_999] {
        let refused = approve_batch(&mut admin, &[fine, bad]).await;
        assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
        assert_eq!(status(&app, fine).await, "endorsed", "nothing written");
    }
    let nothing = admin.call("approve_requests", &[]).await;
    assert_eq!(
        nothing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        nothing.body
    );
    assert_eq!(nothing.json()["field"], "ids");
    let not_a_number = admin.call("approve_requests", &[("ids[]", "x")]).await;
    assert_eq!(
        not_a_number.status,
        StatusCode::NOT_FOUND,
        "{}",
        not_a_number.body
    );

    let ids = [("ids[]", fine.to_string())];
    let ids: Vec<(&str, &str)> = ids.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let anonymous = app.anon().call("approve_requests", &ids).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );
    for who in [UNIV_OWNER, UNIV_MEMBER] {
        let mut person = app.signed_in(who).await;
        let refused = person.call("approve_requests", &ids).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{who}: {}",
            refused.body
        );
        assert_eq!(refused.json()["kind"], "forbidden", "{}", refused.body);
    }
    assert_eq!(status(&app, fine).await, "endorsed");
}

/// A quota of the university's owner: 16 H100 at Dugny from today for 30 days.
async fn running_quota(app: &TestApp, key: &str) -> i64 {
    approved(app, key, &[("start_date", &day(0)), ("end_date", &day(30))]).await
}

async fn end_early(client: &mut Client, id: i64, fields: &[(&str, &str)]) -> TestResponse {
    let id = id.to_string();
    let mut all = vec![("id", id.as_str())];
    all.extend_from_slice(fields);
    client.call("end_quota_early", &all).await
}

#[tokio::test]
async fn ending_or_reducing_a_quota_early_gives_back_exactly_what_it_no_longer_holds() {
    let app = TestApp::with_demo().await;
    let id = running_quota(&app, "k-end").await;
    let total = pool_total(&app).await;
    let mut admin = app.signed_in(ADMIN).await;

    let ended = end_early(
        &mut admin,
        id,
        &[
            ("end_date", &day(10)),
            ("reason", "The cluster is needed for an emergency."),
        ],
    )
    .await;
    assert_eq!(ended.status, StatusCode::OK, "{}", ended.body);
    let (status, gpus, start, end) = quota(&app, id).await;
    assert_eq!(
        (status.as_str(), gpus, start, end),
        ("approved", 16, day(0), day(10)),
        "a quota ended early stays approved, with its new window"
    );
    assert_eq!(
        pool_total(&app).await,
        total - 16 * 20,
        "20 days of 16 GPUs back"
    );
    app.assert_pool_days_agree().await;

    let reduced = end_early(
        &mut admin,
        id,
        &[("gpus", "6"), ("reason", "Half the nodes are down.")],
    )
    .await;
    assert_eq!(reduced.status, StatusCode::OK, "{}", reduced.body);
    assert_eq!(quota(&app, id).await.1, 6);
    assert_eq!(pool_total(&app).await, total - 16 * 20 - 10 * 10);
    app.assert_pool_days_agree().await;

    // Recorded: the timeline, the audit log and the tenant's people, with the reason.
    let audit = audited(&app, "quota.end_early", id).await;
    assert_eq!(audit.len(), 2);
    assert_eq!(audit[0]["before"]["end"], day(30));
    assert_eq!(audit[0]["after"]["end"], day(10));
    assert_eq!(audit[1]["after"]["gpus"], 6);
    assert_eq!(audit[1]["reason"], "Half the nodes are down.");
    let step: (String,) = sqlx::query_as(
        "SELECT note FROM request_events WHERE request_id = $1 ORDER BY id DESC LIMIT 1",
    )
    .bind(id)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert!(step.0.starts_with("Reduced: now 6 H100 GPUs"), "{}", step.0);
    let told: Vec<(String,)> = sqlx::query_as(
        "SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.request_id = $1 AND n.text LIKE '%ended early by%' ORDER BY u.email",
    )
    .bind(id)
    .fetch_all(app.owner_pool())
    .await
    .unwrap();
    assert!(told.iter().any(|(e,)| e == UNIV_OWNER), "{told:?}");

    // Ended tomorrow: it keeps today only; it cannot end today, since a quota keeps its first day.
    let tomorrow = end_early(
        &mut admin,
        id,
        &[("end_date", &day(1)), ("reason", "Closed.")],
    )
    .await;
    assert_eq!(tomorrow.status, StatusCode::OK, "{}", tomorrow.body);
    assert_eq!(pool_total(&app).await, total - 16 * 30 + 6);
    app.assert_pool_days_agree().await;
    let today = end_early(
        &mut admin,
        id,
        &[("end_date", &day(0)), ("reason", "Closed.")],
    )
    .await;
    assert_eq!(
        today.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        today.body
    );
    assert_eq!(field_errors(&today), ["end_date"]);
    assert!(message(&today).contains("first day"), "{}", today.body);
    assert_eq!(
        quota(&app, id).await,
        ("approved".into(), 6, day(0), day(1))
    );

    // A quota whose window is over holds nothing left to end: a conflict, nothing written.
    sqlx::query("UPDATE quota_requests SET approved_start = $1, approved_end = $2 WHERE id = $3")
        .bind(day(-30))
        .bind(day(-5))
        .bind(id)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let events = count(&app, EVENTS, id).await;
    let again = end_early(&mut admin, id, &[("gpus", "1"), ("reason", "Again.")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(message(&again).contains("already ended"), "{}", again.body);
    assert_eq!(quota(&app, id).await.1, 6);
    assert_eq!(count(&app, EVENTS, id).await, events, "nothing written");
}

/// A quota that has not started yet may be ended early too, but keeps its first day.
#[tokio::test]
async fn a_future_quota_ended_early_keeps_its_first_day() {
    let app = TestApp::with_demo().await;
    let id = approved(
        &app,
        "k-future",
        &[("start_date", &day(10)), ("end_date", &day(40))],
    )
    .await;
    let total = pool_total(&app).await;
    let mut admin = app.signed_in(ADMIN).await;
    let empty = end_early(
        &mut admin,
        id,
        &[("end_date", &day(10)), ("reason", "Cancelled.")],
    )
    .await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    assert!(message(&empty).contains(&day(11)), "{}", empty.body);
    assert_eq!(pool_total(&app).await, total, "nothing given back");
    let one_day = end_early(
        &mut admin,
        id,
        &[("end_date", &day(11)), ("reason", "Cancelled.")],
    )
    .await;
    assert_eq!(one_day.status, StatusCode::OK, "{}", one_day.body);
    assert_eq!(
        quota(&app, id).await,
        ("approved".into(), 16, day(10), day(11))
    );
    assert_eq!(pool_total(&app).await, total - 16 * 29);
    app.assert_pool_days_agree().await;
}

#[tokio::test]
async fn an_early_end_needs_an_admin_a_reason_and_a_smaller_quota() {
    let app = TestApp::with_demo().await;
    let id = running_quota(&app, "k-end2").await;
    let total = pool_total(&app).await;
    let reason = ("reason", "Maintenance.");

    let anonymous = end_early(&mut app.anon(), id, &[("gpus", "2"), reason]).await;
    assert_eq!(
        anonymous.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        anonymous.body
    );
    for who in [UNIV_OWNER, UNIV_MEMBER, HOSP_OWNER] {
        let mut person = app.signed_in(who).await;
        let refused = end_early(&mut person, id, &[("gpus", "2"), reason]).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{who}: {}",
            refused.body
        );
    }

    let mut admin = app.signed_in(ADMIN).await;
    // Nothing said at all: every field's error at once.
    let empty = end_early(&mut admin, id, &[]).await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    assert_eq!(field_errors(&empty), ["end_date", "reason"]);
    let no_reason = end_early(&mut admin, id, &[("gpus", "2"), ("reason", "  ")]).await;
    assert_eq!(no_reason.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(field_errors(&no_reason), ["reason"]);
    // Not smaller: a later end, as many GPUs, an end before today.
    let later = end_early(
        &mut admin,
        id,
        &[("end_date", &day(31)), ("gpus", "16"), reason],
    )
    .await;
    assert_eq!(
        later.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        later.body
    );
    assert_eq!(field_errors(&later), ["end_date", "gpus"]);
    let past = end_early(&mut admin, id, &[("end_date", &day(-1)), reason]).await;
    assert_eq!(
        past.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        past.body
    );
    assert_eq!(pool_total(&app).await, total, "nothing given back");
    assert_eq!(quota(&app, id).await.1, 16);

    // Not a quota: an endorsed request, another tenant's draft.
    let pending = endorsed(&app, "k-pending", "2").await;
    let not_quota = end_early(&mut admin, pending, &[("gpus", "1"), reason]).await;
    assert_eq!(not_quota.status, StatusCode::CONFLICT, "{}", not_quota.body);
    let mut stranger = app.signed_in(HOSP_MEMBER).await;
    let draft = save(&mut stranger, form("k-hosp-draft"), "draft").await;
    let hidden = end_early(&mut admin, draft, &[("gpus", "1"), reason]).await;
    assert_eq!(hidden.status, StatusCode::NOT_FOUND, "{}", hidden.body);
    app.assert_pool_days_agree().await;
}
