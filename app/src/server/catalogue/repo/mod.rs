//! Every catalogue and policy statement, and nothing else: each row becomes a typed value as it
//! is read (a stored value that no longer parses is a decoding error, logged and answered as an
//! internal error, never a silent default). A snapshot is read in six queries (revision,
//! operators, sites, shareholders, certifications, GPUs) besides the policy, however many sites
//! there are (no query per site).

mod operators;
mod policy;
mod sites;
mod snapshot;

use time::Date;

use crate::domain::{
    country::CountryCode,
    residency::{CertificationKind, EucsLevel, Percent},
};

pub use operators::{
    delete_operator, delete_shareholder, find_operator, find_shareholder, insert_operator,
    insert_shareholder, name_taken, other_shares, sites_run_by, update_operator,
    update_shareholder, Named, StoredShareholder,
};
pub use policy::{bump_revision, current_revision, load_policy, save_policy};
pub use sites::{
    certificate_exists, delete_certification, delete_site, find_gpu_pool, find_site,
    insert_certification, insert_gpu_pool, insert_site, insert_site_row, requests_naming_site,
    update_gpu_pool, update_site, StoredSite,
};
pub use snapshot::{load_catalogue, tenant_profile};

/// A stored value that no longer parses: the catalogue is corrupt.
fn corrupt(what: &str, detail: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("catalogue: {what}: {detail}").into())
}

fn country(code: &str) -> Result<CountryCode, sqlx::Error> {
    CountryCode::parse(code).map_err(|e| corrupt("country", e))
}

/// A stored list of ISO codes, "DE,FR".
fn countries<C: FromIterator<CountryCode>>(list: &str) -> Result<C, sqlx::Error> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(country)
        .collect()
}

/// The stored form of a list of ISO codes: "DE,FR".
fn country_list<'a>(codes: impl IntoIterator<Item = &'a CountryCode>) -> String {
    codes
        .into_iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

/// A stored ISO date.
pub fn parse_date(s: &str) -> Result<Date, sqlx::Error> {
    crate::domain::dates::parse_iso_date(s).ok_or_else(|| corrupt("date", s))
}

pub fn format_date(d: Date) -> String {
    crate::domain::dates::iso_date(d)
}

fn kind_from(s: &str) -> Result<CertificationKind, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|e| corrupt("certification kind", e))
}

fn kind_name(kind: CertificationKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn level_from(s: &str) -> Result<EucsLevel, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|e| corrupt("EUCS level", e))
}

fn percent(bp: i64) -> Result<Percent, sqlx::Error> {
    u16::try_from(bp)
        .ok()
        .and_then(|bp| Percent::from_basis_points(bp).ok())
        .ok_or_else(|| corrupt("percentage", bp))
}

/// A stored 0/1 flag.
fn flag(value: i64) -> bool {
    value == 1
}

/// A stored GPU count (never negative: the form refuses it).
fn gpu_count(value: i64) -> u32 {
    u32::try_from(value).unwrap_or(0)
}
