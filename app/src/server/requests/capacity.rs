//! The capacity overview: every pool's weekly peak commitment over the next weeks, from one query
//! over the committed days of all sites.

use time::{Date, Duration};

use super::{
    repo::{self, PoolLoads, Pools},
    today,
    viewer::Viewer,
};
use crate::domain::capacity::{self, Pool};
use crate::domain::catalogue::{CatalogueSite, GpuPool};
use crate::server::{catalogue::load_catalogue, error::ServiceResult, state::AppState};
use crate::wire::capacity::{CapacityLoads, PoolLoad, WEEKS};

/// The GPUs of `pool` at `site` that no approved quota holds on any day of `[start, end)`.
pub(super) fn free_in(
    loads: &PoolLoads,
    site: &CatalogueSite,
    pool: &GpuPool,
    start: Date,
    end: Date,
) -> u32 {
    let commitments = loads.commitments(site.id, &pool.model, start, end, None);
    capacity::free_over_window(
        Pool::new(pool.installed, pool.reserve),
        &commitments,
        start,
        end,
    )
}

/// One pool's free GPUs over a window.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolFree {
    pub site_slug: String,
    pub site_name: String,
    pub gpu_model: String,
    /// Installed less the reserve.
    pub available: u32,
    /// What no approved quota holds on any day of the window.
    pub free: u32,
}

/// Every pool (or those of `model`) with its free GPUs over `[start, end)`: totals only, for any
/// signed-in viewer, as the capacity page shows them.
pub async fn free_over(
    state: &AppState,
    _viewer: &Viewer,
    start: Date,
    end: Date,
    model: Option<&str>,
) -> ServiceResult<Vec<PoolFree>> {
    // Platform scope: free GPUs count every tenant's approved quotas; only totals leave.
    let mut tx = state.db.platform_tx().await?;
    let catalogue = load_catalogue(&mut tx).await?;
    let mut models = catalogue.gpu_models();
    models.retain(|m| model.is_none_or(|wanted| wanted == m));
    let mut loads = Vec::with_capacity(models.len());
    for m in &models {
        loads.push(repo::pool_loads(&mut tx, Pools::Model(m, start, end)).await?);
    }
    tx.commit().await?;
    let mut pools = Vec::new();
    for site in &catalogue.sites {
        for pool in &site.gpus {
            let Some(i) = models.iter().position(|m| *m == pool.model) else {
                continue;
            };
            pools.push(PoolFree {
                site_slug: site.profile.slug.clone(),
                site_name: site.profile.name.clone(),
                gpu_model: pool.model.clone(),
                available: pool.available(),
                free: free_in(&loads[i], site, pool, start, end),
            });
        }
    }
    Ok(pools)
}

/// The Monday of `day`'s week.
pub fn week_start(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// Every site and model of the catalogue with its weekly peak over the next [`WEEKS`] weeks.
pub async fn overview(state: &AppState, _viewer: &Viewer) -> ServiceResult<CapacityLoads> {
    let first = week_start(today());
    // Platform scope: the load sums every tenant's approved quotas; only per-pool totals leave.
    let mut tx = state.db.platform_tx().await?;
    let catalogue = load_catalogue(&mut tx).await?;
    let loads = repo::weekly_peaks(&mut tx, first, WEEKS).await?;
    tx.commit().await?;
    let weeks: Vec<String> = (0..WEEKS)
        .map(|i| (first + Duration::days(7 * i as i64)).to_string())
        .collect();
    let mut pools = Vec::new();
    for site in &catalogue.sites {
        for pool in &site.gpus {
            let peaks = loads
                .get(&(site.id, pool.model.clone()))
                .cloned()
                .unwrap_or_else(|| vec![0; WEEKS]);
            pools.push(PoolLoad {
                site_slug: site.profile.slug.clone(),
                site_name: site.profile.name.clone(),
                gpu_model: pool.model.clone(),
                available: pool.available(),
                peaks,
            });
        }
    }
    Ok(CapacityLoads { weeks, pools })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weeks_start_on_monday() {
        let wed = Date::from_calendar_date(2027, time::Month::January, 6).unwrap();
        assert_eq!(week_start(wed).to_string(), "2027-01-04");
        assert_eq!(week_start(week_start(wed)), week_start(wed));
    }
}
