//! GPU quota requests: storage ([`repo`]), the life cycle (drafting, transitions, decisions),
//! the reads behind the pages, notifications, residency at submission and approval (one gate,
//! [`placement`]), capacity reserved atomically at approval ([`decisions::reserve_capacity`], one
//! request or a batch) and given back when a quota ends early ([`ending`]), and the compliance
//! re-check.

pub mod capacity;
pub mod compliance;
mod decisions;
mod drafting;
mod ending;
mod notifications;
mod placement;
mod reads;
pub mod repo;
mod timeline;
mod transitions;
mod viewer;

pub use compliance::flag_noncompliant_requests;
pub use decisions::{approve_batch, decide_on_request, MAX_BATCH};
pub use drafting::{
    amend_request, form_options, new_idempotency_key, parse_request_form, save_request,
    site_choice_error,
};
pub use ending::end_quota_early;
pub use notifications::{
    mark_notifications_read, notifications, notifications_at, unread_notifications,
};
pub use reads::{
    detail_for_admin, detail_for_tenant, list_for_admin, list_for_tenant, list_slice_for_tenant,
    queue, queue_slice,
};
pub use repo::{RequestFilter, SortColumn};
pub use timeline::{quota_summary, tell_about_quota};
pub use transitions::{submit_request, tenant_transition};
pub use viewer::{viewer_of, viewer_request, Viewer, ViewerOrder};

pub use crate::wire::requests::{
    AmendForm, AmendInput, DecisionForm, DecisionInput, DraftInput, EndEarlyForm, EndEarlyInput,
    RequestForm, SiteQuery,
};

use time::Date;

use crate::error::AppError;
use crate::server::error::ServiceError;

/// Rows on the tenant dashboard and in the admin queue.
pub const PAGE_ROWS: i64 = 50;

/// Today, in UTC: windows are whole days.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// A field's error.
fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
    AppError::validation(field, message).into()
}

fn conflict(message: impl Into<String>) -> ServiceError {
    AppError::conflict(message).into()
}

/// Sentence `template` (a `server` key's words in the reader's language) with its blanks filled.
fn say(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    crate::domain::format::fill(template, values)
}

/// A window `[start, end)` in words of `locale`: "2027-03-01 to 2027-03-31" in English (as it
/// always read), "1 mars 2027 – 31 mars 2027" in French.
fn window_in(locale: crate::i18n::Locale, start: &str, end_exclusive: &str) -> String {
    if locale == crate::i18n::Locale::en {
        crate::domain::dates::window_label(start, end_exclusive)
    } else {
        crate::domain::format::window(locale, start, end_exclusive)
    }
}
