//! Wire types of the audit log: one page of events, and the filters it reads.

use serde::{Deserialize, Serialize};

use time::Date;

use crate::domain::dates::{parse_form_date, LocalInstant};
use crate::error::{AppError, FieldErrors};

/// The log in words, for the server's CSV export as for the page.
pub mod words;

pub use words::{describe_detail, event_label};

/// Events per page.
pub const PAGE_SIZE: i64 = 50;

/// One audit event as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// When, in the reader's time zone.
    pub at: LocalInstant,
    pub actor_email: Option<String>,
    pub tenant_slug: Option<String>,
    pub tenant_name: Option<String>,
    pub event: String,
    pub success: bool,
    pub client_ip: Option<String>,
    /// The event's details, as JSON text.
    pub detail: String,
    /// The details in words, with their instants in the reader's time zone.
    pub description: String,
}

/// One page of events, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// When older events exist: the `before` value that reads them.
    pub older_than: Option<i64>,
    /// Whether the reader sees every tenant (platform admins).
    pub all_tenants: bool,
    /// The reader's time zone (an IANA name), which the times are shown in.
    pub time_zone: String,
}

/// Whether an event succeeded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    Success,
    Failure,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Success => "success",
            Self::Failure => "failure",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        match raw {
            "success" => Ok(Self::Success),
            "failure" => Ok(Self::Failure),
            _ => Err(
                crate::i18n::td_string!(crate::locale::current(), validation.outcome_bad)
                    .to_owned(),
            ),
        }
    }
}

/// An event's name: lower-case letters, underscores and dots (`request.approve`), at most 64.
fn parse_event(raw: &str) -> Result<String, String> {
    let allowed = |b: u8| b.is_ascii_lowercase() || b == b'_' || b == b'.';
    if raw.len() > 64 || !raw.bytes().all(allowed) {
        return Err(
            crate::i18n::td_string!(crate::locale::current(), validation.event_name_bad).to_owned(),
        );
    }
    Ok(raw.to_owned())
}

/// The filters of one page, parsed; an empty filter means "any".
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AuditFilter {
    pub event: Option<String>,
    pub outcome: Option<Outcome>,
    /// A tenant's slug (platform admins only; ignored for a tenant's own log).
    pub tenant: Option<String>,
    /// Only events with a smaller id (the "older" link).
    pub before: Option<i64>,
    /// Only events on or after this day (in the reader's time zone).
    pub from: Option<Date>,
    /// Only events on or before this day (in the reader's time zone).
    pub to: Option<Date>,
}

impl AuditFilter {
    /// Reads the filters as sent; every bad one is named at once.
    pub fn parse(
        event: Option<&str>,
        outcome: Option<&str>,
        tenant: Option<&str>,
        before: Option<i64>,
        days: (Option<&str>, Option<&str>),
    ) -> Result<Self, AppError> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let mut errors = FieldErrors::default();
        let event = given(event).and_then(|e| errors.check("event", parse_event(e)));
        let outcome = given(outcome).and_then(|o| errors.check("outcome", Outcome::parse(o)));
        let from = given(days.0).and_then(|d| errors.check("from", parse_form_date(d, "first")));
        let to = given(days.1).and_then(|d| errors.check("to", parse_form_date(d, "last")));
        if let (Some(from), Some(to)) = (from, to) {
            if from > to {
                errors.add(
                    "to",
                    crate::i18n::td_string!(crate::locale::current(), validation.days_swapped),
                );
            }
        }
        errors.finish()?;
        Ok(Self {
            event,
            outcome,
            tenant: given(tenant).map(str::to_owned),
            before,
            from,
            to,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filters_mean_any_and_bad_ones_are_named() {
        let any = AuditFilter::parse(Some(" "), None, Some(""), None, (Some(""), None)).unwrap();
        assert_eq!(any, AuditFilter::default());
        let e = AuditFilter::parse(
            Some("DROP TABLE"),
            Some("maybe"),
            None,
            None,
            (Some("31/12/2026"), Some("2026-13-01")),
        )
        .unwrap_err();
        let fields: Vec<String> = e.field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["event", "outcome", "from", "to"]);
        assert_eq!(
            e.field_message("from").as_deref(),
            Some("“31/12/2026” is not a date; write it as YYYY-MM-DD.")
        );
    }

    #[test]
    fn a_day_range_is_read_with_the_form_date_parser_and_in_order() {
        let days = AuditFilter::parse(
            None,
            None,
            None,
            None,
            (Some("2026-12-01"), Some("2026-12-05")),
        )
        .unwrap();
        assert_eq!(days.from, Some(time::macros::date!(2026 - 12 - 01)));
        assert_eq!(days.to, Some(time::macros::date!(2026 - 12 - 05)));
        let e = AuditFilter::parse(
            None,
            None,
            None,
            None,
            (Some("2026-12-05"), Some("2026-12-01")),
        )
        .unwrap_err();
        assert_eq!(
            e.field_message("to").as_deref(),
            Some("The last day comes before the first; swap them.")
        );
        let e = AuditFilter::parse(None, None, None, None, (Some("1999-01-01"), None)).unwrap_err();
        assert!(e.field_message("from").unwrap().contains("out of range"));
    }
}
