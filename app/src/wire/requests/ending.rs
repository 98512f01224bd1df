//! Ending or reducing a quota early, as a platform admin types it.

use time::Date;

use crate::domain::{dates::parse_form_date, request_fields::GpuCount};
use crate::error::{AppError, FieldErrors};
use crate::i18n::td_string;

/// An early end or reduction as typed: empty fields keep the quota's end or GPUs.
#[derive(Debug, Clone, Default)]
pub struct EndEarlyForm {
    /// The new end (exclusive), at the earliest today.
    pub end_date: String,
    /// The new number of GPUs, fewer than granted.
    pub gpus: String,
    pub reason: String,
}

/// An early end or reduction, parsed; the service checks it against the quota.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndEarlyInput {
    pub end: Option<Date>,
    pub gpus: Option<GpuCount>,
    /// Trimmed, never empty: the tenant is told why.
    pub reason: String,
}

impl EndEarlyForm {
    /// The form's values; every bad field is named at once.
    pub fn parse(&self) -> Result<EndEarlyInput, AppError> {
        let locale = crate::locale::current();
        let mut errors = FieldErrors::default();
        let end = match self.end_date.trim() {
            "" => None,
            raw => errors.check("end_date", parse_form_date(raw, "end")),
        };
        let gpus = match self.gpus.trim() {
            "" => None,
            raw => errors.check("gpus", GpuCount::parse(raw)),
        };
        if self.end_date.trim().is_empty() && self.gpus.trim().is_empty() {
            errors.add("end_date", td_string!(locale, validation.end_early_nothing));
        }
        let reason = self.reason.trim().to_owned();
        if reason.is_empty() {
            errors.add(
                "reason",
                td_string!(locale, validation.end_early_reason_needed),
            );
        }
        errors.into_result(|| Some(EndEarlyInput { end, gpus, reason }))
    }
}
