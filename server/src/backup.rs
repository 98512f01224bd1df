//! `guichet backup DEST` and `guichet restore SRC [--force]`, for SQLite. PostgreSQL has its own
//! tools (`pg_dump -Fc`, `pg_restore`): both commands stop on a PostgreSQL `DATABASE_URL` and
//! point to `docs/operations.md`.
//!
//! **Backup** is online: `VACUUM INTO` reads one consistent snapshot of the live database (a
//! read transaction; in WAL mode the portal keeps writing meanwhile) into a new file, which is
//! synced, checked (`PRAGMA integrity_check`) and counted table by table before it takes its
//! name. A `DEST` that exists is never overwritten.
//!
//! **Restore** checks that `SRC` is a Guichet database (integrity, `_sqlx_migrations`), refuses
//! to replace a database that has accounts unless `--force`, and a database that a running
//! process holds open in any case. It copies `SRC` to a temporary file beside the target, runs
//! the migrations on that copy (an older backup is brought up to this release's schema), checks
//! and syncs it, then renames it over the target: the target is either the old database or the
//! whole restored one, never half of each.

use std::{
    fs,
    path::{Path, PathBuf},
    str::FromStr as _,
    time::{Duration, Instant},
};

use anyhow::{bail, Context as _};
use app::server::{AppConfig, Db};
use sqlx::{
    sqlite::{SqliteConnectOptions, SqliteConnection, SqliteLockingMode},
    ConnectOptions as _, Connection as _,
};

/// What to do on PostgreSQL, where these commands do not apply.
const POSTGRES: &str = "DATABASE_URL names a PostgreSQL database: back it up with `pg_dump -Fc` \
     and restore it with `pg_restore`, as the PostgreSQL part of “Backups” in docs/operations.md \
     says (roles, row-level security)";

/// `guichet backup DEST`.
pub async fn backup(config: &AppConfig, args: &[String]) -> anyhow::Result<()> {
    let live = sqlite_file(config)?;
    let dest = match args {
        [dest] if !dest.starts_with("--") => PathBuf::from(dest),
        _ => bail!("usage: guichet backup DEST (a new file)"),
    };
    if !live.is_file() {
        bail!("there is no database at {} (DATABASE_URL)", live.display());
    }
    if dest.symlink_metadata().is_ok() {
        bail!(
            "{} exists: a backup never overwrites a file, give a new name",
            dest.display()
        );
    }
    let started = Instant::now();
    let partial = PartialFile::beside(&dest, "partial")?;
    let mut conn = open(&live, false)
        .await
        .with_context(|| format!("cannot open {}", live.display()))?;
    sqlx::query("VACUUM INTO ?")
        .bind(path_text(partial.path())?)
        .execute(&mut conn)
        .await
        .with_context(|| format!("VACUUM INTO {} failed", partial.path().display()))?;
    conn.close().await?;
    sync_file(partial.path())?;
    let tables = check_and_count(partial.path()).await?;
    partial.keep_as(&dest)?;
    let bytes = fs::metadata(&dest)?.len();
    println!(
        "backup of {} written to {}: {bytes} bytes in {:.2} s, integrity ok",
        live.display(),
        dest.display(),
        started.elapsed().as_secs_f64()
    );
    print_counts(&tables);
    Ok(())
}

