//! A request's review conversation (issue 12, point 2): the comment thread and the attached
//! documents, shown on the request's page. Uploads and downloads of documents are HTTP routes of
//! their own (`crate::server::review::files`), not server functions: they carry files.

mod api;
mod thread;
pub use crate::wire::review as types;

pub use api::*;
pub use thread::ReviewSection;
