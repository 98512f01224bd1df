//! The pieces of the catalogue forms: each parser returns the sentence a person reads beside
//! its field.

use std::collections::BTreeSet;

use crate::domain::{
    country::CountryCode,
    residency::{AdequacyCondition, AdequacyEntry, CertificationKind, EucsLevel, Percent},
};

/// A name or identifier that must be given: trimmed, under 200 characters. `what` completes
/// "Enter …" ("the site's name").
pub fn required_text(input: &str, what: &str) -> Result<String, String> {
    let text = input.trim();
    if text.is_empty() {
        return Err(format!("Enter {what}."));
    }
    if text.chars().count() > 200 {
        return Err("Keep it under 200 characters.".to_string());
    }
    Ok(text.to_string())
}

/// The most GPUs of one model a site's inventory may hold: far above any machine room, and
/// small enough that every sum of them fits the databases' integer columns.
pub const MAX_SITE_GPUS: u32 = 1_000_000;

/// A whole number of GPUs, from 0 to [`MAX_SITE_GPUS`].
pub fn parse_gpu_count(input: &str) -> Result<u32, String> {
    let text = input.trim();
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err("The number cannot be negative.".to_string()),
        Ok(n) if n > i64::from(MAX_SITE_GPUS) => {
            Err("A site holds at most 1,000,000 GPUs of one model.".to_string())
        }
        Ok(n) => u32::try_from(n).map_err(|_| "The number is too large.".to_string()),
        Err(_) => Err(format!("“{text}” is not a whole number of GPUs.")),
    }
}

/// A comma-separated list of ISO codes ("FR, DE, NO").
pub fn parse_country_list(input: &str) -> Result<BTreeSet<CountryCode>, String> {
    input
        .split([',', '\n', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(CountryCode::parse)
        .collect()
}

/// Adequacy entries, one per line or comma: `JP`, `CA: commercial_organisations`,
/// `US: data_privacy_framework_certified`.
pub fn parse_adequacy(input: &str) -> Result<Vec<AdequacyEntry>, String> {
    let mut entries: Vec<AdequacyEntry> = Vec::new();
    for item in input
        .split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (code, condition) = item.split_once(':').unwrap_or((item, "none"));
        let country = CountryCode::parse(code)?;
        let condition = match condition.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "" | "none" => AdequacyCondition::None,
            "commercial_organisations" | "commercial" => AdequacyCondition::CommercialOrganisations,
            "data_privacy_framework_certified" | "dpf" => {
                AdequacyCondition::DataPrivacyFrameworkCertified
            }
            other => {
                return Err(format!(
                    "“{other}” is not an adequacy condition; use none, commercial_organisations or data_privacy_framework_certified."
                ))
            }
        };
        if entries.iter().any(|e| e.country == country) {
            return Err(format!("{} is listed twice.", country.name()));
        }
        entries.push(AdequacyEntry { country, condition });
    }
    Ok(entries)
}

pub(super) fn parse_percent(input: &str) -> Result<Percent, String> {
    Percent::parse(input).map_err(|e| e.to_string())
}

/// The site a form names by its short name (a `<select>`, so only a missing value is refused
/// here; the service says when no site has that name).
pub(super) fn site_ref(input: &str) -> Result<String, String> {
    let slug = input.trim();
    if slug.is_empty() {
        return Err("Choose a site.".to_string());
    }
    Ok(slug.to_string())
}

pub(super) fn parse_kind(input: &str) -> Result<CertificationKind, String> {
    match input.trim().to_ascii_lowercase().as_str() {
        "iso27001" => Ok(CertificationKind::Iso27001),
        "hds" => Ok(CertificationKind::Hds),
        "secnumcloud" => Ok(CertificationKind::SecNumCloud),
        "eucs" => Ok(CertificationKind::Eucs),
        other => Err(format!(
            "“{other}” is not a certification; choose ISO 27001, HDS, SecNumCloud or EUCS."
        )),
    }
}

/// HDS activities, "1, 2, 3": each from 1 to 6, sorted, without repeats.
pub(super) fn parse_hds_activities(input: &str) -> Result<Vec<u8>, String> {
    let mut activities: Vec<u8> = Vec::new();
    for part in input
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match part.parse::<u8>() {
            Ok(a) if (1..=6).contains(&a) => {
                if !activities.contains(&a) {
                    activities.push(a);
                }
            }
            _ => {
                return Err(format!(
                    "“{part}” is not an HDS activity; they are numbered 1 to 6."
                ))
            }
        }
    }
    activities.sort_unstable();
    Ok(activities)
}

pub(super) fn parse_eucs_level(input: &str) -> Result<Option<EucsLevel>, String> {
    match input.trim().to_ascii_lowercase().as_str() {
        "" => Ok(None),
        "basic" => Ok(Some(EucsLevel::Basic)),
        "substantial" => Ok(Some(EucsLevel::Substantial)),
        "high" => Ok(Some(EucsLevel::High)),
        other => Err(format!(
            "“{other}” is not an EUCS level; choose basic, substantial or high."
        )),
    }
}
