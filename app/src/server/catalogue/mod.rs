//! The site catalogue and the residency policy lists: storage, revisions and
//! the snapshot the residency evaluator runs on.

pub mod repo;
pub mod service;

pub use repo::{bump_revision, insert_site, load_catalogue, load_policy, save_policy};
