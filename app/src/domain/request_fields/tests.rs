use super::*;
use proptest::prelude::*;
use serde::de::value::{Error as DeError, MapDeserializer, StringDeserializer};
use serde::de::IntoDeserializer;
use time::macros::date;

const TODAY: Date = date!(2025 - 03 - 10);

fn deserialize_string<T: serde::de::DeserializeOwned>(raw: &str) -> Result<T, DeError> {
    let input: StringDeserializer<DeError> = raw.to_owned().into_deserializer();
    T::deserialize(input)
}

fn deserialize_number<T: serde::de::DeserializeOwned>(n: u64) -> Result<T, DeError> {
    T::deserialize(IntoDeserializer::<DeError>::into_deserializer(n))
}

fn deserialize_window(start: &str, end: &str) -> Result<TimeWindow, DeError> {
    let fields = [("start", start), ("end", end)];
    let input: MapDeserializer<_, DeError> = MapDeserializer::new(fields.into_iter());
    TimeWindow::deserialize(input)
}

fn window(start: Date, end: Date) -> TimeWindow {
    TimeWindow::from_bounds(start, end).unwrap()
}

// --- GpuCount ---

#[test]
fn a_gpu_count_from_1_to_100000_is_accepted() {
    assert_eq!(GpuCount::new(1).unwrap().get(), 1);
    assert_eq!(GpuCount::new(100_000).unwrap().get(), 100_000);
}

#[test]
fn zero_gpus_are_rejected() {
    assert_eq!(GpuCount::new(0).unwrap_err(), "At least one GPU is needed.");
}

#[test]
fn more_than_100000_gpus_are_rejected() {
    assert_eq!(
        GpuCount::new(100_001).unwrap_err(),
        "A request can ask for at most 100,000 GPUs."
    );
}

#[test]
fn a_gpu_count_is_read_from_form_text() {
    assert_eq!(GpuCount::parse(" 8 ").unwrap().get(), 8);
    assert_eq!(GpuCount::parse("1 024").unwrap().get(), 1024);
    assert!(GpuCount::parse("").unwrap_err().starts_with("Please enter"));
    assert_eq!(
        GpuCount::parse("8.5").unwrap_err(),
        "\"8.5\" is not a whole number of GPUs: please enter one such as 8."
    );
    assert!(GpuCount::parse("-3").is_err());
    assert!(GpuCount::parse("99999999999999999999999")
        .unwrap_err()
        .contains("at most"));
}

#[test]
fn a_gpu_count_deserializes_only_in_range() {
    assert_eq!(deserialize_number::<GpuCount>(64).unwrap().get(), 64);
    assert!(deserialize_number::<GpuCount>(0).is_err());
    assert!(deserialize_number::<GpuCount>(100_001).is_err());
    assert_eq!(u32::from(GpuCount::new(7).unwrap()), 7);
    assert_eq!(GpuCount::new(7).unwrap().to_string(), "7");
}

// --- ExpectedGpuHours ---

#[test]
fn expected_gpu_hours_from_1_to_100_million_are_accepted() {
    assert_eq!(ExpectedGpuHours::new(1).unwrap().get(), 1);
    assert!(ExpectedGpuHours::new(100_000_000).is_ok());
}

#[test]
fn expected_gpu_hours_out_of_range_are_rejected() {
    assert!(ExpectedGpuHours::new(0).unwrap_err().contains("at least 1"));
    assert_eq!(
        ExpectedGpuHours::new(100_000_001).unwrap_err(),
        "The expected GPU-hours can be at most 100,000,000."
    );
}

#[test]
fn expected_gpu_hours_are_optional_in_a_form() {
    assert_eq!(ExpectedGpuHours::parse_optional("  "), Ok(None));
    assert_eq!(
        ExpectedGpuHours::parse_optional("10 000")
            .unwrap()
            .map(ExpectedGpuHours::get),
        Some(10_000)
    );
    assert!(ExpectedGpuHours::parse_optional("lots")
        .unwrap_err()
        .contains("\"lots\""));
    assert!(ExpectedGpuHours::parse_optional("0").is_err());
}

#[test]
fn expected_gpu_hours_deserialize_only_in_range() {
    assert!(deserialize_number::<ExpectedGpuHours>(5).is_ok());
    assert!(deserialize_number::<ExpectedGpuHours>(0).is_err());
}

#[test]
fn expected_gpu_hours_must_fit_what_the_gpus_deliver_in_the_window() {
    let ten_days = window(TODAY, date!(2025 - 03 - 20));
    let gpus = GpuCount::new(2).unwrap();
    assert!(ExpectedGpuHours::new(480)
        .unwrap()
        .check_within(gpus, &ten_days)
        .is_ok());
    assert_eq!(
        ExpectedGpuHours::new(481)
            .unwrap()
            .check_within(gpus, &ten_days)
            .unwrap_err(),
        "The expected 481 GPU-hours exceed the 480 that 2 GPUs can deliver in 10 days."
    );
}

// --- GpuModel ---

