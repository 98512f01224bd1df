//! Projects inside a tenant: the list (with the tenant's endorsement setting), a project's page
//! with its people, and the forms that create and change them.

mod api;
mod detail;
mod list;
pub use crate::wire::projects as types;

pub use api::*;
pub use detail::ProjectPage;
pub use list::ProjectsPage;
