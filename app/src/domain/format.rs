//! Dates and numbers as each language writes them: `5 déc. 2026` and `1 234,5` in French,
//! `5 Dec 2026` and `1,234.5` in English (the CLDR's medium date and decimal formats). Small
//! tables rather than ICU: both languages' rules fit in a page and cost the browser bundle
//! nothing worth measuring.

use time::{Date, OffsetDateTime, UtcOffset};

use super::dates::{parse_iso_date, LocalInstant};
use crate::i18n::Locale;

const MONTHS_FR: [&str; 12] = [
    "janv.", "févr.", "mars", "avr.", "mai", "juin", "juil.", "août", "sept.", "oct.", "nov.",
    "déc.",
];
const MONTHS_EN: [&str; 12] = [
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
];

/// French groups thousands with a narrow no-break space (U+202F), as browsers' `Intl` does.
const FR_GROUP: char = '\u{202f}';

/// A translated sentence with its blanks filled: each `{name}` of `template` becomes the value
/// given for `name`. Translations name their blanks so that each language may order them as it
/// needs ("{n} demandes", "{n} requests"); a blank without a value stays as written, which the
/// translation test (`server/tests/suite/translations.rs`) makes impossible for the keys we ship.
pub fn fill(template: &str, values: &[(&str, &dyn std::fmt::Display)]) -> String {
    let mut out = String::with_capacity(template.len() + 16);
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}').map(|close| (&after[..close], close)) {
            Some((name, close)) if values.iter().any(|(n, _)| *n == name) => {
                let value = values.iter().find(|(n, _)| *n == name).map(|(_, v)| v);
                if let Some(value) = value {
                    use std::fmt::Write as _;
                    let _ = write!(out, "{value}");
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// A day: `5 déc. 2026`, `5 Dec 2026`.
pub fn date(locale: Locale, day: Date) -> String {
    let month = usize::from(u8::from(day.month())) - 1;
    let name = match locale {
        Locale::fr => MONTHS_FR[month],
        Locale::en => MONTHS_EN[month],
    };
    format!("{} {name} {}", day.day(), day.year())
}

/// A day given as an ISO date (`2026-12-05`); the text itself when it is not one.
pub fn iso_date(locale: Locale, iso: &str) -> String {
    parse_iso_date(iso).map_or_else(|| iso.to_owned(), |d| date(locale, d))
}

/// A window `[start, end)` given as ISO dates, shown with its last day included:
/// `1 mars 2027 – 31 mars 2027`.
pub fn window(locale: Locale, start: &str, end_exclusive: &str) -> String {
    let last = parse_iso_date(end_exclusive)
        .and_then(|d| d.previous_day())
        .map_or_else(|| end_exclusive.to_owned(), |d| date(locale, d));
    format!("{} – {last}", iso_date(locale, start))
}

/// [`local_instant`] in the language of the words being written now (`crate::locale::current`).
pub fn shown_instant(at: &LocalInstant) -> String {
    local_instant(crate::locale::current(), at)
}

/// The UTC day of an instant (Unix seconds) in the language of the words being written now.
pub fn shown_unix_day(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .map(|t| date(crate::locale::current(), t.date()))
        .unwrap_or_default()
}

/// The day of a local instant in the language of the words being written now: `5 déc. 2026`.
pub fn shown_day(at: &LocalInstant) -> String {
    at.local()
        .map(|t| date(crate::locale::current(), t.date()))
        .unwrap_or_default()
}

/// An instant where a person is: `5 déc. 2026, 14:05 CET`, `5 Dec 2026, 14:05 CET`; empty when
/// out of range.
pub fn local_instant(locale: Locale, at: &LocalInstant) -> String {
    let Some(t) = UtcOffset::from_whole_seconds(at.offset_seconds)
        .ok()
        .and_then(|o| {
            Some(
                OffsetDateTime::from_unix_timestamp(at.unix)
                    .ok()?
                    .to_offset(o),
            )
        })
    else {
        return String::new();
    };
    format!(
        "{}, {:02}:{:02} {}",
        date(locale, t.date()),
        t.hour(),
        t.minute(),
        at.abbreviation
    )
}

/// An instant in UTC: `5 déc. 2026, 14:05 UTC`.
pub fn utc_instant(locale: Locale, unix: i64) -> String {
    local_instant(locale, &LocalInstant::utc(unix))
}

/// A whole number with its thousands grouped: `12 345`, `12,345`.
pub fn integer(locale: Locale, n: i64) -> String {
    let digits = n.unsigned_abs().to_string();
    let group = match locale {
        Locale::fr => FR_GROUP,
        Locale::en => ',',
    };
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(group);
        }
        out.push(c);
    }
    out
}

/// A number with at most `places` decimals (trailing zeros dropped): `1 234,5`, `1,234.5`.
pub fn decimal(locale: Locale, x: f64, places: usize) -> String {
    if !x.is_finite() {
        return String::new();
    }
    let text = format!("{:.*}", places, x.abs());
    let (whole, fraction) = text.split_once('.').unwrap_or((&text, ""));
    let fraction = fraction.trim_end_matches('0');
    let whole: i64 = whole.parse().unwrap_or(0);
    let negative = x < 0.0 && (whole != 0 || !fraction.is_empty());
    let mut out = integer(locale, whole);
    if negative {
        out.insert(0, '-');
    }
    if !fraction.is_empty() {
        out.push(match locale {
            Locale::fr => ',',
            Locale::en => '.',
        });
        out.push_str(fraction);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn days_are_written_as_each_language_writes_them() {
        assert_eq!(date(Locale::fr, date!(2026 - 12 - 05)), "5 déc. 2026");
        assert_eq!(date(Locale::en, date!(2026 - 12 - 05)), "5 Dec 2026");
        assert_eq!(date(Locale::fr, date!(2027 - 08 - 01)), "1 août 2027");
        assert_eq!(iso_date(Locale::en, "not a date"), "not a date");
        assert_eq!(
            window(Locale::fr, "2027-03-01", "2027-04-01"),
            "1 mars 2027 – 31 mars 2027"
        );
    }

    #[test]
    fn instants_carry_their_zone() {
        let at = LocalInstant {
            unix: 1_796_475_900, // 2026-12-05 13:05 UTC
            offset_seconds: 3600,
            abbreviation: "CET".to_owned(),
        };
        assert_eq!(local_instant(Locale::fr, &at), "5 déc. 2026, 14:05 CET");
        assert_eq!(local_instant(Locale::en, &at), "5 Dec 2026, 14:05 CET");
    }

    #[test]
    fn numbers_group_thousands_and_mark_decimals_by_language() {
        assert_eq!(decimal(Locale::fr, 1234.5, 1), "1\u{202f}234,5");
        assert_eq!(decimal(Locale::en, 1234.5, 1), "1,234.5");
        assert_eq!(integer(Locale::fr, 1_234_567), "1\u{202f}234\u{202f}567");
        assert_eq!(integer(Locale::en, -1_000), "-1,000");
        assert_eq!(integer(Locale::en, 999), "999");
        assert_eq!(decimal(Locale::en, 2.0, 2), "2");
        assert_eq!(decimal(Locale::fr, -0.25, 2), "-0,25");
        assert_eq!(decimal(Locale::fr, -0.001, 2), "0");
    }
}
