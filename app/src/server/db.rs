//! The database: SQLite by default, PostgreSQL in production, chosen by the
//! URL's scheme. Both run the same SQL through sqlx's `Any` driver, so queries
//! stick to what the two share: `$1` placeholders, BIGINT/TEXT columns, flags
//! as 0/1 integers, dates as ISO `YYYY-MM-DD` text and instants as Unix seconds.
//! Each backend has its own migrations folder.
//!
//! **Scopes.** Every transaction that touches tenant-owned rows says whose rows
//! it may reach: [`Db::tenant_tx`] / [`Db::tenant_write_tx`] for code acting for
//! a `TenantActor`, [`Db::platform_tx`] / [`Db::platform_write_tx`] for platform
//! admins and for system paths that are cross-tenant by nature. On PostgreSQL
//! the scope is set transaction-locally (`set_config(…, true)`) and row-level
//! security (migration 0004) lets the transaction see only those rows; it ends
//! with the transaction, so nothing carries over to the next user of a pooled
//! connection. On SQLite the scopes are plain transactions: the application's
//! own `WHERE tenant_id = $1` filters are the only wall there (and the first
//! one everywhere). A bare [`Db::pool`] connection has no scope: on PostgreSQL
//! tenant-owned tables look empty through it.

use std::{str::FromStr, time::Duration};

use sqlx::{
    any::{AnyConnectOptions, AnyPoolOptions},
    Any, AnyPool, ConnectOptions, Executor, Transaction,
};

use super::config::DatabaseUrl;

/// The setting naming the tenant whose rows a transaction may reach.
pub const TENANT_SETTING: &str = "guichet.tenant_id";
/// The setting that, set to [`PLATFORM_SCOPE`], opens every tenant's rows.
pub const SCOPE_SETTING: &str = "guichet.scope";
pub const PLATFORM_SCOPE: &str = "platform";

/// The setting naming the projects a tenant transaction reaches (`all`, or `{3,7}`).
pub const PROJECTS_SETTING: &str = "guichet.projects";

/// One tenant's rows, and within them the projects a transaction reaches.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TenantScope {
    pub tenant_id: i64,
    /// `None`: every project (owners, auditors, paths of the whole tenant); otherwise a tenant
    /// member's own projects.
    pub member: Option<MemberProjects>,
}

/// A tenant member's projects: queries filter on `user_id`'s memberships (both databases), and
/// on PostgreSQL row-level security admits `ids` only.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberProjects {
    pub user_id: i64,
    pub ids: Vec<i64>,
}

impl TenantScope {
    /// Every project of the tenant: for paths acting for the whole tenant (each caller says why).
    pub fn whole_tenant(tenant_id: i64) -> Self {
        Self {
            tenant_id,
            member: None,
        }
    }

    /// The user whose project memberships bound what a query returns (`0`: none, every project),
    /// bound as a parameter of [`project_filter`].
    pub fn member_user(&self) -> i64 {
        self.member.as_ref().map_or(0, |m| m.user_id)
    }

    /// The value of [`PROJECTS_SETTING`].
    fn projects_setting(&self) -> String {
        match &self.member {
            None => "all".to_owned(),
            Some(m) => {
                let ids: Vec<String> = m.ids.iter().map(i64::to_string).collect();
                format!("{{{}}}", ids.join(","))
            }
        }
    }
}

/// The SQL condition that keeps the rows of `column` (a project id) visible to the member bound
/// as parameter `$param` ([`TenantScope::member_user`]; `0` keeps every project). The one project
/// filter of every tenant query.
pub fn project_filter(column: &str, param: u8) -> String {
    format!(
        "(${param} = 0 OR {column} IN (SELECT pm.project_id FROM project_members pm WHERE pm.user_id = ${param}))"
    )
}

/// Whose rows a transaction may reach.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    /// One tenant's rows (some of its projects, for a tenant member).
    Tenant(TenantScope),
    /// Every tenant's rows, and the platform rows (tenant-less audit events).
    Platform,
}

/// Which database is behind the pool.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Backend {
    Sqlite,
    Postgres,
}

