//! The job runner: scheduled work inside the portal process, no other daemon to install. Each
//! instance ticks every `GUICHET_JOBS_TICK_SECONDS` and, for each due job, tries to claim its
//! row in `jobs` with one conditional update (due, and not leased by another instance): of
//! several instances on one database exactly one wins, runs it, records the run in `job_runs`
//! (unique per job and due time) and releases the job with its next due time. A run that fails
//! is retried with backoff ([`schedule::backoff_ms`]); after [`schedule::MAX_ATTEMPTS`] failures
//! in a row the job is marked given up, the platform admins are told, and it waits for its next
//! regular time. A process that stops mid-run leaves a lease that runs out
//! ([`LEASE_MS`]), after which another instance takes the run over; since the schedule is in the
//! database, a restart loses nothing and a job missed while every instance was down runs once
//! when one comes back. Why this and not a queue crate: `docs/jobs.md`.

pub mod reminders;
pub mod repo;
pub mod schedule;
pub mod settings;
pub mod view;

use std::time::Duration;

use self::schedule::{backoff_ms, Schedule, MAX_ATTEMPTS};
use super::{
    error::ServiceError, mail, requests, session_store::ExpiredDeletion as _, state::AppState,
    usage,
};

/// How long a claim holds a job: longer than any run takes.
pub const LEASE_MS: i64 = 10 * 60 * 1_000;
/// How long the run history is kept.
const HISTORY_MS: i64 = 30 * 86_400_000;

/// The portal's scheduled jobs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Job {
    /// Quotas become active or expired, and idle ones are flagged (`usage::clock`).
    QuotaClock,
    /// Reminders 30, 7 and 1 days before a quota ends.
    QuotaReminders,
    /// Warnings 60 and 30 days before a certificate lapses.
    CertificateWarnings,
    /// Every pending and approved request checked again against the residency rules.
    ComplianceRecheck,
    /// The outbox sent through SMTP.
    Mailer,
    /// Notices held for a daily digest gathered into one e-mail per person.
    MailDigest,
    /// Expired sessions, spent throttle counters and old run history deleted.
    Cleanup,
}

impl Job {
    pub const ALL: [Job; 7] = [
        Job::QuotaClock,
        Job::QuotaReminders,
        Job::CertificateWarnings,
        Job::ComplianceRecheck,
        Job::Mailer,
        Job::MailDigest,
        Job::Cleanup,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Job::QuotaClock => "quota_clock",
            Job::QuotaReminders => "quota_reminders",
            Job::CertificateWarnings => "certificate_warnings",
            Job::ComplianceRecheck => "compliance_recheck",
            Job::Mailer => "mailer",
            Job::MailDigest => "mail_digest",
            Job::Cleanup => "cleanup",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|j| j.name() == name)
    }

    /// What the job does, for the admins' page.
    pub fn label(self) -> &'static str {
        match self {
            Job::QuotaClock => "Quota clock: quotas start and end, idle ones are flagged",
            Job::QuotaReminders => "Reminders 30, 7 and 1 days before a quota ends",
            Job::CertificateWarnings => "Warnings 60 and 30 days before a certificate lapses",
            Job::ComplianceRecheck => "Compliance re-check of pending and approved requests",
            Job::Mailer => "E-mail sending",
            Job::MailDigest => "Daily e-mail digests",
            Job::Cleanup => "Clean-up of expired sessions and old records",
        }
    }

    /// The job's name for a person reading `locale` (`label()` is the English one the logs use).
    pub fn label_in(self, locale: crate::i18n::Locale) -> &'static str {
        use crate::i18n::td_string;
        match self {
            Job::QuotaClock => td_string!(locale, server.job_quota_clock),
            Job::QuotaReminders => td_string!(locale, server.job_quota_reminders),
            Job::CertificateWarnings => td_string!(locale, server.job_certificate_warnings),
            Job::ComplianceRecheck => td_string!(locale, server.job_compliance_recheck),
            Job::Mailer => td_string!(locale, server.job_mailer),
            Job::MailDigest => td_string!(locale, server.job_mail_digest),
            Job::Cleanup => td_string!(locale, server.job_cleanup),
        }
    }

    pub fn schedule(self, s: &settings::JobSettings) -> Schedule {
        match self {
            Job::QuotaClock => Schedule::Every {
                seconds: i64::from(s.quota_clock_seconds),
            },
            Job::QuotaReminders => Schedule::Every { seconds: 3_600 },
            Job::CertificateWarnings => Schedule::DailyAt { hour: 6, minute: 0 },
            Job::ComplianceRecheck => Schedule::DailyAt { hour: 2, minute: 0 },
            Job::Mailer => Schedule::Every {
                seconds: i64::from(s.mailer_seconds),
            },
            Job::MailDigest => Schedule::DailyAt { hour: 7, minute: 0 },
            Job::Cleanup => Schedule::Every { seconds: 600 },
        }
    }
}

