//! One folder per capability: its pages, components, server functions and wire
//! types. The server functions are thin adapters over `crate::server` services.

pub mod auth;
pub mod home;
