//! An organisation's details kept by its owners (issue 17, point 4): a change of legal identity
//! sends it back to verification (no submission until an admin verifies it again), a change of
//! sector alone does not; every field's error at once; owners of the organisation only.

use crate::common;

use axum::http::StatusCode;
use common::*;

fn details<'a>(name: &'a str, sector: &'a str) -> Vec<(&'a str, &'a str)> {
    vec![
        ("org_name", name),
        ("kind", "university"),
        ("country", "FR"),
        ("registration_id", "261973069"),
        ("sector", sector),
        ("parent_country", "FR"),
    ]
}

async fn status(client: &mut Client) -> serde_json::Value {
    let r = client.call("organisation_details", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["status"].clone()
}

#[tokio::test]
async fn a_change_of_sector_keeps_the_verification_and_a_new_name_sends_it_back() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    assert_eq!(status(&mut owner).await, "verified");

    let sector = owner
        .call(
            "update_organisation",
            &details("Université de Palaiseau", "education"),
        )
        .await;
    assert_eq!(sector.status, StatusCode::OK, "{}", sector.body);
    assert_eq!(sector.json(), serde_json::json!(false));
    assert_eq!(status(&mut owner).await, "verified");
    let stored = owner.call("organisation_details", &[]).await.json();
    assert_eq!(stored["sector"], "education");

    let renamed = owner
        .call(
            "update_organisation",
            &details("Université Paris-Palaiseau", "education"),
        )
        .await;
    assert_eq!(renamed.status, StatusCode::OK, "{}", renamed.body);
    assert_eq!(renamed.json(), serde_json::json!(true));
    assert_eq!(status(&mut owner).await, "pending");
    // Back in the admins' queue, under its new name.
    let mut admin = app.signed_in(ADMIN).await;
    let queue = admin.call("tenant_queue", &[]).await;
    assert!(
        queue.body.contains("Université Paris-Palaiseau"),
        "{}",
        queue.body
    );
    // The status submissions are gated on (`require_verified` reads it from the database).
    let (pending,): (String,) =
        sqlx::query_as("SELECT status FROM tenants WHERE slug = 'univ-palaiseau'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(pending, "pending");
    let audited: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM audit_log WHERE event = 'organisation_updated'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(audited, 2);

    // Saving the same details again writes nothing.
    let same = owner
        .call(
            "update_organisation",
            &details("Université Paris-Palaiseau", "education"),
        )
        .await;
    assert_eq!(same.json(), serde_json::json!(false));
}

#[tokio::test]
async fn every_bad_field_is_refused_at_once_and_nothing_changes() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let bad = owner
        .call(
            "update_organisation",
            &[
                ("org_name", ""),
                ("kind", "guild"),
                ("country", "ZZ"),
                ("registration_id", "12"),
                ("sector", "piracy"),
                ("parent_country", "ZZ"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    for field in ["org_name", "kind", "country", "sector", "parent_country"] {
        assert!(
            bad.body.contains(&format!("\"{field}\"")),
            "{field}: {}",
            bad.body
        );
    }
    let wrong_id = owner
        .call(
            "update_organisation",
            &[
                ("org_name", "Université de Palaiseau"),
                ("kind", "university"),
                ("country", "FR"),
                ("registration_id", "123"),
                ("sector", "research"),
                ("parent_country", "FR"),
            ],
        )
        .await;
    assert_eq!(
        wrong_id.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong_id.body
    );
    assert_eq!(wrong_id.json()["field"], "registration_id");
    assert_eq!(status(&mut owner).await, "verified");
}

#[tokio::test]
async fn only_the_organisations_owners_edit_it() {
    let app = TestApp::with_demo().await;
    for who in [UNIV_MEMBER, UNIV_AUDITOR] {
        let mut them = app.signed_in(who).await;
        let refused = them
            .call(
                "update_organisation",
                &details("Renamed by a member", "research"),
            )
            .await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{who}: {}",
            refused.body
        );
        // They read the details.
        assert_eq!(status(&mut them).await, "verified");
    }
    let anonymous = app
        .anon()
        .call("update_organisation", &details("Renamed", "research"))
        .await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    // Another organisation's owner edits their own, never the university.
    let mut hospital = app.signed_in(HOSP_OWNER).await;
    let theirs = hospital.call("organisation_details", &[]).await.json();
    assert_ne!(theirs["slug"], "univ-palaiseau");
    let (name,): (String,) =
        sqlx::query_as("SELECT name FROM tenants WHERE slug = 'univ-palaiseau'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(name, "Université de Palaiseau");
}
