//! Platform administration through the API (issue 13, point 1): platform tokens only; reading
//! with any scope, changing with `admin`; the same services as the admin pages.

mod common;

use axum::http::Method;
use common::api::*;
use common::*;
use serde_json::json;

async fn token(app: &TestApp, email: &str, tenant: &str, scope: &str) -> ApiClient {
    let mut person = app.signed_in(email).await;
    let secret = make_token(&mut person, tenant, scope).await;
    ApiClient::new(app, Some(&secret))
}

#[tokio::test]
async fn an_admin_token_verifies_and_rejects_tenants_and_nothing_else_does() {
    let app = TestApp::with_demo().await;
    let mut admin = token(&app, ADMIN, "platform", "admin").await;
    let pending = admin.get("/admin/tenants/pending").await;
    assert_eq!(pending.status, 200, "{}", pending.body);
    let mobilis = pending.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|t| t["slug"] == "mobilis-ia")
        .map(|t| t["id"].as_i64().unwrap())
        .expect("the demo's pending tenant");

    // A platform read token reads the queue and decides nothing; tenant tokens, even an
    // owner's, see no administration.
    let mut reader = token(&app, ADMIN, "platform", "read").await;
    assert_eq!(reader.get("/admin/tenants/pending").await.status, 200);
    let refused = reader
        .send(
            Method::POST,
            &format!("/admin/tenants/{mobilis}/verify"),
            None,
            &[],
        )
        .await;
    assert_problem(&refused, 403, "forbidden");
    let mut owner = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    assert_problem(&owner.get("/admin/tenants/pending").await, 403, "forbidden");
    let refused = owner
        .send(
            Method::POST,
            &format!("/admin/tenants/{mobilis}/verify"),
            None,
            &[],
        )
        .await;
    assert_problem(&refused, 403, "forbidden");
    assert_problem(
        &ApiClient::new(&app, None)
            .get("/admin/tenants/pending")
            .await,
        401,
        "unauthenticated",
    );

    let empty = admin
        .send(
            Method::POST,
            &format!("/admin/tenants/{mobilis}/reject"),
            Some(json!({ "reason": "" })),
            &[],
        )
        .await;
    assert_problem(&empty, 422, "validation_failed");
    assert_eq!(problem_fields(&empty), ["reason"]);
    let verified = admin
        .send(
            Method::POST,
            &format!("/admin/tenants/{mobilis}/verify"),
            None,
            &[],
        )
        .await;
    assert_eq!(verified.status, 204, "{}", verified.body);
    let again = admin
        .send(
            Method::POST,
            &format!("/admin/tenants/{mobilis}/verify"),
            None,
            &[],
        )
        .await;
    assert_problem(&again, 409, "conflict");
    let unknown = admin
        .send(Method::POST, "/admin/tenants/999999/verify", None, &[])
        .await;
    assert_problem(&unknown, 404, "not_found");
    let left = admin.get("/admin/tenants/pending").await.json();
    assert!(left["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|t| t["slug"] != "mobilis-ia"));
}
