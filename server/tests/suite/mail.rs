//! Issue 15, point 2: real e-mail. Every message goes through a real SMTP server started by the
//! test script (aiosmtpd on loopback, STARTTLS and AUTH required), and what it received is read
//! back: plain-text and HTML parts, each message once, a person's choices (immediately, a daily
//! digest, never) honoured except for security mail, failures retried with backoff and given up
//! where admins see them.

use crate::common;

use app::server::{jobs, mail, outbox};
use axum::http::StatusCode;
use common::requests::approved;
use common::smtp::{self, received};
use common::*;

/// An app that sends through the test server; what that server received from it.
struct Sent {
    dir: std::path::PathBuf,
    from: String,
}

impl Sent {
    fn to(&self, to: &str) -> Vec<smtp::Received> {
        received(&self.dir, &self.from, to)
    }
}

async fn app_with_mail() -> Option<(TestApp, Sent)> {
    let (settings, dir) = smtp::server()?;
    let (config, from) = smtp::config(settings);
    let app = TestApp::with_config(config).await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    Some((app, Sent { dir, from }))
}

/// Makes `email`'s person read English: an e-mail is in its recipient's language (French when
/// they chose none), and these tests read English words.
fn now() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

async fn unsent_count(app: &TestApp, to: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM email_outbox WHERE to_email = $1 AND sent_at IS NULL")
        .bind(to)
        .fetch_one(app.owner_pool())
        .await
        .unwrap()
}

/// A fresh address on a domain of this test (so that parallel tests never read each other's).
fn address(local: &str) -> String {
    static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    format!(
        "{local}-{}-{n}@{}.mail.test",
        std::process::id(),
        common::backend_name()
    )
}

