//! A person's time zone: the IANA name they chose on their account (Europe/Paris unless they
//! chose another), and the instants they are shown read in it. The zone database (bundled in the
//! server binary by `jiff`) never reaches the browser: the server sends each instant with the
//! offset in force there ([`LocalInstant`]), and `domain::dates::format_local` writes it.

use crate::domain::dates::LocalInstant;
use crate::error::AppError;
use crate::server::{error::ServiceResult, state::AppState};

/// The zone of a person who chose none.
pub const DEFAULT_ZONE: &str = "Europe/Paris";

/// A valid IANA time zone, with its name.
#[derive(Debug, Clone)]
pub struct PersonZone {
    name: String,
    zone: jiff::tz::TimeZone,
}

impl PersonZone {
    /// The zone named `name` (an IANA name such as `America/New_York`, case as listed), or the
    /// sentence saying it is not one.
    pub fn named(name: &str) -> Result<Self, String> {
        let name = name.trim();
        let canonical = zone_names().find(|n| *n == name);
        match canonical.map(|n| (n, jiff::tz::TimeZone::get(n))) {
            Some((n, Ok(zone))) => Ok(Self {
                name: n.to_owned(),
                zone,
            }),
            _ => Err(format!(
                "“{name}” is not a time zone; choose one from the list, such as Europe/Paris."
            )),
        }
    }

    /// The zone of a person who chose none.
    pub fn default_zone() -> Self {
        Self::named(DEFAULT_ZONE).unwrap_or_else(|_| Self {
            name: "UTC".to_owned(),
            zone: jiff::tz::TimeZone::UTC,
        })
    }

    /// The IANA name, as stored on the account.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The instant `unix` as this zone's clocks read it.
    pub fn at(&self, unix: i64) -> LocalInstant {
        let Ok(ts) = jiff::Timestamp::from_second(unix) else {
            return LocalInstant::utc(unix);
        };
        let info = self.zone.to_offset_info(ts);
        LocalInstant {
            unix,
            offset_seconds: info.offset().seconds(),
            abbreviation: info.abbreviation().to_owned(),
        }
    }

    /// The first second of `day` in this zone (its midnight, or the first instant after a gap).
    pub fn start_of(&self, day: time::Date) -> i64 {
        let civil = jiff::civil::date(
            i16::try_from(day.year()).unwrap_or(2000),
            i8::try_from(u8::from(day.month())).unwrap_or(1),
            i8::try_from(day.day()).unwrap_or(1),
        )
        .to_datetime(jiff::civil::Time::midnight());
        self.zone
            .to_ambiguous_timestamp(civil)
            .compatible()
            .map(|ts| ts.as_second())
            .unwrap_or_else(|_| day.midnight().assume_utc().unix_timestamp())
    }
}

/// Every zone name people may choose, sorted: the IANA zones of the form `Area/City` (and
/// `UTC`), without the legacy aliases (`US/Eastern`, `Etc/GMT+3`, …).
pub fn zone_names() -> impl Iterator<Item = &'static str> {
    static NAMES: std::sync::OnceLock<Vec<String>> = std::sync::OnceLock::new();
    NAMES
        .get_or_init(|| {
            const AREAS: [&str; 9] = [
                "Africa/",
                "America/",
                "Antarctica/",
                "Asia/",
                "Atlantic/",
                "Australia/",
                "Europe/",
                "Indian/",
                "Pacific/",
            ];
            let mut names: Vec<String> = jiff::tz::db()
                .available()
                .map(|n| n.as_str().to_owned())
                .filter(|n| n == "UTC" || AREAS.iter().any(|a| n.starts_with(a)))
                .collect();
            names.sort();
            names.dedup();
            names
        })
        .iter()
        .map(String::as_str)
}

/// The zone `user_id` chose (the default when the stored name is no longer a zone).
pub async fn of_person(state: &AppState, user_id: i64) -> ServiceResult<PersonZone> {
    let name = crate::server::account::stored_time_zone(state, user_id).await?;
    let name = name.ok_or(AppError::Unauthenticated)?;
    Ok(PersonZone::named(&name).unwrap_or_else(|_| PersonZone::default_zone()))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::format_local;

    #[test]
    fn paris_reads_winter_and_summer_time() {
        let paris = PersonZone::named("Europe/Paris").unwrap();
        // 2027-01-15 09:30 UTC, and 2027-07-15 09:30 UTC.
        assert_eq!(
            format_local(&paris.at(1_800_005_400)),
            "2027-01-15 10:30 CET"
        );
        assert_eq!(
            format_local(&paris.at(1_815_643_800)),
            "2027-07-15 11:30 CEST"
        );
    }

    #[test]
    fn the_same_instant_reads_differently_in_two_zones() {
        let (paris, montreal) = (
            PersonZone::named("Europe/Paris").unwrap(),
            PersonZone::named("America/Montreal").unwrap(),
        );
        assert_eq!(
            format_local(&paris.at(1_800_005_400)),
            "2027-01-15 10:30 CET"
        );
        assert_eq!(
            format_local(&montreal.at(1_800_005_400)),
            "2027-01-15 04:30 EST"
        );
    }

    #[test]
    fn a_day_starts_at_the_zones_midnight() {
        let paris = PersonZone::named("Europe/Paris").unwrap();
        let day = time::macros::date!(2027 - 07 - 15);
        // Midnight in Paris in summer is 22:00 UTC the day before.
        assert_eq!(paris.start_of(day), 1_815_602_400);
    }

    #[test]
    fn only_real_zone_names_are_accepted() {
        assert!(PersonZone::named("Europe/Paris").is_ok());
        assert!(PersonZone::named("UTC").is_ok());
        let e = PersonZone::named("Mars/Olympus").unwrap_err();
        assert!(e.contains("not a time zone"), "{e}");
        assert!(PersonZone::named("US/Eastern").is_err());
        assert!(zone_names().count() > 300);
    }
}
