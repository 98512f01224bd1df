//! A platform admin's decision on an endorsed request: approval in full or in part (residency
//! evaluated again with the rules in force, capacity reserved under the pool's lock), rejection,
//! or sending it (or a submitted one) back to its requester with a question.

use serde_json::json;
use sqlx::AnyConnection;
use time::Date;

use super::{
    conflict, invalid,
    placement::{evaluate_at, evaluation_detail, refusal, site_by_id, stored_placement},
    repo::{self, LockedPool, PoolWindow, Pools, RequestRow},
    say,
    timeline::{ensure_moved, next, record, Audience, Record},
    window_in,
};
use crate::domain::{
    capacity::{self, Commitment, Headroom},
    lifecycle::{self, Action, RequestKind, RequestStatus},
    step_words::StepWords,
};
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::server::{
    auth::actor::AdminActor,
    catalogue::load_catalogue,
    error::{ServiceError, ServiceResult},
    metrics,
    state::AppState,
};
use crate::wire::requests::DecisionInput;

/// Reserves `gpus` GPUs of the locked `pool` over `[start, end)` for the quota `holder` (a request
/// being approved, or the quota a change amends), replacing what `holder` held before, and
/// answers the pool's headroom; a conflict naming the short days when it does not fit.
///
/// **Invariant:** on every day, the GPUs that approved and partially approved quotas of a pool
/// hold never exceed its available GPUs (installed less reserve). The check and the write below
/// hold it because both happen while the pool is locked: a [`LockedPool`] comes only from
/// [`repo::lock_pool`] in this write transaction, and the lock lasts until the transaction ends,
/// so no other approval of the pool can commit between this sum and this write.
pub(super) async fn reserve_capacity(
    conn: &mut AnyConnection,
    pool: &LockedPool,
    holder: &RequestRow,
    gpus: u32,
    start: Date,
    end: Date,
) -> ServiceResult<Headroom> {
    if (holder.site_id, holder.gpu_model.as_str()) != (pool.site_id(), pool.gpu_model()) {
        tracing::error!(
            request_id = holder.id,
            "a quota's grant was to be reserved in another pool than its own"
        );
        return Err(AppError::Internal.into());
    }
    let window = [PoolWindow {
        site_id: pool.site_id(),
        gpu_model: pool.gpu_model().to_owned(),
        start,
        end,
    }];
    let loads = repo::pool_loads(conn, Pools::These(&window)).await?;
    let replaced = holder.commitment();
    let commitments = loads.commitments(pool.site_id(), pool.gpu_model(), start, end, replaced);
    let headroom = capacity::check_fits(
        pool.pool(),
        &commitments,
        &Commitment::new(start, end, gpus),
    )
    .map_err(|shortfall| conflict(shortfall.message(pool.gpu_model())))?;
    // A compare-and-set on the status `holder` was read with (under its row lock).
    let written = repo::set_grant(
        conn,
        holder.tenant_id,
        holder.id,
        holder.status,
        gpus,
        start,
        end,
    )
    .await?;
    ensure_moved(conn, holder.id, written).await?;
    if let Some(old) = replaced.filter(|c| !c.is_empty()) {
        repo::commit_to_pool(conn, pool, old.start, old.end, -i64::from(old.gpus)).await?;
    }
    repo::commit_to_pool(conn, pool, start, end, i64::from(gpus)).await?;
    Ok(headroom)
}

/// What a decision grants: the GPUs and window, checked against what was asked.
fn granted(row: &RequestRow, input: &DecisionInput) -> ServiceResult<(u32, Date, Date)> {
    let asked_gpus = u32::try_from(row.gpus).unwrap_or(0);
    if input.action != Action::PartiallyApprove {
        return Ok((asked_gpus, row.start, row.end));
    }
    let gpus = input.approved_gpus.map_or(asked_gpus, |g| g.get());
    let start = input.approved_start.unwrap_or(row.start);
    let end = input.approved_end.unwrap_or(row.end);
    let locale = crate::locale::current();
    if i64::from(gpus) > row.gpus {
        return Err(invalid(
            "approved_gpus",
            say(
                td_string!(locale, server.partial_at_most_gpus),
                &[("n", &row.gpus)],
            ),
        ));
    }
    if start < row.start || end > row.end || end <= start {
        return Err(invalid(
            "approved_end",
            say(
                td_string!(locale, server.partial_window_within),
                &[(
                    "window",
                    &window_in(locale, &row.start.to_string(), &row.end.to_string()),
                )],
            ),
        ));
    }
    if i64::from(gpus) == row.gpus && start == row.start && end == row.end {
        return Err(invalid(
            "approved_gpus",
            td_string!(locale, server.partial_grants_everything),
        ));
    }
    Ok((gpus, start, end))
}

