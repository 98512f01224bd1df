//! A person's own account: the password, and the sessions they have open.

mod api;
mod page;
pub mod types;

pub use api::*;
pub use page::AccountPage;
