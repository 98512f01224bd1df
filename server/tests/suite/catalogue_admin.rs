//! Operators and shareholders through the real router: created, edited and removed by platform
//! admins, each edit validated, versioned, audited, and followed by the residency rules; and no
//! catalogue edit open to anyone but a platform admin.

use crate::common;

use axum::http::StatusCode;
use common::catalogue::*;
use common::*;

#[tokio::test]
async fn the_new_catalogue_edits_refuse_anonymous_callers_and_tenant_people() {
    let app = TestApp::with_demo().await;
    let operator = "Dugny Data Centre SAS";
    let calls: Vec<(&str, Vec<(&str, &str)>)> = vec![
        (
            "create_operator",
            vec![
                ("name", "Saclay Compute SAS"),
                ("registered_office", "FR"),
                ("central_administration", "FR"),
                ("main_establishment", "FR"),
            ],
        ),
        (
            "update_operator",
            vec![
                ("operator", operator),
                ("name", operator),
                ("registered_office", "US"),
                ("central_administration", "FR"),
                ("main_establishment", "FR"),
            ],
        ),
        (
            "remove_shareholder",
            vec![("operator", operator), ("name", "Rhein Capital")],
        ),
        (
            "create_site",
            vec![
                ("slug", "saclay-2"),
                ("name", "Saclay 2"),
                ("country", "FR"),
                ("operator", operator),
                ("admin_countries", "FR"),
            ],
        ),
        (
            "update_site",
            vec![
                ("site", "dugny"),
                ("name", "Dugny"),
                ("country", "FR"),
                ("operator", operator),
                ("admin_countries", "FR, US"),
            ],
        ),
    ];
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    for (endpoint, form) in &calls {
        let response = app.anon().call(endpoint, form).await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            response.body
        );
        assert_eq!(response.json()["kind"], "unauthenticated", "{endpoint}");
        for client in [&mut member, &mut owner] {
            let response = client.call(endpoint, form).await;
            assert_eq!(
                response.status,
                StatusCode::FORBIDDEN,
                "{endpoint}: {}",
                response.body
            );
            let body = response.json();
            assert_eq!(body["kind"], "forbidden", "{endpoint}: {body}");
        }
    }
    assert_eq!(revision(&mut member).await, 1);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 0);
    let snapshot = read_catalogue(&mut member).await;
    assert_eq!(snapshot["operators"].as_array().unwrap().len(), 5);
    assert!(catalogue_site(&snapshot, "saclay-2").is_none());
}

#[tokio::test]
async fn an_operator_is_created_after_validation_then_versioned_and_audited() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let good = new_operator_form();

    for (field, value) in [
        ("name", "  "),
        ("registered_office", "XX"),
        ("central_administration", "France"),
        ("main_establishment", ""),
    ] {
        let form = changed(&good, field, value);
        let response = admin.call("create_operator", &borrowed(&form)).await;
        assert_validation(&response, field);
    }
    // Names are unique, whatever their case and accents (also on SQLite, whose LOWER folds
    // ASCII only).
    for taken in [
        "Dugny Data Centre SAS",
        "dugny data centre sas",
        "CAMPUS IA ÎLE-DE-FRANCE SAS",
        "Campus IA Ile-de-France SAS",
    ] {
        let form = changed(&good, "name", taken);
        let response = admin.call("create_operator", &borrowed(&form)).await;
        assert_validation(&response, "name");
        assert!(
            response.json()["message"]
                .as_str()
                .unwrap()
                .contains("already an operator"),
            "{}",
            response.body
        );
    }
    assert_eq!(revision(&mut admin).await, 1);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 0);

    let response = admin.call("create_operator", &borrowed(&good)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    let snapshot = read_catalogue(&mut admin).await;
    assert_eq!(snapshot["revision"], 2);
    let created = &operator(&snapshot, "Saclay Compute SAS").expect("listed")["operator"];
    assert_eq!(created["registered_office"], "FR");
    assert_eq!(created["central_administration"], "FR");
    assert_eq!(created["main_establishment"], "DE");
    assert_eq!(created["dpf_certified"], false);
    assert_eq!(created["commercial_organisation"], true);
    assert_eq!(created["shareholders"].as_array().unwrap().len(), 0);

    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
    let (detail, actor) = last_change(&app).await;
    assert_eq!(detail["change"], "operator_created");
    assert_eq!(detail["after"]["main_establishment"], "DE");
    assert_eq!(detail["revision"], 2);
    assert!(actor.is_some());

    // The same name again: refused.
    let response = admin.call("create_operator", &borrowed(&good)).await;
    assert_validation(&response, "name");
    assert_eq!(revision(&mut admin).await, 2);
}

