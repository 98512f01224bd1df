//! Projects inside a tenant (issue 12, point 1): who sees which project's requests, quotas and
//! notifications; who manages a project's people; who may ask for GPUs in it; who endorses.
//!
//! The demo university has three projects: `climate` (led by its member Hugo alone),
//! `ai4science` (led by Léa, with Hugo as a member) and `french-llm` (led by Léa; the owner's
//! request is there). Alea Labs' member Théo is a viewer of its project `foundation`.

use crate::common;

use axum::http::StatusCode;
use common::requests::*;
use common::*;

const LEA: &str = OTHER_PROJECT_MEMBER;

async fn demo_with_activity() -> TestApp {
    let app = TestApp::with_demo().await;
    app::server::demo_activity::load_activity(&app.state)
        .await
        .expect("demo activity");
    app
}

/// The id of the project `code` of the tenant `slug`.
async fn project(app: &TestApp, slug: &str, code: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM projects p JOIN tenants t ON t.id = p.tenant_id \
         WHERE t.slug = $1 AND p.code = $2",
    )
    .bind(slug)
    .bind(code)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    id
}

/// The id of the request titled `title`.
async fn request(app: &TestApp, title: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM quota_requests WHERE project_title = $1")
        .bind(title)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    id
}

/// `client` gives `email` the project role `role` in `project`.
async fn set_member(client: &mut Client, project: &str, email: &str, role: &str) -> TestResponse {
    client
        .call(
            "set_project_member",
            &[("project_id", project), ("email", email), ("role", role)],
        )
        .await
}