/// Unix milliseconds now.
pub fn now_ms() -> i64 {
    i64::try_from(
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_millis())
            .unwrap_or(0),
    )
    .unwrap_or(i64::MAX)
}

/// Runs `job` once at `now_ms`; the detail for the history, or the error.
pub async fn run(state: &AppState, job: Job, now_ms: i64) -> Result<String, String> {
    let now = now_ms / 1_000;
    let today = time::OffsetDateTime::from_unix_timestamp(now)
        .map_err(|e| e.to_string())?
        .date();
    let fail = |e: ServiceError| e.to_string();
    match job {
        Job::QuotaClock => {
            let run = usage::clock::tick(state, now, today).await.map_err(fail)?;
            Ok(format!(
                "{} quota(s) became active, {} expired",
                run.activated, run.expired
            ))
        }
        Job::QuotaReminders => {
            let n = reminders::remind_quota_ends(state, today)
                .await
                .map_err(fail)?;
            Ok(format!("{n} reminder(s) sent"))
        }
        Job::CertificateWarnings => {
            let n = reminders::warn_certificates(state, today)
                .await
                .map_err(fail)?;
            Ok(format!("{n} warning(s) sent"))
        }
        Job::ComplianceRecheck => {
            let mut tx = state
                .db
                .platform_write_tx()
                .await
                .map_err(|e| e.to_string())?;
            let changed = requests::flag_noncompliant_requests(&mut tx, None)
                .await
                .map_err(|e| e.to_string())?;
            tx.commit().await.map_err(|e| e.to_string())?;
            Ok(format!("{changed} compliance flag(s) changed"))
        }
        Job::Mailer => {
            let run = mail::send_due(state, now).await?;
            Ok(format!(
                "{} sent, {} to retry, {} given up",
                run.sent, run.retried, run.given_up
            ))
        }
        Job::MailDigest => {
            let n = mail::digest::gather(state)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("{n} digest(s) queued"))
        }
        Job::Cleanup => {
            state
                .sessions
                .delete_expired()
                .await
                .map_err(|e| e.to_string())?;
            state
                .throttle
                .prune(&state.db)
                .await
                .map_err(|e| e.to_string())?;
            let mut conn = state.db.acquire().await.map_err(|e| e.to_string())?;
            let runs = repo::prune_runs(&mut conn, now_ms - HISTORY_MS)
                .await
                .map_err(|e| e.to_string())?;
            Ok(format!("{runs} old run(s) forgotten"))
        }
    }
}

/// What one tick of the runner did in this instance.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Tick {
    /// The jobs this instance ran, and whether each succeeded.
    pub ran: Vec<(Job, bool)>,
}

