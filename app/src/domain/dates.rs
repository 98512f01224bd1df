//! Dates and instants, in one place: the one parser of a date typed in a form,
//! the one reader of a stored ISO date, and the formatters that pages use.
//!
//! Windows are whole UTC days `[start, end)`; instants are Unix seconds. An instant shown to a
//! person is a [`LocalInstant`]: the server reads their time zone's offset at that instant (the
//! zone database stays on the server), and [`format_local`] writes it the same on both sides.

use serde::{Deserialize, Serialize};
use time::{format_description::well_known::Iso8601, Date, OffsetDateTime, UtcOffset};

use super::format::fill;
use crate::i18n::td_string;

/// The first year a form date may name: nothing the portal records (requests, certifications)
/// starts before it.
pub const FIRST_FORM_YEAR: i32 = 2000;
/// The last year a form date may name: a window or a certificate running past it is a typing
/// mistake or a probe (a window starting in year 9999 would overflow the day arithmetic).
pub const LAST_FORM_YEAR: i32 = 2100;

/// A date typed in a form as `YYYY-MM-DD` — exactly four digits, a dash, two, a dash, two: no
/// sign, no extra digit — in the years [`FIRST_FORM_YEAR`] to [`LAST_FORM_YEAR`]. The error is a
/// sentence for a person. An empty field reads "Please enter the {what} date." ("Please enter a
/// date." when `what` is empty).
pub fn parse_form_date(raw: &str, what: &str) -> Result<Date, String> {
    let locale = crate::locale::current();
    let text = raw.trim();
    if text.is_empty() {
        return Err(match what {
            "" => td_string!(locale, validation.date_missing).to_owned(),
            "start" => td_string!(locale, validation.date_missing_start).to_owned(),
            "end" => td_string!(locale, validation.date_missing_end).to_owned(),
            "first" => td_string!(locale, validation.date_missing_first).to_owned(),
            "last" => td_string!(locale, validation.date_missing_last).to_owned(),
            "expiry" => td_string!(locale, validation.date_missing_expiry).to_owned(),
            _ => fill(
                td_string!(locale, validation.date_missing_named),
                &[("what", &what)],
            ),
        });
    }
    let shaped = text.len() == 10
        && text.bytes().enumerate().all(|(i, b)| match i {
            4 | 7 => b == b'-',
            _ => b.is_ascii_digit(),
        });
    let date = shaped.then(|| parse_iso_date(text)).flatten();
    let Some(date) = date else {
        return Err(fill(
            td_string!(locale, validation.date_not_a_date),
            &[("text", &text)],
        ));
    };
    if !(FIRST_FORM_YEAR..=LAST_FORM_YEAR).contains(&date.year()) {
        return Err(fill(
            td_string!(locale, validation.date_out_of_range),
            &[
                ("text", &text),
                ("first", &format!("{FIRST_FORM_YEAR}-01-01")),
                ("last", &format!("{LAST_FORM_YEAR}-12-31")),
            ],
        ));
    }
    Ok(date)
}

/// A stored ISO date (`YYYY-MM-DD`), or `None` when it is not one.
pub fn parse_iso_date(text: &str) -> Option<Date> {
    Date::parse(text, &Iso8601::DATE).ok()
}

/// A date as stored and as sent on the wire: `YYYY-MM-DD`.
pub fn iso_date(date: Date) -> String {
    date.to_string()
}

/// "2027-03-01 to 2027-03-31": a window `[start, end)` shown with its last day
/// included, from ISO dates.
pub fn window_label(start: &str, end_exclusive: &str) -> String {
    match parse_iso_date(end_exclusive).and_then(|d| d.previous_day()) {
        Some(last) => format!("{start} to {last}"),
        None => format!("{start} to {end_exclusive} (exclusive)"),
    }
}

/// An instant (Unix seconds) as `YYYY-MM-DD HH:MM UTC`; empty when out of range.
pub fn format_instant(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| format!("{} {:02}:{:02} UTC", t.date(), t.hour(), t.minute()))
        .unwrap_or_default()
}

/// An instant as one person sees it: the Unix seconds, the offset from UTC in force in their time
/// zone at that instant (seconds east), and its abbreviation there ("CET", "CEST", "+03").
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LocalInstant {
    pub unix: i64,
    pub offset_seconds: i32,
    pub abbreviation: String,
}

