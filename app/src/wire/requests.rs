//! Wire types of quota requests: what the pages show and the server functions return, and the
//! forms as typed with their parsers (the edge parses once; the services take the typed values).

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::{
    dates::{parse_form_date, LocalInstant},
    identity::Sector,
    lifecycle::{Action, QuotaPhase, RequestKind, RequestStatus},
    request_fields::{ExpectedGpuHours, GpuCount, Justification, ProjectTitle, TimeWindow},
    residency::Classification,
};
use crate::error::{AppError, FieldErrors};
use crate::i18n::td_string;

/// One row of the tenant's dashboard or of the admin queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: i64,
    pub tenant_name: String,
    /// Whether the campus suspended the organisation: its quotas are flagged to the admins.
    #[serde(default)]
    pub tenant_suspended: bool,
    /// The project it belongs to: id, short name and title.
    pub project_id: i64,
    pub project_code: String,
    pub project_name: String,
    pub kind: RequestKind,
    /// The quota a change or renewal is about.
    pub amends_request_id: Option<i64>,
    pub status: RequestStatus,
    pub project_title: String,
    pub sector: String,
    pub classification: String,
    pub site_slug: String,
    pub site_name: String,
    pub gpu_model: String,
    pub gpus: i64,
    pub start_date: String,
    pub end_date: String,
    pub approved_gpus: Option<i64>,
    pub approved_start: Option<String>,
    pub approved_end: Option<String>,
    /// The phase today of a granted quota.
    pub phase: Option<QuotaPhase>,
    pub compliance_flag: Option<String>,
    /// Bumped by every change: what a decision or an amendment was made against.
    pub revision: i64,
    /// Per cent of its budget a quota has used (none for a request that holds no quota).
    pub used_percent: Option<u32>,
}

impl RequestSummary {
    /// The days asked for, in `locale`, the last one included: "1 mars 2027 – 31 mars 2027".
    pub fn asked_window(&self, locale: crate::i18n::Locale) -> String {
        crate::domain::format::window(locale, &self.start_date, &self.end_date)
    }

    /// The granted GPUs and days (in `locale`), when the request became a quota.
    pub fn granted(&self, locale: crate::i18n::Locale) -> Option<(i64, String)> {
        match (self.approved_gpus, &self.approved_start, &self.approved_end) {
            (Some(gpus), Some(start), Some(end)) => {
                Some((gpus, crate::domain::format::window(locale, start, end)))
            }
            _ => None,
        }
    }
}

pub use crate::domain::dates::window_label;
pub use ending::{EndEarlyForm, EndEarlyInput};

mod ending;

/// The status the admin queue lists for the `status` of its URL: what waits for a decision
/// (endorsed) when none is given, every status for `any`. The page and its CSV export read it
/// alike.
pub fn queue_status(raw: &str) -> Option<String> {
    match raw.trim() {
        "any" => None,
        "" => Some("endorsed".to_owned()),
        s => Some(s.to_owned()),
    }
}

/// One page of a list: its rows, its number (from 0) and whether another follows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Paged<T> {
    pub rows: Vec<T>,
    pub page: u32,
    pub has_more: bool,
}

impl<T> Paged<T> {
    /// The same page with each row converted; the first error stops it.
    pub fn try_map<U, E>(self, f: impl FnMut(T) -> Result<U, E>) -> Result<Paged<U>, E> {
        Ok(Paged {
            rows: self.rows.into_iter().map(f).collect::<Result<_, _>>()?,
            page: self.page,
            has_more: self.has_more,
        })
    }
}

/// One step of a request's timeline.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TimelineEntry {
    /// When, in the reader's time zone.
    pub at: LocalInstant,
    pub actor_name: String,
    pub from_status: Option<RequestStatus>,
    pub to_status: RequestStatus,
    /// What happened, when the status alone does not say it (the clock starting or ending a
    /// quota, an amendment, an early end), in the reader's language.
    pub headline: Option<String>,
    pub note: String,
}

