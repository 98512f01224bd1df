//! PostgreSQL row-level security, the second wall behind the application's own
//! tenant filters: connected as the application's role and scoped to one
//! tenant, queries with no tenant filter at all see and change only that
//! tenant's rows; with no scope nothing is visible; the audit log is
//! append-only by privilege. Skipped on SQLite, which has no such wall.

use crate::common;

use app::server::{
    config::DatabaseUrl,
    db::{MemberProjects, TenantScope},
    Db,
};
use axum::http::StatusCode;
use common::*;
use sqlx::{Any, Transaction};
use time::{Duration, OffsetDateTime};

/// The tables holding a `tenant_id`, each guarded by a policy.
const TENANT_TABLES: [&str; 11] = [
    "quota_requests",
    "request_comments",
    "request_attachments",
    "request_attachment_files",
    "projects",
    "project_members",
    "request_events",
    "memberships",
    "invitations",
    "notifications",
    "audit_log",
];

fn skipped(test: &str) -> bool {
    if backend_name() == "postgres" {
        return false;
    }
    eprintln!(
        "{test}: skipped: row-level security is PostgreSQL's (set GUICHET_TEST_DATABASE_URL)"
    );
    true
}

fn day(offset: i64) -> String {
    (OffsetDateTime::now_utc().date() + Duration::days(offset)).to_string()
}

/// A member submits a request (with a comment and a document) and the owner invites someone, so that the
/// tenant has rows in every tenant-owned table.
async fn give_rows_to(app: &TestApp, member: &str, owner: &str, key: &str) {
    let mut client = app.signed_in(member).await;
    let start = day(10);
    let end = day(40);
    let project = client.first_project().await;
    let submitted = client
        .call(
            "save_request",
            &[
                ("project", project.as_str()),
                ("idempotency_key", key),
                ("project_title", "Isolation check"),
                (
                    "justification",
                    "A request made to prove that tenants stay apart in the database.",
                ),
                ("sector", "research"),
                ("classification", "public"),
                ("site", "dugny"),
                ("gpu_model", "H100"),
                ("gpus", "4"),
                ("start_date", &start),
                ("end_date", &end),
                ("expected_gpu_hours", ""),
                ("intent", "submit"),
            ],
        )
        .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
    let id = submitted.json().as_i64().expect("the request's id");
    let commented = client
        .call(
            "post_comment",
            &[("id", id.to_string().as_str()), ("body", "For the record.")],
        )
        .await;
    assert_eq!(commented.status, StatusCode::OK, "{}", commented.body);
    let attached = client
        .upload(id, "dpia", &common::review::FilePart::pdf())
        .await;
    assert_eq!(attached.status, StatusCode::CREATED, "{}", attached.body);
    let mut owner = app.signed_in(owner).await;
    let invited = owner
        .call(
            "invite_member",
            &[
                ("email", &format!("{key}@example.test")),
                ("role", "member"),
            ],
        )
        .await;
    assert_eq!(invited.status, StatusCode::OK, "{}", invited.body);
}

struct Tenants {
    app: TestApp,
    a: i64,
    b: i64,
}

/// The demo data, with rows of Université de Palaiseau (A) and of the
/// Groupe hospitalier Seine-Est (B) in every tenant-owned table.
async fn two_tenants() -> Tenants {
    let app = TestApp::with_demo().await;
    give_rows_to(&app, UNIV_MEMBER, UNIV_OWNER, "rls-univ").await;
    give_rows_to(&app, HOSP_MEMBER, HOSP_OWNER, "rls-hosp").await;
    let a = tenant_id(&app, "univ-palaiseau").await;
    let b = tenant_id(&app, "ghu-seine-est").await;
    Tenants { app, a, b }
}

async fn tenant_id(app: &TestApp, slug: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    id
}

