//! A verified organisation suspended by a platform admin (issue 17, point 4): its people read
//! but submit nothing, see why, and its owners are e-mailed; lifting restores it.

use crate::common;

use axum::http::StatusCode;
use common::mail::unsent_to;
use common::requests::{form, save};
use common::*;

async fn tenant_id(app: &TestApp, slug: &str) -> String {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    id.to_string()
}

async fn suspend(admin: &mut Client, id: &str, reason: &str) -> TestResponse {
    admin
        .call("suspend_tenant", &[("tenant_id", id), ("reason", reason)])
        .await
}

#[tokio::test]
async fn a_suspended_organisation_reads_but_submits_nothing_until_it_is_lifted() {
    let app = TestApp::with_demo().await;
    let univ = tenant_id(&app, "univ-palaiseau").await;
    let mut admin = app.signed_in(ADMIN).await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let draft = save(&mut member, form("k-suspended"), "draft")
        .await
        .to_string();
    // A request of each organisation in the admins' queue (any status).
    save(&mut member, form("k-univ-submitted"), "submit").await;
    let mut hospital_member = app.signed_in(HOSP_MEMBER).await;
    save(&mut hospital_member, form("k-hospital-submitted"), "submit").await;

    let done = suspend(&mut admin, &univ, "Unpaid invoices since September.").await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    // Reading goes on; submitting is refused, with the reason.
    assert_eq!(member.get("/requests").await.status, StatusCode::OK);
    let refused = member.call("submit_request", &[("id", &draft)]).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body.contains("Unpaid invoices"), "{}", refused.body);
    let mine = member.call("my_tenants", &[]).await.json();
    assert_eq!(
        mine[0]["suspension_reason"], "Unpaid invoices since September.",
        "{mine}"
    );
    // The owner is told by e-mail; the admins' page lists it as suspended.
    assert!(unsent_to(&app, UNIV_OWNER).await.iter().any(|m| m
        .body
        .as_deref()
        .is_ok_and(|b| b.contains("Unpaid invoices"))));
    let queue = admin.call("tenant_queue", &[]).await.json();
    let listed = queue["verified"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "univ-palaiseau")
        .cloned()
        .unwrap();
    assert_eq!(
        listed["suspension_reason"],
        "Unpaid invoices since September."
    );
    // Its quotas and requests are flagged in the admins' queue and on their pages; another
    // organisation's are not.
    let mut rows = Vec::new();
    for status in ["submitted", "endorsed"] {
        let page = admin
            .call("request_queue", &[("status", status)])
            .await
            .json();
        rows.extend(page["rows"].as_array().unwrap().iter().cloned());
    }
    let queue = serde_json::Value::Array(rows.clone());
    let flagged = |name: &str| {
        rows.iter()
            .filter(|r| r["summary"]["tenant_name"] == name)
            .map(|r| r["summary"]["tenant_suspended"].as_bool().unwrap())
            .collect::<Vec<_>>()
    };
    let univ_rows = flagged("Université de Palaiseau");
    assert!(
        !univ_rows.is_empty() && univ_rows.iter().all(|f| *f),
        "{queue}"
    );
    let hospital_rows = flagged("Groupe hospitalier Seine-Est");
    assert!(
        !hospital_rows.is_empty() && hospital_rows.iter().all(|f| !f),
        "{queue}"
    );
    let one = rows
        .iter()
        .find(|r| r["summary"]["tenant_name"] == "Université de Palaiseau")
        .unwrap()["summary"]["id"]
        .to_string();
    let detail = admin.call("get_request", &[("id", &one)]).await;
    assert_eq!(detail.status, StatusCode::OK, "{}", detail.body);
    assert!(
        detail.body.contains("\"tenant_suspended\":true"),
        "{}",
        detail.body
    );
    // Another organisation is not touched.
    let hospital = app
        .signed_in(HOSP_MEMBER)
        .await
        .call("my_tenants", &[])
        .await
        .json();
    assert!(hospital[0]["suspension_reason"].is_null(), "{hospital}");

    let lifted = admin.call("lift_suspension", &[("tenant_id", &univ)]).await;
    assert_eq!(lifted.status, StatusCode::OK, "{}", lifted.body);
    let detail = admin.call("get_request", &[("id", &one)]).await;
    assert!(
        detail.body.contains("\"tenant_suspended\":false"),
        "{}",
        detail.body
    );
    let submitted = member.call("submit_request", &[("id", &draft)]).await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE event IN ('tenant_suspended', 'tenant_suspension_lifted')",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(audited, 2);
}

#[tokio::test]
async fn only_admins_suspend_only_a_verified_organisation_and_with_a_reason() {
    let app = TestApp::with_demo().await;
    let univ = tenant_id(&app, "univ-palaiseau").await;
    let pending = tenant_id(&app, "mobilis-ia").await;
    let mut admin = app.signed_in(ADMIN).await;

    let no_reason = suspend(&mut admin, &univ, "  ").await;
    assert_eq!(
        no_reason.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        no_reason.body
    );
    assert_eq!(no_reason.json()["field"], "reason");
    let not_verified = suspend(&mut admin, &pending, "A reason.").await;
    assert_eq!(
        not_verified.status,
        StatusCode::CONFLICT,
        "{}",
        not_verified.body
    );
    let not_suspended = admin.call("lift_suspension", &[("tenant_id", &univ)]).await;
    assert_eq!(
        not_suspended.status,
        StatusCode::CONFLICT,
        "{}",
        not_suspended.body
    );
    let nothing = suspend(&mut admin, "987654", "A reason.").await;
    assert_eq!(nothing.status, StatusCode::NOT_FOUND, "{}", nothing.body);

    for who in [UNIV_OWNER, UNIV_MEMBER, HOSP_OWNER] {
        let mut them = app.signed_in(who).await;
        let refused = suspend(&mut them, &univ, "Mine now.").await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{who}: {}",
            refused.body
        );
    }
    assert_eq!(
        suspend(&mut app.anon(), &univ, "x").await.status,
        StatusCode::UNAUTHORIZED
    );
    let (suspended,): (Option<i64>,) =
        sqlx::query_as("SELECT suspended_at FROM tenants WHERE slug = 'univ-palaiseau'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert!(suspended.is_none());
}
