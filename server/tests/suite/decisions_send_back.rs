//! A request sent back for changes (issue 12, point 2): only a platform admin sends back, with
//! a question; only its requester amends and resubmits; timeline, notifications and audit.

use crate::common;

use axum::http::StatusCode;
use common::decisions::*;
use common::requests::*;
use common::*;

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
    // The requester (who leads the project) and the tenant's owner are told, with the question, in
    // English: neither chose a language, and both signed in from an English browser.
    let told: Vec<(String, String)> = sqlx::query_as(
        "SELECT u.email, n.text FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.request_id = $1 AND n.text LIKE '%hanges requested%' ORDER BY u.email",
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
    let events = scalar(&app, EVENTS, id).await;
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
    assert_eq!(scalar(&app, EVENTS, id).await, events, "nothing written");
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