#[tokio::test]
async fn an_operator_is_edited_and_its_sites_follow_into_the_residency_rules() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let current = "Dugny Data Centre SAS";
    let good: Vec<(&'static str, String)> = vec![
        ("operator", current.to_string()),
        ("name", "Dugny Data Centre".to_string()),
        ("registered_office", "US".to_string()),
        ("central_administration", "FR".to_string()),
        ("main_establishment", "FR".to_string()),
        ("commercial_organisation", "true".to_string()),
    ];

    let response = admin
        .call(
            "update_operator",
            &borrowed(&changed(&good, "operator", "Nobody SAS")),
        )
        .await;
    assert_validation(&response, "operator");
    for (field, value) in [
        ("name", ""),
        ("registered_office", "USA"),
        ("main_establishment", "QQ"),
    ] {
        let response = admin
            .call("update_operator", &borrowed(&changed(&good, field, value)))
            .await;
        assert_validation(&response, field);
    }
    let response = admin
        .call(
            "update_operator",
            &borrowed(&changed(&good, "name", "Gulf Compute LLC")),
        )
        .await;
    assert_validation(&response, "name");
    // The operator's own values: nothing to save.
    let same = changed(&changed(&good, "name", current), "registered_office", "FR");
    let response = admin.call("update_operator", &borrowed(&same)).await;
    assert_validation(&response, "operator");
    assert_eq!(revision(&mut admin).await, 1);

    // Renamed, and its registered office moved to the United States: Dugny fails S2.
    let response = admin.call("update_operator", &borrowed(&good)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    let snapshot = read_catalogue(&mut admin).await;
    assert!(operator(&snapshot, current).is_none());
    let dugny = catalogue_site(&snapshot, "dugny").unwrap();
    assert_eq!(dugny["profile"]["operator"]["name"], "Dugny Data Centre");
    assert_eq!(dugny["profile"]["operator"]["registered_office"], "US");
    // Its shareholders stay with it.
    assert_eq!(
        dugny["profile"]["operator"]["shareholders"]
            .as_array()
            .unwrap()
            .len(),
        2
    );
    let outcome = evaluate(&mut admin, "sensitive").await;
    assert!(eligible(&outcome).is_empty(), "{outcome}");
    assert!(failed_rules(site(&outcome, "dugny")).contains(&"S2".to_string()));

    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
    let (detail, _) = last_change(&app).await;
    assert_eq!(detail["change"], "operator_updated");
    assert_eq!(detail["before"]["name"], current);
    assert_eq!(detail["before"]["registered_office"], "FR");
    assert_eq!(detail["after"]["name"], "Dugny Data Centre");
    assert_eq!(detail["after"]["registered_office"], "US");

    // An unticked box is a "no": DPF certification is withdrawn explicitly.
    let certified = changed(&good, "operator", "Dugny Data Centre");
    let certified = changed(&certified, "dpf_certified", "on");
    let response = admin.call("update_operator", &borrowed(&certified)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let uncertified = without(&certified, "dpf_certified");
    let response = admin.call("update_operator", &borrowed(&uncertified)).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 4);
    let snapshot = read_catalogue(&mut admin).await;
    let dugny = catalogue_site(&snapshot, "dugny").unwrap();
    assert_eq!(dugny["profile"]["operator"]["dpf_certified"], false);
}

#[tokio::test]
async fn a_shareholder_is_removed_and_idf_campus_then_passes_s3() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let operator = idf_operator(&mut admin).await;

    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", "Nobody SAS"), ("name", "MGX")],
        )
        .await;
    assert_validation(&response, "operator");
    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", &operator), ("name", " ")],
        )
        .await;
    assert_validation(&response, "name");
    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", &operator), ("name", "Rhein Capital")],
        )
        .await;
    assert_validation(&response, "name");
    assert_eq!(revision(&mut admin).await, 1);

    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", &operator), ("name", "MGX")],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    let snapshot = read_catalogue(&mut admin).await;
    let holders: Vec<&str> = catalogue_site(&snapshot, "idf-campus").unwrap()["profile"]
        ["operator"]["shareholders"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["name"].as_str().unwrap())
        .collect();
    assert_eq!(holders, ["Bpifrance", "Mistral AI", "NVIDIA"]);

    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
    let (detail, _) = last_change(&app).await;
    assert_eq!(detail["change"], "shareholder_removed");
    assert_eq!(detail["shareholder"], "MGX");
    assert_eq!(detail["before"]["capital_bp"], 3000);
    assert_eq!(detail["before"]["country"], "AE");

    // Without MGX's 30 %, the non-EU holders keep 15 %: S3 passes.
    let outcome = evaluate(&mut admin, "sensitive").await;
    assert_eq!(eligible(&outcome), ["dugny", "idf-campus"]);

    let response = admin
        .call(
            "remove_shareholder",
            &[("operator", &operator), ("name", "MGX")],
        )
        .await;
    assert_validation(&response, "name");
    assert_eq!(revision(&mut admin).await, 2);
}
