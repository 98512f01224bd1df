//! Shared helpers of the benchmark binaries in `src/bin/`: percentiles, a fresh
//! database and the report line.

use std::time::Duration;

pub type BoxError = Box<dyn std::error::Error + Send + Sync>;

/// A new, empty database: a temporary SQLite file, or a new database on the given
/// PostgreSQL server.
pub async fn fresh_database(arg: Option<String>) -> Result<String, BoxError> {
    let unique = format!(
        "{}_{}",
        std::process::id(),
        time::OffsetDateTime::now_utc().unix_timestamp()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_median_of_three_is_the_middle_one() {
        let d = [1, 2, 3].map(Duration::from_millis);
        assert_eq!(percentile(&d, 50.0), Duration::from_millis(2));
        assert_eq!(percentile(&d, 100.0), Duration::from_millis(3));
    }
}
