//! The organisation page's "Organisation details" section, for owners: the details the campus
//! verified, editable; a change of legal identity sends the organisation back to verification,
//! which the form says before and after.

use crate::ui::language::tr;
use leptos::prelude::*;

use super::api::{organisation_details, UpdateOrganisation};
use super::signup::OrganisationFields;
use super::types::{OrganisationForm, ORGANISATION_FIELDS};
use crate::error::AppError;
use crate::i18n::{td_string, use_i18n};
use crate::ui::form::FormRefused;

#[component]
pub fn OrganisationDetailsSection() -> impl IntoView {
    let save = crate::ui::form::action::<UpdateOrganisation>();
    let stored = Resource::new(move || save.version().get(), |_| organisation_details());
    let i18n = use_i18n();
    view! {
        <h2>{tr(i18n, |l| td_string!(l, tenants.details_title))}</h2>
        <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, tenants.loading))}</p> }>
            {move || Suspend::new(async move {
                match stored.await {
                    Ok(t) => {
                        let values = OrganisationForm {
                            org_name: t.name,
                            kind: t.kind,
                            country: t.country,
                            registration_id: t.registration_id,
                            sector: t.sector,
                            parent_country: t.parent_country,
                        };
                        view! { <DetailsForm save values/> }.into_any()
                    }
                    Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

#[component]
fn DetailsForm(save: ServerAction<UpdateOrganisation>, values: OrganisationForm) -> impl IntoView {
    let i18n = use_i18n();
    let error = move || match save.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let form_error = move || {
        error().map(|e: AppError| {
            if e.only_about_fields(&ORGANISATION_FIELDS) {
                view! { <FormRefused/> }.into_any()
            } else {
                view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }
                    .into_any()
            }
        })
    };
    let done = move || match save.value().get() {
        Some(Ok(true)) => Some(td_string!(
            i18n.get_locale(),
            tenants.details_back_to_verification
        )),
        Some(Ok(false)) => Some(td_string!(i18n.get_locale(), tenants.details_saved)),
        _ => None,
    };
    view! {
        <p class="field__hint">{tr(i18n, |l| td_string!(l, tenants.details_intro))}</p>
        <ActionForm action=save attr:class="form" attr:novalidate=true>
            {form_error}
            {move || done().map(|m| view! { <p class="form__ok" role="status">{m}</p> })}
            <OrganisationFields prefix="org" values error=Signal::derive(error)/>
            <button type="submit" class="button" disabled=move || save.pending().get()>
                {tr(i18n, |l| td_string!(l, tenants.details_save))}
            </button>
        </ActionForm>
    }
}
