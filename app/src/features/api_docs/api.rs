//! The reference's one server function. Open to everyone: the contract is public.

use leptos::prelude::*;

use super::types::ApiReference;
use crate::error::AppError;

/// The API reference, read from the generated OpenAPI description.
#[server(prefix = "/api", endpoint = "api_reference")]
pub async fn load_api_reference() -> Result<ApiReference, AppError> {
    Ok(crate::server::rest::describe::reference())
}
