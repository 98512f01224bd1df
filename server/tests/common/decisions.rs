//! What the decision tests share (send back, batch approval, early end): the project they ask
//! in, and readings of a request's status, events, notifications and audit.

use super::*;

/// The university's project `climate`, which its member leads alone.
pub async fn climate(app: &TestApp) -> String {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM projects p JOIN tenants t ON t.id = p.tenant_id \
         WHERE t.slug = 'univ-palaiseau' AND p.code = 'climate'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    id.to_string()
}

pub const EVENTS: &str = "SELECT COUNT(*) FROM request_events WHERE request_id = $1";
pub const NOTIFIED: &str = "SELECT COUNT(*) FROM notifications WHERE request_id = $1";

/// The audit events about request `id` named `event`, with their details.
pub async fn audited(app: &TestApp, event: &str, id: i64) -> Vec<serde_json::Value> {
    let rows: Vec<(String,)> =
        sqlx::query_as("SELECT detail FROM audit_log WHERE event = $1 ORDER BY id")
            .bind(event)
            .fetch_all(app.owner_pool())
            .await
            .unwrap();
    rows.into_iter()
        .map(|(d,)| serde_json::from_str::<serde_json::Value>(&d).unwrap())
        .filter(|d| d["request_id"].as_i64() == Some(id))
        .collect()
}

pub fn field_errors(response: &TestResponse) -> Vec<String> {
    let body = response.json();
    let mut fields = vec![body["field"].as_str().unwrap_or_default().to_string()];
    if let Some(others) = body["others"].as_array() {
        fields.extend(
            others
                .iter()
                .filter_map(|o| o["field"].as_str().map(str::to_string)),
        );
    }
    fields
}

/// GPU-days committed at Dugny's H100 pool, all days summed.
pub async fn pool_total(app: &TestApp) -> i64 {
    let (sum,): (i64,) = sqlx::query_as(
        "SELECT CAST(COALESCE(SUM(d.committed), 0) AS BIGINT) FROM pool_days d JOIN sites s ON s.id = d.site_id \
         WHERE s.slug = 'dugny' AND d.gpu_model = 'H100'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    sum
}
