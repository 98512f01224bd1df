//! Platform administration through the API (issue 13, point 1): platform tokens only; reading
//! with any scope, changing with `admin`; the same services as the admin pages.

use crate::common;

use axum::http::Method;
use common::api::*;
use common::*;
use serde_json::json;

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
    // Past the ceiling the schema declares: refused by name, nothing written.
    let huge = admin
        .send(
            Method::PUT,
            "/admin/catalogue/sites/dugny/gpus/H100",
            Some(json!({ "installed": 2_147_483_648_u64, "reserve": 0 })),
            &[],
        )
        .await;
    assert_problem(&huge, 422, "validation_failed");
    assert_eq!(problem_fields(&huge), ["installed"]);
    assert_eq!(admin.get("/catalogue/sites/dugny").await.json(), after);

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

#[tokio::test]
async fn an_admin_decides_through_the_api_and_a_stale_decision_is_refused_on_the_api_and_the_page()
{
    let app = TestApp::with_demo().await;
    let id = common::requests::endorsed(&app, "api-decide", "8").await;
    let mut admin = token(&app, ADMIN, "platform", "admin").await;
    let queue = admin.get("/admin/requests?limit=100").await;
    assert_eq!(queue.status, 200, "{}", queue.body);
    let item = queue.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .expect("the endorsed request waits in the queue");
    assert_eq!(item["status"], "endorsed");
    assert!(item["available"].as_u64().unwrap() > 0);
    let read = admin.get(&format!("/admin/requests/{id}")).await;
    let etag = read.header("etag").unwrap().to_owned();

    // A change since the admin read it: nothing is decided on what they read, 412 on the API…
    // Someone changes the request meanwhile (here its justification, behind the pages' back).
    sqlx::query(
        "UPDATE quota_requests SET justification = justification || ' (amended)' WHERE id = $1",
    )
    .bind(id)
    .execute(app.owner_pool())
    .await
    .unwrap();
    let stale = admin
        .send(
            Method::POST,
            &format!("/admin/requests/{id}/decision"),
            Some(json!({ "decision": "approve" })),
            &[("if-match", &etag)],
        )
        .await;
    assert_problem(&stale, 412, "precondition_failed");
    assert_eq!(common::requests::status(&app, id).await, "endorsed");
    // …and on the page, whose decision form sends the revision it showed.
    let revision = read.json()["revision"].as_i64().unwrap().to_string();
    let on_page = common::requests::decide(
        &app,
        id,
        &[("decision", "approve"), ("revision", &revision)],
    )
    .await;
    assert_eq!(on_page.status, 412, "{}", on_page.body);
    assert_eq!(common::requests::status(&app, id).await, "endorsed");

    let fresh = admin.get(&format!("/admin/requests/{id}")).await;
    let etag = fresh.header("etag").unwrap().to_owned();
    let no_reason = admin
        .send(
            Method::POST,
            &format!("/admin/requests/{id}/decision"),
            Some(json!({ "decision": "reject" })),
            &[("if-match", &etag)],
        )
        .await;
    assert_problem(&no_reason, 422, "validation_failed");
    assert_eq!(problem_fields(&no_reason), ["note"]);
    let approved = admin
        .send(
            Method::POST,
            &format!("/admin/requests/{id}/decision"),
            Some(json!({ "decision": "approve" })),
            &[("if-match", &etag)],
        )
        .await;
    assert_eq!(approved.status, 200, "{}", approved.body);
    assert_eq!(approved.json()["status"], "approved");
    // Deciding again on the same ETag: stale.
    let twice = admin
        .send(
            Method::POST,
            &format!("/admin/requests/{id}/decision"),
            Some(json!({ "decision": "approve" })),
            &[("if-match", &etag)],
        )
        .await;
    assert_problem(&twice, 412, "precondition_failed");

    // Ending it early through the API gives GPUs back.
    let reduced = admin
        .send(
            Method::POST,
            &format!("/admin/requests/{id}/end-early"),
            Some(json!({ "gpus": 3, "reason": "Maintenance at Dugny." })),
            &[],
        )
        .await;
    assert_eq!(reduced.status, 200, "{}", reduced.body);
    assert_eq!(reduced.json()["granted"]["gpus"], 3);
    app.assert_pool_days_agree().await;

    // A platform read token and a tenant token decide nothing.
    let mut reader = token(&app, ADMIN, "platform", "read").await;
    assert_eq!(reader.get("/admin/requests").await.status, 200);
    let refused = reader
        .send(
            Method::POST,
            &format!("/admin/requests/{id}/decision"),
            Some(json!({ "decision": "approve" })),
            &[],
        )
        .await;
    assert_problem(&refused, 403, "forbidden");
}