/// `guichet restore SRC [--force]`.
pub async fn restore(config: &AppConfig, args: &[String]) -> anyhow::Result<()> {
    let target = sqlite_file(config)?;
    let (mut src, mut force) = (None, false);
    for arg in args {
        match arg.as_str() {
            "--force" => force = true,
            other if other.starts_with("--") => bail!("unknown option “{other}”"),
            other if src.is_none() => src = Some(PathBuf::from(other)),
            _ => bail!("usage: guichet restore SRC [--force]"),
        }
    }
    let Some(src) = src else {
        bail!("usage: guichet restore SRC [--force]");
    };
    if !src.is_file() {
        bail!("{} is not a file", src.display());
    }
    if target.exists() && fs::canonicalize(&src)? == fs::canonicalize(&target)? {
        bail!("{} is DATABASE_URL's database itself", src.display());
    }
    let started = Instant::now();
    // SRC first: nothing is touched unless it is a sound Guichet database.
    let from = check_and_count(&src)
        .await
        .with_context(|| format!("{} is not a sound SQLite database", src.display()))?;
    if !from.iter().any(|(name, _)| name == "_sqlx_migrations") {
        bail!(
            "{} is not a Guichet database (it has no _sqlx_migrations table)",
            src.display()
        );
    }
    if target.exists() {
        let accounts = idle_accounts(&target).await?;
        if accounts > 0 && !force {
            bail!(
                "{} already has {accounts} account(s): restore does not replace it unless told \
                 --force (back it up first with `guichet backup`)",
                target.display()
            );
        }
    } else if let Some(folder) = target.parent().filter(|p| !p.as_os_str().is_empty()) {
        fs::create_dir_all(folder)
            .with_context(|| format!("cannot create {}", folder.display()))?;
    }

    let copy = PartialFile::beside(&target, "restoring")?;
    let mut conn = open(&src, true)
        .await
        .with_context(|| format!("cannot open {}", src.display()))?;
    sqlx::query("VACUUM INTO ?")
        .bind(path_text(copy.path())?)
        .execute(&mut conn)
        .await
        .with_context(|| format!("cannot copy {}", src.display()))?;
    conn.close().await?;
    // Migrated on one connection of its own, closed before anything else opens the copy, and in
    // the rollback journal the copy was made in: the file is whole on its own (the portal turns
    // WAL on again when it serves it).
    let mut conn = open(copy.path(), false)
        .await
        .context("cannot open the restored copy")?;
    let migrated = Db::sqlite_migrator().run(&mut conn).await;
    conn.close().await?;
    migrated.context(
        "the backup could not be brought up to this release's schema (nothing was replaced)",
    )?;
    let restored = check_and_count(copy.path())
        .await
        .context("cannot check the restored copy")?;
    sync_file(copy.path())?;
    if target.exists() {
        // Again, just before: a process may have opened it while the copy was made.
        idle_accounts(&target).await?;
    }
    for leftover in ["-wal", "-shm"] {
        let _ = fs::remove_file(with_suffix(&target, leftover));
    }
    copy.replace(&target)?;
    println!(
        "{} restored into {} in {:.2} s (migrations: {} in the backup, {} now)",
        src.display(),
        target.display(),
        started.elapsed().as_secs_f64(),
        rows_of(&from, "_sqlx_migrations"),
        rows_of(&restored, "_sqlx_migrations"),
    );
    print_counts(&restored);
    Ok(())
}

/// The file of a SQLite `DATABASE_URL`; PostgreSQL stops here.
fn sqlite_file(config: &AppConfig) -> anyhow::Result<PathBuf> {
    if !config.database_url.is_sqlite() {
        bail!(POSTGRES);
    }
    let options = SqliteConnectOptions::from_str(config.database_url.expose())
        .context("DATABASE_URL is not a SQLite URL")?;
    let file = options.get_filename().to_path_buf();
    if file.as_os_str().is_empty() || file.to_string_lossy().contains(":memory:") {
        bail!("DATABASE_URL names an in-memory database: there is nothing to back up");
    }
    Ok(file)
}

/// One connection to an existing file, waiting up to 5 s for a writer.
async fn open(file: &Path, read_only: bool) -> Result<SqliteConnection, sqlx::Error> {
    SqliteConnectOptions::new()
        .filename(file)
        .create_if_missing(false)
        .read_only(read_only)
        .busy_timeout(Duration::from_secs(5))
        .disable_statement_logging()
        .connect()
        .await
}

/// `PRAGMA integrity_check` (must answer `ok`), then every table's row count, by name.
async fn check_and_count(file: &Path) -> anyhow::Result<Vec<(String, i64)>> {
    let mut conn = open(file, true).await?;
    let problems: Vec<(String,)> = sqlx::query_as("PRAGMA integrity_check")
        .fetch_all(&mut conn)
        .await?;
    if problems.len() != 1 || problems[0].0 != "ok" {
        let first: Vec<&str> = problems.iter().take(5).map(|p| p.0.as_str()).collect();
        bail!(
            "the integrity check of {} failed: {}",
            file.display(),
            first.join("; ")
        );
    }
    let names: Vec<(String,)> = sqlx::query_as(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
         ORDER BY name",
    )
    .fetch_all(&mut conn)
    .await?;
    let mut counts = Vec::with_capacity(names.len());
    for (name,) in names {
        let sql = format!("SELECT COUNT(*) FROM \"{}\"", name.replace('"', "\"\""));
        let (rows,): (i64,) = sqlx::query_as(&sql).fetch_one(&mut conn).await?;
        counts.push((name, rows));
    }
    conn.close().await?;
    Ok(counts)
}

/// The accounts of the database about to be replaced, once it is sure that nothing holds it
/// open: a portal still serving it would keep writing to the replaced file and lose it all.
async fn idle_accounts(target: &Path) -> anyhow::Result<i64> {
    // A lock may linger a moment after a process that just used the file (a previous command)
    // has gone: a holder that stays two seconds is a process still using it.
    for _ in 0..10 {
        match accounts_held_exclusively(target).await {
            Ok(accounts) => return Ok(accounts),
            Err(e) if is_busy(&e) => tokio::time::sleep(Duration::from_millis(200)).await,
            Err(e) => {
                return Err(
                    anyhow::Error::new(e).context(format!("cannot open {}", target.display()))
                )
            }
        }
    }
    bail!(
        "{} is in use (a `guichet serve` on it?): stop every process using it, then restore",
        target.display()
    )
}

