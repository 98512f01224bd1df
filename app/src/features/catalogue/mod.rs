//! The site catalogue: the read-only view every signed-in person sees, and the
//! platform admins' administration page.

mod admin;
mod api;
mod page;
pub use crate::wire::catalogue as types;

pub use admin::CatalogueAdminPage;
pub use api::*;
pub use page::{CataloguePage, CatalogueView};
pub use types::is_ticked;
