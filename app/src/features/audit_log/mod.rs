//! The audit log (`/audit`): owners and auditors read their tenant's events,
//! platform admins every event.

mod api;
mod page;
pub mod types;

pub use api::*;
pub use page::{describe_detail, AuditLogPage, KNOWN_EVENTS};
