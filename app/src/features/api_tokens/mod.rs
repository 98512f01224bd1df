//! Personal access tokens for the REST API: made, listed and revoked on `/account/tokens`.

mod api;
mod page;
pub use crate::wire::api_tokens as types;

pub use api::*;
pub use page::TokensPage;
