//! Site agents (platform admins register them) and a person's logins at sites.

pub mod api;
pub mod page;
pub use crate::wire::site_agents as types;
