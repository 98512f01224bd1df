//! The catalogue and the placement evaluation through the real router: who may
//! read and edit, what the demo catalogue decides for health and sensitive
//! data, and that every admin edit is validated, versioned and audited.

mod common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;

fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

fn add_months(d: time::Date, months: u8) -> time::Date {
    let zero_based = u32::from(u8::from(d.month()) - 1) + u32::from(months);
    let year = d.year() + i32::try_from(zero_based / 12).unwrap();
    let month = time::Month::try_from(u8::try_from(zero_based % 12 + 1).unwrap()).unwrap();
    (1..=d.day())
        .rev()
        .find_map(|day| time::Date::from_calendar_date(year, month, day).ok())
        .unwrap()
}

/// A three-month window from a week from today.
fn window() -> (String, String) {
    let start = today() + time::Duration::days(7);
    (start.to_string(), add_months(start, 3).to_string())
}

async fn evaluate(client: &mut Client, classification: &str) -> Value {
    let (start, end) = window();
    let response = client
        .call(
            "evaluate_placement",
            &[
                ("classification", classification),
                ("start", &start),
                ("end", &end),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

fn site<'a>(outcome: &'a Value, slug: &str) -> &'a Value {
    outcome["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == slug)
        .unwrap_or_else(|| panic!("no site {slug} in {outcome}"))
}

fn eligible(outcome: &Value) -> Vec<String> {
    let mut slugs: Vec<String> = outcome["sites"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|s| s["evaluation"]["eligible"] == true)
        .map(|s| s["slug"].as_str().unwrap().to_string())
        .collect();
    slugs.sort();
    slugs
}

fn failed_rules(site: &Value) -> Vec<String> {
    site["evaluation"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["passed"] == false)
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

fn assert_validation(response: &TestResponse, field: &str) {
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    let body = response.json();
    assert_eq!(body["kind"], "validation", "{body}");
    assert_eq!(body["field"], field, "{body}");
    assert!(
        body["message"].as_str().is_some_and(|m| !m.is_empty()),
        "{body}"
    );
}

async fn revision(client: &mut Client) -> i64 {
    let snapshot = client.call("get_catalogue", &[]).await;
    assert_eq!(snapshot.status, StatusCode::OK, "{}", snapshot.body);
    snapshot.json()["revision"].as_i64().unwrap()
}

async fn audit_count(app: &TestApp, event: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE event = $1")
        .bind(event)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    n
}

#[tokio::test]
async fn anonymous_callers_get_401_from_the_catalogue_and_the_evaluation() {
    let app = TestApp::with_demo().await;
    let mut anon = app.anon();
    for endpoint in ["get_catalogue", "my_tenant_profile"] {
        let response = anon.call(endpoint, &[]).await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            response.body
        );
        assert_eq!(response.json()["kind"], "unauthenticated");
    }
    let (start, end) = window();
    let response = anon
        .call(
            "evaluate_placement",
            &[
                ("classification", "health"),
                ("start", &start),
                ("end", &end),
            ],
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        response.body
    );
    assert_eq!(response.json()["kind"], "unauthenticated");
}

#[tokio::test]
async fn a_member_sees_the_five_demo_sites_with_versions() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let response = member.call("get_catalogue", &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let snapshot = response.json();
    let mut slugs: Vec<&str> = snapshot["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["profile"]["slug"].as_str().unwrap())
        .collect();
    slugs.sort();
    assert_eq!(
        slugs,
        ["abu-dhabi", "cambrai", "dugny", "idf-campus", "marseille"]
    );
    assert_eq!(snapshot["revision"], 1);
    assert_eq!(snapshot["policy"]["version"], 1);

    let profile = member.call("my_tenant_profile", &[]).await;
    assert_eq!(profile.status, StatusCode::OK, "{}", profile.body);
    assert_eq!(profile.json()["country"], "FR");
}

#[tokio::test]
async fn health_data_goes_to_idf_campus_and_dugny_only_with_reasons() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let outcome = evaluate(&mut member, "health").await;
    assert_eq!(eligible(&outcome), ["dugny", "idf-campus"]);
    assert_eq!(outcome["policy_version"], 1);
    assert_eq!(outcome["catalogue_revision"], 1);
    assert_eq!(outcome["tenant"]["name"], "Groupe hospitalier Seine-Est");
    assert_eq!(failed_rules(site(&outcome, "marseille")), ["G4"]);
    assert!(failed_rules(site(&outcome, "cambrai")).contains(&"H1".to_string()));
    assert!(failed_rules(site(&outcome, "abu-dhabi")).contains(&"G1".to_string()));
    // Failed findings come first.
    let marseille = &site(&outcome, "marseille")["evaluation"]["findings"];
    assert_eq!(marseille[0]["passed"], false);
}

#[tokio::test]
async fn sensitive_data_goes_to_dugny_only_and_idf_campus_fails_s3() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let outcome = evaluate(&mut member, "sensitive").await;
    assert_eq!(eligible(&outcome), ["dugny"]);
    assert_eq!(failed_rules(site(&outcome, "idf-campus")), ["S3", "S3"]);
}

#[tokio::test]
async fn a_platform_admin_without_a_tenant_evaluates_as_a_french_tenant() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let outcome = evaluate(&mut admin, "health").await;
    assert_eq!(outcome["tenant"]["country"], "FR");
    assert_eq!(eligible(&outcome), ["dugny", "idf-campus"]);
}

