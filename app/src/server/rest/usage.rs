//! Writes through the API are audited: after each call that may change something (any method
//! but GET and HEAD) made with a valid token, one `api_token_write` event names the token, the
//! method, the path and the answer's status. The token is known only once the handler's
//! [`Caller`](super::caller::Caller) read it: the middleware leaves a slot in the request for it.

use std::sync::{Arc, Mutex};

use axum::{
    extract::{Request, State},
    middleware::Next,
    response::Response,
};
use http::Method;
use serde_json::json;

use crate::server::{
    audit::{self, AuditEvent},
    db::TenantScope,
    state::AppState,
};

/// Who the call's token was, filled in by the caller extractor.
#[derive(Debug, Clone, Default)]
pub struct UsedToken(Arc<Mutex<Option<TokenUse>>>);

#[derive(Debug, Clone)]
pub struct TokenUse {
    pub token_id: i64,
    pub user_id: i64,
    pub email: String,
    pub tenant_id: Option<i64>,
    pub client_ip: Option<String>,
}

impl UsedToken {
    pub fn record(&self, used: TokenUse) {
        if let Ok(mut slot) = self.0.lock() {
            *slot = Some(used);
        }
    }

    fn take(&self) -> Option<TokenUse> {
        self.0.lock().ok().and_then(|mut slot| slot.take())
    }
}

/// The middleware of every `/api/v1` route.
pub async fn audit_writes(
    State(state): State<AppState>,
    mut request: Request,
    next: Next,
) -> Response {
    let writes = !matches!(*request.method(), Method::GET | Method::HEAD);
    if !writes {
        return next.run(request).await;
    }
    let method = request.method().to_string();
    // The nested router sees its own part of the path; the audit names the whole.
    let path = request
        .extensions()
        .get::<axum::extract::OriginalUri>()
        .map_or_else(|| request.uri().path().to_owned(), |u| u.path().to_owned());
    let slot = UsedToken::default();
    request.extensions_mut().insert(slot.clone());
    let response = next.run(request).await;
    if let Some(used) = slot.take() {
        let status = response.status().as_u16();
        let mut event = AuditEvent::new("api_token_write")
            .actor(used.user_id, &used.email)
            .ip(used.client_ip.as_deref())
            .detail(json!({
                "token_id": used.token_id,
                "method": method,
                "path": path,
                "status": status,
            }));
        if !response.status().is_success() {
            event = event.failed();
        }
        let written = match used.tenant_id {
            Some(tenant_id) => {
                event = event.tenant(tenant_id);
                match state
                    .db
                    .tenant_write_tx(&TenantScope::whole_tenant(tenant_id))
                    .await
                {
                    Ok(mut tx) => match audit::append(&mut tx, &event).await {
                        Ok(()) => tx.commit().await,
                        Err(e) => Err(e),
                    },
                    Err(e) => Err(e),
                }
            }
            None => audit::append_alone(&state.db, &event).await,
        };
        if let Err(e) = written {
            tracing::error!(error = %e, token_id = used.token_id, "could not audit an API write");
        }
    }
    response
}
