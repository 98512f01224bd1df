//! The tenant's transitions of a request: submission (residency checked with the rules in force),
//! endorsement by an owner, and withdrawal. Each reads the request with its row locked
//! (PostgreSQL; SQLite write transactions hold the database's write lock) and writes its new
//! status as a compare-and-set on the status it read ([`repo::Move`]): a caller that lost a race
//! gets a conflict naming the state it lost to, and nothing of its transition is written.

use crate::domain::step_words::StepWords;
use serde_json::json;
use sqlx::AnyConnection;

use super::{
    placement::{evaluate_at, evaluation_detail, refusal, site_by_id, stored_placement},
    repo,
    timeline::{ensure_moved, next, record, tenant_actor, Audience, Record},
};
use crate::domain::lifecycle::{Action, RequestStatus};
use crate::error::AppError;
use crate::server::{
    auth::actor::TenantActor, catalogue::load_catalogue, error::ServiceResult, state::AppState,
};

/// Submits a draft: only for a verified tenant, and only to a site the residency rules allow
/// today. An owner's submission endorses itself.
pub async fn submit_request(
    state: &AppState,
    actor: &TenantActor,
    id: i64,
    client_ip: Option<&str>,
) -> ServiceResult<i64> {
    let mut tx = state.db.tenant_write_tx(&actor.scope()).await?;
    submit_in(&mut tx, actor, id, client_ip).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`submit_request`] inside the caller's write transaction.
pub(super) async fn submit_in(
    tx: &mut AnyConnection,
    actor: &TenantActor,
    id: i64,
    client_ip: Option<&str>,
) -> ServiceResult<()> {
    let row = repo::find_in_tenant_locked(&mut *tx, &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = row.status;
    if current == RequestStatus::Draft && row.requester_user_id != actor.user_id() {
        return Err(AppError::NotFound.into());
    }
    let to = next(current, Action::Submit, &tenant_actor(actor, &row))?;
    // Verified and not suspended, read now (one rule: `tenants::require_verified`).
    crate::server::tenants::require_verified(&mut *tx, actor).await?;
    let catalogue = load_catalogue(&mut *tx).await?;
    let site = site_by_id(&catalogue, row.site_id)?;
    let (request, tenant) = stored_placement(&row, row.start, row.end)?;
    let evaluation = evaluate_at(&catalogue, site, &request, tenant);
    if !evaluation.eligible {
        return Err(refusal(Some("site"), site, row.classification, &evaluation));
    }
    let moved = repo::Move {
        tenant_id: actor.tenant_id(),
        id,
        from: current,
        to,
    };
    let written = repo::set_submitted(
        &mut *tx,
        moved,
        catalogue.policy.version,
        catalogue.revision,
    )
    .await?;
    ensure_moved(&mut *tx, id, written).await?;
    let resubmitted = current == RequestStatus::ChangesRequested;
    let endorsed = to == RequestStatus::Endorsed;
    let words = (resubmitted || endorsed).then_some(StepWords::Submitted {
        resubmitted,
        endorsed,
    });
    record(
        &mut *tx,
        Record {
            row: &row,
            action: Action::Submit,
            from: Some(current),
            to,
            actor_user_id: actor.user_id(),
            actor_email: actor.email(),
            note: "",
            words,
            client_ip,
            detail: json!({ "residency": evaluation_detail(&evaluation) }),
            audience: Audience::RequesterAndOwners,
        },
    )
    .await?;
    Ok(())
}

/// An owner endorses a member's submitted request, or anyone allowed withdraws an open one.
pub async fn tenant_transition(
    state: &AppState,
    actor: &TenantActor,
    id: i64,
    action: Action,
    note: &str,
    client_ip: Option<&str>,
) -> ServiceResult<RequestStatus> {
    if !matches!(action, Action::Endorse | Action::Withdraw) {
        return Err(AppError::Forbidden.into());
    }
    let mut tx = state.db.tenant_write_tx(&actor.scope()).await?;
    let row = repo::find_in_tenant_locked(&mut tx, &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = row.status;
    if current == RequestStatus::Draft && row.requester_user_id != actor.user_id() {
        return Err(AppError::NotFound.into());
    }
    let to = next(current, action, &tenant_actor(actor, &row))?;
    let moved = repo::Move {
        tenant_id: actor.tenant_id(),
        id,
        from: current,
        to,
    };
    let written = repo::set_status(&mut tx, moved).await?;
    ensure_moved(&mut tx, id, written).await?;
    record(
        &mut tx,
        Record {
            row: &row,
            action,
            from: Some(current),
            to,
            actor_user_id: actor.user_id(),
            actor_email: actor.email(),
            note: note.trim(),
            words: None,
            client_ip,
            detail: json!({}),
            audience: if action == Action::Withdraw {
                Audience::RequesterAndOwners
            } else {
                Audience::Requester
            },
        },
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}
