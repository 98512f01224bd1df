//! Dates and instants, in one place: the one parser of a date typed in a form,
//! the one reader of a stored ISO date, and the formatters that pages use.
//!
//! Windows are whole UTC days `[start, end)`; instants are Unix seconds.

use time::{format_description::well_known::Iso8601, Date, OffsetDateTime};

/// A date typed in a form as `YYYY-MM-DD`; the error is a sentence for a person.
/// An empty field reads "Please enter the {what} date." ("Please enter a date."
/// when `what` is empty).
pub fn parse_form_date(raw: &str, what: &str) -> Result<Date, String> {
    let text = raw.trim();
    if text.is_empty() {
        return Err(if what.is_empty() {
            "Please enter a date.".to_owned()
        } else {
            format!("Please enter the {what} date.")
        });
    }
    parse_iso_date(text).ok_or_else(|| format!("“{text}” is not a date; write it as YYYY-MM-DD."))
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
    fn a_window_shows_its_last_day_included() {
        assert_eq!(
            window_label("2027-03-01", "2027-04-01"),
            "2027-03-01 to 2027-03-31"
        );
    }

    #[test]
    fn instants_read_in_utc() {
        assert_eq!(format_instant(0), "1970-01-01 00:00 UTC");
        assert_eq!(format_day(86_400 * 2), "1970-01-03");
    }
}