/// A database error the backend can act on; database text stays in the logs.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("could not connect to the database ({url}): {source}")]
    Connect {
        url: String,
        #[source]
        source: sqlx::Error,
    },
    #[error("database migration failed: {0}")]
    Migrate(#[from] sqlx::migrate::MigrateError),
    /// A migration that failed or no longer matches its file, named once (see `named`).
    #[error("migration {version} ({description}) failed: {reason}")]
    MigrationFailed {
        version: i64,
        description: String,
        reason: String,
    },
    #[error("the owner connection (GUICHET_DATABASE_OWNER_URL): {0}")]
    Owner(String),
    #[error(transparent)]
    Sqlx(#[from] sqlx::Error),
}

/// The connection pool and the backend it talks to.
#[derive(Clone, Debug)]
pub struct Db {
    pool: AnyPool,
    backend: Backend,
    /// Fails calls fast while the database is unreachable (see [`super::db_breaker`]).
    breaker: std::sync::Arc<super::db_breaker::Breaker>,
}

/// How long a request waits for a connection before it is told the portal is
/// briefly unavailable (503): a healthy pool hands one out in milliseconds, and
/// with the database gone a person should hear so within about 2 s, not 10.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(2);

// Migrations are expand-then-contract (migrations/README.md), so an instance of the previous
// release may start on a database that a newer one already migrated: migrations it does not
// know are let be (`ignore_missing`) instead of stopping it, which is what lets two releases run
// side by side during a roll-over (docs/operations.md, "Upgrading"). The field is set the way
// `migrate!` sets its own (sqlx has no const setter); an edited or failed migration still stops
// start-up.
static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("../migrations/sqlite")
};
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate::Migrator {
    ignore_missing: true,
    ..sqlx::migrate!("../migrations/postgres")
};

/// A failed migration run, with the migration named (version and description) and the reason
/// said once: sqlx's own message gives the version only, and repeats itself down its chain.
fn named(migrator: &sqlx::migrate::Migrator, error: sqlx::migrate::MigrateError) -> DbError {
    use sqlx::migrate::MigrateError as E;
    let (version, reason) = match &error {
        E::ExecuteMigration(sqlx::Error::Database(e), v) => (*v, e.message().to_owned()),
        E::ExecuteMigration(e, v) => (*v, e.to_string()),
        E::VersionMismatch(v) => (
            *v,
            "it was applied, and its file has changed since (a landed migration is never edited)"
                .to_owned(),
        ),
        E::VersionMissing(v) => (
            *v,
            "it was applied, but this release does not know it (a database of a newer release?)"
                .to_owned(),
        ),
        _ => return DbError::Migrate(error),
    };
    let description = migrator
        .iter()
        .find(|m| m.version == version)
        .map_or_else(|| "unknown".to_owned(), |m| m.description.to_string());
    DbError::MigrationFailed {
        version,
        description,
        reason,
    }
}

impl Db {
    /// Connects, creating the SQLite file (and its folder) when missing.
    pub async fn connect(url: &DatabaseUrl, max_connections: u32) -> Result<Self, DbError> {
        sqlx::any::install_default_drivers();
        let backend = if url.is_sqlite() {
            Backend::Sqlite
        } else {
            Backend::Postgres
        };
        let connect_error = |source| DbError::Connect {
            url: url.redacted(),
            source,
        };
        let mut raw = url.expose().to_string();
        if backend == Backend::Sqlite {
            ensure_sqlite_folder(&raw);
            if !raw.contains("mode=") && !raw.contains(":memory:") {
                raw.push_str(if raw.contains('?') {
                    "&mode=rwc"
                } else {
                    "?mode=rwc"
                });
            }
        }
        let options = AnyConnectOptions::from_str(&raw)
            .map_err(connect_error)?
            .log_statements(tracing::log::LevelFilter::Trace)
            .log_slow_statements(tracing::log::LevelFilter::Warn, Duration::from_millis(500));
        let pool = AnyPoolOptions::new()
            .max_connections(max_connections)
            .min_connections(1)
            .acquire_timeout(ACQUIRE_TIMEOUT)
            .after_connect(move |conn, _meta| {
                Box::pin(async move {
                    if backend == Backend::Sqlite {
                        // WAL lets readers run beside the one writer; the busy
                        // timeout makes a writer wait instead of failing.
                        conn.execute(
                            "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; \
                             PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = ON;",
                        )
                        .await?;
                    }
                    Ok(())
                })
            })
            .connect_with(options)
            .await
            .map_err(connect_error)?;
        Ok(Self {
            pool,
            backend,
            breaker: Default::default(),
        })
    }

