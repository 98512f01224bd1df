//! List-page benchmark: the release server, on a fresh SQLite database with the demo data and 60
//! requests of one member, answers `GET /requests` (a logged-in, server-rendered page of 50 rows)
//! to keep-alive clients for a while, then the same 50 requests as JSON through the API
//! (`GET /api/v1/requests?limit=50` with the member's read token), and the server CPU per answer
//! of each with their ratio. Prints throughput, latency (median, p99), the server's
//! memory (resident, and its peak), how long it took to be ready on the existing database, and
//! the compressed weight of a first page load (HTML, CSS, JS, wasm). Nothing fails on timing.
//!
//! ```sh
//! cargo leptos build --release        # the server binary and target/site
//! cargo run --release -p bench --bin list_page [-- --connections 32 --seconds 15]
//! ```
//!
//! The load generator runs on the same machine as the server: on a 2-core machine the figures
//! are a floor for the server alone.

use std::{
    net::SocketAddr,
    process::{Child, Command, Stdio},
    time::{Duration, Instant},
};

use app::server::{
    auth::actor::TenantActor,
    config::DatabaseUrl,
    demo,
    identity::repo::{find_user_by_email, memberships_of},
    requests::{self, RequestForm},
    AppConfig, AppState, Db,
};
use bench::{
    fresh_database,
    http::{api_token, authorised, get, load, login, Conn, LoadPlan},
    parse_args, report, BoxError,
};
use time::{Duration as Days, OffsetDateTime};

const MEMBER: &str = "hugo.martin@univ-palaiseau.test";

struct Options {
    connections: usize,
    seconds: u64,
    server: String,
    site_root: String,
}

fn options() -> Result<Options, BoxError> {
    let mut o = Options {
        connections: 32,
        seconds: 15,
        server: "target/release/guichet".into(),
        site_root: "target/site".into(),
    };
    parse_args(|arg, value| {
        match arg {
            "--connections" => o.connections = value()?.parse()?,
            "--seconds" => o.seconds = value()?.parse()?,
            "--server" => o.server = value()?,
            "--site-root" => o.site_root = value()?,
            other => return Err(format!("unknown option {other}").into()),
        }
        Ok(())
    })?;
    Ok(o)
}

/// The demo data and 60 submitted requests of the member, through the services.
async fn seed(url: &str) -> Result<(), BoxError> {
    let config = AppConfig {
        database_url: DatabaseUrl::new(url.to_owned()),
        ..AppConfig::default()
    };
    let db = Db::connect(&config.database_url, 2).await?;
    db.migrate().await?;
    let state = AppState::new(db.clone(), config);
    demo::load_if_empty(&state).await?;
    let mut tx = state.db.platform_tx().await?;
    let user = find_user_by_email(&mut tx, MEMBER)
        .await?
        .ok_or("no demo member")?;
    let tenant = memberships_of(&mut tx, user.id)
        .await?
        .into_iter()
        .next()
        .ok_or("no membership")?;
    tx.commit().await?;
    let actor = TenantActor::for_demo_and_benchmarks(
        &state,
        user.id,
        user.email,
        tenant.id,
        tenant.role,
        tenant.status,
    )
    .await
    .map_err(|e| format!("{e:?}"))?;
    let today = OffsetDateTime::now_utc().date();
    // The member's first project in which they may ask for GPUs.
    let project = {
        let mut tx = state.db.tenant_tx(&actor.scope()).await?;
        let open = app::server::projects::requestable(&mut tx, &actor).await?;
        tx.commit().await?;
        open.first().ok_or("the member has no project")?.id
    };
    for n in 0..60_i64 {
        let form = RequestForm {
            idempotency_key: format!("bench-{n}"),
            project: project.to_string(),
            project_title: format!("Benchmark run {n}"),
            justification: "Training runs for the list-page benchmark.".into(),
            sector: "research".into(),
            classification: "public".into(),
            site: "dugny".into(),
            gpu_model: "H100".into(),
            gpus: (1 + n % 4).to_string(),
            start_date: (today + Days::days(10 + n)).to_string(),
            end_date: (today + Days::days(40 + n)).to_string(),
            ..RequestForm::default()
        };
        let input = form.parse(today, state.config.max_window_months)?;
        requests::save_request(&state, &actor, &input, true, None).await?;
    }
    db.close().await;
    Ok(())
}

