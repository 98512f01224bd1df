//! The search's server function.

use leptos::prelude::*;

use super::types::SearchResults;
use crate::error::AppError;

/// Finds requests, projects, sites and people the caller may see. Open to platform admins
/// (every tenant's requests, everyone) and to anyone acting in a tenant (its requests as their
/// request list shows them, its projects as the projects page does, its members); sites are the
/// catalogue's.
#[server(prefix = "/api", endpoint = "search")]
pub async fn search(#[server(default)] q: String) -> Result<SearchResults, AppError> {
    use super::types::SearchWords;
    use crate::server::{error::respond, request_context, search};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let searcher = match user.as_platform_admin() {
        Ok(admin) => search::Searcher::Admin(admin),
        Err(_) => search::Searcher::Tenant(respond(user.in_tenant(&ctx.state).await)?),
    };
    let words = respond(SearchWords::parse(&q))?;
    respond(search::find(&ctx, &searcher, &words).await)
}
