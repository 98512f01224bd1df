//! The policy lists' versions and the catalogue's revisions.

use sqlx::AnyConnection;

use super::corrupt;
use crate::domain::residency::PolicyLists;
use crate::server::db::now_unix;

/// The policy lists in force: the highest version.
pub async fn load_policy(conn: &mut AnyConnection) -> Result<PolicyLists, sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT version, lists FROM policy_versions ORDER BY version DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some((version, lists)) => {
            let mut lists: PolicyLists =
                serde_json::from_str(&lists).map_err(|e| corrupt("policy lists", e))?;
            lists.version = version;
            Ok(lists)
        }
        // An empty database: the lists of the texts in force, as version 0.
        None => Ok(PolicyLists::in_force(0)),
    }
}

/// Stores a new version of the lists and returns its number.
pub async fn save_policy(
    conn: &mut AnyConnection,
    lists: &PolicyLists,
    actor_user_id: Option<i64>,
    note: &str,
) -> Result<i64, sqlx::Error> {
    let (current,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM policy_versions")
            .fetch_one(&mut *conn)
            .await?;
    let version = current + 1;
    let mut stored = lists.clone();
    stored.version = version;
    let text = serde_json::to_string(&stored).map_err(|e| corrupt("policy lists", e))?;
    sqlx::query("INSERT INTO policy_versions (version, lists, at, actor_user_id, note) VALUES ($1, $2, $3, $4, $5)")
        .bind(version)
        .bind(text)
        .bind(now_unix())
        .bind(actor_user_id)
        .bind(note)
        .execute(&mut *conn)
        .await?;
    Ok(version)
}

/// The catalogue's revision (0 before any).
pub async fn current_revision(conn: &mut AnyConnection) -> Result<i64, sqlx::Error> {
    let (revision,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(revision), 0) FROM catalogue_revisions")
            .fetch_one(&mut *conn)
            .await?;
    Ok(revision)
}

/// Records a catalogue change and returns the new revision.
pub async fn bump_revision(
    conn: &mut AnyConnection,
    actor_user_id: Option<i64>,
    summary: &str,
) -> Result<i64, sqlx::Error> {
    let revision = current_revision(conn).await? + 1;
    sqlx::query("INSERT INTO catalogue_revisions (revision, at, actor_user_id, summary) VALUES ($1, $2, $3, $4)")
        .bind(revision)
        .bind(now_unix())
        .bind(actor_user_id)
        .bind(summary)
        .execute(&mut *conn)
        .await?;
    Ok(revision)
}
