//! A change of e-mail address (issue 17, point 3): with the current password, a link to the new
//! address, the address changed only once it is opened, a notice at the old address, every
//! session ended; the same answer whether or not the new address has an account.

use crate::common;

use axum::http::StatusCode;
use common::mail::{emailed_link, unsent_to};
use common::*;

const NEW_ADDRESS: &str = "hugo.martin@labo-climat.test";
const PREFIX: &str = "/email/confirm/";

fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn ask(client: &mut Client, new_email: &str, password: &str) -> TestResponse {
    client
        .call(
            "request_email_change",
            &[("new_email", new_email), ("current_password", password)],
        )
        .await
}

async fn confirm(app: &TestApp, token: &str) -> TestResponse {
    app.anon()
        .call("confirm_email_change", &[("token", token)])
        .await
}

async fn token_sent_to(app: &TestApp, to: &str) -> String {
    let (_, link) = emailed_link(app, to, PREFIX).await;
    link.trim_start_matches(PREFIX).to_owned()
}

async fn has_link(app: &TestApp, to: &str) -> bool {
    unsent_to(app, to)
        .await
        .iter()
        .any(|m| m.body.as_deref().is_ok_and(|b| b.contains(PREFIX)))
}

async fn signs_in(app: &TestApp, email: &str) -> bool {
    app.anon()
        .login(email, DEMO_PASSWORD)
        .await
        .status
        .is_success()
}

#[tokio::test]
async fn the_address_changes_when_the_link_is_opened_and_the_old_one_is_told() {
    let app = TestApp::with_demo().await;
    let mut laptop = app.signed_in(UNIV_MEMBER).await;
    let mut phone = app.signed_in(UNIV_MEMBER).await;
    let asked = ask(&mut laptop, NEW_ADDRESS, DEMO_PASSWORD).await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    let token = token_sent_to(&app, NEW_ADDRESS).await;

    // Nothing changed yet: the old address still signs in, the new one does not.
    assert!(signs_in(&app, UNIV_MEMBER).await);
    assert!(!signs_in(&app, NEW_ADDRESS).await);
    assert_eq!(phone.call("account", &[]).await.status, StatusCode::OK);

    // Opening the link's page changes nothing; its form does.
    let page = app.anon().get(&format!("{PREFIX}{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(signs_in(&app, UNIV_MEMBER).await);
    let done = confirm(&app, &token).await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);

    // Every session ended; the person signs in with the new address only.
    for mut device in [laptop, phone] {
        let after = device.call("account", &[]).await;
        assert_eq!(after.status, StatusCode::UNAUTHORIZED, "{}", after.body);
    }
    assert!(!signs_in(&app, UNIV_MEMBER).await);
    let mut again = app.signed_in(NEW_ADDRESS).await;
    let account = again.call("account", &[]).await;
    assert_eq!(account.json()["email"], NEW_ADDRESS, "{}", account.body);
    // Still a member of their university, of their projects: the same person.
    assert_eq!(again.call("my_tenants", &[]).await.status, StatusCode::OK);
    assert!(again
        .call("my_tenants", &[])
        .await
        .body
        .contains("univ-palaiseau"));

    // The old address is told where the account went.
    let told = unsent_to(&app, UNIV_MEMBER).await;
    assert!(
        told.iter().any(|m| m
            .body
            .as_deref()
            .is_ok_and(|b| b.contains(NEW_ADDRESS) && !b.contains(PREFIX))),
        "{told:?}"
    );
    let audited: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE event = 'email_changed' AND outcome = 'success'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(audited, 1);

    // Single use.
    let twice = confirm(&app, &token).await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND, "{}", twice.body);
}

