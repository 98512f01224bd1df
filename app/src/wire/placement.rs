//! Wire types of "Where can my data go?", the form as typed with its parse, and the decision
//! shared by the browser and the server (the page, and the API's `POST /placement`).

use serde::{Deserialize, Serialize};

use crate::domain::catalogue::CatalogueSnapshot;
use crate::domain::dates::parse_form_date;
use crate::domain::residency::{
    evaluate_all, Classification, Evaluation, PlacementRequest, TenantProfile, Window,
};
use crate::error::{AppError, FieldErrors};

/// One site's verdict, with what the page shows about the site.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteVerdict {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub operator: String,
    pub in_eea: bool,
    /// The findings are ordered failed first.
    pub evaluation: Evaluation,
}

/// Every site's verdict for one request, with the versions it was made with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlacementOutcome {
    pub tenant: TenantProfile,
    pub request: PlacementRequest,
    pub policy_version: i64,
    pub catalogue_revision: i64,
    pub sites: Vec<SiteVerdict>,
}

/// The form's values, as typed.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PlacementForm {
    pub classification: String,
    pub start: String,
    pub end: String,
    pub waiver: bool,
    pub administers: bool,
    pub backs_up: bool,
}

impl PlacementForm {
    /// The request the form describes; every bad field is named at once.
    pub fn to_request(&self) -> Result<PlacementRequest, AppError> {
        let mut errors = FieldErrors::default();
        let classification = errors.check(
            "classification",
            Classification::parse(&self.classification),
        );
        let start = errors.check("start", parse_form_date(&self.start, "start"));
        let end = errors.check("end", parse_form_date(&self.end, "end"));
        let window = match (start, end) {
            (Some(start), Some(end)) => errors.check("end", Window::new(start, end)),
            _ => None,
        };
        errors.finish()?;
        let (Some(classification), Some(window)) = (classification, window) else {
            return Err(AppError::Internal);
        };
        Ok(PlacementRequest {
            classification,
            window,
            confidential_waiver: self.waiver && classification == Classification::Confidential,
            operator_administers_systems: self.administers
                && classification == Classification::Health,
            operator_backs_up: self.backs_up && classification == Classification::Health,
        })
    }
}

/// Every site's verdict for one request: the residency rules evaluated on each site of the
/// snapshot, failed findings first. The same function runs in the browser and on the server.
pub fn evaluate_every_site(
    request: &PlacementRequest,
    tenant: &TenantProfile,
    snapshot: &CatalogueSnapshot,
) -> PlacementOutcome {
    let profiles: Vec<_> = snapshot.sites.iter().map(|s| s.profile.clone()).collect();
    let evaluations = evaluate_all(
        request,
        tenant,
        &profiles,
        &snapshot.policy,
        snapshot.revision,
    );
    let sites = profiles
        .iter()
        .zip(evaluations)
        .map(|(site, mut evaluation)| {
            evaluation.findings.sort_by_key(|f| f.passed);
            SiteVerdict {
                slug: site.slug.clone(),
                name: site.name.clone(),
                country: site.country.name_in(crate::locale::current()).to_string(),
                operator: site.operator.name.clone(),
                in_eea: snapshot.policy.is_eea(site.country),
                evaluation,
            }
        })
        .collect();
    PlacementOutcome {
        tenant: tenant.clone(),
        request: request.clone(),
        policy_version: snapshot.policy.version,
        catalogue_revision: snapshot.revision,
        sites,
    }
}
