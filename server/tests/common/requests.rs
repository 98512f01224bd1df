//! Helpers of the quota-request tests (`requests.rs`, `request_pages.rs`, `quotas.rs`,
//! `request_forms.rs`): a request form, saving it, deciding it, and reading what was stored.

use axum::http::StatusCode;
use time::{Duration, OffsetDateTime};

use super::*;

pub const PENDING_OWNER: &str = "paul.moreau@mobilis-ia.test";
pub const OTHER_OWNER: &str = "zoe.lambert@alea-labs.test";
pub const OTHER_MEMBER: &str = "theo.fournier@alea-labs.test";

pub fn day(offset: i64) -> String {
    (OffsetDateTime::now_utc().date() + Duration::days(offset)).to_string()
}

/// The last day of a window that ends (exclusive) `offset` days from today.
pub fn last_day(offset: i64) -> String {
    day(offset - 1)
}

/// A request form: public data at Dugny, 16 H100 for 30 days from in 10 days.
pub fn form(key: &str) -> Vec<(String, String)> {
    [
        ("idempotency_key", key.to_string()),
        ("project_title", "Protein folding at scale".to_string()),
        (
            "justification",
            "Training a folding model on public structure data for the campus.".to_string(),
        ),
        ("sector", "research".to_string()),
        ("classification", "public".to_string()),
        ("site", "dugny".to_string()),
        ("gpu_model", "H100".to_string()),
        ("gpus", "16".to_string()),
        ("start_date", day(10)),
        ("end_date", day(40)),
        ("expected_gpu_hours", String::new()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

/// The form with the client's first project, unless it names one.
pub async fn with_project(
    client: &mut Client,
    form: Vec<(String, String)>,
) -> Vec<(String, String)> {
    if form.iter().any(|(k, _)| k == "project") {
        return form;
    }
    let project = client.first_project().await;
    with(form, &[("project", &project)])
}

pub fn with(mut form: Vec<(String, String)>, changes: &[(&str, &str)]) -> Vec<(String, String)> {
    for (k, v) in changes {
        match form.iter_mut().find(|(key, _)| key == k) {
            Some(entry) => entry.1 = v.to_string(),
            None => form.push((k.to_string(), v.to_string())),
        }
    }
    form
}

pub async fn call_owned(
    client: &mut Client,
    endpoint: &str,
    form: &[(String, String)],
) -> TestResponse {
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.call(endpoint, &borrowed).await
}

/// Saves a request (and submits it with `intent=submit`); returns its id.
pub async fn save(client: &mut Client, form: Vec<(String, String)>, intent: &str) -> i64 {
    let form = with_project(client, form).await;
    let response = call_owned(client, "save_request", &with(form, &[("intent", intent)])).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json().as_i64().expect("an id")
}

pub fn message(response: &TestResponse) -> String {
    response.json()["message"]
        .as_str()
        .unwrap_or_default()
        .to_string()
}

pub async fn scalar(app: &TestApp, sql: &str, id: i64) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(id)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    n
}

/// Approves a request of the university's owner (16 H100 at Dugny by default) and returns its id.
pub async fn approved(app: &TestApp, key: &str, changes: &[(&str, &str)]) -> i64 {
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let id = save(&mut owner, with(form(key), changes), "submit").await;
    let mut admin = app.signed_in(ADMIN).await;
    let ok = admin
        .call(
            "decide_request",
            &[("id", &id.to_string()), ("decision", "approve")],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    id
}

pub async fn decide(app: &TestApp, id: i64, fields: &[(&str, &str)]) -> TestResponse {
    let mut admin = app.signed_in(ADMIN).await;
    let id = id.to_string();
    let mut all = vec![("id", id.as_str())];
    all.extend_from_slice(fields);
    admin.call("decide_request", &all).await
}

/// Request `id`'s status and grant (0 GPUs and empty dates while nothing is granted).
pub async fn quota(app: &TestApp, id: i64) -> (String, i64, String, String) {
    sqlx::query_as(
        "SELECT status, COALESCE(approved_gpus, 0), COALESCE(approved_start, ''), \
         COALESCE(approved_end, '') FROM quota_requests WHERE id = $1",
    )
    .bind(id)
    .fetch_one(app.owner_pool())
    .await
    .unwrap()
}

/// Request `id`'s status.
pub async fn status(app: &TestApp, id: i64) -> String {
    quota(app, id).await.0
}

/// An endorsed request of the university's owner (whose submissions endorse themselves) for
/// `gpus` H100 at Dugny over days 10 to 40: its id.
pub async fn endorsed(app: &TestApp, key: &str, gpus: &str) -> i64 {
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let id = save(&mut owner, with(form(key), &[("gpus", gpus)]), "submit").await;
    assert_eq!(status(app, id).await, "endorsed");
    id
}
