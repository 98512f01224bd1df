//! A request's review conversation (issue 12, point 2): comments and PDF attachments exchanged
//! by the requester, the project's lead and members, the tenant's owners and platform admins.
//!
//! Who sees it is who sees the request: every service loads the request through
//! [`Viewer::visible_request`] (the request services' one check, project filter included) before
//! touching a comment or a file. Who writes: platform admins, and in the tenant
//! [`may_take_part`] (owners, the project's lead and members, the requester; not viewers or
//! auditors). Each write is audited in its transaction and tells the others concerned.

pub mod files;
pub mod repo;

use serde_json::json;
use sqlx::AnyConnection;

use crate::domain::format::fill;
use crate::domain::{
    lifecycle::RequestStatus,
    review::{
        ago_in_words, may_take_part, size_in_words, size_in_words_in, AttachmentKind, CommentBody,
        FileName,
    },
};
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::server::{
    audit::{self, AuditEvent},
    db::now_unix,
    error::ServiceResult,
    requests::{repo as requests_repo, repo::RequestRow, Viewer},
    state::AppState,
};
use crate::wire::review::{AttachmentItem, CommentItem, ReviewThread};

/// Whether `viewer` may write in the conversation of `row` (which they see).
fn may_post(viewer: &Viewer, row: &RequestRow) -> bool {
    match viewer {
        Viewer::Admin(_) => true,
        Viewer::Tenant(t) => may_take_part(
            t.rights_in(row.project_id, None),
            row.requester_user_id == t.user_id(),
        ),
    }
}

/// `Forbidden` unless `viewer` may write in the conversation of `row`.
fn ensure_may_post(viewer: &Viewer, row: &RequestRow) -> ServiceResult<()> {
    if may_post(viewer, row) {
        Ok(())
    } else {
        tracing::info!(request_id = row.id, "read-only in this conversation");
        Err(AppError::Forbidden.into())
    }
}

/// The conversation of request `request_id`: comments oldest first, attachments, and whether
/// the viewer may write.
pub async fn thread(
    state: &AppState,
    viewer: &Viewer,
    request_id: i64,
) -> ServiceResult<ReviewThread> {
    let zone = crate::server::time_zone::of_person(state, viewer.user_id()).await?;
    let mut tx = viewer.tx(state, false).await?;
    let row = viewer.visible_request(&mut tx, request_id).await?;
    let comments = repo::comments(&mut tx, row.tenant_id, row.id).await?;
    let attachments = repo::attachments(&mut tx, row.tenant_id, row.id).await?;
    tx.commit().await?;
    let now = now_unix();
    // The exact time, in the reader's zone (the list shows "2 hours ago" beside it).
    let exact = |unix: i64| crate::domain::dates::format_local(&zone.at(unix));
    Ok(ReviewThread {
        request_id: row.id,
        may_post: may_post(viewer, &row),
        comments: comments
            .into_iter()
            .map(|c| CommentItem {
                id: c.id,
                author_name: c.author_name,
                by_reviewer: c.by_platform_admin,
                body: c.body,
                when: ago_in_words(c.created_at, now),
                at: exact(c.created_at),
            })
            .collect(),
        attachments: attachments
            .into_iter()
            .map(|a| AttachmentItem {
                id: a.id,
                file_name: a.file_name,
                kind: a.kind,
                size: size_in_words(a.size_bytes),
                uploader_name: a.uploader_name,
                when: ago_in_words(a.created_at, now),
                at: exact(a.created_at),
            })
            .collect(),
    })
}

/// Adds a comment to the conversation of request `request_id`; its id.
pub async fn post_comment(
    state: &AppState,
    viewer: &Viewer,
    request_id: i64,
    body: &CommentBody,
    client_ip: Option<&str>,
) -> ServiceResult<i64> {
    let mut tx = viewer.tx(state, true).await?;
    let row = viewer.visible_request(&mut tx, request_id).await?;
    ensure_may_post(viewer, &row)?;
    let id = repo::add_comment(&mut tx, row.tenant_id, row.id, viewer.user_id(), body).await?;
    let (name, email) = requests_repo::user_name(&mut tx, viewer.user_id()).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("request.comment")
            .actor(viewer.user_id(), &email)
            .tenant(row.tenant_id)
            .ip(client_ip)
            .detail(json!({
                "request_id": row.id,
                "comment_id": id,
                "characters": body.as_str().chars().count(),
            })),
    )
    .await?;
    let excerpt = excerpt(body.as_str(), 200);
    let text = |locale: Locale| {
        fill(
            td_string!(locale, mail.notice_comment),
            &[
                ("id", &row.id),
                ("title", &row.project_title),
                ("name", &name),
                ("excerpt", &excerpt),
            ],
        )
    };
    tell_the_others(&mut tx, viewer, &row, &text).await?;
    tx.commit().await?;
    Ok(id)
}

