//! Quota requests and quotas through the API (issue 13, points 1 and 3): the same services as
//! the pages, the same refusals with the same rule ids, isolation between tenants and projects,
//! `Idempotency-Key`, `ETag`/`If-Match` and cursor paging.

use crate::common;

use axum::http::Method;
use common::api::*;
use common::requests::{approved, call_owned, day, form, message, with, with_project};
use common::*;
use serde_json::{json, Value};

/// The id of a project of the university by its code.
async fn project(app: &TestApp, code: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM projects p JOIN tenants t ON t.id = p.tenant_id \
         WHERE t.slug = 'univ-palaiseau' AND p.code = $1",
    )
    .bind(code)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    id
}

fn body(project: i64) -> Value {
    json!({
        "project": project,
        "title": "Protein folding at scale",
        "justification": "Training a folding model on public structure data for the campus.",
        "sector": "research",
        "classification": "public",
        "site": "dugny",
        "gpu_model": "H100",
        "gpus": 16,
        "start_date": day(10),
        "end_date": day(40),
    })
}

async fn count_requests(app: &TestApp) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM quota_requests")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn a_member_creates_submits_and_reads_a_request_and_a_retry_never_makes_a_second() {
    let app = TestApp::with_demo().await;
    let climate = project(&app, "climate").await;
    let mut hugo = token(&app, UNIV_MEMBER, "univ-palaiseau", "write").await;
    let before = count_requests(&app).await;
    let key = [("idempotency-key", "lab-script-2027-01-run-1")];
    let made = hugo
        .send(Method::POST, "/requests", Some(body(climate)), &key)
        .await;
    assert_eq!(made.status, 201, "{}", made.body);
    let id = made.json()["id"].as_i64().unwrap();
    assert_eq!(
        made.header("location"),
        Some(format!("/api/v1/requests/{id}").as_str())
    );
    assert_eq!(made.json()["status"], "draft");
    assert_eq!(made.json()["project"]["code"], "climate");
    // The retry answers the first request; nothing new is stored.
    let again = hugo
        .send(Method::POST, "/requests", Some(body(climate)), &key)
        .await;
    assert_eq!(again.json()["id"], id, "{}", again.body);
    assert_eq!(count_requests(&app).await, before + 1);

    let submitted = hugo
        .send(Method::POST, &format!("/requests/{id}/submit"), None, &[])
        .await;
    assert_eq!(submitted.status, 200, "{}", submitted.body);
    assert_eq!(submitted.json()["status"], "submitted");
    let read = hugo.get(&format!("/requests/{id}")).await;
    assert_eq!(read.status, 200);
    let timeline = read.json()["timeline"].as_array().unwrap().len();
    assert!(timeline >= 1, "{}", read.body);
    let etag = read.header("etag").unwrap().to_owned();
    assert_eq!(etag, format!("\"{id}.{}\"", read.json()["revision"]));

    // The owner endorses through the API; the list shows the request with its new status.
    let mut camille = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    let endorsed = camille
        .send(
            Method::POST,
            &format!("/requests/{id}/endorse"),
            Some(json!({ "note": "Fine." })),
            &[],
        )
        .await;
    assert_eq!(endorsed.status, 200, "{}", endorsed.body);
    assert_eq!(endorsed.json()["status"], "endorsed");
    assert_ne!(
        endorsed.header("etag").unwrap(),
        etag,
        "every change bumps the revision"
    );
    let listed = hugo.get("/requests?status=endorsed").await.json();
    assert!(listed["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["id"] == id));
}

#[tokio::test]
async fn a_residency_refusal_carries_the_same_rule_ids_through_the_api_and_the_page() {
    let app = TestApp::with_demo().await;
    let mut page = app.signed_in(HOSP_MEMBER).await;
    let fields = with(
        form("page-health"),
        &[
            ("classification", "health"),
            ("site", "marseille"),
            ("sector", "health"),
        ],
    );
    let fields = with_project(&mut page, fields).await;
    let project: i64 = fields
        .iter()
        .find(|(k, _)| k == "project")
        .map(|(_, v)| v.parse().unwrap())
        .unwrap();
    let on_page = call_owned(
        &mut page,
        "save_request",
        &with(fields, &[("intent", "submit")]),
    )
    .await;
    assert_eq!(on_page.status, 422, "{}", on_page.body);
    assert_eq!(on_page.json()["kind"], "residency_refused");
    let page_rules: Vec<Value> = on_page.json()["rules"].as_array().unwrap().clone();
    assert!(!page_rules.is_empty());

    let mut api = token(&app, HOSP_MEMBER, "ghu-seine-est", "write").await;
    let mut request = body(project);
    request["classification"] = json!("health");
    request["sector"] = json!("health");
    request["site"] = json!("marseille");
    request["submit"] = json!(true);
    let refused = api
        .send(Method::POST, "/requests", Some(request), &[])
        .await;
    assert_problem(&refused, 422, "residency_refused");
    assert_eq!(refused.json()["rules"].as_array().unwrap(), &page_rules);
    assert_eq!(refused.json()["detail"], message(&on_page));
    assert_eq!(problem_fields(&refused), ["site"]);
}

#[tokio::test]
async fn every_fields_error_at_once_and_nothing_written() {
    let app = TestApp::with_demo().await;
    let mut hugo = token(&app, UNIV_MEMBER, "univ-palaiseau", "write").await;
    let before = count_requests(&app).await;
    let mut bad = body(project(&app, "climate").await);
    bad["title"] = json!("");
    bad["sector"] = json!("astrology");
    bad["site"] = json!("atlantis");
    bad["start_date"] = json!("2027-13-01");
    let refused = hugo.send(Method::POST, "/requests", Some(bad), &[]).await;
    assert_problem(&refused, 422, "validation_failed");
    let fields = problem_fields(&refused);
    for field in ["project_title", "sector", "start_date", "site"] {
        assert!(
            fields.iter().any(|f| f == field),
            "{field} missing from {fields:?}"
        );
    }
    let mut unknown = body(1);
    unknown["priority"] = json!("high");
    let refused = hugo
        .send(Method::POST, "/requests", Some(unknown), &[])
        .await;
    assert_problem(&refused, 422, "validation_failed");
    assert!(refused.body.contains("priority"), "{}", refused.body);
    assert_eq!(count_requests(&app).await, before);
}

#[tokio::test]
async fn isolation_another_tenant_another_project_a_read_token_and_an_auditor() {
    let app = TestApp::with_demo().await;
    let climate = project(&app, "climate").await;
    let mut hugo = token(&app, UNIV_MEMBER, "univ-palaiseau", "write").await;
    let made = hugo
        .send(Method::POST, "/requests", Some(body(climate)), &[])
        .await;
    let id = made.json()["id"].as_i64().unwrap();
    hugo.send(Method::POST, &format!("/requests/{id}/submit"), None, &[])
        .await;

    // Another tenant and another project of the same tenant: 404, nothing of the request.
    for (email, tenant) in [
        (HOSP_MEMBER, "ghu-seine-est"),
        (OTHER_PROJECT_MEMBER, "univ-palaiseau"),
    ] {
        let mut other = token(&app, email, tenant, "write").await;
        for path in [
            format!("/requests/{id}"),
            format!("/requests/{id}/withdraw"),
        ] {
            let method = if path.ends_with("withdraw") {
                Method::POST
            } else {
                Method::GET
            };
            let answer = other.send(method, &path, None, &[]).await;
            assert_problem(&answer, 404, "not_found");
            assert!(!answer.body.contains("Protein"), "{}", answer.body);
        }
        let listed = other.get("/requests?limit=100").await.json();
        assert!(
            listed["items"]
                .as_array()
                .unwrap()
                .iter()
                .all(|r| r["id"] != id),
            "{email} lists it"
        );
    }
    // A read token cannot write, even for an owner.
    let mut reader = token(&app, UNIV_OWNER, "univ-palaiseau", "read").await;
    assert_eq!(reader.get(&format!("/requests/{id}")).await.status, 200);
    let refused = reader
        .send(Method::POST, &format!("/requests/{id}/endorse"), None, &[])
        .await;
    assert_problem(&refused, 403, "forbidden");
    let refused = reader
        .send(Method::POST, "/requests", Some(body(climate)), &[])
        .await;
    assert_problem(&refused, 403, "forbidden");
    // An auditor reads the request, writes nothing.
    let mut ines = token(&app, UNIV_AUDITOR, "univ-palaiseau", "read").await;
    assert_eq!(ines.get(&format!("/requests/{id}")).await.status, 200);
    let refused = ines
        .send(Method::POST, "/requests", Some(body(climate)), &[])
        .await;
    assert_problem(&refused, 403, "forbidden");
    // A platform token is not a tenant's.
    let mut admin = token(&app, ADMIN, "platform", "admin").await;
    assert_problem(&admin.get("/requests").await, 403, "forbidden");
}

#[tokio::test]
async fn a_stale_if_match_is_refused_with_412_and_nothing_changes() {
    let app = TestApp::with_demo().await;
    let climate = project(&app, "climate").await;
    let mut hugo = token(&app, UNIV_MEMBER, "univ-palaiseau", "write").await;
    let made = hugo
        .send(Method::POST, "/requests", Some(body(climate)), &[])
        .await;
    let id = made.json()["id"].as_i64().unwrap();
    let first = made.header("etag").unwrap().to_owned();
    let mut edit = body(climate);
    edit["gpus"] = json!(24);
    let edited = hugo
        .send(
            Method::PUT,
            &format!("/requests/{id}"),
            Some(edit.clone()),
            &[("if-match", &first)],
        )
        .await;
    assert_eq!(edited.status, 200, "{}", edited.body);
    assert_eq!(edited.json()["gpus"], 24);
    // The same ETag again is stale now.
    edit["gpus"] = json!(8);
    let stale = hugo
        .send(
            Method::PUT,
            &format!("/requests/{id}"),
            Some(edit),
            &[("if-match", &first)],
        )
        .await;
    assert_problem(&stale, 412, "precondition_failed");
    assert_eq!(
        hugo.get(&format!("/requests/{id}")).await.json()["gpus"],
        24
    );
}

#[tokio::test]
async fn quotas_list_and_change_through_the_api() {
    let app = TestApp::with_demo().await;
    let quota = approved(&app, "api-quota", &[]).await;
    let mut camille = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    let quotas = camille.get("/quotas?limit=100").await;
    assert_eq!(quotas.status, 200, "{}", quotas.body);
    let quotas = quotas.json();
    assert!(quotas["items"]
        .as_array()
        .unwrap()
        .iter()
        .all(|q| q["granted"].is_object()));
    assert!(quotas["items"]
        .as_array()
        .unwrap()
        .iter()
        .any(|q| q["id"] == quota));
    let one = camille.get(&format!("/quotas/{quota}")).await;
    assert_eq!(one.status, 200, "{}", one.body);
    let etag = one.header("etag").unwrap().to_owned();

    let key = [
        ("idempotency-key", "more-gpus-1"),
        ("if-match", etag.as_str()),
    ];
    let change = camille
        .send(
            Method::POST,
            &format!("/quotas/{quota}/change"),
            Some(json!({ "gpus": 32 })),
            &key,
        )
        .await;
    assert_eq!(change.status, 201, "{}", change.body);
    assert_eq!(change.json()["kind"], "change");
    assert_eq!(change.json()["amends"], quota);
    let retry = camille
        .send(
            Method::POST,
            &format!("/quotas/{quota}/change"),
            Some(json!({ "gpus": 32 })),
            &key,
        )
        .await;
    assert_eq!(retry.json()["id"], change.json()["id"], "{}", retry.body);

    // A request that is not a quota is not found among quotas.
    let draft = camille
        .send(
            Method::POST,
            "/requests",
            Some(body(project(&app, "climate").await)),
            &[],
        )
        .await
        .json()["id"]
        .as_i64()
        .unwrap();
    assert_problem(
        &camille.get(&format!("/quotas/{draft}")).await,
        404,
        "not_found",
    );
}

#[tokio::test]
async fn pages_of_a_list_follow_each_other_without_overlap() {
    let app = TestApp::with_demo().await;
    let mut camille = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    let climate = project(&app, "climate").await;
    for _ in 0..5 {
        let made = camille
            .send(Method::POST, "/requests", Some(body(climate)), &[])
            .await;
        assert_eq!(made.status, 201, "{}", made.body);
    }
    let everything = camille.get("/requests?limit=100").await.json();
    let all: Vec<Value> = everything["items"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["id"].clone())
        .collect();
    assert!(all.len() >= 5, "{all:?}");
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/requests?limit=2&cursor={c}"),
            None => "/requests?limit=2".to_owned(),
        };
        let page = camille.get(&path).await.json();
        let items = page["items"].as_array().unwrap();
        assert!(items.len() <= 2);
        seen.extend(items.iter().map(|r| r["id"].clone()));
        match page["next_cursor"].as_str() {
            Some(next) => cursor = Some(next.to_owned()),
            None => break,
        }
    }
    assert_eq!(seen, all);
    assert_problem(
        &camille.get("/requests?limit=0").await,
        422,
        "validation_failed",
    );
    assert_problem(
        &camille.get("/requests?cursor=forged").await,
        422,
        "validation_failed",
    );
}

