//! The catalogue and the placement evaluation through the real router: who may
//! read and edit, what the demo catalogue decides for health and sensitive
//! data, that every admin edit of shareholders, GPUs, certifications and policy is validated,
//! versioned and audited, and the compliance re-check after a change. Operators and sites:
//! `catalogue_admin.rs`.

use crate::common;

use axum::http::StatusCode;
use common::catalogue::*;
use common::*;
use serde_json::Value;

#[tokio::test]
async fn anonymous_callers_get_401_from_the_catalogue_and_the_evaluation() {
    let app = TestApp::with_demo().await;
    let mut anon = app.anon();
    for endpoint in ["get_catalogue", "my_tenant_profile"] {
        let response = anon.call(endpoint, &[]).await;
        assert_eq!(
            response.status,
            StatusCode::UNAUTHORIZED,
            "{endpoint}: {}",
            response.body
        );
        assert_eq!(response.json()["kind"], "unauthenticated");
    }
    let (start, end) = window();
    let response = anon
        .call(
            "evaluate_placement",
            &[
                ("classification", "health"),
                ("start", &start),
                ("end", &end),
            ],
        )
        .await;
    assert_eq!(
        response.status,
        StatusCode::UNAUTHORIZED,
        "{}",
        response.body
    );
    assert_eq!(response.json()["kind"], "unauthenticated");
}

#[tokio::test]
async fn a_member_sees_the_five_demo_sites_with_versions() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let response = member.call("get_catalogue", &[]).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let snapshot = response.json();
    let mut slugs: Vec<&str> = snapshot["sites"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["profile"]["slug"].as_str().unwrap())
        .collect();
    slugs.sort();
    assert_eq!(
        slugs,
        ["abu-dhabi", "cambrai", "dugny", "idf-campus", "marseille"]
    );
    assert_eq!(snapshot["revision"], 1);
    assert_eq!(snapshot["policy"]["version"], 1);

    let profile = member.call("my_tenant_profile", &[]).await;
    assert_eq!(profile.status, StatusCode::OK, "{}", profile.body);
    assert_eq!(profile.json()["country"], "FR");
}

#[tokio::test]
async fn health_data_goes_to_idf_campus_and_dugny_only_with_reasons() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let outcome = evaluate(&mut member, "health").await;
    assert_eq!(eligible(&outcome), ["dugny", "idf-campus"]);
    assert_eq!(outcome["policy_version"], 1);
    assert_eq!(outcome["catalogue_revision"], 1);
    assert_eq!(outcome["tenant"]["name"], "Groupe hospitalier Seine-Est");
    assert_eq!(failed_rules(site(&outcome, "marseille")), ["G4"]);
    assert!(failed_rules(site(&outcome, "cambrai")).contains(&"H1".to_string()));
    assert!(failed_rules(site(&outcome, "abu-dhabi")).contains(&"G1".to_string()));
    // Failed findings come first.
    let marseille = &site(&outcome, "marseille")["evaluation"]["findings"];
    assert_eq!(marseille[0]["passed"], false);
}

#[tokio::test]
async fn sensitive_data_goes_to_dugny_only_and_idf_campus_fails_s3() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let outcome = evaluate(&mut member, "sensitive").await;
    assert_eq!(eligible(&outcome), ["dugny"]);
    assert_eq!(failed_rules(site(&outcome, "idf-campus")), ["S3", "S3"]);
}

#[tokio::test]
async fn a_platform_admin_without_a_tenant_evaluates_as_a_french_tenant() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let outcome = evaluate(&mut admin, "health").await;
    assert_eq!(outcome["tenant"]["country"], "FR");
    assert_eq!(eligible(&outcome), ["dugny", "idf-campus"]);
}

#[tokio::test]
async fn the_evaluation_refuses_unknown_classes_and_empty_windows() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let response = member
        .call(
            "evaluate_placement",
            &[
                ("classification", "secret"),
                ("start", "2027-01-01"),
                ("end", "2027-02-01"),
            ],
        )
        .await;
    assert_validation(&response, "classification");
    let response = member
        .call(
            "evaluate_placement",
            &[
                ("classification", "health"),
                ("start", "2027-02-01"),
                ("end", "2027-01-01"),
            ],
        )
        .await;
    assert_validation(&response, "end");
}

