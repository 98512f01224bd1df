//! The platform admins' directory of people (`/admin/people`): who has an account, in which
//! organisations and roles, when they last signed in; platform admin granted and revoked,
//! accounts disabled and enabled.

pub mod api;
mod page;
pub use crate::wire::people as types;

pub use page::PeopleAdminPage;
