//! Sites through the real router: created and edited by platform admins (every field's error at
//! once, in words), offered to tenants, their quotas checked again, deleted when added by
//! mistake; and the admin page that offers every part of the catalogue pre-filled.

use crate::common;

use axum::http::StatusCode;
use common::catalogue::*;
use common::*;

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
    assert!(
        notes.contains("no longer complies with the residency rules"),
        "{notes}"
    );

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
