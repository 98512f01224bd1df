//! The administration of people (issue 17, point 4): the directory, platform admin granted and
//! revoked from the portal (never the last active one), accounts disabled (sessions and API
//! tokens end at once, sign-in refused) and enabled again; each change audited and e-mailed.

use crate::common;

use axum::http::StatusCode;
use common::api::{assert_problem, token};
use common::mail::unsent_to;
use common::*;

async fn id_of(app: &TestApp, email: &str) -> String {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    id.to_string()
}

async fn change(client: &mut Client, app: &TestApp, email: &str, what: &str) -> TestResponse {
    let id = id_of(app, email).await;
    client
        .call("change_account", &[("user_id", &id), ("change", what)])
        .await
}

#[tokio::test]
async fn the_directory_lists_and_finds_people_with_their_organisations_for_admins_only() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let all = admin.call("people", &[]).await;
    assert_eq!(all.status, StatusCode::OK, "{}", all.body);
    let people = all.json()["people"].as_array().unwrap().clone();
    assert!(people.len() >= 9, "{}", all.body);
    let hugo = people.iter().find(|p| p["email"] == UNIV_MEMBER).unwrap();
    assert_eq!(hugo["tenants"][0]["role"], "member", "{hugo}");
    assert_eq!(hugo["platform_admin"], false);
    // Hugo signed in above (`signed_in` for the admin only): his latest sign-in is on record
    // once he signs in.
    app.signed_in(UNIV_MEMBER).await;
    let found = admin.call("people", &[("q", "MARTIN")]).await.json();
    let found = found["people"].as_array().unwrap();
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0]["email"], UNIV_MEMBER);
    assert!(!found[0]["last_sign_in"].is_null(), "{found:?}");
    let by_address = admin.call("people", &[("q", "ghu-seine-est")]).await.json();
    assert!(by_address["people"]
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["email"]
            .as_str()
            .unwrap()
            .ends_with("@ghu-seine-est.test")));
    // A wildcard is a character, not a pattern.
    let wild = admin.call("people", &[("q", "%")]).await.json();
    assert!(wild["people"].as_array().unwrap().is_empty(), "{wild}");

    for who in [UNIV_OWNER, UNIV_MEMBER, HOSP_OWNER] {
        let mut them = app.signed_in(who).await;
        assert_eq!(them.call("people", &[]).await.status, StatusCode::FORBIDDEN);
        assert_eq!(
            change(&mut them, &app, who, "grant_admin").await.status,
            StatusCode::FORBIDDEN
        );
    }
    assert_eq!(
        app.anon().call("people", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
}

#[tokio::test]
async fn platform_admin_is_granted_and_revoked_but_never_from_the_last_admin() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    // The only admin cannot give the role up.
    let last = change(&mut admin, &app, ADMIN, "revoke_admin").await;
    assert_eq!(last.status, StatusCode::CONFLICT, "{}", last.body);
    let mut camille = app.signed_in(UNIV_OWNER).await;
    let granted = change(&mut admin, &app, UNIV_OWNER, "grant_admin").await;
    assert_eq!(granted.status, StatusCode::OK, "{}", granted.body);
    // Her session ended (it said what she may do); signed in again, she is an admin.
    assert_eq!(
        camille.call("account", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut camille = app.signed_in(UNIV_OWNER).await;
    // Without a second factor, she administers nothing until she sets one up.
    let first = camille.call("people", &[]).await;
    assert_eq!(first.status, StatusCode::FORBIDDEN, "{}", first.body);
    assert!(
        first.body.contains("second_factor_setup_needed"),
        "{}",
        first.body
    );
    app.turn_on_second_factor(&mut camille, UNIV_OWNER).await;
    assert_eq!(camille.call("people", &[]).await.status, StatusCode::OK);
    assert!(unsent_to(&app, UNIV_OWNER)
        .await
        .iter()
        .any(|m| m.subject.contains("admin")));
    // Twice is nothing to change.
    let again = change(&mut admin, &app, UNIV_OWNER, "grant_admin").await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.body);

    // Now the first admin may step down, and is signed out.
    let stepped_down = change(&mut admin, &app, ADMIN, "revoke_admin").await;
    assert_eq!(stepped_down.status, StatusCode::OK, "{}", stepped_down.body);
    assert_eq!(
        admin.call("people", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    let mut former = app.signed_in(ADMIN).await;
    assert_eq!(
        former.call("people", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    // And Camille, the last one now, cannot.
    let last = change(&mut camille, &app, UNIV_OWNER, "revoke_admin").await;
    assert_eq!(last.status, StatusCode::CONFLICT, "{}", last.body);
    assert_eq!(app.audited("platform_admin_granted", false).await, 1);
    assert_eq!(app.audited("platform_admin_revoked", false).await, 1);
}

#[tokio::test]
async fn a_disabled_account_loses_its_sessions_and_tokens_at_once_and_cannot_sign_in() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let mut api = token(&app, UNIV_MEMBER, "univ-palaiseau", "read").await;
    assert_eq!(api.get("/me").await.status, 200);

    let disabled = change(&mut admin, &app, UNIV_MEMBER, "disable").await;
    assert_eq!(disabled.status, StatusCode::OK, "{}", disabled.body);
    assert_eq!(
        hugo.call("account", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert_problem(&api.get("/me").await, 401, "unauthenticated");
    // The right password is told the account is disabled; a wrong one learns nothing more.
    let refused = app.anon().login(UNIV_MEMBER, DEMO_PASSWORD).await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(refused.body.contains("disabled"), "{}", refused.body);
    let wrong = app
        .anon()
        .login(UNIV_MEMBER, "not the password at all")
        .await;
    assert_eq!(wrong.status, StatusCode::UNAUTHORIZED, "{}", wrong.body);
    assert!(!wrong.body.contains("disabled"), "{}", wrong.body);
    let listed = admin.call("people", &[("q", "hugo")]).await.json();
    assert_eq!(listed["people"][0]["disabled"], true, "{listed}");
    assert!(unsent_to(&app, UNIV_MEMBER)
        .await
        .iter()
        .any(|m| m.subject.contains("disabled") || m.subject.contains("désactivé")));

    let enabled = change(&mut admin, &app, UNIV_MEMBER, "enable").await;
    assert_eq!(enabled.status, StatusCode::OK, "{}", enabled.body);
    assert!(app
        .anon()
        .login(UNIV_MEMBER, DEMO_PASSWORD)
        .await
        .status
        .is_success());
    // The token ended with the account and stays ended.
    assert_problem(&api.get("/me").await, 401, "unauthenticated");
    assert_eq!(app.audited("account_disabled", false).await, 1);
    assert_eq!(app.audited("account_enabled", false).await, 1);
}

#[tokio::test]
async fn an_admin_cannot_disable_themselves_and_a_bad_change_is_refused_with_nothing_done() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let myself = change(&mut admin, &app, ADMIN, "disable").await;
    assert_eq!(myself.status, StatusCode::CONFLICT, "{}", myself.body);
    let bad = change(&mut admin, &app, UNIV_MEMBER, "delete").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert_eq!(bad.json()["field"], "change");
    let nobody = admin
        .call(
            "change_account",
            &[("user_id", "987654"), ("change", "disable")],
        )
        .await;
    assert_eq!(nobody.status, StatusCode::NOT_FOUND, "{}", nobody.body);
    let active = change(&mut admin, &app, UNIV_MEMBER, "enable").await;
    assert_eq!(active.status, StatusCode::CONFLICT, "{}", active.body);
    // Nothing was written, nobody was told.
    assert!(unsent_to(&app, UNIV_MEMBER).await.is_empty());
    assert!(app
        .anon()
        .login(ADMIN, DEMO_PASSWORD)
        .await
        .status
        .is_success());
}

#[tokio::test]
async fn a_rows_refusal_is_said_in_that_row_only() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let id = id_of(&app, ADMIN).await;
    let key = format!("person-{id}");
    // The only admin gives the role up, with the people page's plain form (its row's `_form`).
    let posted = admin
        .post_form_from(
            "/api/change_account",
            &[
                ("_form", key.as_str()),
                ("user_id", id.as_str()),
                ("change", "revoke_admin"),
            ],
            "/admin/people",
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    let location = posted.header("location").unwrap().to_owned();
    assert!(location.contains("__err="), "{location}");
    let path = location.trim_start_matches("http://portal.test");
    let page = admin.open_page(path).await;
    assert_eq!(page.status, StatusCode::OK);
    let refusal = "at least one active platform admin";
    assert_eq!(
        page.body.matches(refusal).count(),
        1,
        "said once, in the admin's own row, not in every row of the directory"
    );
}
