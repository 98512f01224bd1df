//! The reads behind the pages: the tenant's list, a request's page, and the admin queue with each
//! request's review (residency now, and what granting it would do to its pool).

use std::collections::HashMap;

use sqlx::AnyConnection;
use time::Date;

use super::{
    drafting::new_idempotency_key,
    placement::{evaluate_at, failures, stored_placement},
    repo::{
        self, GrantedQuota, ListScope, PoolLoads, PoolWindow, Pools, RequestFilter, RequestRow,
    },
    timeline::tenant_actor,
    today,
    viewer::Viewer,
    PAGE_ROWS,
};
use crate::domain::step_words::StepWords;
use crate::domain::{
    capacity::{self, Pool},
    catalogue::CatalogueSnapshot,
    lifecycle::{self, Action, QuotaPhase, RequestKind, RequestStatus},
};
use crate::error::AppError;
use crate::server::{
    auth::actor::{AdminActor, TenantActor},
    catalogue::load_catalogue,
    error::ServiceResult,
    state::AppState,
    time_zone::PersonZone,
};
use crate::wire::requests::{Paged, QueueRow, RequestDetail, RequestSummary, Review};

/// The wire summary of a row, with the quota's phase on `today`.
fn summary(row: &RequestRow, today: Date) -> RequestSummary {
    let phase = match (row.approved_start, row.approved_end) {
        (Some(start), Some(end)) if row.status.grants_quota() => {
            Some(lifecycle::phase(start, end, today))
        }
        _ => None::<QuotaPhase>,
    };
    RequestSummary {
        id: row.id,
        tenant_name: row.tenant.name.clone(),
        tenant_suspended: row.tenant_suspended,
        project_id: row.project_id,
        project_code: row.project_code.clone(),
        project_name: row.project_name.clone(),
        kind: row.kind,
        amends_request_id: row.amends_request_id,
        status: row.status,
        project_title: row.project_title.clone(),
        sector: row.sector.as_str().to_owned(),
        classification: row.classification.as_str().to_owned(),
        site_slug: row.site_slug.clone(),
        site_name: row.site_name.clone(),
        gpu_model: row.gpu_model.clone(),
        gpus: row.gpus,
        start_date: row.start.to_string(),
        end_date: row.end.to_string(),
        approved_gpus: row.approved_gpus,
        approved_start: row.approved_start.map(|d| d.to_string()),
        approved_end: row.approved_end.map(|d| d.to_string()),
        phase,
        compliance_flag: row.compliance_flag.clone(),
        revision: row.revision,
        used_percent: used_percent(row),
    }
}

/// The per cent of its budget a quota has used.
fn used_percent(row: &RequestRow) -> Option<u32> {
    use crate::domain::usage;
    let (gpus, start, end) = row.granted().filter(|_| row.status.grants_quota())?;
    let budget = usage::budget_gpu_seconds(gpus, start, end, row.expected_gpu_hours);
    (budget > 0).then(|| usage::percent_used(row.used_gpu_seconds, budget))
}

/// One page of the tenant's requests and quotas matching `filter` (drafts only their requester's).
pub async fn list_for_tenant(
    state: &AppState,
    actor: &TenantActor,
    filter: &RequestFilter,
    page: u32,
) -> ServiceResult<Paged<RequestSummary>> {
    let (rows, has_more) =
        list_slice_for_tenant(state, actor, filter, i64::from(page) * PAGE_ROWS, PAGE_ROWS).await?;
    Ok(Paged {
        rows,
        page,
        has_more,
    })
}

/// At most `limit` of the tenant's requests matching `filter` from `offset`, and whether more
/// follow: the pages' list ([`list_for_tenant`]) and the API's.
pub async fn list_slice_for_tenant(
    state: &AppState,
    actor: &TenantActor,
    filter: &RequestFilter,
    offset: i64,
    limit: i64,
) -> ServiceResult<(Vec<RequestSummary>, bool)> {
    let mut tx = state.db.tenant_tx(&actor.scope()).await?;
    let scope = ListScope::Tenant {
        tenant_id: actor.tenant_id(),
        viewer_user_id: actor.user_id(),
        member_user: actor.scope().member_user(),
    };
    let (rows, has_more) = list_slice(&mut tx, scope, filter, offset, limit).await?;
    tx.commit().await?;
    let today = today();
    Ok((rows.iter().map(|r| summary(r, today)).collect(), has_more))
}

/// One page of every tenant's requests matching `filter` (never drafts), without the queue's
/// review: what the header's search finds for platform admins.
pub async fn list_for_admin(
    state: &AppState,
    _admin: &AdminActor,
    filter: &RequestFilter,
    page: u32,
) -> ServiceResult<Paged<RequestSummary>> {
    // Platform scope: an admin sees every tenant's requests, as in the queue.
    let mut tx = state.db.platform_tx().await?;
    let rows = list_page(&mut tx, ListScope::Platform, filter, page).await?;
    tx.commit().await?;
    let today = today();
    Ok(rows.try_map(|r| Ok::<_, AppError>(summary(&r, today)))?)
}