/// A request with everything its page shows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestDetail {
    pub summary: RequestSummary,
    pub justification: String,
    pub requester_name: String,
    pub expected_gpu_hours: Option<i64>,
    pub confidential_waiver: bool,
    pub decision_note: Option<String>,
    /// While the request is sent back for changes: the platform admin's question.
    pub question: Option<String>,
    pub policy_version: Option<i64>,
    pub catalogue_revision: Option<i64>,
    pub timeline: Vec<TimelineEntry>,
    /// What the viewer may do now, in button order.
    pub actions: Vec<Action>,
    /// A fresh form token when the viewer may ask for a change of this quota or renew it.
    pub amend_key: Option<String>,
    /// Whether a change (more GPUs, later end) may be asked: the quota has not ended.
    pub can_change: bool,
    /// For a platform admin: residency now and capacity impact.
    pub review: Option<Review>,
    /// For a platform admin: the quota holds GPUs and has not ended, so it may be ended or
    /// reduced early.
    pub can_end_early: bool,
    /// Whether the viewer may open the project's page (a platform admin reads the request but
    /// not the tenant's projects: the project is named, not linked).
    pub can_open_project: bool,
}

/// A rule that failed for a site, for the form and the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedRule {
    pub rule: String,
    pub reason: String,
}

/// One site as the form shows it for a classification, model and window.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteOption {
    pub slug: String,
    pub name: String,
    /// The country's name, and whether it is in the EEA.
    pub country: String,
    pub in_eea: bool,
    pub operator: String,
    /// The certificates in force on the window's first day ("HDS, until 2028-03-31").
    pub certificates: Vec<String>,
    pub eligible: bool,
    pub failures: Vec<FailedRule>,
    /// GPUs of the chosen model the site has at all (None: the model is not installed there).
    pub available: Option<u32>,
    /// The fewest free GPUs of the chosen model on any day of the window.
    pub free: Option<u32>,
}

/// What the request form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FormOptions {
    /// The projects the person may ask for GPUs in.
    pub projects: Vec<crate::wire::projects::ProjectOption>,
    pub gpu_models: Vec<String>,
    pub sites: Vec<SiteOption>,
    /// Whether `sites` were checked against the person's own window (else the next 30 days).
    pub window_entered: bool,
    pub policy_version: i64,
    pub catalogue_revision: i64,
    /// A fresh token for the form's idempotency key.
    pub idempotency_key: String,
    pub max_window_months: u32,
    pub today: String,
    pub tenant_verified: bool,
}

/// What a platform admin weighs before deciding: the residency rules evaluated now, and what
/// granting the request as asked would do to its pool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Review {
    pub eligible_now: bool,
    pub failures: Vec<FailedRule>,
    /// GPUs of the pool that may be promised (installed less the reserve).
    pub available: u32,
    /// The most GPUs committed on any day of the window, before and after granting.
    pub peak_before: u32,
    pub peak_after: u32,
    /// Free GPUs on the fullest day once approved; negative when it does not fit.
    pub headroom_after: i64,
}

/// A row of the admin queue: the request and its review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueRow {
    pub summary: RequestSummary,
    pub review: Review,
}

/// An in-app notification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NotificationItem {
    pub id: i64,
    pub request_id: Option<i64>,
    pub text: String,
    /// When, in the reader's time zone.
    pub created_at: LocalInstant,
    pub read: bool,
}

/// Rows of a notifications page.
pub const NOTIFICATION_PAGE_ROWS: usize = 50;

// ---------------------------------------------------------------------------------------------
// Forms: as typed, and parsed
// ---------------------------------------------------------------------------------------------

/// A form's token (its idempotency key): the same token never creates two requests.
fn form_token(errors: &mut FieldErrors, raw: &str) -> Option<String> {
    let key = raw.trim();
    if key.is_empty() || key.len() > 100 {
        let locale = crate::locale::current();
        errors.add(
            "idempotency_key",
            td_string!(locale, validation.form_token_missing),
        );
        return None;
    }
    Some(key.to_owned())
}

/// A field left empty is `None`; otherwise its trimmed text.
fn non_empty(raw: &str) -> Option<&str> {
    Some(raw.trim()).filter(|t| !t.is_empty())
}

