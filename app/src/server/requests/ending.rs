//! A platform admin ends or reduces a quota early: its GPUs return to the pool from the days it
//! no longer holds, and its tenant is told why.

use serde_json::json;

use super::{
    conflict,
    repo::{self, RequestRow},
    say,
    timeline::{ensure_moved, notify_people, Audience},
    today, window_in,
};
use crate::domain::{
    capacity::Commitment, format::fill, lifecycle::RequestStatus, step_words::StepWords,
};
use crate::error::{AppError, FieldErrors};
use crate::i18n::{td_string, Locale};
use crate::server::{
    audit::{self, AuditEvent},
    auth::actor::AdminActor,
    error::ServiceResult,
    state::AppState,
};
use crate::wire::requests::EndEarlyInput;

/// Ends quota `id` earlier and/or leaves it fewer GPUs, as `input` says, with a reason; answers
/// its new grant. The quota keeps its status (approved or partially approved) with its new window
/// and count. In one write transaction under the pool's lock: the grant is a compare-and-set on
/// the status read, and the pool takes back exactly what the quota no longer holds
/// ([`repo::commit_to_pool`]); then the timeline step, the audit event and the notifications of
/// the requester, the tenant's owners and the project's lead. A quota that has ended is a
/// conflict (409); a new end or count that does not shrink it is a field error (422).
pub async fn end_quota_early(
    state: &AppState,
    admin: &AdminActor,
    id: i64,
    input: &EndEarlyInput,
    client_ip: Option<&str>,
) -> ServiceResult<Commitment> {
    // Platform scope: an admin manages any tenant's quota.
    let mut tx = state.db.platform_write_tx().await?;
    let first = repo::find_any(&mut tx, id)
        .await?
        .filter(|r| r.status != RequestStatus::Draft)
        .ok_or(AppError::NotFound)?;
    let pool = repo::lock_pool(&mut tx, first.site_id, &first.gpu_model).await?;
    // Read again under the lock: a concurrent change may have landed meanwhile.
    let row = repo::find_any_locked(&mut tx, id)
        .await?
        .filter(|r| r.status != RequestStatus::Draft)
        .ok_or(AppError::NotFound)?;
    let old = held(&row)?;
    let today = today();
    if old.end <= today {
        let locale = crate::locale::current();
        return Err(conflict(say(
            td_string!(locale, server.quota_already_ended),
            &[(
                "window",
                &window_in(locale, &old.start.to_string(), &old.end.to_string()),
            )],
        )));
    }
    let new = shrunk(old, input, today)?;
    let pool = pool
        .filter(|p| (p.site_id(), p.gpu_model()) == (row.site_id, row.gpu_model.as_str()))
        .ok_or_else(|| {
            conflict(td_string!(
                crate::locale::current(),
                server.quota_changed_reload
            ))
        })?;
    let written = repo::set_grant(
        &mut tx,
        row.tenant_id,
        id,
        row.status,
        new.gpus,
        new.start,
        new.end,
    )
    .await?;
    ensure_moved(&mut tx, id, written).await?;
    repo::commit_to_pool(&mut tx, &pool, old.start, old.end, -i64::from(old.gpus)).await?;
    repo::commit_to_pool(&mut tx, &pool, new.start, new.end, i64::from(new.gpus)).await?;

    let (admin_name, _) = repo::user_name(&mut tx, admin.user_id()).await?;
    let words = StepWords::Resized {
        ended_early: new.end < old.end,
        reduced: new.gpus < old.gpus,
        gpus: i64::from(new.gpus),
        model: row.gpu_model.clone(),
        start: new.start.to_string(),
        end: new.end.to_string(),
        reason: input.reason.clone(),
    };
    repo::add_event(
        &mut tx,
        row.id,
        row.tenant_id,
        admin.user_id(),
        &admin_name,
        Some(row.status),
        row.status,
        &words.in_language(Locale::en),
        Some(&words.to_json()),
    )
    .await?;
    let grant = |c: Commitment| json!({ "gpus": c.gpus, "start": c.start.to_string(), "end": c.end.to_string() });
    audit::append(
        &mut tx,
        &AuditEvent::new("quota.end_early")
            .actor(admin.user_id(), admin.email())
            .tenant(row.tenant_id)
            .ip(client_ip)
            .detail(json!({
                "request_id": row.id,
                "before": grant(old),
                "after": grant(new),
                "reason": input.reason,
            })),
    )
    .await?;
    let (start, end) = (new.start.to_string(), new.end.to_string());
    let text = |locale: Locale| {
        let what = match (new.end < old.end, new.gpus < old.gpus) {
            (true, true) => td_string!(locale, mail.notice_ended_early_and_reduced),
            (true, false) => td_string!(locale, mail.notice_ended_early),
            _ => td_string!(locale, mail.notice_reduced),
        };
        fill(
            td_string!(locale, mail.notice_quota_ended_early),
            &[
                ("id", &row.id),
                ("title", &row.project_title),
                ("site", &row.site_name),
                ("what", &what),
                ("actor", &admin_name),
                ("gpus", &new.gpus),
                ("model", &row.gpu_model),
                (
                    "window",
                    &crate::domain::format::window(locale, &start, &end),
                ),
                ("reason", &input.reason),
            ],
        )
    };
    notify_people(
        &mut tx,
        &row,
        admin.user_id(),
        &Audience::RequesterAndOwners,
        crate::domain::mail::MailCategory::Quotas,
        &text,
    )
    .await?;
    tx.commit().await?;
    Ok(new)
}