#[tokio::test]
async fn notices_are_sent_once_over_starttls_with_text_and_html_parts() {
    let Some((app, inbox)) = app_with_mail().await else {
        return;
    };
    app.reads_english(UNIV_OWNER).await;
    let id = approved(&app, "mail-once", &[]).await;
    let queued = unsent_count(&app, UNIV_OWNER).await;
    assert!(queued >= 1, "the approval queued a notice to the requester");

    // Two instances send at once: each message is claimed by one of them.
    let second = app.second_instance().await;
    let (a, b) = tokio::join!(
        mail::send_due(&app.state, now()),
        mail::send_due(&second.state, now())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let errors: Vec<Option<String>> =
        sqlx::query_scalar("SELECT last_error FROM email_outbox WHERE last_error IS NOT NULL")
            .fetch_all(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(unsent_count(&app, UNIV_OWNER).await, 0, "{errors:?}");
    let got = inbox.to(UNIV_OWNER);
    assert_eq!(got.len() as i64, queued, "each message once: {a:?} {b:?}");
    assert!(a.sent + b.sent >= queued as u64);
    eprintln!(
        "mail on {}: {} message(s) queued in all, {} sent by two mailers racing ({} + {}), {queued} \
         to the requester received once each",
        backend_name(),
        a.sent + b.sent,
        a.sent + b.sent,
        a.sent,
        b.sent
    );
    // And again: nothing is due, nothing more arrives.
    mail::send_due(&app.state, now() + 3600).await.unwrap();
    assert_eq!(inbox.to(UNIV_OWNER).len() as i64, queued);

    let m = got
        .iter()
        .find(|m| {
            m.text
                .contains(&format!("Subject: Guichet: quota request #{id}"))
        })
        .expect("the approval's notice");
    assert_eq!(m.envelope["tls"], true, "sent after STARTTLS");
    assert_eq!(
        m.envelope["authenticated"], true,
        "with the configured credentials"
    );
    assert_eq!(m.envelope["from"], inbox.from.as_str());
    assert!(m.text.contains("multipart/alternative"), "{}", m.text);
    assert!(m.text.contains("Content-Type: text/plain; charset=utf-8"));
    assert!(m.text.contains("Content-Type: text/html; charset=utf-8"));
    assert!(
        m.text.contains("Message-ID: <outbox-"),
        "a Message-ID from the outbox id"
    );
    assert!(m.text.contains("approved"), "{}", m.text);
    assert!(
        m.text.contains("daily digest or never"),
        "the footer says how to choose"
    );
    // The password never shows in the message or the outbox.
    let password = std::env::var("GUICHET_TEST_SMTP_PASSWORD").unwrap();
    assert!(!m.text.contains(&password));
}

/// A batch of 150 messages, two instances' mailers racing over it: each arrives exactly once.
#[tokio::test]
async fn a_batch_raced_by_two_mailers_arrives_exactly_once() {
    let Some((app, inbox)) = app_with_mail().await else {
        return;
    };
    let to: Vec<String> = (0..150).map(|_| address("batch")).collect();
    {
        let mut conn = app.state.db.acquire().await.unwrap();
        for address in &to {
            outbox::queue(
                &mut conn,
                app::domain::mail::MailCategory::Account,
                address,
                "Guichet: a batch",
                "One of many.",
            )
            .await
            .unwrap();
        }
    }
    let second = app.second_instance().await;
    let (a, b) = tokio::join!(
        mail::send_due(&app.state, now()),
        mail::send_due(&second.state, now())
    );
    let (a, b) = (a.unwrap(), b.unwrap());
    let received: Vec<usize> = to.iter().map(|t| inbox.to(t).len()).collect();
    assert!(received.iter().all(|n| *n == 1), "{received:?}");
    assert!(a.sent + b.sent >= 150, "{a:?} {b:?}");
    eprintln!(
        "mail on {}: 150 queued, sent by two mailers racing ({} + {} with the demo's own), \
         {} received, each exactly once",
        backend_name(),
        a.sent,
        b.sent,
        received.iter().sum::<usize>()
    );
}

#[tokio::test]
async fn invitation_links_are_sent_whole_and_their_sealed_copy_erased() {
    let Some((app, inbox)) = app_with_mail().await else {
        return;
    };
    let invited = address("invited");
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let answer = owner
        .call("invite_member", &[("email", &invited), ("role", "member")])
        .await;
    assert_eq!(answer.status, StatusCode::OK, "{}", answer.body);
    let run = mail::send_due(&app.state, now()).await.unwrap();
    assert!(run.sent >= 1);
    let got = inbox.to(&invited);
    assert_eq!(got.len(), 1);
    assert!(got[0].text.contains("/invitations/"), "{}", got[0].text);
    assert!(!got[0].text.contains(outbox::LINK_WITHHELD));
    let sealed: Option<String> =
        sqlx::query_scalar("SELECT sealed_body FROM email_outbox WHERE to_email = $1")
            .bind(&invited)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(sealed, None, "the secret is erased once sent");
}

#[tokio::test]
async fn a_persons_choices_hold_back_or_stop_notices_but_never_security_mail() {
    let Some((app, inbox)) = app_with_mail().await else {
        return;
    };
    app.reads_english(UNIV_OWNER).await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    // Every field's error at once, beside its field.
    let bad = owner
        .call(
            "choose_emails",
            &[
                ("requests", "sometimes"),
                ("quotas", ""),
                ("compliance", "never"),
            ],
        )
        .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.body);
    assert!(
        bad.body.contains("requests") && bad.body.contains("quotas"),
        "{}",
        bad.body
    );
    let ok = owner
        .call(
            "choose_emails",
            &[
                ("requests", "digest"),
                ("quotas", "never"),
                ("compliance", "immediate"),
            ],
        )
        .await;
    assert_eq!(ok.status, StatusCode::OK, "{}", ok.body);
    let shown = owner.call("email_choices", &[]).await;
    assert!(
        shown.body.contains("digest") && shown.body.contains("never"),
        "{}",
        shown.body
    );

    // Two decisions: held for the digest, nothing sent now.
    let first = approved(&app, "mail-digest-1", &[]).await;
    let second = approved(&app, "mail-digest-2", &[]).await;
    mail::send_due(&app.state, now()).await.unwrap();
    assert!(inbox.to(UNIV_OWNER).is_empty(), "held for the digest");
    // A quota notice, turned off: none queued (the notice still shows in the portal).
    let mut tx = app.state.db.platform_write_tx().await.unwrap();
    app::server::requests::tell_about_quota(&mut tx, first, &|_| "is a test notice".into(), false)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    // The digest gathers what was held into one e-mail, once.
    assert_eq!(mail::digest::gather(&app.state).await.unwrap(), 1);
    assert_eq!(mail::digest::gather(&app.state).await.unwrap(), 0);
    mail::send_due(&app.state, now()).await.unwrap();
    let got = inbox.to(UNIV_OWNER);
    assert_eq!(got.len(), 1, "one digest");
    assert!(got[0].text.contains("daily digest"), "{}", got[0].text);
    for id in [first, second] {
        assert!(
            got[0].text.contains(&format!("quota request #{id}")),
            "{}",
            got[0].text
        );
    }
    assert!(
        !got[0].text.contains("is a test notice"),
        "quota notices were turned off"
    );

    // Security mail ignores the choices: a changed password is told at once.
    let changed = owner
        .call(
            "change_password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", "a much longer passphrase for guichet 2026"),
            ],
        )
        .await;
    assert_eq!(changed.status, StatusCode::OK, "{}", changed.body);
    mail::send_due(&app.state, now()).await.unwrap();
    let got = inbox.to(UNIV_OWNER);
    assert_eq!(got.len(), 2);
    assert!(
        got[1].text.contains("your password was changed"),
        "{}",
        got[1].text
    );
    assert!(got[1].text.contains("always sent"));
}