#[tokio::test]
async fn a_wrong_password_and_a_bad_address_are_both_refused_beside_their_fields() {
    let app = TestApp::with_demo().await;
    let mut me = app.signed_in(UNIV_MEMBER).await;
    let refused = ask(&mut me, "not an address", "wrong password entirely").await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert!(refused.body.contains("new_email"), "{}", refused.body);
    assert!(
        refused.body.contains("current_password"),
        "{}",
        refused.body
    );

    let wrong = ask(&mut me, NEW_ADDRESS, "wrong password entirely").await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.body
    );
    assert_eq!(wrong.json()["field"], "current_password");
    assert!(!has_link(&app, NEW_ADDRESS).await, "nothing sent");

    let same = ask(&mut me, UNIV_MEMBER, DEMO_PASSWORD).await;
    assert_eq!(
        same.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        same.body
    );
    assert_eq!(same.json()["field"], "new_email");

    let anonymous = ask(&mut app.anon(), NEW_ADDRESS, DEMO_PASSWORD).await;
    assert_eq!(anonymous.status, StatusCode::UNAUTHORIZED);
    assert!(!has_link(&app, NEW_ADDRESS).await, "nothing sent");
}

#[tokio::test]
async fn an_address_with_an_account_gets_the_same_answer_and_a_notice_not_a_link() {
    let app = TestApp::with_demo().await;
    let mut me = app.signed_in(UNIV_MEMBER).await;
    let free = ask(&mut me, NEW_ADDRESS, DEMO_PASSWORD).await;
    let taken = ask(&mut me, HOSP_OWNER, DEMO_PASSWORD).await;
    assert_eq!(free.status, StatusCode::OK, "{}", free.body);
    assert_eq!((free.status, &free.body), (taken.status, &taken.body));
    let notices = unsent_to(&app, HOSP_OWNER).await;
    assert_eq!(notices.len(), 1, "{notices:?}");
    assert!(!has_link(&app, HOSP_OWNER).await);
    // Nobody's address changed.
    assert!(signs_in(&app, UNIV_MEMBER).await);
    assert!(signs_in(&app, HOSP_OWNER).await);
}

#[tokio::test]
async fn an_expired_replaced_or_overtaken_link_changes_nothing() {
    let app = TestApp::with_demo().await;
    let mut me = app.signed_in(UNIV_MEMBER).await;
    ask(&mut me, NEW_ADDRESS, DEMO_PASSWORD).await;
    let first = token_sent_to(&app, NEW_ADDRESS).await;
    ask(&mut me, "hugo@elsewhere.test", DEMO_PASSWORD).await;
    let second = token_sent_to(&app, "hugo@elsewhere.test").await;
    // Asking again replaced the first link.
    let replaced = confirm(&app, &first).await;
    assert_eq!(replaced.status, StatusCode::NOT_FOUND, "{}", replaced.body);

    // The new address gets an account meanwhile (say, an invitation accepted): refused.
    ask(&mut me, NEW_ADDRESS, DEMO_PASSWORD).await;
    let third = token_sent_to(&app, NEW_ADDRESS).await;
    sqlx::query("UPDATE users SET email = $1 WHERE email = $2")
        .bind(NEW_ADDRESS)
        .bind(UNIV_AUDITOR)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let overtaken = confirm(&app, &third).await;
    assert_eq!(overtaken.status, StatusCode::CONFLICT, "{}", overtaken.body);

    ask(&mut me, "hugo@elsewhere.test", DEMO_PASSWORD).await;
    let fourth = token_sent_to(&app, "hugo@elsewhere.test").await;
    assert_ne!(second, fourth);
    sqlx::query("UPDATE email_changes SET expires_at = $1")
        .bind(now() - 1)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let expired = confirm(&app, &fourth).await;
    assert_eq!(expired.status, StatusCode::NOT_FOUND, "{}", expired.body);
    assert_eq!(
        confirm(&app, "not-a-token").await.status,
        StatusCode::NOT_FOUND
    );

    // The address never changed.
    assert!(signs_in(&app, UNIV_MEMBER).await);
    assert_eq!(me.call("account", &[]).await.json()["email"], UNIV_MEMBER);
}
