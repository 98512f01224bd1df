//! Capacity arithmetic for one GPU pool (one site and GPU model): how many GPUs quotas commit on each day of a window, and whether a new quota still fits under the installed GPUs less the reserve (shared/domain.md, "Capacity").
//!
//! Every window is day-granular and half-open, `[start, end)`: a quota ending on a day does not hold GPUs on that
//! day, so it never overlaps one starting that day. All functions sweep over the start and end events of the
//! commitments (O(n log n)), never over the days of a window, so that 100,000 commitments over two years stay fast.
//! Commitments with no GPUs or with an empty window (`end <= start`) are ignored, and the input need not be sorted.
//! Nothing here reads a clock or does I/O: the module compiles for the server and for the browser alike.

use serde::{Deserialize, Serialize};
use time::Date;

use super::format::fill;
use crate::i18n::{td_string, Locale};

/// GPUs held by one quota (approved, or a candidate being checked) over the days `[start, end)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Commitment {
    /// First day on which the GPUs are held.
    pub start: Date,
    /// First day on which the GPUs are no longer held (exclusive end).
    pub end: Date,
    /// Number of GPUs held on each day of the window.
    pub gpus: u32,
}

impl Commitment {
    /// A commitment of `gpus` GPUs over `[start, end)`.
    pub const fn new(start: Date, end: Date, gpus: u32) -> Self {
        Self { start, end, gpus }
    }

    /// True when the commitment holds nothing: no GPUs, or no day (`end <= start`).
    pub fn is_empty(&self) -> bool {
        self.gpus == 0 || self.start >= self.end
    }
}

/// The GPUs of one model at one site: those installed, and those held back in reserve.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
pub struct Pool {
    /// GPUs installed.
    pub installed: u32,
    /// GPUs held in reserve, never granted to quotas.
    pub reserve: u32,
}

impl Pool {
    /// A pool of `installed` GPUs of which `reserve` are held back.
    pub const fn new(installed: u32, reserve: u32) -> Self {
        Self { installed, reserve }
    }

    /// GPUs that quotas may commit: installed less reserve, and 0 when the reserve exceeds what is installed.
    pub const fn available(&self) -> u32 {
        self.installed.saturating_sub(self.reserve)
    }
}

/// A candidate that fits: the peak commitment over its window before and after adding it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Headroom {
    /// Highest daily total of the existing commitments over the candidate's window.
    pub peak_before: u32,
    /// The same once the candidate is added (`peak_before` plus its GPUs, or unchanged for an empty candidate).
    pub peak_after: u32,
    /// GPUs of the pool that quotas may commit.
    pub available: u32,
    /// GPUs still free on the fullest day of the window once the candidate is added.
    pub headroom_after: u32,
}

/// A candidate that does not fit, and the first stretch of days where it does not.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[error("{}", self.message("GPU"))]
pub struct Shortfall {
    /// GPUs of the pool that quotas may commit.
    pub available: u32,
    /// GPUs the candidate asks for.
    pub requested: u32,
    /// Highest daily total of the existing commitments between `first_full_day` and `last_full_day`.
    pub peak_committed: u32,
    /// First day of the candidate's window on which committed + requested exceeds what is available.
    pub first_full_day: Date,
    /// Last day (inclusive) of the contiguous stretch of such days that starts on `first_full_day`.
    pub last_full_day: Date,
}

