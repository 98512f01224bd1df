//! One folder per capability: its pages, components, server functions and wire
//! types. The server functions are thin adapters over `crate::server` services.

pub mod account;
pub mod audit_log;
pub mod auth;
pub mod capacity;
pub mod catalogue;
pub mod home;
pub mod invitation;
pub mod organisation;
pub mod placement;
pub mod requests;
pub mod signup;
pub mod tenant_switch;
pub mod tenants_admin;
