//! The capacity overview: every pool's weekly peak commitment over the next weeks, from one query
//! over the approved windows of all sites.

use std::collections::HashMap;

use time::{Date, Duration};

use super::repo::parse_date;
use super::service::today;
pub use super::service::Viewer;
use crate::domain::capacity::{weekly_load, Commitment};
use crate::features::capacity::{CapacityLoads, PoolLoad, WEEKS};
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
    let rows: Vec<(i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT site_id, gpu_model, approved_start, approved_end, approved_gpus FROM quota_requests \
         WHERE status IN ('approved', 'partially_approved') AND approved_start < $1 AND approved_end > $2",
    )
    .bind(end.to_string())
    .bind(first.to_string())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    let mut by_pool: HashMap<(i64, String), Vec<Commitment>> = HashMap::new();
    for (site_id, model, s, e, gpus) in rows {
        by_pool
            .entry((site_id, model))
            .or_default()
            .push(Commitment::new(
                parse_date(&s)?,
                parse_date(&e)?,
                u32::try_from(gpus).unwrap_or(0),
            ));
    }
    let weeks: Vec<String> = (0..WEEKS)
        .map(|i| (first + Duration::days(7 * i as i64)).to_string())
        .collect();
    let mut pools = Vec::new();
    for site in &catalogue.sites {
        for pool in &site.gpus {
            let commitments = by_pool
                .remove(&(site.id, pool.model.clone()))
                .unwrap_or_default();
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