impl Shortfall {
    /// A sentence for a person, naming the GPU model, for example: "Not enough H100 capacity from 2027-03-01 to
    /// 2027-04-15: 1,900 of 2,048 GPUs are already committed and 300 were requested."
    pub fn message(&self, model: &str) -> String {
        let model = match model.trim() {
            "" => "GPU",
            name => name,
        };
        let locale = crate::locale::current();
        let day = |d: Date| match locale {
            Locale::en => d.to_string(),
            Locale::fr => super::format::date(locale, d),
        };
        let when = if self.first_full_day == self.last_full_day {
            fill(
                td_string!(locale, validation.shortfall_on_day),
                &[("day", &day(self.first_full_day))],
            )
        } else {
            fill(
                td_string!(locale, validation.shortfall_from_to),
                &[
                    ("start", &day(self.first_full_day)),
                    ("end", &day(self.last_full_day)),
                ],
            )
        };
        let one_or_more = |n: u32, singular: &'static str, plural: &'static str| {
            fill(
                if n == 1 { singular } else { plural },
                &[("n", &thousands(n))],
            )
        };
        let was_requested = one_or_more(
            self.requested,
            td_string!(locale, validation.shortfall_was_requested_singular),
            td_string!(locale, validation.shortfall_was_requested_plural),
        );
        let detail = if self.available == 0 {
            fill(
                td_string!(locale, validation.shortfall_none_available),
                &[("requested", &was_requested)],
            )
        } else if self.peak_committed == 0 {
            let requested = one_or_more(
                self.requested,
                td_string!(locale, validation.shortfall_gpus_requested_singular),
                td_string!(locale, validation.shortfall_gpus_requested_plural),
            );
            let available = one_or_more(
                self.available,
                td_string!(locale, validation.shortfall_only_available_singular),
                td_string!(locale, validation.shortfall_only_available_plural),
            );
            fill(
                td_string!(locale, validation.shortfall_but),
                &[("requested", &requested), ("available", &available)],
            )
        } else {
            let total = one_or_more(
                self.available,
                td_string!(locale, validation.gpus_singular),
                td_string!(locale, validation.gpus_plural),
            );
            let committed = fill(
                if self.peak_committed == 1 {
                    td_string!(locale, validation.shortfall_committed_singular)
                } else {
                    td_string!(locale, validation.shortfall_committed_plural)
                },
                &[
                    ("committed", &thousands(self.peak_committed)),
                    ("total", &total),
                ],
            );
            fill(
                td_string!(locale, validation.shortfall_and),
                &[("committed", &committed), ("requested", &was_requested)],
            )
        };
        fill(
            td_string!(locale, validation.shortfall),
            &[("model", &model), ("when", &when), ("detail", &detail)],
        )
    }
}

/// The peak committed GPUs within one 7-day bucket of a capacity chart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct WeekLoad {
    /// First day of the bucket; the bucket is `[week_start, week_start + 7 days)`.
    pub week_start: Date,
    /// Highest daily total of the commitments within the bucket.
    pub peak_committed: u32,
}

/// The highest daily total of GPUs committed over the days `[start, end)`; 0 for an empty window.
pub fn peak_committed(commitments: &[Commitment], start: Date, end: Date) -> u32 {
    let steps = profile(commitments, start.to_julian_day(), end.to_julian_day());
    to_u32(peak_of(&steps))
}

/// The fewest GPUs free on any day of `[start, end)`: available less committed, never below 0. For an empty window
/// no day constrains anything, and the whole available pool is returned.
pub fn free_over_window(pool: Pool, commitments: &[Commitment], start: Date, end: Date) -> u32 {
    pool.available()
        .saturating_sub(peak_committed(commitments, start, end))
}

/// Whether `candidate` fits in `pool` next to `commitments` on every day of its window.
///
/// A day is short when the GPUs already committed plus those requested exceed what is available. The error names
/// the first contiguous stretch of short days. An empty candidate (no GPUs or no day) always fits.
pub fn check_fits(
    pool: Pool,
    commitments: &[Commitment],
    candidate: &Commitment,
) -> Result<Headroom, Shortfall> {
    let available = pool.available();
    let steps = profile(
        commitments,
        candidate.start.to_julian_day(),
        candidate.end.to_julian_day(),
    );
    let peak_before = to_u32(peak_of(&steps));

    if !candidate.is_empty() {
        let requested = i64::from(candidate.gpus);
        let limit = i64::from(available);
        let short = |step: &Step| step.committed + requested > limit;
        if let Some(first) = steps.iter().position(short) {
            let run = steps[first..].iter().take_while(|step| short(step));
            let (last_to, peak) = run.fold((steps[first].to, 0), |(_, peak), step| {
                (step.to, peak.max(step.committed))
            });
            return Err(Shortfall {
                available,
                requested: candidate.gpus,
                peak_committed: to_u32(peak),
                first_full_day: day(steps[first].from),
                last_full_day: day(last_to - 1),
            });
        }
    }

    let peak_after = if candidate.is_empty() {
        peak_before
    } else {
        peak_before.saturating_add(candidate.gpus)
    };
    Ok(Headroom {
        peak_before,
        peak_after,
        available,
        headroom_after: available.saturating_sub(peak_after),
    })
}