#[tokio::test]
async fn owners_manage_their_people_through_the_api_and_no_one_else_does() {
    let app = TestApp::with_demo().await;
    let mut camille = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    let members = camille.get("/members").await;
    assert_eq!(members.status, 200, "{}", members.body);
    let hugo = members.json()["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["email"] == UNIV_MEMBER)
        .map(|m| m["user_id"].as_i64().unwrap())
        .unwrap();
    let invited = camille
        .send(
            Method::POST,
            "/invitations",
            Some(json!({ "email": "new.person@univ-palaiseau.test", "role": "member" })),
            &[],
        )
        .await;
    assert_eq!(invited.status, 201, "{}", invited.body);
    assert!(
        !invited.body.contains("/invitations/"),
        "the link goes by e-mail only"
    );
    let open = camille.get("/invitations").await.json();
    let invitation = open
        .as_array()
        .unwrap()
        .iter()
        .find(|i| i["email"] == "new.person@univ-palaiseau.test")
        .unwrap()["id"]
        .as_i64()
        .unwrap();
    let bad = camille
        .send(
            Method::POST,
            "/invitations",
            Some(json!({ "email": "nobody", "role": "king" })),
            &[],
        )
        .await;
    assert_problem(&bad, 422, "validation_failed");
    assert_eq!(problem_fields(&bad), ["email", "role"]);

    // Members, auditors, another tenant's owner, and an owner's read token change nothing.
    let mut reader = token(&app, UNIV_OWNER, "univ-palaiseau", "read").await;
    assert_eq!(reader.get("/members").await.status, 200);
    let mut member = token(&app, UNIV_MEMBER, "univ-palaiseau", "write").await;
    let mut auditor = token(&app, UNIV_AUDITOR, "univ-palaiseau", "read").await;
    assert_problem(&member.get("/members").await, 403, "forbidden");
    assert_problem(&auditor.get("/invitations").await, 403, "forbidden");
    for client in [&mut reader, &mut member] {
        let refused = client
            .send(
                Method::PATCH,
                &format!("/members/{hugo}"),
                Some(json!({ "role": "auditor" })),
                &[],
            )
            .await;
        assert_problem(&refused, 403, "forbidden");
        let refused = client
            .send(
                Method::DELETE,
                &format!("/invitations/{invitation}"),
                None,
                &[],
            )
            .await;
        assert_problem(&refused, 403, "forbidden");
    }
    let mut nadia = token(&app, HOSP_OWNER, "ghu-seine-est", "write").await;
    let elsewhere = nadia
        .send(
            Method::PATCH,
            &format!("/members/{hugo}"),
            Some(json!({ "role": "auditor" })),
            &[],
        )
        .await;
    assert_problem(&elsewhere, 404, "not_found");
    let elsewhere = nadia
        .send(
            Method::DELETE,
            &format!("/invitations/{invitation}"),
            None,
            &[],
        )
        .await;
    assert_problem(&elsewhere, 404, "not_found");
    assert!(!nadia.get("/members").await.body.contains(UNIV_MEMBER));

    // The owner changes hugo's role, withdraws the invitation; the last owner stays.
    let changed = camille
        .send(
            Method::PATCH,
            &format!("/members/{hugo}"),
            Some(json!({ "role": "auditor" })),
            &[],
        )
        .await;
    assert_eq!(changed.status, 204, "{}", changed.body);
    let withdrawn = camille
        .send(
            Method::DELETE,
            &format!("/invitations/{invitation}"),
            None,
            &[],
        )
        .await;
    assert_eq!(withdrawn.status, 204, "{}", withdrawn.body);
    let me = camille.get("/me").await.json();
    let camille_id = me["user_id"].as_i64().unwrap();
    let last = camille
        .send(
            Method::PATCH,
            &format!("/members/{camille_id}"),
            Some(json!({ "role": "member" })),
            &[],
        )
        .await;
    assert_problem(&last, 409, "conflict");
}

#[tokio::test]
async fn a_change_asked_against_a_stale_quota_is_refused_and_nothing_is_made() {
    let app = TestApp::with_demo().await;
    let quota = approved(&app, "api-stale-quota", &[]).await;
    let mut camille = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    let etag = camille
        .get(&format!("/quotas/{quota}"))
        .await
        .header("etag")
        .unwrap()
        .to_owned();
    // The quota changes meanwhile (an admin's early reduction, say).
    sqlx::query("UPDATE quota_requests SET decision_note = 'reviewed again' WHERE id = $1")
        .bind(quota)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let before = count_requests(&app).await;
    let stale = camille
        .send(
            Method::POST,
            &format!("/quotas/{quota}/change"),
            Some(json!({ "gpus": 32 })),
            &[("if-match", &etag)],
        )
        .await;
    assert_problem(&stale, 412, "precondition_failed");
    assert_eq!(count_requests(&app).await, before);
    let foreign = camille
        .send(
            Method::POST,
            &format!("/quotas/{quota}/change"),
            Some(json!({ "gpus": 32 })),
            &[("if-match", "\"1.0\"")],
        )
        .await;
    assert_problem(&foreign, 412, "precondition_failed");
}

#[tokio::test]
async fn a_member_lists_only_their_projects_and_where_they_may_ask() {
    let app = TestApp::with_demo().await;
    let codes = |v: &Value| -> Vec<String> {
        v.as_array()
            .unwrap()
            .iter()
            .map(|p| p["code"].as_str().unwrap().to_owned())
            .collect()
    };
    let mut hugo = token(&app, UNIV_MEMBER, "univ-palaiseau", "write").await;
    let mine = hugo.get("/projects").await;
    assert_eq!(mine.status, 200, "{}", mine.body);
    let mine = mine.json();
    assert!(codes(&mine).contains(&"climate".to_owned()));
    assert!(
        !codes(&mine).contains(&"french-llm".to_owned()),
        "another project's"
    );
    let climate = mine
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["code"] == "climate")
        .unwrap();
    assert_eq!(climate["role"], "lead");
    assert_eq!(climate["may_request"], true);
    let mut camille = token(&app, UNIV_OWNER, "univ-palaiseau", "read").await;
    assert!(codes(&camille.get("/projects").await.json()).contains(&"french-llm".to_owned()));
    let mut nadia = token(&app, HOSP_OWNER, "ghu-seine-est", "read").await;
    assert!(!codes(&nadia.get("/projects").await.json()).contains(&"climate".to_owned()));
}
