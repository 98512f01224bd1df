//! The accessibility statement (déclaration d'accessibilité) French public services publish:
//! the compliance status, what is checked and how, the known limits and the way to recourse.
//! Anyone may read it, signed in or not; the footer links to it from every page.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{td_string, use_i18n};

/// The address people write to when they cannot use a page or a service
/// (`GUICHET_SUPPORT_EMAIL`), when the operators gave one. Anyone.
#[server(prefix = "/api", endpoint = "support_contact")]
pub async fn support_contact() -> Result<Option<String>, crate::error::AppError> {
    let ctx = crate::server::request_context().await?;
    Ok(ctx
        .state
        .config
        .support_email
        .as_ref()
        .map(|e| e.as_str().to_owned()))
}

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
    let contact = Resource::new(|| (), |_| support_contact());
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, a11y.title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, a11y.title))}</h1>
            <p>{tr(i18n, |l| td_string!(l, a11y.intro))}</p>
            <h2>{tr(i18n, |l| td_string!(l, a11y.status_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, a11y.status_text))}</p>
            <h2>{tr(i18n, |l| td_string!(l, a11y.checked_heading))}</h2>
            <ul>
                <li>{tr(i18n, |l| td_string!(l, a11y.checked_axe))}</li>
                <li>{tr(i18n, |l| td_string!(l, a11y.checked_keyboard))}</li>
                <li>{tr(i18n, |l| td_string!(l, a11y.checked_forms))}</li>
                <li>{tr(i18n, |l| td_string!(l, a11y.checked_charts))}</li>
                <li>{tr(i18n, |l| td_string!(l, a11y.checked_language))}</li>
            </ul>
            <h2>{tr(i18n, |l| td_string!(l, a11y.limits_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, a11y.limits_text))}</p>
            <h2>{tr(i18n, |l| td_string!(l, a11y.environment_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, a11y.environment_text))}</p>
            <h2>{tr(i18n, |l| td_string!(l, a11y.contact_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, a11y.contact_text))}</p>
            <Suspense fallback=|| ()>
                {move || Suspend::new(async move {
                    match contact.await {
                        Ok(Some(address)) => {
                            let href = format!("mailto:{address}");
                            view! {
                                <p>{tr(i18n, |l| td_string!(l, a11y.contact_write_to))} " "
                                <a href=href data-testid="support-contact">{address}</a> "."</p>
                            }.into_any()
                        }
                        _ => view! { <p>{tr(i18n, |l| td_string!(l, a11y.contact_no_address))}</p> }.into_any(),
                    }
                })}
            </Suspense>
            <h2>{tr(i18n, |l| td_string!(l, a11y.recourse_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, a11y.recourse_text))}</p>
            <p class="muted">{tr(i18n, |l| td_string!(l, a11y.established))}</p>
        </section>
    }
}
