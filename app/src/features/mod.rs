//! One folder per capability: its pages, components and server functions. The server functions
//! are thin adapters over `crate::server` services. Each folder has the same shape: `mod.rs`
//! (which names the capability's wire types, `crate::wire::<x>`, as `types`), `api.rs` (the
//! `#[server]` functions) and its pages. The backend never imports a feature.

pub mod accessibility;
pub mod account;
pub mod api_docs;
pub mod api_tokens;
pub mod audit_log;
pub mod capacity;
pub mod catalogue;
pub mod home;
pub mod identity;
pub mod jobs;
pub mod members;
pub mod people;
pub mod placement;
pub mod projects;
pub mod requests;
pub mod review;
pub mod search;
pub mod site_agents;
pub mod tenants;
pub mod usage;