/// The tenant of every row of `table` the transaction can see: no filter.
async fn tenants_seen(tx: &mut Transaction<'static, Any>, table: &str) -> Vec<Option<i64>> {
    let column = if table == "tenants" {
        "id"
    } else {
        "tenant_id"
    };
    let rows: Vec<(Option<i64>,)> = sqlx::query_as(&format!("SELECT {column} FROM {table}"))
        .fetch_all(&mut **tx)
        .await
        .unwrap();
    rows.into_iter().map(|(t,)| t).collect()
}

/// The SQLSTATE of a failed statement.
fn sqlstate<T: std::fmt::Debug>(result: Result<T, sqlx::Error>) -> String {
    match result {
        Err(sqlx::Error::Database(e)) => e.code().map(|c| c.into_owned()).unwrap_or_default(),
        other => panic!("expected a database error, got {other:?}"),
    }
}

/// SQLSTATE 42501: insufficient privilege, also raised for a row that
/// violates a row-level security policy.
const REFUSED: &str = "42501";

#[tokio::test]
async fn a_tenant_scope_sees_only_its_own_rows_with_no_filter_at_all() {
    if skipped("a_tenant_scope_sees_only_its_own_rows_with_no_filter_at_all") {
        return;
    }
    let Tenants { app, a, b } = two_tenants().await;
    for table in TENANT_TABLES.iter().copied().chain(["tenants"]) {
        // B's rows are there: the platform scope sees them.
        let mut platform = app.state.db.platform_tx().await.unwrap();
        let everyone = tenants_seen(&mut platform, table).await;
        platform.commit().await.unwrap();
        assert!(
            everyone.contains(&Some(b)),
            "{table}: B has rows ({everyone:?})"
        );
        assert!(
            everyone.contains(&Some(a)),
            "{table}: A has rows ({everyone:?})"
        );

        // A's scope sees A's rows, and only them.
        let mut scoped = app
            .state
            .db
            .tenant_tx(&TenantScope::whole_tenant(a))
            .await
            .unwrap();
        let seen = tenants_seen(&mut scoped, table).await;
        scoped.commit().await.unwrap();
        assert!(!seen.is_empty(), "{table}: A sees its own rows");
        assert!(
            seen.iter().all(|t| *t == Some(a)),
            "{table}: A's scope sees only A's rows, saw {seen:?}"
        );

        // The control: without the policy, the very same query sees B's rows,
        // so the isolation above is row-level security's doing.
        let owner = app.owner_pool();
        sqlx::query(&format!("ALTER TABLE {table} DISABLE ROW LEVEL SECURITY"))
            .execute(owner)
            .await
            .unwrap();
        let mut scoped = app
            .state
            .db
            .tenant_tx(&TenantScope::whole_tenant(a))
            .await
            .unwrap();
        let unguarded = tenants_seen(&mut scoped, table).await;
        scoped.commit().await.unwrap();
        sqlx::query(&format!("ALTER TABLE {table} ENABLE ROW LEVEL SECURITY"))
            .execute(owner)
            .await
            .unwrap();
        assert!(
            unguarded.contains(&Some(b)),
            "{table}: without its policy, A's scope would see B's rows ({unguarded:?})"
        );
    }
}