#[tokio::test]
async fn members_get_403_from_every_admin_function() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_OWNER).await;
    let calls: [(&str, Vec<(&str, &str)>); 5] = [
        (
            "set_gpu_inventory",
            vec![
                ("site", "dugny"),
                ("model", "H100"),
                ("installed", "300"),
                ("reserve", "0"),
            ],
        ),
        (
            "add_certification",
            vec![
                ("site", "dugny"),
                ("kind", "iso27001"),
                ("certificate_id", "X-1"),
                ("valid_from", "2026-01-01"),
                ("valid_until", "2027-01-01"),
            ],
        ),
        (
            "remove_certification",
            vec![("site", "dugny"), ("certificate_id", "X-1")],
        ),
        (
            "set_shareholder",
            vec![
                ("operator", "x"),
                ("name", "y"),
                ("country", "FR"),
                ("capital", "1"),
                ("voting", "1"),
            ],
        ),
        (
            "update_policy",
            vec![
                ("eu", "FR"),
                ("eea", "FR"),
                ("sanctions", ""),
                ("adequacy", ""),
            ],
        ),
    ];
    for (endpoint, form) in calls {
        let response = member.call(endpoint, &form).await;
        assert_eq!(
            response.status,
            StatusCode::FORBIDDEN,
            "{endpoint}: {}",
            response.body
        );
        assert_eq!(response.json()["kind"], "forbidden", "{endpoint}");
        let response = app.anon().call(endpoint, &form).await;
        assert_eq!(response.status, StatusCode::UNAUTHORIZED, "{endpoint}");
    }
    assert_eq!(revision(&mut member).await, 1);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 0);
    assert_eq!(audit_count(&app, "policy_changed").await, 0);
}

#[tokio::test]
async fn shareholder_edits_are_validated_then_versioned_and_audited() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let operator = idf_operator(&mut admin).await;

    let with = |capital: &'static str, voting: &'static str| {
        let operator = operator.clone();
        move || {
            vec![
                ("operator", operator.clone()),
                ("name", "MGX".to_string()),
                ("country", "AE".to_string()),
                ("capital", capital.to_string()),
                ("voting", voting.to_string()),
            ]
        }
    };
    let as_refs =
        |form: &Vec<(&'static str, String)>| -> Vec<(&'static str, String)> { form.clone() };

    for (capital, voting, field) in [
        ("24.001", "24", "capital"),
        ("abc", "24", "capital"),
        ("24", "101", "voting"),
        ("-1", "24", "capital"),
    ] {
        let form = as_refs(&with(capital, voting)());
        let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
        let response = admin.call("set_shareholder", &form).await;
        assert_validation(&response, field);
    }

    // The other shareholders hold 70 %: 31 % for MGX would make 101 %.
    let form = with("31", "30")();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = admin.call("set_shareholder", &form).await;
    assert_validation(&response, "capital");
    assert_eq!(revision(&mut admin).await, 1);

    // MGX at exactly 24 %, with NVIDIA's 15 %: non-EU shareholders hold exactly 39 %.
    let form = with("24", "24")();
    let form: Vec<(&str, &str)> = form.iter().map(|(k, v)| (*k, v.as_str())).collect();
    let response = admin.call("set_shareholder", &form).await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    assert_eq!(revision(&mut admin).await, 2);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
    let (detail,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE event = 'catalogue_changed' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    let detail: Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["shareholder"], "MGX");
    assert_eq!(detail["capital_bp"], 2400);

    let outcome = evaluate(&mut admin, "sensitive").await;
    assert_eq!(outcome["catalogue_revision"], 2);
    assert!(failed_rules(site(&outcome, "idf-campus")).is_empty());
    assert_eq!(eligible(&outcome), ["dugny", "idf-campus"]);
}

#[tokio::test]
async fn gpu_inventory_refuses_negative_counts_and_reserve_above_installed() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let response = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "dugny"),
                ("model", "H100"),
                ("installed", "100"),
                ("reserve", "101"),
            ],
        )
        .await;
    assert_validation(&response, "reserve");
    let response = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "dugny"),
                ("model", "H100"),
                ("installed", "-1"),
                ("reserve", "0"),
            ],
        )
        .await;
    assert_validation(&response, "installed");
    let response = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "nowhere"),
                ("model", "H100"),
                ("installed", "1"),
                ("reserve", "0"),
            ],
        )
        .await;
    assert_validation(&response, "site");
    assert_eq!(revision(&mut admin).await, 1);

    let response = admin
        .call(
            "set_gpu_inventory",
            &[
                ("site", "dugny"),
                ("model", "H100"),
                ("installed", "300"),
                ("reserve", "20"),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let snapshot = admin.call("get_catalogue", &[]).await.json();
    assert_eq!(snapshot["revision"], 2);
    let dugny = snapshot["sites"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["profile"]["slug"] == "dugny")
        .unwrap();
    let h100 = dugny["gpus"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["model"] == "H100")
        .unwrap();
    assert_eq!(h100["installed"], 300);
    assert_eq!(h100["reserve"], 20);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 1);
}