#[tokio::test]
async fn the_evaluation_refuses_unknown_classes_and_empty_windows() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let response = member
        .call(
            "evaluate_placement",
            &[
                ("classification", "secret"),
                ("start", "2027-01-01"),
                ("end", "2027-02-01"),
            ],
        )
        .await;
    assert_validation(&response, "classification");
    let response = member
        .call(
            "evaluate_placement",
            &[
                ("classification", "health"),
                ("start", "2027-02-01"),
                ("end", "2027-01-01"),
            ],
        )
        .await;
    assert_validation(&response, "end");
}

#[tokio::test]
async fn members_get_403_from_every_admin_function() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_OWNER).await;
    let calls: [(&str, Vec<(&str, &str)>); 5] = [
        (
            "set_gpu_inventory",
            vec![
                ("site", "dugny"),
                ("model", "H100"),
                ("installed", "300"),
                ("reserve", "0"),
            ],
        ),
        (
            "add_certification",
            vec![
                ("site", "dugny"),
                ("kind", "iso27001"),
                ("certificate_id", "X-1"),
                ("valid_from", "2026-01-01"),
                ("valid_until", "2027-01-01"),
            ],
        ),
        (
            "remove_certification",
            vec![("site", "dugny"), ("certificate_id", "X-1")],
        ),
        (
            "set_shareholder",
            vec![
                ("operator", "x"),
                ("name", "y"),
                ("country", "FR"),
                ("capital", "1"),
                ("voting", "1"),
            ],
        ),
        (
            "update_policy",
            vec![
                ("eu", "FR"),
                ("eea", "FR"),
                ("sanctions", ""),
                ("adequacy", ""),
            ],
        ),
    ];
    for (endpoint, form) in calls {
        let response = member.call(endpoint, &form).await;
        assert_eq!(
            response.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            response.body
        );
        assert_eq!(response.json()["kind"], "forbidden", "{endpoint}");
        let response = app.anon().call(endpoint, &form).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    assert_eq!(revision(&mut member).await, 1);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 0);
    assert_eq!(audit_count(&app, "policy_changed").await, 0);
}

async fn idf_operator(admin: &mut Client) -> String {
    let snapshot = admin.call("get_catalogue", &[]).await.json();
    snapshot["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"]["slug"] == "idf-campus")
        .unwrap()["profile"]["operator"]["name"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn shareholder_edits_are_validated_then_versioned_and_audited() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let operator = idf_operator(&mut admin).await;

    let with = |capital: &'static str, voting: &'static str| {
        let operator = operator.clone();
        move || {
            vec![
                ("operator", operator.clone()),
                ("name", "MGX".to_string()),
                ("country", "AE".to_string()),
                ("capital", capital.to_string()),
                ("voting", voting.to_string()),
            ]
        }
    };
    let as_refs =
        |form: &Vec<(&'static str, String)>| -> Vec<(&'static str, String)> { form.clone() };

    for (capital, voting, field) in [
        ("24.001", "24", "capital"),
        ("abc", "24", "capital"),
        ("24", "101", "voting"),
        ("-1", "24", "capital"),
    ] {
        let form = as_refs(&with(capital, voting)());
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = admin.call("set_shareholder", &form).await;
        assert_validation(&response, field);
    }

    // The other shareholders hold 70 %: 31 % for MGX would make 101 %.
    let form = with("31", "30")();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = admin.call("set_shareholder", &form).await;
    assert_validation(&response, "capital");
    assert_eq!(revision(&mut admin).await, 1);

    // MGX at exactly 24 %, with NVIDIA's 15 %: non-EU shareholders hold exactly 39 %.
    let form = with("24", "24")();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = admin.call("set_shareholder", &form).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    assert_eq!(revision(&mut admin).await, 2);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
    let (detail,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE event = 'catalogue_changed' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    let detail: Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["shareholder"], "MGX");
    assert_eq!(detail["capital_bp"], 2400);

    let outcome = evaluate(&mut admin, "sensitive").await;
    assert_eq!(outcome["catalogue_revision"], 2);
    assert!(failed_rules(site(&outcome, "idf-campus")).is_empty());
    assert_eq!(eligible(&outcome), ["dugny", "idf-campus"]);
}

