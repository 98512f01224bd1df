//! Issue 15, point 1: jobs that run once. Two instances on one database tick at the same moment
//! and each due job runs on one of them; a failing job is retried with backoff, then given up and
//! told to the admins; a restart (or an instance that died mid-run) loses nothing; the reminders
//! before a quota ends and before a certificate lapses are sent once; the nightly re-check flags a
//! request whose certificate lapsed with time.

use crate::common;

use app::server::jobs::{self, schedule, Job};
use app::server::{AppConfig, AppState, Db};
use common::catalogue::{approved_health_quota_at_dugny, compliance_flag};
use common::requests::{approved, day};
use common::*;

/// Another instance named `name` on `app`'s database.
async fn instance(app: &TestApp, name: &str, tweak: impl FnOnce(&mut AppConfig)) -> AppState {
    let mut config = (*app.state.config).clone();
    config.jobs.instance = name.to_owned();
    tweak(&mut config);
    let db = Db::connect(&config.database_url, 4).await.expect("connect");
    AppState::new(db, config)
}

fn ran(tick: &jobs::Tick) -> Vec<&'static str> {
    tick.ran.iter().map(|(j, _)| j.name()).collect()
}

async fn runs(app: &TestApp, job: &str) -> Vec<(i64, String, Option<String>, String)> {
    sqlx::query_as(
        "SELECT scheduled_for, instance, outcome, detail FROM job_runs WHERE job = $1 ORDER BY started_at_ms",
    )
    .bind(job)
    .fetch_all(app.owner_pool())
    .await
    .unwrap()
}

#[tokio::test]
async fn each_due_job_runs_once_across_two_instances() {
    let app = TestApp::with_demo().await;
    let a = instance(&app, "a", |_| {}).await;
    let b = instance(&app, "b", |_| {}).await;
    let now = jobs::now_ms();
    let (ta, tb) = tokio::join!(jobs::tick(&a, now), jobs::tick(&b, now));
    let (ta, tb) = (ta.unwrap(), tb.unwrap());
    let mut all: Vec<_> = ran(&ta).into_iter().chain(ran(&tb)).collect();
    all.sort();
    // The periodic jobs are due at once; the daily ones wait for their hour.
    assert_eq!(
        all,
        ["cleanup", "mailer", "quota_clock", "quota_reminders"],
        "a ran {ta:?}, b ran {tb:?}"
    );
    assert!(ta.ran.iter().chain(&tb.ran).all(|(_, ok)| *ok));
    // At the same moment again, nothing is due.
    let (ta, tb) = tokio::join!(jobs::tick(&a, now), jobs::tick(&b, now));
    assert!(ta.unwrap().ran.is_empty() && tb.unwrap().ran.is_empty());
    // A minute later: the clock and the mailer, once each.
    let later = now + 61_000;
    let (ta, tb) = tokio::join!(jobs::tick(&a, later), jobs::tick(&b, later));
    let mut all: Vec<_> = ran(&ta.unwrap())
        .into_iter()
        .chain(ran(&tb.unwrap()))
        .collect();
    all.sort();
    assert_eq!(all, ["mailer", "quota_clock"]);
    assert_eq!(runs(&app, "quota_clock").await.len(), 2);
    // The history says which instance ran what, and nothing ran twice for one due time.
    let dup: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM (SELECT job, scheduled_for FROM job_runs GROUP BY job, scheduled_for HAVING COUNT(*) > 1) d",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(dup, 0);
}

