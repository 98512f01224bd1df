//! Capacity queries: the GPUs approved quotas commit, kept per pool and day in `pool_days` (so a
//! page reads the days of its windows, whatever the number of quotas), and the lock that
//! serialises approvals of one pool.

use std::collections::{BTreeMap, HashMap};

use sqlx::AnyConnection;
use time::Date;

use super::stored_date;
use crate::domain::capacity::{Commitment, Pool};

/// A pool (site id, model) over a window `[start, end)` of days.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PoolWindow {
    pub site_id: i64,
    pub gpu_model: String,
    pub start: Date,
    pub end: Date,
}

/// Which pools and days a [`pool_loads`] query reads.
#[derive(Debug, Clone, Copy)]
pub enum Pools<'a> {
    /// One model at every site, over one window.
    Model(&'a str, Date, Date),
    /// These pools, each over its own window.
    These(&'a [PoolWindow]),
}

/// The GPUs approved and partially approved quotas commit in some pools on the days read: per
/// pool, the committed total of each day that has one (a day absent commits nothing).
#[derive(Debug, Clone, Default)]
pub struct PoolLoads {
    days: HashMap<(i64, String), BTreeMap<i32, i64>>,
}

impl PoolLoads {
    /// The pool's load over `[start, end)` (which must lie within the days read) as commitments
    /// the domain's capacity functions read: one per stretch of days with the same total, so
    /// every day of the window totals what the approved quotas commit on it, less `except` (a
    /// quota whose grant is being replaced; counted only if it is in the sum). Days outside
    /// `[start, end)` total nothing.
    pub fn commitments(
        &self,
        site_id: i64,
        gpu_model: &str,
        start: Date,
        end: Date,
        except: Option<Commitment>,
    ) -> Vec<Commitment> {
        let days = self.days.get(&(site_id, gpu_model.to_owned()));
        let except = except.filter(|c| !c.is_empty()).map(|c| {
            (
                c.start.to_julian_day(),
                c.end.to_julian_day(),
                i64::from(c.gpus),
            )
        });
        let level_on = |day: i32| {
            let stored = days.and_then(|d| d.get(&day)).copied().unwrap_or(0);
            match except {
                Some((from, to, gpus)) if from <= day && day < to => stored - gpus,
                _ => stored,
            }
        };
        let (first, last) = (start.to_julian_day(), end.to_julian_day());
        let mut out = Vec::new();
        let mut run = (first, level_on(first));
        for day in first + 1..=last {
            let level = if day < last { level_on(day) } else { i64::MIN };
            if level != run.1 {
                if run.1 > 0 {
                    out.push(Commitment::new(
                        julian_date(run.0),
                        julian_date(day),
                        u32::try_from(run.1).unwrap_or(u32::MAX),
                    ));
                }
                run = (day, level);
            }
        }
        out
    }
}

/// The date of a Julian day number read within a real date's window, so always in range.
fn julian_date(day: i32) -> Date {
    Date::from_julian_day(day).unwrap_or(Date::MAX)
}

/// Reads, in one query on `pool_days`, what approved and partially approved quotas commit in
/// `pools` on the days asked. Its cost follows the days read, not the number of quotas.
pub async fn pool_loads(
    conn: &mut AnyConnection,
    pools: Pools<'_>,
) -> Result<PoolLoads, sqlx::Error> {
    let mut loads = PoolLoads::default();
    match pools {
        Pools::Model(model, start, end) => {
            let rows: Vec<(i64, i64, i64)> = sqlx::query_as(
                "SELECT site_id, day, committed FROM pool_days \
                 WHERE day >= $1 AND day < $2 AND gpu_model = $3",
            )
            .bind(i64::from(start.to_julian_day()))
            .bind(i64::from(end.to_julian_day()))
            .bind(model)
            .fetch_all(conn)
            .await?;
            for (site_id, day, committed) in rows {
                loads.put(site_id, model, day, committed)?;
            }
        }
        Pools::These(windows) => {
            let windows = merged(windows);
            if windows.is_empty() {
                return Ok(loads);
            }
            // One indexed range per window; `w` says which window a row belongs to.
            let sql = (0..windows.len())
                .map(|i| {
                    let p = 4 * i;
                    format!(
                        "SELECT CAST({i} AS BIGINT) AS w, day, committed FROM pool_days WHERE site_id = ${} \
                         AND gpu_model = ${} AND day >= ${} AND day < ${}",
                        p + 1,
                        p + 2,
                        p + 3,
                        p + 4
                    )
                })
                .collect::<Vec<_>>()
                .join(" UNION ALL ");
            let mut query = sqlx::query_as::<_, (i64, i64, i64)>(&sql);
            for w in &windows {
                query = query
                    .bind(w.site_id)
                    .bind(w.gpu_model.as_str())
                    .bind(i64::from(w.start.to_julian_day()))
                    .bind(i64::from(w.end.to_julian_day()));
            }
            for (w, day, committed) in query.fetch_all(conn).await? {
                let window = usize::try_from(w).ok().and_then(|w| windows.get(w));
                let Some(window) = window else {
                    return Err(sqlx::Error::Decode(format!("pool window {w}").into()));
                };
                loads.put(window.site_id, &window.gpu_model, day, committed)?;
            }
        }
    }
    Ok(loads)
}

impl PoolLoads {
    fn put(
        &mut self,
        site_id: i64,
        model: &str,
        day: i64,
        committed: i64,
    ) -> Result<(), sqlx::Error> {
        let day = i32::try_from(day).map_err(|_| {
            tracing::error!(site_id, gpu_model = %model, day, "a stored pool day does not decode");
            sqlx::Error::Decode(format!("pool day of site {site_id}: {day}").into())
        })?;
        self.days
            .entry((site_id, model.to_owned()))
            .or_default()
            .insert(day, committed);
        Ok(())
    }
}

/// `windows` with those of one pool that overlap or touch merged, so no day is read twice.
fn merged(windows: &[PoolWindow]) -> Vec<PoolWindow> {
    let mut sorted: Vec<&PoolWindow> = windows.iter().filter(|w| w.start < w.end).collect();
    sorted.sort_by(|a, b| {
        (a.site_id, &a.gpu_model, a.start).cmp(&(b.site_id, &b.gpu_model, b.start))
    });
    let mut out: Vec<PoolWindow> = Vec::new();
    for w in sorted {
        match out.last_mut() {
            Some(last)
                if last.site_id == w.site_id
                    && last.gpu_model == w.gpu_model
                    && w.start <= last.end =>
            {
                last.end = last.end.max(w.end);
            }
            _ => out.push(w.clone()),
        }
    }
    out
}

/// Every pool's highest committed total in each of `weeks` weeks from `first` (a pool with
/// nothing committed in the window is absent; a week with nothing is 0), in one query.
pub async fn weekly_peaks(
    conn: &mut AnyConnection,
    first: Date,
    weeks: usize,
) -> Result<HashMap<(i64, String), Vec<u32>>, sqlx::Error> {
    let first_day = i64::from(first.to_julian_day());
    let end = first_day + 7 * i64::try_from(weeks).unwrap_or(0);
    let rows: Vec<(i64, String, i64, i64)> = sqlx::query_as(
        "SELECT site_id, gpu_model, (day - $1) / 7, MAX(committed) FROM pool_days \
         WHERE day >= $1 AND day < $2 GROUP BY 1, 2, 3",
    )
    .bind(first_day)
    .bind(end)
    .fetch_all(conn)
    .await?;
    let mut peaks: HashMap<(i64, String), Vec<u32>> = HashMap::new();
    for (site_id, model, week, peak) in rows {
        let slot = usize::try_from(week).ok().filter(|w| *w < weeks);
        let Some(week) = slot else {
            return Err(sqlx::Error::Decode(
                format!("week {week} of a {weeks}-week window").into(),
            ));
        };
        peaks
            .entry((site_id, model))
            .or_insert_with(|| vec![0; weeks])[week] = u32::try_from(peak).unwrap_or(u32::MAX);
    }
    Ok(peaks)
}

/// Adds `gpus` GPUs (or, negative, takes them away) to what the locked `pool` commits on each day
/// of `[start, end)`. The one writer of `pool_days`: approval and amendment call it (through
/// [`crate::server::requests::decisions::reserve_capacity`]), and an early end or reduction of
/// a quota to give back what it no longer holds (`crate::server::requests::ending`), in the
/// transaction that writes the grant, under the pool's lock. A total that would fall below zero is an error (the table and
/// the quotas disagree), never a silent clamp.
pub async fn commit_to_pool(
    conn: &mut AnyConnection,
    pool: &LockedPool,
    start: Date,
    end: Date,
    gpus: i64,
) -> Result<(), sqlx::Error> {
    let (first, last) = (start.to_julian_day(), end.to_julian_day());
    if gpus == 0 || first >= last {
        return Ok(());
    }
    if gpus < 0 {
        // Taking away: every day of the window must hold at least that much already.
        let taken = sqlx::query(
            "UPDATE pool_days SET committed = committed + $1 \
             WHERE site_id = $2 AND gpu_model = $3 AND day >= $4 AND day < $5",
        )
        .bind(gpus)
        .bind(pool.site_id)
        .bind(pool.gpu_model.as_str())
        .bind(i64::from(first))
        .bind(i64::from(last))
        .execute(&mut *conn)
        .await?;
        if taken.rows_affected() != u64::try_from(last - first).unwrap_or(0) {
            tracing::error!(
                site_id = pool.site_id,
                gpu_model = %pool.gpu_model,
                "a grant taken back covers days that commit nothing"
            );
            return Err(sqlx::Error::Protocol(
                "pool_days disagrees with the grant taken back".into(),
            ));
        }
        sqlx::query(
            "DELETE FROM pool_days WHERE site_id = $1 AND gpu_model = $2 AND day >= $3 AND day < $4 \
             AND committed = 0",
        )
        .bind(pool.site_id)
        .bind(pool.gpu_model.as_str())
        .bind(i64::from(first))
        .bind(i64::from(last))
        .execute(&mut *conn)
        .await?;
        return Ok(());
    }
    // Day numbers are integers this function computed, written into the statement; the rest
    // is bound. A few hundred days a statement keeps it well within both databases' limits.
    let days: Vec<i32> = (first..last).collect();
    for chunk in days.chunks(366) {
        let values: Vec<String> = chunk.iter().map(|d| format!("($1, $2, {d}, $3)")).collect();
        sqlx::query(&format!(
            "INSERT INTO pool_days (site_id, gpu_model, day, committed) VALUES {} \
             ON CONFLICT (site_id, gpu_model, day) DO UPDATE SET committed = pool_days.committed + excluded.committed",
            values.join(", ")
        ))
        .bind(pool.site_id)
        .bind(pool.gpu_model.as_str())
        .bind(gpus)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

/// Rebuilds `pool_days` from the quotas themselves: what [`commit_to_pool`] keeps, recomputed.
/// For a database filled by hand (the benchmarks) and for the tests that check the two agree.
/// Platform scope, in a write transaction.
pub async fn recount_pool_days(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let grants: Vec<(i64, i64, String, String, String, i64)> = sqlx::query_as(
        "SELECT id, site_id, gpu_model, approved_start, approved_end, approved_gpus FROM quota_requests \
         WHERE status IN ('approved', 'partially_approved') AND approved_gpus IS NOT NULL \
         AND approved_start IS NOT NULL AND approved_end IS NOT NULL",
    )
    .fetch_all(&mut *conn)
    .await?;
    let mut totals: BTreeMap<(i64, String, i32), i64> = BTreeMap::new();
    for (id, site_id, model, start, end, gpus) in grants {
        let start = stored_date(id, "approved_start", &start)?.to_julian_day();
        let end = stored_date(id, "approved_end", &end)?.to_julian_day();
        for day in start..end {
            *totals.entry((site_id, model.clone(), day)).or_default() += gpus;
        }
    }
    sqlx::query("DELETE FROM pool_days")
        .execute(&mut *conn)
        .await?;
    let rows: Vec<_> = totals.into_iter().collect();
    for chunk in rows.chunks(500) {
        let values: Vec<String> = (0..chunk.len())
            .map(|i| {
                format!(
                    "(${}, ${}, ${}, ${})",
                    4 * i + 1,
                    4 * i + 2,
                    4 * i + 3,
                    4 * i + 4
                )
            })
            .collect();
        let sql = format!(
            "INSERT INTO pool_days (site_id, gpu_model, day, committed) VALUES {}",
            values.join(", ")
        );
        let mut query = sqlx::query(&sql);
        for ((site_id, model, day), committed) in chunk {
            query = query
                .bind(*site_id)
                .bind(model.as_str())
                .bind(i64::from(*day))
                .bind(*committed);
        }
        query.execute(&mut *conn).await?;
    }
    Ok(())
}

/// Every row of `pool_days` (site id, model, Julian day, committed), in order: for the tests
/// that check it against [`recount_pool_days`].
pub async fn pool_days_snapshot(
    conn: &mut AnyConnection,
) -> Result<Vec<(i64, String, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT site_id, gpu_model, day, committed FROM pool_days ORDER BY site_id, gpu_model, day",
    )
    .fetch_all(conn)
    .await
}

/// A pool locked for the rest of the transaction, and what it holds. Only [`lock_pool`] makes
/// one, so holding it shows the lock was taken.
#[derive(Debug)]
pub struct LockedPool {
    site_id: i64,
    gpu_model: String,
    pool: Pool,
}

impl LockedPool {
    pub fn site_id(&self) -> i64 {
        self.site_id
    }

    pub fn gpu_model(&self) -> &str {
        &self.gpu_model
    }

    /// Installed and reserved GPUs.
    pub fn pool(&self) -> Pool {
        self.pool
    }
}

/// Locks a pool (a site and model) until the transaction ends, so that approvals of that pool
/// are taken one after the other; `None` when the site has no such GPUs. Call it in a write
/// transaction ([`crate::server::db::Db::platform_write_tx`]): on PostgreSQL the pool's row is
/// locked (`FOR UPDATE`), on SQLite the write transaction already holds the database's lock.
pub async fn lock_pool(
    conn: &mut AnyConnection,
    site_id: i64,
    gpu_model: &str,
) -> Result<Option<LockedPool>, sqlx::Error> {
    let lock = crate::server::db::row_lock(conn, None);
    let row: Option<(i64, i64)> = sqlx::query_as(&format!(
        "SELECT installed, reserve FROM site_gpus WHERE site_id = $1 AND gpu_model = $2{lock}"
    ))
    .bind(site_id)
    .bind(gpu_model)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(installed, reserve)| LockedPool {
        site_id,
        gpu_model: gpu_model.to_owned(),
        pool: Pool::new(
            u32::try_from(installed).unwrap_or(0),
            u32::try_from(reserve).unwrap_or(0),
        ),
    }))
}

