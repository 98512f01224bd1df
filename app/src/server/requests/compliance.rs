//! Compliance re-check: after a catalogue or policy change, approved quotas that have not ended
//! and pending requests are evaluated again, and those the rules no longer allow are flagged.

use std::collections::HashMap;

use serde_json::json;
use sqlx::AnyConnection;

use super::repo::{self, RequestRow};
use super::service::today;
use crate::domain::residency::{self, Classification, PlacementRequest, TenantProfile, Window};
use crate::server::{
    audit::{self, AuditEvent},
    catalogue::load_catalogue,
    db::now_unix,
};

/// The rules a request fails under the current catalogue and policy, as "H1 …; G4 …"; a
/// sentence when its site left the catalogue; `None` when it complies.
fn reasons(
    row: &RequestRow,
    tenant: &TenantProfile,
    catalogue: &crate::domain::catalogue::CatalogueSnapshot,
) -> Result<Option<String>, sqlx::Error> {
    let Some(site) = catalogue.sites.iter().find(|s| s.id == row.site_id) else {
        return Ok(Some("The site is no longer in the catalogue.".to_owned()));
    };
    let classification = Classification::parse(&row.classification)
        .map_err(|e| sqlx::Error::Decode(format!("quota request: {e}").into()))?;
    let (start, end) = match (&row.approved_start, &row.approved_end) {
        (Some(s), Some(e)) => (repo::parse_date(s)?, repo::parse_date(e)?),
        _ => (row.start()?, row.end()?),
    };
    let Ok(window) = Window::new(start, end) else {
        return Ok(None);
    };
    let request = PlacementRequest {
        classification,
        window,
        confidential_waiver: row.confidential_waiver == 1,
        operator_administers_systems: false,
        operator_backs_up: false,
    };
    let evaluation = residency::evaluate(
        &request,
        tenant,
        &site.profile,
        &catalogue.policy,
        catalogue.revision,
    );
    if evaluation.eligible {
        return Ok(None);
    }
    let text: Vec<String> = evaluation
        .failures()
        .map(|f| format!("{} {}", f.rule.as_str(), f.reason))
        .collect();
    Ok(Some(text.join("; ")))
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
    let today = today().to_string();
    let rows: Vec<RequestRow> = sqlx::query_as(&format!(
        "{} WHERE (r.status IN ('approved', 'partially_approved') AND r.approved_end > $1) \
         OR r.status IN ('submitted', 'endorsed') ORDER BY r.id",
        repo::SELECT
    ))
    .bind(&today)
    .fetch_all(&mut *conn)
    .await?;
    let tenants: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT id, name, country FROM tenants")
            .fetch_all(&mut *conn)
            .await?;
    let tenants: HashMap<i64, TenantProfile> = tenants
        .into_iter()
        .filter_map(|(id, name, country)| {
            crate::domain::country::CountryCode::parse(&country)
                .ok()
                .map(|country| (id, TenantProfile { name, country }))
        })
        .collect();
    let actor_email = match actor_user_id {
        Some(id) => Some(repo::user_name(conn, id).await?.1),
        None => None,
    };
    let mut admins: Option<Vec<(i64, String)>> = None;
    let mut changed = 0_u64;
    for row in &rows {
        let Some(tenant) = tenants.get(&row.tenant_id) else {
            continue;
        };
        let flag = reasons(row, tenant, &catalogue)?;
        if flag == row.compliance_flag {
            continue;
        }
        sqlx::query(
            "UPDATE quota_requests SET compliance_flag = $1, updated_at = $2 WHERE id = $3",
        )
        .bind(flag.clone())
        .bind(now_unix())
        .bind(row.id)
        .execute(&mut *conn)
        .await?;
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
        let text = format!(
            "Request #{} “{}” ({} {} at {}) no longer complies with the residency rules: {reason}",
            row.id, row.project_title, row.gpus, row.gpu_model, row.site_name
        );
        if admins.is_none() {
            admins = Some(
                sqlx::query_as("SELECT id, email FROM users WHERE platform_admin = 1 ORDER BY id")
                    .fetch_all(&mut *conn)
                    .await?,
            );
        }
        let mut recipients = repo::owners(conn, row.tenant_id).await?;
        recipients.extend(admins.clone().unwrap_or_default());
        recipients.sort();
        recipients.dedup_by_key(|(id, _)| *id);
        for (user_id, email) in recipients {
            repo::notify(conn, user_id, &email, row.tenant_id, row.id, &text).await?;
        }
    }
    Ok(changed)
}
