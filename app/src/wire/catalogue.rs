//! The catalogue's wire types, shared by the admin page, its server functions and the services:
//! each admin form as typed (strings, as sent) and the checked values it parses into. Parsing
//! collects every field's error at once ([`FieldErrors`]), in form order, each in a person's
//! words; an absent field reads as empty and gets its field's error. The services take only the
//! checked values, and check what needs the database (names taken, sites that exist, shares).

use std::collections::BTreeSet;

use crate::domain::format::fill;
use crate::domain::{
    country::CountryCode,
    dates::parse_form_date,
    residency::{AdequacyEntry, Certification, CertificationKind, Operator, Shareholder},
    slug::Slug,
};
use crate::error::{AppError, FieldErrors};
use crate::i18n::td_string;

mod fields;

pub use fields::{
    parse_adequacy, parse_country_list, parse_gpu_count, required_text, MAX_SITE_GPUS,
};
use fields::{parse_eucs_level, parse_hds_activities, parse_kind, parse_percent, site_ref};

/// A ticked checkbox sends "on" (or "true"); an unticked one sends nothing.
pub fn is_ticked(value: &Option<String>) -> bool {
    matches!(
        value.as_deref().map(str::trim),
        Some("on" | "true" | "1" | "yes")
    )
}

// ---------------------------------------------------------------------------------------------------------
// GPU inventory
// ---------------------------------------------------------------------------------------------------------

/// What the GPU inventory form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GpuInventoryForm {
    pub site: String,
    pub model: String,
    pub installed: String,
    /// Empty reads as 0.
    pub reserve: String,
}

/// The installed GPUs and the reserve of one model at one site, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GpuInventory {
    pub site: String,
    pub model: String,
    pub installed: u32,
    pub reserve: u32,
}

impl GpuInventoryForm {
    pub fn parse(&self) -> Result<GpuInventory, AppError> {
        let mut errors = FieldErrors::default();
        let site = errors.check("site", site_ref(&self.site));
        let model = errors.check(
            "model",
            required_text(&self.model, "the GPU model, e.g. H100"),
        );
        let installed = errors.check("installed", parse_gpu_count(&self.installed));
        let reserve = if self.reserve.trim().is_empty() {
            Some(0)
        } else {
            errors.check("reserve", parse_gpu_count(&self.reserve))
        };
        if let (Some(installed), Some(reserve)) = (installed, reserve) {
            if reserve > installed {
                errors.add(
                    "reserve",
                    fill(
                        td_string!(crate::locale::current(), validation.reserve_above_installed),
                        &[("reserve", &reserve), ("installed", &installed)],
                    ),
                );
            }
        }
        errors.into_result(|| {
            Some(GpuInventory {
                site: site?,
                model: model?,
                installed: installed?,
                reserve: reserve?,
            })
        })
    }
}

// ---------------------------------------------------------------------------------------------------------
// Certifications
// ---------------------------------------------------------------------------------------------------------

/// What the certification form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CertificationForm {
    pub site: String,
    pub kind: String,
    pub hds_activities: String,
    pub version: String,
    pub eucs_level: String,
    pub certificate_id: String,
    pub valid_from: String,
    pub valid_until: String,
}

/// A certification to add to a site, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewCertification {
    pub site: String,
    pub certification: Certification,
}