/// A choice a form must carry (a site, a model): trimmed, or `message` against `field`.
fn chosen(errors: &mut FieldErrors, field: &str, raw: &str, message: &str) -> Option<String> {
    let value = raw.trim();
    if value.is_empty() {
        errors.add(field, message);
        return None;
    }
    Some(value.to_owned())
}

/// A window typed as two dates, checked for a request asked on `today`: every error is recorded
/// against the date it is about.
fn form_window(
    errors: &mut FieldErrors,
    (start_field, start): (&str, &str),
    (end_field, end): (&str, &str),
    today: Date,
    max_months: u32,
) -> Option<TimeWindow> {
    let start_day = errors.check(start_field, parse_form_date(start, "start"));
    let end_day = errors.check(end_field, parse_form_date(end, "end"));
    let (start, end) = (start_day?, end_day?);
    match TimeWindow::new(start, end, today, max_months) {
        Ok(window) => Some(window),
        Err(m) => {
            // The start in the past is the start's fault; an end not after the start or too far
            // out is the end's (the order `TimeWindow::new` checks them in).
            let field = if end > start && start < today {
                start_field
            } else {
                end_field
            };
            errors.add(field, m);
            None
        }
    }
}

/// A request form as typed (every field a string, as posted).
#[derive(Debug, Clone, Default)]
pub struct RequestForm {
    /// The draft being edited, if any.
    pub id: Option<i64>,
    pub idempotency_key: String,
    /// The project's id as chosen in the list; empty when none was chosen.
    pub project: String,
    pub project_title: String,
    pub justification: String,
    pub sector: String,
    pub classification: String,
    pub confidential_waiver: bool,
    pub site: String,
    pub gpu_model: String,
    pub gpus: String,
    pub start_date: String,
    pub end_date: String,
    pub expected_gpu_hours: String,
}

/// A request form, parsed: what the drafting service takes. The site and model are checked
/// against the catalogue by the service.
#[derive(Debug, Clone)]
pub struct DraftInput {
    /// The draft being edited, if any.
    pub id: Option<i64>,
    /// The form's token: the same token never creates two requests.
    pub idempotency_key: String,
    /// The project chosen, if any (the service checks the person may ask for GPUs in it, and
    /// picks their only project when none was chosen).
    pub project: Option<i64>,
    pub project_title: ProjectTitle,
    pub justification: Justification,
    pub sector: Sector,
    pub classification: Classification,
    pub confidential_waiver: bool,
    /// The site's slug.
    pub site: String,
    pub gpu_model: String,
    pub gpus: GpuCount,
    pub window: TimeWindow,
    pub expected_gpu_hours: Option<ExpectedGpuHours>,
    /// The draft's revision the person read (the API's `If-Match`): another one now refuses
    /// the edit (412).
    pub expected_revision: Option<i64>,
}

impl RequestForm {
    /// The form's values, checked for a request made on `today` with windows of at most
    /// `max_months`; every bad field is named at once, in form order.
    pub fn parse(&self, today: Date, max_months: u32) -> Result<DraftInput, AppError> {
        let locale = crate::locale::current();
        let mut errors = FieldErrors::default();
        let key = form_token(&mut errors, &self.idempotency_key);
        let project = match self.project.trim() {
            "" => Some(None),
            id => errors.check(
                "project",
                id.parse::<i64>()
                    .map(Some)
                    .map_err(|_| td_string!(locale, validation.choose_project)),
            ),
        };
        let title = errors.check("project_title", ProjectTitle::parse(&self.project_title));
        let justification =
            errors.check("justification", Justification::parse(&self.justification));
        let sector = errors.check("sector", Sector::parse(&self.sector));
        let classification = errors.check(
            "classification",
            Classification::parse(&self.classification),
        );
        let site = chosen(
            &mut errors,
            "site",
            &self.site,
            td_string!(locale, validation.choose_site),
        );
        let gpu_model = chosen(
            &mut errors,
            "gpu_model",
            &self.gpu_model,
            td_string!(locale, validation.choose_gpu_model),
        );
        let gpus = errors.check("gpus", GpuCount::parse(&self.gpus));
        let window = form_window(
            &mut errors,
            ("start_date", &self.start_date),
            ("end_date", &self.end_date),
            today,
            max_months,
        );
        let hours = errors.check(
            "expected_gpu_hours",
            ExpectedGpuHours::parse_optional(&self.expected_gpu_hours),
        );
        if let (Some(Some(h)), Some(gpus), Some(window)) = (hours, gpus, window.as_ref()) {
            errors.check("expected_gpu_hours", h.check_within(gpus, window));
        }
        errors.into_result(|| {
            Some(DraftInput {
                id: self.id,
                idempotency_key: key?,
                project: project?,
                project_title: title?,
                justification: justification?,
                sector: sector?,
                classification: classification?,
                confidential_waiver: self.confidential_waiver,
                site: site?,
                gpu_model: gpu_model?,
                gpus: gpus?,
                window: window?,
                expected_gpu_hours: hours?,
                expected_revision: None,
            })
        })
    }
}

