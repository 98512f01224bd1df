//! CSV exports of the lists (`/requests.csv`, `/quotas.csv`, `/admin/requests.csv`,
//! `/audit.csv`): the pages' filters and visibility, the file's headers and quoting, and who is
//! refused.

mod common;

use axum::http::StatusCode;
use common::requests::*;
use common::*;

/// A title a spreadsheet would run as a formula, with a comma and quotes to be quoted.
const FORMULA_TITLE: &str = "=HYPERLINK(\"http://x.test\", \"Vision, large\")";

fn assert_csv(response: &TestResponse, name: &str) {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(
        response.header("content-type"),
        Some("text/csv; charset=utf-8")
    );
    let disposition = response.header("content-disposition").unwrap_or_default();
    assert!(
        disposition.starts_with(&format!("attachment; filename=\"{name}-"))
            && disposition.ends_with(".csv\""),
        "{disposition}"
    );
    assert_eq!(response.header("cache-control"), Some("no-store"));
}

/// The request ids in the first column of an export (its header row skipped).
fn ids(body: &str) -> Vec<i64> {
    body.trim_start_matches('\u{feff}')
        .lines()
        .skip(1)
        .filter_map(|line| line.split(',').next()?.parse().ok())
        .collect()
}

#[tokio::test]
async fn the_requests_export_is_the_pages_list_with_its_filters_quoted_and_defused() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let mine = save(
        &mut owner,
        with(form("k-csv"), &[("project_title", FORMULA_TITLE)]),
        "submit",
    )
    .await;
    let mut other = app.signed_in(HOSP_MEMBER).await;
    let theirs = save(
        &mut other,
        with(form("k-csv-h"), &[("project_title", "Seine-Est imaging only")]),
        "submit",
    )
    .await;

    let mut member = app.signed_in(UNIV_MEMBER).await;
    let all = member.get("/requests.csv").await;
    assert_csv(&all, "requests");
    assert!(all.body.starts_with("\u{feff}Request,Project,Kind,Status,"), "{}", all.body);
    // Quoted (comma and quotes) and defused (a leading apostrophe): one cell, shown as text.
    assert!(
        all.body.contains(
            "\"'=HYPERLINK(\"\"http://x.test\"\", \"\"Vision, large\"\")\",New quota,Endorsed,"
        ),
        "{}",
        all.body
    );
    assert!(ids(&all.body).contains(&mine));
    // Another tenant's rows are absent.
    assert!(!ids(&all.body).contains(&theirs), "{}", all.body);
    assert!(!all.body.contains("Seine-Est imaging only"));

    // The page's own server function, with the same filters, lists the same rows in the same
    // order (one path: the export reads the list's service).
    for (query, form) in [
        ("", vec![]),
        ("?status=endorsed", vec![("status", "endorsed")]),
        (
            "?search=x.test&sort=title&dir=asc",
            vec![("search", "x.test"), ("sort", "title"), ("dir", "asc")],
        ),
        ("?status=rejected", vec![("status", "rejected")]),
    ] {
        let csv = member.get(&format!("/requests.csv{query}")).await;
        assert_csv(&csv, "requests");
        let page = member.call("list_requests", &form).await;
        assert_eq!(page.status, StatusCode::OK, "{}", page.body);
        let listed: Vec<i64> = page.json()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["id"].as_i64().unwrap())
            .collect();
        assert_eq!(ids(&csv.body), listed, "{query}");
    }
    let filtered = member.get("/requests.csv?status=rejected").await;
    assert!(!ids(&filtered.body).contains(&mine));
    let found = member.get("/requests.csv?search=x.test").await;
    assert_eq!(ids(&found.body), vec![mine]);
}

#[tokio::test]
async fn the_quotas_export_holds_the_tenants_granted_quotas_only() {
    let app = TestApp::with_demo().await;
    let granted = approved(&app, "k-csv-q", &[("project_title", "Granted climate run")]).await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let open = save(
        &mut owner,
        with(form("k-csv-open"), &[("project_title", "Still waiting")]),
        "submit",
    )
    .await;
    let csv = owner.get("/quotas.csv").await;
    assert_csv(&csv, "quotas");
    assert!(csv.body.contains("Granted climate run"), "{}", csv.body);
    assert!(ids(&csv.body).contains(&granted));
    assert!(!ids(&csv.body).contains(&open));
    assert!(!csv.body.contains("Still waiting"));

    let mut other = app.signed_in(OTHER_OWNER).await;
    let theirs = other.get("/quotas.csv").await;
    assert_csv(&theirs, "quotas");
    assert!(!ids(&theirs.body).contains(&granted), "{}", theirs.body);
}

