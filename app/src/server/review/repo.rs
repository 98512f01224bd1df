//! Every SQL statement of the review conversation. Each function takes the tenant id first and
//! filters on it, and the request id of a request the caller already loaded for the actor (so
//! its visibility was decided once, by `requests::repo`).

use sqlx::AnyConnection;

use crate::domain::review::{AttachmentKind, CommentBody, FileName};
use crate::server::db::now_unix;

/// A stored comment: id, author's name, whether the author is a platform admin, text, when.
pub struct StoredComment {
    pub id: i64,
    pub author_name: String,
    pub by_platform_admin: bool,
    pub body: String,
    pub created_at: i64,
}

/// A stored attachment, without its bytes.
pub struct StoredAttachment {
    pub id: i64,
    pub kind: AttachmentKind,
    pub file_name: String,
    pub size_bytes: i64,
    pub uploader_name: String,
    pub created_at: i64,
}

/// The comments of a request, oldest first.
pub async fn comments(
    conn: &mut AnyConnection,
    tenant_id: i64,
    request_id: i64,
) -> Result<Vec<StoredComment>, sqlx::Error> {
    let rows: Vec<(i64, String, i64, String, i64)> = sqlx::query_as(
        "SELECT c.id, u.name, u.platform_admin, c.body, c.created_at \
         FROM request_comments c JOIN users u ON u.id = c.author_user_id \
         WHERE c.tenant_id = $1 AND c.request_id = $2 ORDER BY c.id",
    )
    .bind(tenant_id)
    .bind(request_id)
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, author_name, admin, body, created_at)| StoredComment {
            id,
            author_name,
            by_platform_admin: admin != 0,
            body,
            created_at,
        })
        .collect())
}

/// Appends a comment; its id.
pub async fn add_comment(
    conn: &mut AnyConnection,
    tenant_id: i64,
    request_id: i64,
    author_user_id: i64,
    body: &CommentBody,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO request_comments (tenant_id, request_id, author_user_id, body, created_at) \
         VALUES ($1, $2, $3, $4, $5) RETURNING id",
    )
    .bind(tenant_id)
    .bind(request_id)
    .bind(author_user_id)
    .bind(body.as_str())
    .bind(now_unix())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// The attachments of a request, oldest first (their bytes are not read).
pub async fn attachments(
    conn: &mut AnyConnection,
    tenant_id: i64,
    request_id: i64,
) -> Result<Vec<StoredAttachment>, sqlx::Error> {
    let rows: Vec<(i64, String, String, i64, String, i64)> = sqlx::query_as(
        "SELECT a.id, a.kind, a.file_name, a.size_bytes, u.name, a.created_at \
         FROM request_attachments a JOIN users u ON u.id = a.uploader_user_id \
         WHERE a.tenant_id = $1 AND a.request_id = $2 ORDER BY a.id",
    )
    .bind(tenant_id)
    .bind(request_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(id, kind, file_name, size_bytes, uploader_name, created_at)| {
            let kind = AttachmentKind::parse(&kind).map_err(|e| {
                tracing::error!(attachment_id = id, error = %e, "a stored attachment kind does not decode");
                sqlx::Error::Decode(format!("attachment {id}: kind: {e}").into())
            })?;
            Ok(StoredAttachment {
                id,
                kind,
                file_name,
                size_bytes,
                uploader_name,
                created_at,
            })
        })
        .collect()
}

/// Stores an attachment and its bytes; its id.
pub async fn add_attachment(
    conn: &mut AnyConnection,
    tenant_id: i64,
    request_id: i64,
    uploader_user_id: i64,
    kind: AttachmentKind,
    file_name: &FileName,
    bytes: &[u8],
) -> Result<i64, sqlx::Error> {
    let size = i64::try_from(bytes.len()).unwrap_or(i64::MAX);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO request_attachments (tenant_id, request_id, uploader_user_id, kind, file_name, size_bytes, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(tenant_id)
    .bind(request_id)
    .bind(uploader_user_id)
    .bind(kind.as_str())
    .bind(file_name.as_str())
    .bind(size)
    .bind(now_unix())
    .fetch_one(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO request_attachment_files (attachment_id, tenant_id, request_id, bytes) \
         VALUES ($1, $2, $3, $4)",
    )
    .bind(id)
    .bind(tenant_id)
    .bind(request_id)
    .bind(bytes.to_vec())
    .execute(conn)
    .await?;
    Ok(id)
}

/// An attachment's kind and bytes, if it belongs to this request.
pub async fn attachment_file(
    conn: &mut AnyConnection,
    tenant_id: i64,
    request_id: i64,
    attachment_id: i64,
) -> Result<Option<(AttachmentKind, Vec<u8>)>, sqlx::Error> {
    let row: Option<(String, Vec<u8>)> = sqlx::query_as(
        "SELECT a.kind, f.bytes FROM request_attachments a \
         JOIN request_attachment_files f ON f.attachment_id = a.id \
         WHERE a.tenant_id = $1 AND a.request_id = $2 AND a.id = $3 AND f.tenant_id = $1",
    )
    .bind(tenant_id)
    .bind(request_id)
    .bind(attachment_id)
    .fetch_optional(conn)
    .await?;
    row.map(|(kind, bytes)| {
        AttachmentKind::parse(&kind)
            .map(|k| (k, bytes))
            .map_err(|e| {
                sqlx::Error::Decode(format!("attachment {attachment_id}: kind: {e}").into())
            })
    })
    .transpose()
}