#[test]
fn gpu_model_names_are_accepted_and_trimmed() {
    for model in ["H100", "MI300X", "B200", "H100 SXM5-80GB", "A"] {
        assert_eq!(
            GpuModel::parse(&format!(" {model} ")).unwrap().as_str(),
            model
        );
    }
}

#[test]
fn a_gpu_model_of_40_characters_is_accepted_and_41_rejected() {
    assert!(GpuModel::parse(&"H".repeat(40)).is_ok());
    assert!(GpuModel::parse(&"H".repeat(41))
        .unwrap_err()
        .contains("at most 40"));
}

#[test]
fn an_empty_gpu_model_is_rejected() {
    assert_eq!(
        GpuModel::parse("  ").unwrap_err(),
        "Please enter a GPU model, such as H100."
    );
}

#[test]
fn a_gpu_model_with_other_symbols_is_rejected() {
    assert_eq!(
        GpuModel::parse("H100/80GB").unwrap_err(),
        "A GPU model name has only letters, digits, spaces and hyphens; \"/\" is not allowed."
    );
    assert!(GpuModel::parse("H100_SXM").is_err());
}

// --- ProjectTitle ---

#[test]
fn a_project_title_of_3_characters_is_accepted_and_2_rejected() {
    assert_eq!(ProjectTitle::parse(" LLM ").unwrap().as_str(), "LLM");
    assert_eq!(
        ProjectTitle::parse("AI").unwrap_err(),
        "A project title needs at least 3 characters; this one has 2."
    );
}

#[test]
fn a_project_title_of_200_characters_is_accepted_and_201_rejected() {
    assert!(ProjectTitle::parse(&"é".repeat(200)).is_ok());
    assert_eq!(
        ProjectTitle::parse(&"é".repeat(201)).unwrap_err(),
        "A project title can have at most 200 characters; this one has 201."
    );
}

#[test]
fn an_empty_project_title_is_rejected() {
    assert_eq!(
        ProjectTitle::parse("").unwrap_err(),
        "Please enter a project title."
    );
}

#[test]
fn a_project_title_on_two_lines_is_rejected() {
    assert!(ProjectTitle::parse("Protein\nfolding")
        .unwrap_err()
        .contains("one line"));
}

// --- Justification ---

#[test]
fn a_justification_of_20_characters_is_accepted_and_19_rejected() {
    assert!(Justification::parse(&"j".repeat(20)).is_ok());
    assert!(Justification::parse(&"j".repeat(19))
        .unwrap_err()
        .contains("at least 20 characters; this one has 19"));
}

#[test]
fn a_justification_of_5000_characters_is_accepted_and_5001_rejected() {
    assert!(Justification::parse(&"ü".repeat(5000)).is_ok());
    assert_eq!(
        Justification::parse(&"ü".repeat(5001)).unwrap_err(),
        "A justification can have at most 5,000 characters; this one has 5,001."
    );
}

#[test]
fn a_justification_keeps_its_line_breaks_with_unix_line_ends() {
    let text = Justification::parse("Fine-tuning a model\r\n\tfor radiology reports.\n").unwrap();
    assert_eq!(
        text.as_str(),
        "Fine-tuning a model\n\tfor radiology reports."
    );
}

#[test]
fn a_justification_with_other_control_characters_is_rejected() {
    assert!(
        Justification::parse("Training a model for \u{1b}[31m weather")
            .unwrap_err()
            .contains("control characters")
    );
}

#[test]
fn texts_deserialize_only_when_valid() {
    assert!(deserialize_string::<GpuModel>("H100").is_ok());
    assert!(deserialize_string::<GpuModel>("H100!").is_err());
    assert!(deserialize_string::<ProjectTitle>("x").is_err());
    assert!(deserialize_string::<Justification>("too short").is_err());
    let title = ProjectTitle::parse("Weather model").unwrap();
    assert_eq!(String::from(title.clone()), title.to_string());
}

// --- TimeWindow ---

#[test]
fn a_window_starting_today_is_accepted() {
    let window = TimeWindow::new(TODAY, date!(2025 - 04 - 10), TODAY, 12).unwrap();
    assert_eq!(window.start(), TODAY);
    assert_eq!(window.end(), date!(2025 - 04 - 10));
}

#[test]
fn a_window_starting_yesterday_is_rejected() {
    assert_eq!(
        TimeWindow::new(date!(2025 - 03 - 09), date!(2025 - 04 - 10), TODAY, 12).unwrap_err(),
        "The start date cannot be in the past."
    );
}

#[test]
fn a_window_ending_on_or_before_its_start_is_rejected() {
    for end in [TODAY, date!(2025 - 03 - 01)] {
        assert_eq!(
            TimeWindow::new(TODAY, end, TODAY, 12).unwrap_err(),
            "The end date must be after the start date."
        );
    }
}

#[test]
fn a_window_of_exactly_12_months_is_accepted_and_one_day_more_rejected() {
    let start = date!(2025 - 06 - 15);
    assert!(TimeWindow::new(start, date!(2026 - 06 - 15), TODAY, 12).is_ok());
    assert_eq!(
        TimeWindow::new(start, date!(2026 - 06 - 16), TODAY, 12).unwrap_err(),
        "A window can last at most 12 months."
    );
}