    /// Applies every pending migration of this backend's folder, as the role
    /// of `DATABASE_URL` (which then owns the tables: a single-role deployment).
    pub async fn migrate(&self) -> Result<(), DbError> {
        let migrator = self.migrator();
        migrator
            .run(&self.pool)
            .await
            .map_err(|e| named(migrator, e))?;
        self.warn_if_row_security_is_bypassed().await;
        Ok(())
    }

    /// Applies every pending migration as the tables' owner (`owner`, a
    /// PostgreSQL URL of the same database), then grants the role of
    /// `DATABASE_URL` what the application needs and no more: SELECT, INSERT,
    /// UPDATE and DELETE on the tables, except that `audit_log` is append-only
    /// (SELECT and INSERT) and `_sqlx_migrations` read-only; USAGE on the
    /// sequences; EXECUTE on the policies' function. The grants are re-applied at every start, so tables added by
    /// later migrations are covered.
    pub async fn migrate_as_owner(&self, owner: &DatabaseUrl) -> Result<(), DbError> {
        if self.backend != Backend::Postgres || owner.is_sqlite() {
            return Err(DbError::Owner(
                "a separate owner is for PostgreSQL only; unset it for SQLite".into(),
            ));
        }
        // A pool of one: the migrator's futures stay `Send` with a pool.
        let owner_pool = AnyPoolOptions::new()
            .max_connections(1)
            .connect(owner.expose())
            .await
            .map_err(|source| DbError::Connect {
                url: owner.redacted(),
                source,
            })?;
        let (owner_db, owner_role, schema): (String, String, String) = sqlx::query_as(
            "SELECT CAST(current_database() AS TEXT), CAST(current_user AS TEXT), \
                 CAST(current_schema() AS TEXT)",
        )
        .fetch_one(&owner_pool)
        .await?;
        let (app_db, app_role): (String, String) =
            sqlx::query_as("SELECT CAST(current_database() AS TEXT), CAST(current_user AS TEXT)")
                .fetch_one(&self.pool)
                .await?;
        if owner_db != app_db {
            return Err(DbError::Owner(format!(
                "it names database “{owner_db}” but DATABASE_URL names “{app_db}”"
            )));
        }
        let migrator = self.migrator();
        migrator
            .run(&owner_pool)
            .await
            .map_err(|e| named(migrator, e))?;
        if owner_role == app_role {
            tracing::warn!(
                role = %app_role,
                "DATABASE_URL and GUICHET_DATABASE_OWNER_URL name the same role: no grants made"
            );
        } else {
            let (app, schema) = (quote_ident(&app_role), quote_ident(&schema));
            let mut tx = owner_pool.begin().await?;
            for statement in [
                format!("REVOKE ALL ON ALL TABLES IN SCHEMA {schema} FROM {app}"),
                format!("REVOKE ALL ON ALL SEQUENCES IN SCHEMA {schema} FROM {app}"),
                format!("GRANT USAGE ON SCHEMA {schema} TO {app}"),
                format!(
                    "GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA {schema} TO {app}"
                ),
                format!("REVOKE UPDATE, DELETE ON {schema}.audit_log FROM {app}"),
                format!("REVOKE INSERT, UPDATE, DELETE ON {schema}._sqlx_migrations FROM {app}"),
                format!("GRANT USAGE ON ALL SEQUENCES IN SCHEMA {schema} TO {app}"),
                // The policies' test (migration 0004) runs with the app's rights.
                format!("GRANT EXECUTE ON FUNCTION {schema}.guichet_in_scope(BIGINT) TO {app}"),
                format!("GRANT EXECUTE ON FUNCTION {schema}.guichet_sees_project(BIGINT) TO {app}"),
            ] {
                sqlx::query(&statement).execute(&mut *tx).await?;
            }
            tx.commit().await?;
            tracing::info!(owner = %owner_role, app = %app_role, "migrated as the owner; privileges granted");
        }
        owner_pool.close().await;
        self.warn_if_row_security_is_bypassed().await;
        Ok(())
    }

