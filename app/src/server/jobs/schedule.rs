//! When a job runs next, and how long a failing one waits before its next attempt: pure
//! arithmetic on Unix milliseconds, tested here.

/// How often a job runs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Schedule {
    /// Every so many seconds, counted from the end of the last run.
    Every { seconds: i64 },
    /// Once a day at this UTC time.
    DailyAt { hour: i64, minute: i64 },
}

const DAY_MS: i64 = 86_400_000;

impl Schedule {
    /// The first run of a job the database has never seen: at once for a periodic job, at its
    /// next time for a daily one.
    pub fn first(self, now_ms: i64) -> i64 {
        match self {
            Schedule::Every { .. } => now_ms,
            Schedule::DailyAt { .. } => self.next_after(now_ms),
        }
    }

    /// The run after one that ended at `now_ms`.
    pub fn next_after(self, now_ms: i64) -> i64 {
        match self {
            Schedule::Every { seconds } => now_ms + seconds.max(1) * 1_000,
            Schedule::DailyAt { hour, minute } => {
                let at = (hour * 60 + minute) * 60_000;
                let midnight = now_ms.div_euclid(DAY_MS) * DAY_MS;
                if midnight + at > now_ms {
                    midnight + at
                } else {
                    midnight + DAY_MS + at
                }
            }
        }
    }

    /// In words, for the admins' page.
    pub fn describe(self) -> String {
        self.describe_in(crate::i18n::Locale::en)
    }

    /// [`Schedule::describe`] in the words of `locale`.
    pub fn describe_in(self, locale: crate::i18n::Locale) -> String {
        use crate::domain::format::fill;
        use crate::i18n::td_string;
        match self {
            Schedule::Every { seconds } if seconds % 3_600 == 0 => match seconds / 3_600 {
                1 => td_string!(locale, server.schedule_every_hour).to_owned(),
                h => fill(
                    td_string!(locale, server.schedule_every_hours),
                    &[("n", &h)],
                ),
            },
            Schedule::Every { seconds } if seconds % 60 == 0 => match seconds / 60 {
                1 => td_string!(locale, server.schedule_every_minute).to_owned(),
                m => fill(
                    td_string!(locale, server.schedule_every_minutes),
                    &[("n", &m)],
                ),
            },
            Schedule::Every { seconds } => match seconds {
                1 => td_string!(locale, server.schedule_every_second).to_owned(),
                s => fill(
                    td_string!(locale, server.schedule_every_seconds),
                    &[("n", &s)],
                ),
            },
            Schedule::DailyAt { hour, minute } => fill(
                td_string!(locale, server.schedule_daily_at),
                &[("time", &format!("{hour:02}:{minute:02}"))],
            ),
        }
    }

    #[cfg(test)]
    fn describe_as_it_was(self) -> String {
        match self {
            Schedule::Every { seconds } if seconds % 3_600 == 0 => match seconds / 3_600 {
                1 => "every hour".to_owned(),
                h => format!("every {h} hours"),
            },
            Schedule::Every { seconds } if seconds % 60 == 0 => match seconds / 60 {
                1 => "every minute".to_owned(),
                m => format!("every {m} minutes"),
            },
            Schedule::Every { seconds } => match seconds {
                1 => "every second".to_owned(),
                s => format!("every {s} seconds"),
            },
            Schedule::DailyAt { hour, minute } => format!("daily at {hour:02}:{minute:02} UTC"),
        }
    }
}

/// Attempts of a job or an e-mail before it is given up (and shown to admins).
pub const MAX_ATTEMPTS: i64 = 5;

/// The wait before the next attempt after `failures` failures in a row: 30 s, 1, 2, 4, 8 min …
/// at most an hour.
pub fn backoff_ms(failures: i64) -> i64 {
    let doublings = (failures - 1).clamp(0, 20) as u32;
    (30_000_i64.saturating_mul(1_i64 << doublings)).min(3_600_000)
}

#[cfg(test)]
mod tests {
    use super::*;

    // 2026-12-05 07:30:00 UTC
    const NOW: i64 = 1_796_455_800_000;

    #[test]
    fn a_periodic_job_runs_at_once_then_after_its_interval() {
        let s = Schedule::Every { seconds: 60 };
        assert_eq!(s.first(NOW), NOW);
        assert_eq!(s.next_after(NOW), NOW + 60_000);
    }

    #[test]
    fn a_daily_job_runs_at_its_next_time_today_or_tomorrow() {
        let later_today = Schedule::DailyAt { hour: 9, minute: 0 };
        assert_eq!(later_today.next_after(NOW), NOW + 90 * 60_000);
        assert_eq!(later_today.first(NOW), NOW + 90 * 60_000);
        let passed = Schedule::DailyAt { hour: 2, minute: 0 };
        assert_eq!(passed.next_after(NOW), NOW - 330 * 60_000 + DAY_MS);
        // Exactly at its time, it was just run: the next is tomorrow.
        let at = Schedule::DailyAt {
            hour: 7,
            minute: 30,
        };
        assert_eq!(at.next_after(NOW), NOW + DAY_MS);
    }

    #[test]
    fn backoff_doubles_from_thirty_seconds_up_to_an_hour() {
        assert_eq!(backoff_ms(1), 30_000);
        assert_eq!(backoff_ms(2), 60_000);
        assert_eq!(backoff_ms(4), 240_000);
        assert_eq!(backoff_ms(9), 3_600_000);
        assert_eq!(backoff_ms(500), 3_600_000);
    }

    #[test]
    fn schedules_read_as_words() {
        for s in [
            Schedule::Every { seconds: 1 },
            Schedule::Every { seconds: 10 },
            Schedule::Every { seconds: 60 },
            Schedule::Every { seconds: 600 },
            Schedule::Every { seconds: 3_600 },
            Schedule::Every { seconds: 7_200 },
            Schedule::DailyAt { hour: 2, minute: 0 },
        ] {
            assert_eq!(s.describe(), s.describe_as_it_was());
        }
        assert_eq!(Schedule::Every { seconds: 60 }.describe(), "every minute");
        assert_eq!(
            Schedule::Every { seconds: 600 }.describe(),
            "every 10 minutes"
        );
        assert_eq!(Schedule::Every { seconds: 3_600 }.describe(), "every hour");
        assert_eq!(
            Schedule::Every { seconds: 10 }.describe(),
            "every 10 seconds"
        );
        assert_eq!(
            Schedule::DailyAt { hour: 2, minute: 0 }.describe(),
            "daily at 02:00 UTC"
        );
    }
}