/// A document to attach, checked ([`crate::domain::review::check_pdf`]).
pub struct Upload {
    pub kind: AttachmentKind,
    pub file_name: FileName,
    pub bytes: Vec<u8>,
}

/// `Ok` when `viewer` may attach documents to request `request_id` (`NotFound` when they do not
/// see it, `Forbidden` when they only read it): checked before an upload's body is read, so a
/// stranger's file is refused without being received. [`attach`] checks again.
pub async fn ensure_may_attach(
    state: &AppState,
    viewer: &Viewer,
    request_id: i64,
) -> ServiceResult<()> {
    let mut tx = viewer.tx(state, false).await?;
    let row = viewer.visible_request(&mut tx, request_id).await?;
    tx.commit().await?;
    ensure_may_post(viewer, &row)
}

/// Attaches a PDF to request `request_id`; its id.
pub async fn attach(
    state: &AppState,
    viewer: &Viewer,
    request_id: i64,
    upload: &Upload,
    client_ip: Option<&str>,
) -> ServiceResult<i64> {
    let mut tx = viewer.tx(state, true).await?;
    let row = viewer.visible_request(&mut tx, request_id).await?;
    ensure_may_post(viewer, &row)?;
    let id = repo::add_attachment(
        &mut tx,
        row.tenant_id,
        row.id,
        viewer.user_id(),
        upload.kind,
        &upload.file_name,
        &upload.bytes,
    )
    .await?;
    let (name, email) = requests_repo::user_name(&mut tx, viewer.user_id()).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("request.attachment")
            .actor(viewer.user_id(), &email)
            .tenant(row.tenant_id)
            .ip(client_ip)
            .detail(json!({
                "request_id": row.id,
                "attachment_id": id,
                "kind": upload.kind.as_str(),
                "file_name": upload.file_name.as_str(),
                "size_bytes": upload.bytes.len(),
            })),
    )
    .await?;
    let bytes = i64::try_from(upload.bytes.len()).unwrap_or(i64::MAX);
    let text = |locale: Locale| {
        fill(
            td_string!(locale, mail.notice_attachment),
            &[
                ("id", &row.id),
                ("title", &row.project_title),
                ("name", &name),
                ("kind", &upload.kind.label_in(locale).to_lowercase()),
                ("file", &upload.file_name),
                ("size", &size_in_words_in(locale, bytes)),
            ],
        )
    };
    tell_the_others(&mut tx, viewer, &row, &text).await?;
    tx.commit().await?;
    Ok(id)
}

/// An attachment of request `request_id` to download: its kind and bytes. `NotFound` when the
/// viewer does not see the request or the attachment is not one of its.
pub async fn download(
    state: &AppState,
    viewer: &Viewer,
    request_id: i64,
    attachment_id: i64,
) -> ServiceResult<(AttachmentKind, Vec<u8>)> {
    let mut tx = viewer.tx(state, false).await?;
    let row = viewer.visible_request(&mut tx, request_id).await?;
    let file = repo::attachment_file(&mut tx, row.tenant_id, row.id, attachment_id)
        .await?
        .ok_or(AppError::NotFound)?;
    tx.commit().await?;
    Ok(file)
}

/// Notifies the people concerned by a new comment or document, never its author: the requester,
/// the project's lead and the tenant's owners; and the platform admins when a tenant-side author
/// writes while the request awaits their review.
async fn tell_the_others(
    conn: &mut AnyConnection,
    viewer: &Viewer,
    row: &RequestRow,
    text: requests_repo::Words<'_>,
) -> ServiceResult<()> {
    let mut recipients: Vec<(i64, String)> = Vec::new();
    let (_, requester_email) = requests_repo::user_name(conn, row.requester_user_id).await?;
    recipients.push((row.requester_user_id, requester_email));
    recipients.extend(requests_repo::project_lead(conn, row.tenant_id, row.project_id).await?);
    recipients.extend(requests_repo::owners(conn, row.tenant_id).await?);
    let under_review = matches!(
        row.status,
        RequestStatus::Submitted | RequestStatus::Endorsed
    );
    if matches!(viewer, Viewer::Tenant(_)) && under_review {
        recipients.extend(requests_repo::platform_admins(conn).await?);
    }
    requests_repo::notify_each(
        conn,
        recipients,
        viewer.user_id(),
        row.tenant_id,
        row.id,
        crate::domain::mail::MailCategory::Requests,
        text,
    )
    .await?;
    Ok(())
}

/// At most `max` characters of `text` on one line, with "…" when cut.
fn excerpt(text: &str, max: usize) -> String {
    let line: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if line.chars().count() <= max {
        line
    } else {
        let cut: String = line.chars().take(max).collect();
        format!("{}…", cut.trim_end())
    }
}

#[cfg(test)]
mod tests {
    use super::excerpt;

    #[test]
    fn an_excerpt_is_one_line_and_cut_with_an_ellipsis() {
        assert_eq!(excerpt("a\n\nb  c", 10), "a b c");
        assert_eq!(excerpt("abcdef", 3), "abc…");
    }
}
