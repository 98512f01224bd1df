//! Times shown in each person's time zone (chosen on the account page, Europe/Paris unless
//! changed), and the audit log's day filter, read in that zone.

use crate::common;

use axum::http::StatusCode;
use common::requests::*;
use common::*;
use serde_json::Value;

/// 2027-01-15 09:30 UTC (winter) and 2027-07-15 09:30 UTC (summer).
const WINTER: i64 = 1_800_005_400;
const SUMMER: i64 = 1_815_643_800;

/// Appends an audit event of the university at `at`, as the application would have.
async fn audit_row_at(app: &TestApp, at: i64) {
    sqlx::query(
        "INSERT INTO audit_log (at, actor_email, tenant_id, event, outcome, detail) \
         VALUES ($1, 'probe@univ-palaiseau.test', \
         (SELECT id FROM tenants WHERE slug = 'univ-palaiseau'), 'dst_probe', 'success', '{}')",
    )
    .bind(at)
    .execute(app.owner_pool())
    .await
    .unwrap();
}

fn entries(response: &TestResponse) -> Vec<Value> {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json()["entries"].as_array().unwrap().clone()
}

#[tokio::test]
async fn an_instant_reads_in_each_persons_zone_winter_and_summer_time_alike() {
    let app = TestApp::with_demo().await;
    audit_row_at(&app, WINTER).await;
    audit_row_at(&app, SUMMER).await;

    let mut owner = app.signed_in(UNIV_OWNER).await;
    let mut auditor = app.signed_in(UNIV_AUDITOR).await;
    let changed = owner
        .call("change_time_zone", &[("time_zone", "America/Montreal")])
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);

    // The auditor kept the default zone, Paris: CET in winter, CEST in summer.
    let paris = entries(
        &auditor
            .call("audit_events", &[("event", "dst_probe")])
            .await,
    );
    let seen: Vec<(i64, i64, &str)> = paris
        .iter()
        .map(|e| {
            let at = &e["at"];
            (
                at["unix"].as_i64().unwrap(),
                at["offset_seconds"].as_i64().unwrap(),
                at["abbreviation"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(seen, [(SUMMER, 7_200, "CEST"), (WINTER, 3_600, "CET")]);
    let page = auditor.get("/audit?event=dst_probe").await;
    assert!(
        page.body.contains("15 Jul 2027, 11:30 CEST"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("15 Jan 2027, 10:30 CET"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Times in Europe/Paris"), "{}", page.body);

    // The owner chose Montreal: the same instants, other clocks.
    let page = owner.get("/audit?event=dst_probe").await;
    assert!(
        page.body.contains("15 Jul 2027, 05:30 EDT"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("15 Jan 2027, 04:30 EST"),
        "{}",
        page.body
    );
    assert!(
        page.body.contains("Times in America/Montreal"),
        "{}",
        page.body
    );
    let csv = owner.get("/audit.csv?event=dst_probe").await;
    assert!(csv.body.contains("2027-01-15 04:30 EST"), "{}", csv.body);

    // A request's timeline too.
    let id = save(&mut owner, form("k-tz"), "submit").await;
    let at = |client_detail: &TestResponse| {
        assert_eq!(
            client_detail.status,
            StatusCode::OK,
            "{}",
            client_detail.body
        );
        client_detail.json()["timeline"][0]["at"].clone()
    };
    let theirs = at(&owner.call("get_request", &[("id", &id.to_string())]).await);
    let mine = at(&auditor
        .call("get_request", &[("id", &id.to_string())])
        .await);
    assert_eq!(theirs["unix"], mine["unix"]);
    assert_ne!(theirs["offset_seconds"], mine["offset_seconds"]);
    assert!(["EST", "EDT"].contains(&theirs["abbreviation"].as_str().unwrap()));
    assert!(["CET", "CEST"].contains(&mine["abbreviation"].as_str().unwrap()));

    // The choice is on the account, audited, and shown on the account page.
    let account = owner.call("account", &[]).await;
    assert_eq!(account.json()["time_zone"], "America/Montreal");
    let event = entries(
        &owner
            .call("audit_events", &[("event", "time_zone_changed")])
            .await,
    );
    assert_eq!(event.len(), 0, "an account event names no tenant");
    let mut admin = app.signed_in(ADMIN).await;
    let event = entries(
        &admin
            .call("audit_events", &[("event", "time_zone_changed")])
            .await,
    );
    assert_eq!(event[0]["actor_email"], UNIV_OWNER);
    assert!(event[0]["detail"]
        .as_str()
        .unwrap()
        .contains("\"after\":\"America/Montreal\""));
}

#[tokio::test]
async fn a_time_zone_must_be_one_from_the_list_and_a_signed_in_persons() {
    let app = TestApp::with_demo().await;
    let anon = app
        .anon()
        .call("change_time_zone", &[("time_zone", "Europe/Paris")])
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{}", anon.body);

    let mut member = app.signed_in(UNIV_MEMBER).await;
    for bad in ["Mars/Olympus", "", "Europe/Paris'; DROP TABLE users; --"] {
        let refused = member.call("change_time_zone", &[("time_zone", bad)]).await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
        assert_eq!(refused.json()["field"], "time_zone");
        assert!(
            message(&refused).contains("is not a time zone"),
            "{}",
            refused.body
        );
    }
    let account = member.call("account", &[]).await;
    assert_eq!(account.json()["time_zone"], "Europe/Paris");
    let zones = account.json()["time_zones"].as_array().unwrap().len();
    assert!(zones > 300, "{zones}");
}

#[tokio::test]
async fn the_audit_log_filters_by_days_in_the_readers_zone() {
    let app = TestApp::with_demo().await;
    // 2027-01-15 23:30 UTC is the 16th in Paris (00:30 CET) and still the 15th in Montreal.
    audit_row_at(&app, WINTER + 14 * 3_600).await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let ids = |r: &TestResponse| entries(r).len();
    let on = |day: &'static str| [("event", "dst_probe"), ("from", day), ("to", day)];
    assert_eq!(ids(&owner.call("audit_events", &on("2027-01-16")).await), 1);
    assert_eq!(ids(&owner.call("audit_events", &on("2027-01-15")).await), 0);
    owner
        .call("change_time_zone", &[("time_zone", "America/Montreal")])
        .await;
    assert_eq!(ids(&owner.call("audit_events", &on("2027-01-15")).await), 1);
    assert_eq!(ids(&owner.call("audit_events", &on("2027-01-16")).await), 0);
    let open_ended = [("event", "dst_probe"), ("from", "2027-01-15")];
    assert_eq!(ids(&owner.call("audit_events", &open_ended).await), 1);
}

#[tokio::test]
async fn bad_days_are_answered_in_words_beside_their_fields() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let bad = owner
        .call(
            "audit_events",
            &[("from", "31/12/2026"), ("to", "2026-02-30")],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    let json = bad.json();
    let mut fields = vec![json["field"].as_str().unwrap()];
    fields.extend(
        json["others"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap()),
    );
    assert_eq!(fields, ["from", "to"], "{}", bad.body);

    let swapped = owner
        .call(
            "audit_events",
            &[("from", "2026-12-05"), ("to", "2026-12-01")],
        )
        .await;
    assert_eq!(swapped.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message(&swapped),
        "The last day comes before the first; swap them."
    );

    // The page keeps its form and puts each message beside its field.
    let page = owner.get("/audit?from=31%2F12%2F2026&to=2026-02-30").await;
    assert_eq!(page.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(
        page.body.contains("id=\"audit-from-error\"")
            && page
                .body
                .contains("“31/12/2026” is not a date; write it as YYYY-MM-DD."),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"audit-to-error\""), "{}", page.body);
    assert!(page.body.contains("aria-invalid=\"true\""), "{}", page.body);
}
