//! What every transition writes besides the request row: its timeline step, its audit event
//! and the notifications of the people concerned; and the life cycle's verdict on a transition.

use serde_json::json;
use sqlx::AnyConnection;

use super::{
    conflict,
    repo::{self, RequestRow, Words},
};
use crate::domain::format::fill;
use crate::domain::lifecycle::{self, Action, RequestStatus};
use crate::domain::mail::MailCategory;
use crate::domain::step_words::StepWords;
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::server::{
    audit::{self, AuditEvent},
    auth::actor::TenantActor,
    error::ServiceResult,
};

/// The life cycle's view of `actor` on `row`: their tenant role, whether they made it, their
/// role in its project and who the tenant lets endorse.
pub(super) fn tenant_actor(actor: &TenantActor, row: &RequestRow) -> lifecycle::Actor {
    lifecycle::Actor::new(
        Some(actor.role().lifecycle_role()),
        false,
        row.requester_user_id == actor.user_id(),
    )
    .in_project(actor.project_role(row.project_id))
    .with_endorsement(row.endorsement)
}

pub(super) fn next(
    current: RequestStatus,
    action: Action,
    actor: &lifecycle::Actor,
) -> ServiceResult<RequestStatus> {
    lifecycle::next_status(current, action, actor).map_err(|e| match e.kind {
        lifecycle::TransitionErrorKind::NotPermitted => {
            tracing::info!(reason = %e.message, "transition not permitted");
            AppError::Forbidden.into()
        }
        lifecycle::TransitionErrorKind::WrongStatus => conflict(e.message),
    })
}

/// The end of a compare-and-set ([`repo::Move`]): nothing when it wrote its row; otherwise the
/// request moved on meanwhile, and the caller gets a conflict naming the state it lost to (the
/// transaction is then dropped, so it rolls back: no timeline step, audit event or notification).
pub(super) async fn ensure_moved(
    conn: &mut AnyConnection,
    id: i64,
    written: bool,
) -> ServiceResult<()> {
    if written {
        return Ok(());
    }
    let now = repo::status_now(conn, id)
        .await?
        .ok_or(AppError::NotFound)?;
    tracing::info!(
        request_id = id,
        now = now.as_str(),
        "transition lost a race"
    );
    Err(conflict(lifecycle::lost_race_message(now)))
}

/// Who else hears about a transition.
pub(super) enum Audience {
    Requester,
    RequesterAndOwners,
}

/// Everything one transition writes besides the request row: timeline, audit, notifications.
pub(super) struct Record<'a> {
    pub(super) row: &'a RequestRow,
    pub(super) action: Action,
    pub(super) from: Option<RequestStatus>,
    pub(super) to: RequestStatus,
    pub(super) actor_user_id: i64,
    pub(super) actor_email: &'a str,
    pub(super) note: &'a str,
    /// Guichet's own words for the step, read in each reader's language (`note` is then unused).
    pub(super) words: Option<StepWords>,
    pub(super) client_ip: Option<&'a str>,
    pub(super) detail: serde_json::Value,
    pub(super) audience: Audience,
}

pub(super) async fn record(conn: &mut AnyConnection, r: Record<'_>) -> ServiceResult<()> {
    let (actor_name, _) = repo::user_name(conn, r.actor_user_id).await?;
    // Guichet's own words are kept in English in `note` (the API's, the audit's) and as a message.
    let english = r.words.as_ref().map(|w| w.in_language(Locale::en));
    let note = english.as_deref().unwrap_or(r.note);
    repo::add_event(
        conn,
        r.row.id,
        r.row.tenant_id,
        r.actor_user_id,
        &actor_name,
        r.from,
        r.to,
        note,
        r.words.as_ref().map(StepWords::to_json).as_deref(),
    )
    .await?;
    let mut detail = json!({
        "request_id": r.row.id,
        "before": r.from.map(|s| s.as_str()),
        "after": r.to.as_str(),
        "note": note,
    });
    if let (Some(target), Some(extra)) = (detail.as_object_mut(), r.detail.as_object()) {
        for (k, v) in extra {
            target.insert(k.clone(), v.clone());
        }
    }
    let event = format!("request.{}", r.action.as_str());
    audit::append(
        conn,
        &AuditEvent::new(&event)
            .actor(r.actor_user_id, r.actor_email)
            .tenant(r.row.tenant_id)
            .ip(r.client_ip)
            .detail(detail),
    )
    .await?;

    if r.action == Action::SaveDraft {
        return Ok(());
    }
    let (row, to, words) = (r.row, r.to, r.words.as_ref());
    let text = move |locale: Locale| {
        let note = words.map_or_else(|| r.note.trim().to_owned(), |w| w.in_language(locale));
        let note = if note.is_empty() {
            String::new()
        } else {
            fill(
                td_string!(locale, mail.notice_decision_note),
                &[("note", &note)],
            )
        };
        about_request(
            td_string!(locale, mail.notice_decision),
            row,
            row.gpus,
            &[
                ("status", &to.label_in(locale).to_lowercase()),
                ("actor", &actor_name),
                ("note", &note),
            ],
        )
    };
    notify_people(
        conn,
        r.row,
        r.actor_user_id,
        &r.audience,
        MailCategory::Requests,
        &text,
    )
    .await
}

