//! The server function of `/capacity`.

use leptos::prelude::*;

use super::types::CapacityLoads;
use crate::error::AppError;

/// Committed versus available GPUs per site and model for the next 26 weeks. For platform admins
/// and members of any tenant (totals only).
#[server(prefix = "/api", endpoint = "capacity_overview")]
pub async fn capacity_overview() -> Result<CapacityLoads, AppError> {
    use crate::server::{error::respond, requests};
    let (ctx, viewer) = requests::viewer_request(requests::ViewerOrder::AdminFirst).await?;
    respond(requests::capacity::overview(&ctx.state, &viewer).await)
}
