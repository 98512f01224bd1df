//! Helpers of the catalogue tests (`catalogue.rs`, `catalogue_admin.rs`, `catalogue_sites.rs`): the evaluation, its
//! sites and rules, validation errors, the revision and audit counts.

use axum::http::StatusCode;
use serde_json::Value;

use super::*;

pub fn today() -> time::Date {
    time::OffsetDateTime::now_utc().date()
}

pub fn add_months(d: time::Date, months: u8) -> time::Date {
    let zero_based = u32::from(u8::from(d.month()) - 1) + u32::from(months);
    let year = d.year() + i32::try_from(zero_based / 12).unwrap();
    let month = time::Month::try_from(u8::try_from(zero_based % 12 + 1).unwrap()).unwrap();
    (1..=d.day())
        .rev()
        .find_map(|day| time::Date::from_calendar_date(year, month, day).ok())
        .unwrap()
}

/// A three-month window from a week from today.
pub fn window() -> (String, String) {
    let start = today() + time::Duration::days(7);
    (start.to_string(), add_months(start, 3).to_string())
}

pub async fn evaluate(client: &mut Client, classification: &str) -> Value {
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

pub fn site<'a>(outcome: &'a Value, slug: &str) -> &'a Value {
    outcome["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["slug"] == slug)
        .unwrap_or_else(|| panic!("no site {slug} in {outcome}"))
}

pub fn eligible(outcome: &Value) -> Vec<String> {
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

pub fn failed_rules(site: &Value) -> Vec<String> {
    site["evaluation"]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["passed"] == false)
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

pub fn assert_validation(response: &TestResponse, field: &str) {
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

pub async fn revision(client: &mut Client) -> i64 {
    let snapshot = client.call("get_catalogue", &[]).await;
    assert_eq!(snapshot.status, StatusCode::OK, "{}", snapshot.body);
    snapshot.json()["revision"].as_i64().unwrap()
}

pub async fn audit_count(app: &TestApp, event: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE event = $1")
        .bind(event)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    n
}

pub async fn idf_operator(admin: &mut Client) -> String {
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

/// A health-data quota of the hospital at Dugny, approved: (id, the hospital's owner).
pub async fn approved_health_quota_at_dugny(app: &TestApp) -> (i64, Client) {
    let mut owner = app.signed_in(HOSP_OWNER).await;
    let start = (today() + time::Duration::days(10)).to_string();
    let end = (today() + time::Duration::days(40)).to_string();
    let project = owner.first_project().await;
    let response = owner
        .call(
            "save_request",
            &[
                ("project", project.as_str()),
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

pub async fn compliance_flag(app: &TestApp, id: i64) -> Option<String> {
    let (flag,): (Option<String>,) =
        sqlx::query_as("SELECT compliance_flag FROM quota_requests WHERE id = $1")
            .bind(id)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    flag
}

// Catalogue edits by platform admins.

// ---------------------------------------------------------------------------------------------
// Operators, sites and shareholders: created, edited and removed by platform admins.
// ---------------------------------------------------------------------------------------------

/// A form from owned values.
pub fn borrowed<'a>(form: &'a [(&'a str, String)]) -> Vec<(&'a str, &'a str)> {
    form.iter().map(|(k, v)| (*k, v.as_str())).collect()
}

/// `form` with `field` set to `value` (added when missing).
pub fn changed(
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
pub fn without(form: &[(&'static str, String)], field: &str) -> Vec<(&'static str, String)> {
    form.iter().filter(|(k, _)| *k != field).cloned().collect()
}

pub async fn read_catalogue(client: &mut Client) -> Value {
    let response = client.call("get_catalogue", &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()
}

pub fn operator<'a>(snapshot: &'a Value, name: &str) -> Option<&'a Value> {
    snapshot["operators"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["operator"]["name"] == name)
}

pub fn catalogue_site<'a>(snapshot: &'a Value, slug: &str) -> Option<&'a Value> {
    snapshot["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"]["slug"] == slug)
}

/// The detail of the last `catalogue_changed` audit event, with its actor.
pub async fn last_change(app: &TestApp) -> (Value, Option<i64>) {
    let (detail, actor): (String, Option<i64>) = sqlx::query_as(
        "SELECT detail, actor_user_id FROM audit_log WHERE event = 'catalogue_changed' \
         ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    (serde_json::from_str(&detail).unwrap(), actor)
}

pub fn new_operator_form() -> Vec<(&'static str, String)> {
    vec![
        ("name", "Saclay Compute SAS".to_string()),
        ("registered_office", "FR".to_string()),
        ("central_administration", "fr".to_string()),
        ("main_establishment", "DE".to_string()),
        ("commercial_organisation", "on".to_string()),
    ]
}
