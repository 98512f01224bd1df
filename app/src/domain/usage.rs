//! Usage: the accounting records a site's scheduler sends back, read into GPU-seconds per model
//! and UTC day, and what they mean against a quota's budget (thresholds, pace, idleness).
//!
//! A record is one line of
//! `TZ=UTC sacct --allocations --parsable2 --noheader --format=`[`SACCT_FORMAT`]: job id,
//! cluster, account, user, start, end, state, elapsed seconds and `AllocTRES`. Its GPU-seconds
//! are its GPUs of each model (`gres/gpu:<model>=N`) × its elapsed seconds, split by UTC day;
//! a job still running counts up to the time of the record (its start + elapsed so far).

use time::{Date, OffsetDateTime, PrimitiveDateTime};

use super::format::fill;
use crate::i18n::td_string;

/// The `sacct --format` fields a record carries, in order.
pub const SACCT_FORMAT: &str = "JobIDRaw,Cluster,Account,User,Start,End,State,ElapsedRaw,AllocTRES";

/// The longest elapsed time a record may claim: a year (no site runs one job longer).
pub const MAX_ELAPSED_SECS: i64 = 366 * 86_400;

/// The most GPUs of one model a job may hold.
pub const MAX_JOB_GPUS: u32 = 100_000;

/// A job's GPUs as `AllocTRES` lists them: per type (`gres/gpu:h100=2`) and in all (`gres/gpu=2`).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GpuAlloc {
    /// (type as the scheduler spells it, count), in the order given.
    pub typed: Vec<(String, u32)>,
    /// The untyped `gres/gpu=N`, if present.
    pub total: Option<u32>,
}

/// One accounting record, checked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct JobRecord {
    pub job_id: String,
    pub cluster: String,
    pub account: String,
    pub login: String,
    /// Unix seconds (UTC).
    pub started_at: i64,
    /// Seconds, up to the record's time for a running job.
    pub elapsed: i64,
    /// The state's first word (`COMPLETED`, `RUNNING`, `CANCELLED`…).
    pub state: String,
    pub gpus: GpuAlloc,
    /// `AllocTRES` as sent (kept with the job).
    pub tres: String,
}

/// What one line says: a record, or a job that has not started (nothing to count).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Line {
    Job(JobRecord),
    NotStarted,
}

/// Reads one `--parsable2` line (fields separated by `|`); `now` bounds the times. The error
/// is a sentence naming what is wrong.
pub fn parse_sacct_line(line: &str, now: i64) -> Result<Line, String> {
    let fields: Vec<&str> = line.trim_end_matches(['\r', '\n']).split('|').collect();
    if fields.len() != 9 {
        return Err(format!(
            "Expected the 9 fields {SACCT_FORMAT} separated by “|”, found {}.",
            fields.len()
        ));
    }
    let [job_id, cluster, account, user, start, end, state, elapsed, tres] =
        [0, 1, 2, 3, 4, 5, 6, 7, 8].map(|i| fields[i].trim());
    let started = match start {
        "Unknown" | "None" | "" => return Ok(Line::NotStarted),
        s => parse_sacct_time(s).ok_or_else(|| format!("Start “{s}” is not a time."))?,
    };
    let elapsed: i64 = elapsed
        .parse()
        .map_err(|_| format!("ElapsedRaw “{elapsed}” is not a number of seconds."))?;
    Ok(Line::Job(JobRecord {
        job_id: name_field("job id", job_id, is_job_char)?,
        cluster: name_field("cluster", cluster, is_name_char)?,
        account: name_field("account", account, is_name_char)?.to_lowercase(),
        login: name_field("user", user, is_name_char)?,
        started_at: started,
        elapsed: check_times(started, end, elapsed, now)?,
        state: state
            .split_whitespace()
            .next()
            .filter(|s| s.bytes().all(|b| b.is_ascii_uppercase() || b == b'_'))
            .ok_or_else(|| format!("State “{state}” is not a Slurm job state."))?
            .to_owned(),
        gpus: parse_alloc_tres(tres)?,
        tres: tres.to_owned(),
    }))
}

fn is_job_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '+')
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-')
}

