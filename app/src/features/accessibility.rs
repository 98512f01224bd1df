//! The accessibility statement (déclaration d'accessibilité) French public services publish:
//! the compliance status, what is checked and how, the known limits and the way to recourse.
//! Anyone may read it, signed in or not; the footer links to it from every page.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use crate::i18n::{td_string, use_i18n};

#[component]
pub fn AccessibilityPage() -> impl IntoView {
    let i18n = use_i18n();
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
            <h2>{tr(i18n, |l| td_string!(l, a11y.recourse_heading))}</h2>
            <p>{tr(i18n, |l| td_string!(l, a11y.recourse_text))}</p>
            <p class="muted">{tr(i18n, |l| td_string!(l, a11y.established))}</p>
        </section>
    }
}