/// SQLITE_BUSY or SQLITE_LOCKED, whatever the extended code.
fn is_busy(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d)
        if d.code().and_then(|c| c.parse::<i32>().ok()).is_some_and(|c| matches!(c & 0xff, 5 | 6)))
}

/// The accounts of `target`, counted under an exclusive lock that nothing else may hold.
async fn accounts_held_exclusively(target: &Path) -> Result<i64, sqlx::Error> {
    let mut conn = SqliteConnectOptions::new()
        .filename(target)
        .create_if_missing(false)
        .locking_mode(SqliteLockingMode::Exclusive)
        .busy_timeout(Duration::ZERO)
        .disable_statement_logging()
        .connect()
        .await?;
    sqlx::query("BEGIN EXCLUSIVE").execute(&mut conn).await?;
    let has_users: Option<(String,)> =
        sqlx::query_as("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'users'")
            .fetch_optional(&mut conn)
            .await?;
    let accounts = match has_users {
        Some(_) => {
            sqlx::query_as::<_, (i64,)>("SELECT COUNT(*) FROM users")
                .fetch_one(&mut conn)
                .await?
                .0
        }
        None => 0,
    };
    sqlx::query("COMMIT").execute(&mut conn).await?;
    conn.close().await?;
    Ok(accounts)
}

fn rows_of(tables: &[(String, i64)], name: &str) -> i64 {
    tables
        .iter()
        .find(|(n, _)| n == name)
        .map_or(0, |(_, rows)| *rows)
}

fn print_counts(tables: &[(String, i64)]) {
    let width = tables.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, rows) in tables {
        println!("  {name:<width$} {rows:>9}");
    }
    let total: i64 = tables.iter().map(|(_, rows)| rows).sum();
    println!("{} tables, {total} rows", tables.len());
}

fn path_text(path: &Path) -> anyhow::Result<&str> {
    path.to_str()
        .with_context(|| format!("{} is not valid UTF-8", path.display()))
}

fn with_suffix(path: &Path, suffix: &str) -> PathBuf {
    let mut name = path.as_os_str().to_owned();
    name.push(suffix);
    PathBuf::from(name)
}

fn sync_file(path: &Path) -> std::io::Result<()> {
    fs::File::open(path)?.sync_all()
}

/// Makes a rename or a new link durable (Unix; elsewhere the rename is all there is).
fn sync_folder_of(path: &Path) {
    #[cfg(unix)]
    if let Some(folder) = path.parent() {
        let folder = if folder.as_os_str().is_empty() {
            Path::new(".")
        } else {
            folder
        };
        if let Ok(dir) = fs::File::open(folder) {
            let _ = dir.sync_all();
        }
    }
}

/// A file being written beside its final name (`.NAME.WHAT-PID`); removed if dropped before it
/// takes that name.
struct PartialFile(Option<PathBuf>);

impl PartialFile {
    fn beside(target: &Path, what: &str) -> anyhow::Result<Self> {
        let name = target
            .file_name()
            .with_context(|| format!("{} names no file", target.display()))?
            .to_string_lossy();
        let path = target.with_file_name(format!(".{name}.{what}-{}", std::process::id()));
        let _ = fs::remove_file(&path);
        Ok(Self(Some(path)))
    }

    fn path(&self) -> &Path {
        self.0.as_deref().expect("a partial file until it is kept")
    }

    /// Takes `dest`'s name, which must still be free (a link fails if `dest` appeared meanwhile).
    fn keep_as(mut self, dest: &Path) -> anyhow::Result<()> {
        let path = self.path().to_path_buf();
        match fs::hard_link(&path, dest) {
            Ok(()) => fs::remove_file(&path)?,
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {
                bail!("{} appeared meanwhile: nothing written", dest.display())
            }
            // A file system without hard links: the check at the start has to do.
            Err(_) => fs::rename(&path, dest)?,
        }
        self.0 = None;
        sync_folder_of(dest);
        Ok(())
    }

    /// Replaces `target` at once.
    fn replace(mut self, target: &Path) -> anyhow::Result<()> {
        fs::rename(self.path(), target)
            .with_context(|| format!("cannot move the restored copy to {}", target.display()))?;
        self.0 = None;
        sync_folder_of(target);
        Ok(())
    }
}

impl Drop for PartialFile {
    fn drop(&mut self) {
        if let Some(path) = self.0.take() {
            for suffix in ["", "-wal", "-shm", "-journal"] {
                let _ = fs::remove_file(with_suffix(&path, suffix));
            }
        }
    }
}
