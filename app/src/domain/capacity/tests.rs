use super::*;
use proptest::prelude::*;
use time::macros::date;
use time::Duration;

fn c(start: Date, end: Date, gpus: u32) -> Commitment {
    Commitment::new(start, end, gpus)
}

#[test]
fn a_commitment_ending_on_a_day_does_not_overlap_one_starting_that_day() {
    let commitments = [
        c(date!(2027 - 03 - 01), date!(2027 - 03 - 10), 5),
        c(date!(2027 - 03 - 10), date!(2027 - 03 - 20), 5),
    ];
    assert_eq!(
        peak_committed(&commitments, date!(2027 - 03 - 01), date!(2027 - 03 - 20)),
        5
    );
    assert_eq!(
        peak_committed(&commitments, date!(2027 - 03 - 09), date!(2027 - 03 - 11)),
        5
    );
    assert_eq!(
        peak_committed(&commitments, date!(2027 - 03 - 20), date!(2027 - 03 - 21)),
        0
    );
    // A window ending on the first day of a commitment does not see it.
    assert_eq!(
        peak_committed(&commitments, date!(2027 - 02 - 01), date!(2027 - 03 - 01)),
        0
    );
}

#[test]
fn exactly_filling_capacity_fits_and_one_more_gpu_does_not() {
    let pool = Pool::new(10, 2);
    let commitments = [c(date!(2027 - 01 - 01), date!(2027 - 02 - 01), 5)];
    let fits = c(date!(2027 - 01 - 15), date!(2027 - 03 - 01), 3);
    assert_eq!(
        check_fits(pool, &commitments, &fits),
        Ok(Headroom {
            peak_before: 5,
            peak_after: 8,
            available: 8,
            headroom_after: 0
        })
    );
    let one_more = Commitment { gpus: 4, ..fits };
    let shortfall = check_fits(pool, &commitments, &one_more).unwrap_err();
    assert_eq!(shortfall.first_full_day, date!(2027 - 01 - 15));
    assert_eq!(shortfall.last_full_day, date!(2027 - 01 - 31));
    assert_eq!(shortfall.peak_committed, 5);
    assert_eq!(shortfall.requested, 4);
    assert_eq!(shortfall.available, 8);
}

#[test]
fn the_shortfall_range_is_exactly_the_first_stretch_of_full_days() {
    let pool = Pool::new(10, 0);
    let commitments = [
        // Days 5 to 9 March are full once 4 more are asked for (7 + 4 > 10) ...
        c(date!(2027 - 03 - 05), date!(2027 - 03 - 08), 7),
        c(date!(2027 - 03 - 08), date!(2027 - 03 - 10), 8),
        // ... 10 March is not (6 + 4 = 10) ...
        c(date!(2027 - 03 - 10), date!(2027 - 03 - 11), 6),
        // ... and 20 March is full again, but only the first stretch is reported.
        c(date!(2027 - 03 - 20), date!(2027 - 03 - 21), 9),
    ];
    let candidate = c(date!(2027 - 03 - 01), date!(2027 - 04 - 01), 4);
    assert_eq!(
        check_fits(pool, &commitments, &candidate),
        Err(Shortfall {
            available: 10,
            requested: 4,
            peak_committed: 8,
            first_full_day: date!(2027 - 03 - 05),
            last_full_day: date!(2027 - 03 - 09),
        })
    );
    // A candidate starting inside a full stretch reports from its own first day.
    let later = c(date!(2027 - 03 - 07), date!(2027 - 03 - 09), 4);
    let shortfall = check_fits(pool, &commitments, &later).unwrap_err();
    assert_eq!(shortfall.first_full_day, date!(2027 - 03 - 07));
    assert_eq!(shortfall.last_full_day, date!(2027 - 03 - 08));
}

#[test]
fn a_request_larger_than_the_pool_is_short_on_every_day_of_its_window() {
    let candidate = c(date!(2027 - 01 - 01), date!(2027 - 01 - 31), 9);
    let shortfall = check_fits(Pool::new(8, 0), &[], &candidate).unwrap_err();
    assert_eq!(shortfall.first_full_day, date!(2027 - 01 - 01));
    assert_eq!(shortfall.last_full_day, date!(2027 - 01 - 30));
    assert_eq!(shortfall.peak_committed, 0);
    assert_eq!(
        shortfall.message("B200"),
        "Not enough B200 capacity from 2027-01-01 to 2027-01-30: 9 GPUs were requested but only 8 are available."
    );
}

