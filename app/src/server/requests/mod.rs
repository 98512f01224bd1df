//! GPU quota requests: storage, the life-cycle services (draft, submit, endorse, decide,
//! withdraw), residency at submission and approval, and capacity checked atomically at approval.

pub mod capacity;
pub mod compliance;
pub mod repo;
pub mod service;

pub use compliance::flag_noncompliant_requests;
pub use repo::{RequestFilter, SortColumn};
pub use service::{
    amend_request, decide, detail_for_admin, detail_for_tenant, form_options, list_for_tenant,
    mark_notifications_read, notifications, queue, save_request, submit_request, tenant_transition,
    unread_notifications, AmendInput, DecisionInput, DraftInput, Viewer,
};