impl CertificationForm {
    pub fn parse(&self) -> Result<NewCertification, AppError> {
        let mut errors = FieldErrors::default();
        let site = errors.check("site", site_ref(&self.site));
        let kind = errors.check("kind", parse_kind(&self.kind));
        let hds_activities =
            errors.check("hds_activities", parse_hds_activities(&self.hds_activities));
        if let (Some(kind), Some(activities)) = (kind, &hds_activities) {
            if kind == CertificationKind::Hds && activities.is_empty() {
                errors.add(
                    "hds_activities",
                    td_string!(crate::locale::current(), validation.hds_activities_missing),
                );
            }
            if kind != CertificationKind::Hds && !activities.is_empty() {
                errors.add(
                    "hds_activities",
                    td_string!(crate::locale::current(), validation.hds_activities_not_hds),
                );
            }
        }
        let version = Some(self.version.trim().to_string()).filter(|v| !v.is_empty());
        if version.as_ref().is_some_and(|v| v.chars().count() > 20) {
            errors.add(
                "version",
                td_string!(crate::locale::current(), validation.version_too_long),
            );
        }
        let eucs_level = errors.check("eucs_level", parse_eucs_level(&self.eucs_level));
        if kind == Some(CertificationKind::Eucs) && eucs_level == Some(None) {
            errors.add(
                "eucs_level",
                td_string!(crate::locale::current(), validation.eucs_level_missing),
            );
        }
        let certificate_id = errors.check(
            "certificate_id",
            required_text(&self.certificate_id, "the certificate's identifier"),
        );
        let valid_from = errors.check("valid_from", parse_form_date(&self.valid_from, ""));
        let valid_until = errors.check("valid_until", parse_form_date(&self.valid_until, ""));
        if let (Some(from), Some(until)) = (valid_from, valid_until) {
            if until < from {
                errors.add(
                    "valid_until",
                    fill(
                        td_string!(
                            crate::locale::current(),
                            validation.certificate_ends_before_start
                        ),
                        &[("until", &until), ("from", &from)],
                    ),
                );
            }
        }
        let new = errors.into_result(|| {
            Some(NewCertification {
                site: site?,
                certification: Certification {
                    kind: kind?,
                    hds_activities: hds_activities?,
                    version,
                    eucs_level: eucs_level?,
                    certificate_id: certificate_id?,
                    valid_from: valid_from?,
                    valid_until: valid_until?,
                },
            })
        })?;
        new.certification
            .validate()
            .map_err(|e| AppError::validation("certificate_id", e.to_string()))?;
        Ok(new)
    }
}

/// The certification to remove: a site and a certificate's identifier.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CertificateRef {
    pub site: String,
    pub certificate_id: String,
}

impl CertificateRef {
    pub fn parse(site: &str, certificate_id: &str) -> Result<Self, AppError> {
        let mut errors = FieldErrors::default();
        let site = errors.check("site", site_ref(site));
        let certificate_id = errors.check(
            "certificate_id",
            required_text(certificate_id, "the certificate's identifier"),
        );
        errors.into_result(|| {
            Some(Self {
                site: site?,
                certificate_id: certificate_id?,
            })
        })
    }
}

// ---------------------------------------------------------------------------------------------------------
// Operators and their shareholders
// ---------------------------------------------------------------------------------------------------------

/// The operator a form names (its exact name), required.
pub fn parse_operator_ref(input: &str, what: &str) -> Result<String, AppError> {
    required_text(input, what).map_err(|m| AppError::validation("operator", m))
}

/// What the operator forms send, as typed (a checkbox left unticked sends nothing, read as
/// `false`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct OperatorForm {
    pub name: String,
    pub registered_office: String,
    pub central_administration: String,
    pub main_establishment: String,
    pub dpf_certified: bool,
    pub commercial_organisation: bool,
}

/// An operator's own fields, checked (its shareholders are edited one by one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OperatorFields {
    pub name: String,
    pub registered_office: CountryCode,
    pub central_administration: CountryCode,
    pub main_establishment: CountryCode,
    pub dpf_certified: bool,
    pub commercial_organisation: bool,
}

impl OperatorForm {
    pub fn parse(&self) -> Result<OperatorFields, AppError> {
        let mut errors = FieldErrors::default();
        let fields = self.parse_into(&mut errors);
        errors.into_result(|| fields)
    }

    /// The fields, or `None` with their errors added to `errors` (for a form with more fields).
    fn parse_into(&self, errors: &mut FieldErrors) -> Option<OperatorFields> {
        let name = errors.check(
            "name",
            required_text(&self.name, "the operator's legal name"),
        );
        let registered_office = errors.check(
            "registered_office",
            CountryCode::parse(&self.registered_office),
        );
        let central_administration = errors.check(
            "central_administration",
            CountryCode::parse(&self.central_administration),
        );
        let main_establishment = errors.check(
            "main_establishment",
            CountryCode::parse(&self.main_establishment),
        );
        Some(OperatorFields {
            name: name?,
            registered_office: registered_office?,
            central_administration: central_administration?,
            main_establishment: main_establishment?,
            dpf_certified: self.dpf_certified,
            commercial_organisation: self.commercial_organisation,
        })
    }

