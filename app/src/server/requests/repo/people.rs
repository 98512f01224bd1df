//! The people around a request and what they are told: names, owners, platform admins, the
//! tenant's profile, the timeline, and notifications.

use sqlx::AnyConnection;

use super::corrupt;
use crate::domain::{
    country::CountryCode, lifecycle::RequestStatus, mail::MailCategory, residency::TenantProfile,
    tenancy::TenantStatus,
};
use crate::i18n::{td_string, Locale};
use crate::server::{db::now_unix, time_zone::PersonZone};
use crate::wire::requests::{NotificationItem, TimelineEntry};

/// The tenant's name and country (as the residency rules read them), and its status.
pub async fn tenant_profile(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<(TenantProfile, TenantStatus), sqlx::Error> {
    let (name, country, status): (String, String, String) =
        sqlx::query_as("SELECT name, country, status FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_one(&mut *conn)
            .await?;
    let corrupt = |column: &str, e: String| {
        tracing::error!(tenant_id, column, error = %e, "a stored tenant does not decode");
        sqlx::Error::Decode(format!("tenant {tenant_id}: {column}: {e}").into())
    };
    let country = CountryCode::parse(&country).map_err(|e| corrupt("country", e.to_string()))?;
    let status = TenantStatus::parse(&status).map_err(|e| corrupt("status", e))?;
    Ok((TenantProfile { name, country }, status))
}

/// Every platform admin: (user id, e-mail).
pub async fn platform_admins(conn: &mut AnyConnection) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, email FROM users WHERE platform_admin = 1 ORDER BY id")
        .fetch_all(conn)
        .await
}

/// The timeline of a request, oldest first, each step with Guichet's own words when it wrote it
/// (`StepWords` as stored, JSON).
pub async fn timeline(
    conn: &mut AnyConnection,
    tenant_id: i64,
    request_id: i64,
    zone: &PersonZone,
) -> Result<Vec<(TimelineEntry, Option<String>)>, sqlx::Error> {
    type Row = (i64, String, Option<String>, String, String, Option<String>);
    let rows: Vec<Row> = sqlx::query_as(
        "SELECT at, actor_name, from_status, to_status, note, words FROM request_events \
         WHERE tenant_id = $1 AND request_id = $2 ORDER BY id",
    )
    .bind(tenant_id)
    .bind(request_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(at, actor_name, from, to, note, words)| {
            let entry = TimelineEntry {
                at: zone.at(at),
                actor_name,
                from_status: from
                    .as_deref()
                    .map(RequestStatus::parse)
                    .transpose()
                    .map_err(|e| corrupt(request_id, "event status", e))?,
                to_status: RequestStatus::parse(&to)
                    .map_err(|e| corrupt(request_id, "event status", e))?,
                note,
                headline: None,
            };
            Ok((entry, words))
        })
        .collect()
}

/// Appends a timeline step.
#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    conn: &mut AnyConnection,
    request_id: i64,
    tenant_id: i64,
    actor_user_id: i64,
    actor_name: &str,
    from: Option<RequestStatus>,
    to: RequestStatus,
    note: &str,
    words: Option<&str>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO request_events (request_id, tenant_id, at, actor_user_id, actor_name, from_status, to_status, note, words) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
    )
    .bind(request_id)
    .bind(tenant_id)
    .bind(now_unix())
    .bind(actor_user_id)
    .bind(actor_name)
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(note)
    .bind(words)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's display name and e-mail.
