//! CSV exports of the lists (`/requests.csv`, `/quotas.csv`, `/admin/requests.csv`,
//! `/audit.csv`): the pages' filters and visibility, the file's headers and quoting, and who is
//! refused.

use crate::common;

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
        with(
            form("k-csv-h"),
            &[("project_title", "Seine-Est imaging only")],
        ),
        "submit",
    )
    .await;

    let mut member = app.signed_in(UNIV_MEMBER).await;
    let all = member.get("/requests.csv").await;
    assert_csv(&all, "requests");
    assert!(
        all.body
            .starts_with("\u{feff}Request,Title,Project,Kind,Status,"),
        "{}",
        all.body
    );
    // Quoted (comma and quotes) and defused (a leading apostrophe): one cell, shown as text.
    assert!(
        all.body.contains(&format!(
            "\n{mine},\"'=HYPERLINK(\"\"http://x.test\"\", \"\"Vision, large\"\")\","
        )),
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
        assert_ne!(
            response.header("content-type"),
            Some("text/csv; charset=utf-8")
        );
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
            refused
                .body
                .contains("You do not have permission to do that."),
            "{}",
            refused.body
        );
    }

    let mut admin = app.signed_in(ADMIN).await;
    // Without a status the queue shows what waits for a decision (endorsed): a submitted
    // request is not there, as on the page.
    let waiting = admin.get("/admin/requests.csv").await;
    assert_csv(&waiting, "request-queue");
    assert!(waiting
        .body
        .starts_with("\u{feff}Request,Organisation,Title,Project,"));
    assert!(!ids(&waiting.body).contains(&submitted));
    let any = admin
        .get("/admin/requests.csv?status=any&search=queue%20export")
        .await;
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
    assert!(csv
        .body
        .starts_with("\u{feff}When,Event,Outcome,Who,Address,Details,Raw details"));
    assert!(csv.body.contains(UNIV_OWNER), "{}", csv.body);
    assert!(!csv.body.contains(HOSP_OWNER), "{}", csv.body);
    assert!(
        csv.body.lines().skip(1).all(|l| l.contains(",Signed in,")),
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
    assert!(
        bad.body.contains("is not a date; write it as YYYY-MM-DD."),
        "{}",
        bad.body
    );
    // Days long past hold none of today's sign-ins.
    let past = owner
        .get("/audit.csv?event=login&from=2001-01-01&to=2001-12-31")
        .await;
    assert_csv(&past, "audit-log");
    assert_eq!(
        past.body.trim_start_matches('\u{feff}').lines().count(),
        1,
        "{}",
        past.body
    );
}

/// The id of the project `code` of the demo university.
async fn univ_project(app: &TestApp, code: &str) -> i64 {
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

#[tokio::test]
async fn another_projects_member_gets_none_of_its_rows_and_the_project_filter_is_kept() {
    let app = TestApp::with_demo().await;
    let (climate, ai) = (
        univ_project(&app, "climate").await.to_string(),
        univ_project(&app, "ai4science").await.to_string(),
    );
    // Hugo asks in `climate` (his alone) and in `ai4science` (shared with Léa); the owner
    // endorses the first and an admin grants it, so it is a quota too.
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let own = save(
        &mut hugo,
        with(
            form("k-csv-p1"),
            &[("project", &climate), ("project_title", "Paris basin runs")],
        ),
        "submit",
    )
    .await;
    let shared = save(
        &mut hugo,
        with(
            form("k-csv-p2"),
            &[
                ("project", &ai),
                ("project_title", "Shared molecule screen"),
            ],
        ),
        "submit",
    )
    .await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let endorsed = owner
        .call("endorse_request", &[("id", &own.to_string())])
        .await;
    assert_eq!(endorsed.status, StatusCode::OK, "{}", endorsed.body);
    assert_eq!(
        decide(&app, own, &[("decision", "approve")]).await.status,
        StatusCode::OK
    );

    let mut lea = app.signed_in(OTHER_PROJECT_MEMBER).await;
    let hers = lea.get("/requests.csv").await;
    assert_csv(&hers, "requests");
    assert!(ids(&hers.body).contains(&shared), "{}", hers.body);
    assert!(!ids(&hers.body).contains(&own), "{}", hers.body);
    assert!(!hers.body.contains("Paris basin runs"), "{}", hers.body);
    assert!(
        !hers.body.contains("Climate and Earth system"),
        "{}",
        hers.body
    );
    // Naming the other project in the URL opens nothing: a header and no row.
    for query in [format!("?project={climate}"), "?project=climate".to_owned()] {
        let none = lea.get(&format!("/requests.csv{query}")).await;
        assert_csv(&none, "requests");
        assert_eq!(none.body.lines().count(), 1, "{query}: {}", none.body);
    }
    let quotas = lea.get(&format!("/quotas.csv?project={climate}")).await;
    assert_csv(&quotas, "quotas");
    assert_eq!(quotas.body.lines().count(), 1, "{}", quotas.body);
    assert!(!lea
        .get("/quotas.csv")
        .await
        .body
        .contains("Paris basin runs"));

    // Hugo's own list, filtered by project as on the page: one project's rows only, with the
    // project's name in its column.
    let only = hugo.get(&format!("/requests.csv?project={climate}")).await;
    assert_eq!(ids(&only.body), vec![own], "{}", only.body);
    assert!(only
        .body
        .contains(",Paris basin runs,Climate and Earth system,"));

    // The tenant's auditor and owner read every project's, requests and quotas.
    for email in [UNIV_AUDITOR, UNIV_OWNER] {
        let mut client = app.signed_in(email).await;
        let all = ids(&client.get("/requests.csv").await.body);
        assert!(
            all.contains(&own) && all.contains(&shared),
            "{email}: {all:?}"
        );
        let quotas = ids(&client.get("/quotas.csv").await.body);
        assert!(quotas.contains(&own), "{email}: {quotas:?}");
    }
}

#[tokio::test]
async fn a_platform_admin_has_no_tenant_list_to_export_and_refusals_are_counted() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let before = app.state.denials.counts();
    for path in ["/requests.csv", "/quotas.csv"] {
        let refused = admin.get(path).await;
        assert_eq!(
            refused.status,
            StatusCode::FORBIDDEN,
            "{path}: {}",
            refused.body
        );
        assert_ne!(
            refused.header("content-type"),
            Some("text/csv; charset=utf-8")
        );
        assert!(!refused.body.contains("Request,"), "{}", refused.body);
    }
    assert!(app.state.denials.counts().forbidden >= before.forbidden + 2);
}
