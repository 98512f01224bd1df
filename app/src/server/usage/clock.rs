//! The quota clock: a quota becomes active at its window's start and expired at its end as
//! recorded events (the timeline, the audit log, a notice to the requester, the tenant's owners
//! and the project's lead), so that the export, usage and reminders follow one clock. Each mark
//! is a conditional update of a NULL column, so with several instances each event is written
//! once. It runs every minute in the portal, before each export to an agent, and as
//! `guichet clock`; idleness (which needs no usage to arrive) is checked here too.

use serde_json::json;

use super::{notices, repo};
use crate::domain::step_words::StepWords;
use crate::i18n::{td_string, Locale};
use crate::server::{
    audit::{self, AuditEvent},
    error::ServiceResult,
    requests,
    state::AppState,
};

/// What one run of the clock recorded.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ClockRun {
    pub activated: usize,
    pub expired: usize,
}

/// Records what has come due by `today` (UTC), at `now` (Unix seconds).
pub async fn tick(state: &AppState, now: i64, today: time::Date) -> ServiceResult<ClockRun> {
    let day = today.to_string();
    let mut run = ClockRun::default();
    // Platform scope: the clock moves every tenant's quotas.
    let mut tx = state.db.platform_write_tx().await?;
    for expired in [false, true] {
        let due = if expired {
            repo::due_expiry(&mut tx, &day).await?
        } else {
            repo::due_activation(&mut tx, &day).await?
        };
        for id in due {
            if !repo::mark(&mut tx, id, expired, now).await? {
                continue;
            }
            let (tenant_id, status, (gpus, model, site)) =
                requests::quota_summary(&mut tx, id).await?;
            let (event, words) = if expired {
                run.expired += 1;
                (
                    "quota.expired",
                    StepWords::QuotaExpired { gpus, model, site },
                )
            } else {
                run.activated += 1;
                (
                    "quota.activated",
                    StepWords::QuotaActive { gpus, model, site },
                )
            };
            let note = words.in_language(Locale::en);
            repo::add_clock_event(
                &mut tx,
                id,
                tenant_id,
                &status,
                now,
                &note,
                &words.to_json(),
            )
            .await?;
            audit::append(
                &mut tx,
                &AuditEvent::new(event)
                    .tenant(tenant_id)
                    .detail(json!({ "request_id": id, "on": day })),
            )
            .await?;
            let told = move |locale: Locale| {
                if expired {
                    td_string!(locale, mail.notice_quota_expired).to_owned()
                } else {
                    td_string!(locale, mail.notice_quota_active).to_owned()
                }
            };
            requests::tell_about_quota(&mut tx, id, &told, false).await?;
        }
    }
    for id in repo::idle_candidates(&mut tx, &day).await? {
        let (tenant_id, _, _) = requests::quota_summary(&mut tx, id).await?;
        notices::check(&mut tx, id, tenant_id, now).await?;
    }
    tx.commit().await?;
    Ok(run)
}
