//! Forms posted as plain HTML forms: the pages are the server's HTML and only their islands run in
//! the browser, so most forms post this way. The page they come back to says what the answer
//! said, once, and the answer never travels in the address (`server::form_answer`).

use crate::common;

use axum::http::StatusCode;
use common::*;

const SAVED: &str = "Times are now shown in your new time zone.";

/// The page `location` (an absolute address on the portal, or a path) names. (Leptos leaves an
/// empty query, `?`, where it took its own refusal parameters out.)
fn path_of(location: &str) -> &str {
    location
        .strip_prefix("http://portal.test")
        .unwrap_or(location)
        .trim_end_matches('?')
}

/// Chooses the time zone `zone` on the account page, as a plain form.
async fn choose_zone(client: &mut Client, zone: &str) -> TestResponse {
    let posted = client
        .post_form_from("/api/change_time_zone", &[("time_zone", zone)], "/account")
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    posted
}

#[tokio::test]
async fn a_plain_forms_success_is_said_on_the_page_it_returns_to_once() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;

    let before = owner.open_page("/account").await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.body.contains(SAVED), "nothing was saved yet");

    let posted = choose_zone(&mut owner, "America/Montreal").await;
    let location = posted.header("location").unwrap().to_owned();
    assert_eq!(
        path_of(&location),
        "/account",
        "back to the page, with nothing in the address"
    );

    let after = owner.open_page(path_of(&location)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.body.contains(SAVED), "the page says it was saved");
    assert!(after.body.contains("America/Montreal"));

    // Said once: a reload does not say it again.
    let again = owner.open_page("/account").await;
    assert!(!again.body.contains(SAVED));
}

#[tokio::test]
async fn a_plain_forms_refusal_is_said_beside_the_form_and_not_as_a_success() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let posted = choose_zone(&mut owner, "Mars/Olympus_Mons").await;
    let location = posted.header("location").unwrap().to_owned();
    assert!(
        location.contains("__err="),
        "the refusal comes back in the address: {location}"
    );

    let page = owner.open_page(path_of(&location)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(SAVED));
    assert!(
        page.body.contains("aria-invalid=\"true\""),
        "the field is marked refused"
    );
}

#[tokio::test]
async fn another_persons_answer_is_not_shown_to_them() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    choose_zone(&mut owner, "America/Montreal").await;
    // The answer waits in the owner's session, not in anyone else's.
    let theirs = member.open_page("/account").await;
    assert!(!theirs.body.contains(SAVED));
    let mine = owner.open_page("/account").await;
    assert!(mine.body.contains(SAVED));
}
