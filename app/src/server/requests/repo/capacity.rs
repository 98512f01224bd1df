//! Capacity queries: the GPUs approved quotas commit, summed by the database once per page, and
//! the lock that serialises approvals of one pool.

use std::collections::{BTreeMap, HashMap};

use sqlx::AnyConnection;
use time::Date;

use super::stored_date;
use crate::domain::capacity::{Commitment, Pool};

/// Which pools a [`pool_loads`] query sums.
#[derive(Debug, Clone, Copy)]
pub enum Pools<'a> {
    /// Every site and model.
    All,
    /// One model at every site.
    Model(&'a str),
    /// These (site id, model) pools.
    These(&'a [(i64, String)]),
}

/// The GPUs approved and partially approved quotas commit in some pools over a window, as the
/// database summed them: per pool, the net change of committed GPUs on each day a quota starts
/// (+) or ends (−). Its size depends on the days quotas start and end, not on how many there are.
#[derive(Debug, Clone, Default)]
pub struct PoolLoads {
    changes: HashMap<(i64, String), BTreeMap<Date, i64>>,
}

impl PoolLoads {
    /// The pool's load over `[start, end)` (which must lie within the window queried) as
    /// commitments the domain's capacity functions read: one per stretch of days with the same
    /// total, so every day of the window totals what the approved quotas commit on it, less
    /// `except` (a quota whose grant is being replaced; counted only if it is in the sum).
    /// Days outside `[start, end)` total nothing.
    pub fn commitments(
        &self,
        site_id: i64,
        gpu_model: &str,
        start: Date,
        end: Date,
        except: Option<Commitment>,
    ) -> Vec<Commitment> {
        let mut changes = self
            .changes
            .get(&(site_id, gpu_model.to_owned()))
            .cloned()
            .unwrap_or_default();
        if let Some(except) = except.filter(|c| !c.is_empty()) {
            *changes.entry(except.start).or_default() -= i64::from(except.gpus);
            *changes.entry(except.end).or_default() += i64::from(except.gpus);
        }
        let mut level: i64 = changes.range(..=start).map(|(_, delta)| delta).sum();
        let mut from = start;
        let mut out = Vec::new();
        let mut push = |from: Date, to: Date, level: i64| {
            if level > 0 && from < to {
                out.push(Commitment::new(
                    from,
                    to,
                    u32::try_from(level).unwrap_or(u32::MAX),
                ));
            }
        };
        for (&day, &delta) in changes.range(start..end) {
            if day == start || delta == 0 {
                continue;
            }
            push(from, day, level);
            level += delta;
            from = day;
        }
        push(from, end, level);
        out
    }
}

/// Sums, in one query, the GPUs approved and partially approved quotas of `pools` commit on the
/// days of `[start, end)` (one query on the capacity index, whatever the number of quotas). An
/// approved change request holds no GPUs itself (its approved fields stay empty): the quota it
/// amends does.
pub async fn pool_loads(
    conn: &mut AnyConnection,
    pools: Pools<'_>,
    start: Date,
    end: Date,
) -> Result<PoolLoads, sqlx::Error> {
    let mut filter = String::new();
    match pools {
        Pools::All => {}
        Pools::Model(_) => filter.push_str(" AND gpu_model = $3"),
        Pools::These([]) => return Ok(PoolLoads::default()),
        Pools::These(list) => {
            let alternatives: Vec<String> = (0..list.len())
                .map(|i| format!("(site_id = ${} AND gpu_model = ${})", 3 + 2 * i, 4 + 2 * i))
                .collect();
            filter = format!(" AND ({})", alternatives.join(" OR "));
        }
    }
    let quotas = format!(
        "FROM quota_requests WHERE status IN ('approved', 'partially_approved') \
         AND approved_start < $1 AND approved_end > $2{filter}"
    );
    let sql = format!(
        "SELECT site_id, gpu_model, day, CAST(SUM(delta) AS BIGINT) FROM (\
         SELECT site_id, gpu_model, approved_start AS day, approved_gpus AS delta {quotas} \
         UNION ALL SELECT site_id, gpu_model, approved_end AS day, -approved_gpus AS delta {quotas}\
         ) e GROUP BY site_id, gpu_model, day"
    );
    let mut query = sqlx::query_as::<_, (i64, String, String, i64)>(&sql)
        .bind(end.to_string())
        .bind(start.to_string());
    match pools {
        Pools::All => {}
        Pools::Model(model) => query = query.bind(model),
        Pools::These(list) => {
            for (site_id, model) in list {
                query = query.bind(*site_id).bind(model.as_str());
            }
        }
    }
    let mut loads = PoolLoads::default();
    for (site_id, model, day, delta) in query.fetch_all(conn).await? {
        let day = crate::domain::dates::parse_iso_date(&day).ok_or_else(|| {
            tracing::error!(site_id, gpu_model = %model, "a stored quota window does not decode");
            sqlx::Error::Decode(format!("quota window of site {site_id}: “{day}”").into())
        })?;
        *loads
            .changes
            .entry((site_id, model))
            .or_default()
            .entry(day)
            .or_default() += delta;
    }
    Ok(loads)
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

    fn loads_of(commitments: &[(i64, String, Commitment)]) -> PoolLoads {
        let mut loads = PoolLoads::default();
        for (site, model, c) in commitments {
            let pool = loads.changes.entry((*site, model.clone())).or_default();
            *pool.entry(c.start).or_default() += i64::from(c.gpus);
            *pool.entry(c.end).or_default() -= i64::from(c.gpus);
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
