//! `/api/docs`: the REST API's reference, rendered by the portal from its own OpenAPI
//! description (nothing fetched from elsewhere).

mod api;
mod page;
pub use crate::wire::api_docs as types;

pub use api::*;
pub use page::ApiDocsPage;