/// A change (more GPUs and/or a later end) or a renewal (a new window from the quota's end) of
/// an approved quota, as typed.
#[derive(Debug, Clone, Default)]
pub struct AmendForm {
    pub kind: String,
    pub idempotency_key: String,
    /// The GPUs wanted (the quota's total after a change); empty keeps the quota's.
    pub gpus: String,
    /// The new end (exclusive); required for a renewal, empty keeps the quota's for a change.
    pub end_date: String,
    /// Why; empty reuses the quota's justification.
    pub justification: String,
}

/// A change or renewal, parsed; the service checks it against the quota.
#[derive(Debug, Clone)]
pub struct AmendInput {
    /// [`RequestKind::Change`] or [`RequestKind::Renewal`].
    pub kind: RequestKind,
    pub idempotency_key: String,
    /// `None` keeps the quota's.
    pub gpus: Option<GpuCount>,
    /// The new end (exclusive): always given for a renewal; `None` keeps the quota's.
    pub end: Option<Date>,
    /// `None` reuses the quota's.
    pub justification: Option<Justification>,
    /// The quota's revision the person read (the API's `If-Match`): another one now refuses
    /// the amendment (412).
    pub expected_revision: Option<i64>,
}

impl AmendForm {
    /// The form's values; every bad field is named at once.
    pub fn parse(&self) -> Result<AmendInput, AppError> {
        let mut errors = FieldErrors::default();
        let kind = match RequestKind::parse(&self.kind) {
            Ok(k @ (RequestKind::Change | RequestKind::Renewal)) => Some(k),
            _ => {
                errors.add(
                    "kind",
                    td_string!(
                        crate::locale::current(),
                        validation.choose_change_or_renewal
                    ),
                );
                None
            }
        };
        let key = form_token(&mut errors, &self.idempotency_key);
        let optional = non_empty;
        let gpus = optional(&self.gpus).and_then(|raw| errors.check("gpus", GpuCount::parse(raw)));
        let end_raw = optional(&self.end_date);
        let end = if end_raw.is_some() || kind == Some(RequestKind::Renewal) {
            errors.check(
                "end_date",
                parse_form_date(end_raw.unwrap_or_default(), "end"),
            )
        } else {
            None
        };
        let justification = optional(&self.justification)
            .and_then(|raw| errors.check("justification", Justification::parse(raw)));
        errors.into_result(|| {
            Some(AmendInput {
                kind: kind?,
                idempotency_key: key?,
                gpus,
                end,
                justification,
                expected_revision: None,
            })
        })
    }
}

/// A platform admin's decision as typed.
#[derive(Debug, Clone, Default)]
pub struct DecisionForm {
    /// `approve`, `partially_approve`, `reject` or `send_back`.
    pub decision: String,
    pub note: String,
    /// For a partial approval; empty keeps what was asked.
    pub approved_gpus: String,
    pub approved_start: String,
    pub approved_end: String,
    /// The request's revision the decider read (the page's hidden field, the API's `If-Match`);
    /// empty decides on whatever is there now.
    pub revision: String,
}