/// The quota a change request amends, locked: it must still be a quota of the same tenant, and
/// what is granted may not shrink it (a smaller quota is not what anyone asked for).
async fn amended_quota(
    conn: &mut AnyConnection,
    row: &RequestRow,
    (gpus, start, end): (u32, Date, Date),
) -> ServiceResult<RequestRow> {
    let locale = crate::locale::current();
    let original_id = row
        .amends_request_id
        .ok_or_else(|| conflict(td_string!(locale, server.change_names_no_quota)))?;
    let original = repo::find_any_locked(conn, original_id)
        .await?
        .filter(|o| o.tenant_id == row.tenant_id)
        .ok_or(AppError::NotFound)?;
    let no_longer = || {
        conflict(say(
            td_string!(locale, server.no_longer_a_quota),
            &[("id", &original_id)],
        ))
    };
    let (o_gpus, o_start, o_end) = original.granted().ok_or_else(no_longer)?;
    if !original.status.grants_quota() {
        return Err(no_longer());
    }
    if start != o_start || i64::from(gpus) < o_gpus || end < o_end {
        return Err(invalid(
            "approved_gpus",
            say(
                td_string!(locale, server.change_keeps_start),
                &[("start", &o_start), ("gpus", &o_gpus), ("end", &o_end)],
            ),
        ));
    }
    Ok(original)
}

