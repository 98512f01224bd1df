//! Refused accesses are logged as structured warnings (actor id, action, target kind — never
//! content) and counted by kind, through the real router — on SQLite, and on PostgreSQL when
//! `GUICHET_TEST_DATABASE_URL` is set.

use crate::common;

use std::sync::{Arc, Mutex};

use app::server::access::DenialCounts;
use axum::http::StatusCode;
use common::*;
use time::{Duration, OffsetDateTime};

const TITLE: &str = "Confidential oncology cohort";
const JUSTIFICATION: &str = "Training on the Seine-Est tumour registry, kept secret.";

fn day(offset: i64) -> String {
    (OffsetDateTime::now_utc().date() + Duration::days(offset)).to_string()
}

/// A draft saved by the university's member; its id.
async fn a_university_request(app: &TestApp) -> String {
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let (start, end) = (day(10), day(40));
    let project = member.first_project().await;
    let r = member
        .call(
            "save_request",
            &[
                ("project", project.as_str()),
                ("idempotency_key", "k-denials"),
                ("project_title", TITLE),
                ("justification", JUSTIFICATION),
                ("sector", "research"),
                ("classification", "public"),
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
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json().as_i64().expect("an id").to_string()
}

/// What the log subscriber wrote, as JSON lines.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

impl Captured {
    fn text(&self) -> String {
        String::from_utf8(self.0.lock().unwrap().clone()).unwrap()
    }

    /// The "access refused" lines.
    fn refusals(&self) -> Vec<serde_json::Value> {
        self.text()
            .lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter(|l| l["fields"]["message"] == "access refused")
            .collect()
    }
}

/// Captures the warnings of this thread (a `#[tokio::test]` runs every request on it).
fn capture_logs() -> (Captured, tracing::subscriber::DefaultGuard) {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .json()
        .with_max_level(tracing::Level::WARN)
        .with_writer(move || writer.clone())
        .finish();
    (captured, tracing::subscriber::set_default(subscriber))
}

#[tokio::test]
async fn a_refused_cross_tenant_read_is_counted_and_logged_without_content() {
    let app = TestApp::with_demo().await;
    let id = a_university_request(&app).await;
    let mut other = app.signed_in(HOSP_MEMBER).await;
    let other_id = app.user_id(HOSP_MEMBER).await;

    let before = app.state.denials.counts();
    let (logs, _guard) = capture_logs();
    let r = other.call("get_request", &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    let after = app.state.denials.counts();
    assert_eq!(
        after,
        DenialCounts {
            not_found: before.not_found + 1,
            ..before
        }
    );

    let refusals = logs.refusals();
    assert_eq!(refusals.len(), 1, "{}", logs.text());
    let line = &refusals[0];
    assert_eq!(line["level"], "WARN");
    assert_eq!(line["fields"]["denial"], "not_found");
    assert_eq!(line["fields"]["actor_id"], other_id);
    assert_eq!(line["fields"]["action"], "get_request");
    assert_eq!(line["fields"]["target"], "request");
    // Nothing of the request, nor of the person, is in the log.
    let text = logs.text();
    for secret in [
        TITLE,
        JUSTIFICATION,
        HOSP_MEMBER,
        UNIV_MEMBER,
        DEMO_PASSWORD,
        "@",
    ] {
        assert!(!text.contains(secret), "the log shows {secret:?}: {text}");
    }
}

#[tokio::test]
async fn anonymous_wrong_role_and_cross_site_refusals_each_have_their_counter() {
    let app = TestApp::with_demo().await;
    let id = a_university_request(&app).await;
    let member_id = app.user_id(UNIV_MEMBER).await;
    let (logs, _guard) = capture_logs();
    let before = app.state.denials.counts();

    let r = app.anon().call("get_request", &[("id", &id)]).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let r = member
        .call("decide_request", &[("id", &id), ("decision", "approve")])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = member
        .call_with_headers("withdraw_request", &[("id", &id)], &[])
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(r.json()["kind"], "cross_site");

    assert_eq!(
        app.state.denials.counts(),
        DenialCounts {
            unauthenticated: before.unauthenticated + 1,
            forbidden: before.forbidden + 1,
            cross_site: before.cross_site + 1,
            ..before
        }
    );
    let refusals = logs.refusals();
    let kinds: Vec<(&str, Option<i64>, &str)> = refusals
        .iter()
        .map(|l| {
            (
                l["fields"]["denial"].as_str().unwrap(),
                l["fields"]["actor_id"].as_i64(),
                l["fields"]["action"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        kinds,
        [
            ("unauthenticated", None, "get_request"),
            ("forbidden", Some(member_id), "decide_request"),
            ("cross_site", None, "withdraw_request"),
        ],
        "{}",
        logs.text()
    );
}