/// A quota's pool (site id, model) and grant.
pub type GrantedQuota = ((i64, String), Commitment);

/// The pools and grants of those of `ids` that are quotas (approved or partially approved), in
/// one query.
pub async fn granted_quotas(
    conn: &mut AnyConnection,
    ids: &[i64],
) -> Result<HashMap<i64, GrantedQuota>, sqlx::Error> {
    if ids.is_empty() {
        return Ok(HashMap::new());
    }
    let places: Vec<String> = (1..=ids.len()).map(|i| format!("${i}")).collect();
    let sql = format!(
        "SELECT id, site_id, gpu_model, approved_start, approved_end, approved_gpus FROM quota_requests \
         WHERE status IN ('approved', 'partially_approved') AND approved_gpus IS NOT NULL \
         AND approved_start IS NOT NULL AND approved_end IS NOT NULL AND id IN ({})",
        places.join(", ")
    );
    let mut query = sqlx::query_as::<_, (i64, i64, String, String, String, i64)>(&sql);
    for id in ids {
        query = query.bind(*id);
    }
    query
        .fetch_all(conn)
        .await?
        .into_iter()
        .map(|(id, site_id, model, start, end, gpus)| {
            let grant = Commitment::new(
                stored_date(id, "approved_start", &start)?,
                stored_date(id, "approved_end", &end)?,
                u32::try_from(gpus).unwrap_or(0),
            );
            Ok((id, ((site_id, model), grant)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::capacity::{peak_committed, weekly_load};
    use time::macros::date;

    /// What `pool_days` would hold for these quotas, read whole.
    fn loads_of(commitments: &[(i64, String, Commitment)]) -> PoolLoads {
        let mut loads = PoolLoads::default();
        for (site, model, c) in commitments {
            let days = loads.days.entry((*site, model.clone())).or_default();
            for day in c.start.to_julian_day()..c.end.to_julian_day() {
                *days.entry(day).or_default() += i64::from(c.gpus);
            }
        }
        loads
    }

    #[test]
    fn summed_loads_give_the_same_peaks_as_the_quotas_themselves() {
        let quotas = [
            Commitment::new(date!(2027 - 01 - 01), date!(2027 - 03 - 01), 8),
            Commitment::new(date!(2027 - 02 - 01), date!(2027 - 02 - 10), 4),
            Commitment::new(date!(2027 - 02 - 10), date!(2027 - 04 - 01), 16),
            Commitment::new(date!(2026 - 12 - 01), date!(2027 - 01 - 05), 2),
        ];
        let loads = loads_of(
            &quotas
                .iter()
                .map(|c| (1, "H100".to_owned(), *c))
                .collect::<Vec<_>>(),
        );
        for (start, end) in [
            (date!(2027 - 01 - 01), date!(2027 - 01 - 02)),
            (date!(2027 - 01 - 20), date!(2027 - 02 - 12)),
            (date!(2027 - 02 - 10), date!(2027 - 05 - 01)),
            (date!(2026 - 11 - 01), date!(2027 - 06 - 01)),
        ] {
            let summed = loads.commitments(1, "H100", start, end, None);
            assert_eq!(
                peak_committed(&summed, start, end),
                peak_committed(&quotas, start, end)
            );
            let first = date!(2026 - 11 - 30);
            let whole =
                loads.commitments(1, "H100", first, first + time::Duration::weeks(26), None);
            assert_eq!(
                weekly_load(&whole, first, 26),
                weekly_load(&quotas, first, 26)
            );
        }
        let without = loads.commitments(
            1,
            "H100",
            date!(2027 - 01 - 01),
            date!(2027 - 05 - 01),
            Some(quotas[2]),
        );
        assert_eq!(
            peak_committed(&without, date!(2027 - 01 - 01), date!(2027 - 05 - 01)),
            peak_committed(
                &[quotas[0], quotas[1], quotas[3]],
                date!(2027 - 01 - 01),
                date!(2027 - 05 - 01)
            )
        );
        assert!(loads
            .commitments(
                2,
                "H100",
                date!(2027 - 01 - 01),
                date!(2027 - 05 - 01),
                None
            )
            .is_empty());
    }
}
