//! The header's search box and its results page (`/search?q=…`): requests, projects, sites and
//! people the person may see, one section per kind.

mod api;
mod page;
pub use crate::wire::search as types;

pub use api::*;
pub use page::{HeaderSearch, SearchPage};
