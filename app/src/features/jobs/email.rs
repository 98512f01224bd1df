//! "E-mail" on the account page: how the person receives each category of notice (immediately,
//! in a daily digest, or never), and which e-mails are always sent.

use crate::i18n::td_string;
use crate::ui::language::tr;
use leptos::prelude::*;

use super::api::{my_email_choices, ChooseEmails};
use crate::domain::mail::{Delivery, MailCategory};
use crate::i18n::use_i18n;

#[component]
pub fn EmailChoicesSection() -> impl IntoView {
    let save = crate::ui::form::action::<ChooseEmails>();
    let data = Resource::new(move || save.version().get(), |_| my_email_choices());
    let error = move || save.value().get().and_then(Result::err);
    let done = move || matches!(save.value().get(), Some(Ok(())));
    let i18n = use_i18n();
    view! {
        <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, jobs.loading))}</p> }>
            {move || Suspend::new(async move {
                match data.await {
                    // The page above already says why (sign in).
                    Err(crate::error::AppError::Unauthenticated) => ().into_any(),
                    Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    Ok(prefs) => {
                        let fields = prefs
                            .choices
                            .into_iter()
                            .map(|(category, chosen)| view! { <ChoiceField category chosen error/> })
                            .collect_view();
                        view! {
                            <h2 id="email">{tr(i18n, |l| td_string!(l, jobs.email_heading))}</h2>
                            <p>{tr(i18n, |l| td_string!(l, jobs.email_intro))}</p>
                            <ActionForm action=save attr:class="form">
                                {move || error()
                                    .filter(|e| !e.only_about_fields(&["requests", "quotas", "compliance"]))
                                    .map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })}
                                {move || done().then(|| view! {
                                    <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, jobs.email_saved))}</p>
                                })}
                                {fields}
                                <button type="submit" class="button" disabled=move || save.pending().get()>
                                    {tr(i18n, |l| td_string!(l, jobs.save_email_choices))}
                                </button>
                            </ActionForm>
                        }
                        .into_any()
                    }
                }
            })}
        </Transition>
    }
}

#[component]
fn ChoiceField(
    category: MailCategory,
    chosen: Delivery,
    error: impl Fn() -> Option<crate::error::AppError> + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let name = category.as_str();
    let id = format!("email-{name}");
    let error_id = format!("email-{name}-error");
    let i18n = crate::i18n::use_i18n();
    let options = Delivery::ALL
        .into_iter()
        .map(|d| view! { <option value=d.as_str() selected=d == chosen>{move || d.label_in(i18n.get_locale())}</option> })
        .collect_view();
    let message = move || error().and_then(|e| e.field_message(name));
    view! {
        <div class="field">
            <label for=id.clone()>{move || category.label_in(i18n.get_locale())}</label>
            <select id=id name=name
                aria-invalid=move || message().is_some().then_some("true")
                autofocus=move || message().is_some()
                aria-describedby=move || message().is_some().then(|| error_id.clone())>
                {options}
            </select>
            {move || message().map(|m| view! { <p class="field__error" id=format!("email-{name}-error")>{m}</p> })}
        </div>
    }
}