fn name_field(what: &str, text: &str, ok: fn(char) -> bool) -> Result<String, String> {
    if text.is_empty() || text.len() > 64 || !text.chars().all(ok) {
        return Err(format!("The {what} “{}” is not valid.", clip(text)));
    }
    Ok(text.to_owned())
}

fn clip(text: &str) -> String {
    text.chars().take(40).collect()
}

/// `2026-12-05T10:00:00` as UTC Unix seconds.
pub fn parse_sacct_time(text: &str) -> Option<i64> {
    let format = time::macros::format_description!("[year]-[month]-[day]T[hour]:[minute]:[second]");
    PrimitiveDateTime::parse(text, &format)
        .ok()
        .map(|t| t.assume_utc().unix_timestamp())
}

/// The elapsed seconds, checked against the start, the end (when the job has one) and `now`.
fn check_times(started: i64, end: &str, elapsed: i64, now: i64) -> Result<i64, String> {
    if !(0..=MAX_ELAPSED_SECS).contains(&elapsed) {
        return Err(format!(
            "ElapsedRaw {elapsed} is impossible: between 0 and {MAX_ELAPSED_SECS} seconds."
        ));
    }
    // A minute of clock skew between the site and the portal is tolerated.
    if started + elapsed > now + 60 {
        return Err(
            "The job ends in the future: its start plus its elapsed time is after now.".into(),
        );
    }
    if let Some(ended) = parse_sacct_time(end) {
        if ended < started {
            return Err(format!("End “{end}” is before the start."));
        }
    } else if !matches!(end, "Unknown" | "None" | "") {
        return Err(format!("End “{}” is not a time.", clip(end)));
    }
    Ok(elapsed)
}

/// The GPUs in an `AllocTRES` list (`billing=1,cpu=1,gres/gpu:h100=2,gres/gpu=2,mem=1000M`).
pub fn parse_alloc_tres(tres: &str) -> Result<GpuAlloc, String> {
    let mut alloc = GpuAlloc::default();
    for item in tres.split(',').map(str::trim).filter(|s| !s.is_empty()) {
        let Some((key, value)) = item.split_once('=') else {
            return Err(format!(
                "AllocTRES item “{}” is not name=value.",
                clip(item)
            ));
        };
        let Some(rest) = key.strip_prefix("gres/gpu") else {
            continue;
        };
        let count: u32 = value
            .parse()
            .ok()
            .filter(|n| *n <= MAX_JOB_GPUS)
            .ok_or_else(|| format!("“{}” is not a possible number of GPUs.", clip(item)))?;
        match rest.strip_prefix(':') {
            None if rest.is_empty() => alloc.total = Some(count),
            Some(kind) if !kind.is_empty() && kind.chars().all(is_name_char) => {
                alloc.typed.push((kind.to_owned(), count));
            }
            _ => return Err(format!("“{}” is not a GPU resource.", clip(item))),
        }
    }
    Ok(alloc)
}

/// The job's GPUs per model of the site (`models`, as the catalogue names them): a typed GPU is
/// matched to a model by name, whatever the case; an untyped count is attributed only when the
/// site has a single model. Empty for a job without GPUs.
pub fn gpus_by_model(alloc: &GpuAlloc, models: &[String]) -> Result<Vec<(String, u32)>, String> {
    let mut out: Vec<(String, u32)> = Vec::new();
    for (kind, count) in alloc.typed.iter().filter(|(_, n)| *n > 0) {
        let model = models
            .iter()
            .find(|m| m.eq_ignore_ascii_case(kind))
            .ok_or_else(|| format!("gres/gpu:{kind} is not a GPU model of this site."))?;
        match out.iter_mut().find(|(m, _)| m == model) {
            Some((_, n)) => *n += count,
            None => out.push((model.clone(), *count)),
        }
    }
    match alloc.total {
        Some(total) if total > 0 && out.is_empty() => match models {
            [only] => out.push((only.clone(), total)),
            _ => {
                return Err(format!(
                    "gres/gpu={total} names no GPU model and this site has {}: unattributable.",
                    models.len()
                ))
            }
        },
        _ => {}
    }
    Ok(out)
}