/// `template` filled with request `row`'s number, project, `gpus`, GPU model and site, and with
/// `more`: the start of every notice about a request or quota.
pub(crate) fn about_request(
    template: &str,
    row: &RequestRow,
    gpus: i64,
    more: &[(&str, &dyn std::fmt::Display)],
) -> String {
    let mut values: Vec<(&str, &dyn std::fmt::Display)> = vec![
        ("id", &row.id),
        ("title", &row.project_title),
        ("gpus", &gpus),
        ("model", &row.gpu_model),
        ("site", &row.site_name),
    ];
    values.extend_from_slice(more);
    fill(template, &values)
}

/// Tells the people of `audience` about request `row` (never the one who acted): its requester,
/// and for [`Audience::RequesterAndOwners`] the tenant's owners and the project's lead.
pub(super) async fn notify_people(
    conn: &mut AnyConnection,
    row: &RequestRow,
    actor_user_id: i64,
    audience: &Audience,
    category: MailCategory,
    text: Words<'_>,
) -> ServiceResult<()> {
    let mut recipients: Vec<(i64, String)> = Vec::new();
    let (_, requester_email) = repo::user_name(conn, row.requester_user_id).await?;
    recipients.push((row.requester_user_id, requester_email));
    if matches!(audience, Audience::RequesterAndOwners) {
        recipients.extend(repo::owners(conn, row.tenant_id).await?);
        // The project's lead follows its requests (and endorses them where the tenant lets leads).
        recipients.extend(repo::project_lead(conn, row.tenant_id, row.project_id).await?);
    }
    repo::notify_each(
        conn,
        recipients,
        actor_user_id,
        row.tenant_id,
        row.id,
        category,
        text,
    )
    .await?;
    Ok(())
}

/// A quota's tenant, status (as stored) and grant: (GPUs, model, site).
pub async fn quota_summary(
    conn: &mut AnyConnection,
    id: i64,
) -> ServiceResult<(i64, String, (i64, String, String))> {
    let row = repo::find_any(conn, id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let gpus = row.approved_gpus.unwrap_or(row.gpus);
    Ok((
        row.tenant_id,
        row.status.as_str().to_owned(),
        (gpus, row.gpu_model, row.site_name),
    ))
}

/// Tells the people of quota `id` (its requester, the tenant's owners and the project's lead),
/// or with `admins` the platform admins, that it `what` (“has expired”, “has used 80 % …”): in
/// the app and by e-mail.
pub async fn tell_about_quota(
    conn: &mut AnyConnection,
    id: i64,
    what: Words<'_>,
    admins: bool,
) -> ServiceResult<()> {
    let row = repo::find_any(conn, id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let gpus = row.approved_gpus.unwrap_or(row.gpus);
    let text = |locale: Locale| {
        about_request(
            td_string!(locale, mail.notice_quota),
            &row,
            gpus,
            &[("what", &what(locale))],
        )
    };
    if admins {
        let admins = repo::platform_admins(conn).await?;
        repo::notify_each(
            conn,
            admins,
            0,
            row.tenant_id,
            row.id,
            MailCategory::Quotas,
            &text,
        )
        .await?;
        return Ok(());
    }
    // No person acted: nobody is left out.
    notify_people(
        conn,
        &row,
        0,
        &Audience::RequesterAndOwners,
        MailCategory::Quotas,
        &text,
    )
    .await
}
