//! The operator's promises, proved on the built binary (`guichet`) as an operator runs it: an
//! online backup of a portal under writes restores into a new database that serves every row; a
//! failed migration stops start-up naming it; JSON logs parse line by line, and logs written to a
//! file carry no colour codes; SIGTERM lets an in-flight request finish; `migrate`,
//! `create-admin`, `demo-data` and `precompress` work on a fresh database.
//!
//! Each test starts its own processes, on a free loopback port and SQLite files in a folder of
//! its own; every child is killed by its pid when its guard drops.

use std::{
    collections::BTreeMap,
    io::{BufRead as _, BufReader, Read as _, Write as _},
    net::{SocketAddr, TcpListener, TcpStream},
    path::{Path, PathBuf},
    process::{Child, Command, ExitStatus, Stdio},
    sync::{
        atomic::{AtomicBool, AtomicUsize, Ordering},
        Arc, Mutex,
    },
    time::{Duration, Instant},
};

use app::server::demo::{ADMIN_EMAIL, DEMO_PASSWORD};

const GUICHET: &str = env!("CARGO_BIN_EXE_guichet");

// --- Harness: folders, processes, HTTP.

/// A folder of its own, removed at the end.
struct TempDir(PathBuf);

impl TempDir {
    fn new(name: &str) -> Self {
        let nanos = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .subsec_nanos();
        let path =
            std::env::temp_dir().join(format!("guichet-ops-{name}-{}-{nanos}", std::process::id()));
        std::fs::create_dir_all(&path).unwrap();
        Self(path)
    }
    fn join(&self, name: &str) -> PathBuf {
        self.0.join(name)
    }
    fn database_url(&self, name: &str) -> String {
        format!("sqlite://{}", self.join(name).display())
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// 32 random bytes in base64, as `openssl rand -base64 32` makes them.
fn outbox_key() -> String {
    const B64: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut b = [0u8; 33]; // and a zero byte to make whole groups of three
    let mut urandom = std::fs::File::open("/dev/urandom").unwrap();
    urandom.read_exact(&mut b[..32]).unwrap();
    let mut key: String = b
        .chunks(3)
        .flat_map(|c| {
            let n = u32::from(c[0]) << 16 | u32::from(c[1]) << 8 | u32::from(c[2]);
            [18, 12, 6, 0].map(|shift| B64[(n >> shift & 63) as usize] as char)
        })
        .collect();
    key.replace_range(43.., "=");
    key
}

fn free_addr() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

/// A `guichet` process; killed (by its pid) when dropped. Its output is read as it comes, line
/// by line, so that it never blocks on a full pipe.
struct Guichet {
    child: Child,
    addr: SocketAddr,
    stdout: Arc<Mutex<Vec<String>>>,
    stderr: Arc<Mutex<Vec<String>>>,
    readers: Vec<std::thread::JoinHandle<()>>,
}

impl Guichet {
    /// Starts `guichet ARGS` with an environment of its own (none of the caller's settings) on a
    /// free loopback port.
    fn spawn(args: &[&str], env: &[(&str, &str)]) -> Self {
        let addr = free_addr();
        let mut cmd = Command::new(GUICHET);
        cmd.args(args).stdin(Stdio::null());
        for (name, _) in std::env::vars() {
            if name.starts_with("GUICHET_") || name == "DATABASE_URL" || name == "RUST_LOG" {
                cmd.env_remove(name);
            }
        }
        cmd.env("GUICHET_ADDR", addr.to_string())
            .envs(env.iter().copied());
        let mut child = cmd
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let (stdout, stderr) = (Arc::default(), Arc::default());
        let readers = vec![
            collect(child.stdout.take().unwrap(), Arc::clone(&stdout)),
            collect(child.stderr.take().unwrap(), Arc::clone(&stderr)),
        ];
        Self {
            child,
            addr,
            stdout,
            stderr,
            readers,
        }
    }

    /// Runs a command to its end (at most 30 s).
    fn run(args: &[&str], env: &[(&str, &str)]) -> (ExitStatus, String, String) {
        let mut g = Self::spawn(args, env);
        let status = g.wait(Duration::from_secs(30));
        (status, g.stdout(), g.stderr())
    }

    /// Runs a command that must succeed; its standard output.
    fn ok(args: &[&str], env: &[(&str, &str)]) -> String {
        let (status, out, err) = Self::run(args, env);
        assert!(status.success(), "guichet {args:?} failed:\n{out}\n{err}");
        out
    }

    /// Runs a command that must fail; its standard error.
    fn fails(args: &[&str], env: &[(&str, &str)]) -> String {
        let (status, out, err) = Self::run(args, env);
        assert!(
            !status.success(),
            "guichet {args:?} succeeded:\n{out}\n{err}"
        );
        err
    }

    /// `guichet serve` on `file` of `dir`, with `env` besides, once ready.
    fn serve(dir: &TempDir, file: &str, env: &[(&str, &str)]) -> Self {
        let (url, site) = (dir.database_url(file), dir.join("site"));
        let mut all = vec![
            ("DATABASE_URL", url.as_str()),
            ("GUICHET_SITE_ROOT", site.to_str().unwrap()),
        ];
        all.extend_from_slice(env);
        let mut g = Self::spawn(&["serve"], &all);
        g.ready();
        g
    }

    fn wait(&mut self, limit: Duration) -> ExitStatus {
        let end = Instant::now() + limit;
        loop {
            if let Some(status) = self.child.try_wait().unwrap() {
                // The output is complete once the pipes are closed.
                for r in self.readers.drain(..) {
                    let _ = r.join();
                }
                return status;
            }
            assert!(
                Instant::now() < end,
                "guichet did not exit within {limit:?}\nstdout:\n{}\nstderr:\n{}",
                self.stdout(),
                self.stderr()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn stdout(&self) -> String {
        self.stdout.lock().unwrap().join("\n")
    }
    fn stderr(&self) -> String {
        self.stderr.lock().unwrap().join("\n")
    }

    /// Waits until `/readyz` answers 200.
    fn ready(&mut self) {
        let end = Instant::now() + Duration::from_secs(25);
        loop {
            if let Ok(r) = get(self.addr, "/readyz") {
                if r.status == 200 {
                    return;
                }
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                panic!(
                    "guichet stopped ({status}):\n{}\n{}",
                    self.stdout(),
                    self.stderr()
                );
            }
            assert!(Instant::now() < end, "not ready:\n{}", self.stderr());
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    /// SIGTERM, as systemd or an orchestrator stops it.
    fn terminate(&self) {
        let ok = Command::new("kill")
            .args(["-TERM", &self.child.id().to_string()])
            .status()
            .unwrap();
        assert!(ok.success());
    }
}

impl Drop for Guichet {
    fn drop(&mut self) {
        if self.child.try_wait().ok().flatten().is_none() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn collect(
    stream: impl std::io::Read + Send + 'static,
    into: Arc<Mutex<Vec<String>>>,
) -> std::thread::JoinHandle<()> {
    std::thread::spawn(move || {
        for line in BufReader::new(stream).lines() {
            let Ok(line) = line else { break };
            into.lock().unwrap().push(line);
        }
    })
}

/// A response: its status, and its head and body as text.
struct Response {
    status: u16,
    text: String,
}

impl Response {
    /// `name=value` of a `Set-Cookie` whose name starts with `prefix`.
    fn cookie(&self, prefix: &str) -> Option<String> {
        self.text
            .lines()
            .take_while(|l| !l.is_empty())
            .find_map(|l| {
                let (name, value) = l.split_once(':')?;
                let pair = value.trim().split(';').next()?;
                (name.eq_ignore_ascii_case("set-cookie") && pair.starts_with(prefix))
                    .then(|| pair.to_string())
            })
    }
}

/// `GET path` on a connection of its own.
fn get(addr: SocketAddr, path: &str) -> std::io::Result<Response> {
    exchange(
        addr,
        format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n"),
    )
}

fn exchange(addr: SocketAddr, request: String) -> std::io::Result<Response> {
    let mut stream = TcpStream::connect(addr)?;
    stream.set_read_timeout(Some(Duration::from_secs(40)))?;
    stream.write_all(request.as_bytes())?;
    read_response(stream)
}

/// The head of a form post of `len` bytes, as a browser sends it from a page of the portal.
fn post_head(addr: SocketAddr, path: &str, cookie: Option<&str>, len: usize) -> String {
    let cookie = cookie
        .map(|c| format!("Cookie: {c}\r\n"))
        .unwrap_or_default();
    format!(
        "POST {path} HTTP/1.1\r\nHost: {addr}\r\nOrigin: http://{addr}\r\n\
         Sec-Fetch-Site: same-origin\r\nContent-Type: application/x-www-form-urlencoded\r\n\
         Accept: application/json\r\n{cookie}Connection: close\r\nContent-Length: {len}\r\n\r\n"
    )
}

/// Calls a server function as a same-origin page does.
fn call(
    addr: SocketAddr,
    endpoint: &str,
    cookie: Option<&str>,
    fields: &[(&str, &str)],
) -> Response {
    let body = form(fields);
    let head = post_head(addr, &format!("/api/{endpoint}"), cookie, body.len());
    exchange(addr, head + &body).unwrap()
}

/// Reads to the end (the server closes): a complete response or an error.
fn read_response(mut stream: TcpStream) -> std::io::Result<Response> {
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw)?;
    let text = String::from_utf8_lossy(&raw).into_owned();
    let status = text.split(' ').nth(1).and_then(|s| s.parse().ok());
    match status {
        Some(status) if text.contains("\r\n\r\n") => Ok(Response { status, text }),
        _ => Err(std::io::Error::other(format!(
            "no complete response: {text:?}"
        ))),
    }
}

fn form(fields: &[(&str, &str)]) -> String {
    let encode = |s: &str| -> String {
        s.bytes()
            .map(|b| match b {
                b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).into(),
                _ => format!("%{b:02X}"),
            })
            .collect()
    };
    let pairs: Vec<String> = fields
        .iter()
        .map(|(k, v)| format!("{}={}", encode(k), encode(v)))
        .collect();
    pairs.join("&")
}

fn signup_form(email: &str) -> Vec<(&str, &str)> {
    vec![
        ("email", email),
        ("name", "Marie Curie"),
        ("password", "radium and polonium 1898"),
        ("org_name", "Institut du Radium"),
        ("kind", "research_institute"),
        ("country", "FR"),
        ("registration_id", "732 829 320 00074"),
        ("sector", "research"),
        ("parent_country", "FR"),
    ]
}

fn block_on<F: std::future::Future>(future: F) -> F::Output {
    let mut runtime = tokio::runtime::Builder::new_current_thread();
    runtime.enable_all().build().unwrap().block_on(future)
}

async fn connect(file: &Path) -> sqlx::SqliteConnection {
    use sqlx::{sqlite::SqliteConnectOptions, ConnectOptions as _};
    let options = SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(true);
    options
        .busy_timeout(Duration::from_secs(5))
        .connect()
        .await
        .unwrap()
}

/// Every table's row count, by name.
fn row_counts(file: &Path) -> BTreeMap<String, i64> {
    block_on(async {
        let mut conn = connect(file).await;
        let names: Vec<(String,)> = sqlx::query_as(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'",
        )
        .fetch_all(&mut conn)
        .await
        .unwrap();
        let mut counts = BTreeMap::new();
        for (name,) in names {
            let sql = format!("SELECT COUNT(*) FROM \"{name}\"");
            let (n,): (i64,) = sqlx::query_as(&sql).fetch_one(&mut conn).await.unwrap();
            counts.insert(name, n);
        }
        // Closed here, not dropped: a connection closing in the background still holds the
        // file when the next command opens it.
        sqlx::Connection::close(conn).await.unwrap();
        counts
    })
}

/// Runs SQL on a SQLite file (created if missing).
fn sqlite_exec(file: &Path, sql: &str) {
    block_on(async {
        let mut conn = connect(file).await;
        sqlx::raw_sql(sql).execute(&mut conn).await.unwrap();
        sqlx::Connection::close(conn).await.unwrap();
    });
}

// --- Backups.

/// A live portal takes sign-ups while `guichet backup` copies it; the backup restores into a new
/// database with every row of every table, and a portal started on it serves a signed-in call.
#[test]
fn a_backup_taken_under_writes_restores_into_a_new_database_with_every_row() {
    let dir = TempDir::new("backup");
    let key = outbox_key();
    let live_url = dir.database_url("live.db");
    let live = Guichet::serve(
        &dir,
        "live.db",
        &[
            ("GUICHET_DEMO_DATA", "1"),
            ("GUICHET_OUTBOX_KEY", &key),
            ("GUICHET_SIGNUP_MAX_PER_ADDRESS", "10000"),
        ],
    );

    // Sign-ups from four clients, for as long as the test says: real writes of the portal
    // (a sign-up request and an e-mail in the outbox each).
    let (stop, done) = (
        Arc::new(AtomicBool::new(false)),
        Arc::new(AtomicUsize::new(0)),
    );
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let (addr, stop, done) = (live.addr, Arc::clone(&stop), Arc::clone(&done));
            std::thread::spawn(move || {
                let mut i = 0;
                while !stop.load(Ordering::Relaxed) {
                    i += 1;
                    let email = format!("writer{w}.{i}@backup.test");
                    let r = call(addr, "signup", None, &signup_form(&email));
                    assert!(r.status < 400, "sign-up {i}: {} {}", r.status, r.text);
                    done.fetch_add(1, Ordering::SeqCst);
                }
            })
        })
        .collect();
    let wait_for = |n: usize| {
        let end = Instant::now() + Duration::from_secs(15);
        while done.load(Ordering::SeqCst) < n {
            assert!(Instant::now() < end, "the sign-ups stalled");
            std::thread::sleep(Duration::from_millis(10));
        }
    };
    wait_for(3);

    let backup = dir.join("guichet-backup.db");
    let acknowledged = done.load(Ordering::SeqCst);
    let started = Instant::now();
    let out = Guichet::ok(
        &["backup", backup.to_str().unwrap()],
        &[("DATABASE_URL", &live_url)],
    );
    let took = started.elapsed();
    assert!(out.contains("integrity ok"), "{out}");
    let during = done.load(Ordering::SeqCst) - acknowledged;
    wait_for(done.load(Ordering::SeqCst) + 2);
    stop.store(true, Ordering::Relaxed);
    for writer in writers {
        writer.join().expect("every sign-up went through");
    }

    let size = std::fs::metadata(&backup).unwrap().len();
    println!("backup: {size} bytes in {took:?}, {during} sign-up(s) answered meanwhile\n{out}");
    let saved = row_counts(&backup);
    assert!(
        saved["signup_requests"] >= acknowledged as i64,
        "every sign-up answered before the backup is in it: {} < {acknowledged}",
        saved["signup_requests"]
    );
    assert!(
        row_counts(&dir.join("live.db"))["signup_requests"] > saved["signup_requests"],
        "the portal kept writing after the snapshot"
    );

    // A backup never overwrites.
    let err = Guichet::fails(
        &["backup", backup.to_str().unwrap()],
        &[("DATABASE_URL", &live_url)],
    );
    assert!(err.contains("exists"), "{err}");
    assert_eq!(std::fs::metadata(&backup).unwrap().len(), size);

    // Restore into a new database, then (refused without --force) over it again.
    let restored_url = dir.database_url("restored/guichet.db");
    let restore = [("DATABASE_URL", restored_url.as_str())];
    let src = backup.to_str().unwrap();
    Guichet::ok(&["restore", src], &restore);
    let restored = row_counts(&dir.join("restored/guichet.db"));
    assert_eq!(restored, saved, "every table, every row");
    let rows: i64 = saved.values().sum();
    println!("restored: {} tables, {rows} rows compared", saved.len());
    let err = Guichet::fails(&["restore", src], &restore);
    assert!(err.contains("--force"), "{err}");
    Guichet::ok(&["restore", src, "--force"], &restore);

    // A portal on the restored database serves it: ready, and a demo admin signs in.
    let second = Guichet::serve(&dir, "restored/guichet.db", &[("GUICHET_OUTBOX_KEY", &key)]);
    // Restoring over a database in use is refused: the portal would keep writing to the old file.
    let err = Guichet::fails(&["restore", src, "--force"], &restore);
    assert!(err.contains("in use"), "{err}");
    let login = call(
        second.addr,
        "login",
        None,
        &[("email", ADMIN_EMAIL), ("password", DEMO_PASSWORD)],
    );
    assert!(login.status < 400, "{} {}", login.status, login.text);
    let cookie = login.cookie("guichet_session=").expect("a session cookie");
    let me = call(second.addr, "whoami", Some(&cookie), &[]);
    assert_eq!(me.status, 200, "{}", me.text);
    assert!(me.text.contains(ADMIN_EMAIL), "{}", me.text);
}

// --- The README's promises.

/// A migration that fails stops start-up, exit code non-zero, with the migration named; so does
/// a migration whose file changed since it was applied.
#[test]
fn a_failed_migration_stops_start_up_and_names_it() {
    let dir = TempDir::new("migration");
    // A table in the way of migration 13 (api tokens): 1 to 12 apply, 13 fails.
    sqlite_exec(
        &dir.join("in-the-way.db"),
        "CREATE TABLE api_tokens (x INTEGER)",
    );
    let mut serve = Guichet::spawn(
        &["serve"],
        &[
            ("DATABASE_URL", &dir.database_url("in-the-way.db")),
            ("GUICHET_OUTBOX_KEY", &outbox_key()),
        ],
    );
    let status = serve.wait(Duration::from_secs(20));
    let err = serve.stderr();
    assert!(!status.success(), "{err}");
    assert!(
        err.contains("migration 13") && err.contains("api tokens"),
        "the message names the migration: {err}"
    );
    assert!(err.contains("api_tokens already exists"), "and why: {err}");

    let url = dir.database_url("edited.db");
    Guichet::ok(&["migrate"], &[("DATABASE_URL", &url)]);
    sqlite_exec(
        &dir.join("edited.db"),
        "UPDATE _sqlx_migrations SET checksum = X'00' WHERE version = 1",
    );
    let err = Guichet::fails(&["migrate"], &[("DATABASE_URL", &url)]);
    assert!(err.contains("migration 1 (identity)"), "{err}");
    assert!(err.contains("its file has changed"), "{err}");
}

/// With `GUICHET_LOG_FORMAT=json`, every log line is one JSON object with a level and a message.
#[test]
fn json_logs_parse_line_by_line() {
    let dir = TempDir::new("json");
    // Demo data and no outbox key: a warning among the lines.
    let env = [("GUICHET_DEMO_DATA", "1"), ("GUICHET_LOG_FORMAT", "json")];
    let mut g = Guichet::serve(&dir, "g.db", &env);
    assert_eq!(get(g.addr, "/healthz").unwrap().status, 200);
    g.terminate();
    assert!(g.wait(Duration::from_secs(15)).success());
    let (out, err) = (g.stdout(), g.stderr());
    let mut levels = Vec::new();
    for line in out.lines().chain(err.lines()) {
        if !line.starts_with('{') {
            // What the commands print for people (the demo log-ins, "ready at") is not a log line.
            assert!(
                !["TRACE", "DEBUG", "INFO", "WARN", "ERROR"]
                    .iter()
                    .any(|l| line.contains(&format!(" {l} "))),
                "a log line that is not JSON: {line}"
            );
            continue;
        }
        let v: serde_json::Value = serde_json::from_str(line)
            .unwrap_or_else(|e| panic!("not a JSON object ({e}): {line}"));
        let level = v["level"]
            .as_str()
            .unwrap_or_else(|| panic!("no level: {line}"));
        assert!(v["timestamp"].is_string(), "no timestamp: {line}");
        assert!(v["fields"]["message"].is_string(), "no message: {line}");
        let message = v["fields"]["message"].as_str().unwrap();
        levels.push((level.to_string(), message.to_string()));
    }
    assert!(levels.iter().any(|(_, m)| m == "ready"), "{levels:?}");
    assert!(levels.iter().any(|(l, _)| l == "WARN"), "{levels:?}");
    assert!(levels.iter().any(|(_, m)| m == "stopped"), "{levels:?}");
}

/// Logs written to a pipe or a file (a journal, a container's log) carry no colour codes.
#[test]
fn logs_carry_no_colour_codes_when_not_on_a_terminal() {
    let dir = TempDir::new("ansi");
    let mut g = Guichet::serve(&dir, "g.db", &[("GUICHET_OUTBOX_KEY", &outbox_key())]);
    g.terminate();
    assert!(g.wait(Duration::from_secs(15)).success());
    let all = format!("{}\n{}", g.stdout(), g.stderr());
    assert!(all.contains(" INFO "), "text logs were written: {all}");
    assert!(
        !all.contains('\u{1b}'),
        "colour codes in the logs:\n{all:?}"
    );
}

/// SIGTERM while a request's body is still arriving: the request is answered in full, then the
/// process exits 0.
#[test]
fn sigterm_lets_an_in_flight_request_finish() {
    let dir = TempDir::new("sigterm");
    let mut g = Guichet::serve(&dir, "g.db", &[("GUICHET_OUTBOX_KEY", &outbox_key())]);
    let body = form(&signup_form("slow.sender@backup.test"));
    let (first, rest) = body.split_at(body.len() / 2);
    let mut stream = TcpStream::connect(g.addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(20)))
        .unwrap();
    let head = post_head(g.addr, "/api/signup", None, body.len());
    stream
        .write_all(format!("{head}{first}").as_bytes())
        .unwrap();
    std::thread::sleep(Duration::from_millis(300));

    g.terminate();
    std::thread::sleep(Duration::from_millis(700));
    assert!(
        g.child.try_wait().unwrap().is_none(),
        "the process waits for the request in flight"
    );
    stream.write_all(rest.as_bytes()).unwrap();
    let response = read_response(stream).expect("a complete response");
    assert!(
        (200..400).contains(&response.status),
        "{} {}",
        response.status,
        response.text
    );
    let status = g.wait(Duration::from_secs(15));
    assert_eq!(status.code(), Some(0), "{}", g.stderr());
    // And no new connection is taken once it stopped.
    assert!(get(g.addr, "/healthz").is_err());
}

/// The operator's commands, each on a fresh database.
#[test]
fn the_operator_commands_work_on_a_fresh_database() {
    let dir = TempDir::new("commands");

    let url = dir.database_url("migrated.db");
    let out = Guichet::ok(&["migrate"], &[("DATABASE_URL", &url)]);
    assert!(out.contains("migrations applied"), "{out}");
    assert!(row_counts(&dir.join("migrated.db"))["_sqlx_migrations"] > 0);

    let url = dir.database_url("admin.db");
    let env = [
        ("DATABASE_URL", url.as_str()),
        ("GUICHET_ADMIN_PASSWORD", "radium and polonium 1898"),
    ];
    let args = [
        "create-admin",
        "--email",
        "ops@campus.test",
        "--name",
        "Ops",
    ];
    let out = Guichet::ok(&args, &env);
    let users = row_counts(&dir.join("admin.db"))["users"];
    assert_eq!(users, 1, "{out}");

    let url = dir.database_url("demo.db");
    let out = Guichet::ok(&["demo-data"], &[("DATABASE_URL", &url)]);
    assert!(out.contains(ADMIN_EMAIL), "{out}");
    let out = Guichet::ok(&["demo-data"], &[("DATABASE_URL", &url)]);
    assert!(out.contains("already has accounts"), "{out}");

    let site = dir.join("site");
    std::fs::create_dir_all(site.join("pkg")).unwrap();
    let text = "function guichet() { return 'guichet'; }\n".repeat(200);
    for name in ["guichet.js", "guichet.css", "guichet_bg.wasm"] {
        std::fs::write(site.join("pkg").join(name), &text).unwrap();
    }
    let env = [("GUICHET_SITE_ROOT", site.to_str().unwrap())];
    Guichet::ok(&["precompress"], &env);
    for name in ["guichet.js", "guichet.css", "guichet_bg.wasm"] {
        for suffix in [".br", ".gz"] {
            let file = site.join("pkg").join(format!("{name}{suffix}"));
            let len = std::fs::metadata(&file).map(|m| m.len()).unwrap_or(0);
            assert!(len > 0 && len < text.len() as u64, "{}", file.display());
        }
    }

    // PostgreSQL's backups are pg_dump's: the commands say so instead of trying.
    for command in ["backup", "restore"] {
        let postgres = [("DATABASE_URL", "postgres://guichet@localhost/guichet")];
        let err = Guichet::fails(&[command, "/tmp/nowhere.db"], &postgres);
        assert!(
            err.contains("pg_dump") && err.contains("docs/operations.md"),
            "{err}"
        );
    }
}
