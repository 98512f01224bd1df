//! Shared helpers of the benchmark binaries in `src/bin/`: percentiles, a fresh database, the
//! report line, a deterministic generator, the catalogue's pools and batched inserts; HTTP
//! clients and load in [`http`], CPU time in [`cpu`], the campus-scale data in [`campus`].

pub mod campus;
pub mod cpu;
pub mod http;

use std::time::Duration;

use app::server::Db;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A new, empty database: a temporary SQLite file, or a new database on the given
/// PostgreSQL server.
pub async fn fresh_database(arg: Option<String>) -> Result<String, BoxError> {
    let unique = format!(
        "{}_{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp_nanos() % 1_000_000_000_000
    );
    match arg {
        Some(url) if url.starts_with("postgres") => {
            use sqlx::Connection as _;
            let mut conn = sqlx::PgConnection::connect(&url).await?;
            let name = format!("guichet_bench_{unique}");
            sqlx::query(&format!("CREATE DATABASE {name}"))
                .execute(&mut conn)
                .await?;
            let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b);
            Ok(format!("{base}/{name}"))
        }
        Some(other) => Err(format!("not a PostgreSQL URL: {other}").into()),
        None => {
            let path = std::env::temp_dir().join(format!("guichet-bench-{unique}.db"));
            Ok(format!("sqlite://{}", path.display()))
        }
    }
}

/// Removes a temporary SQLite database made by [`fresh_database`] (the file and its WAL); a
/// PostgreSQL database is left where it is.
pub fn remove_sqlite_database(url: &str) {
    if let Some(path) = url.strip_prefix("sqlite://") {
        for suffix in ["", "-wal", "-shm"] {
            let _ = std::fs::remove_file(format!("{path}{suffix}"));
        }
    }
}

/// Reads the command line's `--name value` options and bare words: `set` gets each word and a
/// function that takes the next one as its value.
pub fn parse_args(
    mut set: impl FnMut(&str, &mut dyn FnMut() -> Result<String, BoxError>) -> Result<(), BoxError>,
) -> Result<(), BoxError> {
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || {
            args.next()
                .ok_or_else(|| BoxError::from(format!("{arg} needs a value")))
        };
        set(&arg, &mut value)?;
    }
    Ok(())
}

/// "what   n=…  median … ms   p99 … ms" for a set of latencies.
pub fn report(what: &str, mut samples: Vec<Duration>) {
    samples.sort();
    println!(
        "{what:<34} n={:<7} median {:>9.3} ms   p99 {:>9.3} ms",
        samples.len(),
        percentile(&samples, 50.0).as_secs_f64() * 1e3,
        percentile(&samples, 99.0).as_secs_f64() * 1e3,
    );
}

/// The `p`-th percentile (0–100) of sorted durations.
pub fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let rank = ((p / 100.0) * (sorted.len() - 1) as f64).round() as usize;
    sorted[rank.min(sorted.len() - 1)]
}

/// A small deterministic generator (xorshift64*): figures are comparable between runs.
pub struct Rng(pub u64);

impl Rng {
    pub fn next_u64(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// Uniform in `lo..=hi`.
    pub fn range(&mut self, lo: i64, hi: i64) -> i64 {
        let span = u64::try_from(hi - lo + 1).unwrap_or(1);
        lo + i64::try_from(self.next_u64() % span).unwrap_or(0)
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next_u64() % 100 < percent
    }
}

/// One pool of the catalogue: a site's GPUs of one model.
pub struct PoolRef {
    pub site_id: i64,
    pub model: String,
    pub available: u32,
}

/// The catalogue's pools, and a draw among them in proportion to their size.
pub struct Pools {
    pub pools: Vec<PoolRef>,
    total: u64,
}

impl Pools {
    /// Every pool of the catalogue, read straight from its table (platform scope).
    pub async fn load(db: &Db) -> Result<Self, BoxError> {
        let mut tx = db.platform_tx().await?;
        let rows: Vec<(i64, String, i64)> = sqlx::query_as(
            "SELECT site_id, gpu_model, installed - reserve FROM site_gpus ORDER BY site_id, gpu_model",
        )
        .fetch_all(&mut *tx)
        .await?;
        tx.commit().await?;
        let pools: Vec<PoolRef> = rows
            .into_iter()
            .map(|(site_id, model, available)| PoolRef {
                site_id,
                model,
                available: u32::try_from(available).unwrap_or(0),
            })
            .collect();
        if pools.is_empty() {
            return Err("the catalogue has no pool".into());
        }
        let total = pools.iter().map(|p| u64::from(p.available)).sum();
        Ok(Self { pools, total })
    }

    /// All GPUs available in the catalogue.
    pub fn total(&self) -> u64 {
        self.total
    }

    /// A pool drawn with a probability proportional to its GPUs.
    pub fn pick(&self, rng: &mut Rng) -> &PoolRef {
        let mut x = rng.next_u64() % self.total.max(1);
        for p in &self.pools {
            if x < u64::from(p.available) {
                return p;
            }
            x -= u64::from(p.available);
        }
        &self.pools[0]
    }
}

/// Rows per `INSERT` statement and statements per transaction of [`insert_rows`].
const ROWS_PER_STATEMENT: usize = 1_000;
const STATEMENTS_PER_TX: usize = 10;

/// Inserts rows fast: `head` is `INSERT INTO t (columns…)`, each row a `(…)` of SQL literals
/// (made by the benchmark, never from outside). A thousand rows a statement, ten statements a
/// transaction, in platform scope. Answers the number of rows.
pub async fn insert_rows(
    db: &Db,
    head: &str,
    rows: impl IntoIterator<Item = String>,
) -> Result<usize, BoxError> {
    let mut rows = rows.into_iter().peekable();
    let mut n = 0;
    while rows.peek().is_some() {
        let mut tx = db.platform_write_tx().await?;
        for _ in 0..STATEMENTS_PER_TX {
            let batch: Vec<String> = rows.by_ref().take(ROWS_PER_STATEMENT).collect();
            if batch.is_empty() {
                break;
            }
            n += batch.len();
            let sql = format!("{head} VALUES {}", batch.join(","));
            sqlx::query(&sql).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    }
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_three_is_the_middle_one() {
        let d = [1, 2, 3].map(Duration::from_millis);
        assert_eq!(percentile(&d, 50.0), Duration::from_millis(2));
        assert_eq!(percentile(&d, 100.0), Duration::from_millis(3));
    }

    #[test]
    fn the_generator_stays_in_its_range() {
        let mut rng = Rng(42);
        for _ in 0..1_000 {
            let x = rng.range(3, 7);
            assert!((3..=7).contains(&x));
        }
    }
}