pub async fn user_name(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<(String, String), sqlx::Error> {
    sqlx::query_as("SELECT name, email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

/// The owners of a tenant: (user id, e-mail).
pub async fn owners(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 AND m.role = 'owner' ORDER BY u.id",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await
}

/// The lead of a project, if it has one: id and e-mail.
pub async fn project_lead(
    conn: &mut AnyConnection,
    tenant_id: i64,
    project_id: i64,
) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email FROM project_members pm JOIN users u ON u.id = pm.user_id \
         WHERE pm.tenant_id = $1 AND pm.project_id = $2 AND pm.role = 'lead'",
    )
    .bind(tenant_id)
    .bind(project_id)
    .fetch_optional(conn)
    .await
}

/// A notice's words in a given language: each person reads it in their own (see [`language`]).
pub type Words<'a> = &'a (dyn Fn(Locale) -> String + Send + Sync);

/// An in-app notification, also queued for e-mail in `category` as the person chose.
pub async fn notify(
    conn: &mut AnyConnection,
    user_id: i64,
    email: &str,
    tenant_id: i64,
    request_id: i64,
    category: MailCategory,
    text: Words<'_>,
) -> Result<(), sqlx::Error> {
    // Written in the person's language, for the portal and the e-mail alike.
    let locale = language(conn, user_id).await?;
    sqlx::query(
        "INSERT INTO notifications (user_id, tenant_id, request_id, text, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(tenant_id)
    .bind(request_id)
    .bind(text(locale))
    .bind(now_unix())
    .execute(&mut *conn)
    .await?;
    let subject = crate::domain::format::fill(
        match category {
            MailCategory::Quotas => td_string!(locale, mail.subject_quota),
            _ => td_string!(locale, mail.subject_quota_request),
        },
        &[("id", &request_id)],
    );
    crate::server::outbox::queue_notice(conn, user_id, email, category, &subject, &text(locale))
        .await
}

/// The language to write to person `user_id` in: the one they chose for their pages and
/// e-mails, else the one they last signed in with, else French.
pub async fn language(conn: &mut AnyConnection, user_id: i64) -> Result<Locale, sqlx::Error> {
    let code: Option<String> = sqlx::query_scalar(&format!(
        "SELECT {} FROM users u WHERE u.id = $1",
        crate::server::identity::repo::WRITING_LANGUAGE
    ))
    .bind(user_id)
    .fetch_optional(&mut *conn)
    .await?
    .flatten();
    Ok(code
        .as_deref()
        .and_then(crate::ui::language::parse_language)
        .unwrap_or_default())
}

/// Notifies each of `recipients` once (the list may name a person twice), never `except` (the
/// person who acted; 0 when nobody did), about request `request_id` of `tenant_id`.
pub async fn notify_each(
    conn: &mut AnyConnection,
    mut recipients: Vec<(i64, String)>,
    except: i64,
    tenant_id: i64,
    request_id: i64,
    category: MailCategory,
    text: Words<'_>,
) -> Result<(), sqlx::Error> {
    recipients.sort();
    recipients.dedup_by_key(|(id, _)| *id);
    for (user_id, email) in recipients {
        if user_id != except {
            notify(conn, user_id, &email, tenant_id, request_id, category, text).await?;
        }
    }
    Ok(())
}

/// Only the viewer's own notifications: `user_id` = $1, and a tenant's (`$2`) when someone acts
/// in one (also any without a tenant, though on PostgreSQL those are platform rows that
/// row-level security hides from a tenant scope; [`notify`] always names a tenant); all of a
/// platform admin's (`$2` NULL); for a tenant member (`$3`, else 0), only those of requests of
/// their projects (or of no request).
const NOTIFICATION_SCOPE: &str =
    "user_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR tenant_id IS NULL OR tenant_id = $2) \
     AND (CAST($3 AS BIGINT) = 0 OR request_id IS NULL OR request_id IN (SELECT r.id FROM quota_requests r \
       WHERE r.project_id IN (SELECT pm.project_id FROM project_members pm WHERE pm.user_id = $3)))";

/// id, request id, text, created at, read at.
type NotificationRow = (i64, Option<i64>, String, i64, Option<i64>);

/// The person's notifications in `tenant_id` (all of them for `None`), newest first: at most
/// `limit` from `offset`.
pub async fn list_notifications(
    conn: &mut AnyConnection,
    user_id: i64,
    tenant_id: Option<i64>,
    member_user: i64,
    limit: i64,
    offset: i64,
    zone: &PersonZone,
) -> Result<Vec<NotificationItem>, sqlx::Error> {
    let rows: Vec<NotificationRow> = sqlx::query_as(&format!(
        "SELECT id, request_id, text, created_at, read_at FROM notifications \
         WHERE {NOTIFICATION_SCOPE} ORDER BY id DESC LIMIT {} OFFSET {}",
        limit.max(0),
        offset.max(0)
    ))
    .bind(user_id)
    .bind(tenant_id)
    .bind(member_user)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, request_id, text, created_at, read_at)| NotificationItem {
                id,
                request_id,
                text,
                created_at: zone.at(created_at),
                read: read_at.is_some(),
            },
        )
        .collect())
}

/// How many of the person's notifications are unread: one query on the `notifications_user` index.
pub async fn count_unread_notifications(
    conn: &mut AnyConnection,
    user_id: i64,
    tenant_id: Option<i64>,
    member_user: i64,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM notifications WHERE {NOTIFICATION_SCOPE} AND read_at IS NULL"
    ))
    .bind(user_id)
    .bind(tenant_id)
    .bind(member_user)
    .fetch_one(conn)
    .await?;
    Ok(n)
}

/// Marks the person's unread notifications (in the same scope as the list) as read.
pub async fn mark_notifications_read(
    conn: &mut AnyConnection,
    user_id: i64,
    tenant_id: Option<i64>,
    member_user: i64,
) -> Result<u64, sqlx::Error> {
    let done = sqlx::query(&format!(
        "UPDATE notifications SET read_at = $3 WHERE {NOTIFICATION_SCOPE} AND read_at IS NULL"
    ))
    .bind(user_id)
    .bind(tenant_id)
    .bind(member_user)
    .bind(now_unix())
    .execute(conn)
    .await?;
    Ok(done.rows_affected())
}
