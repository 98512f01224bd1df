//! The pieces of the catalogue forms: each parser returns the sentence a person reads beside
//! its field.

use std::collections::BTreeSet;

use crate::domain::format::{fill, integer};
use crate::domain::{
    country::CountryCode,
    residency::{AdequacyCondition, AdequacyEntry, CertificationKind, EucsLevel, Percent},
};
use crate::i18n::td_string;

/// A name or identifier that must be given: trimmed, under 200 characters. `what` completes
/// "Enter …" ("the site's name").
pub fn required_text(input: &str, what: &str) -> Result<String, String> {
    let locale = crate::locale::current();
    let text = input.trim();
    if text.is_empty() {
        let what = match what {
            "the GPU model, e.g. H100" => td_string!(locale, validation.what_gpu_model_eg),
            "the certificate's identifier" => td_string!(locale, validation.what_certificate_id),
            "the operator's legal name" => td_string!(locale, validation.what_operator_legal_name),
            "the operator to change" => td_string!(locale, validation.what_operator_to_change),
            "the operator" => td_string!(locale, validation.what_operator),
            "the shareholder's name" => td_string!(locale, validation.what_shareholder_name),
            "the site's name" => td_string!(locale, validation.what_site_name),
            "the site's operator" => td_string!(locale, validation.what_site_operator),
            "the site" => td_string!(locale, validation.what_site),
            other => other,
        };
        return Err(fill(
            td_string!(locale, validation.enter_what),
            &[("what", &what)],
        ));
    }
    if text.chars().count() > 200 {
        return Err(td_string!(locale, validation.text_under_200).to_owned());
    }
    Ok(text.to_string())
}

/// The most GPUs of one model a site's inventory may hold: far above any machine room, and
/// small enough that every sum of them fits the databases' integer columns.
pub const MAX_SITE_GPUS: u32 = 1_000_000;

/// A whole number of GPUs, from 0 to [`MAX_SITE_GPUS`].
pub fn parse_gpu_count(input: &str) -> Result<u32, String> {
    let locale = crate::locale::current();
    let text = input.trim();
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err(td_string!(locale, validation.gpus_negative).to_owned()),
        Ok(n) if n > i64::from(MAX_SITE_GPUS) => Err(fill(
            td_string!(locale, validation.site_gpus_above_max),
            &[("max", &integer(locale, MAX_SITE_GPUS.into()))],
        )),
        Ok(n) => {
            u32::try_from(n).map_err(|_| td_string!(locale, validation.number_too_large).to_owned())
        }
        Err(_) => Err(fill(
            td_string!(locale, validation.site_gpus_not_whole),
            &[("text", &text)],
        )),
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
        let condition = match condition
            .trim()
            .to_ascii_lowercase()
            .replace([' ', '-'], "_")
            .as_str()
        {
            "" | "none" => AdequacyCondition::None,
            "commercial_organisations" | "commercial" => AdequacyCondition::CommercialOrganisations,
            "data_privacy_framework_certified" | "dpf" => {
                AdequacyCondition::DataPrivacyFrameworkCertified
            }
            other => {
                return Err(fill(
                    td_string!(crate::locale::current(), validation.adequacy_bad_condition),
                    &[("other", &other)],
                ))
            }
        };
        if entries.iter().any(|e| e.country == country) {
            let locale = crate::locale::current();
            return Err(fill(
                td_string!(locale, validation.country_listed_twice),
                &[("country", &country.name_in(locale))],
            ));
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
        return Err(td_string!(crate::locale::current(), validation.choose_a_site).to_owned());
    }
    Ok(slug.to_string())
}

pub(super) fn parse_kind(input: &str) -> Result<CertificationKind, String> {
    match input.trim().to_ascii_lowercase().as_str() {
        "iso27001" => Ok(CertificationKind::Iso27001),
        "hds" => Ok(CertificationKind::Hds),
        "secnumcloud" => Ok(CertificationKind::SecNumCloud),
        "eucs" => Ok(CertificationKind::Eucs),
        other => Err(fill(
            td_string!(crate::locale::current(), validation.not_a_certification),
            &[("other", &other)],
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
                return Err(fill(
                    td_string!(crate::locale::current(), validation.not_an_hds_activity),
                    &[("part", &part)],
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
        other => Err(fill(
            td_string!(crate::locale::current(), validation.not_an_eucs_level),
            &[("other", &other)],
        )),
    }
}