/// One tick: every due job this instance can claim is run, one after the other.
pub async fn tick(state: &AppState, now_ms: i64) -> Result<Tick, sqlx::Error> {
    let settings = &state.config.jobs;
    let instance = settings.instance.as_str();
    let mut out = Tick::default();
    // One read of the schedule a tick; only a job that looks due is claimed (the claim decides).
    let rows = repo::list(&mut *state.db.acquire().await?).await?;
    for job in Job::ALL {
        let schedule = job.schedule(settings);
        match rows.iter().find(|r| r.name == job.name()) {
            Some(r)
                if r.next_run_at_ms > now_ms || r.locked_until_ms.is_some_and(|u| u >= now_ms) =>
            {
                continue
            }
            Some(_) => {}
            None => {
                // A job this database has not seen yet.
                let first = schedule.first(now_ms);
                repo::ensure(&mut *state.db.acquire().await?, job.name(), first).await?;
                if first > now_ms {
                    continue;
                }
            }
        }
        let claimed = {
            let mut conn = state.db.acquire().await?;
            repo::claim(&mut conn, job.name(), instance, now_ms, now_ms + LEASE_MS).await?
        };
        let Some((scheduled_for, failures)) = claimed else {
            continue;
        };
        // Times follow the tick's clock (`now_ms`, the real time in production), so that a run's
        // next due time never comes before the moment it was claimed at.
        let started = now_ms;
        let clock = std::time::Instant::now();
        {
            let mut conn = state.db.acquire().await?;
            if !repo::start_run(&mut conn, job.name(), scheduled_for, instance, started).await? {
                repo::release(
                    &mut conn,
                    job.name(),
                    instance,
                    schedule.next_after(started),
                )
                .await?;
                continue;
            }
        }
        let result = run(state, job, started).await;
        let elapsed = clock.elapsed();
        let finished = started + i64::try_from(elapsed.as_millis()).unwrap_or(0);
        let seconds = elapsed.as_secs_f64();
        super::metrics::job_run(job.name(), result.is_ok(), seconds);
        let (outcome, detail, next, failures) = match &result {
            Ok(detail) => ("ok", detail.clone(), schedule.next_after(finished), 0),
            Err(error) => {
                let failures = failures + 1;
                tracing::warn!(job = job.name(), attempt = failures, %error, "a job failed");
                if failures >= MAX_ATTEMPTS {
                    tell_admins_gave_up(state, job, failures, error).await;
                    ("gave_up", error.clone(), schedule.next_after(finished), 0)
                } else {
                    let retry =
                        (finished + backoff_ms(failures)).min(schedule.next_after(finished));
                    ("failed", error.clone(), retry, failures)
                }
            }
        };
        let mut conn = state.db.acquire().await?;
        repo::finish(
            &mut conn,
            &repo::Finish {
                job: job.name(),
                instance,
                scheduled_for,
                started_at_ms: started,
                finished_at_ms: finished,
                outcome,
                detail: &detail,
                next_run_at_ms: next,
                failures_in_row: failures,
            },
        )
        .await?;
        out.ran.push((job, result.is_ok()));
    }
    Ok(out)
}

/// Tells every platform admin, in the portal and by e-mail, that `job` was given up.
async fn tell_admins_gave_up(state: &AppState, job: Job, failures: i64, error: &str) {
    use crate::i18n::td_string;
    let text_in = |locale: crate::i18n::Locale| {
        crate::domain::format::fill(
            td_string!(locale, mail.job_failing_body),
            &[
                ("job", &job.label_in(locale)),
                ("n", &failures),
                ("error", &error),
            ],
        )
    };
    let told = async {
        let mut tx = state.db.platform_write_tx().await?;
        let now = super::db::now_unix();
        for (user_id, email) in requests::repo::platform_admins(&mut tx).await? {
            // Each admin in their own language, in the portal as by e-mail.
            let locale = requests::repo::language(&mut tx, user_id).await?;
            let text = text_in(locale);
            repo::notify_admin(&mut tx, user_id, &text, now).await?;
            super::outbox::queue(
                &mut tx,
                crate::domain::mail::MailCategory::Account,
                &email,
                td_string!(locale, mail.job_failing_subject),
                &text,
            )
            .await?;
        }
        tx.commit().await
    };
    if let Err(e) = told.await {
        tracing::warn!(error = %e, "could not tell the admins of a failing job");
    }
}

/// Starts the runner of this process: a tick every `GUICHET_JOBS_TICK_SECONDS`.
pub fn spawn(state: AppState) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let every = Duration::from_secs(u64::from(state.config.jobs.tick_seconds));
        let mut ticker = tokio::time::interval(every);
        ticker.set_missed_tick_behavior(tokio::time::MissedTickBehavior::Delay);
        loop {
            ticker.tick().await;
            if let Err(e) = tick(&state, now_ms()).await {
                tracing::warn!(error = %e, "the job runner could not reach the database");
            }
        }
    })
}