    /// An operator's edit: the operator's name before the change, then its new fields.
    pub fn parse_change(&self, operator: &str) -> Result<(String, OperatorFields), AppError> {
        let mut errors = FieldErrors::default();
        let current = errors.check(
            "operator",
            required_text(operator, "the operator to change"),
        );
        let fields = self.parse_into(&mut errors);
        errors.into_result(|| Some((current?, fields?)))
    }
}

impl OperatorFields {
    /// An operator's own fields (its shareholders left out).
    pub fn of(operator: &Operator) -> Self {
        Self {
            name: operator.name.clone(),
            registered_office: operator.registered_office,
            central_administration: operator.central_administration,
            main_establishment: operator.main_establishment,
            dpf_certified: operator.dpf_certified,
            commercial_organisation: operator.commercial_organisation,
        }
    }

    /// The operator these fields describe, without shareholders.
    pub fn to_operator(&self) -> Operator {
        Operator {
            name: self.name.clone(),
            registered_office: self.registered_office,
            central_administration: self.central_administration,
            main_establishment: self.main_establishment,
            shareholders: Vec::new(),
            dpf_certified: self.dpf_certified,
            commercial_organisation: self.commercial_organisation,
        }
    }
}

/// What the shareholder form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ShareholderForm {
    pub operator: String,
    pub name: String,
    pub country: String,
    pub capital: String,
    pub voting: String,
    pub control_rights: bool,
    pub veto_rights: bool,
}

/// One shareholder of an operator (named by its exact name), checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareholderEntry {
    pub operator: String,
    pub holder: Shareholder,
}

impl ShareholderForm {
    pub fn parse(&self) -> Result<ShareholderEntry, AppError> {
        let mut errors = FieldErrors::default();
        let operator = errors.check("operator", required_text(&self.operator, "the operator"));
        let name = errors.check("name", required_text(&self.name, "the shareholder's name"));
        let country = errors.check("country", CountryCode::parse(&self.country));
        let capital = errors.check("capital", parse_percent(&self.capital));
        let voting = errors.check("voting", parse_percent(&self.voting));
        errors.into_result(|| {
            Some(ShareholderEntry {
                operator: operator?,
                holder: Shareholder {
                    name: name?,
                    country: country?,
                    capital: capital?,
                    voting: voting?,
                    control_rights: self.control_rights,
                    veto_rights: self.veto_rights,
                },
            })
        })
    }
}

/// The shareholder to remove: an operator and the shareholder's name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ShareholderRef {
    pub operator: String,
    pub name: String,
}

impl ShareholderRef {
    pub fn parse(operator: &str, name: &str) -> Result<Self, AppError> {
        let mut errors = FieldErrors::default();
        let operator = errors.check("operator", required_text(operator, "the operator"));
        let name = errors.check("name", required_text(name, "the shareholder's name"));
        errors.into_result(|| {
            Some(Self {
                operator: operator?,
                name: name?,
            })
        })
    }
}

// ---------------------------------------------------------------------------------------------------------
// Sites
// ---------------------------------------------------------------------------------------------------------

/// What the site forms send, as typed. The short name (slug) is given apart: it is chosen
/// once, at creation, and names the site in addresses and requests from then on.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SiteForm {
    pub name: String,
    pub country: String,
    pub operator: String,
    /// ISO codes, comma-separated: where administration and support staff can reach tenant
    /// data from (G4, S5).
    pub admin_countries: String,
}

/// A site's own fields, checked; the operator is still a name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SiteFields {
    pub name: String,
    pub country: CountryCode,
    pub operator: String,
    pub admin_countries: BTreeSet<CountryCode>,
}

