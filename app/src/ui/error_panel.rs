//! How a page shows an error it got instead of its data. One place, so that
//! "not found" reads the same whether the route or the object does not exist
//! (another tenant's object is *not found*, never *forbidden*).

use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

use crate::error::AppError;

/// The body of the "Not found" page.
#[component]
pub fn NotFoundNote() -> impl IntoView {
    view! {
        <h1>"Not found"</h1>
        <p>"There is nothing here, or it is not yours to see."</p>
        <p><A href="/">"Back to the start"</A></p>
    }
}

/// A page's error: a sign-in link for anonymous visitors (coming back here
/// afterwards), "Not found" for what is missing or someone else's, and the
/// error's own sentence otherwise. On the server it also gives the page the
/// error's status (a refused server function has set it already through
/// `respond()`; a page that refuses by itself relies on this).
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status());
    }
    match error {
        AppError::Unauthenticated => {
            let here = use_location().pathname.get_untracked();
            let login = format!("/login?next={here}");
            view! {
                <p class="form__error" role="alert">
                    "Please " <A href=login>"sign in"</A> " to see this page."
                </p>
            }
            .into_any()
        }
        AppError::NotFound => view! { <NotFoundNote/> }.into_any(),
        e => view! { <p class="form__error" role="alert">{e.to_string()}</p> }.into_any(),
    }
}
