//! Campus-scale benchmark: the pages whose work grows with the database, at two sizes. For each
//! size it builds a fresh database (the demo data, then 1,000 verified tenants and their
//! requests, see `bench::campus`), serves the real router in this process on 127.0.0.1, signs
//! in the platform admin and a tenant owner, and loads three pages in turn: the admin queue
//! (`/admin/requests`, endorsed requests, 50 a page, each with its residency and capacity
//! review), `/capacity` (26 weeks of every pool) and the tenant's list (`/requests`, 50 rows).
//! It prints pages per second and the server's CPU time per page, then a table of both sizes
//! and their ratio. The goal (issue 11) is that the large database stays within 2× of the small
//! one. Nothing fails on timing.
//!
//! ```sh
//! cargo run --release -p bench --bin scale                         # SQLite in temporary files
//! cargo run --release -p bench --bin scale -- postgres://user@host:port/db   # new databases there
//! cargo run --release -p bench --bin scale -- --seconds 5 --small 1000 --large 100000
//! ```
//!
//! The server runs on a runtime of its own (2 worker threads) and the load generator on one
//! thread: the server's CPU time is the process's minus that thread's, read from `/proc`. On
//! PostgreSQL the database server's own CPU is not in it. Each measurement stops after
//! `--pages` pages or `--seconds` seconds, whichever comes first.

use std::{
    net::SocketAddr,
    time::{Duration, Instant},
};

use app::server::{
    config::{default_pool_size, DatabaseUrl},
    demo, router, AppConfig, AppState, Db,
};
use bench::{
    campus::{self, Campus, TITLE},
    cpu, fresh_database,
    http::{get, load, login, login_with_code, Conn, LoadPlan},
    parse_args, percentile, remove_sqlite_database, BoxError,
};

/// The allocator of the release server (`server/src/main.rs`), so CPU figures compare.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

struct Options {
    database: Option<String>,
    tenants: usize,
    small: usize,
    large: usize,
    connections: usize,
    seconds: u64,
    pages: usize,
}

fn options() -> Result<Options, BoxError> {
    let mut o = Options {
        database: None,
        tenants: 1_000,
        small: 1_000,
        large: 100_000,
        connections: 4,
        seconds: 10,
        pages: 20_000,
    };
    parse_args(|arg, value| {
        match arg {
            "--tenants" => o.tenants = value()?.parse()?,
            "--small" => o.small = value()?.parse()?,
            "--large" => o.large = value()?.parse()?,
            "--connections" => o.connections = value()?.parse::<usize>()?.max(1),
            "--seconds" => o.seconds = value()?.parse::<u64>()?.clamp(1, 600),
            "--pages" => o.pages = value()?.parse::<usize>()?.max(1),
            url if url.starts_with("postgres") => o.database = Some(url.to_owned()),
            other => return Err(format!("unknown option {other}").into()),
        }
        Ok(())
    })?;
    Ok(o)
}

/// Who loads a page.
#[derive(Clone, Copy)]
enum Viewer {
    Admin,
    TenantOwner,
}

/// The pages measured, and who asks for them.
const PAGES: [(&str, Viewer); 3] = [
    ("/admin/requests", Viewer::Admin),
    ("/capacity", Viewer::Admin),
    ("/requests", Viewer::TenantOwner),
];

/// One page at one size.
#[derive(Clone, Debug, Default)]
struct Figure {
    pages_per_second: f64,
    cpu_ms_per_page: f64,
    median_ms: f64,
    p99_ms: f64,
    errors: u64,
}

fn main() -> Result<(), BoxError> {
    let o = options()?;
    let server_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .thread_name("guichet-server")
        .enable_all()
        .build()?;
    let backend = if o.database.is_some() {
        "PostgreSQL"
    } else {
        "SQLite"
    };
    println!(
        "Campus-scale benchmark on {backend}: {} tenants, {} and {} requests; \
         {} connections, at most {} pages or {} s a page",
        o.tenants, o.small, o.large, o.connections, o.pages, o.seconds
    );
    let mut figures = Vec::new();
    for size in [o.small, o.large] {
        figures.push(run_size(&server_rt, &o, size)?);
    }
    print_table(&[o.small, o.large], &figures);
    Ok(())
}

