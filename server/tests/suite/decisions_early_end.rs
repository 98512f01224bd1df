//! A quota ended or reduced early (issue 12, point 3): exactly what it no longer holds goes back
//! to the pool, a reason is required, the tenant is told, the first day is kept.

use crate::common;

use axum::http::StatusCode;
use common::decisions::*;
use common::requests::*;
use common::*;

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
    // The page reads Guichet's own words in the reader's language; the reason as it was typed.
    // Its title says what happened (the status stays "approved").
    for (language, words, title) in [
        ("fr", "Réduit : désormais 6 GPU H100", "Réduit"),
        ("en", "Reduced: now 6 H100 GPUs", "Reduced"),
    ] {
        let mut owner = app.signed_in(UNIV_OWNER).await;
        owner.accept_language = Some(language);
        let page = owner.call("get_request", &[("id", &id.to_string())]).await;
        let last = page.json()["timeline"]
            .as_array()
            .and_then(|t| t.last().cloned())
            .unwrap_or_default();
        let note = last["note"].as_str().unwrap_or_default();
        assert!(note.starts_with(words), "{language}: {note}");
        assert!(note.contains("Half the nodes are down."), "{note}");
        assert_eq!(last["headline"], title, "{language}");
        assert_eq!(last["to_status"], "approved");
    }
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
    let events = scalar(&app, EVENTS, id).await;
    let again = end_early(&mut admin, id, &[("gpus", "1"), ("reason", "Again.")]).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);
    assert!(message(&again).contains("already ended"), "{}", again.body);
    assert_eq!(quota(&app, id).await.1, 6);
    assert_eq!(scalar(&app, EVENTS, id).await, events, "nothing written");
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
