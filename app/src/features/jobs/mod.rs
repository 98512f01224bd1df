//! The platform admins' view of the portal's scheduled jobs and e-mail queue (`/admin/jobs`),
//! and each person's choice of e-mail (on the account page).

pub mod api;
pub mod email;
pub mod page;
pub use crate::wire::jobs as types;
