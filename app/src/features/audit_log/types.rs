//! Wire types of the audit log: one page of events, and the filters it reads.

use serde::{Deserialize, Serialize};

use crate::error::{AppError, FieldErrors};

/// Events per page.
pub const PAGE_SIZE: i64 = 50;

/// One audit event as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    pub id: i64,
    /// Unix seconds.
    pub at: i64,
    pub actor_email: Option<String>,
    pub tenant_slug: Option<String>,
    pub tenant_name: Option<String>,
    pub event: String,
    pub success: bool,
    pub client_ip: Option<String>,
    /// The event's details, as JSON text.
    pub detail: String,
}

/// One page of events, newest first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditPage {
    pub entries: Vec<AuditEntry>,
    /// When older events exist: the `before` value that reads them.
    pub older_than: Option<i64>,
    /// Whether the reader sees every tenant (platform admins).
    pub all_tenants: bool,
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
            _ => Err("The outcome is either success or failure.".to_owned()),
        }
    }
}

/// An event's name: lower-case letters and underscores, at most 64.
fn parse_event(raw: &str) -> Result<String, String> {
    if raw.len() > 64 || !raw.bytes().all(|b| b.is_ascii_lowercase() || b == b'_') {
        return Err("That is not an event name.".to_owned());
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
}

impl AuditFilter {
    /// Reads the filters as sent; every bad one is named at once.
    pub fn parse(
        event: Option<&str>,
        outcome: Option<&str>,
        tenant: Option<&str>,
        before: Option<i64>,
    ) -> Result<Self, AppError> {
        fn given(v: Option<&str>) -> Option<&str> {
            v.map(str::trim).filter(|v| !v.is_empty())
        }
        let mut errors = FieldErrors::default();
        let event = given(event).and_then(|e| errors.check("event", parse_event(e)));
        let outcome = given(outcome).and_then(|o| errors.check("outcome", Outcome::parse(o)));
        errors.finish()?;
        Ok(Self {
            event,
            outcome,
            tenant: given(tenant).map(str::to_owned),
            before,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_filters_mean_any_and_bad_ones_are_named() {
        let any = AuditFilter::parse(Some(" "), None, Some(""), None).unwrap();
        assert_eq!(any, AuditFilter::default());
        let e = AuditFilter::parse(Some("DROP TABLE"), Some("maybe"), None, None).unwrap_err();
        let fields: Vec<String> = e.field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["event", "outcome"]);
    }
}
