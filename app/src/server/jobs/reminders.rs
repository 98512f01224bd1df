//! Reminders the clock sends once: to a quota's people 30, 7 and 1 days before it ends, and to
//! the platform admins 60 and 30 days before a site's certificate lapses (a lapsing
//! certificate changes what the residency rules allow there). Each is recorded under a primary
//! key before it is told, so with several instances or a rerun it is told once; when several
//! are due at once (a quota approved 5 days before its end) only the nearest is sent.

use time::Date;

use super::repo;
use crate::domain::{
    dates::{iso_date, parse_iso_date},
    format::{self, fill},
    mail::MailCategory,
};
use crate::i18n::{td_string, Locale};
use crate::server::{
    db::now_unix, error::ServiceResult, outbox, requests, requests::repo as requests_repo,
    state::AppState,
};

/// Days before a quota's end when its people are reminded.
pub const QUOTA_REMINDER_DAYS: [i64; 3] = [30, 7, 1];
/// Days before a certificate lapses when the platform admins are warned.
pub const CERTIFICATE_WARNING_DAYS: [i64; 2] = [60, 30];

/// The nearest of `thresholds` that `days_left` has reached, if any.
pub fn nearest_due(days_left: i64, thresholds: &[i64]) -> Option<i64> {
    thresholds.iter().copied().filter(|&d| days_left <= d).min()
}

fn days_between(from: Date, to: Date) -> i64 {
    (to - from).whole_days()
}

/// "1 day", "3 days", "3 jours".
fn days_in(locale: Locale, n: i64) -> String {
    let template = if n == 1 {
        td_string!(locale, mail.notice_days_singular)
    } else {
        td_string!(locale, mail.notice_days_plural)
    };
    fill(template, &[("n", &n)])
}

/// Reminds each quota's people as its end comes near; returns how many reminders were sent.
pub async fn remind_quota_ends(state: &AppState, today: Date) -> ServiceResult<u64> {
    let now = now_unix();
    let mut sent = 0;
    // Platform scope: every tenant's quotas.
    let mut tx = state.db.platform_write_tx().await?;
    for (id, tenant_id, end) in repo::quotas_ending(&mut tx, &iso_date(today)).await? {
        let Some(end) = parse_iso_date(&end) else {
            continue;
        };
        let Some(due) = nearest_due(days_between(today, end), &QUOTA_REMINDER_DAYS) else {
            continue;
        };
        if !repo::claim_quota_reminder(&mut tx, id, tenant_id, due, now).await? {
            continue;
        }
        let last_day = end.previous_day().unwrap_or(end);
        let days = days_between(today, end);
        let what = |locale: Locale| {
            let days = days_in(locale, days);
            fill(
                td_string!(locale, mail.notice_quota_ends),
                &[("days", &days), ("last", &format::date(locale, last_day))],
            )
        };
        requests::tell_about_quota(&mut tx, id, &what, false).await?;
        sent += 1;
    }
    tx.commit().await?;
    Ok(sent)
}

/// Warns the platform admins of certificates that lapse soon; returns how many warnings were
/// sent.
pub async fn warn_certificates(state: &AppState, today: Date) -> ServiceResult<u64> {
    let now = now_unix();
    let mut sent = 0;
    let mut tx = state.db.platform_write_tx().await?;
    let mut admins = None;
    for c in repo::certificates_valid_on(&mut tx, &iso_date(today)).await? {
        let Some(until) = parse_iso_date(&c.valid_until) else {
            continue;
        };
        let left = days_between(today, until);
        let Some(due) = nearest_due(left, &CERTIFICATE_WARNING_DAYS) else {
            continue;
        };
        if !repo::claim_certificate_warning(&mut tx, c.id, &c.valid_until, due, now).await? {
            continue;
        }
        if admins.is_none() {
            admins = Some(requests_repo::platform_admins(&mut tx).await?);
        }
        for (user_id, email) in admins.iter().flatten() {
            // Each admin reads it in their own language.
            let locale = requests_repo::language(&mut tx, *user_id).await?;
            let text = fill(
                td_string!(locale, mail.notice_certificate_lapses),
                &[
                    ("kind", &certification_label(&c.kind)),
                    ("certificate", &c.certificate_id),
                    ("site", &c.site_name),
                    ("days", &days_in(locale, left)),
                    ("until", &format::iso_date(locale, &c.valid_until)),
                ],
            );
            let subject = fill(
                td_string!(locale, mail.subject_certificate_lapses),
                &[("site", &c.site_name)],
            );
            repo::notify_admin(&mut tx, *user_id, &text, now).await?;
            outbox::queue_notice(
                &mut tx,
                *user_id,
                email,
                MailCategory::Compliance,
                &subject,
                &text,
            )
            .await?;
        }
        sent += 1;
    }
    tx.commit().await?;
    Ok(sent)
}

fn certification_label(kind: &str) -> &str {
    match kind {
        "iso27001" => "ISO/IEC 27001",
        "hds" => "HDS",
        "secnumcloud" => "SecNumCloud",
        "eucs" => "EUCS",
        other => other,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_the_nearest_reached_reminder_is_due() {
        assert_eq!(nearest_due(45, &QUOTA_REMINDER_DAYS), None);
        assert_eq!(nearest_due(30, &QUOTA_REMINDER_DAYS), Some(30));
        assert_eq!(nearest_due(8, &QUOTA_REMINDER_DAYS), Some(30));
        assert_eq!(nearest_due(5, &QUOTA_REMINDER_DAYS), Some(7));
        assert_eq!(nearest_due(1, &QUOTA_REMINDER_DAYS), Some(1));
        assert_eq!(nearest_due(61, &CERTIFICATE_WARNING_DAYS), None);
        assert_eq!(nearest_due(59, &CERTIFICATE_WARNING_DAYS), Some(60));
        assert_eq!(nearest_due(3, &CERTIFICATE_WARNING_DAYS), Some(30));
    }
}