    /// The SQLite migrations, for a tool that migrates one connection of its own (`guichet
    /// restore` brings a copy up to date without the pool's WAL mode).
    pub fn sqlite_migrator() -> &'static sqlx::migrate::Migrator {
        &SQLITE_MIGRATIONS
    }

    fn migrator(&self) -> &'static sqlx::migrate::Migrator {
        match self.backend {
            Backend::Sqlite => &SQLITE_MIGRATIONS,
            Backend::Postgres => &POSTGRES_MIGRATIONS,
        }
    }

    /// Row-level security does not hold back a superuser or a BYPASSRLS role:
    /// say so at start-up when `DATABASE_URL` names one.
    async fn warn_if_row_security_is_bypassed(&self) {
        if self.backend != Backend::Postgres {
            return;
        }
        let row: Result<(i64,), _> = sqlx::query_as(
            "SELECT COUNT(*) FROM pg_roles WHERE rolname = current_user \
             AND (rolsuper OR rolbypassrls)",
        )
        .fetch_one(&self.pool)
        .await;
        match row {
            Ok((0,)) => {}
            Ok(_) => tracing::warn!(
                "DATABASE_URL names a superuser or BYPASSRLS role: row-level security does not \
                 apply to it; use an ordinary role (see GUICHET_DATABASE_OWNER_URL)"
            ),
            Err(e) => tracing::warn!(error = %e, "could not read the database role's attributes"),
        }
    }

    /// The connection pool, with no scope: fine for tables that are not
    /// tenant-owned (sessions, users, the catalogue); on PostgreSQL the
    /// tenant-owned tables look empty through it.
    pub fn pool(&self) -> &AnyPool {
        &self.pool
    }

    pub fn backend(&self) -> Backend {
        self.backend
    }

    /// A transaction reaching one tenant's rows (a member's, their projects'), for code acting
    /// for a `TenantActor` (`actor.scope()`).
    pub async fn tenant_tx(
        &self,
        scope: &TenantScope,
    ) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.begin_scoped(Scope::Tenant(scope.clone()), false).await
    }

    /// [`Db::tenant_tx`] for a transaction that reads then writes (see
    /// [`Db::platform_write_tx`] about `BEGIN IMMEDIATE`).
    pub async fn tenant_write_tx(
        &self,
        scope: &TenantScope,
    ) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.begin_scoped(Scope::Tenant(scope.clone()), true).await
    }

    /// A transaction reaching every tenant's rows: for platform admins and
    /// for paths that are cross-tenant by nature (each caller says why).
    pub async fn platform_tx(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.begin_scoped(Scope::Platform, false).await
    }

    /// [`Db::platform_tx`] for a transaction that reads then writes. On SQLite
    /// it takes the write lock up front (`BEGIN IMMEDIATE`), so two such
    /// transactions queue instead of failing with "database is locked" when
    /// the reader upgrades.
    pub async fn platform_write_tx(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.begin_scoped(Scope::Platform, true).await
    }

    /// A transaction with no scope that reads then writes, for tables that are not tenant-owned
    /// (the throttle counters): `BEGIN IMMEDIATE` on SQLite, as [`Db::platform_write_tx`].
    pub async fn write_tx(&self) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.guard(self.begin_unguarded(None, true)).await
    }

    /// Begins a transaction and, on PostgreSQL, sets its scope for row-level
    /// security, transaction-locally.
    pub async fn begin_scoped(
        &self,
        scope: Scope,
        write: bool,
    ) -> Result<Transaction<'static, Any>, sqlx::Error> {
        self.guard(self.begin_unguarded(Some(scope), write)).await
    }

    /// Begins a transaction (`BEGIN IMMEDIATE` for a writer on SQLite) and sets `scope`, if any.
    async fn begin_unguarded(
        &self,
        scope: Option<Scope>,
        write: bool,
    ) -> Result<Transaction<'static, Any>, sqlx::Error> {
        let mut tx = match (self.backend, write) {
            (Backend::Sqlite, true) => self.pool.begin_with("BEGIN IMMEDIATE").await?,
            _ => self.pool.begin().await?,
        };
        if let (Backend::Postgres, Some(scope)) = (self.backend, scope) {
            match scope {
                Scope::Tenant(t) => {
                    sqlx::query("SELECT set_config($1, $2, true), set_config($3, $4, true)")
                        .bind(TENANT_SETTING)
                        .bind(t.tenant_id.to_string())
                        .bind(PROJECTS_SETTING)
                        .bind(t.projects_setting())
                        .execute(&mut *tx)
                        .await?;
                }
                Scope::Platform => {
                    sqlx::query("SELECT set_config($1, $2, true)")
                        .bind(SCOPE_SETTING)
                        .bind(PLATFORM_SCOPE)
                        .execute(&mut *tx)
                        .await?;
                }
            }
        }
        Ok(tx)
    }

    /// Answers whether the database responds, for `/readyz`.
    pub async fn ping(&self) -> Result<(), sqlx::Error> {
        self.guard(sqlx::query("SELECT 1").execute(&self.pool))
            .await
            .map(|_| ())
    }

    /// A connection of the pool, with no scope (see [`Db::pool`]), through the breaker.
    pub async fn acquire(&self) -> Result<sqlx::pool::PoolConnection<Any>, sqlx::Error> {
        self.guard(self.pool.acquire()).await
    }

    /// Runs a call on [`Db::pool`] through the breaker: while the database is unreachable it
    /// fails at once (503) instead of waiting the acquire timeout. A broken or refused
    /// connection opens it; so does a wait for a connection that timed out while the pool had
    /// room to open one (its connects failed), but not one that timed out because every
    /// connection was busy (load, not an outage).
    pub async fn guard<T>(
        &self,
        call: impl std::future::Future<Output = Result<T, sqlx::Error>>,
    ) -> Result<T, sqlx::Error> {
        let pool = &self.pool;
        let is_outage = |e: &sqlx::Error| match e {
            sqlx::Error::PoolTimedOut => pool.size() < pool.options().get_max_connections(),
            e => is_unavailable(e),
        };
        self.breaker.guard(call, is_outage).await
    }

    pub async fn close(&self) {
        self.pool.close().await;
    }
}