#[tokio::test]
async fn a_tenant_scope_cannot_write_another_tenants_rows() {
    if skipped("a_tenant_scope_cannot_write_another_tenants_rows") {
        return;
    }
    let Tenants { app, a, b } = two_tenants().await;
    let db = &app.state.db;
    let (b_user,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(HOSP_MEMBER)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();

    // Inserting a row of B, or a platform row, from A's scope is refused.
    let mut tx = db
        .tenant_write_tx(&TenantScope::whole_tenant(a))
        .await
        .unwrap();
    let insert = sqlx::query(
        "INSERT INTO notifications (user_id, tenant_id, text, created_at) VALUES ($1, $2, 'x', 0)",
    )
    .bind(b_user)
    .bind(b)
    .execute(&mut *tx)
    .await;
    assert_eq!(
        sqlstate(insert),
        REFUSED,
        "a notification of B from A's scope"
    );
    drop(tx);
    for tenant in [Some(b), None] {
        let mut tx = db
            .tenant_write_tx(&TenantScope::whole_tenant(a))
            .await
            .unwrap();
        let insert = sqlx::query(
            "INSERT INTO audit_log (at, tenant_id, event, outcome) VALUES (0, $1, 'forged', 'success')",
        )
        .bind(tenant)
        .execute(&mut *tx)
        .await;
        assert_eq!(
            sqlstate(insert),
            REFUSED,
            "an audit event of {tenant:?} from A's scope"
        );
    }

    // Updating or deleting B's rows from A's scope reaches none of them.
    let mut tx = db
        .tenant_write_tx(&TenantScope::whole_tenant(a))
        .await
        .unwrap();
    let updated = sqlx::query("UPDATE quota_requests SET project_title = 'Taken over'")
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 1, "only A's own request");
    let updated = sqlx::query("UPDATE quota_requests SET gpus = 1 WHERE tenant_id = $1")
        .bind(b)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(updated.rows_affected(), 0, "B's requests are out of reach");
    let deleted = sqlx::query("DELETE FROM memberships WHERE tenant_id = $1")
        .bind(b)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        deleted.rows_affected(),
        0,
        "B's memberships are out of reach"
    );
    let revoked = sqlx::query("UPDATE invitations SET revoked_at = 1 WHERE tenant_id = $1")
        .bind(b)
        .execute(&mut *tx)
        .await
        .unwrap();
    assert_eq!(
        revoked.rows_affected(),
        0,
        "B's invitations are out of reach"
    );
    tx.commit().await.unwrap();

    // Nor can A's row be handed over to B.
    let mut tx = db
        .tenant_write_tx(&TenantScope::whole_tenant(a))
        .await
        .unwrap();
    let moved = sqlx::query("UPDATE quota_requests SET tenant_id = $1")
        .bind(b)
        .execute(&mut *tx)
        .await;
    assert_eq!(sqlstate(moved), REFUSED, "moving A's request to B");
    drop(tx);

    // After the commit, B's rows are as they were and A's changed.
    let titles: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT tenant_id, project_title, gpus FROM quota_requests ORDER BY tenant_id",
    )
    .fetch_all(app.owner_pool())
    .await
    .unwrap();
    let mut expected = vec![
        (a, "Taken over".to_owned(), 4),
        (b, "Isolation check".to_owned(), 4),
    ];
    expected.sort();
    assert_eq!(titles, expected);
    let (b_members,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM memberships WHERE tenant_id = $1")
            .bind(b)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(b_members, 2, "B's owner and member");
}

#[tokio::test]
async fn with_no_scope_nothing_is_visible_and_no_scope_outlives_its_transaction() {
    if skipped("with_no_scope_nothing_is_visible_and_no_scope_outlives_its_transaction") {
        return;
    }
    let Tenants { app, a, .. } = two_tenants().await;
    // One connection, so that every step below runs on the same one.
    let db = Db::connect(&DatabaseUrl::new(app.url.clone()), 1)
        .await
        .unwrap();
    for scoped in [true, false] {
        let mut tx = if scoped {
            db.tenant_tx(&TenantScope::whole_tenant(a)).await.unwrap()
        } else {
            db.platform_tx().await.unwrap()
        };
        let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM quota_requests")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
        assert!(n >= 1);
        tx.commit().await.unwrap();
        for table in TENANT_TABLES.iter().copied().chain(["tenants"]) {
            let (n,): (i64,) = sqlx::query_as(&format!("SELECT COUNT(*) FROM {table}"))
                .fetch_one(db.pool())
                .await
                .unwrap();
            assert_eq!(n, 0, "{table}: nothing visible without a scope");
        }
    }
    let insert = sqlx::query(
        "INSERT INTO audit_log (at, tenant_id, event, outcome) VALUES (0, $1, 'forged', 'success')",
    )
    .bind(a)
    .execute(db.pool())
    .await;
    assert_eq!(sqlstate(insert), REFUSED, "no writes without a scope");
    db.close().await;
}