/// The titles of the requests `client` lists (every status, first page).
async fn listed(client: &mut Client) -> Vec<String> {
    let page = client.call("list_requests", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page.json()["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["project_title"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_member_sees_the_requests_of_their_projects_and_nothing_of_the_others() {
    let app = demo_with_activity().await;
    let climate = "Climate downscaling ensemble";
    let french = "Open French language model, pre-training";
    let protein = "Protein structure screening";

    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let seen = listed(&mut hugo).await;
    assert!(seen.contains(&climate.to_string()) && seen.contains(&protein.to_string()));
    assert!(!seen.contains(&french.to_string()), "{seen:?}");

    let mut lea = app.signed_in(LEA).await;
    let seen = listed(&mut lea).await;
    assert!(seen.contains(&french.to_string()) && seen.contains(&protein.to_string()));
    assert!(!seen.contains(&climate.to_string()), "{seen:?}");

    // Owners and auditors see every project's.
    for everyone in [UNIV_OWNER, UNIV_AUDITOR] {
        let mut client = app.signed_in(everyone).await;
        let seen = listed(&mut client).await;
        assert!(
            [climate, french, protein]
                .iter()
                .all(|t| seen.contains(&t.to_string())),
            "{everyone}: {seen:?}"
        );
    }

    // Another project's request, its page and its project answer "not found", as another
    // tenant's do; the filter by project does not open it either.
    let id = request(&app, climate).await.to_string();
    let refused = lea.call("get_request", &[("id", &id)]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    assert!(!refused.body.contains(climate));
    let page = lea.get(&format!("/requests/{id}")).await;
    assert_eq!(page.status, StatusCode::NOT_FOUND);
    assert!(!page.body.contains(climate));
    let climate_id = project(&app, "univ-palaiseau", "climate").await.to_string();
    let refused = lea.call("project", &[("id", &climate_id)]).await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND, "{}", refused.body);
    let filtered = lea
        .call("list_requests", &[("project", &climate_id)])
        .await
        .json();
    assert_eq!(filtered["rows"].as_array().unwrap().len(), 0, "{filtered}");
    let projects = lea.call("list_projects", &[]).await.json();
    let codes: Vec<&str> = projects["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["code"].as_str().unwrap())
        .collect();
    assert_eq!(codes, ["ai4science", "french-llm"], "{projects}");
}

#[tokio::test]
async fn taken_out_of_a_project_a_member_loses_its_requests_and_notifications_at_once() {
    let app = demo_with_activity().await;
    let climate = project(&app, "univ-palaiseau", "climate").await.to_string();
    let approved = request(&app, "Climate downscaling ensemble").await;
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let notes = hugo.call("list_notifications", &[]).await.json();
    let about = |notes: &serde_json::Value| {
        notes
            .as_array()
            .unwrap()
            .iter()
            .filter(|n| n["request_id"].as_i64() == Some(approved))
            .count()
    };
    assert!(about(&notes) > 0, "{notes}");

    // The owner names Léa lead of `climate` (Hugo stays a member), then takes Hugo out.
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let lead = set_member(&mut owner, &climate, LEA, "lead").await;
    assert_eq!(lead.status, StatusCode::OK, "{}", lead.body);
    let detail = owner.call("project", &[("id", &climate)]).await.json();
    let roles: Vec<(String, String)> = detail["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            (
                m["email"].as_str().unwrap().to_string(),
                m["role"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        roles,
        [
            (LEA.to_string(), "lead".to_string()),
            (UNIV_MEMBER.to_string(), "member".to_string())
        ]
    );
    let (hugo_id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(UNIV_MEMBER)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let out = owner
        .call(
            "remove_project_member",
            &[("project_id", &climate), ("user_id", &hugo_id.to_string())],
        )
        .await;
    assert_eq!(out.status, StatusCode::OK, "{}", out.body);

    // Same session, next request: gone.
    let refused = hugo
        .call("get_request", &[("id", &approved.to_string())])
        .await;
    assert_eq!(refused.status, StatusCode::NOT_FOUND);
    let notes = hugo.call("list_notifications", &[]).await.json();
    assert_eq!(about(&notes), 0, "{notes}");
}

#[tokio::test]
async fn a_viewer_reads_the_project_but_cannot_ask_for_gpus_in_it() {
    let app = demo_with_activity().await;
    let foundation = project(&app, "alea-labs", "foundation").await.to_string();
    let risk = project(&app, "alea-labs", "risk").await;
    let mut theo = app.signed_in(OTHER_MEMBER).await;

    let read = theo
        .call(
            "get_request",
            &[(
                "id",
                &request(&app, "Foundation model for time series")
                    .await
                    .to_string(),
            )],
        )
        .await;
    assert_eq!(read.status, StatusCode::OK, "{}", read.body);

    let options = theo.call("request_form_options", &[]).await.json();
    let offered: Vec<i64> = options["projects"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_i64().unwrap())
        .collect();
    assert_eq!(
        offered,
        [risk],
        "only the project where Théo is more than a viewer"
    );

    let refused = call_owned(
        &mut theo,
        "save_request",
        &with(
            form("k-viewer"),
            &[("project", &foundation), ("intent", "draft")],
        ),
    )
    .await;
    assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(refused.json()["field"], "project", "{}", refused.body);

    // With his one project, the form may leave the choice out.
    let saved = call_owned(
        &mut theo,
        "save_request",
        &with(form("k-only"), &[("intent", "draft")]),
    )
    .await;
    assert_eq!(saved.status, StatusCode::OK, "{}", saved.body);
    let id = saved.json().as_i64().unwrap();
    assert_eq!(
        scalar(
            &app,
            "SELECT project_id FROM quota_requests WHERE id = $1",
            id
        )
        .await,
        risk
    );

    // Hugo is in two projects: he must choose.
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let unchosen = call_owned(
        &mut hugo,
        "save_request",
        &with(form("k-choose"), &[("intent", "draft")]),
    )
    .await;
    assert_eq!(unchosen.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        message(&unchosen),
        "Choose the project this request is for."
    );
}

#[tokio::test]
async fn a_project_lead_endorses_only_where_the_organisation_lets_leads_endorse() {
    let app = TestApp::with_demo().await;
    let ai = project(&app, "univ-palaiseau", "ai4science")
        .await
        .to_string();
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let id = save(
        &mut hugo,
        with(form("k-lead"), &[("project", &ai)]),
        "submit",
    )
    .await
    .to_string();

    let mut lea = app.signed_in(LEA).await;
    let refused = lea.call("endorse_request", &[("id", &id)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);

    // Only an owner changes the setting.
    let not_owner = lea
        .call("set_endorsement", &[("endorsement", "owners_and_leads")])
        .await;
    assert_eq!(not_owner.status, StatusCode::FORBIDDEN);
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let bad = owner
        .call("set_endorsement", &[("endorsement", "everyone")])
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    let set = owner
        .call("set_endorsement", &[("endorsement", "owners_and_leads")])
        .await;
    assert_eq!(set.status, StatusCode::OK, "{}", set.body);

    // A member of the project is still no lead.
    let member = hugo.call("endorse_request", &[("id", &id)]).await;
    assert_eq!(member.status, StatusCode::FORBIDDEN, "{}", member.body);
    let endorsed = lea.call("endorse_request", &[("id", &id)]).await;
    assert_eq!(endorsed.status, StatusCode::OK, "{}", endorsed.body);
    assert_eq!(endorsed.json(), "endorsed");
}

#[tokio::test]
async fn owners_create_projects_and_a_lead_manages_the_people_of_theirs_only() {
    let app = TestApp::with_demo().await;
    let fields = |code: &'static str| {
        vec![
            ("code", code),
            ("title", "Quantum chemistry"),
            ("description", "Coupled-cluster surrogates."),
            ("sector", "research"),
            ("start_date", "2027-01-01"),
            ("end_date", "2027-12-31"),
        ]
    };
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let refused = hugo.call("create_project", &fields("quantum")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);

    let mut owner = app.signed_in(UNIV_OWNER).await;
    let created = owner.call("create_project", &fields("quantum")).await;
    assert!(
        created.status.is_success() || created.status.is_redirection(),
        "{}",
        created.body
    );
    let again = owner.call("create_project", &fields("quantum")).await;
    assert_eq!(again.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(again.json()["field"], "code", "{}", again.body);
    let mut bad = fields("Not A Code");
    bad[5] = ("end_date", "2026-01-01");
    let every = owner.call("create_project", &bad).await.json();
    let mut named: Vec<&str> = vec![every["field"].as_str().unwrap()];
    named.extend(
        every["others"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| e["field"].as_str().unwrap()),
    );
    assert_eq!(named, ["code", "end_date"], "{every}");

    // Léa leads `french-llm`: she adds Hugo as a viewer; Hugo, a viewer, adds nobody; an
    // auditor joins no project.
    let french = project(&app, "univ-palaiseau", "french-llm")
        .await
        .to_string();
    let mut lea = app.signed_in(LEA).await;
    let added = set_member(&mut lea, &french, UNIV_MEMBER, "viewer").await;
    assert_eq!(added.status, StatusCode::OK, "{}", added.body);
    let viewer_adds = set_member(&mut hugo, &french, UNIV_OWNER, "member").await;
    assert_eq!(viewer_adds.status, StatusCode::FORBIDDEN);
    let auditor = set_member(&mut lea, &french, UNIV_AUDITOR, "member").await;
    assert_eq!(auditor.status, StatusCode::UNPROCESSABLE_ENTITY);
    let stranger = set_member(&mut lea, &french, HOSP_MEMBER, "member").await;
    assert_eq!(stranger.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(message(&stranger).contains("invite them"));

    // The lead cannot be demoted, nor taken out, until another is named.
    let demoted = set_member(&mut owner, &french, LEA, "member").await;
    assert_eq!(demoted.status, StatusCode::CONFLICT, "{}", demoted.body);
    let (lea_id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(LEA)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let out = owner
        .call(
            "remove_project_member",
            &[("project_id", &french), ("user_id", &lea_id.to_string())],
        )
        .await;
    assert_eq!(out.status, StatusCode::CONFLICT, "{}", out.body);

    // Every change is in the audit log.
    let (events,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM audit_log WHERE event IN ('project_created', 'project_member_set')",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(events, 2);
}

#[tokio::test]
async fn leaving_the_organisation_leaves_its_projects() {
    let app = TestApp::with_demo().await;
    let mut lea = app.signed_in(LEA).await;
    let left = lea.call("leave_organisation", &[]).await;
    assert!(
        left.status.is_success() || left.status.is_redirection(),
        "{}",
        left.body
    );
    let (rows,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM project_members pm JOIN users u ON u.id = pm.user_id WHERE u.email = $1",
    )
    .bind(LEA)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(rows, 0);
}
