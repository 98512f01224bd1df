//! List-page benchmark: the release server, on a fresh SQLite database with the demo data and 60
//! requests of one member, answers `GET /requests` (a logged-in, server-rendered page of 50 rows)
//! to keep-alive clients for a while. Prints throughput, latency (median, p99), the server's
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
use bench::{fresh_database, report, BoxError};
use http_body_util::{BodyExt as _, Full};
use hyper::{body::Bytes, Request};
use hyper_util::rt::TokioIo;
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
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let mut value = || args.next().ok_or_else(|| format!("{arg} needs a value"));
        match arg.as_str() {
            "--connections" => o.connections = value()?.parse()?,
            "--seconds" => o.seconds = value()?.parse()?,
            "--server" => o.server = value()?,
            "--site-root" => o.site_root = value()?,
            other => return Err(format!("unknown option {other}").into()),
        }
    }
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
    let actor = TenantActor {
        user_id: user.id,
        email: user.email,
        tenant_id: tenant.id,
        role: tenant.role,
        status: tenant.status,
    };
    let today = OffsetDateTime::now_utc().date();
    for n in 0..60_i64 {
        let form = RequestForm {
            idempotency_key: format!("bench-{n}"),
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

fn free_port() -> Result<u16, BoxError> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// One HTTP/1.1 keep-alive connection.
struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Conn {
    async fn open(addr: SocketAddr) -> Result<Self, BoxError> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Self { sender })
    }

    /// Sends a request; answers the status, headers and the raw (possibly compressed) body.
    async fn send(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> Result<(u16, hyper::HeaderMap, Bytes), BoxError> {
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, headers, body))
    }
}

fn get(
    path: &str,
    host: &str,
    cookie: Option<&str>,
    accept_encoding: Option<&str>,
) -> Request<Full<Bytes>> {
    let mut b = Request::get(path).header("host", host);
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    if let Some(e) = accept_encoding {
        b = b.header("accept-encoding", e);
    }
    b.body(Full::new(Bytes::new()))
        .unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
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
        .env("RUST_LOG", "warn")
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

async fn login(addr: SocketAddr, host: &str) -> Result<String, BoxError> {
    let mut c = Conn::open(addr).await?;
    let body = format!(
        "email={}&password={}",
        MEMBER.replace('@', "%40"),
        demo::DEMO_PASSWORD
    );
    let request = Request::post("/api/login")
        .header("host", host)
        .header("origin", format!("http://{host}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Full::new(Bytes::from(body)))?;
    let (status, headers, _) = c.send(request).await?;
    let cookie = headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("guichet_session="))
        .and_then(|v| v.split(';').next())
        .ok_or(format!("login answered {status} without a session cookie"))?;
    Ok(cookie.to_owned())
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

    let cookie = login(addr, &host).await?;
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

    let deadline = Instant::now() + Duration::from_secs(o.seconds);
    let warmup = Instant::now() + Duration::from_secs(1);
    let mut tasks = Vec::new();
    for _ in 0..o.connections {
        let (cookie, host) = (cookie.clone(), host.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::with_capacity(50_000);
            let mut errors = 0_u64;
            let Ok(mut c) = Conn::open(addr).await else {
                return (latencies, 1);
            };
            while Instant::now() < deadline {
                let t = Instant::now();
                match c.send(get("/requests", &host, Some(&cookie), None)).await {
                    Ok((200, _, _)) if t > warmup => latencies.push(t.elapsed()),
                    Ok((200, _, _)) => {}
                    _ => {
                        errors += 1;
                        match Conn::open(addr).await {
                            Ok(fresh) => c = fresh,
                            Err(_) => break,
                        }
                    }
                }
            }
            (latencies, errors)
        }));
    }
    let mut all = Vec::new();
    let mut errors = 0;
    for t in tasks {
        let (l, e) = t.await?;
        all.extend(l);
        errors += e;
    }
    let measured = o.seconds.saturating_sub(1).max(1) as f64;
    println!(
        "throughput                         {:>9.0} requests/s ({} answered, {errors} errors)",
        all.len() as f64 / measured,
        all.len()
    );
    report("latency", all);
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