/// A platform admin approves (in full or in part) or rejects an endorsed request, or sends it
/// back for changes. Approval re-evaluates residency and reserves capacity ([`reserve_capacity`])
/// in the same write transaction, under the pool's lock, so racing approvals never over-commit.
/// The request is read again with its row locked, and its decision is a compare-and-set on the
/// status read ([`repo::Move`]): a decision that lost a race (another admin's, a withdrawal) is
/// a conflict naming the state it lost to, and writes nothing.
pub async fn decide_on_request(
    state: &AppState,
    admin: &AdminActor,
    id: i64,
    input: &DecisionInput,
    client_ip: Option<&str>,
) -> ServiceResult<RequestStatus> {
    // Platform scope: an admin decides on any tenant's request, and the capacity check sums
    // every tenant's approved quotas.
    let mut tx = state.db.platform_write_tx().await?;
    let first = repo::find_any(&mut tx, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let pool = if grants(input.action) {
        repo::lock_pool(&mut tx, first.site_id, &first.gpu_model).await?
    } else {
        None
    };
    let decided = decide_locked(&mut tx, admin, id, input, client_ip, pool.as_ref()).await;
    let decided = match decided {
        Ok(to) => tx.commit().await.map(|()| to).map_err(ServiceError::from),
        Err(e) => Err(e),
    };
    count_decisions(input.action, decided.as_ref().map(|_| 1));
    decided
}

/// Most requests one batch approves (two pages of the queue).
pub const MAX_BATCH: usize = 100;

/// A platform admin approves several requests in full at once, in one write transaction: each is
/// checked (status, residency, capacity) and recorded on its own, exactly as
/// [`decide_on_request`] does, and the batch's own grants count together, since each reservation
/// sees the ones before it in the transaction. The pools are locked first, in a fixed order
/// (site, then model), so two batches never wait on each other. If any request is refused, the
/// whole batch is (its error names the request) and nothing is written. Answers the ids approved.
pub async fn approve_batch(
    state: &AppState,
    admin: &AdminActor,
    ids: &[i64],
    client_ip: Option<&str>,
) -> ServiceResult<Vec<i64>> {
    let mut ids = ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    if ids.is_empty() {
        return Err(invalid(
            "ids",
            td_string!(crate::locale::current(), server.select_one_or_more),
        ));
    }
    if ids.len() > MAX_BATCH {
        return Err(invalid(
            "ids",
            say(
                td_string!(crate::locale::current(), server.approve_at_most),
                &[("n", &MAX_BATCH)],
            ),
        ));
    }
    let mut tx = state.db.platform_write_tx().await?;
    let mut pools: Vec<(i64, String)> = Vec::with_capacity(ids.len());
    for &id in &ids {
        // Drafts are their requester's alone: to an admin they do not exist.
        let row = repo::find_any(&mut tx, id)
            .await?
            .filter(|r| r.status != RequestStatus::Draft)
            .ok_or(AppError::NotFound)?;
        pools.push((row.site_id, row.gpu_model));
    }
    let mut order = pools.clone();
    order.sort();
    order.dedup();
    let mut locked = Vec::with_capacity(order.len());
    for (site_id, gpu_model) in &order {
        locked.push(repo::lock_pool(&mut tx, *site_id, gpu_model).await?);
    }
    let input = DecisionInput {
        action: Action::Approve,
        note: String::new(),
        approved_gpus: None,
        approved_start: None,
        approved_end: None,
        expected_revision: None,
    };
    let mut decided = Ok(());
    for (&id, key) in ids.iter().zip(&pools) {
        let pool = order
            .iter()
            .position(|k| k == key)
            .and_then(|i| locked[i].as_ref());
        decided = decide_locked(&mut tx, admin, id, &input, client_ip, pool)
            .await
            .map(|_| ())
            .map_err(|e| in_batch(id, e));
        if decided.is_err() {
            break;
        }
    }
    let decided = match decided {
        Ok(()) => tx.commit().await.map_err(ServiceError::from),
        Err(e) => Err(e),
    };
    count_decisions(Action::Approve, decided.as_ref().map(|()| ids.len()));
    decided.map(|()| ids)
}

/// Counts decisions in the metrics (`guichet_decisions_total`) once they are final: `made` of
/// `action` once committed, or one refusal per residency rule that refused the request. Other
/// errors (a conflict, a stale page, a race lost) decided nothing and count nothing; nor does
/// sending back, which is not a decision.
fn count_decisions(action: Action, made: Result<usize, &ServiceError>) {
    match made {
        Ok(n) => {
            let outcome = match action {
                Action::Approve => "approved",
                Action::PartiallyApprove => "approved_in_part",
                Action::Reject => "rejected",
                _ => return,
            };
            for _ in 0..n {
                metrics::decision(outcome, None);
            }
        }
        Err(ServiceError::App(AppError::ResidencyRefused { rules, .. })) => {
            if rules.is_empty() {
                metrics::decision("refused", None);
            }
            for rule in rules {
                metrics::decision("refused", Some(rule));
            }
        }
        Err(_) => {}
    }
}

/// A batch's refusal names the request that caused it and says that nothing was approved.
fn in_batch(id: i64, e: ServiceError) -> ServiceError {
    let template = td_string!(crate::locale::current(), server.batch_refusal);
    let say = |m: &str| say(template, &[("id", &id), ("message", &m)]);
    match e {
        ServiceError::App(AppError::Conflict { message }) => conflict(say(&message)),
        ServiceError::App(AppError::Validation { message, .. }) => invalid("ids", say(&message)),
        other => other,
    }
}

/// Whether `action` grants GPUs: a full or partial approval.
fn grants(action: Action) -> bool {
    matches!(action, Action::Approve | Action::PartiallyApprove)
}

/// [`decide_on_request`] inside the caller's write transaction, with the request's pool already
/// locked when the action grants (`None`: the pool is gone, or nothing is granted).
async fn decide_locked(
    tx: &mut AnyConnection,
    admin: &AdminActor,
    id: i64,
    input: &DecisionInput,
    client_ip: Option<&str>,
    pool: Option<&LockedPool>,
) -> ServiceResult<RequestStatus> {
    let note = input.note.as_str();
    let granting = grants(input.action);
    // Read again under the lock: a concurrent decision may have landed meanwhile.
    let row = repo::find_any_locked(&mut *tx, id)
        .await?
        .filter(|r| r.status != RequestStatus::Draft)
        .ok_or(AppError::NotFound)?;
    if let Some(expected) = input.expected_revision {
        if expected != row.revision {
            return Err(AppError::PreconditionFailed {
                message: say(
                    td_string!(crate::locale::current(), server.changed_since_read_decide),
                    &[("id", &id)],
                ),
            }
            .into());
        }
    }
    let current = row.status;
    let actor = lifecycle::Actor::new(None, true, row.requester_user_id == admin.user_id());
    let to = next(current, input.action, &actor)?;
    let (gpus, start, end) = granted(&row, input)?;
    let amended = if granting && row.kind == RequestKind::Change {
        Some(amended_quota(&mut *tx, &row, (gpus, start, end)).await?)
    } else {
        None
    };

    let mut detail = json!({});
    let mut versions = None;
    if granting {
        let catalogue = load_catalogue(&mut *tx).await?;
        let site = site_by_id(&catalogue, row.site_id)?;
        let (request, tenant) = stored_placement(&row, start, end)?;
        let evaluation = evaluate_at(&catalogue, site, &request, tenant);
        if !evaluation.eligible {
            return Err(refusal(None, site, row.classification, &evaluation));
        }
        // Locked before the request was read: it must still be the request's pool (an amended
        // request may have moved to another site meanwhile).
        let pool = match pool {
            Some(p) if (p.site_id(), p.gpu_model()) == (row.site_id, row.gpu_model.as_str()) => p,
            Some(_) => {
                return Err(conflict(td_string!(
                    crate::locale::current(),
                    server.request_changed_reload
                )))
            }
            None => {
                return Err(conflict(say(
                    td_string!(crate::locale::current(), server.site_no_longer_has_gpus),
                    &[("site", &site.profile.name), ("model", &row.gpu_model)],
                )))
            }
        };
        // An approved change holds no GPUs itself: the quota it amends does.
        let holder = amended.as_ref().unwrap_or(&row);
        let headroom = reserve_capacity(&mut *tx, pool, holder, gpus, start, end).await?;
        detail = json!({
            "residency": evaluation_detail(&evaluation),
            "capacity": {
                "site": site.profile.slug, "gpu_model": row.gpu_model,
                "available": headroom.available, "peak_before": headroom.peak_before,
                "peak_after": headroom.peak_after, "headroom_after": headroom.headroom_after,
            },
            "granted": { "gpus": gpus, "start": start.to_string(), "end": end.to_string() },
        });
        versions = Some((catalogue.policy.version, catalogue.revision));
    }
    let moved = repo::Move {
        tenant_id: row.tenant_id,
        id,
        from: current,
        to,
    };
    // A request sent back is not decided: its question lives in its timeline, not as a
    // decision note.
    let written = if input.action == Action::SendBack {
        repo::set_status(&mut *tx, moved).await?
    } else {
        repo::set_decision(
            &mut *tx,
            moved,
            Some(note).filter(|n| !n.is_empty()),
            versions,
        )
        .await?
    };
    ensure_moved(&mut *tx, id, written).await?;
    if let Some(original) = &amended {
        let (actor_name, _) = repo::user_name(&mut *tx, admin.user_id()).await?;
        let status = original.status;
        let words = StepWords::Amended {
            change: row.id,
            gpus: i64::from(gpus),
            start: start.to_string(),
            end: end.to_string(),
        };
        repo::add_event(
            &mut *tx,
            original.id,
            original.tenant_id,
            admin.user_id(),
            &actor_name,
            Some(status),
            status,
            &words.in_language(Locale::en),
            Some(&words.to_json()),
        )
        .await?;
        if let Some(d) = detail.as_object_mut() {
            d.insert(
                "amends".into(),
                json!({
                    "request_id": original.id,
                    "before": {
                        "gpus": original.approved_gpus,
                        "end": original.approved_end.map(|d| d.to_string()),
                    },
                    "after": { "gpus": gpus, "end": end.to_string() },
                }),
            );
        }
    }
    record(
        &mut *tx,
        Record {
            row: &row,
            action: input.action,
            from: Some(current),
            to,
            actor_user_id: admin.user_id(),
            actor_email: admin.email(),
            note,
            words: None,
            client_ip,
            detail,
            audience: Audience::RequesterAndOwners,
        },
    )
    .await?;
    Ok(to)
}
