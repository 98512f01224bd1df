//! The read-only API (issue 13, point 1): the catalogue, capacity and placement answer every
//! token what the pages answer, through the same services and evaluator; bad questions are
//! problems naming every field.

use crate::common;

use axum::http::Method;
use common::api::*;
use common::requests::approved;
use common::*;
use serde_json::{json, Value};

#[tokio::test]
async fn the_catalogue_through_the_api_is_the_pages_catalogue() {
    let app = TestApp::with_demo().await;
    let mut page = app.signed_in(HOSP_MEMBER).await;
    let snapshot = page.call("get_catalogue", &[]).await.json();
    let mut api = token(&app, HOSP_MEMBER, "ghu-seine-est", "read").await;

    let sites = api.get("/catalogue/sites").await;
    assert_eq!(sites.status, 200, "{}", sites.body);
    let sites = sites.json();
    let slugs = |v: &Value, path: &dyn Fn(&Value) -> Value| -> Vec<Value> {
        v.as_array().unwrap().iter().map(path).collect()
    };
    assert_eq!(
        slugs(&sites["items"], &|s| s["slug"].clone()),
        slugs(&snapshot["sites"], &|s| s["profile"]["slug"].clone())
    );
    assert_eq!(sites["catalogue_revision"], snapshot["revision"]);
    assert_eq!(sites["policy_version"], snapshot["policy"]["version"]);

    let dugny = api.get("/catalogue/sites/dugny").await.json();
    assert_eq!(dugny["country"], "FR");
    assert!(dugny["gpus"]
        .as_array()
        .unwrap()
        .iter()
        .all(|g| g["available"].as_u64()
            == Some(g["installed"].as_u64().unwrap() - g["reserve"].as_u64().unwrap())));
    assert_problem(&api.get("/catalogue/sites/nowhere").await, 404, "not_found");

    let operators = api.get("/catalogue/operators").await.json();
    assert_eq!(
        operators["items"].as_array().unwrap().len(),
        snapshot["operators"].as_array().unwrap().len()
    );
    let models = api.get("/catalogue/gpu-models").await.json();
    assert!(!models["items"].as_array().unwrap().is_empty());

    // Anonymous: a problem, not the catalogue.
    assert_problem(
        &ApiClient::new(&app, None).get("/catalogue/sites").await,
        401,
        "unauthenticated",
    );
}

#[tokio::test]
async fn capacity_over_a_window_counts_approved_quotas_and_refuses_bad_windows() {
    let app = TestApp::with_demo().await;
    let mut api = token(&app, UNIV_MEMBER, "univ-palaiseau", "read").await;
    let (today, later) = (in_days(0), in_days(60));
    let free_at_dugny = |pools: &Value| {
        pools
            .as_array()
            .unwrap()
            .iter()
            .find(|p| p["site"] == "dugny" && p["gpu_model"] == "H100")
            .map(|p| p["free"].as_i64().unwrap())
            .unwrap()
    };
    let before = api
        .get(&format!("/capacity?start={today}&end={later}"))
        .await;
    assert_eq!(before.status, 200, "{}", before.body);
    let before = before.json();
    assert!(before
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["free"].as_u64() <= p["available"].as_u64()));
    // A quota of 16 H100 at Dugny within the window: 16 fewer free there.
    approved(&app, "capacity-api", &[]).await;
    let after = api
        .get(&format!("/capacity?start={today}&end={later}"))
        .await
        .json();
    assert_eq!(free_at_dugny(&after), free_at_dugny(&before) - 16);

    let one = api
        .get(&format!(
            "/capacity?start={today}&end={later}&gpu_model=H100"
        ))
        .await
        .json();
    assert!(one
        .as_array()
        .unwrap()
        .iter()
        .all(|p| p["gpu_model"] == "H100"));

    let bad = api.get("/capacity?start=tomorrow&end=2027-13-01").await;
    assert_problem(&bad, 422, "validation_failed");
    assert_eq!(problem_fields(&bad), ["start", "end"]);
    let backwards = api
        .get(&format!("/capacity?start={later}&end={today}"))
        .await;
    assert_problem(&backwards, 422, "validation_failed");
    let unknown = api
        .get(&format!("/capacity?start={today}&end={later}&colour=red"))
        .await;
    assert_eq!(unknown.status, 400, "{}", unknown.body);
}

#[tokio::test]
async fn a_placement_through_the_api_decides_as_the_page_with_the_same_rule_ids() {
    let app = TestApp::with_demo().await;
    let mut page = app.signed_in(HOSP_MEMBER).await;
    let (start, end) = (in_days(10), in_days(40));
    let on_page = page
        .call(
            "evaluate_placement",
            &[
                ("classification", "health"),
                ("start", &start),
                ("end", &end),
            ],
        )
        .await
        .json();
    let mut api = token(&app, HOSP_MEMBER, "ghu-seine-est", "read").await;
    let answer = api
        .send(
            Method::POST,
            "/placement",
            Some(json!({ "classification": "health", "start": start, "end": end })),
            &[],
        )
        .await;
    assert_eq!(answer.status, 200, "{}", answer.body);
    let answer = answer.json();
    let page_sites = on_page["sites"].as_array().unwrap();
    let api_sites = answer["sites"].as_array().unwrap();
    assert_eq!(page_sites.len(), api_sites.len());
    let mut refusals = 0;
    for (p, a) in page_sites.iter().zip(api_sites) {
        assert_eq!(p["slug"], a["site"]);
        assert_eq!(p["evaluation"]["eligible"], a["eligible"]);
        let failed = |findings: &Value| -> Vec<Value> {
            findings
                .as_array()
                .unwrap()
                .iter()
                .filter(|f| f["passed"] == false)
                .map(|f| f["rule"].clone())
                .collect()
        };
        assert_eq!(failed(&p["evaluation"]["findings"]), failed(&a["findings"]));
        refusals += failed(&a["findings"]).len();
    }
    assert!(
        refusals > 0,
        "health data is refused somewhere in the demo catalogue"
    );
    assert_eq!(answer["policy_version"], on_page["policy_version"]);
}

#[tokio::test]
async fn a_placement_body_is_json_without_unknown_fields_and_every_bad_field_is_named() {
    let app = TestApp::with_demo().await;
    let mut api = token(&app, HOSP_MEMBER, "ghu-seine-est", "read").await;
    let unknown = api
        .send(
            Method::POST,
            "/placement",
            Some(json!({ "classification": "health", "start": "2027-01-01", "end": "2027-02-01", "extra": 1 })),
            &[],
        )
        .await;
    assert_problem(&unknown, 422, "validation_failed");
    assert!(unknown.body.contains("extra"), "{}", unknown.body);

    let form = api
        .send(
            Method::POST,
            "/placement",
            None,
            &[("content-type", "application/x-www-form-urlencoded")],
        )
        .await;
    assert_problem(&form, 415, "unsupported_media_type");

    let broken = api
        .send(
            Method::POST,
            "/placement",
            None,
            &[("content-type", "application/json")],
        )
        .await;
    assert_problem(&broken, 400, "bad_request");

    let bad = api
        .send(
            Method::POST,
            "/placement",
            Some(json!({ "classification": "secret", "start": "soon", "end": "2027-02-01" })),
            &[],
        )
        .await;
    assert_problem(&bad, 422, "validation_failed");
    assert_eq!(problem_fields(&bad), ["classification", "start"]);
}
