//! The header's search (`search`, `/search?q=…`): it finds requests, projects, sites and people
//! the person may see, never another tenant's, and refuses anonymous callers.

use crate::common;

use axum::http::StatusCode;
use common::requests::*;
use common::*;
use serde_json::Value;

fn titles(section: &Value, key: &str) -> Vec<String> {
    section["rows"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r[key].as_str().unwrap().to_owned())
        .collect()
}

#[tokio::test]
async fn a_tenant_person_finds_their_tenants_requests_sites_and_people_only() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let mine = save(
        &mut owner,
        with(
            form("k-s1"),
            &[("project_title", "Écologie des zooplanctons")],
        ),
        "submit",
    )
    .await;
    let mut other = app.signed_in(HOSP_MEMBER).await;
    save(
        &mut other,
        with(form("k-s2"), &[("project_title", "Ecologie hospitalière")]),
        "submit",
    )
    .await;

    let mut member = app.signed_in(UNIV_MEMBER).await;
    // Without its accent, in another case.
    let found = member.call("search", &[("q", "ECOLOGIE")]).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    let found = found.json();
    assert_eq!(
        titles(&found["requests"], "project_title"),
        ["Écologie des zooplanctons"]
    );
    assert_eq!(found["requests"]["rows"][0]["id"], mine);
    assert!(found["requests"]["rows"][0]["tenant_name"].is_null());
    assert_eq!(found["all_tenants"], false);

    // People: the university's members, never the hospital's.
    let people = member.call("search", &[("q", ".test")]).await.json();
    let emails = titles(&people["people"], "email");
    assert!(!emails.is_empty());
    assert!(
        emails.iter().all(|e| e.ends_with("@univ-palaiseau.test")),
        "{emails:?}"
    );
    let nadia = member.call("search", &[("q", "nadia")]).await.json();
    assert!(titles(&nadia["people"], "email").is_empty(), "{nadia}");
    let camille = member.call("search", &[("q", "camille")]).await.json();
    assert_eq!(titles(&camille["people"], "email"), [UNIV_OWNER]);
    assert_eq!(camille["people"]["rows"][0]["detail"], "Owner");

    // Sites of the catalogue, by name or country.
    let sites = member.call("search", &[("q", "dugny")]).await.json();
    assert_eq!(titles(&sites["sites"], "slug"), ["dugny"]);

    // The page groups them by kind, with links.
    let page = member.get("/search?q=ecologie").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains(&format!("href=\"/requests/{mine}\"")),
        "{}",
        page.body
    );
    assert!(page.body.contains("id=\"found-requests\""), "{}", page.body);
    assert!(!page.body.contains("hospitalière"), "{}", page.body);
}

#[tokio::test]
async fn projects_are_found_as_the_projects_page_lists_them() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let listed = owner.call("list_projects", &[]).await;
    assert_eq!(listed.status, StatusCode::OK, "{}", listed.body);
    let first = listed.json()["projects"][0].clone();
    let title = first["title"].as_str().unwrap().to_owned();
    let word: String = title.split_whitespace().last().unwrap().to_owned();
    let found = owner.call("search", &[("q", &word)]).await.json();
    assert!(
        titles(&found["projects"], "title").contains(&title),
        "{word}: {found}"
    );
    // Another tenant finds none of them.
    let mut other = app.signed_in(HOSP_OWNER).await;
    let theirs = other.call("search", &[("q", &word)]).await.json();
    assert!(
        !titles(&theirs["projects"], "title").contains(&title),
        "{theirs}"
    );
    // A platform admin acts outside tenants: no projects section.
    let mut admin = app.signed_in(ADMIN).await;
    assert!(admin.call("search", &[("q", &word)]).await.json()["projects"].is_null());
}

#[tokio::test]
async fn a_platform_admin_finds_every_tenants_requests_and_everyone() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    save(
        &mut owner,
        with(form("k-s3"), &[("project_title", "Zéphyr turbulence")]),
        "submit",
    )
    .await;
    let mut admin = app.signed_in(ADMIN).await;
    let found = admin.call("search", &[("q", "zephyr")]).await.json();
    assert_eq!(
        titles(&found["requests"], "project_title"),
        ["Zéphyr turbulence"]
    );
    assert_eq!(
        found["requests"]["rows"][0]["tenant_name"],
        "Université de Palaiseau"
    );
    let people = admin.call("search", &[("q", "nadia")]).await.json();
    assert_eq!(titles(&people["people"], "email"), [HOSP_OWNER]);
    assert!(people["people"]["rows"][0]["detail"]
        .as_str()
        .unwrap()
        .contains("Seine-Est"));
}

#[tokio::test]
async fn anonymous_callers_and_bad_searches_are_refused() {
    let app = TestApp::with_demo().await;
    let anon = app.anon().call("search", &[("q", "dugny")]).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{}", anon.body);
    assert_eq!(anon.json()["kind"], "unauthenticated", "{}", anon.body);
    // The page sends a signed-out visitor to the sign-in page, with the way back.
    let page = app.anon().get("/search?q=dugny").await;
    assert_eq!(page.status, StatusCode::SEE_OTHER, "{}", page.body);
    let to = page.header("location").unwrap_or_default();
    assert!(
        to.starts_with("/login?next=") && to.contains("search"),
        "{to}"
    );
    assert!(!page.body.contains("found-sites"));

    let mut member = app.signed_in(UNIV_MEMBER).await;
    let short = member.call("search", &[("q", " a ")]).await;
    assert_eq!(short.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(short.json()["field"], "q");
    assert_eq!(message(&short), "Type at least 2 letters to search.");
    // LIKE's own characters are searched for, not obeyed.
    let percent = member.call("search", &[("q", "%%")]).await.json();
    assert!(titles(&percent["people"], "email").is_empty(), "{percent}");
}

#[tokio::test]
async fn another_projects_member_finds_neither_its_requests_nor_the_project() {
    let app = TestApp::with_demo().await;
    let (climate,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM projects p JOIN tenants t ON t.id = p.tenant_id \
         WHERE t.slug = 'univ-palaiseau' AND p.code = 'climate'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let id = save(
        &mut hugo,
        with(
            form("k-s-p"),
            &[
                ("project", &climate.to_string()),
                ("project_title", "Quasar downscaling"),
            ],
        ),
        "submit",
    )
    .await;

    // Its members (and the tenant's auditor) find the request and the project.
    for email in [UNIV_MEMBER, UNIV_AUDITOR] {
        let mut client = app.signed_in(email).await;
        let found = client.call("search", &[("q", "quasar")]).await.json();
        assert_eq!(found["requests"]["rows"][0]["id"], id, "{email}: {found}");
        let project = client.call("search", &[("q", "earth system")]).await.json();
        assert_eq!(
            titles(&project["projects"], "title"),
            ["Climate and Earth system"],
            "{email}"
        );
    }

    // A member of the tenant's other projects finds neither, on the server function nor on
    // the page.
    let mut lea = app.signed_in(OTHER_PROJECT_MEMBER).await;
    let found = lea.call("search", &[("q", "quasar")]).await;
    assert_eq!(found.status, StatusCode::OK, "{}", found.body);
    assert!(
        found.json()["requests"]["rows"]
            .as_array()
            .unwrap()
            .is_empty(),
        "{}",
        found.body
    );
    let project = lea.call("search", &[("q", "earth system")]).await.json();
    assert!(
        titles(&project["projects"], "title").is_empty(),
        "{project}"
    );
    let page = lea.get("/search?q=quasar").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains("Quasar downscaling"), "{}", page.body);
    assert!(!page.body.contains(&format!("href=\"/requests/{id}\"")));
}
