//! The one residency gate of quota requests: [`stored_placement`] builds the question a stored
//! request asks (its data, its window, its tenant), [`evaluate_at`] answers it for a site with
//! the catalogue in force. Submission, approval, the admin review and the compliance re-check
//! ask it of stored requests; the request form asks it of what is being typed
//! ([`placement`]). A stored value that does not make a question (a window whose end is not
//! after its start) is logged with the request id and is an error, never a silent default.

use crate::i18n::td_string;
use serde_json::json;
use time::Date;

use super::repo::RequestRow;
use crate::domain::{
    catalogue::{CatalogueSite, CatalogueSnapshot},
    residency::{self, Classification, Evaluation, PlacementRequest, TenantProfile, Window},
};
use crate::server::error::ServiceResult;
use crate::wire::requests::FailedRule;

/// The placement of `classification` data over `window`, with the waiver asked for.
pub(super) fn placement(
    classification: Classification,
    window: Window,
    confidential_waiver: bool,
) -> PlacementRequest {
    PlacementRequest {
        classification,
        window,
        confidential_waiver,
        operator_administers_systems: false,
        operator_backs_up: false,
    }
}

/// The residency question the stored request `row` asks over `[start, end)` (what was asked, or
/// what is granted), and the tenant it asks it for.
pub(super) fn stored_placement(
    row: &RequestRow,
    start: Date,
    end: Date,
) -> Result<(PlacementRequest, &TenantProfile), sqlx::Error> {
    let window = Window::new(start, end).map_err(|e| {
        tracing::error!(request_id = row.id, %start, %end, error = %e, "a stored request's window is not one");
        sqlx::Error::Decode(format!("quota request {}: window: {e}", row.id).into())
    })?;
    Ok((
        placement(row.classification, window, row.confidential_waiver),
        &row.tenant,
    ))
}

/// Evaluates `request` for `tenant` at `site`, with the catalogue's policy and revision.
pub(super) fn evaluate_at(
    catalogue: &CatalogueSnapshot,
    site: &CatalogueSite,
    request: &PlacementRequest,
    tenant: &TenantProfile,
) -> Evaluation {
    residency::evaluate(
        request,
        tenant,
        &site.profile,
        &catalogue.policy,
        catalogue.revision,
    )
}

/// The rules that failed, for the form and the queue.
pub(super) fn failures(evaluation: &Evaluation) -> Vec<FailedRule> {
    evaluation
        .failures()
        .map(|f| FailedRule {
            rule: f.rule.as_str().to_owned(),
            reason: f.reason.clone(),
        })
        .collect()
}

/// "G4 …; H1 …": the failed rules with their reasons.
pub(super) fn failed_rules_text(evaluation: &Evaluation) -> String {
    let reasons: Vec<String> = evaluation
        .failures()
        .map(|f| format!("{} {}", f.rule.as_str(), f.reason))
        .collect();
    reasons.join("; ")
}

/// "Marseille is not eligible for health data: G4 …; H1 …"
pub(super) fn ineligible_message(
    site: &CatalogueSite,
    classification: Classification,
    evaluation: &Evaluation,
) -> String {
    format!(
        "{} is not eligible for {} data: {}",
        site.profile.name,
        classification.as_str(),
        failed_rules_text(evaluation)
    )
}

/// The residency refusal of `site`: the rules that failed, by id, and in words; about the
/// form's `field` when given (422), else about the request's state (409).
pub(super) fn refusal(
    field: Option<&str>,
    site: &CatalogueSite,
    classification: Classification,
    evaluation: &Evaluation,
) -> crate::server::error::ServiceError {
    crate::error::AppError::ResidencyRefused {
        field: field.map(str::to_owned),
        message: ineligible_message(site, classification, evaluation),
        rules: evaluation
            .failures()
            .map(|f| f.rule.as_str().to_owned())
            .collect(),
    }
    .into()
}

/// The evaluation as an audit event records it.
pub(super) fn evaluation_detail(evaluation: &Evaluation) -> serde_json::Value {
    json!({
        "site": evaluation.site_slug,
        "eligible": evaluation.eligible,
        "rules": evaluation.findings.iter().map(|f| json!({
            "rule": f.rule.as_str(), "passed": f.passed, "reason": f.reason,
        })).collect::<Vec<_>>(),
        "policy_version": evaluation.policy_version,
        "catalogue_revision": evaluation.catalogue_version,
        "waiver_applied": evaluation.waiver_applied,
    })
}

/// The request's site in the catalogue; a conflict when it left it.
pub(super) fn site_by_id(catalogue: &CatalogueSnapshot, id: i64) -> ServiceResult<&CatalogueSite> {
    catalogue.sites.iter().find(|s| s.id == id).ok_or_else(|| {
        super::conflict(td_string!(
            crate::locale::current(),
            server.site_no_longer_in_catalogue
        ))
    })
}