#[tokio::test]
async fn a_batch_through_the_api_approves_each_or_none() {
    let app = TestApp::with_demo().await;
    let (a, b) = (
        common::requests::endorsed(&app, "api-batch-a", "4").await,
        common::requests::endorsed(&app, "api-batch-b", "4").await,
    );
    let mut admin = token(&app, ADMIN, "platform", "admin").await;
    let none = admin
        .send(
            Method::POST,
            "/admin/requests/approve",
            Some(json!({ "ids": [a, 999_999] })),
            &[],
        )
        .await;
    assert_problem(&none, 404, "not_found");
    assert_eq!(common::requests::status(&app, a).await, "endorsed");
    let both = admin
        .send(
            Method::POST,
            "/admin/requests/approve",
            Some(json!({ "ids": [a, b] })),
            &[],
        )
        .await;
    assert_eq!(both.status, 200, "{}", both.body);
    assert_eq!(both.json()["approved"], json!([a, b]));
}

#[tokio::test]
async fn notifications_and_the_audit_log_through_the_api() {
    let app = TestApp::with_demo().await;
    let id = common::requests::endorsed(&app, "api-inbox", "4").await;
    common::requests::decide(&app, id, &[("decision", "approve")]).await;

    // The owner was told; reading marks nothing until asked, a read token cannot mark.
    let mut owner = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    let inbox = owner.get("/notifications").await;
    assert_eq!(inbox.status, 200, "{}", inbox.body);
    let items = inbox.json()["items"].as_array().unwrap().clone();
    assert!(
        items
            .iter()
            .any(|n| n["request_id"] == id && n["read"] == false),
        "{items:?}"
    );
    let mut reader = token(&app, UNIV_OWNER, "univ-palaiseau", "read").await;
    assert_problem(
        &reader
            .send(Method::POST, "/notifications/read", None, &[])
            .await,
        403,
        "forbidden",
    );
    let marked = owner
        .send(Method::POST, "/notifications/read", None, &[])
        .await;
    assert_eq!(marked.status, 200, "{}", marked.body);
    assert!(marked.json()["marked"].as_u64().unwrap() >= 1);
    assert!(owner.get("/notifications").await.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|n| n["read"] == true));
    assert_problem(
        &owner.get("/notifications?cursor=forged").await,
        422,
        "validation_failed",
    );

    // The audit log: the owner's and the auditor's of their tenant, not a member's, every
    // tenant's for an admin; filters as on the page.
    let log = owner.get("/audit-log?event=request.approve").await;
    assert_eq!(log.status, 200, "{}", log.body);
    let events = log.json()["items"].as_array().unwrap().clone();
    assert!(!events.is_empty());
    assert!(events
        .iter()
        .all(|e| e["event"] == "request.approve" && e["tenant"] == "univ-palaiseau"));
    let mut auditor = token(&app, UNIV_AUDITOR, "univ-palaiseau", "read").await;
    assert_eq!(auditor.get("/audit-log").await.status, 200);
    let mut member = token(&app, UNIV_MEMBER, "univ-palaiseau", "write").await;
    assert_problem(&member.get("/audit-log").await, 403, "forbidden");
    let mut nadia = token(&app, HOSP_OWNER, "ghu-seine-est", "read").await;
    let theirs = nadia.get("/audit-log?size=1").await;
    assert_eq!(theirs.status, 400, "an unknown parameter: {}", theirs.body);
    let theirs = nadia.get("/audit-log").await;
    assert!(!theirs.body.contains("univ-palaiseau"), "{}", theirs.body);
    let mut admin = token(&app, ADMIN, "platform", "read").await;
    let all = admin
        .get("/audit-log?tenant=univ-palaiseau&event=request.approve")
        .await;
    assert_eq!(all.status, 200, "{}", all.body);
    assert!(!all.json()["items"].as_array().unwrap().is_empty());
    let bad = owner.get("/audit-log?from=2027-13-01&outcome=maybe").await;
    assert_problem(&bad, 422, "validation_failed");

    // Both lists page by a bounded `limit`, the next page following on from the first.
    let another = common::requests::endorsed(&app, "api-inbox-2", "4").await;
    common::requests::decide(&app, another, &[("decision", "approve")]).await;
    for list in ["/audit-log", "/notifications"] {
        let first = owner.get(&format!("{list}?limit=1")).await;
        assert_eq!(first.status, 200, "{}", first.body);
        let first = first.json();
        assert_eq!(first["items"].as_array().unwrap().len(), 1, "{first}");
        let cursor = first["next_cursor"]
            .as_str()
            .expect("a next page")
            .to_owned();
        let second = owner
            .get(&format!("{list}?limit=1&cursor={cursor}"))
            .await
            .json();
        assert_eq!(second["items"].as_array().unwrap().len(), 1, "{second}");
        assert_ne!(first["items"][0]["id"], second["items"][0]["id"]);
        for limit in ["0", "101"] {
            let refused = owner.get(&format!("{list}?limit={limit}")).await;
            assert_problem(&refused, 422, "validation_failed");
            assert_eq!(problem_fields(&refused), ["limit"]);
        }
    }
}

