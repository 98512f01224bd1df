//! The two HTTP routes of attachments, outside `/api/` because they carry files:
//!
//! - `POST /requests/{id}/attachments` (multipart: `kind`, `file`): the router's CSRF check
//!   ([`crate::server::security::protect`]) applies as to every POST; the body limit is raised on
//!   this route only ([`UPLOAD_BODY_LIMIT`]). A browser's plain form post is sent back to the
//!   request's page (`?upload=…#attachments`, the page says the outcome beside the field); a
//!   script gets `201` with the id, or the [`AppError`] with its status (422, 413…).
//! - `GET /requests/{id}/attachments/{attachment}`: the PDF, only to who sees the request, always
//!   as a download that a browser neither renders inline nor runs (see [`download_headers`]).

use axum::{
    extract::{Multipart, Path, State},
    http::{header, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Redirect, Response},
    Extension,
};

use super::Upload;
use crate::domain::review::{
    check_pdf, too_large_message, AttachmentKind, FileName, MAX_ATTACHMENT_BYTES,
};
use crate::error::{AppError, FieldErrors};
use crate::server::{
    access::{action_of, target_of, Denial},
    auth::CurrentUser,
    error::error_page,
    requests::{viewer_of, Viewer, ViewerOrder},
    security::ClientIp,
    state::AppState,
};
use crate::wire::review::UploadOutcome;

/// The body limit of the upload route: the largest file and room for the form's other parts.
pub const UPLOAD_BODY_LIMIT: usize = MAX_ATTACHMENT_BYTES + 64 * 1024;

/// Whether the caller is a browser navigating (a plain form post or a link), not a script.
fn wants_html(headers: &HeaderMap) -> bool {
    headers
        .get(header::ACCEPT)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.contains("text/html"))
}

/// An id from the path; anything else names nothing.
fn parse_id(raw: &str) -> Result<i64, AppError> {
    raw.trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or(AppError::NotFound)
}

/// Logs and counts a refusal (as `respond` does for server functions).
fn record_refusal(state: &AppState, error: &AppError, actor: Option<i64>, path: &str) {
    if let Some(denial) = Denial::of(error) {
        let action = action_of(path);
        state
            .denials
            .record(denial, actor, action, target_of(action));
    }
}

/// The viewer behind the request: 401 without a session, 403 with neither a tenant nor the
/// platform-admin role.
async fn viewer(user: Result<CurrentUser, AppError>, state: &AppState) -> Result<Viewer, AppError> {
    viewer_of(&user?, state, ViewerOrder::TenantFirst).await
}

/// `POST /requests/{id}/attachments`.
pub async fn upload(
    State(state): State<AppState>,
    Path(request): Path<String>,
    ip: Option<Extension<ClientIp>>,
    headers: HeaderMap,
    user: Result<CurrentUser, AppError>,
    multipart: Multipart,
) -> Response {
    let html = wants_html(&headers);
    let actor = user.as_ref().ok().map(CurrentUser::user_id);
    let path = format!("/requests/{request}/attachments");
    let ip = ip.and_then(|Extension(ip)| ip.as_string());
    let result = async {
        let viewer = viewer(user, &state).await?;
        let id = parse_id(&request)?;
        super::ensure_may_attach(&state, &viewer, id).await?;
        let upload = read_upload(multipart).await?;
        super::attach(&state, &viewer, id, &upload, ip.as_deref())
            .await
            .map(|attachment| (id, attachment))
            .map_err(AppError::from)
    }
    .await;
    match result {
        Ok((id, _)) if html => page_with(id, UploadOutcome::Done),
        Ok((_, attachment)) => (
            StatusCode::CREATED,
            axum::Json(serde_json::json!({ "id": attachment })),
        )
            .into_response(),
        Err(e) => {
            record_refusal(&state, &e, actor, &path);
            match (html, UploadOutcome::of_error(&e), parse_id(&request)) {
                (true, Some(outcome), Ok(id)) => page_with(id, outcome),
                (true, _, _) => error_page(&e),
                (false, _, _) => e.into_response(),
            }
        }
    }
}

