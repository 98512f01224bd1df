//! Wire types of quota requests: what the pages show and the server functions return.

use serde::{Deserialize, Serialize};

use crate::domain::lifecycle::{Action, QuotaPhase, RequestKind, RequestStatus};

/// The sectors a request may declare.
pub const SECTORS: &[(&str, &str)] = &[
    ("health", "Health"),
    ("mobility", "Mobility"),
    ("energy", "Energy"),
    ("finance", "Finance"),
    ("industry", "Industry"),
    ("research", "Research"),
    ("education", "Education"),
    ("other", "Other"),
];

/// Checks a sector name; a sentence listing the choices otherwise.
pub fn parse_sector(raw: &str) -> Result<&'static str, String> {
    SECTORS
        .iter()
        .find(|(name, _)| *name == raw.trim())
        .map(|(name, _)| *name)
        .ok_or_else(|| {
            "Please choose a sector: health, mobility, energy, finance, industry, research, education or other."
                .to_owned()
        })
}

/// One row of the tenant's dashboard or of the admin queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequestSummary {
    pub id: i64,
    pub tenant_name: String,
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
}

impl RequestSummary {
    /// "2027-03-01 to 2027-03-31" (the last day included) of what was asked.
    pub fn asked_window(&self) -> String {
        window_label(&self.start_date, &self.end_date)
    }

    /// The granted GPUs and window, when the request became a quota.
    pub fn granted(&self) -> Option<(i64, String)> {
        match (self.approved_gpus, &self.approved_start, &self.approved_end) {
            (Some(gpus), Some(start), Some(end)) => Some((gpus, window_label(start, end))),
            _ => None,
        }
    }
}

pub use crate::domain::dates::window_label;

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
    /// Unix seconds.
    pub at: i64,
    pub actor_name: String,
    pub from_status: Option<RequestStatus>,
    pub to_status: RequestStatus,
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
    pub gpu_models: Vec<String>,
    pub sites: Vec<SiteOption>,
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
    pub created_at: i64,
    pub read: bool,
}
