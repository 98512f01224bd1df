//! Capacity benchmark: a fresh database with the demo data and 100,000 approved quotas spread
//! over the demo sites, models and two years; then the latency of the capacity check (the
//! commitments query and `check_fits`) for 1,000 random candidates, and of 200 full approvals
//! through the service, one by one. Prints figures; nothing fails on timing.
//!
//! ```sh
//! cargo run --release -p bench --bin capacity               # SQLite in a temporary file
//! cargo run --release -p bench --bin capacity -- postgres://user@host:port/db   # a new database there
//! ```

use std::time::Instant;

use app::domain::capacity::{check_fits, Commitment, Pool};
use app::domain::lifecycle::Action;
use app::server::{
    auth::actor::AdminActor,
    config::DatabaseUrl,
    demo,
    requests::{self, repo, DecisionInput},
    AppConfig, AppState, Db,
};
use bench::{fresh_database, insert_rows, report, BoxError, Pools, Rng};
use time::{Date, Duration as Days, OffsetDateTime};

const QUOTAS: usize = 100_000;
const CHECKS: usize = 1_000;
const APPROVALS: usize = 200;

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let url = fresh_database(std::env::args().nth(1)).await?;
    let backend = if url.starts_with("postgres") {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!("Capacity benchmark on {backend}");
    let config = AppConfig {
        database_url: DatabaseUrl::new(url.clone()),
        ..AppConfig::default()
    };
    let db = Db::connect(&config.database_url, 4).await?;
    db.migrate().await?;
    let state = AppState::new(db, config);
    demo::load_if_empty(&state).await?;

    let pools = Pools::load(&state.db).await?;
    // Platform scope throughout: the benchmark spans tenants, as the capacity check does.
    let mut conn = state.db.platform_tx().await?;
    let (tenant_id, user_id, project_id): (i64, i64, i64) = sqlx::query_as(
        "SELECT t.id, m.user_id, (SELECT MIN(p.id) FROM projects p WHERE p.tenant_id = t.id) \
         FROM tenants t JOIN memberships m ON m.tenant_id = t.id \
         WHERE t.status = 'verified' AND m.role = 'owner' ORDER BY t.id LIMIT 1",
    )
    .fetch_one(&mut *conn)
    .await?;
    let (admin_id, admin_email): (i64, String) =
        sqlx::query_as("SELECT id, email FROM users WHERE platform_admin = 1 ORDER BY id LIMIT 1")
            .fetch_one(&mut *conn)
            .await?;
    conn.commit().await?;

    // Quotas of 1–3 GPUs for 1–7 weeks, placed in pools in proportion to their size, over the
    // year before and the year after today: about 60 % of every pool committed on a usual day.
    let today = OffsetDateTime::now_utc().date();
    let first = today - Days::days(365);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let loading = Instant::now();
    let rows = (0..QUOTAS).map(|n| {
        let pool = pools.pick(&mut rng);
        let start = first + Days::days(rng.range(0, 729));
        let end = start + Days::days(7 * rng.range(1, 7));
        let gpus = rng.range(1, 3);
        format!(
            "({tenant_id}, {user_id}, 'new', 'approved', 'Bench', 'Benchmark quota.', 'research', 'public', \
             {}, '{}', {gpus}, '{start}', '{end}', {gpus}, '{start}', '{end}', 'bench-{n}', {now}, {now}, {project_id})",
            pool.site_id, pool.model
        )
    });
    insert_rows(
        &state.db,
        "INSERT INTO quota_requests (tenant_id, requester_user_id, kind, status, project_title, justification, \
         sector, classification, site_id, gpu_model, gpus, start_date, end_date, approved_gpus, approved_start, \
         approved_end, idempotency_key, created_at, updated_at, project_id)",
        rows,
    )
    .await?;
    // Rows written by hand: the committed days are counted from them, as approvals would have.
    let mut tx = state.db.platform_write_tx().await?;
    repo::recount_pool_days(&mut tx).await?;
    tx.commit().await?;
    println!(
        "loaded {QUOTAS} approved quotas in {:.1} s",
        loading.elapsed().as_secs_f64()
    );

    // The capacity check: the commitments query and check_fits.
    let mut conn = state.db.platform_tx().await?;
    let mut samples = Vec::with_capacity(CHECKS);
    let (mut fits, mut short) = (0, 0);
    for _ in 0..CHECKS {
        let pool = pools.pick(&mut rng);
        let start = first + Days::days(rng.range(0, 729));
        let end = start + Days::days(rng.range(7, 60));
        let gpus = u32::try_from(rng.range(1, 8)).unwrap_or(1);
        let t = Instant::now();
        let window = [repo::PoolWindow {
            site_id: pool.site_id,
            gpu_model: pool.model.clone(),
            start,
            end,
        }];
        let loads = repo::pool_loads(&mut conn, repo::Pools::These(&window)).await?;
        let commitments = loads.commitments(pool.site_id, &pool.model, start, end, None);
        let result = check_fits(
            Pool::new(pool.available, 0),
            &commitments,
            &Commitment::new(start, end, gpus),
        );
        samples.push(t.elapsed());
        if result.is_ok() {
            fits += 1;
        } else {
            short += 1;
        }
    }
    conn.commit().await?;
    report("capacity check (query + check_fits)", samples);
    println!("  {fits} fit, {short} short");

    // Full approvals through the service: 200 endorsed requests of 1 GPU, approved one by one.
    let mut ids = Vec::with_capacity(APPROVALS);
    let mut tx = state.db.platform_write_tx().await?;
    for i in 0..APPROVALS {
        let pool = pools.pick(&mut rng);
        let start: Date = today + Days::days(rng.range(7, 300));
        let end = start + Days::days(rng.range(7, 60));
        let (id,): (i64,) = sqlx::query_as(
            "INSERT INTO quota_requests (tenant_id, requester_user_id, kind, status, project_title, justification, \
             sector, classification, site_id, gpu_model, gpus, start_date, end_date, idempotency_key, created_at, updated_at, \
             project_id) \
             VALUES ($1, $2, 'new', 'endorsed', 'Bench approval', 'Benchmark approval.', 'research', 'public', \
             $3, $4, 1, $5, $6, $7, $8, $8, $9) RETURNING id",
        )
        .bind(tenant_id)
        .bind(user_id)
        .bind(pool.site_id)
        .bind(pool.model.clone())
        .bind(start.to_string())
        .bind(end.to_string())
        .bind(format!("bench-approval-{i}"))
        .bind(now)
        .bind(project_id)
        .fetch_one(&mut *tx)
        .await?;
        ids.push(id);
    }
    tx.commit().await?;
    let admin = AdminActor::for_demo_and_benchmarks(admin_id, admin_email);
    let decision = DecisionInput {
        action: Action::Approve,
        note: String::new(),
        approved_gpus: None,
        approved_start: None,
        approved_end: None,
        expected_revision: None,
    };
    let mut samples = Vec::with_capacity(APPROVALS);
    let (mut approved, mut refused) = (0, 0);
    for id in ids {
        let t = Instant::now();
        let result = requests::decide_on_request(&state, &admin, id, &decision, None).await;
        samples.push(t.elapsed());
        match result {
            Ok(_) => approved += 1,
            Err(e) => {
                refused += 1;
                if refused <= 3 {
                    println!("  refused #{id}: {e:?}");
                }
            }
        }
    }
    report("full approval (service)", samples);
    println!("  {approved} approved, {refused} refused");

    let mut tx = state.db.platform_tx().await?;
    let counts: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM quota_requests GROUP BY status ORDER BY status",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    for (status, count) in counts {
        println!("rows: {status:<20} {count}");
    }
    println!("database: {url}");
    Ok(())
}
