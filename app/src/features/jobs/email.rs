//! "E-mail" on the account page: how the person receives each category of notice (immediately,
//! in a daily digest, or never), and which e-mails are always sent.

use leptos::prelude::*;

use super::api::{my_email_choices, ChooseEmails};
use crate::domain::mail::{Delivery, MailCategory};

#[component]
pub fn EmailChoicesSection() -> impl IntoView {
    let save = ServerAction::<ChooseEmails>::new();
    let data = Resource::new(move || save.version().get(), |_| my_email_choices());
    let error = move || save.value().get().and_then(Result::err);
    let done = move || matches!(save.value().get(), Some(Ok(())));
    view! {
        <Transition fallback=|| view! { <p>"Loading…"</p> }>
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
                            <h2 id="email">"E-mail"</h2>
                            <p>
                                "Every notice also shows in the portal. Security e-mails (a changed password, "
                                "wrong passwords from an unknown browser) and invitations are always sent."
                            </p>
                            <ActionForm action=save attr:class="form">
                                {move || error()
                                    .filter(|e| !e.only_about_fields(&["requests", "quotas", "compliance"]))
                                    .map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })}
                                {move || done().then(|| view! {
                                    <p class="form__ok" role="status">"Your e-mail choices are saved."</p>
                                })}
                                {fields}
                                <button type="submit" class="button" disabled=move || save.pending().get()>
                                    "Save the e-mail choices"
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
    let options = Delivery::ALL
        .into_iter()
        .map(|d| view! { <option value=d.as_str() selected=d == chosen>{d.label()}</option> })
        .collect_view();
    let message = move || error().and_then(|e| e.field_message(name));
    view! {
        <div class="field">
            <label for=id.clone()>{category.label()}</label>
            <select id=id name=name
                aria-invalid=move || message().is_some().then_some("true")
                aria-describedby=move || message().is_some().then(|| error_id.clone())>
                {options}
            </select>
            {move || message().map(|m| view! { <p class="field__error" id=format!("email-{name}-error")>{m}</p> })}
        </div>
    }
}