#[tokio::test]
async fn gpu_inventory_refuses_negative_counts_and_reserve_above_installed() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let response = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "dugny"),
                ("model", "H100"),
                ("installed", "100"),
                ("reserve", "101"),
            ],
        )
        .await;
    assert_validation(&response, "reserve");
    let response = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "dugny"),
                ("model", "H100"),
                ("installed", "-1"),
                ("reserve", "0"),
            ],
        )
        .await;
    assert_validation(&response, "installed");
    let response = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "nowhere"),
                ("model", "H100"),
                ("installed", "1"),
                ("reserve", "0"),
            ],
        )
        .await;
    assert_validation(&response, "site");
    assert_eq!(revision(&mut admin).await, 1);

    let response = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "dugny"),
                ("model", "H100"),
                ("installed", "300"),
                ("reserve", "20"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let snapshot = admin.call("get_catalogue", &[]).await.json();
    assert_eq!(snapshot["revision"], 2);
    let dugny = snapshot["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"]["slug"] == "dugny")
        .unwrap();
    let h100 = dugny["gpus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["model"] == "H100")
        .unwrap();
    assert_eq!(h100["installed"], 300);
    assert_eq!(h100["reserve"], 20);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
}

#[tokio::test]
async fn certifications_are_added_and_removed_and_cambrai_then_passes_h1() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let from = today().to_string();
    let until = (today() + time::Duration::days(1000)).to_string();
    let before = (today() - time::Duration::days(1)).to_string();
    let response = admin
        .call(
            "add_certification",
            &[
                ("site", "cambrai"),
                ("kind", "hds"),
                ("hds_activities", "1,2,3"),
                ("certificate_id", "HDS-CAM-1"),
                ("valid_from", &from),
                ("valid_until", &before),
            ],
        )
        .await;
    assert_validation(&response, "valid_until");
    let response = admin
        .call(
            "add_certification",
            &[
                ("site", "cambrai"),
                ("kind", "hds"),
                ("hds_activities", "1,2,9"),
                ("certificate_id", "HDS-CAM-1"),
                ("valid_from", &from),
                ("valid_until", &until),
            ],
        )
        .await;
    assert_validation(&response, "hds_activities");

    let response = admin
        .call(
            "add_certification",
            &[
                ("site", "cambrai"),
                ("kind", "hds"),
                ("hds_activities", "1,2,3"),
                ("certificate_id", "HDS-CAM-1"),
                ("valid_from", &from),
                ("valid_until", &until),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let outcome = evaluate(&mut admin, "health").await;
    let cambrai = failed_rules(site(&outcome, "cambrai"));
    assert!(!cambrai.contains(&"H1".to_string()), "{cambrai:?}");

    let response = admin
        .call(
            "remove_certification",
            &[("site", "cambrai"), ("certificate_id", "HDS-CAM-1")],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(revision(&mut admin).await, 3);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 2);
    let response = admin
        .call(
            "remove_certification",
            &[("site", "cambrai"), ("certificate_id", "HDS-CAM-1")],
        )
        .await;
    assert_validation(&response, "certificate_id");
}

#[tokio::test]
async fn policy_edits_are_validated_and_bump_the_policy_version() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let snapshot = admin.call("get_catalogue", &[]).await.json();
    let codes = |key: &str| {
        snapshot["policy"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let eu = codes("eu");
    let eea = codes("eea");
    let adequacy = "JP\nCA: commercial_organisations\nUS: data_privacy_framework_certified";

    let response = admin
        .call(
            "update_policy",
            &[
                ("eu", &eu),
                ("eea", &eea),
                ("sanctions", "RU, XX"),
                ("adequacy", adequacy),
            ],
        )
        .await;
    assert_validation(&response, "sanctions");
    let response = admin
        .call(
            "update_policy",
            &[
                ("eu", &eu),
                ("eea", &eea),
                ("sanctions", "RU"),
                ("adequacy", "JP: maybe"),
            ],
        )
        .await;
    assert_validation(&response, "adequacy");

    // France on the sanctions list: every placement fails E1.
    let response = admin
        .call(
            "update_policy",
            &[
                ("eu", &eu),
                ("eea", &eea),
                ("sanctions", "RU, FR"),
                ("adequacy", adequacy),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    assert_eq!(audit_count(&app, "policy_changed").await, 1);
    let outcome = evaluate(&mut admin, "public").await;
    assert_eq!(outcome["policy_version"], 2);
    assert!(eligible(&outcome).is_empty());
    assert_eq!(failed_rules(site(&outcome, "dugny")), ["E1"]);
}

#[tokio::test]
async fn the_pages_render_on_the_server() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let (start, end) = window();
    let page = member
        .get(&format!(
            "/placement?classification=health&start={start}&end={end}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Where can my data go?"), "{}", page.body);
    assert!(
        page.body.contains("data-site=\"marseille\""),
        "{}",
        page.body
    );
    let page = member.get("/catalogue").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("HDS-DUG-2024-0157"), "{}", page.body);
    let page = member.get("/admin/catalogue").await;
    assert!(!page.body.contains("Set GPU inventory"), "{}", page.body);
}

// ---------------------------------------------------------------------------------------------
// The compliance re-check after a catalogue change.
// ---------------------------------------------------------------------------------------------

/// A health-data quota of the hospital at Dugny, approved: (id, the hospital's owner).
async fn approved_health_quota_at_dugny(app: &TestApp) -> (i64, Client) {
    let mut owner = app.signed_in(HOSP_OWNER).await;
    let start = (today() + time::Duration::days(10)).to_string();
    let end = (today() + time::Duration::days(40)).to_string();
    let response = owner
        .call(
            "save_request",
            &[
                ("idempotency_key", "catalogue-health"),
                ("project_title", "Radiology triage model"),
                (
                    "justification",
                    "Training a triage model on pseudonymised radiology images.",
                ),
                ("sector", "health"),
                ("classification", "health"),
                ("site", "dugny"),
                ("gpu_model", "H100"),
                ("gpus", "16"),
                ("start_date", &start),
                ("end_date", &end),
                ("expected_gpu_hours", ""),
                ("intent", "submit"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let id = response.json().as_i64().expect("an id");
    let mut admin = app.signed_in(ADMIN).await;
    let decided = admin
        .call(
            "decide_request",
            &[("id", &id.to_string()), ("decision", "approve")],
        )
        .await;
    assert_eq!(decided.status, StatusCode::OK, "{}", decided.body);
    (id, owner)
}

async fn compliance_flag(app: &TestApp, id: i64) -> Option<String> {
    let (flag,): (Option<String>,) =
        sqlx::query_as("SELECT compliance_flag FROM quota_requests WHERE id = $1")
            .bind(id)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    flag
}

#[tokio::test]
async fn removing_a_certification_through_the_admin_function_flags_the_quotas_it_allowed() {
    let app = TestApp::with_demo().await;
    let (id, _owner) = approved_health_quota_at_dugny(&app).await;
    let mut admin = app.signed_in(ADMIN).await;
    let response = admin
        .call(
            "remove_certification",
            &[("site", "dugny"), ("certificate_id", "HDS-DUG-2024-0157")],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let flag = compliance_flag(&app, id).await.expect("flagged");
    assert!(flag.contains("H1"), "{flag}");
    let (actor,): (Option<i64>,) = sqlx::query_as(
        "SELECT actor_user_id FROM audit_log WHERE event = 'request.compliance_flag'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert!(
        actor.is_some(),
        "the admin who changed the catalogue is recorded"
    );
}

// ---------------------------------------------------------------------------------------------
// Operators, sites and shareholders: created, edited and removed by platform admins.
// ---------------------------------------------------------------------------------------------

/// A form from owned values.
fn borrowed<'a>(form: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// `form` with `field` set to `value` (added when missing).
fn changed(
    form: &[(&'static str, String)],
    field: &'static str,
    value: &str,
) -> Vec<(&'static str, String)> {
    let mut form = form.to_vec();
    match form.iter_mut().find(|(k, _)| *k == field) {
        Some(entry) => entry.1 = value.to_string(),
        None => form.push((field, value.to_string())),
    }
    form
}

/// `form` without `field`.
fn without(form: &[(&'static str, String)], field: &str) -> Vec<(&'static str, String)> {
    form.iter().filter(|(k, _)| *k != field).cloned().collect()
}

async fn read_catalogue(client: &mut Client) -> Value {
    let response = client.call("get_catalogue", &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

fn operator<'a>(snapshot: &'a Value, name: &str) -> Option<&'a Value> {
    snapshot["operators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operator"]["name"] == name)
}

fn catalogue_site<'a>(snapshot: &'a Value, slug: &str) -> Option<&'a Value> {
    snapshot["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"]["slug"] == slug)
}

/// The detail of the last `catalogue_changed` audit event, with its actor.
async fn last_change(app: &TestApp) -> (Value, Option<i64>) {
    let (detail, actor): (String, Option<i64>) = sqlx::query_as(
        "SELECT detail, actor_user_id FROM audit_log WHERE event = 'catalogue_changed' \
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    (serde_json::from_str(&detail).unwrap(), actor)
}

fn new_operator_form() -> Vec<(&'static str, String)> {
    vec![
        ("name", "Saclay Compute SAS".to_string()),
        ("registered_office", "FR".to_string()),
        ("central_administration", "fr".to_string()),
        ("main_establishment", "DE".to_string()),
        ("commercial_organisation", "on".to_string()),
    ]
}

#[tokio::test]
async fn the_new_catalogue_edits_refuse_anonymous_callers_and_tenant_people() {
    let app = TestApp::with_demo().await;
    let operator = "Dugny Data Centre SAS";
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "create_operator",
            vec![
                ("name", "Saclay Compute SAS"),
                ("registered_office", "FR"),
                ("central_administration", "FR"),
                ("main_establishment", "FR"),
            ],
        ),
        (
            "update_operator",
            vec![
                ("operator", operator),
                ("name", operator),
                ("registered_office", "US"),
                ("central_administration", "FR"),
                ("main_establishment", "FR"),
            ],
        ),
        (
            "remove_shareholder",
            vec![("operator", operator), ("name", "Rhein Capital")],
        ),
        (
            "create_site",
            vec![
                ("slug", "saclay-2"),
                ("name", "Saclay 2"),
                ("country", "FR"),
                ("operator", operator),
                ("admin_countries", "FR"),
            ],
        ),
        (
            "update_site",
            vec![
                ("site", "dugny"),
                ("name", "Dugny"),
                ("country", "FR"),
                ("operator", operator),
                ("admin_countries", "FR, US"),
            ],
        ),
    ];
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    for (endpoint, form) in &calls {
        let response = app.anon().call(endpoint, form).await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            response.body
        );
        assert_eq!(response.json()["kind"], "unauthenticated", "{endpoint}");
        for client in [&mut member, &mut owner] {
            let response = client.call(endpoint, form).await;
            assert_eq!(
                response.status,
                StatusCode::FORBIDDEN,
                "{endpoint}: {}",
                response.body
            );
            let body = response.json();
            assert_eq!(body["kind"], "forbidden", "{endpoint}: {body}");
        }
    }
    assert_eq!(revision(&mut member).await, 1);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 0);
    let snapshot = read_catalogue(&mut member).await;
    assert_eq!(snapshot["operators"].as_array().unwrap().len(), 5);
    assert!(catalogue_site(&snapshot, "saclay-2").is_none());
}

#[tokio::test]
async fn an_operator_is_created_after_validation_then_versioned_and_audited() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let good = new_operator_form();

    for (field, value) in [
        ("name", "  "),
        ("registered_office", "XX"),
        ("central_administration", "France"),
        ("main_establishment", ""),
    ] {
        let form = changed(&good, field, value);
        let response = admin.call("create_operator", &borrowed(&form)).await;
        assert_validation(&response, field);
    }
    // Names are unique, whatever their case and accents (also on SQLite, whose LOWER folds
    // ASCII only).
    for taken in [
        "Dugny Data Centre SAS",
        "dugny data centre sas",
        "CAMPUS IA ÎLE-DE-FRANCE SAS",
        "Campus IA Ile-de-France SAS",
    ] {
        let form = changed(&good, "name", taken);
        let response = admin.call("create_operator", &borrowed(&form)).await;
        assert_validation(&response, "name");
        assert!(
            response.json()["message"]
                .as_str()
                .unwrap()
                .contains("already an operator"),
            "{}",
            response.body
        );
    }
    assert_eq!(revision(&mut admin).await, 1);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 0);

    let response = admin.call("create_operator", &borrowed(&good)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    let snapshot = read_catalogue(&mut admin).await;
    assert_eq!(snapshot["revision"], 2);
    let created = &operator(&snapshot, "Saclay Compute SAS").expect("listed")["operator"];
    assert_eq!(created["registered_office"], "FR");
    assert_eq!(created["central_administration"], "FR");
    assert_eq!(created["main_establishment"], "DE");
    assert_eq!(created["dpf_certified"], false);
    assert_eq!(created["commercial_organisation"], true);
    assert_eq!(created["shareholders"].as_array().unwrap().len(), 0);

    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
    let (detail, actor) = last_change(&app).await;
    assert_eq!(detail["change"], "operator_created");
    assert_eq!(detail["after"]["main_establishment"], "DE");
    assert_eq!(detail["revision"], 2);
    assert!(actor.is_some());

    // The same name again: refused.
    let response = admin.call("create_operator", &borrowed(&good)).await;
    assert_validation(&response, "name");
    assert_eq!(revision(&mut admin).await, 2);
}

#[tokio::test]
async fn an_operator_is_edited_and_its_sites_follow_into_the_residency_rules() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let current = "Dugny Data Centre SAS";
    let good: Vec<(&'static str, String)> = vec![
        ("operator", current.to_string()),
        ("name", "Dugny Data Centre".to_string()),
        ("registered_office", "US".to_string()),
        ("central_administration", "FR".to_string()),
        ("main_establishment", "FR".to_string()),
        ("commercial_organisation", "true".to_string()),
    ];

    let response = admin
        .call(
            "update_operator",
            &borrowed(&changed(&good, "operator", "Nobody SAS")),
        )
        .await;
    assert_validation(&response, "operator");
    for (field, value) in [
        ("name", ""),
        ("registered_office", "USA"),
        ("main_establishment", "QQ"),
    ] {
        let response = admin
            .call("update_operator", &borrowed(&changed(&good, field, value)))
            .await;
        assert_validation(&response, field);
    }
    let response = admin
        .call(
            "update_operator",
            &borrowed(&changed(&good, "name", "Gulf Compute LLC")),
        )
        .await;
    assert_validation(&response, "name");
    // The operator's own values: nothing to save.
    let same = changed(&changed(&good, "name", current), "registered_office", "FR");
    let response = admin.call("update_operator", &borrowed(&same)).await;
    assert_validation(&response, "operator");
    assert_eq!(revision(&mut admin).await, 1);

    // Renamed, and its registered office moved to the United States: Dugny fails S2.
    let response = admin.call("update_operator", &borrowed(&good)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    let snapshot = read_catalogue(&mut admin).await;
    assert!(operator(&snapshot, current).is_none());
    let dugny = catalogue_site(&snapshot, "dugny").unwrap();
    assert_eq!(dugny["profile"]["operator"]["name"], "Dugny Data Centre");
    assert_eq!(dugny["profile"]["operator"]["registered_office"], "US");
    // Its shareholders stay with it.
    assert_eq!(
        dugny["profile"]["operator"]["shareholders"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let outcome = evaluate(&mut admin, "sensitive").await;
    assert!(eligible(&outcome).is_empty(), "{outcome}");
    assert!(failed_rules(site(&outcome, "dugny")).contains(&"S2".to_string()));

    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
    let (detail, _) = last_change(&app).await;
    assert_eq!(detail["change"], "operator_updated");
    assert_eq!(detail["before"]["name"], current);
    assert_eq!(detail["before"]["registered_office"], "FR");
    assert_eq!(detail["after"]["name"], "Dugny Data Centre");
    assert_eq!(detail["after"]["registered_office"], "US");

    // An unticked box is a "no": DPF certification is withdrawn explicitly.
    let certified = changed(&good, "operator", "Dugny Data Centre");
    let certified = changed(&certified, "dpf_certified", "on");
    let response = admin.call("update_operator", &borrowed(&certified)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let uncertified = without(&certified, "dpf_certified");
    let response = admin.call("update_operator", &borrowed(&uncertified)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 4);
    let snapshot = read_catalogue(&mut admin).await;
    let dugny = catalogue_site(&snapshot, "dugny").unwrap();
    assert_eq!(dugny["profile"]["operator"]["dpf_certified"], false);
}

#[tokio::test]
async fn a_shareholder_is_removed_and_idf_campus_then_passes_s3() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let operator = idf_operator(&mut admin).await;

    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", "Nobody SAS"), ("name", "MGX")],
        )
        .await;
    assert_validation(&response, "operator");
    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", &operator), ("name", " ")],
        )
        .await;
    assert_validation(&response, "name");
    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", &operator), ("name", "Rhein Capital")],
        )
        .await;
    assert_validation(&response, "name");
    assert_eq!(revision(&mut admin).await, 1);

    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", &operator), ("name", "MGX")],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    let snapshot = read_catalogue(&mut admin).await;
    let holders: Vec<&str> = catalogue_site(&snapshot, "idf-campus").unwrap()["profile"]
        ["operator"]["shareholders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(holders, ["Bpifrance", "Mistral AI", "NVIDIA"]);

    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
    let (detail, _) = last_change(&app).await;
    assert_eq!(detail["change"], "shareholder_removed");
    assert_eq!(detail["shareholder"], "MGX");
    assert_eq!(detail["before"]["capital_bp"], 3000);
    assert_eq!(detail["before"]["country"], "AE");

    // Without MGX's 30 %, the non-EU holders keep 15 %: S3 passes.
    let outcome = evaluate(&mut admin, "sensitive").await;
    assert_eq!(eligible(&outcome), ["dugny", "idf-campus"]);

    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", &operator), ("name", "MGX")],
        )
        .await;
    assert_validation(&response, "name");
    assert_eq!(revision(&mut admin).await, 2);
}

fn new_site_form() -> Vec<(&'static str, String)> {
    vec![
        ("slug", "saclay-2".to_string()),
        ("name", "Saclay 2".to_string()),
        ("country", "FR".to_string()),
        ("operator", "Dugny Data Centre SAS".to_string()),
        ("admin_countries", "fr, de".to_string()),
    ]
}

#[tokio::test]
async fn a_site_is_created_after_validation_then_offered_to_tenants() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let good = new_site_form();

    for (field, value) in [
        ("slug", "Saclay 2"),
        ("slug", "-saclay"),
        ("slug", ""),
        ("name", ""),
        ("country", "ZZ"),
        ("country", ""),
        ("operator", "Nobody SAS"),
        ("admin_countries", "FR, QQ"),
        ("admin_countries", " , "),
    ] {
        let response = admin
            .call("create_site", &borrowed(&changed(&good, field, value)))
            .await;
        assert_validation(&response, field);
    }
    // Short names and names are unique.
    let response = admin
        .call("create_site", &borrowed(&changed(&good, "slug", "dugny")))
        .await;
    assert_validation(&response, "slug");
    assert!(
        response.json()["message"]
            .as_str()
            .unwrap()
            .contains("already has the short name"),
        "{}",
        response.body
    );
    let response = admin
        .call(
            "create_site",
            &borrowed(&changed(&good, "name", "marseille")),
        )
        .await;
    assert_validation(&response, "name");
    assert_eq!(revision(&mut admin).await, 1);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 0);

    let response = admin.call("create_site", &borrowed(&good)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    let snapshot = read_catalogue(&mut admin).await;
    let created = &catalogue_site(&snapshot, "saclay-2").expect("listed")["profile"];
    assert_eq!(created["name"], "Saclay 2");
    assert_eq!(created["country"], "FR");
    assert_eq!(created["operator"]["name"], "Dugny Data Centre SAS");
    assert_eq!(
        created["admin_access_countries"],
        serde_json::json!(["DE", "FR"])
    );
    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
    let (detail, _) = last_change(&app).await;
    assert_eq!(detail["change"], "site_created");
    assert_eq!(detail["site"], "saclay-2");
    assert_eq!(detail["revision"], 2);

    // It takes GPUs like any site, and tenants see it.
    let response = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "saclay-2"),
                ("model", "H100"),
                ("installed", "64"),
                ("reserve", "0"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let outcome = evaluate(&mut member, "public").await;
    assert!(
        eligible(&outcome).contains(&"saclay-2".to_string()),
        "{outcome}"
    );

    let response = admin.call("create_site", &borrowed(&good)).await;
    assert_validation(&response, "slug");
}

