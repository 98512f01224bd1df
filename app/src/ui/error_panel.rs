//! How a page shows an error it got instead of its data. One place, so that
//! "not found" reads the same whether the route or the object does not exist
//! (another tenant's object is *not found*, never *forbidden*).

use crate::i18n::td_string;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_router::{components::A, hooks::use_location};

use crate::ui::table::escape;

use crate::error::AppError;
use crate::i18n::use_i18n;

/// The body of the "Not found" page.
#[component]
pub fn NotFoundNote() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{tr(i18n, |l| td_string!(l, errors.not_found_title))}</h1>
        <p>{tr(i18n, |l| td_string!(l, errors.not_found_text))}</p>
        <p><A href="/">{tr(i18n, |l| td_string!(l, errors.back_to_start))}</A></p>
    }
}

/// Where a platform admin without a second factor is sent: the account page's set-up.
pub const SECOND_FACTOR_SETUP: &str = "/account#second-factor";

/// The sign-in page's address that comes back to `path` (with its query) afterwards.
pub fn login_link(path: &str, search: &str) -> String {
    let here = if search.is_empty() || search == "?" {
        path.to_owned()
    } else if search.starts_with('?') {
        format!("{path}{search}")
    } else {
        format!("{path}?{search}")
    };
    // Slashes stay readable; `?`, `&` and `=` of the page's own query are encoded.
    format!("/login?next={}", escape(&here).replace("%2F", "/"))
}

/// A page's error: "Not found" for what is missing or someone else's, and the
/// error's own sentence otherwise. On the server it also gives the page the
/// error's status (a refused server function has set it already through
/// `respond()`; a page that refuses by itself relies on this). A signed-out
/// visitor is sent to the sign-in page, which brings them back here: the server
/// answers the page with a redirection (303), and a page reached by a link
/// inside the app navigates there.
#[component]
pub fn ErrorPanel(error: AppError) -> impl IntoView {
    let i18n = use_i18n();
    if error == AppError::Unauthenticated {
        let location = use_location();
        let login = login_link(
            &location.pathname.get_untracked(),
            &location.search.get_untracked(),
        );
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::SEE_OTHER);
            if let Ok(value) = http::HeaderValue::from_str(&login) {
                response.insert_header(http::header::LOCATION, value);
            }
        }
        return view! {
            <p class="form__error" role="alert">
                {tr(i18n, |l| td_string!(l, errors.sign_in_to_see_before))}
                <A href=login>{tr(i18n, |l| td_string!(l, errors.sign_in_to_see_link))}</A>
                {tr(i18n, |l| td_string!(l, errors.sign_in_to_see_after))}
            </p>
        }
        .into_any();
    }
    if error == AppError::SecondFactorSetupNeeded {
        // A platform admin without a second factor sets one up before anything else.
        let to = SECOND_FACTOR_SETUP;
        #[cfg(feature = "ssr")]
        if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
            response.set_status(http::StatusCode::SEE_OTHER);
            response.insert_header(http::header::LOCATION, http::HeaderValue::from_static(to));
        }
        return view! {
            <p class="form__error" role="alert">
                {move || error.message(i18n.get_locale())} " "
                <A href=to>{tr(i18n, |l| td_string!(l, account.title))}</A>
            </p>
        }
        .into_any();
    }
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(error.status());
    }
    match error {
        AppError::NotFound => view! { <NotFoundNote/> }.into_any(),
        e => view! {
            <p class="form__error" role="alert">{move || e.message(i18n.get_locale())}</p>
        }
        .into_any(),
    }
}

#[cfg(test)]
mod tests {
    use super::login_link;

    #[test]
    fn the_sign_in_link_comes_back_to_the_page_and_its_query() {
        assert_eq!(login_link("/audit", ""), "/login?next=/audit");
        assert_eq!(
            login_link("/requests", "?status=open&page=2"),
            "/login?next=/requests%3Fstatus%3Dopen%26page%3D2"
        );
    }
}
