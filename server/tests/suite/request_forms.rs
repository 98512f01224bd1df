//! The request form's errors: every field's at once (the catalogue's with the others), and dates
//! out of range refused beside their field.

use crate::common;

use axum::http::StatusCode;
use common::requests::*;
use common::*;

/// A form with a bad date and a site or model the catalogue lacks names every field at once:
/// the catalogue's check runs even though other fields failed to parse.
#[tokio::test]
async fn a_bad_form_names_the_catalogue_fields_with_the_others_at_once() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let fields = |response: &TestResponse| -> Vec<String> {
        let body = response.json();
        let mut fields = vec![body["field"].as_str().unwrap_or_default().to_owned()];
        for other in body["others"].as_array().cloned().unwrap_or_default() {
            fields.push(other["field"].as_str().unwrap_or_default().to_owned());
        }
        fields
    };
    let unknown_site = with(
        form("k-bad-all"),
        &[("start_date", "31/02/2027"), ("site", "atlantis")],
    );
    let unknown_site = with_project(&mut owner, unknown_site).await;
    let response = call_owned(&mut owner, "save_request", &unknown_site).await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    assert_eq!(
        fields(&response),
        ["start_date", "site"],
        "{}",
        response.body
    );

    let missing_model = with(
        form("k-bad-model"),
        &[("gpus", "many"), ("gpu_model", "Z9000")],
    );
    let missing_model = with_project(&mut owner, missing_model).await;
    let response = call_owned(&mut owner, "save_request", &missing_model).await;
    assert_eq!(
        response.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        response.body
    );
    assert_eq!(
        fields(&response),
        ["gpus", "gpu_model"],
        "{}",
        response.body
    );
    assert!(
        response.body.contains("has no Z9000 GPUs"),
        "{}",
        response.body
    );
}

#[tokio::test]
async fn a_window_starting_in_year_9999_or_with_a_sign_is_refused_beside_its_field() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    for (start, end, expected) in [
        (
            "9999-01-01",
            "9999-02-01",
            "“9999-01-01” is out of range: a date must fall between 2000-01-01 and 2100-12-31.",
        ),
        (
            "+2027-03-01",
            "2027-04-01",
            "“+2027-03-01” is not a date; write it as YYYY-MM-DD.",
        ),
    ] {
        let far = with_project(&mut member, form("k-far")).await;
        let response = call_owned(
            &mut member,
            "save_request",
            &with(
                far,
                &[
                    ("start_date", start),
                    ("end_date", end),
                    ("intent", "draft"),
                ],
            ),
        )
        .await;
        assert_eq!(
            response.status,
            StatusCode::UNPROCESSABLE_ENTITY,
            "{}",
            response.body
        );
        assert_eq!(response.json()["field"], "start_date", "{}", response.body);
        assert_eq!(message(&response), expected);
    }
    let (saved,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM quota_requests WHERE idempotency_key = 'k-far'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(saved, 0, "nothing was saved");
}

/// The form's site cards each say where the site is, who runs it and what it is certified for;
/// the sites one may choose come first, those in the EEA before the others (issue 12, point 4).
#[tokio::test]
async fn site_cards_name_country_operator_and_certificates_eligible_and_eea_first() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let page = member.get("/requests/new").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let cards: Vec<&str> = page
        .body
        .split(r#"<li data-site="#)
        .skip(1)
        .map(|card| card.split("</li>").next().unwrap_or_default())
        .collect();
    assert!(cards.len() >= 4, "{}", page.body);
    let mut ranks = Vec::new();
    for card in &cards {
        let place = card
            .split(r#"class="site-option__where">"#)
            .nth(1)
            .and_then(|p| p.split("</p>").next())
            .unwrap_or_else(|| panic!("no place on {card}"));
        assert!(place.contains(" · "), "country · operator: {place}");
        let (country, operator) = place.split_once(" · ").unwrap();
        assert!(
            !country.trim().is_empty() && !operator.trim().is_empty(),
            "{place}"
        );
        let certs = card
            .split(r#"class="site-option__certs">"#)
            .nth(1)
            .and_then(|p| p.split("</p>").next())
            .unwrap_or_else(|| panic!("no certificates on {card}"));
        assert!(!certs.trim().is_empty(), "{card}");
        let usable = !card.contains("site-option--off");
        let outside = place.contains("(outside the EEA)");
        ranks.push((!usable, outside));
    }
    let mut sorted = ranks.clone();
    sorted.sort();
    assert_eq!(
        ranks, sorted,
        "usable first, then in the EEA first: {ranks:?}"
    );
    assert!(
        ranks.iter().any(|r| r.1),
        "the demo has a site outside the EEA: {ranks:?}"
    );
    assert!(
        ranks.iter().any(|r| !r.0),
        "some site can be chosen: {ranks:?}"
    );
    // Certificates are named by what they are, not by a code.
    assert!(
        page.body.contains("HDS") || page.body.contains("SecNumCloud"),
        "{}",
        page.body
    );
}
