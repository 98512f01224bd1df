//! The Guichet server binary: wires settings → database → migrations →
//! sessions → router, and serves. Also the operator's command line.
//!
//! ```text
//! guichet                      serve (the default)
//! guichet serve
//! guichet migrate              apply pending migrations and exit
//! guichet create-admin --email E [--name N]
//!                              password from GUICHET_ADMIN_PASSWORD or standard input
//! guichet demo-data            load the demo data into an empty database
//! guichet outbox [--to E]      print the unsent e-mails (secret links opened) and mark them sent
//! guichet precompress          write .br and .gz beside the site's JS, wasm and CSS
//! guichet backup DEST          SQLite: an online copy of the live database, checked (a new file)
//! guichet restore SRC [--force]
//!                              SQLite: a backup into DATABASE_URL's place, then migrated
//!                              (PostgreSQL: pg_dump / pg_restore, see docs/operations.md)
//! ```

use std::{net::SocketAddr, process::ExitCode};

use anyhow::{bail, Context as _};
use app::server::{config::LogFormat, demo, AppConfig, AppState, Db};
use tokio::io::AsyncReadExt as _;

mod backup;
mod precompress;

/// mimalloc instead of the system allocator: see `server/Cargo.toml`.
#[global_allocator]
static GLOBAL: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The stack of each runtime thread. Rendering a page nests many futures; an unoptimised build
/// (the one `make test`'s browser stages serve) keeps them all on the stack and overflowed
/// tokio's 2 MiB default. Untouched stack is never given memory, so this costs no RSS.
const THREAD_STACK_BYTES: usize = 16 * 1024 * 1024;

fn main() -> ExitCode {
    match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .thread_stack_size(THREAD_STACK_BYTES)
        .build()
    {
        Ok(runtime) => runtime.block_on(run()),
        Err(e) => {
            eprintln!("guichet: cannot start the async runtime: {e}");
            ExitCode::FAILURE
        }
    }
}

async fn run() -> ExitCode {
    let config = match AppConfig::from_env() {
        Ok(c) => c,
        Err(e) => {
            eprintln!("guichet: configuration error: {e}");
            return ExitCode::from(2);
        }
    };
    init_tracing(config.log_format);
    // A panic (a request's included: the router answers it 500) is one log line, no backtrace.
    app::server::error::log_panics_in_one_line();
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        None | Some("serve") => serve(config).await,
        Some("migrate") => migrate(config).await,
        Some("create-admin") => create_admin(config, &args[1..]).await,
        Some("demo-data") => demo_data(config).await,
        Some("outbox") => send_outbox(config, &args[1..]).await,
        Some("clock") => run_clock(config).await,
        Some("precompress") => precompress_site(&config),
        Some("backup") => backup::backup(&config, &args[1..]).await,
        Some("restore") => backup::restore(&config, &args[1..]).await,
        Some("help" | "--help" | "-h") => {
            println!("{}", USAGE);
            Ok(())
        }
        Some(other) => {
            eprintln!("guichet: unknown command “{other}”\n\n{USAGE}");
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("guichet: {e:#}");
            ExitCode::FAILURE
        }
    }
}

const USAGE: &str =
    "usage: guichet [serve | migrate | create-admin --email E [--name N] | demo-data | outbox [--to E] | clock | precompress | backup DEST | restore SRC [--force]]\n\
configuration comes from environment variables: see the README.";

fn init_tracing(format: LogFormat) {
    use tracing_subscriber::{fmt, EnvFilter};
    let filter = EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| EnvFilter::new("info,sqlx=warn,tower_sessions=warn,tower_http=warn"));
    // Colour codes only for a person at a terminal, never in a file or a journal.
    let ansi = std::io::IsTerminal::is_terminal(&std::io::stdout());
    match format {
        LogFormat::Json => fmt().json().with_ansi(false).with_env_filter(filter).init(),
        LogFormat::Text => fmt().with_ansi(ansi).with_env_filter(filter).init(),
    }
}

/// Connects and migrates: every command starts here.
async fn open_database(config: &AppConfig) -> anyhow::Result<Db> {
    let db = Db::connect(&config.database_url, config.db_max_connections).await?;
    match &config.database_owner_url {
        Some(owner) => db.migrate_as_owner(owner).await,
        None => db.migrate().await,
    }
    .context("start-up stopped")?;
    Ok(db)
}