#[tokio::test]
async fn failures_are_retried_with_backoff_then_given_up_where_admins_see_them() {
    let Some((app, inbox)) = app_with_mail().await else {
        return;
    };
    let (later, bounce) = (address("later"), address("bounce"));
    {
        let mut conn = app.state.db.acquire().await.unwrap();
        for to in [&later, &bounce] {
            outbox::queue(
                &mut conn,
                app::domain::mail::MailCategory::Account,
                to,
                "Guichet: a test",
                "Hello.",
            )
            .await
            .unwrap();
        }
    }
    let start = now();
    let run = mail::send_due(&app.state, start).await.unwrap();
    assert_eq!(
        (run.retried, run.given_up),
        (1, 1),
        "a passing refusal waits, a final one stops"
    );
    // Too early for the next attempt: nothing is tried.
    let run = mail::send_due(&app.state, start + 10).await.unwrap();
    assert_eq!(run, mail::MailRun::default());
    // Attempts 2 to 5, each after its wait (30 s, 1, 2, 4 min).
    let mut at = start;
    for attempt in 2..=jobs::schedule::MAX_ATTEMPTS {
        at += jobs::schedule::backoff_ms(attempt - 1) / 1_000;
        let run = mail::send_due(&app.state, at).await.unwrap();
        let expected = if attempt == jobs::schedule::MAX_ATTEMPTS {
            (0, 1)
        } else {
            (1, 0)
        };
        assert_eq!((run.retried, run.given_up), expected, "attempt {attempt}");
    }
    assert!(inbox.to(&later).is_empty() && inbox.to(&bounce).is_empty());

    // The admins' page lists both, with the server's words.
    let mut admin = app.signed_in(ADMIN).await;
    let page = admin.call("list_jobs", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = page.json();
    let failed = page["failed_mail"].as_array().unwrap();
    let mine: Vec<_> = failed
        .iter()
        .filter(|m| m["to"] == later.as_str() || m["to"] == bounce.as_str())
        .collect();
    assert_eq!(mine.len(), 2, "{page}");
    assert!(mine
        .iter()
        .any(|m| m["error"].as_str().unwrap().contains("451")));
    assert!(mine
        .iter()
        .any(|m| m["error"].as_str().unwrap().contains("550")));
    assert!(page["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .any(|j| j["label"] == "E-mail sending"));

    // Sending one again is for admins only, and puts it back in the queue.
    let id = mine[0]["id"].as_i64().unwrap().to_string();
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let refused = member.call("retry_mail", &[("id", &id)]).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    let again = admin.call("retry_mail", &[("id", &id)]).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let twice = admin.call("retry_mail", &[("id", &id)]).await;
    assert_eq!(
        twice.status,
        StatusCode::NOT_FOUND,
        "only a given-up e-mail"
    );
    let run = mail::send_due(&app.state, at + 1).await.unwrap();
    assert_eq!(run.retried + run.given_up, 1, "tried again");
}

#[tokio::test]
async fn a_person_who_reads_french_gets_a_french_subject_and_footer() {
    let app = TestApp::with_demo().await;
    sqlx::query("UPDATE users SET language = 'fr' WHERE email = $1")
        .bind(UNIV_OWNER)
        .execute(app.owner_pool())
        .await
        .unwrap();
    // The requester's browser and the admin's ask for English: the e-mail follows the account.
    let id = approved(&app, "mail-french", &[]).await;
    let subjects: Vec<String> = sqlx::query_scalar(
        "SELECT subject FROM email_outbox WHERE to_email = $1 AND sent_at IS NULL ORDER BY id",
    )
    .bind(UNIV_OWNER)
    .fetch_all(app.owner_pool())
    .await
    .unwrap();
    assert!(
        subjects.contains(&format!("Guichet : demande de quota n° {id}")),
        "{subjects:?}"
    );
    let opened = outbox::unsent(&app.state.db, &app.state.outbox_key, Some(UNIV_OWNER), 50)
        .await
        .unwrap();
    let mail = opened
        .iter()
        .find(|m| m.subject.ends_with(&format!("n° {id}")))
        .expect("the notice");
    let bodies = mail::compose::compose(
        mail.locale,
        mail.category,
        mail.body.as_deref().unwrap(),
        "https://guichet.example.fr",
    );
    assert!(
        bodies.text.contains("Vous recevez cet e-mail pour"),
        "{}",
        bodies.text
    );
    assert!(
        bodies.html.contains("<html lang=\"fr\">"),
        "{}",
        bodies.html
    );
}
