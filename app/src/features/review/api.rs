//! Server functions of the review conversation, open to platform admins and to anyone acting in
//! the request's tenant who sees the request (`viewer_request`); writing is further limited by
//! `crate::server::review` (no viewers, no auditors).

use leptos::prelude::*;

use super::types::ReviewThread;
use crate::error::AppError;

/// A request's comments (oldest first) and attachments, and whether the caller may write. Who
/// sees the request: platform admins (not drafts), tenant members of its project, owners and
/// auditors of its tenant; anyone else gets 404.
#[server(prefix = "/api", endpoint = "review_thread")]
pub async fn get_review_thread(#[server(default)] id: String) -> Result<ReviewThread, AppError> {
    use crate::server::{error::respond, requests, review};
    let (ctx, viewer) = requests::viewer_request(requests::ViewerOrder::TenantFirst).await?;
    let id = respond(id.trim().parse::<i64>().map_err(|_| AppError::NotFound))?;
    respond(review::thread(&ctx.state, &viewer, id).await)
}

/// Adds a comment to a request's conversation: platform admins, the tenant's owners, the
/// requester, the project's lead and members (viewers and auditors get 403). Its id.
#[server(prefix = "/api", endpoint = "post_comment")]
pub async fn post_comment(
    #[server(default)] id: String,
    #[server(default)] body: String,
) -> Result<i64, AppError> {
    use super::types::CommentForm;
    use crate::server::{error::respond, requests, review};
    let (ctx, viewer) = requests::viewer_request(requests::ViewerOrder::TenantFirst).await?;
    let (id, body) = respond(CommentForm { id, body }.parse())?;
    respond(review::post_comment(&ctx.state, &viewer, id, &body, ctx.client_ip.as_deref()).await)
}