/// Loads `plan` and prints its throughput and latency; answers the server's CPU seconds per
/// answer (from `/proc`).
async fn measured_load(
    addr: SocketAddr,
    host: &str,
    plan: &LoadPlan,
    server: u32,
) -> Result<Option<f64>, BoxError> {
    let before = bench::cpu::of_process(server);
    let result = load(addr, host, plan).await?;
    let after = bench::cpu::of_process(server);
    println!(
        "{:<34} {:>9.0} answers/s ({} answered, {} errors)",
        plan.path,
        result.pages_per_second(),
        result.latencies.len(),
        result.errors
    );
    let answered = result.latencies.len();
    report("latency", result.latencies);
    // The CPU of the whole load, warm-up included, over the answers counted after it: a
    // slight overestimate per answer, the same for both.
    Ok(match (before, after) {
        (Some(b), Some(a)) if answered > 0 => Some((a - b).as_secs_f64() / answered as f64),
        _ => None,
    })
}

fn free_port() -> Result<u16, BoxError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

async fn wait_ready(addr: SocketAddr, host: &str, within: Duration) -> Result<Duration, BoxError> {
    let started = Instant::now();
    loop {
        if let Ok(mut c) = Conn::open(addr).await {
            if let Ok((200, _, _)) = c.send(get("/readyz", host, None, None)).await {
                return Ok(started.elapsed());
            }
        }
        if started.elapsed() > within {
            return Err("the server did not become ready".into());
        }
        tokio::time::sleep(Duration::from_millis(5)).await;
    }
}

fn spawn_server(o: &Options, url: &str, addr: SocketAddr) -> Result<Child, BoxError> {
    Ok(Command::new(&o.server)
        .env("GUICHET_ADDR", addr.to_string())
        .env("DATABASE_URL", url)
        .env("GUICHET_SITE_ROOT", &o.site_root)
        .env("GUICHET_DEMO_DATA", "0")
        // Required to serve without demo data; a throwaway key ("benchmark only: no mail is
        // sent."): the benchmark queues no e-mail.
        .env(
            "GUICHET_OUTBOX_KEY",
            "YmVuY2htYXJrIG9ubHk6IG5vIG1haWwgaXMgc2VudC4=",
        )
        .env("RUST_LOG", "warn")
        // The API load is one token's: its rate limit would answer most calls with 429.
        .env("GUICHET_API_RATE_PER_MINUTE", "1000000")
        .stdout(Stdio::null())
        .stderr(Stdio::inherit())
        .spawn()
        .map_err(|e| {
            format!(
                "cannot start {}: {e} (run `cargo leptos build --release` first)",
                o.server
            )
        })?)
}

/// Resident and peak resident memory of a process, in MiB (Linux).
fn memory_mib(pid: u32) -> Option<(f64, f64)> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
    };
    Some((kib("VmRSS:")? / 1024.0, kib("VmHWM:")? / 1024.0))
}

