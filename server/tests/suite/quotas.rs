//! Quotas after approval: changes and renewals, compliance flags raised by catalogue edits,
//! and the demo activity that leaves every state, with the committed days kept in step.

use crate::common;

use axum::http::StatusCode;
use common::requests::*;
use common::*;

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
    assert!(
        notes.contains("no longer complies with the residency rules"),
        "{notes}"
    );
    let mut admin = app.signed_in(ADMIN).await;
    let notes = admin.call("list_notifications", &[]).await.body;
    assert!(
        notes.contains("no longer complies with the residency rules"),
        "{notes}"
    );
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
        "changes_requested",
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
    // The request sent back carries its answer in the conversation.
    let (answered,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM request_comments c JOIN quota_requests r ON r.id = c.request_id \
         WHERE r.status = 'changes_requested'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(answered, 1);
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
    assert!(
        notes.contains("no longer complies with the residency rules"),
        "{notes}"
    );
}
