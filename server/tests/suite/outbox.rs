//! Secrets at rest (issue 10, point 6): nothing readable from the database opens an invitation
//! or confirms a sign-up. The outbox keeps secret links only sealed under the outbox key, the
//! tokens' tables keep only hashes, and sending erases the sealed copy. Every token-looking
//! string in those rows is tried against the portal: none opens anything, while the link a
//! mailer reads through `outbox::unsent` does. On SQLite, and on PostgreSQL when
//! `GUICHET_TEST_DATABASE_URL` is set.

use crate::common;

use std::collections::BTreeSet;

use app::server::outbox::{self, OutboxKey, SealError, LINK_WITHHELD};
use axum::http::StatusCode;
use common::*;

const INVITEE: &str = "jeanne.dupont@example.test";
const SIGNUP_EMAIL: &str = "marie.curie@institut-radium.test";
const PASSWORD: &str = "violet lantern over the quay";

/// Every text cell of the rows `sql` selects (each column cast to text by the query).
async fn cells(app: &TestApp, sql: &str) -> Vec<String> {
    let rows: Vec<(String,)> = sqlx::query_as(sql)
        .fetch_all(app.owner_pool())
        .await
        .unwrap_or_else(|e| panic!("{sql}: {e}"));
    rows.into_iter().map(|(c,)| c).collect()
}

/// Everything the outbox table holds, every column of every row.
async fn outbox_cells(app: &TestApp) -> Vec<String> {
    cells(
        app,
        "SELECT to_email || ' ' || subject || ' ' || body || ' ' || COALESCE(sealed_body, '') \
         FROM email_outbox",
    )
    .await
}

/// Every string in `cells` that could be a token: each run of URL-safe base64 characters of 16
/// or more, and every 43-character window of the longer runs (a token has 43).
fn token_candidates(cells: &[String]) -> BTreeSet<String> {
    let mut found = BTreeSet::new();
    for cell in cells {
        for run in cell.split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_')) {
            if run.len() < 16 {
                continue;
            }
            found.insert(run.to_string());
            if run.len() > 43 {
                for start in 0..=run.len() - 43 {
                    found.insert(run[start..start + 43].to_string());
                }
            }
        }
    }
    found
}

/// The owner invites `INVITEE`; the token the owner is shown.
async fn invite(app: &TestApp) -> String {
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let r = owner
        .call("invite_member", &[("email", INVITEE), ("role", "member")])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()["link"]
        .as_str()
        .and_then(|l| l.strip_prefix("/invitations/"))
        .expect("a link to the invitation page")
        .to_owned()
}

#[tokio::test]
async fn no_string_in_the_database_opens_the_invitation() {
    let app = TestApp::with_demo().await;
    let token = invite(&app).await;

    let mut readable = outbox_cells(&app).await;
    readable.extend(cells(&app, "SELECT email || ' ' || token_hash FROM invitations").await);
    readable.extend(cells(&app, "SELECT detail FROM audit_log").await);
    assert!(
        readable.iter().all(|c| !c.contains(&token)),
        "the token is readable from the database"
    );
    let candidates = token_candidates(&readable);
    assert!(
        candidates.len() > 40,
        "the sealed body and the hashes were tried: {candidates:?}"
    );
    let mut anon = app.anon();
    for candidate in &candidates {
        let details = anon.call("invitation", &[("token", candidate)]).await;
        assert_eq!(
            details.status,
            StatusCode::NOT_FOUND,
            "{candidate}: {}",
            details.body
        );
        let accept = anon
            .call(
                "accept_invitation",
                &[
                    ("token", candidate),
                    ("name", "Mallory"),
                    ("password", PASSWORD),
                ],
            )
            .await;
        assert_eq!(
            accept.status,
            StatusCode::NOT_FOUND,
            "{candidate}: {}",
            accept.body
        );
    }

    // The legitimate path: a mailer opens the sealed body with the key, and its link works.
    let (_, link) = mail::emailed_link(&app, INVITEE, "/invitations/").await;
    assert_eq!(link, format!("/invitations/{token}"));
    let details = anon.call("invitation", &[("token", &token)]).await;
    assert_eq!(details.status, StatusCode::OK, "{}", details.body);
}