#[tokio::test]
async fn anonymous_people_are_refused_every_export() {
    let app = TestApp::with_demo().await;
    for path in [
        "/requests.csv",
        "/quotas.csv",
        "/admin/requests.csv",
        "/audit.csv",
    ] {
        let response = app.anon().get(path).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{path}");
        assert!(
            response.body.contains("Please sign in to continue."),
            "{path}: {}",
            response.body
        );
        assert_ne!(response.header("content-type"), Some("text/csv; charset=utf-8"));
    }
    assert!(app.state.denials.counts().unauthenticated >= 4);
}

#[tokio::test]
async fn the_queue_export_is_for_platform_admins_with_the_queues_default_filter() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let submitted = save(
        &mut member,
        with(form("k-csv-a"), &[("project_title", "Queue export check")]),
        "submit",
    )
    .await;

    for email in [UNIV_OWNER, UNIV_MEMBER, UNIV_AUDITOR] {
        let refused = app.signed_in(email).await.get("/admin/requests.csv").await;
        assert_eq!(refused.status, StatusCode::FORBIDDEN, "{email}");
        assert!(
            refused.body.contains("You do not have permission to do that."),
            "{}",
            refused.body
        );
    }

    let mut admin = app.signed_in(ADMIN).await;
    // Without a status the queue shows what waits for a decision (endorsed): a submitted
    // request is not there, as on the page.
    let waiting = admin.get("/admin/requests.csv").await;
    assert_csv(&waiting, "request-queue");
    assert!(waiting.body.starts_with("\u{feff}Request,Organisation,Project,"));
    assert!(!ids(&waiting.body).contains(&submitted));
    let any = admin.get("/admin/requests.csv?status=any&search=queue%20export").await;
    assert_csv(&any, "request-queue");
    assert_eq!(ids(&any.body), vec![submitted], "{}", any.body);
    assert!(any.body.contains("Université de Palaiseau"), "{}", any.body);
    assert!(any.body.contains(",Eligible,"), "{}", any.body);
}

#[tokio::test]
async fn the_audit_export_follows_the_pages_rules_and_filters() {
    let app = TestApp::with_demo().await;
    // Events of both tenants.
    let mut owner = app.signed_in(UNIV_OWNER).await;
    app.signed_in(HOSP_OWNER).await;

    let refused = app.signed_in(UNIV_MEMBER).await.get("/audit.csv").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    let csv = owner.get("/audit.csv?event=login").await;
    assert_csv(&csv, "audit-log");
    assert!(csv.body.starts_with("\u{feff}When,Event,Outcome,Who,Address,Details,Raw details"));
    assert!(csv.body.contains(UNIV_OWNER), "{}", csv.body);
    assert!(!csv.body.contains(HOSP_OWNER), "{}", csv.body);
    assert!(
        csv.body.lines().skip(1).all(|l| l.contains(",login,")),
        "{}",
        csv.body
    );

    let auditor = app.signed_in(UNIV_AUDITOR).await.get("/audit.csv").await;
    assert_csv(&auditor, "audit-log");
    assert!(!auditor.body.contains(HOSP_OWNER));

    let mut admin = app.signed_in(ADMIN).await;
    let every = admin.get("/audit.csv?event=login").await;
    assert_csv(&every, "audit-log");
    assert!(every.body.contains("Who,Organisation,Address"));
    assert!(every.body.contains(UNIV_OWNER) && every.body.contains(HOSP_OWNER));

    // A bad day is answered in words, with the page's status for it.
    let bad = owner.get("/audit.csv?from=31%2F12%2F2026").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(bad.body.contains("is not a date; write it as YYYY-MM-DD."), "{}", bad.body);
    // Days long past hold none of today's sign-ins.
    let past = owner.get("/audit.csv?event=login&from=2001-01-01&to=2001-12-31").await;
    assert_csv(&past, "audit-log");
    assert_eq!(past.body.trim_start_matches('\u{feff}').lines().count(), 1, "{}", past.body);
}