/// The peak committed GPUs in each of `weeks` consecutive 7-day buckets, the first starting on
/// `first_week_start`. Buckets that would start after the last representable date are left out.
pub fn weekly_load(
    commitments: &[Commitment],
    first_week_start: Date,
    weeks: usize,
) -> Vec<WeekLoad> {
    let first = first_week_start.to_julian_day();
    let last_day = Date::MAX.to_julian_day();
    let representable = usize::try_from((last_day - first) / 7 + 1).unwrap_or(usize::MAX);
    let weeks = weeks.min(representable);
    if weeks == 0 {
        return Vec::new();
    }
    let week_count = i64::try_from(weeks).unwrap_or(i64::MAX);
    let end = (i64::from(first) + 7 * week_count).min(i64::from(last_day) + 1);
    let end = i32::try_from(end).unwrap_or(i32::MAX);

    let mut peaks = vec![0_i64; weeks];
    for step in profile(commitments, first, end) {
        if step.committed == 0 {
            continue;
        }
        // Steps are contiguous and disjoint, so the buckets touched add up to at most steps + weeks.
        let first_week = week_index(step.from - first);
        let last_week = week_index(step.to - 1 - first).min(weeks - 1);
        for peak in &mut peaks[first_week..=last_week] {
            *peak = (*peak).max(step.committed);
        }
    }

    peaks
        .into_iter()
        .enumerate()
        .filter_map(|(index, peak)| {
            let offset = i32::try_from(index).ok()?.checked_mul(7)?;
            let week_start = Date::from_julian_day(first.checked_add(offset)?).ok()?;
            Some(WeekLoad {
                week_start,
                peak_committed: to_u32(peak),
            })
        })
        .collect()
}

/// A stretch of days `[from, to)`, as Julian day numbers, over which the committed total does not change.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Step {
    from: i32,
    to: i32,
    committed: i64,
}

/// The committed total over `[start, end)` as contiguous steps covering the whole window (none when it is empty).
/// Each commitment is clipped to the window and becomes a `+gpus` event on its first day and a `-gpus` event on its
/// exclusive end; after sorting, the total after all events of a day holds until the next event day.
fn profile(commitments: &[Commitment], start: i32, end: i32) -> Vec<Step> {
    if start >= end {
        return Vec::new();
    }
    let mut events: Vec<(i32, i64)> = Vec::new();
    for commitment in commitments {
        if commitment.gpus == 0 {
            continue;
        }
        let from = commitment.start.to_julian_day().max(start);
        let to = commitment.end.to_julian_day().min(end);
        if from < to {
            let gpus = i64::from(commitment.gpus);
            events.push((from, gpus));
            events.push((to, -gpus));
        }
    }
    events.sort_unstable_by_key(|&(day, _)| day);

    let mut steps: Vec<Step> = Vec::new();
    let mut committed = 0_i64;
    let mut cursor = start;
    for same_day in events.chunk_by(|a, b| a.0 == b.0) {
        let event_day = same_day[0].0;
        if event_day > cursor {
            push_step(&mut steps, cursor, event_day, committed);
            cursor = event_day;
        }
        committed += same_day.iter().map(|&(_, delta)| delta).sum::<i64>();
    }
    if cursor < end {
        push_step(&mut steps, cursor, end, committed);
    }
    steps
}

/// Appends `[from, to)` at `committed`, merging it into the previous step when the total is unchanged.
fn push_step(steps: &mut Vec<Step>, from: i32, to: i32, committed: i64) {
    match steps.last_mut() {
        Some(last) if last.committed == committed && last.to == from => last.to = to,
        _ => steps.push(Step {
            from,
            to,
            committed,
        }),
    }
}

fn peak_of(steps: &[Step]) -> i64 {
    steps.iter().map(|step| step.committed).max().unwrap_or(0)
}

fn week_index(days_from_first: i32) -> usize {
    usize::try_from(days_from_first / 7).unwrap_or(0)
}

/// A total of GPUs as `u32`, saturating (the sum of many `u32` commitments can exceed it).
fn to_u32(total: i64) -> u32 {
    u32::try_from(total.max(0)).unwrap_or(u32::MAX)
}

/// The date of a Julian day number taken from a real date's window, so always in range.
fn day(julian: i32) -> Date {
    Date::from_julian_day(julian).unwrap_or(Date::MAX)
}

/// `1900` → `"1,900"` (`"1 900"` in French).
fn thousands(number: u32) -> String {
    super::format::integer(crate::locale::current(), number.into())
}

#[cfg(test)]
mod tests;