#[tokio::test]
async fn no_string_in_the_database_confirms_a_sign_up() {
    let app = TestApp::with_demo().await;
    let form = [
        ("email", SIGNUP_EMAIL),
        ("name", "Marie Curie"),
        ("password", PASSWORD),
        ("org_name", "Institut du Radium"),
        ("kind", "research_institute"),
        ("country", "FR"),
        ("registration_id", "732 829 320 00074"),
        ("sector", "health"),
        ("parent_country", "FR"),
    ];
    let r = app.anon().call("signup", &form).await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);
    let token = mail::signup_token(&app, SIGNUP_EMAIL).await;

    let mut readable = outbox_cells(&app).await;
    readable.extend(
        cells(
            &app,
            "SELECT email || ' ' || token_hash || ' ' || password_hash || ' ' || slug \
             FROM signup_requests",
        )
        .await,
    );
    readable.extend(cells(&app, "SELECT detail FROM audit_log").await);
    assert!(readable.iter().all(|c| !c.contains(&token)));
    let candidates = token_candidates(&readable);
    assert!(candidates.len() > 40, "{candidates:?}");
    for candidate in &candidates {
        let r = app
            .anon()
            .call("confirm_signup", &[("token", candidate)])
            .await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{candidate}: {}", r.body);
    }
    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(SIGNUP_EMAIL)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(users, 0, "no candidate created the account");

    // The link a mailer reads confirms it.
    let mut owner = app.anon();
    let r = owner.call("confirm_signup", &[("token", &token)]).await;
    assert!(r.status.is_success(), "{} {}", r.status, r.body);
    assert_eq!(
        owner.call("whoami", &[]).await.json()["email"],
        SIGNUP_EMAIL
    );
}

#[tokio::test]
async fn marking_an_email_sent_erases_its_secret() {
    let app = TestApp::with_demo().await;
    let token = invite(&app).await;
    let (id, _) = mail::emailed_link(&app, INVITEE, "/invitations/").await;

    assert!(outbox::mark_sent(&app.state.db, id).await.unwrap());
    let (body, sealed, sent_at): (String, Option<String>, Option<i64>) =
        sqlx::query_as("SELECT body, sealed_body, sent_at FROM email_outbox WHERE id = $1")
            .bind(id)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert!(sent_at.is_some());
    assert_eq!(sealed, None, "the sealed copy is erased");
    assert!(body.contains(LINK_WITHHELD), "{body}");
    assert!(
        !body.contains(&token) && !body.contains("/invitations/"),
        "{body}"
    );
    assert!(
        mail::unsent_to(&app, INVITEE).await.is_empty(),
        "a sent e-mail is not sent again"
    );
    assert!(!outbox::mark_sent(&app.state.db, id).await.unwrap());

    // Sending does not spend the invitation: its holder still opens it.
    let details = app.anon().call("invitation", &[("token", &token)]).await;
    assert_eq!(details.status, StatusCode::OK, "{}", details.body);
}

#[tokio::test]
async fn a_sealed_body_opens_only_with_the_key_and_for_its_recipient() {
    let app = TestApp::with_demo().await;
    invite(&app).await;
    let (id, _) = mail::emailed_link(&app, INVITEE, "/invitations/").await;

    // Another key (a stolen database without the environment, or another process's key).
    let other = outbox::unsent(&app.state.db, &OutboxKey::random(), Some(INVITEE), 10)
        .await
        .unwrap();
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].body, Err(SealError::WrongKeyOrAltered));

    // Someone who can write the table moves the message to their own address: it no longer
    // opens, so no mailer would send them the link.
    sqlx::query("UPDATE email_outbox SET to_email = $1 WHERE id = $2")
        .bind("mallory@evil.test")
        .bind(id)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let moved = mail::unsent_to(&app, "mallory@evil.test").await;
    assert_eq!(moved.len(), 1);
    assert_eq!(moved[0].body, Err(SealError::WrongKeyOrAltered));
}

#[tokio::test]
async fn notices_without_a_secret_stay_readable() {
    let app = TestApp::with_demo().await;
    // A request notification (no secret) is stored and sent as it is.
    let mut conn = app.state.db.pool().acquire().await.unwrap();
    outbox::queue(
        &mut conn,
        app::domain::mail::MailCategory::Account,
        INVITEE,
        "Guichet: a notice",
        "Plain text.",
    )
    .await
    .unwrap();
    drop(conn);
    let mails = mail::unsent_to(&app, INVITEE).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].body.as_deref(), Ok("Plain text."));
    let (sealed,): (Option<String>,) =
        sqlx::query_as("SELECT sealed_body FROM email_outbox WHERE id = $1")
            .bind(mails[0].id)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(sealed, None);
}
