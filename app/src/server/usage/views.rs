//! Reads of usage for people: a quota's use against its budget (the chart on its page, with the
//! pace line and the day its budget runs out), and for admins granted against used per site and
//! model.

use std::collections::BTreeMap;

use time::{Date, Duration};

use super::{hours, repo};
use crate::domain::dates::parse_iso_date;
use crate::domain::tenancy::TenantRole;
use crate::domain::usage::{budget_gpu_seconds, day_start, is_idle, percent_used, runs_out_at};
use crate::error::AppError;
use crate::server::{
    auth::actor::AdminActor, error::ServiceResult, requests::Viewer, state::AppState,
};
use crate::wire::usage::{DayUse, PersonUse, PoolUse, QuotaUsage};

fn round(h: f64) -> f64 {
    (h * 100.0).round() / 100.0
}

/// Quota `id`'s use against its budget on `now` (Unix seconds), as `viewer` may see it: a
/// request they cannot see, or one that holds no quota, is not found. The per-person breakdown
/// is for the tenant's owners and auditors and for platform admins.
pub async fn quota_usage(
    state: &AppState,
    viewer: &Viewer,
    id: i64,
    now: i64,
) -> ServiceResult<QuotaUsage> {
    let mut tx = viewer.tx(state, false).await?;
    let row = viewer.visible_request(&mut tx, id).await?;
    let (gpus, start, end) = row
        .granted()
        .filter(|_| row.status.grants_quota())
        .ok_or(AppError::NotFound)?;
    let daily = repo::daily(&mut tx, id).await?;
    let sees_people = match viewer {
        Viewer::Admin(_) => true,
        Viewer::Tenant(t) => matches!(t.role(), TenantRole::Owner | TenantRole::Auditor),
    };
    let people = if sees_people {
        repo::by_person(&mut tx, id).await?
    } else {
        Vec::new()
    };
    tx.commit().await?;

    let used = row.used_gpu_seconds;
    let budget = budget_gpu_seconds(gpus, start, end, row.expected_gpu_hours);
    let per_day: BTreeMap<String, i64> = daily.into_iter().collect();
    let today = time::OffsetDateTime::from_unix_timestamp(now).map_or(start, |t| t.date());
    let last = today.min(end - Duration::days(1));
    let window_days = (end - start).whole_days().max(1);
    let mut days = Vec::new();
    let (mut day, mut cumulative) = (start, 0_i64);
    while day <= last {
        let key = day.to_string();
        let used_today = per_day.get(&key).copied().unwrap_or(0);
        cumulative += used_today;
        let elapsed_days = (day - start).whole_days() + 1;
        days.push(DayUse {
            day: key,
            gpu_hours: round(hours(used_today)),
            cumulative: round(hours(cumulative)),
            pace: round(hours(budget) * (elapsed_days as f64) / (window_days as f64)),
        });
        day = day.next_day().unwrap_or(end);
    }
    let (from, to) = (day_start(start), day_start(end));
    let runs_out_on = runs_out_at(used, budget, from, now.min(to))
        .filter(|at| *at < to)
        .and_then(|at| time::OffsetDateTime::from_unix_timestamp(at).ok())
        .map(|t| t.date().to_string());
    Ok(QuotaUsage {
        budget_gpu_hours: round(hours(budget)),
        used_gpu_hours: round(hours(used)),
        percent: percent_used(used, budget),
        days,
        runs_out_on,
        by_person: people
            .into_iter()
            .map(|(login, name, seconds)| PersonUse {
                login,
                name,
                gpu_hours: round(hours(seconds)),
            })
            .collect(),
        idle: is_idle(used, budget, from, to, now),
    })
}

/// Per site and model, over `[from, to)`: the GPU-hours granted by quotas (their GPUs × the
/// part of their window in the period) against the GPU-hours used; largest grant first.
pub async fn pools(
    state: &AppState,
    _admin: &AdminActor,
    from: Date,
    to: Date,
) -> ServiceResult<Vec<PoolUse>> {
    let (f, t) = (from.to_string(), to.to_string());
    // Platform scope: every site's quotas and use.
    let mut tx = state.db.platform_tx().await?;
    let windows = repo::granted_windows(&mut tx, &f, &t).await?;
    let used = repo::used_by_pool(&mut tx, &f, &t).await?;
    tx.commit().await?;
    let mut pools: BTreeMap<(String, String), (i64, i64)> = BTreeMap::new();
    for (site, model, gpus, start, end) in windows {
        let (Some(start), Some(end)) = (parse_iso_date(&start), parse_iso_date(&end)) else {
            continue;
        };
        let days = (end.min(to) - start.max(from)).whole_days().max(0);
        pools.entry((site, model)).or_default().0 += gpus * days * 86_400;
    }
    for (site, model, seconds) in used {
        pools.entry((site, model)).or_default().1 += seconds;
    }
    let mut out: Vec<PoolUse> = pools
        .into_iter()
        .map(|((site, model), (granted, used))| PoolUse {
            site,
            model,
            granted_gpu_hours: round(hours(granted)),
            used_gpu_hours: round(hours(used)),
            percent: percent_used(used, granted),
        })
        .collect();
    out.sort_by(|a, b| b.granted_gpu_hours.total_cmp(&a.granted_gpu_hours));
    Ok(out)
}
