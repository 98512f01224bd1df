use time::macros::date;

use super::*;

const NOW: i64 = 1_800_000_000; // 2027-01-15T08:00:00Z

fn job(line: &str) -> JobRecord {
    match parse_sacct_line(line, NOW).unwrap() {
        Line::Job(j) => j,
        Line::NotStarted => panic!("not started: {line}"),
    }
}

#[test]
fn a_completed_job_reads_with_its_gpus_by_type() {
    let j = job("17|guichet-test|sorbonne_climate|root|2026-12-05T10:00:00|2026-12-05T10:00:02|COMPLETED|2|billing=1,cpu=1,gres/gpu:h100=2,gres/gpu=2,mem=1000M,node=1");
    assert_eq!(j.job_id, "17");
    assert_eq!(j.account, "sorbonne_climate");
    assert_eq!(j.elapsed, 2);
    assert_eq!(j.started_at, 1_796_464_800);
    assert_eq!(j.state, "COMPLETED");
    assert_eq!(j.gpus.typed, vec![("h100".to_owned(), 2)]);
    assert_eq!(j.gpus.total, Some(2));
}

#[test]
fn a_running_job_has_no_end_and_a_pending_one_counts_nothing() {
    let j = job("18|c|a|u|2026-12-05T10:00:00|Unknown|RUNNING|600|gres/gpu:h100=1");
    assert_eq!((j.state.as_str(), j.elapsed), ("RUNNING", 600));
    assert_eq!(
        parse_sacct_line("19|c|a|u|Unknown|Unknown|PENDING|0|", NOW),
        Ok(Line::NotStarted)
    );
    let cancelled = job("20|c|a|u|2026-12-05T10:00:00|2026-12-05T10:01:00|CANCELLED by 0|60|");
    assert_eq!(cancelled.state, "CANCELLED");
}

#[test]
fn malformed_and_impossible_lines_say_what_is_wrong() {
    let err = |l: &str| parse_sacct_line(l, NOW).unwrap_err();
    assert!(err("1|2|3").contains("9 fields"));
    assert!(err("1|c|a|u|yesterday|Unknown|RUNNING|5|").contains("not a time"));
    assert!(err("1|c|a|u|2026-12-05T10:00:00|Unknown|RUNNING|-5|").contains("impossible"));
    assert!(err("1|c|a|u|2026-12-05T10:00:00|Unknown|RUNNING|x|").contains("seconds"));
    assert!(err("1|c|a|u|2026-12-05T10:00:00|2026-12-04T10:00:00|COMPLETED|5|").contains("before"));
    assert!(err("1|c|a|u|2027-06-05T10:00:00|Unknown|RUNNING|5|").contains("future"));
    assert!(err("1|c|a b|u|2026-12-05T10:00:00|Unknown|RUNNING|5|").contains("account"));
    assert!(err("1|c|a|u|2026-12-05T10:00:00|Unknown|RUNNING|5|gres/gpu:h100=-1").contains("GPUs"));
    assert!(
        err("1|c|a|u|2026-12-05T10:00:00|Unknown|RUNNING|5|gres/gpu:h100=999999").contains("GPUs")
    );
    assert!(err("1|c|a|u|2026-12-05T10:00:00|Unknown|running|5|").contains("state"));
}

#[test]
fn gpus_are_attributed_by_model_and_untyped_ones_only_at_single_model_sites() {
    let models = vec!["H100".to_owned(), "B200".to_owned()];
    let typed = parse_alloc_tres("gres/gpu:h100=2,gres/gpu:b200=1,gres/gpu=3").unwrap();
    assert_eq!(
        gpus_by_model(&typed, &models).unwrap(),
        vec![("H100".to_owned(), 2), ("B200".to_owned(), 1)]
    );
    let plain = parse_alloc_tres("cpu=1,gres/gpu=4").unwrap();
    assert!(gpus_by_model(&plain, &models)
        .unwrap_err()
        .contains("unattributable"));
    assert_eq!(
        gpus_by_model(&plain, &models[..1]).unwrap(),
        vec![("H100".to_owned(), 4)]
    );
    let unknown = parse_alloc_tres("gres/gpu:a100=1").unwrap();
    assert!(gpus_by_model(&unknown, &models).is_err());
    assert!(gpus_by_model(&parse_alloc_tres("cpu=2").unwrap(), &models)
        .unwrap()
        .is_empty());
}

#[test]
fn a_job_across_midnight_is_split_by_utc_day() {
    // 2026-12-05T23:30:00Z for two hours.
    let start = 1_796_513_400;
    assert_eq!(
        split_by_day(start, 7200),
        vec![(date!(2026 - 12 - 05), 1800), (date!(2026 - 12 - 06), 5400)]
    );
    assert_eq!(split_by_day(start, 0), vec![]);
    // Three whole days from midnight.
    let days = split_by_day(1_796_428_800, 3 * 86_400);
    assert_eq!(days.len(), 3);
    assert!(days.iter().all(|(_, s)| *s == 86_400));
}

#[test]
fn the_budget_is_the_gpu_hour_budget_or_gpus_times_the_window() {
    let (s, e) = (date!(2027 - 01 - 01), date!(2027 - 01 - 11));
    assert_eq!(budget_gpu_seconds(8, s, e, None), 8 * 10 * 86_400);
    assert_eq!(budget_gpu_seconds(8, s, e, Some(100)), 360_000);
    assert_eq!(
        budget_gpu_seconds(1, s, e, Some(1_000)),
        10 * 86_400,
        "never more than the grant"
    );
}

#[test]
fn thresholds_parse_sorted_and_are_reached_once_used_meets_them() {
    assert_eq!(parse_thresholds("100, 80%;50").unwrap(), vec![50, 80, 100]);
    assert!(parse_thresholds("").is_err());
    assert!(parse_thresholds("0").is_err());
    assert!(parse_thresholds("1,2,3,4,5,6").is_err());
    assert_eq!(levels_reached(&[80, 100], 79, 100), Vec::<u32>::new());
    assert_eq!(levels_reached(&[80, 100], 80, 100), vec![80]);
    assert_eq!(levels_reached(&[80, 100], 150, 100), vec![80, 100]);
    assert_eq!(levels_reached(&[80], 10, 0), Vec::<u32>::new());
}

#[test]
fn a_quota_is_idle_past_half_its_window_below_a_fifth_of_its_pace() {
    let (start, end, budget) = (0, 100, 1000);
    assert!(!is_idle(0, budget, start, end, 49), "not before half-time");
    assert!(is_idle(0, budget, start, end, 50));
    assert!(is_idle(99, budget, start, end, 50), "99 < 20% of 500");
    assert!(!is_idle(100, budget, start, end, 50));
    assert!(!is_idle(0, budget, start, end, 100), "not once over");
}

#[test]
fn the_budget_runs_out_at_the_pace_so_far() {
    assert_eq!(runs_out_at(0, 100, 0, 10), None);
    assert_eq!(runs_out_at(50, 100, 0, 10), Some(20));
}

#[test]
fn a_share_of_a_budget_is_whole_per_cent_and_days_start_at_utc_midnight() {
    assert_eq!(percent_used(3240, 3600), 90);
    assert_eq!(percent_used(4860, 3600), 135);
    assert_eq!(percent_used(5, 0), 0);
    assert_eq!(day_start(date!(2026 - 12 - 05)), 1_796_428_800);
}