async fn serve(config: AppConfig) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    tracing::info!(database = %config.database_url.redacted(), "starting");
    let stale = precompress::remove_stale(&config.site_root.join("pkg"));
    if stale > 0 {
        tracing::warn!(
            removed = stale,
            "compressed bundles older than their source were removed: run `guichet precompress` after building"
        );
    }
    if !config.outbox_key_check()? {
        tracing::warn!(
            "GUICHET_OUTBOX_KEY is not set: the e-mail outbox seals its links with a key of this \
             process only, so they cannot be sent once it stops (demo data only; required otherwise)"
        );
    }
    let db = open_database(&config).await?;
    let addr = config.addr;
    let demo = config.demo_data;
    let state = AppState::new(db.clone(), config);
    if demo {
        load_demo(&state).await?;
    }
    if state.config.mail.smtp.is_none() {
        tracing::warn!(
            "GUICHET_SMTP_HOST is not set: e-mail waits in the outbox (`guichet outbox` prints it)"
        );
    }
    // Scheduled jobs: the quota clock, reminders, the compliance re-check, the mailer, the
    // clean-up; each runs once across instances (`app::server::jobs`).
    let runner = app::server::jobs::spawn(state.clone());
    serve_metrics(&state).await?;
    let app = app::server::router(state);
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (set GUICHET_ADDR)"))?;
    tracing::info!(%addr, ready_in_ms = started.elapsed().as_millis() as u64, "ready");
    println!("Guichet is ready at http://{addr}/");
    axum::serve(
        listener,
        app.into_make_service_with_connect_info::<SocketAddr>(),
    )
    .with_graceful_shutdown(shutdown_signal())
    .await?;
    // A job cut short rolls back; its lease runs out and another instance runs it.
    runner.abort();
    db.close().await;
    tracing::info!("stopped");
    Ok(())
}

/// With `GUICHET_METRICS_ADDR` set, serves `GET /metrics` (and nothing else) there, beside the
/// portal and never on its address, until the same shutdown signal; a bind failure stops
/// start-up.
async fn serve_metrics(state: &AppState) -> anyhow::Result<()> {
    let Some(addr) = state.config.metrics_addr else {
        return Ok(());
    };
    let listener = tokio::net::TcpListener::bind(addr)
        .await
        .with_context(|| format!("cannot listen on {addr} (set GUICHET_METRICS_ADDR)"))?;
    let metrics = app::server::metrics::metrics_router(state.clone());
    tracing::info!(%addr, "metrics at /metrics");
    tokio::spawn(async move {
        let served = axum::serve(listener, metrics).with_graceful_shutdown(shutdown_signal());
        if let Err(e) = served.await {
            tracing::error!(error = %e, "the metrics listener stopped");
        }
    });
    Ok(())
}

fn print_demo_logins(logins: &[demo::DemoLogin], admin_has_second_factor: bool) {
    println!(
        "Demo data loaded. Every demo account's password is “{}”:",
        demo::DEMO_PASSWORD
    );
    for l in logins {
        println!("  {:<40} {}", l.email, l.role);
    }
    if admin_has_second_factor {
        println!("The platform admin signs in with a code of GUICHET_DEMO_ADMIN_TOTP's secret.");
    } else {
        println!(
            "The platform admin sets up two-step sign-in at the first sign-in \
             (an authenticator app: FreeOTP, Aegis, Google Authenticator…)."
        );
    }
}

/// `guichet clock`: runs the quota clock once (for cron, or to catch up after a stop).
async fn run_clock(config: AppConfig) -> anyhow::Result<()> {
    let db = open_database(&config).await?;
    let state = AppState::new(db.clone(), config);
    let now = time::OffsetDateTime::now_utc();
    let run = app::server::usage::clock::tick(&state, now.unix_timestamp(), now.date())
        .await
        .map_err(|e| anyhow::anyhow!("{e}"))?;
    println!(
        "quota clock: {} quota(s) became active, {} expired",
        run.activated, run.expired
    );
    db.close().await;
    Ok(())
}

/// Resolves on SIGTERM or Ctrl-C; in-flight requests then finish.
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down: finishing in-flight requests");
}