#[tokio::test]
async fn certifications_are_added_and_removed_and_cambrai_then_passes_h1() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let from = today().to_string();
    let until = (today() + time::Duration::days(1000)).to_string();
    let before = (today() - time::Duration::days(1)).to_string();
    let response = admin
        .call(
            "add_certification",
            &[
                ("site", "cambrai"),
                ("kind", "hds"),
                ("hds_activities", "1,2,3"),
                ("certificate_id", "HDS-CAM-1"),
                ("valid_from", &from),
                ("valid_until", &before),
            ],
        )
        .await;
    assert_validation(&response, "valid_until");
    let response = admin
        .call(
            "add_certification",
            &[
                ("site", "cambrai"),
                ("kind", "hds"),
                ("hds_activities", "1,2,9"),
                ("certificate_id", "HDS-CAM-1"),
                ("valid_from", &from),
                ("valid_until", &until),
            ],
        )
        .await;
    assert_validation(&response, "hds_activities");

    let response = admin
        .call(
            "add_certification",
            &[
                ("site", "cambrai"),
                ("kind", "hds"),
                ("hds_activities", "1,2,3"),
                ("certificate_id", "HDS-CAM-1"),
                ("valid_from", &from),
                ("valid_until", &until),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let outcome = evaluate(&mut admin, "health").await;
    let cambrai = failed_rules(site(&outcome, "cambrai"));
    assert!(!cambrai.contains(&"H1".to_string()), "{cambrai:?}");

    let response = admin
        .call(
            "remove_certification",
            &[("site", "cambrai"), ("certificate_id", "HDS-CAM-1")],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(revision(&mut admin).await, 3);
    assert_eq!(audit_count(&app, "catalogue_changed").await, 2);
    let response = admin
        .call(
            "remove_certification",
            &[("site", "cambrai"), ("certificate_id", "HDS-CAM-1")],
        )
        .await;
    assert_validation(&response, "certificate_id");
}

#[tokio::test]
async fn policy_edits_are_validated_and_bump_the_policy_version() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let snapshot = admin.call("get_catalogue", &[]).await.json();
    let codes = |key: &str| {
        snapshot["policy"][key]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap().to_string())
            .collect::<Vec<_>>()
            .join(", ")
    };
    let eu = codes("eu");
    let eea = codes("eea");
    let adequacy = "JP\nCA: commercial_organisations\nUS: data_privacy_framework_certified";

    let response = admin
        .call(
            "update_policy",
            &[
                ("eu", &eu),
                ("eea", &eea),
                ("sanctions", "RU, XX"),
                ("adequacy", adequacy),
            ],
        )
        .await;
    assert_validation(&response, "sanctions");
    let response = admin
        .call(
            "update_policy",
            &[
                ("eu", &eu),
                ("eea", &eea),
                ("sanctions", "RU"),
                ("adequacy", "JP: maybe"),
            ],
        )
        .await;
    assert_validation(&response, "adequacy");

    // France on the sanctions list: every placement fails E1.
    let response = admin
        .call(
            "update_policy",
            &[
                ("eu", &eu),
                ("eea", &eea),
                ("sanctions", "RU, FR"),
                ("adequacy", adequacy),
            ],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    assert_eq!(response.json(), 2);
    assert_eq!(audit_count(&app, "policy_changed").await, 1);
    let outcome = evaluate(&mut admin, "public").await;
    assert_eq!(outcome["policy_version"], 2);
    assert!(eligible(&outcome).is_empty());
    assert_eq!(failed_rules(site(&outcome, "dugny")), ["E1"]);
}

#[tokio::test]
async fn the_pages_render_on_the_server() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let (start, end) = window();
    let page = member
        .get(&format!(
            "/placement?classification=health&start={start}&end={end}"
        ))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Where can my data go?"), "{}", page.body);
    assert!(
        page.body.contains("data-site=\"marseille\""),
        "{}",
        page.body
    );
    let page = member.get("/catalogue").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("HDS-DUG-2024-0157"), "{}", page.body);
    let page = member.get("/admin/catalogue").await;
    assert!(!page.body.contains("Set GPU inventory"), "{}", page.body);
}

// ---------------------------------------------------------------------------------------------
// The compliance re-check after a catalogue change.
// ---------------------------------------------------------------------------------------------

#[tokio::test]
async fn removing_a_certification_through_the_admin_function_flags_the_quotas_it_allowed() {
    let app = TestApp::with_demo().await;
    let (id, _owner) = approved_health_quota_at_dugny(&app).await;
    let mut admin = app.signed_in(ADMIN).await;
    let response = admin
        .call(
            "remove_certification",
            &[("site", "dugny"), ("certificate_id", "HDS-DUG-2024-0157")],
        )
        .await;
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    let flag = compliance_flag(&app, id).await.expect("flagged");
    assert!(flag.contains("H1"), "{flag}");
    let (actor,): (Option<i64>,) = sqlx::query_as(
        "SELECT actor_user_id FROM audit_log WHERE event = 'request.compliance_flag'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert!(
        actor.is_some(),
        "the admin who changed the catalogue is recorded"
    );
}