impl SiteForm {
    fn parse_into(&self, errors: &mut FieldErrors) -> Option<SiteFields> {
        let name = errors.check("name", required_text(&self.name, "the site's name"));
        let country = errors.check("country", CountryCode::parse(&self.country));
        let operator = errors.check(
            "operator",
            required_text(&self.operator, "the site's operator"),
        );
        let admin_countries =
            errors.check("admin_countries", parse_country_list(&self.admin_countries));
        if admin_countries.as_ref().is_some_and(BTreeSet::is_empty) {
            errors.add(
                "admin_countries",
                td_string!(crate::locale::current(), validation.admin_countries_missing),
            );
        }
        Some(SiteFields {
            name: name?,
            country: country?,
            operator: operator?,
            admin_countries: admin_countries?,
        })
    }

    /// A new site: its short name, then its fields.
    pub fn parse_new(&self, slug: &str) -> Result<(Slug, SiteFields), AppError> {
        let mut errors = FieldErrors::default();
        let slug = errors.check("slug", Slug::parse(slug));
        let fields = self.parse_into(&mut errors);
        errors.into_result(|| Some((slug?, fields?)))
    }

    /// A site's edit: the site's short name (which stays), then its new fields.
    pub fn parse_change(&self, site: &str) -> Result<(String, SiteFields), AppError> {
        let mut errors = FieldErrors::default();
        let site = errors.check("site", site_ref(site));
        let fields = self.parse_into(&mut errors);
        errors.into_result(|| Some((site?, fields?)))
    }
}

/// The site a delete form names, required.
pub fn parse_site_ref(input: &str) -> Result<String, AppError> {
    required_text(input, "the site").map_err(|m| AppError::validation("site", m))
}

// ---------------------------------------------------------------------------------------------------------
// Policy lists
// ---------------------------------------------------------------------------------------------------------

/// What the policy form sends, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PolicyForm {
    pub eu: String,
    pub eea: String,
    pub sanctions: String,
    pub adequacy: String,
    pub note: String,
}

/// A new version of the policy lists, checked (every EU member is in the EEA; adequacy
/// decisions concern countries outside it).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PolicyChange {
    pub eu: BTreeSet<CountryCode>,
    pub eea: BTreeSet<CountryCode>,
    pub sanctions: BTreeSet<CountryCode>,
    pub adequacy: Vec<AdequacyEntry>,
    /// Why the change, under 500 characters.
    pub note: String,
}

impl PolicyForm {
    pub fn parse(&self) -> Result<PolicyChange, AppError> {
        let locale = crate::locale::current();
        let mut errors = FieldErrors::default();
        let eu = errors.check("eu", parse_country_list(&self.eu));
        if eu.as_ref().is_some_and(BTreeSet::is_empty) {
            errors.add(
                "eu",
                td_string!(crate::locale::current(), validation.eu_list_empty),
            );
        }
        let eea = errors.check("eea", parse_country_list(&self.eea));
        if let (Some(eu), Some(eea)) = (&eu, &eea) {
            if let Some(missing) = eu.iter().find(|c| !eea.contains(c)) {
                errors.add(
                    "eea",
                    fill(
                        td_string!(locale, validation.eu_member_not_in_eea),
                        &[("country", &missing.name_in(locale)), ("code", &missing)],
                    ),
                );
            }
        }
        let sanctions = errors.check("sanctions", parse_country_list(&self.sanctions));
        let adequacy = errors.check("adequacy", parse_adequacy(&self.adequacy));
        if let (Some(adequacy), Some(eea)) = (&adequacy, &eea) {
            if let Some(both) = adequacy.iter().find(|e| eea.contains(&e.country)) {
                errors.add(
                    "adequacy",
                    fill(
                        td_string!(locale, validation.adequacy_in_eea),
                        &[("country", &both.country.name_in(locale))],
                    ),
                );
            }
        }
        let note = self.note.trim().chars().take(500).collect::<String>();
        errors.into_result(|| {
            Some(PolicyChange {
                eu: eu?,
                eea: eea?,
                sanctions: sanctions?,
                adequacy: adequacy?,
                note,
            })
        })
    }
}

#[cfg(test)]
mod tests;
