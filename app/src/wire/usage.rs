//! Wire types of usage: what an agent's upload recorded, and a quota's use against its budget.

use serde::{Deserialize, Serialize};

/// The most refused lines a report lists (the rest are counted).
pub const MAX_LISTED_REFUSALS: usize = 1000;

/// A line of an upload that was not recorded, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RefusedLine {
    /// From 1.
    pub line: u64,
    pub job_id: Option<String>,
    pub reason: String,
}

/// What an upload of accounting records did.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct IngestReport {
    /// Lines read (blank ones aside).
    pub lines: u64,
    /// Jobs recorded: new, or a later record of a job already known.
    pub recorded: u64,
    /// Records identical to what was already known (a resent file): nothing counted again.
    pub unchanged: u64,
    /// Jobs that have not started: nothing to count.
    pub not_started: u64,
    /// GPU-hours the recorded jobs added (their previous records taken back).
    pub gpu_hours_added: f64,
    /// GPU-hours of recorded jobs on days no quota of their project covered.
    pub gpu_hours_outside_quotas: f64,
    /// Lines refused, each with its reason (at most [`MAX_LISTED_REFUSALS`]).
    pub refused: Vec<RefusedLine>,
    /// All lines refused, listed or not.
    pub refused_count: u64,
}

/// One day of a quota's use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct DayUse {
    /// `YYYY-MM-DD`.
    pub day: String,
    pub gpu_hours: f64,
    /// Used from the start to the end of this day.
    pub cumulative: f64,
    /// What the pace line expects by the end of this day.
    pub pace: f64,
}

/// A person's share of a quota's use.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PersonUse {
    pub login: String,
    /// The person who gave this login, when one did.
    pub name: Option<String>,
    pub gpu_hours: f64,
}

/// A quota's use against its budget.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QuotaUsage {
    pub budget_gpu_hours: f64,
    pub used_gpu_hours: f64,
    /// Whole per cent of the budget.
    pub percent: u32,
    /// Every day of the window up to today.
    pub days: Vec<DayUse>,
    /// The day the budget runs out at the pace so far, when that is before the window's end.
    pub runs_out_on: Option<String>,
    /// Per login (owners, auditors and admins only; empty for others).
    pub by_person: Vec<PersonUse>,
    pub idle: bool,
}

/// Granted against used over a period, for one site and model.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PoolUse {
    pub site: String,
    pub model: String,
    pub granted_gpu_hours: f64,
    pub used_gpu_hours: f64,
    pub percent: u32,
}