#[test]
fn the_shortfall_message_is_a_sentence_a_person_understands() {
    let shortfall = Shortfall {
        available: 2048,
        requested: 300,
        peak_committed: 1900,
        first_full_day: date!(2027 - 03 - 01),
        last_full_day: date!(2027 - 04 - 15),
    };
    assert_eq!(
        shortfall.message("H100"),
        "Not enough H100 capacity from 2027-03-01 to 2027-04-15: 1,900 of 2,048 GPUs are already committed and 300 were requested."
    );
    assert_eq!(
        shortfall.to_string(),
        "Not enough GPU capacity from 2027-03-01 to 2027-04-15: 1,900 of 2,048 GPUs are already committed and 300 were requested."
    );
    let one_day = Shortfall {
        available: 1,
        requested: 1,
        peak_committed: 1,
        last_full_day: date!(2027 - 03 - 01),
        ..shortfall
    };
    assert_eq!(
        one_day.message(" MI300X "),
        "Not enough MI300X capacity on 2027-03-01: 1 of 1 GPU is already committed and 1 was requested."
    );
    let nothing_available = Shortfall {
        available: 0,
        ..shortfall
    };
    assert_eq!(
        nothing_available.message(""),
        "Not enough GPU capacity from 2027-03-01 to 2027-04-15: no GPUs are available in this pool and 300 were requested."
    );
}

#[test]
fn large_numbers_are_grouped_by_thousands() {
    assert_eq!(thousands(0), "0");
    assert_eq!(thousands(999), "999");
    assert_eq!(thousands(1000), "1,000");
    assert_eq!(thousands(123_456), "123,456");
    assert_eq!(thousands(u32::MAX), "4,294,967,295");
}

#[test]
fn empty_commitments_and_empty_windows_are_ignored() {
    let commitments = [
        c(date!(2027 - 01 - 01), date!(2027 - 12 - 31), 0),
        c(date!(2027 - 05 - 01), date!(2027 - 05 - 01), 7),
        c(date!(2027 - 06 - 01), date!(2027 - 05 - 01), 7),
    ];
    assert_eq!(
        peak_committed(&commitments, date!(2027 - 01 - 01), date!(2028 - 01 - 01)),
        0
    );
    // An empty query window has no day to constrain.
    assert_eq!(
        peak_committed(
            &[c(date!(2027 - 01 - 01), date!(2028 - 01 - 01), 3)],
            date!(2027 - 06 - 01),
            date!(2027 - 06 - 01)
        ),
        0
    );
    assert_eq!(
        free_over_window(
            Pool::new(8, 1),
            &commitments,
            date!(2027 - 06 - 01),
            date!(2027 - 05 - 01)
        ),
        7
    );
    // An empty candidate fits, even in an over-committed pool.
    let over = [c(date!(2027 - 01 - 01), date!(2028 - 01 - 01), 20)];
    let nothing = c(date!(2027 - 03 - 01), date!(2027 - 04 - 01), 0);
    assert_eq!(
        check_fits(Pool::new(10, 0), &over, &nothing),
        Ok(Headroom {
            peak_before: 20,
            peak_after: 20,
            available: 10,
            headroom_after: 0
        })
    );
}

#[test]
fn unsorted_commitments_give_the_same_answers_as_sorted_ones() {
    let mut commitments = vec![
        c(date!(2027 - 04 - 01), date!(2027 - 06 - 01), 3),
        c(date!(2027 - 01 - 01), date!(2027 - 03 - 01), 4),
        c(date!(2027 - 02 - 15), date!(2027 - 04 - 15), 2),
        c(date!(2027 - 03 - 31), date!(2027 - 04 - 02), 5),
    ];
    let (start, end) = (date!(2027 - 01 - 01), date!(2027 - 07 - 01));
    let unsorted = (
        peak_committed(&commitments, start, end),
        weekly_load(&commitments, start, 26),
    );
    commitments.sort_by_key(|commitment| commitment.start);
    let sorted = (
        peak_committed(&commitments, start, end),
        weekly_load(&commitments, start, 26),
    );
    assert_eq!(unsorted, sorted);
    // 31 March: 2 + 5; 1 April: 3 + 2 + 5.
    assert_eq!(sorted.0, 10);
}

