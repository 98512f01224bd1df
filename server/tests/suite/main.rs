//! The server's integration tests, in one binary: one link instead of one per file, the shared
//! harness (`../common`) compiled once, and every test of every file in one pool of threads.
//! Each file is a module; run one with `cargo test -p server --test suite <file>::`.
//!
//! Three stay binaries of their own: `authorization_matrix` (several files), `outage` (points the
//! whole process at its own PostgreSQL server) and `slurm` (run against a real Slurm cluster in
//! its own stage).

#[path = "../common/mod.rs"]
mod common;

mod access_denials;
mod account_discovery;
mod api_admin;
mod api_catalogue;
mod api_contract;
mod api_idempotency;
mod api_matrix;
mod api_requests;
mod api_tokens;
mod catalogue;
mod catalogue_admin;
mod catalogue_sites;
mod cross_site;
mod decisions_batch;
mod decisions_early_end;
mod decisions_send_back;
mod email_change;
mod exports;
mod federated_sign_in;
mod foundation;
mod hostile_input;
mod jobs;
mod languages;
mod mail;
mod members;
mod metrics;
mod migrations;
mod operations;
mod organisation_details;
mod outbox;
mod password_reset;
mod people;
mod plain_forms;
mod projects;
mod quotas;
mod races;
mod request_forms;
mod request_pages;
mod requests;
mod review;
mod row_level_security;
mod search;
mod second_factor;
mod sign_in_addresses;
mod site_agents;
mod tenant_suspension;
mod tenants;
mod throttle;
mod time_zones;
mod translations;
mod usage;
