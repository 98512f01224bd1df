//! What a quota's use tells people, once: each threshold level crossed (to its requester, the
//! tenant's owners and the project's lead, in the app and by e-mail) and idleness (to platform
//! admins). Run in the transaction that changed the use (or by the clock), a notice is a row
//! whose primary key is (quota, kind, level): two agents posting at once insert it once, and the
//! one whose insert lands tells people.

use super::repo;
use crate::domain::dates::parse_iso_date;
use crate::domain::format::fill;
use crate::domain::usage::{
    budget_gpu_seconds, day_start, is_idle, levels_reached, parse_thresholds, DEFAULT_THRESHOLDS,
    IDLE_BELOW_PERCENT,
};
use crate::i18n::{td_string, Locale};
use crate::server::{error::ServiceResult, requests};

/// GPU-hours with one decimal, as `locale` writes it in a sentence: "1 234,5", "1,234.5", "0".
pub fn hours_in(locale: Locale, gpu_seconds: i64) -> String {
    let tenths = (gpu_seconds + 180) / 360;
    crate::domain::format::decimal(locale, tenths as f64 / 10.0, 1)
}

/// Tells what quota `id`'s use now warrants and was not told yet; `now` in Unix seconds.
pub async fn check(
    conn: &mut sqlx::AnyConnection,
    id: i64,
    tenant_id: i64,
    now: i64,
) -> ServiceResult<()> {
    let Some((gpus, start, end, budget_hours, used, levels)) = repo::quota_use(conn, id).await?
    else {
        return Ok(());
    };
    let (Some(start), Some(end)) = (parse_iso_date(&start), parse_iso_date(&end)) else {
        return Ok(());
    };
    let budget = budget_gpu_seconds(gpus, start, end, budget_hours);
    let levels = parse_thresholds(&levels).unwrap_or_else(|_| DEFAULT_THRESHOLDS.to_vec());
    for level in levels_reached(&levels, used, budget) {
        if repo::insert_notice(conn, id, tenant_id, "threshold", i64::from(level), now).await? {
            let text = |locale: Locale| {
                fill(
                    td_string!(locale, mail.notice_quota_threshold),
                    &[
                        ("level", &level),
                        ("used", &hours_in(locale, used)),
                        ("budget", &hours_in(locale, budget)),
                    ],
                )
            };
            requests::tell_about_quota(conn, id, &text, false).await?;
        }
    }
    if is_idle(used, budget, day_start(start), day_start(end), now)
        && repo::insert_notice(conn, id, tenant_id, "idle", 0, now).await?
    {
        let text = |locale: Locale| {
            fill(
                td_string!(locale, mail.notice_quota_idle),
                &[
                    ("used", &hours_in(locale, used)),
                    ("budget", &hours_in(locale, budget)),
                    ("below", &IDLE_BELOW_PERCENT),
                ],
            )
        };
        requests::tell_about_quota(conn, id, &text, true).await?;
    }
    Ok(())
}
