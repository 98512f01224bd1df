//! Issue 14, point 4: approved quotas reach a real Slurm and its GPU-hours come back, end to end.
//!
//! Runs against the cluster `scripts/slurm-test-cluster.sh` starts (the `slurm` stage of
//! `make test`: `SLURM_CONF` and `GUICHET_SLURM_CLUSTER` set). Without one it says so and
//! passes, unless `GUICHET_REQUIRE_SLURM=1` (as in that stage), when it fails. The portal runs
//! on a loopback port; the site agent is `scripts/guichet-agent.sh`, as a site runs it.

mod common;

use std::process::{Command, Output};
use std::time::{Duration, Instant};

use common::requests::{approved, day};
use common::*;

const ACCOUNT: &str = "univ-palaiseau_climate";

fn run(cmd: &mut Command) -> Output {
    let out = cmd.output().expect("the command starts");
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

fn text(out: &Output) -> String {
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// The agent's run against the portal at `url`: its output.
fn agent(url: &str, secret: &str, apply: bool) -> String {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
    let mut cmd = Command::new("sh");
    cmd.arg(format!("{root}/scripts/guichet-agent.sh"))
        .args(["--site", "dugny", "--days", "1"])
        .env("GUICHET_URL", url)
        .env("GUICHET_AGENT_TOKEN", secret);
    if apply {
        cmd.arg("--apply");
    }
    text(&run(&mut cmd))
}

/// The account's association line: (GrpTRES, GrpTRESMins), and its users.
fn association(cluster: &str) -> (String, String, Vec<String>) {
    let out = text(&run(Command::new("sacctmgr").args([
        "-n",
        "-P",
        "show",
        "assoc",
        "where",
        &format!("cluster={cluster}"),
        &format!("account={ACCOUNT}"),
        "format=User,GrpTRES,GrpTRESMins",
    ])));
    let mut account = (String::new(), String::new());
    let mut users = Vec::new();
    for line in out.lines() {
        let f: Vec<&str> = line.split('|').collect();
        if f[0].is_empty() {
            account = (f[1].to_owned(), f[2].to_owned());
        } else {
            users.push(f[0].to_owned());
        }
    }
    (account.0, account.1, users)
}

fn sbatch(gpus: u32, seconds: u32) -> String {
    let out = text(&run(Command::new("sbatch").args([
        "--parsable",
        "-A",
        ACCOUNT,
        &format!("--gres=gpu:h100:{gpus}"),
        "--output=/dev/null",
        // With a GPU-minute budget, Slurm holds a job whose time limit could exceed it: say it.
        "--time=5",
        "--wrap",
        &format!("sleep {seconds}"),
    ])));
    out.trim().split(';').next().unwrap().to_owned()
}

/// The job's state and reason, as squeue tells them (empty once it has left the queue).
fn queued(job: &str) -> String {
    text(&run(
        Command::new("squeue").args(["-h", "-j", job, "-o", "%T %r"])
    ))
    .trim()
    .to_owned()
}

fn wait_until(what: &str, seconds: u64, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < Duration::from_secs(seconds),
            "timed out waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(500));
    }
}

/// (elapsed seconds, H100 GPUs) of each completed job of the account, from sacct: of `jobs`,
/// or with none, of every job of the last day (what the agent posts).
fn accounted(jobs: &[String]) -> Vec<(i64, i64)> {
    let which = if jobs.is_empty() {
        vec![
            "-A".to_owned(),
            ACCOUNT.to_owned(),
            "--starttime".to_owned(),
            "now-1days".to_owned(),
        ]
    } else {
        vec!["-j".to_owned(), jobs.join(",")]
    };
    let out = text(&run(Command::new("sacct")
        .env("TZ", "UTC")
        .args([
            "--allocations",
            "--parsable2",
            "--noheader",
            "--format=State,ElapsedRaw,AllocTRES",
        ])
        .args(&which)));
    out.lines()
        .filter(|l| l.starts_with("COMPLETED"))
        .map(|l| {
            let f: Vec<&str> = l.split('|').collect();
            let gpus = f[2]
                .split(',')
                .find_map(|t| t.strip_prefix("gres/gpu:h100="))
                .map_or(0, |n| n.parse().unwrap());
            (f[1].parse().unwrap(), gpus)
        })
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approved_quotas_reach_slurm_and_its_gpu_hours_come_back() {
    let Ok(cluster) = std::env::var("GUICHET_SLURM_CLUSTER") else {
        assert!(
            std::env::var("GUICHET_REQUIRE_SLURM").is_err(),
            "GUICHET_REQUIRE_SLURM is set but no Slurm cluster is: run it under scripts/slurm-test-cluster.sh"
        );
        eprintln!("no Slurm here (GUICHET_SLURM_CLUSTER unset): skipped; `make test` runs it in its slurm stage");
        return;
    };
    let app = TestApp::with_demo().await;
    // A quota of 2 H100 at Dugny for the university's project `climate`, with a 100 GPU-hour
    // budget, whose window (moved back: time passes) started yesterday.
    let climate = sqlx::query_scalar::<_, i64>(
        "SELECT p.id FROM projects p JOIN tenants t ON t.id = p.tenant_id \
         WHERE t.slug = 'univ-palaiseau' AND p.code = 'climate'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    let quota = approved(
        &app,
        "slurm-quota",
        &[
            ("project", &climate.to_string()),
            ("gpus", "2"),
            ("expected_gpu_hours", "100"),
        ],
    )
    .await;
    sqlx::query(
        "UPDATE quota_requests SET approved_start = $1, approved_end = $2, start_date = $1, end_date = $2 WHERE id = $3",
    )
    .bind(day(-1))
    .bind(day(29))
    .bind(quota)
    .execute(app.owner_pool())
    .await
    .unwrap();
    // The project's lead runs jobs at Dugny as `root` (the test cluster runs jobs as root).
    sqlx::query(
        "INSERT INTO site_logins (user_id, site_id, login) SELECT u.id, s.id, 'root' FROM users u, sites s \
         WHERE u.email = $1 AND s.slug = 'dugny'",
    )
    .bind(UNIV_MEMBER)
    .execute(app.owner_pool())
    .await
    .unwrap();
    let admin_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE email = $1")
        .bind(ADMIN)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let admin = app::server::auth::actor::AdminActor::for_demo_and_benchmarks(admin_id, ADMIN);
    let input = app::wire::site_agents::AgentForm {
        site: "dugny".into(),
        name: "slurm test".into(),
        cluster: cluster.clone(),
        lead_days: "7".into(),
    }
    .parse()
    .unwrap();
    let secret = app::server::site_agents::register(&app.state, &admin, &input, None)
        .await
        .unwrap()
        .secret;

    // The portal on a loopback port, as the agent reaches it.
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let router = app.router.clone();
    tokio::spawn(async move {
        axum::serve(
            listener,
            router.into_make_service_with_connect_info::<std::net::SocketAddr>(),
        )
        .await
    });
    let agent_run = |apply: bool| {
        let (url, secret) = (url.clone(), secret.clone());
        tokio::task::spawn_blocking(move || agent(&url, &secret, apply))
    };

    // A dry run changes nothing (the cluster may hold the account from an earlier run of this
    // test: the stage runs it on SQLite, then on PostgreSQL).
    let before = association(&cluster);
    let dry = agent_run(false).await.unwrap();
    assert!(dry.contains("dry run"), "{dry}");
    assert_eq!(
        association(&cluster),
        before,
        "the dry run changed the cluster"
    );

    let first = agent_run(true).await.unwrap();
    assert!(first.contains("change(s) applied"), "{first}");
    let (tres, minutes, users) = association(&cluster);
    let mut tres_items: Vec<&str> = tres.split(',').collect();
    tres_items.sort_unstable();
    assert_eq!(
        tres_items,
        ["gres/gpu:h100=2", "gres/gpu:h200=0", "gres/gpu=2"],
        "{tres}"
    );
    assert_eq!(minutes, "gres/gpu:h100=6000");
    assert_eq!(users, ["root"]);
    let again = agent_run(true).await.unwrap();
    assert!(
        again.contains("guichet: 0 change(s) applied"),
        "the second run changed something:\n{again}"
    );

    // Real jobs: 2 GPUs run; 1 more waits on the account's limit, with Slurm's own reason.
    let (jobs, first_job, second_job) = tokio::task::spawn_blocking(|| {
        let a = sbatch(2, 4);
        wait_until(&format!("job {a} to run"), 60, || {
            let q = queued(&a);
            eprintln!("job {a}: {q}");
            q.starts_with("RUNNING")
        });
        let b = sbatch(1, 1);
        wait_until("the second job's reason", 30, || {
            queued(&b).contains("AssocGrpGRES")
        });
        let b_state = queued(&b);
        let jobs = vec![a.clone(), b.clone()];
        let all = jobs.clone();
        wait_until("both jobs to be accounted", 120, || {
            accounted(&all).len() == 2
        });
        (jobs, a, b_state)
    })
    .await
    .unwrap();
    assert!(second_job.starts_with("PENDING"), "{second_job}");
    assert!(!first_job.is_empty());

    let posted = agent_run(true).await.unwrap();
    assert!(posted.contains("job(s) recorded"), "{posted}");
    assert!(accounted(&jobs).iter().all(|(s, g)| s * g > 0));
    // Every job of the account the agent sent (an earlier run's too, on the same cluster).
    let expected: i64 = accounted(&[]).iter().map(|(s, g)| s * g).sum();
    let used: i64 = sqlx::query_scalar("SELECT used_gpu_seconds FROM quota_requests WHERE id = $1")
        .bind(quota)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(used, expected, "the GPU-seconds Guichet counts are sacct's");
    let resent = agent_run(true).await.unwrap();
    assert!(resent.contains("0 job(s) recorded"), "{resent}");
    let used_again: i64 =
        sqlx::query_scalar("SELECT used_gpu_seconds FROM quota_requests WHERE id = $1")
            .bind(quota)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(used_again, expected, "a resent record counted twice");

    // The quota ends (its window moved to end today): its limits go to zero, its account stays.
    sqlx::query("UPDATE quota_requests SET approved_end = $1, end_date = $1 WHERE id = $2")
        .bind(day(0))
        .bind(quota)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let expired = agent_run(true).await.unwrap();
    assert!(expired.contains("change(s) applied"), "{expired}");
    let (tres, minutes, users) = association(&cluster);
    let mut tres_items: Vec<&str> = tres.split(',').collect();
    tres_items.sort_unstable();
    assert_eq!(
        tres_items,
        ["gres/gpu:h100=0", "gres/gpu:h200=0", "gres/gpu=0"],
        "{tres}"
    );
    assert_eq!(minutes, "", "no budget once no quota is active");
    assert_eq!(users, ["root"], "the account and its people stay");
    let events: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM request_events WHERE request_id = $1 AND note LIKE 'Quota expired%'",
    )
    .bind(quota)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(events, 1, "the clock recorded the expiry once");
}
