//! Compliance re-check: after a catalogue or policy change, approved quotas that have not ended
//! and pending requests are evaluated again, and those the rules no longer allow are flagged.

use serde_json::json;
use sqlx::AnyConnection;

use super::{
    placement::{evaluate_at, failed_rules_text, stored_placement},
    repo::{self, RequestRow},
    today,
};
use crate::domain::catalogue::CatalogueSnapshot;
use crate::i18n::{td_string, Locale};
use crate::server::{
    audit::{self, AuditEvent},
    catalogue::load_catalogue,
};

/// The rules a request fails under the current catalogue and policy, as "H1 …; G4 …", over its
/// granted window (or the one asked for, while pending); a sentence when its site left the
/// catalogue; `None` when it complies.
fn reasons(row: &RequestRow, catalogue: &CatalogueSnapshot) -> Result<Option<String>, sqlx::Error> {
    let Some(site) = catalogue.sites.iter().find(|s| s.id == row.site_id) else {
        return Ok(Some("The site is no longer in the catalogue.".to_owned()));
    };
    let (start, end) = match (row.approved_start, row.approved_end) {
        (Some(start), Some(end)) => (start, end),
        _ => (row.start, row.end),
    };
    let (request, tenant) = stored_placement(row, start, end)?;
    let evaluation = evaluate_at(catalogue, site, &request, tenant);
    if evaluation.eligible {
        return Ok(None);
    }
    Ok(Some(failed_rules_text(&evaluation)))
}

/// Re-evaluates every approved or partially approved request that has not ended and every
/// submitted or endorsed one against the current catalogue and policy (`load_catalogue` and the
/// residency evaluator), and sets its `compliance_flag` to the failed rules with their reasons, or
/// clears it when it complies again. Each change is audited (`request.compliance_flag`, actor
/// `actor_user_id`, or the system when `None`); newly flagged requests are notified to the
/// tenant's owners and to every platform admin. Returns how many flags changed.
///
/// The catalogue admin service calls this inside its own write transaction after every catalogue
/// or policy change (a certificate removed or expiring, a shareholder change, a list change), so
/// that the flags always match the catalogue of that moment.
pub async fn flag_noncompliant_requests(
    conn: &mut AnyConnection,
    actor_user_id: Option<i64>,
) -> Result<u64, sqlx::Error> {
    let catalogue = load_catalogue(conn).await?;
    let rows = repo::requests_to_recheck(conn, today()).await?;
    let actor_email = match actor_user_id {
        Some(id) => Some(repo::user_name(conn, id).await?.1),
        None => None,
    };
    let mut admins: Option<Vec<(i64, String)>> = None;
    let mut changed = 0_u64;
    for row in &rows {
        let flag = reasons(row, &catalogue)?;
        if flag == row.compliance_flag {
            continue;
        }
        repo::set_compliance_flag(conn, row.id, flag.as_deref()).await?;
        changed += 1;
        let mut event = AuditEvent::new("request.compliance_flag")
            .tenant(row.tenant_id)
            .detail(json!({
                "request_id": row.id,
                "before": row.compliance_flag,
                "after": flag,
                "policy_version": catalogue.policy.version,
                "catalogue_revision": catalogue.revision,
            }));
        if let (Some(id), Some(email)) = (actor_user_id, actor_email.as_deref()) {
            event = event.actor(id, email);
        }
        audit::append(conn, &event).await?;
        let Some(reason) = flag else {
            continue;
        };
        let text = |locale: Locale| {
            super::timeline::about_request(
                td_string!(locale, mail.notice_no_longer_complies),
                row,
                row.gpus,
                &[("reason", &reason)],
            )
        };
        if admins.is_none() {
            admins = Some(repo::platform_admins(conn).await?);
        }
        let mut recipients = repo::owners(conn, row.tenant_id).await?;
        recipients.extend(admins.clone().unwrap_or_default());
        repo::notify_each(
            conn,
            recipients,
            0,
            row.tenant_id,
            row.id,
            crate::domain::mail::MailCategory::Compliance,
            &text,
        )
        .await?;
    }
    Ok(changed)
}