/// Rows of one page, and whether a next page exists (one row more than a page is asked for).
async fn list_page(
    conn: &mut AnyConnection,
    scope: ListScope,
    filter: &RequestFilter,
    page: u32,
) -> ServiceResult<Paged<RequestRow>> {
    let (rows, has_more) =
        list_slice(conn, scope, filter, i64::from(page) * PAGE_ROWS, PAGE_ROWS).await?;
    Ok(Paged {
        rows,
        page,
        has_more,
    })
}

/// At most `limit` rows from `offset`, and whether more follow (one row more is read).
async fn list_slice(
    conn: &mut AnyConnection,
    scope: ListScope,
    filter: &RequestFilter,
    offset: i64,
    limit: i64,
) -> ServiceResult<(Vec<RequestRow>, bool)> {
    let mut rows = repo::list_requests(conn, scope, filter, limit + 1, offset).await?;
    let keep = usize::try_from(limit).unwrap_or(usize::MAX);
    let has_more = rows.len() > keep;
    rows.truncate(keep);
    Ok((rows, has_more))
}

/// One request of the tenant with its timeline (times in `zone`) and the viewer's possible
/// actions.
pub async fn detail_for_tenant(
    state: &AppState,
    actor: &TenantActor,
    id: i64,
    zone: &PersonZone,
) -> ServiceResult<RequestDetail> {
    let mut tx = state.db.tenant_tx(&actor.scope()).await?;
    let row = Viewer::Tenant(actor.clone())
        .visible_request(&mut tx, id)
        .await?;
    let actions = lifecycle::allowed_actions(row.status, &tenant_actor(actor, &row));
    let quota_end = match (row.approved_end, row.kind) {
        (Some(end), RequestKind::New | RequestKind::Renewal) if row.status.grants_quota() => {
            Some(end)
        }
        _ => None,
    };
    let mut d = detail(&mut tx, row, actions, zone).await?;
    tx.commit().await?;
    if actor.role().can_write() {
        if let Some(end) = quota_end {
            d.amend_key = Some(new_idempotency_key());
            d.can_change = end > today();
        }
    }
    Ok(d)
}

/// Any request, for platform admins; times in `zone`.
pub async fn detail_for_admin(
    state: &AppState,
    admin: &AdminActor,
    id: i64,
    zone: &PersonZone,
) -> ServiceResult<RequestDetail> {
    // Platform scope: an admin reads any tenant's request.
    let mut tx = state.db.platform_tx().await?;
    let row = Viewer::Admin(admin.clone())
        .visible_request(&mut tx, id)
        .await?;
    let actor = lifecycle::Actor::new(None, true, row.requester_user_id == admin.user_id());
    let actions = lifecycle::allowed_actions(row.status, &actor);
    let catalogue = load_catalogue(&mut tx).await?;
    let mut reviews = reviews(&mut tx, &catalogue, std::slice::from_ref(&row)).await?;
    let can_end_early = row
        .commitment()
        .is_some_and(|c| !c.is_empty() && c.end > today());
    let mut d = detail(&mut tx, row, actions, zone).await?;
    tx.commit().await?;
    d.review = reviews.pop();
    d.can_end_early = can_end_early;
    d.can_open_project = false;
    Ok(d)
}

async fn detail(
    conn: &mut AnyConnection,
    row: RequestRow,
    actions: Vec<Action>,
    zone: &PersonZone,
) -> ServiceResult<RequestDetail> {
    // Guichet's own words on a step read in the reader's language; people's notes as written.
    let locale = crate::locale::current();
    let timeline: Vec<_> = repo::timeline(conn, row.tenant_id, row.id, zone)
        .await?
        .into_iter()
        .map(|(mut step, words)| {
            if let Some(words) = StepWords::from_json(words.as_deref()) {
                step.note = words.in_language(locale);
                step.headline = words.headline(locale).map(str::to_owned);
            }
            step
        })
        .collect();
    let (requester_name, _) = repo::user_name(conn, row.requester_user_id).await?;
    // The question of the last sending back, while it waits for its answer.
    let question = (row.status == RequestStatus::ChangesRequested)
        .then(|| {
            timeline
                .iter()
                .rev()
                .find(|t| t.to_status == RequestStatus::ChangesRequested && !t.note.is_empty())
                .map(|t| t.note.clone())
        })
        .flatten();
    Ok(RequestDetail {
        summary: summary(&row, today()),
        justification: row.justification.clone(),
        requester_name,
        expected_gpu_hours: row.expected_gpu_hours,
        confidential_waiver: row.confidential_waiver,
        decision_note: row.decision_note.clone(),
        question,
        policy_version: row.policy_version,
        catalogue_revision: row.catalogue_revision,
        timeline,
        actions,
        amend_key: None,
        can_change: false,
        review: None,
        can_end_early: false,
        can_open_project: true,
    })
}

