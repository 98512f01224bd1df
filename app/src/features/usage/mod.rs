//! Usage against quotas: the quota page's chart and breakdown, the admins' usage page, and the
//! organisation's threshold levels.

pub mod api;
pub mod chart;
pub mod page;
pub mod section;
pub mod thresholds;
pub use crate::wire::usage as types;
