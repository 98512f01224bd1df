//! Signing in and out, and who is signed in.

mod api;
mod login;
mod reset;
pub use crate::wire::identity as types;

pub use api::*;
pub use login::{federated_failure, LoginCodePage, LoginPage, LogoutButton};
pub use reset::{ForgotPasswordPage, ResetPasswordPage};
pub use types::Viewer;

use leptos::prelude::*;

/// The signed-in person (or `None`), loaded once per page and shared.
pub fn use_viewer() -> Resource<Result<Option<Viewer>, crate::error::AppError>> {
    if let Some(existing) = use_context::<ViewerResource>() {
        return existing.0;
    }
    let resource = Resource::new(|| (), |_| whoami());
    provide_context(ViewerResource(resource));
    resource
}

#[derive(Clone, Copy)]
struct ViewerResource(Resource<Result<Option<Viewer>, crate::error::AppError>>);
