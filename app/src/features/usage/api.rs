//! Server functions of a tenant's usage thresholds; each calls `crate::server::usage`.

use leptos::prelude::*;

use crate::error::AppError;

/// The active tenant's threshold levels (“80, 100”), for anyone in it.
#[server(prefix = "/api", endpoint = "usage_thresholds")]
pub async fn usage_thresholds() -> Result<String, AppError> {
    use crate::server::{error::respond, tenant_request, usage, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Read).await?;
    respond(usage::thresholds(&ctx.state, &actor).await)
}

/// Sets the active tenant's threshold levels (owners only): 1 to 5 percentages from 1 to 200.
#[server(prefix = "/api", endpoint = "set_usage_thresholds")]
pub async fn set_usage_thresholds(#[server(default)] levels: String) -> Result<String, AppError> {
    use crate::server::{error::respond, tenant_request, usage, TenantAccess};
    let (ctx, _, actor) = tenant_request(TenantAccess::Own).await?;
    respond(usage::set_thresholds(&ctx.state, &actor, &levels, ctx.client_ip.as_deref()).await)
}