/// Builds a database of `size` requests, serves it and measures the pages.
fn run_size(
    server_rt: &tokio::runtime::Runtime,
    o: &Options,
    size: usize,
) -> Result<Vec<Figure>, BoxError> {
    let url = server_rt.block_on(fresh_database(o.database.clone()))?;
    let (state, campus) = server_rt.block_on(build(&url, o.tenants, size))?;
    print_campus(size, &campus);

    let listener = server_rt.block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    // Listing the routes renders the app, which spawns on the runtime it is called from.
    let app = {
        let _runtime = server_rt.enter();
        router(state.clone()).into_make_service_with_connect_info::<SocketAddr>()
    };
    let server = server_rt.spawn(async move {
        axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = stopped.await;
            })
            .await
    });

    let plan = Plan {
        addr,
        owner_email: campus.owner_email.clone(),
        connections: o.connections,
        seconds: o.seconds,
        pages: o.pages,
    };
    let measured = std::thread::Builder::new()
        .name("bench-client".into())
        .spawn(move || -> Result<Vec<Figure>, String> {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .map_err(|e| e.to_string())?;
            rt.block_on(measure(&plan)).map_err(|e| e.to_string())
        })?
        .join()
        .map_err(|_| "the load generator panicked")?;

    let _ = stop.send(());
    server_rt.block_on(async {
        let _ = tokio::time::timeout(Duration::from_secs(10), server).await;
        state.db.close().await;
    });
    remove_sqlite_database(&url);
    Ok(measured?)
}

/// A fresh database with the demo data and the campus.
async fn build(url: &str, tenants: usize, requests: usize) -> Result<(AppState, Campus), BoxError> {
    let database_url = DatabaseUrl::new(url.to_owned());
    let pool_size = default_pool_size(database_url.is_sqlite());
    let config = AppConfig {
        database_url,
        db_max_connections: pool_size,
        // The demo admin signs in with a code, as every admin does.
        demo_admin_totp: Some(ADMIN_TOTP.to_owned()),
        ..AppConfig::default()
    };
    let db = Db::connect(&config.database_url, pool_size).await?;
    db.migrate().await?;
    let state = AppState::new(db, config);
    demo::load_if_empty(&state).await?;
    let campus = campus::build(&state.db, tenants, requests).await?;
    Ok((state, campus))
}

fn print_campus(size: usize, c: &Campus) {
    println!(
        "\n== {} requests: built in {:.1} s; {} tenants, {} requests, {} granted quotas overlapping the next 26 weeks",
        label(size),
        c.build_seconds,
        c.tenants,
        c.requests,
        c.granted_in_window
    );
    let statuses: Vec<String> = c
        .by_status
        .iter()
        .map(|(s, n)| format!("{s} {n}"))
        .collect();
    println!("   {}", statuses.join(", "));
}

/// What the load generator needs.
struct Plan {
    addr: SocketAddr,
    owner_email: String,
    connections: usize,
    seconds: u64,
    pages: usize,
}

/// The demo admin's second-factor secret in this benchmark (`GUICHET_DEMO_ADMIN_TOTP`).
const ADMIN_TOTP: &str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP";

/// Warm-up pages before each measurement (not counted).
const WARMUP_PAGES: usize = 5;

