//! The audit log (`/audit`): owners and auditors read their tenant's events,
//! platform admins every event.

mod api;
mod page;
pub mod types;
mod words;

pub use api::*;
pub use page::{AuditLogPage, KNOWN_EVENTS};
pub use words::{describe_detail, event_label};
