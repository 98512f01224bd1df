//! GPU quota requests: the tenant's dashboard, the request form, a request's page with its
//! timeline, and the platform admins' queue.

mod api;
pub use crate::wire::requests as types;

pub use api::*;
mod detail;
mod form;
mod list;
mod notifications;
mod queue;
pub mod view;

pub use detail::RequestPage;
pub use form::{EditDraftPage, NewRequestPage};
pub use list::RequestsPage;
pub use notifications::{use_unread_count, NotificationBadge, NotificationsPage};
pub use queue::AdminRequestsPage;