/// What quota `row` holds in its pool; a conflict when it holds nothing.
fn held(row: &RequestRow) -> ServiceResult<Commitment> {
    match (row.commitment(), row.amends_request_id) {
        (Some(c), _) if !c.is_empty() => Ok(c),
        (None, Some(original)) if row.status.grants_quota() => Err(conflict(say(
            td_string!(crate::locale::current(), server.change_holds_no_gpus),
            &[("id", &original)],
        ))),
        _ => {
            let locale = crate::locale::current();
            Err(conflict(say(
                td_string!(locale, server.not_a_quota_holding_gpus),
                &[
                    ("id", &row.id),
                    ("status", &row.status.label_in(locale).to_lowercase()),
                ],
            )))
        }
    }
}

/// The grant left once `input` is applied to `old` on `today`: an end from today (or the day
/// after the quota's first day, if later) to before its end, and/or fewer GPUs; every field's
/// error at once.
fn shrunk(old: Commitment, input: &EndEarlyInput, today: time::Date) -> ServiceResult<Commitment> {
    let mut errors = FieldErrors::default();
    let locale = crate::locale::current();
    // A quota keeps at least its first day: a grant is never empty (the table checks it too).
    let earliest = today.max(old.start.next_day().unwrap_or(old.start));
    let end = input.end.unwrap_or(old.end);
    if input.end.is_some() && end >= old.end {
        errors.add(
            "end_date",
            say(
                td_string!(locale, server.early_end_before_end),
                &[("end", &old.end)],
            ),
        );
    } else if end < earliest {
        errors.add(
            "end_date",
            if earliest > today {
                say(
                    td_string!(locale, server.cannot_end_before_first_day),
                    &[("earliest", &earliest), ("start", &old.start)],
                )
            } else {
                say(
                    td_string!(locale, server.cannot_end_before_held),
                    &[("earliest", &earliest)],
                )
            },
        );
    }
    let gpus = input.gpus.map_or(old.gpus, |g| g.get());
    if gpus >= old.gpus && input.gpus.is_some() {
        errors.add(
            "gpus",
            say(
                td_string!(locale, server.reduction_fewer_gpus),
                &[("n", &old.gpus)],
            ),
        );
    }
    errors.finish()?;
    Ok(Commitment::new(old.start, end, gpus))
}
