//! The capacity overview: every pool's weekly peak commitment over the next weeks, from one query
//! summing the approved windows of all sites.

use time::{Date, Duration};

use super::{
    repo::{self, Pools},
    today,
    viewer::Viewer,
};
use crate::domain::capacity::weekly_load;
use crate::features::capacity::types::{CapacityLoads, PoolLoad, WEEKS};
use crate::server::{catalogue::load_catalogue, error::ServiceResult, state::AppState};

/// The Monday of `day`'s week.
pub fn week_start(day: Date) -> Date {
    day - Duration::days(i64::from(day.weekday().number_days_from_monday()))
}

/// Every site and model of the catalogue with its weekly peak over the next [`WEEKS`] weeks.
pub async fn overview(state: &AppState, _viewer: &Viewer) -> ServiceResult<CapacityLoads> {
    let first = week_start(today());
    let end = first + Duration::days(7 * WEEKS as i64);
    // Platform scope: the load sums every tenant's approved quotas; only per-pool totals leave.
    let mut tx = state.db.platform_tx().await?;
    let catalogue = load_catalogue(&mut tx).await?;
    let loads = repo::pool_loads(&mut tx, Pools::All, first, end).await?;
    tx.commit().await?;
    let weeks: Vec<String> = (0..WEEKS)
        .map(|i| (first + Duration::days(7 * i as i64)).to_string())
        .collect();
    let mut pools = Vec::new();
    for site in &catalogue.sites {
        for pool in &site.gpus {
            let commitments = loads.commitments(site.id, &pool.model, first, end, None);
            let peaks = weekly_load(&commitments, first, WEEKS)
                .into_iter()
                .map(|w| w.peak_committed)
                .collect();
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
