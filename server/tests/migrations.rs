//! Migrations that rewrite or fill data, run on a real database: the demo data (written
//! through the services), then the migration's own file replayed over it.

mod common;

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
