//! GPU quota requests: the tenant's dashboard, the request form, a request's page with its
//! timeline, and the platform admins' queue.

mod api;
pub mod types;

pub use api::*;
mod notifications;
mod pages;

pub use notifications::{use_unread_count, NotificationBadge, NotificationsPage};

pub use pages::{AdminRequestsPage, NewRequestPage, RequestPage, RequestsPage};
