//! A real outage (issue 10, point 8): the PostgreSQL server under a running portal is killed
//! (`SIGKILL`, as a crash or an OOM kill would), with the portal's pooled connections open. Every
//! request — a page, a server function, `/readyz` — then answers 503 with `Retry-After` within
//! about 2 s, and the page says the portal is briefly unavailable.
//!
//! The test starts a PostgreSQL cluster of its own (`scripts/pg-test-cluster.sh start`, in a
//! temporary folder on a free loopback port) so that killing it touches no other test, and runs
//! in the PostgreSQL stage only (SQLite has no server to lose; `hostile_input.rs` closes the
//! pool under both backends). Its own test binary, so it may point the suite's database
//! variable at its cluster.

mod common;

use std::{
    path::PathBuf,
    process::Command,
    time::{Duration, Instant},
};

use axum::http::StatusCode;
use common::{backend_name, TestApp, UNIV_MEMBER};

/// A cluster this test owns; stopped and removed when dropped.
struct OwnCluster {
    script: PathBuf,
    state_file: PathBuf,
    folder: String,
}

impl OwnCluster {
    fn start() -> (Self, String) {
        let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
        let script = root.join("scripts/pg-test-cluster.sh");
        let state_file =
            std::env::temp_dir().join(format!("guichet-outage-{}.env", std::process::id()));
        let out = Command::new(&script)
            .arg("start")
            .env("PG_TEST_STATE_FILE", &state_file)
            .output()
            .expect("run scripts/pg-test-cluster.sh");
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        let text = String::from_utf8_lossy(&out.stdout).into_owned();
        let value = |key: &str| {
            text.lines()
                .find_map(|l| l.strip_prefix(key))
                .unwrap_or_else(|| panic!("{key} in {text}"))
                .to_owned()
        };
        let cluster = Self {
            script,
            state_file,
            folder: value("PG_TEST_DIR="),
        };
        (cluster, value("GUICHET_TEST_DATABASE_URL="))
    }

    /// Kills the postmaster with SIGKILL; its backends notice and end.
    fn kill(&self) {
        let pid_file = format!("{}/data/postmaster.pid", self.folder);
        let pid = std::fs::read_to_string(&pid_file).expect("postmaster.pid");
        let pid = pid.lines().next().unwrap().trim().to_owned();
        let status = Command::new("kill").args(["-9", &pid]).status().unwrap();
        assert!(status.success(), "kill -9 {pid}");
    }
}

impl Drop for OwnCluster {
    fn drop(&mut self) {
        let _ = Command::new(&self.script)
            .args(["stop", &self.folder])
            .env("PG_TEST_STATE_FILE", &self.state_file)
            .output();
        let _ = std::fs::remove_file(&self.state_file);
    }
}

/// 503 with `Retry-After`, within `limit`.
fn unavailable(what: &str, status: StatusCode, retry_after: bool, took: Duration, limit: Duration) {
    assert_eq!(status, StatusCode::SERVICE_UNAVAILABLE, "{what}");
    assert!(retry_after, "{what}: no Retry-After");
    assert!(took <= limit, "{what} took {took:?} (limit {limit:?})");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_postgresql_server_gets_503_fast() {
    if backend_name() != "postgres" {
        println!("outage: PostgreSQL stage only (SQLite has no server to kill)");
        return;
    }
    let (cluster, url) = OwnCluster::start();
    // This binary holds this one test: pointing the suite at the cluster touches no other.
    std::env::set_var("GUICHET_TEST_DATABASE_URL", &url);
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let before = member.get("/requests").await;
    assert_eq!(before.status, StatusCode::OK, "{}", before.body);

    cluster.kill();
    let limit = Duration::from_millis(2_500);
    let mut timings = Vec::new();
    // Several rounds: the first meets the pooled connections the kill broke, the later ones
    // new connections refused.
    for round in 0..3 {
        let started = Instant::now();
        let page = member.get("/requests").await;
        let took = started.elapsed();
        unavailable(
            &format!("/requests, round {round}: {}", page.body),
            page.status,
            page.header("retry-after").is_some(),
            took,
            limit,
        );
        assert!(page.body.contains("briefly unavailable"), "{}", page.body);
        timings.push(took);

        let started = Instant::now();
        let call = member.call("list_requests", &[]).await;
        let took = started.elapsed();
        unavailable(
            &format!("list_requests, round {round}: {}", call.body),
            call.status,
            call.header("retry-after").is_some(),
            took,
            limit,
        );
        timings.push(took);

        let started = Instant::now();
        let ready = app.anon().get("/readyz").await;
        let took = started.elapsed();
        unavailable(
            &format!("/readyz, round {round}"),
            ready.status,
            ready.header("retry-after").is_some(),
            took,
            Duration::from_secs(1),
        );
        timings.push(took);
    }
    println!("killed PostgreSQL: answers took {timings:?}");
}
