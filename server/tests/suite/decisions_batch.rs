//! Several requests approved in one step (issue 12, point 3): each checked and recorded on its
//! own, their pools counted together; a batch that would over-commit writes nothing.

use crate::common;

use axum::http::StatusCode;
use common::decisions::*;
use common::requests::*;
use common::*;

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
        let steps = scalar(
            &app,
            "SELECT COUNT(*) FROM request_events WHERE request_id = $1 AND to_status = 'approved'",
            *id,
        )
        .await;
        assert_eq!(steps, 1);
        let told = scalar(
            &app,
            "SELECT COUNT(*) FROM notifications WHERE request_id = $1 AND text LIKE '%: approuvée par %'",
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

#[tokio::test]
async fn a_batch_that_would_over_commit_a_pool_is_refused_with_nothing_written() {
    let app = TestApp::with_demo().await;
    let a = endorsed(&app, "k-o1", "20").await;
    let b = endorsed(&app, "k-o2", "20").await;
    leave_free(&app, 30).await;
    let before = (
        pool_total(&app).await,
        scalar(&app, EVENTS, a).await,
        scalar(&app, NOTIFIED, a).await,
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
            scalar(&app, EVENTS, a).await,
            scalar(&app, NOTIFIED, a).await
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
