//! The capacity overview: every pool's weekly peak commitment over the next weeks, from one query
//! over the committed days of all sites.

use time::{Date, Duration};

use super::{repo, today, viewer::Viewer};
use crate::features::capacity::types::{CapacityLoads, PoolLoad, WEEKS};
use crate::server::{catalogue::load_catalogue, error::ServiceResult, state::AppState};

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
