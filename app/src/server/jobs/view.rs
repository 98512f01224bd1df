//! What the platform admins see of the jobs and the e-mail queue (`/admin/jobs`), and their one
//! action there: putting an e-mail that was given up back in the queue.

use serde_json::json;

use super::{repo, Job};
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::actor::AdminActor,
    error::ServiceResult,
    outbox,
    state::AppState,
    time_zone::PersonZone,
};
use crate::wire::jobs::{FailedMailView, JobView, JobsPage, RunOutcome};

/// How many given-up e-mails the page lists.
const FAILED_SHOWN: i64 = 50;

fn outcome(stored: Option<&str>) -> Option<RunOutcome> {
    match stored? {
        "ok" => Some(RunOutcome::Succeeded),
        "failed" => Some(RunOutcome::Failed),
        _ => Some(RunOutcome::GaveUp),
    }
}

/// Every job of the portal (also those that have not run yet), and the e-mail queue.
pub async fn page(
    state: &AppState,
    _admin: &AdminActor,
    zone: &PersonZone,
) -> ServiceResult<JobsPage> {
    let settings = &state.config.jobs;
    let mut conn = state.db.acquire().await?;
    let stored = repo::list(&mut conn).await?;
    let now_ms = super::now_ms();
    let jobs = Job::ALL
        .into_iter()
        .map(|job| {
            let schedule = job.schedule(settings);
            let row = stored.iter().find(|r| r.name == job.name());
            let next_ms = row.map_or_else(|| schedule.first(now_ms), |r| r.next_run_at_ms);
            JobView {
                label: job.label_in(crate::locale::current()).to_owned(),
                schedule: schedule.describe_in(crate::locale::current()),
                last_run: row
                    .and_then(|r| r.last_started_at_ms)
                    .map(|ms| zone.at(ms / 1_000)),
                last_duration_ms: row.and_then(|r| r.last_duration_ms),
                last_outcome: row.and_then(|r| outcome(r.last_outcome.as_deref())),
                last_error: row.and_then(|r| r.last_error.clone()),
                last_instance: row.and_then(|r| r.last_instance.clone()),
                next_run: zone.at(next_ms.max(now_ms) / 1_000),
                running_on: row.and_then(|r| r.locked_by.clone()),
                failures_in_row: row.map_or(0, |r| r.failures_in_row),
            }
        })
        .collect();
    let (mail_waiting, _) = outbox::repo::depth(&mut conn).await?;
    let failed_mail = outbox::repo::failed(&mut conn, FAILED_SHOWN)
        .await?
        .into_iter()
        .map(|f| FailedMailView {
            id: f.id,
            to: f.to_email,
            subject: f.subject,
            attempts: f.attempts,
            error: f.last_error.unwrap_or_default(),
            failed_at: zone.at(f.failed_at),
        })
        .collect();
    Ok(JobsPage {
        jobs,
        smtp_configured: state.config.mail.smtp.is_some(),
        mail_waiting,
        failed_mail,
    })
}

/// Puts e-mail `id`, given up, back in the queue with fresh attempts (audited). Not found when it
/// is not a given-up e-mail.
pub async fn retry_mail(state: &AppState, admin: &AdminActor, id: i64) -> ServiceResult<()> {
    let mut tx = state.db.platform_write_tx().await?;
    if !outbox::repo::retry(&mut tx, id).await? {
        return Err(AppError::NotFound.into());
    }
    audit::append(
        &mut tx,
        &AuditEvent::new("mail.retried")
            .actor(admin.user_id(), admin.email())
            .detail(json!({ "outbox_id": id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