#[test]
fn months_are_counted_in_calendar_months_clamped_to_the_month_end() {
    let start = date!(2026 - 01 - 31);
    assert!(TimeWindow::new(start, date!(2026 - 02 - 28), TODAY, 1).is_ok());
    assert_eq!(
        TimeWindow::new(start, date!(2026 - 03 - 01), TODAY, 1).unwrap_err(),
        "A window can last at most 1 month."
    );
    // a leap year
    assert!(TimeWindow::new(date!(2027 - 03 - 31), date!(2028 - 02 - 29), TODAY, 11).is_ok());
}

#[test]
fn a_window_one_day_long_has_its_start_as_last_day() {
    let day = window(TODAY, date!(2025 - 03 - 11));
    assert_eq!(day.days(), 1);
    assert_eq!(day.hours(), 24);
    assert_eq!(day.last_day(), TODAY);
    assert_eq!(day.to_string(), "2025-03-10 to 2025-03-10");
}

#[test]
fn days_counts_the_days_from_start_to_end_excluded() {
    let year = window(date!(2025 - 01 - 01), date!(2026 - 01 - 01));
    assert_eq!(year.days(), 365);
    assert_eq!(year.last_day(), date!(2025 - 12 - 31));
    assert_eq!(year.to_string(), "2025-01-01 to 2025-12-31");
}

#[test]
fn contains_includes_the_start_and_excludes_the_end() {
    let march = window(date!(2025 - 03 - 01), date!(2025 - 04 - 01));
    assert!(march.contains(date!(2025 - 03 - 01)));
    assert!(march.contains(date!(2025 - 03 - 31)));
    assert!(!march.contains(date!(2025 - 04 - 01)));
    assert!(!march.contains(date!(2025 - 02 - 28)));
}

#[test]
fn windows_that_only_touch_do_not_overlap() {
    let march = window(date!(2025 - 03 - 01), date!(2025 - 04 - 01));
    let april = window(date!(2025 - 04 - 01), date!(2025 - 05 - 01));
    let mid = window(date!(2025 - 03 - 31), date!(2025 - 04 - 02));
    assert!(!march.overlaps(&april));
    assert!(march.overlaps(&mid) && april.overlaps(&mid));
    assert!(march.overlaps(&march));
}

#[test]
fn a_window_round_trips_through_its_parts() {
    let stored = window(date!(2024 - 01 - 01), date!(2024 - 07 - 01));
    let parts = TimeWindowParts::from(stored);
    assert_eq!(TimeWindow::try_from(parts), Ok(stored));
    // a stored window in the past still reads back
    assert_eq!(
        deserialize_window("2024-01-01", "2024-07-01").unwrap(),
        stored
    );
}

#[test]
fn a_stored_window_ending_before_its_start_does_not_deserialize() {
    let error = deserialize_window("2024-07-01", "2024-01-01").unwrap_err();
    assert!(error.to_string().contains("end date must be after"));
}

#[test]
fn add_months_stays_none_past_the_calendar_range() {
    assert_eq!(add_months(date!(9999 - 06 - 01), 12), None);
    let far = date!(9999 - 06 - 01);
    assert!(TimeWindow::new(far, date!(9999 - 12 - 31), TODAY, 12_000).is_ok());
}

fn any_date() -> impl Strategy<Value = Date> {
    (0i32..2000).prop_map(|offset| TODAY + time::Duration::days(offset.into()))
}

proptest! {
    #[test]
    fn a_window_contains_exactly_its_days(start in any_date(), length in 1i64..400) {
        let end = start + time::Duration::days(length);
        let w = window(start, end);
        prop_assert_eq!(i64::from(w.days()), length);
        prop_assert!(w.contains(start) && w.contains(w.last_day()) && !w.contains(end));
    }

    #[test]
    fn overlap_is_symmetric_and_matches_a_shared_day(
        a in any_date(), a_len in 1i64..60, b in any_date(), b_len in 1i64..60,
    ) {
        let first = window(a, a + time::Duration::days(a_len));
        let second = window(b, b + time::Duration::days(b_len));
        let shares_a_day = (0..a_len).any(|d| second.contains(a + time::Duration::days(d)));
        prop_assert_eq!(first.overlaps(&second), second.overlaps(&first));
        prop_assert_eq!(first.overlaps(&second), shares_a_day);
    }

    #[test]
    fn a_window_within_max_months_is_accepted(start in any_date(), months in 1u32..36) {
        let latest_end = add_months(start, months).unwrap();
        prop_assert!(TimeWindow::new(start, latest_end, TODAY, months).is_ok());
        let one_more = latest_end.next_day().unwrap();
        prop_assert!(TimeWindow::new(start, one_more, TODAY, months).is_err());
    }

    #[test]
    fn any_valid_gpu_count_round_trips_through_serde(n in 1u32..=100_000) {
        let count = GpuCount::new(n).unwrap();
        prop_assert_eq!(deserialize_number::<GpuCount>(u32::from(count).into()), Ok(count));
    }
}
