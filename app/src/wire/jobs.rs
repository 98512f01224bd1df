//! Wire types of the jobs page and of a person's e-mail choices.

use serde::{Deserialize, Serialize};

use crate::domain::dates::LocalInstant;
use crate::domain::mail::{Delivery, MailCategory};

/// How a job's last run ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RunOutcome {
    Succeeded,
    /// Failed; it will be tried again.
    Failed,
    /// Failed too many times in a row; the admins were told.
    GaveUp,
}

/// One scheduled job.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobView {
    /// What it does, in words.
    pub label: String,
    /// How often it runs, in words.
    pub schedule: String,
    pub last_run: Option<LocalInstant>,
    pub last_duration_ms: Option<i64>,
    pub last_outcome: Option<RunOutcome>,
    /// The last error, when the last run failed.
    pub last_error: Option<String>,
    /// The instance that ran it last.
    pub last_instance: Option<String>,
    pub next_run: LocalInstant,
    /// The instance running it now, if one is.
    pub running_on: Option<String>,
    /// Failed attempts in a row (0 after a success).
    pub failures_in_row: i64,
}

/// An e-mail given up after its attempts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FailedMailView {
    pub id: i64,
    pub to: String,
    pub subject: String,
    pub attempts: i64,
    pub error: String,
    pub failed_at: LocalInstant,
}

/// The jobs page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JobsPage {
    pub jobs: Vec<JobView>,
    /// Whether an SMTP server is configured (else e-mail waits in the outbox).
    pub smtp_configured: bool,
    /// E-mail waiting to be sent now.
    pub mail_waiting: i64,
    pub failed_mail: Vec<FailedMailView>,
}

/// A person's e-mail choices, as the account page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailChoices {
    pub choices: Vec<(MailCategory, Delivery)>,
}