fn dugny_form() -> Vec<(&'static str, String)> {
    vec![
        ("site", "dugny".to_string()),
        ("name", "Dugny (Seine-Saint-Denis)".to_string()),
        ("country", "FR".to_string()),
        ("operator", "Dugny Data Centre SAS".to_string()),
        ("admin_countries", "FR".to_string()),
    ]
}

#[tokio::test]
async fn a_site_is_edited_keeping_its_short_name_and_its_quotas_are_checked_again() {
    let app = TestApp::with_demo().await;
    let (id, mut owner) = approved_health_quota_at_dugny(&app).await;
    let mut admin = app.signed_in(ADMIN).await;
    let same = dugny_form();

    let response = admin
        .call("update_site", &borrowed(&changed(&same, "site", "nowhere")))
        .await;
    assert_validation(&response, "site");
    for (field, value) in [
        ("name", ""),
        ("name", "Marseille"),
        ("country", "XX"),
        ("operator", "Nobody SAS"),
        ("admin_countries", ""),
        ("admin_countries", "FR; 12"),
    ] {
        let response = admin
            .call("update_site", &borrowed(&changed(&same, field, value)))
            .await;
        assert_validation(&response, field);
    }
    // The site's own values: nothing to save.
    let response = admin.call("update_site", &borrowed(&same)).await;
    assert_validation(&response, "site");
    assert_eq!(revision(&mut admin).await, 1);
    assert_eq!(compliance_flag(&app, id).await, None);

    // Support staff in the United States (operator not DPF certified): the quota fails G4.
    let reachable = changed(
        &changed(&same, "admin_countries", "FR, US"),
        "name",
        "Dugny Data Centre",
    );
    let response = admin.call("update_site", &borrowed(&reachable)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    let snapshot = read_catalogue(&mut admin).await;
    let dugny = &catalogue_site(&snapshot, "dugny").expect("the short name stays")["profile"];
    assert_eq!(dugny["name"], "Dugny Data Centre");
    assert_eq!(
        dugny["admin_access_countries"],
        serde_json::json!(["FR", "US"])
    );
    let (detail, _) = last_change(&app).await;
    assert_eq!(detail["change"], "site_updated");
    assert_eq!(detail["site"], "dugny");
    assert_eq!(
        detail["before"]["admin_access_countries"],
        serde_json::json!(["FR"])
    );
    assert_eq!(detail["after"]["name"], "Dugny Data Centre");

    let flag = compliance_flag(&app, id).await.expect("flagged");
    assert!(flag.contains("G4"), "{flag}");
    assert_eq!(audit_count(&app, "request.compliance_flag").await, 1);
    let notes = owner.call("list_notifications", &[]).await.body;
    assert!(notes.contains("no longer complies"), "{notes}");

    // Back to France only: the flag is cleared.
    let response = admin.call("update_site", &borrowed(&same)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(compliance_flag(&app, id).await, None);
    assert_eq!(audit_count(&app, "request.compliance_flag").await, 2);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 2);
}

/// A page as `client` sees it; a failure naming it when it does not render
/// within 30 seconds (a render that never ends fails instead of holding up the suite).
async fn render(client: &mut Client, path: &str) -> TestResponse {
    tokio::time::timeout(std::time::Duration::from_secs(30), client.get(path))
        .await
        .unwrap_or_else(|_| panic!("{path} did not render within 30 seconds"))
}

#[tokio::test]
async fn the_admin_page_offers_every_part_of_the_catalogue_pre_filled() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let page = render(&mut admin, "/admin/catalogue").await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Add an operator",
        "Add a site",
        "Set GPU inventory",
        "Add a certification",
        "Policy lists",
        // The first operator by name is edited unless another is chosen.
        "Edit Campus IA Île-de-France SAS",
        "Shareholders of Campus IA Île-de-France SAS",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }

    let (dugny_operator,): (i64,) =
        sqlx::query_as("SELECT id FROM operators WHERE name = 'Dugny Data Centre SAS'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    let chosen = format!("/admin/catalogue?operator={dugny_operator}&site=marseille");
    let page = render(&mut admin, &chosen).await;
    assert_eq!(page.status, StatusCode::OK);
    for text in [
        "Edit Dugny Data Centre SAS",
        "Rhein Capital",
        "Edit Marseille",
        "value=\"FR, US\"",
    ] {
        assert!(page.body.contains(text), "{text}: {}", page.body);
    }
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let page = render(&mut member, "/admin/catalogue").await;
    assert!(!page.body.contains("Add an operator"), "{}", page.body);
}

