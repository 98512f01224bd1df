//! Personal access tokens for the REST API: made, listed and revoked on `/account/tokens`.

mod api;
mod page;
pub mod types;

pub use api::*;
pub use page::TokensPage;
