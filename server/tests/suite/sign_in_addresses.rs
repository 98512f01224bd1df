//! A sign-in from an address the person never signed in from e-mails them a notice (issue 17,
//! point 3): not for their first address, not for one seen before, not for a refused sign-in.

use crate::common;

use common::*;

/// The unsent "new address" notices to `email`.
async fn notices(app: &TestApp, email: &str) -> Vec<String> {
    common::mail::unsent_to(app, email)
        .await
        .into_iter()
        .filter(|m| m.subject.contains("new address") || m.subject.contains("nouvelle adresse"))
        .filter_map(|m| m.body.ok())
        .collect()
}

async fn sign_in_from(app: &TestApp, email: &str, password: &str, peer: &str) -> bool {
    let mut browser = app.anon();
    browser.peer = peer.parse().unwrap();
    browser.login(email, password).await.status.is_success()
}

#[tokio::test]
async fn a_sign_in_from_a_new_address_is_told_once_by_mail() {
    let app = TestApp::with_demo().await;
    // The first address on record: nothing to compare with.
    assert!(sign_in_from(&app, UNIV_MEMBER, DEMO_PASSWORD, "198.51.100.7:5000").await);
    // The same address again (another port, another browser): known.
    assert!(sign_in_from(&app, UNIV_MEMBER, DEMO_PASSWORD, "198.51.100.7:6000").await);
    assert!(notices(&app, UNIV_MEMBER).await.is_empty());

    // A refused sign-in from a new address tells nothing and records nothing.
    assert!(!sign_in_from(&app, UNIV_MEMBER, "not the password", "203.0.113.9:5000").await);
    assert!(notices(&app, UNIV_MEMBER).await.is_empty());

    // A new address: one notice, naming it, in the language signed in with (English here).
    assert!(sign_in_from(&app, UNIV_MEMBER, DEMO_PASSWORD, "203.0.113.9:5000").await);
    let told = notices(&app, UNIV_MEMBER).await;
    assert_eq!(told.len(), 1, "{told:?}");
    assert!(told[0].contains("203.0.113.9"), "{}", told[0]);
    assert!(told[0].contains("never been opened from"), "{}", told[0]);
    // Known from then on.
    assert!(sign_in_from(&app, UNIV_MEMBER, DEMO_PASSWORD, "203.0.113.9:7000").await);
    assert_eq!(notices(&app, UNIV_MEMBER).await.len(), 1);
    // Another person's addresses are their own: the member's address is new to the owner only
    // after the owner's first.
    assert!(sign_in_from(&app, UNIV_OWNER, DEMO_PASSWORD, "203.0.113.9:5000").await);
    assert!(notices(&app, UNIV_OWNER).await.is_empty());

    // No address is kept in clear.
    let kept: Vec<String> = sqlx::query_scalar("SELECT address_hash FROM sign_in_addresses")
        .fetch_all(app.owner_pool())
        .await
        .unwrap();
    assert!(!kept.is_empty());
    assert!(kept
        .iter()
        .all(|h| !h.contains("203.0.113") && h.len() == 64));
}