#[tokio::test]
async fn a_site_or_operator_added_by_mistake_is_deleted_but_one_in_use_stays() {
    let app = TestApp::with_demo().await;
    let (_quota, _owner) = approved_health_quota_at_dugny(&app).await;
    let mut admin = app.signed_in(ADMIN).await;

    // Dugny is named by a quota, and its operator runs it: both stay, nothing changes.
    let before = revision(&mut admin).await;
    let site = admin.call("delete_site", &[("site", "dugny")]).await;
    assert_validation(&site, "site");
    assert!(site.body.contains("named by 1 request"), "{}", site.body);
    let runner = admin
        .call("delete_operator", &[("operator", "Dugny Data Centre SAS")])
        .await;
    assert_validation(&runner, "operator");
    assert!(runner.body.contains("runs 1 site"), "{}", runner.body);
    let unknown = admin.call("delete_site", &[("site", "nowhere")]).await;
    assert_validation(&unknown, "site");
    assert_eq!(revision(&mut admin).await, before);
    assert!(catalogue_site(&read_catalogue(&mut admin).await, "dugny").is_some());

    // A new operator with a new site, its GPUs and a certificate: the site goes first, whole.
    let created = admin
        .call("create_operator", &borrowed(&new_operator_form()))
        .await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    let site_form = changed(&new_site_form(), "operator", "Saclay Compute SAS");
    let created = admin.call("create_site", &borrowed(&site_form)).await;
    assert_eq!(created.status, StatusCode::OK, "{}", created.body);
    for (endpoint, fields) in [
        (
            "set_gpu_inventory",
            vec![
                ("site", "saclay-2".to_string()),
                ("model", "H100".to_string()),
                ("installed", "64".to_string()),
                ("reserve", "0".to_string()),
            ],
        ),
        (
            "add_certification",
            vec![
                ("site", "saclay-2".to_string()),
                ("kind", "iso27001".to_string()),
                ("certificate_id", "ISO-SACLAY-2".to_string()),
                ("valid_from", today().to_string()),
                (
                    "valid_until",
                    (today() + time::Duration::days(365)).to_string(),
                ),
            ],
        ),
    ] {
        let response = admin.call(endpoint, &borrowed(&fields)).await;
        assert_eq!(
            response.status,
            StatusCode::OK,
            "{endpoint}: {}",
            response.body
        );
    }
    let in_use = admin
        .call("delete_operator", &[("operator", "Saclay Compute SAS")])
        .await;
    assert_validation(&in_use, "operator");

    let changes = audit_count(&app, "catalogue_changed").await;
    let deleted = admin.call("delete_site", &[("site", "saclay-2")]).await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    let (detail, actor) = last_change(&app).await;
    assert_eq!(detail["change"], "site_deleted");
    assert_eq!(detail["before"]["operator"], "Saclay Compute SAS");
    assert!(actor.is_some());
    let deleted = admin
        .call("delete_operator", &[("operator", "Saclay Compute SAS")])
        .await;
    assert_eq!(deleted.status, StatusCode::OK, "{}", deleted.body);
    assert_eq!(last_change(&app).await.0["change"], "operator_deleted");
    assert_eq!(audit_count(&app, "catalogue_changed").await, changes + 2);

    let snapshot = read_catalogue(&mut admin).await;
    assert!(catalogue_site(&snapshot, "saclay-2").is_none());
    assert!(operator(&snapshot, "Saclay Compute SAS").is_none());
    assert_eq!(snapshot["revision"], deleted.json());
    // Its short name and name are free again.
    let again = admin.call("create_site", &borrowed(&new_site_form())).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
}

#[tokio::test]
async fn an_admin_form_names_every_bad_or_missing_field_at_once_in_words() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    // No central administration or main establishment at all: not a decoder's message.
    let response = admin
        .call(
            "create_operator",
            &[("name", " "), ("registered_office", "XX")],
        )
        .await;
    assert_validation(&response, "name");
    let body = response.json();
    let others: Vec<&str> = body["others"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["field"].as_str().unwrap())
        .collect();
    assert_eq!(
        others,
        [
            "registered_office",
            "central_administration",
            "main_establishment"
        ],
        "{body}"
    );
    assert!(!body.to_string().contains("missing field"), "{body}");
    assert_eq!(revision(&mut admin).await, 1);
}