fn ensure_sqlite_folder(url: &str) {
    let path = url
        .trim_start_matches("sqlite://")
        .trim_start_matches("sqlite:")
        .split('?')
        .next()
        .unwrap_or("");
    if path.is_empty() || path.contains(":memory:") {
        return;
    }
    if let Some(parent) = std::path::Path::new(path).parent() {
        if !parent.as_os_str().is_empty() {
            let _ = std::fs::create_dir_all(parent);
        }
    }
}

/// An SQL identifier in double quotes, for the role and schema names of GRANT.
fn quote_ident(name: &str) -> String {
    format!("\"{}\"", name.replace('"', "\"\""))
}

/// The current instant as Unix seconds, the form instants are stored in.
pub fn now_unix() -> i64 {
    time::OffsetDateTime::now_utc().unix_timestamp()
}

/// The clause that ends a `SELECT` reading rows to lock until the transaction ends, decided
/// here for each database: ` FOR UPDATE` (of the table aliased `of`, for a join) on PostgreSQL;
/// nothing on SQLite, which has no row locks and where a write transaction (`BEGIN IMMEDIATE`,
/// from [`Db::tenant_write_tx`] or [`Db::platform_write_tx`]) holds the database's write lock
/// from its start, which already serialises writers.
pub fn row_lock(conn: &sqlx::AnyConnection, of: Option<&str>) -> String {
    if conn.backend_name() != "PostgreSQL" {
        return String::new();
    }
    match of {
        Some(table) => format!(" FOR UPDATE OF {table}"),
        None => " FOR UPDATE".to_owned(),
    }
}

/// Whether an error is a unique-constraint violation (a duplicate).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

/// Whether an error says the database cannot be reached right now (no free or
/// new connection in time, the connection broke, the pool is closed), rather
/// than something about the statement: the request may succeed if retried.
pub fn is_unavailable(e: &sqlx::Error) -> bool {
    match e {
        sqlx::Error::PoolTimedOut
        | sqlx::Error::PoolClosed
        | sqlx::Error::Io(_)
        | sqlx::Error::Tls(_) => true,
        // A server going away answers on the open connection before it closes: SQLSTATE class
        // 08 (connection exception), 57P01 (admin shutdown), 57P02 (crash of another server
        // process: a backend whose postmaster was killed), 57P03 (cannot connect now).
        sqlx::Error::Database(d) => d.code().is_some_and(|code| {
            code.starts_with("08") || matches!(code.as_ref(), "57P01" | "57P02" | "57P03")
        }),
        _ => false,
    }
}