#[tokio::test]
async fn the_application_role_cannot_rewrite_the_audit_log() {
    if skipped("the_application_role_cannot_rewrite_the_audit_log") {
        return;
    }
    let Tenants { app, a, .. } = two_tenants().await;
    // Even in the platform scope, where every row is visible.
    for statement in [
        "UPDATE audit_log SET outcome = 'failure'",
        "DELETE FROM audit_log",
        "TRUNCATE audit_log",
    ] {
        let mut tx = app.state.db.platform_tx().await.unwrap();
        let result = sqlx::query(statement).execute(&mut *tx).await;
        assert_eq!(sqlstate(result), REFUSED, "{statement}: permission denied");
    }
    // Appending in one's own scope is what it may do.
    let mut tx = app
        .state
        .db
        .tenant_tx(&TenantScope::whole_tenant(a))
        .await
        .unwrap();
    sqlx::query(
        "INSERT INTO audit_log (at, tenant_id, event, outcome) VALUES (0, $1, 'appended', 'success')",
    )
    .bind(a)
    .execute(&mut *tx)
    .await
    .unwrap();
    tx.commit().await.unwrap();
    // The migrations' bookkeeping is read-only to it.
    let result = sqlx::query("DELETE FROM _sqlx_migrations")
        .execute(app.state.db.pool())
        .await;
    assert_eq!(sqlstate(result), REFUSED, "the migrations table");
}

#[tokio::test]
async fn the_application_role_is_ordinary_and_owns_no_table() {
    if skipped("the_application_role_is_ordinary_and_owns_no_table") {
        return;
    }
    let app = TestApp::empty().await;
    let pool = app.state.db.pool();
    let (role, superuser, bypass): (String, i64, i64) = sqlx::query_as(
        "SELECT CAST(rolname AS TEXT), CAST(CAST(rolsuper AS INT) AS BIGINT), \
         CAST(CAST(rolbypassrls AS INT) AS BIGINT) FROM pg_roles WHERE rolname = current_user",
    )
    .fetch_one(pool)
    .await
    .unwrap();
    assert_eq!(role, APP_ROLE);
    assert_eq!(
        (superuser, bypass),
        (0, 0),
        "neither superuser nor BYPASSRLS"
    );
    for table in TENANT_TABLES.iter().copied().chain(["tenants"]) {
        let (owner, enabled, forced): (String, i64, i64) = sqlx::query_as(
            "SELECT CAST(pg_get_userbyid(relowner) AS TEXT), CAST(CAST(relrowsecurity AS INT) AS BIGINT), \
             CAST(CAST(relforcerowsecurity AS INT) AS BIGINT) FROM pg_class \
             WHERE oid = CAST($1 AS regclass)",
        )
        .bind(table)
        .fetch_one(pool)
        .await
        .unwrap();
        assert_ne!(owner, APP_ROLE, "{table} is not the application's");
        assert_eq!(
            (enabled, forced),
            (1, 1),
            "{table}: row-level security on and forced"
        );
    }
}

/// The project ids of `codes` in tenant `tenant`.
async fn project_ids(app: &TestApp, tenant: i64, codes: &[&str]) -> Vec<i64> {
    let mut ids = Vec::new();
    for code in codes {
        let (id,): (i64,) =
            sqlx::query_as("SELECT id FROM projects WHERE tenant_id = $1 AND code = $2")
                .bind(tenant)
                .bind(*code)
                .fetch_one(app.owner_pool())
                .await
                .unwrap();
        ids.push(id);
    }
    ids
}