/// The first page a visitor loads (the sign-in page) and what it pulls in, compressed as a
/// browser asks: (name, bytes on the wire).
async fn first_load(addr: SocketAddr, host: &str) -> Result<Vec<(String, usize)>, BoxError> {
    let mut c = Conn::open(addr).await?;
    let encoding = Some("br, gzip");
    let (_, _, html) = c.send(get("/login", host, None, encoding)).await?;
    let mut parts = vec![("/login (HTML)".to_owned(), html.len())];
    for asset in ["/pkg/guichet.css", "/pkg/guichet.js", "/pkg/guichet.wasm"] {
        let (status, headers, body) = c.send(get(asset, host, None, encoding)).await?;
        let how = headers
            .get("content-encoding")
            .and_then(|v| v.to_str().ok())
            .unwrap_or("identity");
        parts.push((format!("{asset} ({status}, {how})"), body.len()));
    }
    Ok(parts)
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() -> Result<(), BoxError> {
    let o = options()?;
    let url = fresh_database(None).await?;
    println!(
        "List-page benchmark: GET /requests (50 rows), SQLite, {} connections, {} s",
        o.connections, o.seconds
    );
    seed(&url).await?;

    let port = free_port()?;
    let addr: SocketAddr = format!("127.0.0.1:{port}").parse()?;
    let host = addr.to_string();
    let started = Instant::now();
    let mut server = spawn_server(&o, &url, addr)?;
    let ready = wait_ready(addr, &host, Duration::from_secs(30)).await;
    let ready_at = started.elapsed();
    if let Err(e) = ready {
        let _ = server.kill();
        return Err(e);
    }
    println!(
        "ready on the existing database     {:>9.1} ms after start",
        ready_at.as_secs_f64() * 1e3
    );

    let cookie = login(addr, &host, MEMBER, demo::DEMO_PASSWORD).await?;
    // The page really is the 50-row list.
    let mut probe = Conn::open(addr).await?;
    let (status, _, page) = probe
        .send(get("/requests", &host, Some(&cookie), None))
        .await?;
    let html = String::from_utf8_lossy(&page);
    let rows = html.matches("Benchmark run").count();
    println!(
        "GET /requests                      status {status}, {} KiB, {rows} rows",
        page.len() / 1024
    );
    if status != 200 || rows < 50 {
        let _ = server.kill();
        return Err("the list page did not show 50 rows".into());
    }

    let plan = LoadPlan {
        path: "/requests".into(),
        cookie: Some(cookie.clone()),
        bearer: None,
        connections: o.connections,
        max_pages: usize::MAX,
        max_time: Duration::from_secs(o.seconds),
        warmup: Duration::from_secs(1),
    };
    let page_cpu = measured_load(addr, &host, &plan, server.id()).await?;

    // The same 50 requests through the API, as JSON, with a read token of the member.
    let expires = (OffsetDateTime::now_utc().date() + Days::days(2)).to_string();
    let token = api_token(addr, &host, &cookie, "univ-palaiseau", &expires).await?;
    let api_path = "/api/v1/requests?limit=50";
    let (status, _, body) = probe
        .send(authorised(get(api_path, &host, None, None), Some(&token)))
        .await?;
    let json: serde_json::Value = serde_json::from_slice(&body)?;
    let items = json["items"].as_array().map_or(0, Vec::len);
    println!(
        "GET {api_path}      status {status}, {} KiB, {items} items",
        body.len() / 1024
    );
    if status != 200 || items != 50 {
        let _ = server.kill();
        return Err("the API did not list 50 requests".into());
    }
    let api_plan = LoadPlan {
        path: api_path.into(),
        cookie: None,
        bearer: Some(token),
        ..plan
    };
    let api_cpu = measured_load(addr, &host, &api_plan, server.id()).await?;
    if let (Some(page), Some(api)) = (page_cpu, api_cpu) {
        println!(
            "server CPU per answer: page {:.3} ms, API {:.3} ms (API / page = {:.2})",
            page * 1e3,
            api * 1e3,
            api / page
        );
    }
    if let Some((rss, peak)) = memory_mib(server.id()) {
        println!("server memory                      {rss:>9.1} MiB resident, peak {peak:.1} MiB");
    }

    let parts = first_load(addr, &host).await?;
    let total: usize = parts.iter().map(|(_, n)| n).sum();
    for (name, n) in &parts {
        println!("  {name:<44} {:>8.1} KB", *n as f64 / 1000.0);
    }
    println!(
        "first page load, compressed         {:>8.1} KB",
        total as f64 / 1000.0
    );

    let _ = server.kill();
    let _ = server.wait();
    Ok(())
}