/// Back to the request's page, which says how the upload went beside the field.
fn page_with(request_id: i64, outcome: UploadOutcome) -> Response {
    Redirect::to(&format!(
        "/requests/{request_id}?upload={}#attachments",
        outcome.as_str()
    ))
    .into_response()
}

/// The form's parts: `kind` and `file` (every field's error at once).
async fn read_upload(mut multipart: Multipart) -> Result<Upload, AppError> {
    let mut kind: Option<String> = None;
    let mut file: Option<(Option<String>, Option<String>, Vec<u8>)> = None;
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            AppError::validation("file", too_large_message())
        } else {
            tracing::info!(error = %e.body_text(), "an upload could not be read");
            AppError::bad_request(
                "The upload could not be read (was it interrupted?). Please try again.",
            )
        }
    };
    while let Some(mut field) = multipart.next_field().await.map_err(unreadable)? {
        match field.name() {
            Some("kind") => kind = Some(field.text().await.map_err(unreadable)?),
            Some("file") => {
                let name = field.file_name().map(str::to_owned);
                let declared = field.content_type().map(str::to_owned);
                let mut bytes = Vec::new();
                while let Some(chunk) = field.chunk().await.map_err(unreadable)? {
                    bytes.extend_from_slice(&chunk);
                    if bytes.len() > MAX_ATTACHMENT_BYTES {
                        return Err(AppError::validation("file", too_large_message()));
                    }
                }
                file = Some((name, declared, bytes));
            }
            _ => {}
        }
    }
    let mut errors = FieldErrors::default();
    let kind = errors.check(
        "kind",
        AttachmentKind::parse(kind.as_deref().unwrap_or(""))
            .map_err(|_| UploadOutcome::BadKind.message()),
    );
    let (name, declared, bytes) = file.unwrap_or((None, None, Vec::new()));
    let checked = errors.check("file", check_pdf(declared.as_deref(), &bytes));
    let file_name = errors.check("file", FileName::parse(name.as_deref().unwrap_or("")));
    errors.into_result(|| {
        checked?;
        Some(Upload {
            kind: kind?,
            file_name: file_name?,
            bytes,
        })
    })
}

/// `GET /requests/{id}/attachments/{attachment}`.
pub async fn download(
    State(state): State<AppState>,
    Path((request, attachment)): Path<(String, String)>,
    headers: HeaderMap,
    user: Result<CurrentUser, AppError>,
) -> Response {
    let actor = user.as_ref().ok().map(CurrentUser::user_id);
    let result = async {
        let viewer = viewer(user, &state).await?;
        let (id, attachment) = (parse_id(&request)?, parse_id(&attachment)?);
        super::download(&state, &viewer, id, attachment)
            .await
            .map(|(kind, bytes)| (id, attachment, kind, bytes))
            .map_err(AppError::from)
    }
    .await;
    match result {
        Ok((id, attachment, kind, bytes)) => {
            let mut response = bytes.into_response();
            download_headers(response.headers_mut(), id, attachment, kind);
            response
        }
        Err(e) => {
            record_refusal(
                &state,
                &e,
                actor,
                &format!("/requests/{request}/attachments/{attachment}"),
            );
            if wants_html(&headers) {
                error_page(&e)
            } else {
                e.into_response()
            }
        }
    }
}

/// The headers of a download: a PDF (whatever was claimed at upload, the bytes were checked to
/// be one), to save and never to show inline (`attachment`, under a name made here, never the
/// uploader's), never sniffed as something else, and sandboxed should a browser show it anyway
/// (no scripts, no same origin: it cannot act as the portal). Not cached.
pub fn download_headers(
    h: &mut HeaderMap,
    request_id: i64,
    attachment_id: i64,
    kind: AttachmentKind,
) {
    h.insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/pdf"),
    );
    let name = format!(
        "request-{request_id}-{}-{attachment_id}.pdf",
        kind.as_str().replace('_', "-")
    );
    if let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{name}\"")) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(
        header::X_CONTENT_TYPE_OPTIONS,
        HeaderValue::from_static("nosniff"),
    );
    h.insert(
        header::CONTENT_SECURITY_POLICY,
        HeaderValue::from_static("sandbox; default-src 'none'"),
    );
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}
