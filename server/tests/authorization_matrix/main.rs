//! The authorization matrix (issue 3, point 7). `docs/authorization.md` lists every server
//! function and every route against six actors with the expected outcome; this test runs every
//! cell through the real router, each state-changing call on a fresh demo database, and fails
//! when a server function or a route exists that the matrix does not list, or when the matrix
//! lists one that does not exist.
//!
//! A cell is `ok` (a 2xx or a redirection) or an HTTP status (`401`, `403`, `404`, `409`,
//! `422`). A cell written `404 (code: ok)` records a known disagreement between the rules and
//! the code: the rules say 404, the code answers ok today (or only some of the time: the status
//! of a streamed page depends on timing). The test accepts either answer and prints the
//! disagreement whenever it shows.
//!
//! `MATRIX_PRINT=1 cargo test -p server --test authorization_matrix -- --nocapture` prints the
//! outcomes observed, as matrix rows. `MATRIX_CONCURRENCY` sets how many demo databases are in
//! use at once (default 6).

mod cells;
#[path = "../common/mod.rs"]
mod common;
mod fixtures;
mod matrix;

use std::collections::BTreeSet;

use axum::http::StatusCode;
use common::*;
use fixtures::*;
use matrix::*;

pub(crate) const MATRIX: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/../docs/authorization.md");
pub(crate) const ROUTER_SOURCE: &str =
    concat!(env!("CARGO_MANIFEST_DIR"), "/../app/src/server/router.rs");
/// The CSV exports' routes, merged into the router.
pub(crate) const EXPORT_SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../app/src/server/export/mod.rs"
);
/// Federated sign-in's routes, merged into the router.
pub(crate) const OIDC_SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../app/src/server/identity/oidc/web.rs"
);

/// The "other tenant" actor: a member of the hospital, acting on the university's objects.
pub(crate) const OTHER_TENANT_MEMBER: &str = HOSP_MEMBER;
/// Someone invited to the university who has no account yet.
pub(crate) const INVITEE: &str = "nouvelle.personne@univ-palaiseau.test";
pub(crate) const STRONG_PASSWORD: &str = "a long passphrase for the matrix 2026";

// ---------------------------------------------------------------------------------------------
// Completeness: what exists is listed, and what is listed exists.
// ---------------------------------------------------------------------------------------------

fn listed(rows: &[Row], kind: Kind) -> BTreeSet<String> {
    rows.iter()
        .filter(|r| r.kind == kind)
        .map(|r| r.name.clone())
        .collect()
}

fn differences(exists: &BTreeSet<String>, listed: &BTreeSet<String>, what: &str) -> Vec<String> {
    let mut problems: Vec<String> = exists
        .difference(listed)
        .map(|name| format!("the {what} `{name}` exists but has no row in docs/authorization.md"))
        .collect();
    problems.extend(listed.difference(exists).map(|name| {
        format!("docs/authorization.md lists the {what} `{name}`, which does not exist")
    }));
    problems
}

#[tokio::test]
async fn every_server_function_has_a_row_and_every_row_exists() {
    // Build the router once, as the server does, so that every server function is registered.
    let _app = TestApp::empty().await;
    let exists = registered_server_functions();
    assert!(
        exists.contains("login"),
        "server functions are not registered: {exists:?}"
    );
    let problems = differences(
        &exists,
        &listed(&matrix(), Kind::Function),
        "server function",
    );
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn every_route_has_a_row_and_every_row_exists() {
    let mut exists = page_routes();
    assert!(exists.contains("/login"), "page routes: {exists:?}");
    let probes = axum_routes();
    assert!(probes.contains("/healthz"), "axum routes: {probes:?}");
    exists.extend(probes);
    let problems = differences(&exists, &listed(&matrix(), Kind::Route), "route");
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[tokio::test]
async fn every_row_has_a_fixture() {
    // Fixtures that need objects create them; an empty demo database is enough to see
    // whether a fixture exists at all (an unknown name answers before touching it).
    let app = TestApp::with_demo().await;
    let mut missing = Vec::new();
    for row in matrix() {
        if let Err(e) = prepare(&app, &row).await {
            if e.starts_with("no fixture") {
                missing.push(e);
            }
        }
    }
    assert!(missing.is_empty(), "{}", missing.join("\n"));
}

#[test]
fn cells_parse_with_and_without_a_note() {
    let plain = Cell::parse("404").unwrap();
    assert_eq!(plain.rule, Outcome::Status(404));
    assert_eq!(plain.code, None);
    let noted = Cell::parse("401 (code: ok)").unwrap();
    assert_eq!(noted.rule, Outcome::Status(401));
    assert_eq!(noted.code, Some(Outcome::Ok));
    assert!(Cell::parse("500").is_err());
    assert!(Cell::parse("404 (maybe)").is_err());
    assert!(Outcome::Ok.matches(StatusCode::SEE_OTHER));
    assert!(!Outcome::Ok.matches(StatusCode::NOT_FOUND));
    assert_eq!(Outcome::parse("sign-in"), Ok(Outcome::SignIn));
    assert_eq!(normalise_route("/requests/{id}"), "/requests/:id");
    assert_eq!(normalise_route(""), "/");
}
