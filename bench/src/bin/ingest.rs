//! Usage ingestion benchmark (issue 14): one million Slurm accounting records for one site,
//! through the same `Ingest` the agent's upload streams into (chunks of 1,000 lines, one write
//! transaction each), then the same million again (all unchanged). Prints records/s and the
//! process's peak resident memory, which stays flat whatever the number of records because
//! nothing holds more than a chunk. Nothing fails on timing.
//!
//! ```sh
//! cargo run --release -p bench --bin ingest                 # SQLite in a temporary file
//! cargo run --release -p bench --bin ingest -- postgres://user@host:port/db [RECORDS]
//! ```

use std::time::Instant;

use app::server::{
    auth::actor::AdminActor, config::DatabaseUrl, demo, site_agents, usage::Ingest,
    usage::CHUNK_LINES, AppConfig, AppState, Db,
};
use app::wire::site_agents::AgentForm;
use bench::{fresh_database, BoxError};
use time::{Duration, OffsetDateTime};

/// Peak resident memory of this process so far, in MiB (Linux's VmHWM).
fn peak_rss_mib() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|kb| kb.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let url = fresh_database(std::env::args().nth(1).filter(|a| a.contains("://"))).await?;
    let records: usize = std::env::args()
        .filter_map(|a| a.parse().ok())
        .next()
        .unwrap_or(1_000_000);
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("Ingestion benchmark on {backend}: {records} records");
    let config = AppConfig {
        database_url: DatabaseUrl::new(url.clone()),
        ..AppConfig::default()
    };
    let db = Db::connect(&config.database_url, 4).await?;
    db.migrate().await?;
    let state = AppState::new(db, config);
    demo::load_if_empty(&state).await?;

    // A quota of the first verified tenant's first project at Dugny, active for 60 days.
    let mut tx = state.db.platform_write_tx().await?;
    let (tenant_id, slug, project_id, code, user_id): (i64, String, i64, String, i64) = sqlx::query_as(
        "SELECT t.id, t.slug, p.id, p.code, m.user_id FROM tenants t JOIN projects p ON p.tenant_id = t.id \
         JOIN memberships m ON m.tenant_id = t.id AND m.role = 'owner' \
         WHERE t.status = 'verified' ORDER BY t.id, p.id LIMIT 1",
    )
    .fetch_one(&mut *tx)
    .await?;
    let today = OffsetDateTime::now_utc().date();
    let (start, end) = (today - Duration::days(30), today + Duration::days(30));
    sqlx::query(
        "INSERT INTO quota_requests (tenant_id, project_id, requester_user_id, status, project_title, justification, \
         sector, classification, site_id, gpu_model, gpus, start_date, end_date, approved_gpus, approved_start, \
         approved_end, idempotency_key, created_at, updated_at) \
         SELECT $1, $2, $3, 'approved', 'Ingestion benchmark', 'A quota for the benchmark.', 'research', 'public', \
         s.id, 'H100', 64, $4, $5, 64, $4, $5, 'bench-ingest', 0, 0 FROM sites s WHERE s.slug = 'dugny'",
    )
    .bind(tenant_id)
    .bind(project_id)
    .bind(user_id)
    .bind(start.to_string())
    .bind(end.to_string())
    .execute(&mut *tx)
    .await?;
    let (admin_id, admin_email): (i64, String) =
        sqlx::query_as("SELECT id, email FROM users WHERE platform_admin = 1 ORDER BY id LIMIT 1")
            .fetch_one(&mut *tx)
            .await?;
    tx.commit().await?;
    let admin = AdminActor::for_demo_and_benchmarks(admin_id, admin_email);
    let form = AgentForm {
        site: "dugny".into(),
        name: "bench".into(),
        cluster: "bench".into(),
        lead_days: String::new(),
    };
    let made = site_agents::register(&state, &admin, &form.parse()?, None).await?;
    let auth = format!("Bearer {}", made.secret);
    let agent = site_agents::authenticate(&state, Some(&auth), None).await?;
    let account = format!("{slug}_{code}");
    let base = (today - Duration::days(20))
        .midnight()
        .assume_utc()
        .unix_timestamp();
    let line = |i: usize| {
        // Jobs spread over 19 days (all over by now), 1 to 8 GPUs, 10 minutes to 10 hours; some
        // cross midnight.
        let started = base + (i as i64 * 1_727) % (19 * 86_400);
        let t = OffsetDateTime::from_unix_timestamp(started).unwrap();
        let elapsed = 600 + (i as i64 * 7_919) % 36_000;
        format!(
            "{i}|bench|{account}|user{}|{:04}-{:02}-{:02}T{:02}:{:02}:{:02}|Unknown|COMPLETED|{elapsed}|billing=1,cpu=4,gres/gpu:h100={},gres/gpu={0},mem=16G,node=1",
            i % 50,
            t.year(),
            u8::from(t.month()),
            t.day(),
            t.hour(),
            t.minute(),
            t.second(),
            1 + i % 8
        )
    };

    for pass in ["new records", "the same again (unchanged)"] {
        let now = OffsetDateTime::now_utc().unix_timestamp();
        let mut ingest = Ingest::start(&state, &agent, now).await?;
        let begun = Instant::now();
        let mut n = 0;
        while n < records {
            let upto = (n + CHUNK_LINES).min(records);
            let chunk = (n..upto).map(|i| (i as u64 + 1, Ok(line(i)))).collect();
            ingest.chunk(chunk).await?;
            n = upto;
        }
        let report = ingest.finish();
        let secs = begun.elapsed().as_secs_f64();
        println!(
            "{pass:<28} {records} records in {secs:.1} s: {:.0} records/s; recorded {}, unchanged {}, refused {}; {:.0} GPU-hours added; peak RSS {:.1} MiB",
            records as f64 / secs,
            report.recorded,
            report.unchanged,
            report.refused_count,
            report.gpu_hours_added,
            peak_rss_mib()
        );
    }
    Ok(())
}
