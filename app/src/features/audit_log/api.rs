//! The audit log's server function.

use leptos::prelude::*;

use super::types::AuditPage;
use crate::error::AppError;

/// A page of the audit log. Owners and auditors of the active tenant (its
/// events), platform admins (all events; `tenant` filters by slug). `from` and `to` are days
/// (`YYYY-MM-DD`, both included) in the reader's time zone.
#[server(prefix = "/api", endpoint = "audit_events")]
pub async fn audit_events(
    event: Option<String>,
    outcome: Option<String>,
    tenant: Option<String>,
    before: Option<i64>,
    from: Option<String>,
    to: Option<String>,
) -> Result<AuditPage, AppError> {
    use super::types::{AuditFilter, PAGE_SIZE};
    use crate::server::{audit_log, error::respond, request_context, time_zone};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let reader = respond(audit_log::AuditReader::of(&ctx.state, &user).await)?;
    let filter = respond(AuditFilter::parse(
        event.as_deref(),
        outcome.as_deref(),
        tenant.as_deref(),
        before,
        (from.as_deref(), to.as_deref()),
    ))?;
    let zone = respond(time_zone::of_person(&ctx.state, user.user_id()).await)?;
    respond(audit_log::read(&ctx.state, &reader, &filter, &zone, PAGE_SIZE).await)
}