/// The admin queue: one page of requests matching the filter, each with its review (the page's
/// capacity in two queries, whatever its number of rows).
pub async fn queue(
    state: &AppState,
    admin: &AdminActor,
    filter: &RequestFilter,
    page: u32,
) -> ServiceResult<Paged<QueueRow>> {
    let (rows, has_more) =
        queue_slice(state, admin, filter, i64::from(page) * PAGE_ROWS, PAGE_ROWS).await?;
    Ok(Paged {
        rows,
        page,
        has_more,
    })
}

/// At most `limit` rows of the queue from `offset`, each with its review, and whether more
/// follow: the queue page's and the API's.
pub async fn queue_slice(
    state: &AppState,
    _admin: &AdminActor,
    filter: &RequestFilter,
    offset: i64,
    limit: i64,
) -> ServiceResult<(Vec<QueueRow>, bool)> {
    // Platform scope: the queue holds every tenant's requests.
    let mut tx = state.db.platform_tx().await?;
    let catalogue = load_catalogue(&mut tx).await?;
    let (rows, has_more) = list_slice(&mut tx, ListScope::Platform, filter, offset, limit).await?;
    let reviews = reviews(&mut tx, &catalogue, &rows).await?;
    tx.commit().await?;
    let today = today();
    let rows = rows
        .iter()
        .zip(reviews)
        .map(|(row, review)| QueueRow {
            summary: summary(row, today),
            review,
        })
        .collect();
    Ok((rows, has_more))
}

/// The quota a change request amends: counted as amended, not twice (`None` for other kinds).
fn amended_id(row: &RequestRow) -> Option<i64> {
    match row.kind {
        RequestKind::Change => row.amends_request_id,
        _ => None,
    }
}

/// Each request as a platform admin weighs it: residency re-evaluated with the catalogue and lists
/// in force now, and the pool's peak before and after granting what was asked (a change request
/// counts instead of the quota it amends; a granted request is already counted). The loads of
/// every pool of `rows` are summed in one query, the quotas amended read in one more.
async fn reviews(
    conn: &mut AnyConnection,
    catalogue: &CatalogueSnapshot,
    rows: &[RequestRow],
) -> ServiceResult<Vec<Review>> {
    let windows: Vec<PoolWindow> = rows
        .iter()
        .map(|r| PoolWindow {
            site_id: r.site_id,
            gpu_model: r.gpu_model.clone(),
            start: r.start,
            end: r.end,
        })
        .collect();
    let loads = repo::pool_loads(conn, Pools::These(&windows)).await?;
    let amended: Vec<i64> = rows.iter().filter_map(amended_id).collect();
    let amended = repo::granted_quotas(conn, &amended).await?;
    rows.iter()
        .map(|row| review(catalogue, &loads, &amended, row))
        .collect()
}

fn review(
    catalogue: &CatalogueSnapshot,
    loads: &PoolLoads,
    amended: &HashMap<i64, GrantedQuota>,
    row: &RequestRow,
) -> ServiceResult<Review> {
    let (start, end) = (row.start, row.end);
    let site = catalogue.sites.iter().find(|s| s.id == row.site_id);
    let (eligible_now, failed) = match site {
        Some(site) => {
            let (request, tenant) = stored_placement(row, start, end)?;
            let evaluation = evaluate_at(catalogue, site, &request, tenant);
            (evaluation.eligible, failures(&evaluation))
        }
        None => (false, Vec::new()),
    };
    let pool = site
        .and_then(|s| s.pool(&row.gpu_model))
        .map(|p| Pool::new(p.installed, p.reserve))
        .unwrap_or_default();
    let except = amended_id(row)
        .and_then(|id| amended.get(&id))
        .filter(|((site_id, model), _)| *site_id == row.site_id && *model == row.gpu_model)
        .map(|(_, grant)| *grant);
    let commitments = loads.commitments(row.site_id, &row.gpu_model, start, end, except);
    let peak_before = capacity::peak_committed(&commitments, start, end);
    let peak_after = if row.status.grants_quota() {
        peak_before
    } else {
        peak_before.saturating_add(u32::try_from(row.gpus).unwrap_or(0))
    };
    Ok(Review {
        eligible_now,
        failures: failed,
        available: pool.available(),
        peak_before,
        peak_after,
        headroom_after: i64::from(pool.available()) - i64::from(peak_after),
    })
}