#[test]
fn the_reserve_is_never_committed_and_a_larger_reserve_leaves_nothing() {
    assert_eq!(Pool::new(2048, 48).available(), 2000);
    assert_eq!(Pool::new(8, 10).available(), 0);
    let commitments = [c(date!(2027 - 01 - 01), date!(2027 - 02 - 01), 1990)];
    assert_eq!(
        free_over_window(
            Pool::new(2048, 48),
            &commitments,
            date!(2026 - 12 - 01),
            date!(2027 - 03 - 01)
        ),
        10
    );
    assert_eq!(
        free_over_window(
            Pool::new(1000, 0),
            &commitments,
            date!(2026 - 12 - 01),
            date!(2027 - 03 - 01)
        ),
        0
    );
}

#[test]
fn totals_beyond_u32_saturate_instead_of_wrapping() {
    let commitments = vec![c(date!(2027 - 01 - 01), date!(2027 - 02 - 01), u32::MAX); 3];
    assert_eq!(
        peak_committed(&commitments, date!(2027 - 01 - 01), date!(2027 - 02 - 01)),
        u32::MAX
    );
    let candidate = c(date!(2027 - 01 - 10), date!(2027 - 01 - 11), u32::MAX);
    let shortfall = check_fits(Pool::new(u32::MAX, 0), &commitments, &candidate).unwrap_err();
    assert_eq!(shortfall.peak_committed, u32::MAX);
}

#[test]
fn weekly_load_takes_the_peak_of_each_seven_day_bucket() {
    let monday = date!(2027 - 01 - 04);
    let commitments = [
        // Sunday of week 0 only.
        c(date!(2027 - 01 - 10), date!(2027 - 01 - 11), 6),
        // From the Monday of week 1 to the Tuesday of week 3.
        c(date!(2027 - 01 - 11), date!(2027 - 01 - 27), 2),
        // Week 3, on top of the previous one.
        c(date!(2027 - 01 - 25), date!(2027 - 01 - 26), 1),
    ];
    let load = weekly_load(&commitments, monday, 5);
    let peaks: Vec<u32> = load.iter().map(|week| week.peak_committed).collect();
    assert_eq!(peaks, [6, 2, 2, 3, 0]);
    assert_eq!(load[0].week_start, monday);
    assert_eq!(load[4].week_start, date!(2027 - 02 - 01));
    assert!(weekly_load(&commitments, monday, 0).is_empty());
}

#[test]
fn weekly_load_stops_at_the_last_representable_date() {
    let near_end = date!(9999 - 12 - 20);
    let commitments = [c(date!(9999 - 12 - 30), Date::MAX, 4)];
    let load = weekly_load(&commitments, near_end, usize::MAX);
    assert_eq!(load.len(), 2);
    assert_eq!(load[1].week_start, date!(9999 - 12 - 27));
    assert_eq!(load[1].peak_committed, 4);
}

// ---- Properties: the sweep line against a naive per-day reference on small inputs ----

fn base() -> Date {
    date!(2027 - 01 - 01)
}

fn naive_committed_on(commitments: &[Commitment], day: Date) -> u64 {
    commitments
        .iter()
        .filter(|commitment| commitment.start <= day && day < commitment.end)
        .map(|commitment| u64::from(commitment.gpus))
        .sum()
}

fn days(start: Date, end: Date) -> impl Iterator<Item = Date> {
    std::iter::successors(Some(start), |day| day.next_day()).take_while(move |day| *day < end)
}

fn naive_peak(commitments: &[Commitment], start: Date, end: Date) -> u32 {
    let peak = days(start, end)
        .map(|day| naive_committed_on(commitments, day))
        .max()
        .unwrap_or(0);
    u32::try_from(peak).unwrap_or(u32::MAX)
}

fn naive_free(pool: Pool, commitments: &[Commitment], start: Date, end: Date) -> u32 {
    days(start, end)
        .map(|day| {
            let committed = naive_committed_on(commitments, day);
            u32::try_from(u64::from(pool.available()).saturating_sub(committed)).unwrap()
        })
        .min()
        .unwrap_or(pool.available())
}