#[tokio::test]
async fn an_admin_approves_in_part_and_rejects_with_a_reason_through_the_api() {
    let app = TestApp::with_demo().await;
    let part = common::requests::endorsed(&app, "api-part", "8").await;
    let refuse = common::requests::endorsed(&app, "api-refuse", "8").await;
    let mut admin = token(&app, ADMIN, "platform", "admin").await;

    // In part: fewer GPUs than asked, with the reason the tenant reads.
    let partial = admin
        .send(
            Method::POST,
            &format!("/admin/requests/{part}/decision"),
            Some(json!({
                "decision": "partially_approve",
                "note": "Half now, the rest after the maintenance.",
                "approved_gpus": 4,
            })),
            &[],
        )
        .await;
    assert_eq!(partial.status, 200, "{}", partial.body);
    assert_eq!(partial.json()["status"], "partially_approved");
    assert_eq!(partial.json()["granted"]["gpus"], 4);
    assert_eq!(
        common::requests::status(&app, part).await,
        "partially_approved"
    );
    app.assert_pool_days_agree().await;
    // More than was asked is no partial approval: refused by field, nothing written.
    let too_many = admin
        .send(
            Method::POST,
            &format!("/admin/requests/{refuse}/decision"),
            Some(json!({
                "decision": "partially_approve",
                "note": "More than asked.",
                "approved_gpus": 9,
            })),
            &[],
        )
        .await;
    assert_problem(&too_many, 422, "validation_failed");
    assert_eq!(problem_fields(&too_many), ["approved_gpus"]);
    assert_eq!(common::requests::status(&app, refuse).await, "endorsed");

    // A rejection with its reason: the request ends, the reason is kept.
    let rejected = admin
        .send(
            Method::POST,
            &format!("/admin/requests/{refuse}/decision"),
            Some(json!({ "decision": "reject", "note": "The site is closed for the window." })),
            &[],
        )
        .await;
    assert_eq!(rejected.status, 200, "{}", rejected.body);
    assert_eq!(rejected.json()["status"], "rejected");
    assert_eq!(
        rejected.json()["decision_note"],
        "The site is closed for the window."
    );
    assert_eq!(common::requests::status(&app, refuse).await, "rejected");
}
