//! Server functions of the people directory. Each parses its input into domain values, then
//! calls `crate::server::people`. Platform admins only.

use leptos::prelude::*;

use super::types::PeoplePage;
use crate::error::AppError;

/// One page of the people whose name or address holds `q` (every one without it).
#[server(prefix = "/api", endpoint = "people")]
pub async fn people(q: Option<String>, page: Option<String>) -> Result<PeoplePage, AppError> {
    use crate::server::{admin_request, error::respond, people};
    let (ctx, admin) = admin_request().await?;
    let page = crate::ui::table::page_number(page.as_deref());
    let search: String = q.unwrap_or_default().chars().take(200).collect();
    respond(people::directory(&ctx.state, &admin, &search, page).await)
}

/// Grants or revokes platform admin, disables or enables an account (`change`: `grant_admin`,
/// `revoke_admin`, `disable`, `enable`). Never leaves the platform without an active admin; an
/// admin does not disable themselves.
#[server(prefix = "/api", endpoint = "change_account")]
pub async fn change_account(
    #[server(default)] user_id: i64,
    #[server(default)] change: String,
) -> Result<(), AppError> {
    use crate::server::{admin_request, confirmed_admin_request, error::respond, people};
    let change_kind = people::AccountChange::parse(&change);
    // Granting platform admin asks for a fresh second-factor code; the other changes do not.
    let (ctx, admin) = if change_kind == Ok(people::AccountChange::GrantAdmin) {
        confirmed_admin_request().await?
    } else {
        admin_request().await?
    };
    let change = respond(change_kind.map_err(|m| AppError::validation("change", m)))?;
    respond(people::change_account(&ctx, &admin, user_id, change).await)
}