/// `[started, started + elapsed)` split by UTC day: (day, seconds), in order; nothing for 0 s.
pub fn split_by_day(started: i64, elapsed: i64) -> Vec<(Date, i64)> {
    let mut out = Vec::new();
    let mut at = started;
    let end = started + elapsed.max(0);
    while at < end {
        let Ok(instant) = OffsetDateTime::from_unix_timestamp(at) else {
            break;
        };
        let next_midnight = at
            - i64::from(instant.time().as_hms().0) * 3600
            - i64::from(instant.time().minute()) * 60
            - i64::from(instant.time().second())
            + 86_400;
        let until = end.min(next_midnight);
        out.push((instant.date(), until - at));
        at = until;
    }
    out
}

/// A quota's budget in GPU-seconds: its GPUs × its window, or its GPU-hour budget when that is
/// set and smaller (a partial approval may grant less than the budget asked for).
pub fn budget_gpu_seconds(gpus: i64, start: Date, end: Date, gpu_hours: Option<i64>) -> i64 {
    let whole = gpus * (end - start).whole_days().max(0) * 86_400;
    match gpu_hours {
        Some(hours) if hours > 0 => whole.min(hours * 3600),
        _ => whole,
    }
}

/// Whole per cent of `budget` that `used` is (0 for no budget).
pub fn percent_used(used: i64, budget: i64) -> u32 {
    if budget <= 0 {
        return 0;
    }
    u32::try_from((i128::from(used) * 100 / i128::from(budget)).max(0)).unwrap_or(u32::MAX)
}

/// The first second (Unix, UTC) of `day`: where a window `[start, end)` of whole days begins.
pub fn day_start(day: Date) -> i64 {
    day.midnight().assume_utc().unix_timestamp()
}

/// The default threshold levels (% of a budget).
pub const DEFAULT_THRESHOLDS: [u32; 2] = [80, 100];

/// Threshold levels as an owner types them (“50, 80, 100”): 1 to 5 whole percentages from 1 to
/// 200, answered sorted without repeats.
pub fn parse_thresholds(text: &str) -> Result<Vec<u32>, String> {
    let mut levels = Vec::new();
    for part in text
        .split([',', ';', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let level: u32 = part
            .trim_end_matches('%')
            .parse()
            .ok()
            .filter(|n| (1..=200).contains(n))
            .ok_or_else(|| {
                fill(
                    td_string!(
                        crate::locale::current(),
                        validation.threshold_not_percentage
                    ),
                    &[("part", &clip(part))],
                )
            })?;
        levels.push(level);
    }
    levels.sort_unstable();
    levels.dedup();
    match levels.len() {
        0 => Err(td_string!(crate::locale::current(), validation.thresholds_none).to_owned()),
        1..=5 => Ok(levels),
        _ => Err(td_string!(crate::locale::current(), validation.thresholds_above_five).to_owned()),
    }
}

/// The levels `used` has reached of `budget`.
pub fn levels_reached(levels: &[u32], used: i64, budget: i64) -> Vec<u32> {
    levels
        .iter()
        .copied()
        .filter(|l| budget > 0 && i128::from(used) * 100 >= i128::from(*l) * i128::from(budget))
        .collect()
}

/// The share of its expected use under which a quota is idle (%).
pub const IDLE_BELOW_PERCENT: i64 = 20;

/// Whether a quota over `[start, end)` is idle at `now`: past half its window and not yet over,
/// it has used less than [`IDLE_BELOW_PERCENT`] % of what the pace line expects by now.
pub fn is_idle(used: i64, budget: i64, start: i64, end: i64, now: i64) -> bool {
    let length = end - start;
    if length <= 0 || budget <= 0 || now >= end || (now - start) * 2 < length {
        return false;
    }
    let expected = i128::from(budget) * i128::from(now - start) / i128::from(length);
    i128::from(used) * 100 < expected * i128::from(IDLE_BELOW_PERCENT)
}

/// When the budget runs out at the pace since `start` (Unix seconds), if it is being used.
pub fn runs_out_at(used: i64, budget: i64, start: i64, now: i64) -> Option<i64> {
    (used > 0 && now > start).then(|| {
        let at =
            i128::from(start) + i128::from(now - start) * i128::from(budget) / i128::from(used);
        i64::try_from(at).unwrap_or(i64::MAX)
    })
}

#[cfg(test)]
mod tests;
