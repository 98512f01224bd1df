//! What every catalogue and policy edit shares: its field errors, the lookups that name a field
//! when nothing matches, and the audited commit that re-checks the open requests.

use sqlx::AnyConnection;

use super::repo::{self, StoredSite};
use crate::domain::catalogue::CatalogueOperator;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::actor::AdminActor,
    error::ServiceResult,
    requests::flag_noncompliant_requests,
    Call,
};

pub(super) fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::validation(field, message)
}

/// The site of that short name; an error on `site` otherwise.
pub(super) async fn site_named(conn: &mut AnyConnection, slug: &str) -> ServiceResult<StoredSite> {
    repo::find_site(conn, slug)
        .await?
        .ok_or_else(|| invalid("site", format!("There is no site “{slug}”.")).into())
}

/// The operator of that exact name; an error on `operator` otherwise.
pub(super) async fn operator_named(
    conn: &mut AnyConnection,
    name: &str,
) -> ServiceResult<CatalogueOperator> {
    repo::find_operator(conn, name)
        .await?
        .ok_or_else(|| invalid("operator", format!("There is no operator “{name}”.")).into())
}

/// Appends the change's audit event inside its transaction, re-checks the
/// open requests and approved quotas against the changed catalogue or policy
/// (flagging those the residency rules no longer allow, and clearing flags
/// that no longer apply), and commits all of it: every catalogue and policy
/// edit ends here, so the flags always match the catalogue of the moment.
pub(super) async fn record_and_commit(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    call: &Call<'_>,
    admin: &AdminActor,
    event: &str,
    detail: serde_json::Value,
) -> ServiceResult<()> {
    let change = AuditEvent::new(event)
        .actor(admin.user_id(), admin.email())
        .ip(call.client_ip)
        .detail(detail);
    audit::append(&mut tx, &change).await?;
    flag_noncompliant_requests(&mut tx, Some(admin.user_id())).await?;
    tx.commit().await?;
    Ok(())
}
