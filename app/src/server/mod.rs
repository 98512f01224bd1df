//! The backend, compiled only with `ssr`: configuration, database, sessions,
//! authentication, the services behind every server function, and the axum
//! router that the `server` binary serves and the tests drive.

pub mod access;
pub mod account;
pub mod api_tokens;
pub mod audit;
pub mod audit_log;
pub mod auth;
pub mod catalogue;
pub mod config;
pub mod db;
mod db_breaker;
pub mod demo;
pub mod demo_activity;
pub mod demo_sites;
pub mod error;
pub mod export;
pub mod form_answer;
pub mod health;
pub mod identity;
pub mod jobs;
pub mod locale;
pub mod mail;
pub mod members;
pub mod metrics;
pub mod origin;
pub mod outbox;
pub mod people;
pub mod projects;
pub mod request_id;
pub mod requests;
pub mod rest;
pub mod review;
pub mod router;
pub mod scheduler;
pub mod search;
pub mod security;
pub mod session_store;
pub mod site_agents;
pub mod state;
pub mod tenants;
pub mod time_zone;
pub mod token;
pub mod usage;

pub use config::AppConfig;
pub use db::Db;
pub use router::router;
pub use state::AppState;

mod context;
pub use context::{
    admin_request, confirmed_admin_request, request_context, tenant_request, Call, RequestContext,
    TenantAccess,
};