/// Compresses the built bundle once, at the best levels, for the static-file handler.
fn precompress_site(config: &AppConfig) -> anyhow::Result<()> {
    let dir = config.site_root.join("pkg");
    for f in precompress::precompress(&dir)? {
        println!(
            "{:<40} {:>9} bytes, brotli {:>9}, gzip {:>9}",
            f.path.display(),
            f.raw,
            f.brotli,
            f.gzip
        );
    }
    Ok(())
}

async fn migrate(config: AppConfig) -> anyhow::Result<()> {
    open_database(&config).await?;
    println!("migrations applied");
    Ok(())
}

async fn demo_data(config: AppConfig) -> anyhow::Result<()> {
    let db = open_database(&config).await?;
    let state = AppState::new(db, config);
    if !load_demo(&state).await? {
        println!("the database already has accounts: demo data not loaded");
    }
    Ok(())
}

/// Loads the demo accounts, catalogue and activity into an empty database;
/// `false` when it had accounts already.
async fn load_demo(state: &AppState) -> anyhow::Result<bool> {
    let Some(logins) = demo::load_if_empty(state).await? else {
        return Ok(false);
    };
    let requests = app::server::demo_activity::load_activity(state).await?;
    print_demo_logins(&logins, state.config.demo_admin_totp.is_some());
    println!("{requests} demo quota requests made, in every state.");
    Ok(true)
}

/// For a portal without an SMTP server (`GUICHET_SMTP_HOST` unset, as with `make run`): prints
/// each unsent e-mail, secret link included, on standard output and marks it sent, which erases
/// the sealed copy. Needs the key
/// the server sealed them with.
async fn send_outbox(config: AppConfig, args: &[String]) -> anyhow::Result<()> {
    use app::server::outbox;
    let mut to = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--to" => to = it.next().cloned(),
            other => bail!("unknown option “{other}”\n{USAGE}"),
        }
    }
    let Some(key) = &config.outbox_key else {
        bail!(
            "GUICHET_OUTBOX_KEY is not set: give the key the server seals the outbox with \
             (a server without one used a key of its own process, which nothing else can open)"
        );
    };
    let key = outbox::OutboxKey::from_bytes(key.expose());
    let db = open_database(&config).await?;
    let (mut sent, mut unreadable) = (0, 0);
    for mail in outbox::unsent(&db, &key, to.as_deref(), 10_000).await? {
        match &mail.body {
            Ok(body) => {
                println!(
                    "--- e-mail #{}\nTo: {}\nSubject: {}\n\n{body}\n",
                    mail.id, mail.to, mail.subject
                );
                if outbox::mark_sent(&db, mail.id).await? {
                    sent += 1;
                }
            }
            Err(e) => {
                eprintln!("e-mail #{} to {} not sent: {e}", mail.id, mail.to);
                unreadable += 1;
            }
        }
    }
    println!("{sent} e-mail(s) sent, {unreadable} left unsent (sealed under another key)");
    Ok(())
}

async fn create_admin(config: AppConfig, args: &[String]) -> anyhow::Result<()> {
    let mut email = None;
    let mut name = None;
    let mut it = args.iter();
    while let Some(arg) = it.next() {
        match arg.as_str() {
            "--email" => email = it.next().cloned(),
            "--name" => name = it.next().cloned(),
            "--password" => bail!("passwords are never taken as arguments: use GUICHET_ADMIN_PASSWORD or standard input"),
            other => bail!("unknown option “{other}”\n{USAGE}"),
        }
    }
    let Some(email) = email else {
        bail!("create-admin needs --email");
    };
    let password = match std::env::var("GUICHET_ADMIN_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            let mut input = String::new();
            tokio::io::stdin().read_to_string(&mut input).await?;
            input.trim_end_matches(['\n', '\r']).to_string()
        }
    };
    // Parsed here, once, by the portal's own rules (the same as sign-up's).
    let (email, password) =
        app::server::identity::parse_operator_args(&email, name.as_deref(), &password)
            .map_err(|e| anyhow::anyhow!(e.to_string()))?;
    let db = open_database(&config).await?;
    let state = AppState::new(db, config);
    let outcome =
        app::server::identity::create_platform_admin(&state, &email, name.as_deref(), password)
            .await?;
    println!("{outcome}");
    Ok(())
}