#[tokio::test]
async fn a_failing_job_is_retried_with_backoff_then_given_up_and_told_to_admins() {
    let app = TestApp::with_demo().await;
    app.reads_english(ADMIN).await;
    // The mailer cannot build its TLS settings: its CA file vanished after start-up.
    let ca = std::env::temp_dir().join(format!("guichet-missing-ca-{}.pem", std::process::id()));
    let runner = instance(&app, "a", |c| {
        c.mail.smtp = Some(app::server::mail::settings::SmtpSettings {
            host: "127.0.0.1".into(),
            port: 9,
            tls: app::server::mail::settings::SmtpTls::StartTls,
            credentials: None,
            ca_file: Some(ca.clone()),
        });
    })
    .await;
    let mut at = jobs::now_ms();
    for attempt in 1..=schedule::MAX_ATTEMPTS {
        let tick = jobs::tick(&runner, at).await.unwrap();
        assert!(
            tick.ran.contains(&(Job::Mailer, false)),
            "attempt {attempt}: {tick:?}"
        );
        // Not again before its backoff.
        let early = jobs::tick(&runner, at + 1_000).await.unwrap();
        assert!(!early.ran.iter().any(|(j, _)| *j == Job::Mailer));
        // Due again after its backoff (capped by the mailer's 10 s period), counted from the
        // end of the run: the run's own milliseconds move it, so read it rather than guess.
        let next: i64 = sqlx::query_scalar("SELECT next_run_at_ms FROM jobs WHERE name = 'mailer'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
        let wait = schedule::backoff_ms(attempt).min(10_000);
        assert!(
            (at + wait..at + wait + 5_000).contains(&next),
            "attempt {attempt}: due {} ms after the tick",
            next - at
        );
        at = next;
    }
    let history = runs(&app, "mailer").await;
    let outcomes: Vec<_> = history.iter().map(|r| r.2.clone().unwrap()).collect();
    assert_eq!(
        outcomes,
        ["failed", "failed", "failed", "failed", "gave_up"]
    );
    assert!(history[0].3.contains("GUICHET_SMTP_CA_FILE"), "{history:?}");
    // The admins were told, in the portal.
    let told: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE u.email = $1 AND n.text LIKE '%failed 5 times%'",
    )
    .bind(ADMIN)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(told, 1);
    // And the page shows it given up; only admins see the page.
    let mut admin = app.signed_in(ADMIN).await;
    let page = admin.call("list_jobs", &[]).await.json();
    let mailer = page["jobs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|j| j["label"] == "E-mail sending")
        .unwrap()
        .clone();
    assert_eq!(mailer["last_outcome"], "GaveUp", "{mailer}");
    for who in [UNIV_OWNER, UNIV_MEMBER] {
        let mut other = app.signed_in(who).await;
        assert_eq!(other.call("list_jobs", &[]).await.status, 403);
    }
    assert_eq!(app.anon().call("list_jobs", &[]).await.status, 401);
}

#[tokio::test]
async fn a_restart_or_a_dead_instance_loses_no_job() {
    let app = TestApp::with_demo().await;
    let a = instance(&app, "a", |_| {}).await;
    let now = jobs::now_ms();
    jobs::tick(&a, now).await.unwrap();
    drop(a);
    // Instance "a" claims the clock and dies mid-run: its lease and its unfinished run remain.
    sqlx::query(
        "UPDATE jobs SET locked_by = 'a', locked_until_ms = $1, next_run_at_ms = $2 WHERE name = 'quota_clock'",
    )
    .bind(now + 120_000)
    .bind(now + 60_000)
    .execute(app.owner_pool())
    .await
    .unwrap();
    sqlx::query(
        "INSERT INTO job_runs (job, scheduled_for, instance, started_at_ms) VALUES ('quota_clock', $1, 'a', $1)",
    )
    .bind(now + 60_000)
    .execute(app.owner_pool())
    .await
    .unwrap();
    // A new instance, after a restart: while the lease holds, the job waits ...
    let b = instance(&app, "b", |_| {}).await;
    let tick = jobs::tick(&b, now + 90_000).await.unwrap();
    assert!(!tick.ran.iter().any(|(j, _)| *j == Job::QuotaClock));
    // ... then it is taken over, once.
    let tick = jobs::tick(&b, now + 121_000).await.unwrap();
    assert!(tick.ran.contains(&(Job::QuotaClock, true)), "{tick:?}");
    let history = runs(&app, "quota_clock").await;
    let last = history.last().unwrap();
    assert_eq!((last.0, last.1.as_str()), (now + 60_000, "b"));
    assert!(last.3.contains("became active"), "{history:?}");
    assert_eq!(history.len(), 2);
}

/// Notices that read as either pattern (one per language).
async fn told(app: &TestApp, patterns: &[String; 2]) -> i64 {
    notices(app, &patterns[0]).await + notices(app, &patterns[1]).await
}

async fn notices(app: &TestApp, like: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM notifications WHERE text LIKE $1")
        .bind(like)
        .fetch_one(app.owner_pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn reminders_come_30_7_and_1_days_before_a_quota_ends_once_each() {
    let app = TestApp::with_demo().await;
    let id = approved(&app, "remind", &[]).await;
    let set_end = |days: i64| {
        let pool = app.owner_pool().clone();
        async move {
            sqlx::query(
                "UPDATE quota_requests SET approved_start = $1, approved_end = $2 WHERE id = $3",
            )
            .bind(day(-5))
            .bind(day(days))
            .bind(id)
            .execute(&pool)
            .await
            .unwrap();
        }
    };
    // Nobody chose a language: the owner, who asked and signed in from an English browser, reads
    // English; the tenant's other owner, who never signed in, French.
    let reminders = |en: &str, fr: &str| {
        [
            format!("Quota #{id} %ends in {en}%"),
            format!("Le quota n° {id} %se termine dans {fr}%"),
        ]
    };
    let now = jobs::now_ms();
    set_end(40).await;
    jobs::run(&app.state, Job::QuotaReminders, now)
        .await
        .unwrap();
    assert_eq!(
        told(&app, &reminders("", "")).await,
        0,
        "40 days ahead: not yet"
    );
    let mut expected = 0;
    for (days, en, fr) in [
        (30, "30 days", "30 jours"),
        (7, "7 days", "7 jours"),
        (1, "1 day:", "1 jour :"),
    ] {
        set_end(days).await;
        for _ in 0..2 {
            jobs::run(&app.state, Job::QuotaReminders, now)
                .await
                .unwrap();
        }
        let people = told(&app, &reminders(en, fr)).await;
        assert!(
            people >= 2,
            "the requester and the owners, {days} days ahead"
        );
        expected += people;
        assert_eq!(told(&app, &reminders("", "")).await, expected, "once each");
        assert_eq!(
            notices(&app, &reminders(en, fr)[0]).await,
            1,
            "the owner who signed in, in English"
        );
    }
    let [en, fr] = reminders("", "");
    let audience: Vec<String> = sqlx::query_scalar(
        "SELECT u.email FROM notifications n JOIN users u ON u.id = n.user_id \
         WHERE n.text LIKE $1 OR n.text LIKE $2",
    )
    .bind(&en)
    .bind(&fr)
    .fetch_all(app.owner_pool())
    .await
    .unwrap();
    assert!(audience.iter().any(|e| e == UNIV_OWNER));
    assert!(
        !audience.iter().any(|e| e == ADMIN),
        "the tenant's people, not the admins"
    );
}

#[tokio::test]
async fn certificates_lapsing_warn_the_admins_60_and_30_days_ahead_once() {
    let app = TestApp::with_demo().await;
    let cert: i64 = sqlx::query_scalar("SELECT MIN(id) FROM certifications")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    sqlx::query("UPDATE certifications SET valid_until = $1 WHERE id = $2")
        .bind(day(45))
        .bind(cert)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let now = jobs::now_ms();
    for _ in 0..2 {
        jobs::run(&app.state, Job::CertificateWarnings, now)
            .await
            .unwrap();
    }
    let admins: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE platform_admin = 1")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(notices(&app, "%expire dans 45 jours%").await, admins);
    let mailed: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM email_outbox WHERE category = 'compliance' AND body LIKE '%expire dans 45 jours%'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(mailed, admins);
}

#[tokio::test]
async fn the_nightly_recheck_flags_a_request_whose_certificate_lapsed_with_time() {
    let app = TestApp::with_demo().await;
    let (id, _) = approved_health_quota_at_dugny(&app).await;
    assert_eq!(compliance_flag(&app, id).await, None);
    // Time passes: Dugny's HDS certificate is no longer valid by the quota's window. No edit is
    // made through the portal, so nothing re-checks but the clock.
    sqlx::query(
        "UPDATE certifications SET valid_until = $1 WHERE kind = 'hds' \
         AND site_id = (SELECT id FROM sites WHERE slug = 'dugny')",
    )
    .bind(day(1))
    .execute(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(compliance_flag(&app, id).await, None);
    let detail = jobs::run(&app.state, Job::ComplianceRecheck, jobs::now_ms())
        .await
        .unwrap();
    assert!(detail.starts_with("1 "), "{detail}");
    let flag = compliance_flag(&app, id).await.expect("flagged");
    assert!(flag.contains("HDS") || flag.contains("H"), "{flag}");
}