/// Signs in, checks each page, then loads it; runs on the load generator's thread.
async fn measure(plan: &Plan) -> Result<Vec<Figure>, BoxError> {
    let host = plan.addr.to_string();
    let code = app::server::identity::second_factor::code_now(ADMIN_TOTP)
        .map_err(|e| format!("the admin's code: {e}"))?;
    let admin = login_with_code(
        plan.addr,
        &host,
        demo::ADMIN_EMAIL,
        demo::DEMO_PASSWORD,
        Some(&code),
    )
    .await?;
    let owner = login(plan.addr, &host, &plan.owner_email, demo::DEMO_PASSWORD).await?;
    let mut figures = Vec::new();
    for (path, viewer) in PAGES {
        let cookie = match viewer {
            Viewer::Admin => admin.clone(),
            Viewer::TenantOwner => owner.clone(),
        };
        let mut probe = Conn::open(plan.addr).await?;
        let mut size = 0;
        for _ in 0..WARMUP_PAGES {
            let (status, _, page) = probe.send(get(path, &host, Some(&cookie), None)).await?;
            if status != 200 {
                return Err(format!("GET {path} answered {status}").into());
            }
            size = page.len();
        }
        let (_, _, page) = probe.send(get(path, &host, Some(&cookie), None)).await?;
        let html = String::from_utf8_lossy(&page);
        let what = if path == "/capacity" {
            format!("{} charts", html.matches("<svg").count())
        } else {
            format!("{} rows", html.matches(&format!(">{TITLE} ")).count())
        };

        let load_plan = LoadPlan {
            path: path.to_owned(),
            cookie: Some(cookie),
            bearer: None,
            connections: plan.connections,
            max_pages: plan.pages,
            max_time: Duration::from_secs(plan.seconds),
            warmup: Duration::ZERO,
        };
        let (process0, client0) = (cpu::process(), cpu::this_thread());
        let started = Instant::now();
        let mut result = load(plan.addr, &host, &load_plan).await?;
        let wall = started.elapsed();
        let (process1, client1) = (cpu::process(), cpu::this_thread());
        let server_cpu = match (process0, process1, client0, client1) {
            (Some(p0), Some(p1), Some(c0), Some(c1)) => {
                p1.saturating_sub(p0).saturating_sub(c1.saturating_sub(c0))
            }
            _ => Duration::ZERO,
        };
        result.latencies.sort();
        let pages = result.latencies.len();
        let figure = Figure {
            pages_per_second: result.pages_per_second(),
            cpu_ms_per_page: server_cpu.as_secs_f64() * 1e3 / pages.max(1) as f64,
            median_ms: percentile(&result.latencies, 50.0).as_secs_f64() * 1e3,
            p99_ms: percentile(&result.latencies, 99.0).as_secs_f64() * 1e3,
            errors: result.errors,
        };
        println!(
            "   GET {path:<16} {:>4} KiB, {what:<10} {:>9.1} pages/s {:>8.2} ms CPU/page   \
             median {:>8.2} ms  p99 {:>8.2} ms   ({pages} pages in {:.1} s, {} errors)",
            size / 1024,
            figure.pages_per_second,
            figure.cpu_ms_per_page,
            figure.median_ms,
            figure.p99_ms,
            wall.as_secs_f64(),
            figure.errors
        );
        figures.push(figure);
    }
    Ok(figures)
}

/// "1k", "100k", or the number.
fn label(size: usize) -> String {
    if size >= 1_000 && size.is_multiple_of(1_000) {
        format!("{}k", size / 1_000)
    } else {
        size.to_string()
    }
}

/// Both sizes side by side, the ratio large/small, and whether the page holds the 2× goal.
fn print_table(sizes: &[usize; 2], figures: &[Vec<Figure>]) {
    let (small, large) = (label(sizes[0]), label(sizes[1]));
    println!(
        "\n{:<16} {:>12} {:>10} {:>12} {:>10}   {:>14} {:>10}   within 2×",
        "page",
        format!("{small} pages/s"),
        "ms CPU",
        format!("{large} pages/s"),
        "ms CPU",
        "pages/s ratio",
        "CPU ratio"
    );
    for (i, (path, _)) in PAGES.iter().enumerate() {
        let s = figures[0].get(i).cloned().unwrap_or_default();
        let l = figures[1].get(i).cloned().unwrap_or_default();
        let speed = l.pages_per_second / s.pages_per_second.max(1e-9);
        let cpu = l.cpu_ms_per_page / s.cpu_ms_per_page.max(1e-9);
        let holds = if speed >= 0.5 && cpu <= 2.0 {
            "yes"
        } else {
            "no"
        };
        println!(
            "{path:<16} {:>12.1} {:>10.2} {:>12.1} {:>10.2}   {:>13.2}× {:>9.1}×   {holds}",
            s.pages_per_second,
            s.cpu_ms_per_page,
            l.pages_per_second,
            l.cpu_ms_per_page,
            speed,
            cpu
        );
    }
}
