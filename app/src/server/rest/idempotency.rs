//! `Idempotency-Key` on every POST of `/api/v1`: the first successful answer to a key is kept a
//! day under the caller's token, and a retry with the same key and the same request gets that
//! answer again, without running anything (so never a second object). The same key on a
//! different request (another path or body) is refused with 422. Answers that failed are not
//! kept: a retry after a refusal is tried again. The key is reserved before the first try runs
//! (one conditional insert), so of two concurrent tries one runs and the other is told to retry
//! (409 with `Retry-After`) and then gets the first one's answer.

use axum::{
    body::{to_bytes, Body},
    extract::{Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
};
use http::{header, HeaderMap, HeaderName, HeaderValue, Method};
use sha2::{Digest as _, Sha256};

use super::{problem::ApiError, repo};
use crate::error::{AppError, BODY_LIMIT_BYTES};
use crate::server::{db::now_unix, state::AppState};

/// How long an answer is kept (seconds).
const KEPT_FOR: i64 = 24 * 3600;

/// A first try that has not answered after this long (seconds) is taken for dead: its key is
/// free again.
const ABANDONED_AFTER: i64 = 300;

/// The answer headers a replay carries again.
const REPLAYED: [HeaderName; 3] = [header::CONTENT_TYPE, header::LOCATION, header::ETAG];

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The key as sent, when it is one: 1 to 100 visible ASCII characters.
pub(super) fn key_of(headers: &HeaderMap) -> Result<Option<String>, AppError> {
    let Some(raw) = headers.get("idempotency-key") else {
        return Ok(None);
    };
    let key = raw.to_str().unwrap_or_default().trim();
    if key.is_empty() || key.len() > 100 || !key.bytes().all(|b| b.is_ascii_graphic()) {
        return Err(AppError::bad_request(
            "Idempotency-Key must be 1 to 100 visible ASCII characters.",
        ));
    }
    Ok(Some(key.to_owned()))
}

/// The middleware of every `/api/v1` route.
pub async fn replay_or_keep(
    State(state): State<AppState>,
    request: Request,
    next: Next,
) -> Response {
    if request.method() != Method::POST {
        return next.run(request).await;
    }
    // No token, no memory: the call is refused further in (401) whatever its key.
    let Some(caller) = request
        .headers()
        .get(header::AUTHORIZATION)
        .map(|v| hex(&Sha256::digest(v.as_bytes())))
    else {
        return next.run(request).await;
    };
    let key = match key_of(request.headers()) {
        Ok(Some(key)) => key,
        Ok(None) => return next.run(request).await,
        Err(e) => return ApiError(e).into_response(),
    };
    let (parts, body) = request.into_parts();
    let Ok(bytes) = to_bytes(body, BODY_LIMIT_BYTES).await else {
        return ApiError(AppError::PayloadTooLarge {
            limit_bytes: BODY_LIMIT_BYTES as u64,
        })
        .into_response();
    };
    let path = parts
        .extensions
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| parts.uri.to_string(), |u| u.to_string());
    let mut print = Sha256::new();
    print.update(path.as_bytes());
    print.update([0]);
    print.update(&bytes);
    let fingerprint = hex(&print.finalize());

    match claim(&state, &caller, &key, &fingerprint).await {
        Ok(None) => {}
        Ok(Some(stored)) if stored.fingerprint != fingerprint => return ApiError(AppError::validation(
            "Idempotency-Key",
            "This Idempotency-Key was used for another request: use a new key for a new request.",
        ))
        .into_response(),
        Ok(Some(stored)) if stored.status == repo::IN_FLIGHT => {
            let mut refused = ApiError(AppError::conflict(
                "The first request with this Idempotency-Key is still being answered: retry in a moment to get its answer.",
            ))
            .into_response();
            refused
                .headers_mut()
                .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
            return refused;
        }
        Ok(Some(stored)) => return stored.response(),
        Err(e) => {
            tracing::error!(error = %e, "could not read the idempotency store");
            return ApiError(AppError::Internal).into_response();
        }
    }

    let response = next
        .run(Request::from_parts(parts, Body::from(bytes)))
        .await;
    if !response.status().is_success() {
        // Nothing to keep: a retry runs again.
        if let Err(e) = release(&state, &caller, &key).await {
            tracing::error!(error = %e, "could not free an idempotency key");
        }
        return response;
    }
    let (parts, body) = response.into_parts();
    let Ok(answer) = to_bytes(body, BODY_LIMIT_BYTES).await else {
        let _ = release(&state, &caller, &key).await;
        return ApiError(AppError::Internal).into_response();
    };
    let stored = Stored {
        fingerprint,
        status: i64::from(parts.status.as_u16()),
        headers: REPLAYED
            .iter()
            .filter_map(|h| {
                parts
                    .headers
                    .get(h)
                    .and_then(|v| v.to_str().ok())
                    .map(|v| (h.as_str().to_owned(), v.to_owned()))
            })
            .collect(),
        body: String::from_utf8_lossy(&answer).into_owned(),
    };
    if let Err(e) = keep(&state, &caller, &key, &stored).await {
        // The answer stands; only its replay is lost.
        tracing::error!(error = %e, "could not keep an idempotent answer");
    }
    Response::from_parts(parts, Body::from(answer))
}