fn naive_check_fits(
    pool: Pool,
    commitments: &[Commitment],
    candidate: &Commitment,
) -> Result<Headroom, Shortfall> {
    let available = pool.available();
    let short = |day: &Date| {
        naive_committed_on(commitments, *day) + u64::from(candidate.gpus) > u64::from(available)
    };
    let window: Vec<Date> = days(candidate.start, candidate.end).collect();
    if candidate.gpus > 0 {
        if let Some(first) = window.iter().position(short) {
            let run: Vec<Date> = window[first..].iter().copied().take_while(short).collect();
            return Err(Shortfall {
                available,
                requested: candidate.gpus,
                peak_committed: naive_peak(commitments, run[0], run[run.len() - 1] + Duration::DAY),
                first_full_day: run[0],
                last_full_day: run[run.len() - 1],
            });
        }
    }
    let peak_before = naive_peak(commitments, candidate.start, candidate.end);
    let peak_after = if window.is_empty() {
        peak_before
    } else {
        peak_before + candidate.gpus
    };
    Ok(Headroom {
        peak_before,
        peak_after,
        available,
        headroom_after: available.saturating_sub(peak_after),
    })
}

fn naive_weekly(commitments: &[Commitment], first: Date, weeks: usize) -> Vec<WeekLoad> {
    (0..weeks)
        .map(|index| {
            let week_start = first + Duration::days(7 * index as i64);
            WeekLoad {
                week_start,
                peak_committed: naive_peak(commitments, week_start, week_start + Duration::WEEK),
            }
        })
        .collect()
}

/// A date within about two months of `base()`; offsets may put `end` before `start`.
fn a_date() -> impl Strategy<Value = Date> {
    (0_i64..70).prop_map(|offset| base() + Duration::days(offset))
}

fn a_commitment() -> impl Strategy<Value = Commitment> {
    (a_date(), a_date(), prop_oneof![Just(0_u32), 0_u32..12])
        .prop_map(|(start, end, gpus)| Commitment { start, end, gpus })
}

fn commitments() -> impl Strategy<Value = Vec<Commitment>> {
    prop::collection::vec(a_commitment(), 0..16)
}

fn a_pool() -> impl Strategy<Value = Pool> {
    (0_u32..48, 0_u32..12).prop_map(|(installed, reserve)| Pool { installed, reserve })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn peak_committed_matches_a_day_by_day_count(
        commitments in commitments(), start in a_date(), end in a_date()
    ) {
        prop_assert_eq!(
            peak_committed(&commitments, start, end),
            naive_peak(&commitments, start, end)
        );
    }

    #[test]
    fn free_over_window_matches_a_day_by_day_count(
        pool in a_pool(), commitments in commitments(), start in a_date(), end in a_date()
    ) {
        prop_assert_eq!(
            free_over_window(pool, &commitments, start, end),
            naive_free(pool, &commitments, start, end)
        );
    }

    #[test]
    fn check_fits_matches_a_day_by_day_check(
        pool in a_pool(), commitments in commitments(), candidate in a_commitment()
    ) {
        prop_assert_eq!(
            check_fits(pool, &commitments, &candidate),
            naive_check_fits(pool, &commitments, &candidate)
        );
    }

    #[test]
    fn a_candidate_that_fits_keeps_every_day_within_the_pool(
        pool in a_pool(), commitments in commitments(), candidate in a_commitment()
    ) {
        if check_fits(pool, &commitments, &candidate).is_ok() && !candidate.is_empty() {
            let mut with_candidate = commitments.clone();
            with_candidate.push(candidate);
            prop_assert!(
                peak_committed(&with_candidate, candidate.start, candidate.end) <= pool.available()
            );
        }
    }

    #[test]
    fn weekly_load_matches_a_day_by_day_count(
        commitments in commitments(), first in a_date(), weeks in 0_usize..12
    ) {
        prop_assert_eq!(
            weekly_load(&commitments, first, weeks),
            naive_weekly(&commitments, first, weeks)
        );
    }

    #[test]
    fn the_order_of_commitments_does_not_matter(
        commitments in commitments(), start in a_date(), end in a_date()
    ) {
        let mut reversed = commitments.clone();
        reversed.reverse();
        prop_assert_eq!(
            peak_committed(&commitments, start, end),
            peak_committed(&reversed, start, end)
        );
    }
}
