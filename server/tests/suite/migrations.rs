//! Migrations that rewrite or fill data, run on a real database: the demo data (written
//! through the services), then the migration's own file replayed over it.

use crate::common;

use common::{backend_name, TestApp};

/// 0006 fills `pool_days` from the quotas granted before it existed: dropped and rebuilt by the
/// migration's own SQL over the demo database, it holds what the grants commit, day by day.
#[tokio::test]
async fn the_pool_days_migration_counts_the_quotas_granted_before_it() {
    let app = TestApp::with_demo().await;
    app::server::demo_activity::load_activity(&app.state)
        .await
        .expect("demo activity");
    // The approvals of the demo activity wrote it as they went.
    app.assert_pool_days_agree().await;
    let (days,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pool_days")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert!(days > 0, "the demo data holds approved quotas");

    let file = format!(
        "{}/../migrations/{}/0006_pool_days.sql",
        env!("CARGO_MANIFEST_DIR"),
        backend_name()
    );
    let migration = std::fs::read_to_string(&file).unwrap();
    let mut tx = app.owner_pool().begin().await.unwrap();
    sqlx::query("DROP TABLE pool_days")
        .execute(&mut *tx)
        .await
        .unwrap();
    sqlx::raw_sql(&migration).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();

    let (rebuilt,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM pool_days")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(rebuilt, days, "on {}", backend_name());
    app.assert_pool_days_agree().await;
}

/// 0009 (projects) over a copy of today's demo database, as it stood before projects
/// (`fixtures/demo_before_projects.sql`, schema version 8): every tenant gets a project
/// `general` led by its first owner, with its members in it; every request moves into its
/// tenant's; nothing is lost (requests, timeline, notifications); the new status is allowed and
/// a request without a project is not.
#[tokio::test]
async fn the_projects_migration_moves_todays_demo_database_into_a_project_per_tenant() {
    use sqlx::any::AnyPoolOptions;
    sqlx::any::install_default_drivers();
    let raw = common::fresh_database_url().await;
    let postgres = raw.starts_with("postgres");
    let url = if postgres {
        raw
    } else {
        format!("{raw}?mode=rwc")
    };
    let pool = AnyPoolOptions::new()
        .max_connections(1)
        .connect(&url)
        .await
        .unwrap();
    if !postgres {
        sqlx::query("PRAGMA foreign_keys = ON")
            .execute(&pool)
            .await
            .unwrap();
    }
    let folder = format!(
        "{}/../migrations/{}",
        env!("CARGO_MANIFEST_DIR"),
        backend_name()
    );
    let mut before = sqlx::migrate::Migrator::new(std::path::Path::new(&folder))
        .await
        .unwrap();
    before.migrations = before
        .migrations
        .iter()
        .filter(|m| m.version <= 8)
        .cloned()
        .collect::<Vec<_>>()
        .into();
    before.run(&pool).await.unwrap();

    let fixture = std::fs::read_to_string(format!(
        "{}/tests/fixtures/demo_before_projects.sql",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap();
    let mut tx = pool.begin().await.unwrap();
    if postgres {
        sqlx::query("SET LOCAL guichet.scope = 'platform'")
            .execute(&mut *tx)
            .await
            .unwrap();
    }
    sqlx::raw_sql(&fixture).execute(&mut *tx).await.unwrap();
    tx.commit().await.unwrap();
    let count = |table: &'static str| {
        let pool = pool.clone();
        async move {
            let mut tx = pool.begin().await.unwrap();
            if postgres {
                sqlx::query("SET LOCAL guichet.scope = 'platform'")
                    .execute(&mut *tx)
                    .await
                    .unwrap();
            }
            let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(&mut *tx)
                .await
                .unwrap();
            n
        }
    };
    let requests = count("quota_requests").await;
    let events = count("request_events").await;
    let notes = count("notifications").await;
    assert!(requests > 0 && events > 0 && notes > 0);

    // The portal's own start-up applies what is pending: 0009 and after.
    let db = app::server::Db::connect(&app::server::config::DatabaseUrl::new(url.clone()), 1)
        .await
        .unwrap();
    db.migrate().await.unwrap();

    assert_eq!(count("quota_requests").await, requests);
    assert_eq!(count("request_events").await, events);
    assert_eq!(count("notifications").await, notes);
    let mut tx = pool.begin().await.unwrap();
    if postgres {
        sqlx::query("SET LOCAL guichet.scope = 'platform'")
            .execute(&mut *tx)
            .await
            .unwrap();
    } else {
        let broken: Vec<(String, i64, String, i64)> = sqlx::query_as("PRAGMA foreign_key_check")
            .fetch_all(&mut *tx)
            .await
            .unwrap_or_default();
        assert!(broken.is_empty(), "broken references: {broken:?}");
    }
    let (tenants, generals): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM tenants), \
         (SELECT COUNT(*) FROM projects WHERE code = 'general')",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(generals, tenants, "one project `general` per tenant");
    let (outside,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM quota_requests r JOIN projects p ON p.id = r.project_id \
         WHERE p.tenant_id <> r.tenant_id OR p.code <> 'general'",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(outside, 0, "every request is in its own tenant's `general`");
    let lead: (String,) = sqlx::query_as(
        "SELECT u.email FROM project_members pm JOIN users u ON u.id = pm.user_id \
         JOIN projects p ON p.id = pm.project_id JOIN tenants t ON t.id = p.tenant_id \
         WHERE t.slug = 'univ-palaiseau' AND pm.role = 'lead'",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(lead.0, "camille.roux@univ-palaiseau.test");
    let (members_in, members): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM project_members WHERE role = 'member'), \
         (SELECT COUNT(*) FROM memberships WHERE role = 'member')",
    )
    .fetch_one(&mut *tx)
    .await
    .unwrap();
    assert_eq!(
        members_in, members,
        "every tenant member keeps sight of its requests"
    );
    let (one,): (i64,) = sqlx::query_as("SELECT MIN(id) FROM quota_requests")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    sqlx::query("UPDATE quota_requests SET status = 'changes_requested' WHERE id = $1")
        .bind(one)
        .execute(&mut *tx)
        .await
        .expect("the new status is allowed");
    let orphan = sqlx::query("UPDATE quota_requests SET project_id = NULL WHERE id = $1")
        .bind(one)
        .execute(&mut *tx)
        .await;
    assert!(orphan.is_err(), "a request needs its project");
    drop(tx);
    db.pool().close().await;
    pool.close().await;
}

/// Expand-then-contract, shown once with a real migration: on a database already migrated by this
/// release (0027 adds federated sign-in: `users.email_unverified_since`, `external_identities`,
/// `email_verifications`, `join_requests`), an instance of the previous release, which knows
/// migrations up to 0026 only, starts (migrations it does not know are let
/// be) and writes a timeline step, an account and an e-mail as it always did; this release
/// writes to that account in French, knowing no language of theirs (it never signed in). Without
/// `ignore_missing` the old instance would have refused to start.
#[tokio::test]
async fn the_previous_release_starts_and_writes_beside_a_database_this_one_migrated() {
    use sqlx::migrate::{MigrateError, Migrator};
    let app = TestApp::with_demo().await;
    let current = if backend_name() == "postgres" {
        sqlx::migrate!("../migrations/postgres")
    } else {
        sqlx::migrate!("../migrations/sqlite")
    };
    let newest = current.migrations.last().expect("migrations").version;
    assert_eq!(
        newest, 27,
        "update this test's story when a migration is added"
    );
    let older: Vec<_> = current.migrations[..current.migrations.len() - 1].to_vec();
    // Without the advisory lock: sqlx keeps it when validation fails, on a pooled connection.
    let previous = |ignore_missing| Migrator {
        migrations: std::borrow::Cow::Owned(older.clone()),
        ignore_missing,
        locking: false,
        ..Migrator::DEFAULT
    };
    match previous(false).run(app.owner_pool()).await {
        Err(MigrateError::VersionMissing(v)) => assert_eq!(v, newest),
        other => panic!("a strict migrator refuses a newer database: {other:?}"),
    }
    previous(true)
        .run(app.owner_pool())
        .await
        .expect("the previous release starts on the expanded schema");

    // The previous release writes a timeline step with the columns it knows.
    let request_id = common::requests::approved(&app, "old-release-step", &[]).await;
    let tenant_id: i64 = sqlx::query_scalar("SELECT tenant_id FROM quota_requests WHERE id = $1")
        .bind(request_id)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO request_events (request_id, tenant_id, at, actor_user_id, actor_name, from_status, to_status, note) \
         VALUES ($1, $2, 0, NULL, 'Old Release', 'submitted', 'submitted', 'Written by the old release.')",
    )
    .bind(request_id)
    .bind(tenant_id)
    .execute(app.owner_pool())
    .await
    .expect("an old release's timeline step");
    let words: Option<String> =
        sqlx::query_scalar("SELECT words FROM request_events WHERE actor_name = 'Old Release'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(
        app::domain::step_words::StepWords::from_json(words.as_deref()),
        None,
        "a step an old release wrote reads as its note"
    );

    // The previous release queues an e-mail with the columns it knows.
    sqlx::query(
        "INSERT INTO email_outbox (to_email, subject, body, created_at) VALUES ('old@release.test', 'Old', 'Hello.', 0)",
    )
    .execute(app.owner_pool())
    .await
    .expect("an old release's insert");
    let (category, delivery, attempts): (String, String, i64) = sqlx::query_as(
        "SELECT category, delivery, attempts FROM email_outbox WHERE to_email = 'old@release.test'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(
        (category.as_str(), delivery.as_str(), attempts),
        ("account", "immediate", 0)
    );
    // The previous release creates an account with the columns it knows.
    let user_id: i64 = sqlx::query_scalar(
        "INSERT INTO users (email, name, password_hash, created_at) \
         VALUES ('old@release.test', 'Old Release', 'x', 0) RETURNING id",
    )
    .fetch_one(app.owner_pool())
    .await
    .expect("an old release's account");
    assert_eq!(
        app::server::account::stored_language(&app.state, user_id)
            .await
            .unwrap(),
        None,
        "an account an old release made has chosen no language"
    );
    // Its address counts as proven: the previous release made accounts only from links their
    // addresses received (a sign-up, an invitation).
    let mut conn = app.state.db.acquire().await.unwrap();
    assert!(
        app::server::identity::oidc::verification::is_proven(&mut conn, user_id)
            .await
            .unwrap(),
        "an account an old release made may submit"
    );
    drop(conn);
    // And this release sends it like any other.
    let due = app::server::outbox::unsent(
        &app.state.db,
        &app.state.outbox_key,
        Some("old@release.test"),
        10,
    )
    .await
    .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(
        due[0].locale,
        app::i18n::Locale::fr,
        "no language known: French"
    );
}
