//! The audit log (`/audit`): owners and auditors read their tenant's events,
//! platform admins every event.

mod api;
mod page;
pub use crate::wire::audit_log as types;
use crate::wire::audit_log::words;

pub use api::*;
pub use page::AuditLogPage;
pub use words::KNOWN_EVENTS;
pub use words::{describe_detail, event_label};