/// A decision, parsed; the service checks a partial grant against what was asked.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    /// [`Action::Approve`], [`Action::PartiallyApprove`], [`Action::Reject`] or
    /// [`Action::SendBack`].
    pub action: Action,
    /// The reason (the question, when sending back), trimmed: required except for a full
    /// approval.
    pub note: String,
    /// For a partial approval; `None` keeps what was asked.
    pub approved_gpus: Option<GpuCount>,
    pub approved_start: Option<Date>,
    pub approved_end: Option<Date>,
    /// The revision the decision was made against: another one now refuses it (412).
    pub expected_revision: Option<i64>,
}

impl DecisionForm {
    /// The form's values; every bad field is named at once.
    pub fn parse(&self) -> Result<DecisionInput, AppError> {
        let locale = crate::locale::current();
        let mut errors = FieldErrors::default();
        let action = match Action::parse(&self.decision) {
            Ok(action) if action.is_review() => Some(action),
            Ok(_) => {
                errors.add("decision", td_string!(locale, validation.choose_decision));
                None
            }
            Err(m) => {
                errors.add("decision", m);
                None
            }
        };
        let note = self.note.trim().to_owned();
        if action == Some(Action::SendBack) && note.is_empty() {
            errors.add(
                "note",
                td_string!(locale, validation.decision_question_needed),
            );
        } else if action.is_some_and(|a| a != Action::Approve) && note.is_empty() {
            errors.add(
                "note",
                td_string!(locale, validation.decision_reason_needed),
            );
        }
        let partial = action == Some(Action::PartiallyApprove);
        let optional = |raw| non_empty(raw).filter(|_| partial);
        let approved_gpus = optional(&self.approved_gpus)
            .and_then(|raw| errors.check("approved_gpus", GpuCount::parse(raw)));
        let approved_start = optional(&self.approved_start)
            .and_then(|raw| errors.check("approved_start", parse_form_date(raw, "start")));
        let approved_end = optional(&self.approved_end)
            .and_then(|raw| errors.check("approved_end", parse_form_date(raw, "end")));
        let expected_revision = match non_empty(&self.revision) {
            None => Some(None),
            Some(raw) => errors.check(
                "revision",
                raw.parse::<i64>()
                    .map(Some)
                    .map_err(|_| td_string!(locale, validation.decision_page_damaged)),
            ),
        };
        errors.into_result(|| {
            Some(DecisionInput {
                action: action?,
                note,
                approved_gpus,
                approved_start,
                approved_end,
                expected_revision: expected_revision?,
            })
        })
    }
}

/// What the request form asks the sites about: a classification (the form's default, public,
/// until one is chosen) and a window, read leniently since the person may still be typing
/// (a start not yet a date is today; an end not yet after the start is 30 days later).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SiteQuery {
    pub classification: Classification,
    pub start: Date,
    pub end: Date,
    pub confidential_waiver: bool,
    /// The person gave both days; otherwise the window is the next 30 days, which no refusal
    /// may quote as theirs.
    pub window_entered: bool,
}

impl SiteQuery {
    /// Reads the form's current values on `today`; only a classification that is not one is an
    /// error.
    pub fn parse(
        classification: &str,
        start: &str,
        end: &str,
        confidential_waiver: bool,
        today: Date,
    ) -> Result<Self, AppError> {
        let classification = match classification.trim() {
            "" => Classification::Public,
            raw => Classification::parse(raw)
                .map_err(|e| AppError::validation("classification", e.to_string()))?,
        };
        // Read as form dates: a year far out (9999-12-31 + 30 days) would overflow.
        let given_start = parse_form_date(start, "").ok();
        let start = given_start.unwrap_or(today);
        let given_end = parse_form_date(end, "").ok().filter(|e| *e > start);
        let end = given_end.unwrap_or(start + time::Duration::days(30));
        Ok(Self {
            classification,
            start,
            end,
            confidential_waiver,
            window_entered: given_start.is_some() && given_end.is_some(),
        })
    }
}

#[cfg(test)]
mod tests;