impl LocalInstant {
    /// The instant in UTC (for what is shown to nobody in particular, such as an e-mail).
    pub fn utc(unix: i64) -> Self {
        Self {
            unix,
            offset_seconds: 0,
            abbreviation: "UTC".to_owned(),
        }
    }

    /// The instant at its offset from UTC.
    pub fn local(&self) -> Option<OffsetDateTime> {
        let offset = UtcOffset::from_whole_seconds(self.offset_seconds).ok()?;
        Some(
            OffsetDateTime::from_unix_timestamp(self.unix)
                .ok()?
                .to_offset(offset),
        )
    }
}

/// A local instant as `YYYY-MM-DD HH:MM CET`; empty when out of range.
pub fn format_local(at: &LocalInstant) -> String {
    at.local()
        .map(|t| {
            format!(
                "{} {:02}:{:02} {}",
                t.date(),
                t.hour(),
                t.minute(),
                at.abbreviation
            )
        })
        .unwrap_or_default()
}

/// A local instant's day, `YYYY-MM-DD`; empty when out of range.
pub fn format_local_day(at: &LocalInstant) -> String {
    at.local().map(|t| t.date().to_string()).unwrap_or_default()
}

/// An instant (Unix seconds) as its UTC day, `YYYY-MM-DD`; empty when out of range.
pub fn format_day(unix: i64) -> String {
    OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| t.date().to_string())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_typed_date_is_read_whatever_the_spaces_around_it() {
        assert_eq!(
            parse_form_date(" 2027-03-01 ", "start"),
            Ok(date!(2027 - 03 - 01))
        );
    }

    #[test]
    fn an_empty_date_asks_for_it_by_name() {
        assert_eq!(
            parse_form_date("  ", "end"),
            Err("Please enter the end date.".to_owned())
        );
    }

    #[test]
    fn a_date_in_another_form_says_how_to_write_it() {
        let e = parse_form_date("01/03/2027", "start").unwrap_err();
        assert!(e.contains("YYYY-MM-DD"), "{e}");
    }

    #[test]
    fn a_year_outside_2000_to_2100_is_refused_with_the_range() {
        for (raw, year) in [
            ("9999-01-01", 9999),
            ("1999-12-31", 1999),
            ("2101-01-01", 2101),
        ] {
            let e = parse_form_date(raw, "start").unwrap_err();
            assert_eq!(
                e,
                format!(
                    "“{raw}” is out of range: a date must fall between 2000-01-01 and 2100-12-31."
                ),
                "{year}"
            );
        }
        assert_eq!(
            parse_form_date("2000-01-01", "start"),
            Ok(date!(2000 - 01 - 01))
        );
        assert_eq!(
            parse_form_date("2100-12-31", "end"),
            Ok(date!(2100 - 12 - 31))
        );
    }

    #[test]
    fn a_sign_an_extra_digit_or_a_short_part_is_not_a_date() {
        for raw in [
            "+2027-03-01",
            "-2027-03-01",
            "+02027-03-01",
            "02027-03-01",
            "2027-003-01",
            "2027-03-001",
            "2027-3-1",
            "27-03-01",
            "2027-03-01T00:00",
            "2027 03 01",
            "２０２７-03-01",
            "2027-02-30",
        ] {
            assert_eq!(
                parse_form_date(raw, "start").unwrap_err(),
                format!("“{raw}” is not a date; write it as YYYY-MM-DD."),
                "{raw}"
            );
        }
    }

    #[test]
    fn a_window_shows_its_last_day_included() {
        assert_eq!(
            window_label("2027-03-01", "2027-04-01"),
            "2027-03-01 to 2027-03-31"
        );
    }

    #[test]
    fn a_local_instant_is_written_with_its_offset_applied_and_its_abbreviation() {
        // 2027-01-15 09:30 UTC.
        let unix = 1_800_005_400;
        assert_eq!(
            format_local(&LocalInstant::utc(unix)),
            "2027-01-15 09:30 UTC"
        );
        let paris = LocalInstant {
            unix,
            offset_seconds: 3_600,
            abbreviation: "CET".to_owned(),
        };
        assert_eq!(format_local(&paris), "2027-01-15 10:30 CET");
        let late = LocalInstant {
            unix: unix + 14 * 3_600,
            offset_seconds: 3_600,
            abbreviation: "CET".to_owned(),
        };
        assert_eq!(format_local_day(&late), "2027-01-16");
    }

    #[test]
    fn instants_read_in_utc() {
        assert_eq!(format_instant(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_day(86_400 * 2), "1970-01-03");
    }
}
