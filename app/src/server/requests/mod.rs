//! GPU quota requests: storage, the life-cycle services (draft, submit, endorse, decide,
//! withdraw), residency at submission and approval, and capacity checked atomically at approval.

pub mod repo;
pub mod service;

pub use repo::QueueFilter;
pub use service::{
    decide, detail_for_admin, detail_for_tenant, form_options, list_for_tenant,
    mark_notifications_read, notifications, queue, save_request, submit_request, tenant_transition,
    DecisionInput, DraftInput,
};