/// Within one tenant, a member's scope (issue 12) reaches the rows of their projects only, with
/// no project filter in the query: requests, their timeline, the projects and their people. The
/// university's member is in `climate` and `ai4science`; the owner's request in `french-llm` is
/// there (the platform sees it) but not for the member, and cannot be written into.
#[tokio::test]
async fn a_member_scope_reaches_only_the_rows_of_its_projects() {
    if skipped("a_member_scope_reaches_only_the_rows_of_its_projects") {
        return;
    }
    let Tenants { app, a, .. } = two_tenants().await;
    app::server::demo_activity::load_activity(&app.state)
        .await
        .expect("demo activity");
    let theirs = project_ids(&app, a, &["climate", "ai4science"]).await;
    let other = project_ids(&app, a, &["french-llm"]).await[0];
    let (member,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(UNIV_MEMBER)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let scope = TenantScope {
        tenant_id: a,
        member: Some(MemberProjects {
            user_id: member,
            ids: theirs.clone(),
        }),
    };
    let projects_of = |sql: &'static str| {
        let (app, scope) = (&app, scope.clone());
        async move {
            let mut tx = app.state.db.tenant_tx(&scope).await.unwrap();
            let rows: Vec<(i64,)> = sqlx::query_as(sql).fetch_all(&mut *tx).await.unwrap();
            tx.commit().await.unwrap();
            rows.into_iter().map(|(p,)| p).collect::<Vec<_>>()
        }
    };
    for sql in [
        "SELECT project_id FROM quota_requests",
        "SELECT id FROM projects",
        "SELECT project_id FROM project_members",
        "SELECT r.project_id FROM request_events e JOIN quota_requests r ON r.id = e.request_id",
    ] {
        let seen = projects_of(sql).await;
        assert!(
            !seen.is_empty(),
            "{sql}: the member sees their projects' rows"
        );
        assert!(
            seen.iter().all(|p| theirs.contains(p)),
            "{sql}: only the member's projects, saw {seen:?}"
        );
    }
    let (events_of_other,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM request_events e JOIN quota_requests r ON r.id = e.request_id \
         WHERE r.project_id = $1",
    )
    .bind(other)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert!(
        events_of_other > 0,
        "the other project has requests and a timeline"
    );
    let mut tx = app.state.db.tenant_tx(&scope).await.unwrap();
    let (timeline,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM request_events")
        .fetch_one(&mut *tx)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let (all_events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM request_events WHERE tenant_id = $1")
            .bind(a)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(timeline, all_events - events_of_other);

    // Notifications follow their request: those of the other project's requests are out of reach.
    let (notified_of_other,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM notifications n JOIN quota_requests r ON r.id = n.request_id \
         WHERE n.tenant_id = $1 AND r.project_id = $2",
    )
    .bind(a)
    .bind(other)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert!(
        notified_of_other > 0,
        "the other project's requests have notifications"
    );
    let (all_notified,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM notifications WHERE tenant_id = $1 AND request_id IS NOT NULL",
    )
    .bind(a)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    let mut tx = app.state.db.tenant_tx(&scope).await.unwrap();
    let (notified,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE request_id IS NOT NULL")
            .fetch_one(&mut *tx)
            .await
            .unwrap();
    tx.commit().await.unwrap();
    assert_eq!(notified, all_notified - notified_of_other);

    // Writing into the other project is refused by the policy.
    let mut tx = app.state.db.tenant_write_tx(&scope).await.unwrap();
    let moved = sqlx::query("UPDATE quota_requests SET project_id = $1 WHERE tenant_id = $2")
        .bind(other)
        .bind(a)
        .execute(&mut *tx)
        .await;
    assert_eq!(sqlstate(moved), REFUSED);
    drop(tx);

    // The control: without the policy, the member's scope would see the other project.
    let owner = app.owner_pool();
    sqlx::query("ALTER TABLE quota_requests DISABLE ROW LEVEL SECURITY")
        .execute(owner)
        .await
        .unwrap();
    let unguarded = projects_of("SELECT project_id FROM quota_requests").await;
    sqlx::query("ALTER TABLE quota_requests ENABLE ROW LEVEL SECURITY")
        .execute(owner)
        .await
        .unwrap();
    assert!(unguarded.contains(&other), "{unguarded:?}");
}
