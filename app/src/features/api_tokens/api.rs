//! Server functions of a person's access tokens; each parses its input, then calls
//! `crate::server::api_tokens`. Any signed-in person, for their own tokens.

use leptos::prelude::*;

use super::types::{CreatedToken, TokensPage};
use crate::error::AppError;

/// The person's tokens, and where they may make new ones.
#[server(prefix = "/api", endpoint = "list_api_tokens")]
pub async fn list_api_tokens() -> Result<TokensPage, AppError> {
    use crate::server::{api_tokens, error::respond, request_context, requests::today};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    respond(api_tokens::page(&ctx.state, &user, today()).await)
}

/// Makes a token; its secret, shown once.
#[server(prefix = "/api", endpoint = "create_api_token")]
pub async fn create_api_token(
    #[server(default)] name: String,
    #[server(default)] tenant: String,
    #[server(default)] scope: String,
    #[server(default)] expires_on: String,
) -> Result<CreatedToken, AppError> {
    use super::types::TokenForm;
    use crate::server::{api_tokens, error::respond, request_context, requests::today};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let form = TokenForm {
        name,
        tenant,
        scope,
        expires_on,
    };
    let input = respond(form.parse(today()))?;
    respond(api_tokens::create(&ctx.state, &user, &input, ctx.client_ip.as_deref()).await)
}

/// Revokes one of the person's tokens (another person's is not found).
#[server(prefix = "/api", endpoint = "revoke_api_token")]
pub async fn revoke_api_token(id: String) -> Result<(), AppError> {
    use crate::server::{api_tokens, error::respond, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let id = respond(id.trim().parse::<i64>().map_err(|_| {
        AppError::bad_request(crate::i18n::td_string!(
            crate::locale::current(),
            validation.token_not_yours
        ))
    }))?;
    respond(api_tokens::revoke(&ctx.state, &user, id, ctx.client_ip.as_deref()).await)
}
