//! The browser's side of federated sign-in: three routes, thin edges over [`super::start`] and
//! [`super::finish`]. They are plain HTTP (a form posted, a redirect followed), so they work
//! without the wasm.
//!
//! - `POST /auth/oidc/{provider}` (form `next`): sign in with the provider.
//! - `POST /auth/oidc/{provider}/link`: link the provider to the signed-in person's account.
//! - `GET /auth/oidc/{provider}/callback`: where the provider sends the browser back.
//!
//! Posting keeps starting a flow a same-origin change (`security::protect`). A failure sends the
//! browser to the sign-in page (or the account page, for a link) with `?oidc=<failure>`, which
//! the page says in words.

use axum::{
    extract::{Path, Query},
    response::{IntoResponse, Redirect, Response},
    routing::{get, post},
    Form, Router,
};
use http::header;
use serde::Deserialize;
use tower_sessions::Session;

use super::{Callback, Failure, Finished, FlowError, Purpose};
use crate::server::{
    auth::CurrentUser, context::RequestContext, security::ClientIp, state::AppState,
};

pub fn routes() -> Router<AppState> {
    Router::new()
        .route("/auth/oidc/{provider}", post(sign_in))
        .route("/auth/oidc/{provider}/link", post(link))
        .route("/auth/oidc/{provider}/callback", get(callback))
}

#[derive(Debug, Default, Deserialize)]
struct StartForm {
    next: Option<String>,
}

/// Where a failure is told: the sign-in page, or the account page for a link.
fn failure_page(purpose: Option<&Purpose>, failure: Failure) -> String {
    match purpose {
        Some(Purpose::Link { .. }) => format!("/account?oidc={}#sign-in-methods", failure.as_str()),
        _ => format!("/login?oidc={}", failure.as_str()),
    }
}

/// What every route of the flow reads from its request: the context of the services, the
/// portal's origin (for the callback URL) and the provider's id from the path.
struct FlowRequest {
    ctx: RequestContext,
    origin: String,
    provider: String,
}

impl axum::extract::FromRequestParts<AppState> for FlowRequest {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut http::request::Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let Path(provider) = Path::<String>::from_request_parts(parts, state)
            .await
            .map_err(IntoResponse::into_response)?;
        let session = parts.extensions.get::<Session>().cloned().ok_or_else(|| {
            tracing::error!("the session layer is missing from the router");
            crate::error::AppError::Internal.into_response()
        })?;
        let origin =
            crate::server::security::expected_origin_of(&parts.headers, &parts.uri, &state.config)
                .map(|o| o.to_string())
                .unwrap_or_default();
        Ok(Self {
            ctx: RequestContext {
                state: state.clone(),
                session,
                client_ip: parts
                    .extensions
                    .get::<ClientIp>()
                    .and_then(ClientIp::as_string),
            },
            origin,
            provider,
        })
    }
}

/// Sends the browser to the provider, or back with why not.
async fn go(flow: FlowRequest, purpose: Purpose) -> Response {
    let failure_to = failure_page(Some(&purpose), Failure::Unavailable);
    match super::start(&flow.ctx, &flow.origin, &flow.provider, purpose).await {
        Ok(url) => Redirect::to(&url).into_response(),
        Err(FlowError::Failed(_)) => Redirect::to(&failure_to).into_response(),
        Err(FlowError::Service(e)) => crate::error::AppError::from(e).into_response(),
    }
}

async fn sign_in(flow: FlowRequest, Form(form): Form<StartForm>) -> Response {
    let next = crate::domain::next_page::safe_next(form.next.as_deref());
    go(flow, Purpose::SignIn { next }).await
}

async fn link(flow: FlowRequest, user: Result<CurrentUser, crate::error::AppError>) -> Response {
    let Ok(user) = user else {
        return Redirect::to("/login?next=/account").into_response();
    };
    let purpose = Purpose::Link {
        user_id: user.user_id(),
    };
    go(flow, purpose).await
}

async fn callback(flow: FlowRequest, Query(query): Query<Callback>) -> Response {
    let tls = flow.ctx.state.config.tls;
    let purpose = super::waiting_purpose(&flow.ctx).await;
    match super::finish(&flow.ctx, &flow.origin, &flow.provider, &query).await {
        Ok(Finished::SignedIn { next, language }) => {
            let mut response = Redirect::to(&next).into_response();
            if let Some(language) = language {
                response.headers_mut().append(
                    header::SET_COOKIE,
                    crate::server::locale::cookie(language, tls),
                );
            }
            response
        }
        Ok(Finished::SecondFactor { next }) => {
            Redirect::to(&crate::domain::next_page::code_page(Some(&next))).into_response()
        }
        Ok(Finished::Linked) => Redirect::to("/account?linked=1#sign-in-methods").into_response(),
        Err(FlowError::Failed(failure)) => {
            Redirect::to(&failure_page(purpose.as_ref(), failure)).into_response()
        }
        Err(FlowError::Service(e)) => crate::error::AppError::from(e).into_response(),
    }
}