/// An answer kept under a key.
struct Stored {
    fingerprint: String,
    status: i64,
    headers: Vec<(String, String)>,
    body: String,
}

impl Stored {
    fn response(self) -> Response {
        let status = http::StatusCode::from_u16(u16::try_from(self.status).unwrap_or(500))
            .unwrap_or(http::StatusCode::INTERNAL_SERVER_ERROR);
        let mut response = (status, self.body).into_response();
        let headers = response.headers_mut();
        for (name, value) in self.headers {
            if let (Ok(n), Ok(v)) = (HeaderName::try_from(name), HeaderValue::try_from(value)) {
                headers.insert(n, v);
            }
        }
        headers.insert("idempotent-replayed", HeaderValue::from_static("true"));
        response
    }
}

/// Reserves the key for this first try (None), or reads what it holds: a kept answer, or a first
/// try still running ([`repo::IN_FLIGHT`]).
async fn claim(
    state: &AppState,
    caller: &str,
    key: &str,
    fingerprint: &str,
) -> Result<Option<Stored>, sqlx::Error> {
    // Not tenant-owned: found by the caller's hash, as the token is.
    let mut conn = state.db.acquire().await?;
    let now = now_unix();
    // Twice at most: a key freed between the reservation and the read is reserved again.
    for _ in 0..2 {
        if repo::reserve_key(
            &mut conn,
            caller,
            key,
            fingerprint,
            now,
            now - ABANDONED_AFTER,
        )
        .await?
        {
            return Ok(None);
        }
        if let Some(r) = repo::kept_answer(&mut conn, caller, key, now - KEPT_FOR).await? {
            return Ok(Some(Stored {
                fingerprint: r.fingerprint,
                status: r.status,
                headers: serde_json::from_str(&r.headers).unwrap_or_default(),
                body: r.body,
            }));
        }
    }
    // Kept past its day and not yet forgotten: this try runs, and keeps nothing.
    Ok(None)
}

async fn release(state: &AppState, caller: &str, key: &str) -> Result<(), sqlx::Error> {
    let mut conn = state.db.acquire().await?;
    repo::release_key(&mut conn, caller, key).await
}

async fn keep(
    state: &AppState,
    caller: &str,
    key: &str,
    stored: &Stored,
) -> Result<(), sqlx::Error> {
    let mut conn = state.db.acquire().await?;
    repo::forget_answers_before(&mut conn, now_unix() - KEPT_FOR).await?;
    let headers = serde_json::to_string(&stored.headers).unwrap_or_else(|_| "[]".into());
    let answer = repo::KeptAnswer {
        fingerprint: stored.fingerprint.clone(),
        status: stored.status,
        headers,
        body: stored.body.clone(),
    };
    repo::keep_answer(&mut conn, caller, key, &answer).await
}
