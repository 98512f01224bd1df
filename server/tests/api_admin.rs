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

#[tokio::test]
async fn an_admin_token_edits_the_catalogue_and_the_policy_with_the_pages_checks() {
    let app = TestApp::with_demo().await;
    let mut admin = token(&app, ADMIN, "platform", "admin").await;
    let before = admin.get("/catalogue/sites/dugny").await.json();
    let revision = admin.get("/catalogue/sites").await.json()["catalogue_revision"]
        .as_i64()
        .unwrap();

    let set = admin
        .send(
            Method::PUT,
            "/admin/catalogue/sites/dugny/gpus/H100",
            Some(json!({ "installed": 300, "reserve": 20 })),
            &[],
        )
        .await;
    assert_eq!(set.status, 200, "{}", set.body);
    assert!(set.json()["version"].as_i64().unwrap() > revision);
    let after = admin.get("/catalogue/sites/dugny").await.json();
    let h100 = after["gpus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["model"] == "H100")
        .unwrap()
        .clone();
    assert_eq!(
        (h100["installed"].as_u64(), h100["available"].as_u64()),
        (Some(300), Some(280))
    );
    assert_ne!(before, after);

    let nowhere = admin
        .send(
            Method::PUT,
            "/admin/catalogue/sites/atlantis/gpus/H100",
            Some(json!({ "installed": 8, "reserve": 0 })),
            &[],
        )
        .await;
    assert!(
        nowhere.status == 404 || nowhere.status == 422,
        "{}",
        nowhere.body
    );
    let negative = admin
        .send(
            Method::PUT,
            "/admin/catalogue/sites/dugny/gpus/H100",
            Some(json!({ "installed": 8, "reserve": 9 })),
            &[],
        )
        .await;
    assert_problem(&negative, 422, "validation_failed");

    let operator = admin
        .send(
            Method::POST,
            "/admin/catalogue/operators",
            Some(json!({
                "name": "Nordic Compute AB", "registered_office": "SE",
                "central_administration": "SE", "main_establishment": "SE"
            })),
            &[],
        )
        .await;
    assert_eq!(operator.status, 201, "{}", operator.body);
    let site = admin
        .send(Method::PUT, "/admin/catalogue/sites/lulea", Some(json!({
            "name": "Luleå", "country": "SE", "operator": "Nordic Compute AB", "admin_countries": ["SE"]
        })), &[])
        .await;
    assert_eq!(site.status, 200, "{}", site.body);
    assert_eq!(
        admin.get("/catalogue/sites/lulea").await.json()["country"],
        "SE"
    );
    let cert = admin
        .send(
            Method::POST,
            "/admin/catalogue/sites/lulea/certifications",
            Some(json!({
                "kind": "iso27001", "certificate_id": "ISO-LUL-1",
                "valid_from": "2026-01-01", "valid_until": "2029-12-31"
            })),
            &[],
        )
        .await;
    assert_eq!(cert.status, 201, "{}", cert.body);
    let gone = admin
        .send(Method::DELETE, "/admin/catalogue/sites/lulea", None, &[])
        .await;
    assert_eq!(gone.status, 200, "{}", gone.body);
    assert_problem(&admin.get("/catalogue/sites/lulea").await, 404, "not_found");

    let bad_policy = admin
        .send(
            Method::PUT,
            "/admin/policy",
            Some(json!({
                "eu": ["FR", "XX"], "eea": ["FR"], "sanctions": [], "adequacy": [], "note": "test"
            })),
            &[],
        )
        .await;
    assert_problem(&bad_policy, 422, "validation_failed");
    assert!(
        problem_fields(&bad_policy).contains(&"eu".to_owned()),
        "{}",
        bad_policy.body
    );

    // Nobody else edits: a platform read token, an owner's write token.
    let mut reader = token(&app, ADMIN, "platform", "read").await;
    let mut owner = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    for client in [&mut reader, &mut owner] {
        let refused = client
            .send(
                Method::PUT,
                "/admin/catalogue/sites/dugny/gpus/H100",
                Some(json!({ "installed": 1, "reserve": 0 })),
                &[],
            )
            .await;
        assert_problem(&refused, 403, "forbidden");
    }
}
