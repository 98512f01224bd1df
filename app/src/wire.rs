//! The wire types: what the pages, the server functions and the REST API exchange, with the
//! parsing of their forms into domain values. One place, imported by both sides: the features'
//! pages and server functions (`crate::features::<x>`, which name theirs `types`) and the backend
//! (`crate::server`), which never imports a feature.

pub mod account;
pub mod api_docs;
pub mod api_tokens;
pub mod audit_log;
pub mod capacity;
pub mod catalogue;
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
