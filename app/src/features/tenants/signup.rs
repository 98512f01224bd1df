//! Sign-up: a person asks for an account and a new organisation (tenant); a
//! link e-mailed to the address confirms it (see `confirm.rs`), after which the
//! organisation starts *pending verification* with the person as its owner.
//! Whatever the address, the page then says the same: a message is on its way.
//! The page is a plain form, so it works before the wasm loads.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::api::Signup;
use super::types::{OrganisationForm, SIGN_UP_FIELDS};
use crate::domain::country::ALL_COUNTRIES;
use crate::domain::identity::{Sector, TenantKind};
use crate::error::AppError;
use crate::i18n::{td_string, use_i18n};

/// EU member states, listed first in the country selects (the campus serves
/// them first); Greece is "GR" as in ISO 3166-1.
pub const EU_COUNTRIES: [&str; 27] = [
    "AT", "BE", "BG", "CY", "CZ", "DE", "DK", "EE", "ES", "FI", "FR", "GR", "HR", "HU", "IE", "IT",
    "LT", "LU", "LV", "MT", "NL", "PL", "PT", "RO", "SE", "SI", "SK",
];

/// Countries as `(code, name)`.
pub type Countries = Vec<(&'static str, &'static str)>;

/// Country choices for a select: the EU member states by name, then every
/// other country by name. Each is `(code, name)`.
pub fn country_choices() -> (Countries, Countries) {
    let mut eu: Vec<_> = ALL_COUNTRIES
        .iter()
        .copied()
        .filter(|(code, _)| EU_COUNTRIES.contains(code))
        .collect();
    let mut rest: Vec<_> = ALL_COUNTRIES
        .iter()
        .copied()
        .filter(|(code, _)| !EU_COUNTRIES.contains(code))
        .collect();
    eu.sort_by(|a, b| a.1.cmp(b.1));
    rest.sort_by(|a, b| a.1.cmp(b.1));
    (eu, rest)
}

#[component]
pub fn SignupPage() -> impl IntoView {
    let action = crate::ui::form::action::<Signup>();
    let sent = crate::ui::form::sent(action.value());
    let error = move || match action.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let field_error = move |field: &'static str| {
        Signal::derive(move || error().and_then(|e| e.field_message(field)))
    };
    let i18n = use_i18n();
    let form_error = move || {
        error()
            .filter(|e| !e.only_about_fields(&SIGN_UP_FIELDS))
            .map(|e| e.message(i18n.get_locale()))
    };
    let label = move |text: fn(crate::i18n::Locale) -> &'static str| {
        Signal::derive(move || text(i18n.get_locale()))
    };
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, tenants.sign_up_title))/>
        <section class="page page--narrow">
            <h1>{tr(i18n, |l| td_string!(l, tenants.sign_up_title))}</h1>
            <Show when=sent>
                <p class="form__ok" role="status" tabindex="-1" autofocus=true>{tr(i18n, |l| td_string!(l, tenants.sign_up_sent))}</p>
            </Show>
            <div hidden=sent>
            <p>{tr(i18n, |l| td_string!(l, tenants.sign_up_intro))}</p>
            <ActionForm action=action attr:class="form" attr:novalidate=true>
                {move || form_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <fieldset class="form__group">
                    <legend>{tr(i18n, |l| td_string!(l, tenants.you))}</legend>
                    <TextField id="signup-email" name="email" label=label(|l| td_string!(l, tenants.email_address)) kind="email"
                        autocomplete="username" error=field_error("email")/>
                    <TextField id="signup-name" name="name" label=label(|l| td_string!(l, tenants.your_name)) kind="text"
                        autocomplete="name" error=field_error("name")/>
                    <TextField id="signup-password" name="password" label=label(|l| td_string!(l, tenants.password_length))
                        kind="password" autocomplete="new-password" error=field_error("password")/>
                </fieldset>
                <fieldset class="form__group">
                    <legend>{tr(i18n, |l| td_string!(l, tenants.your_organisation))}</legend>
                    <OrganisationFields prefix="signup" values=OrganisationForm::default()
                        error=Signal::derive(error)/>
                </fieldset>
                <button type="submit" class="button" disabled=move || action.pending().get()>
                    {tr(i18n, |l| td_string!(l, tenants.create_my_account))}
                </button>
                <p>{tr(i18n, |l| td_string!(l, tenants.already_have_account))} " " <A href="/login">{tr(i18n, |l| td_string!(l, tenants.sign_in))}</A></p>
            </ActionForm>
            </div>
        </section>
    }
}

/// The fields describing an organisation (name, kind, legal country, registration id, sector,
/// parent's country), each with its error beside it, showing `values` first (empty, France
/// preselected, for a sign-up): the sign-up form's and the organisation page's. Ids are `<prefix>-org-name`, `<prefix>-kind`, …
#[component]
pub fn OrganisationFields(
    prefix: &'static str,
    values: OrganisationForm,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    let field_error = move |field: &'static str| {
        Signal::derive(move || error.get().and_then(|e| e.field_message(field)))
    };
    let i18n = use_i18n();
    let label = move |text: fn(crate::i18n::Locale) -> &'static str| {
        Signal::derive(move || text(i18n.get_locale()))
    };
    let (eu, rest) = country_choices();
    let or_fr = |c: &str| {
        if c.is_empty() {
            "FR".to_owned()
        } else {
            c.to_owned()
        }
    };
    let (kind, sector) = (values.kind.clone(), values.sector.clone());
    let (kind_id, sector_id) = (format!("{prefix}-kind"), format!("{prefix}-sector"));
    view! {
        <TextField id=format!("{prefix}-org-name") name="org_name" label=label(|l| td_string!(l, tenants.organisation_name)) kind="text"
            autocomplete="organization" value=values.org_name.clone() error=field_error("org_name")/>
        <div class="field">
            <label for=kind_id.clone()>{tr(i18n, |l| td_string!(l, tenants.kind_of_organisation))}</label>
            <select id=kind_id.clone() name="kind"
                aria-invalid=move || field_error("kind").get().is_some().to_string()
                autofocus=move || field_error("kind").get().is_some()
                aria-describedby=format!("{kind_id}-error")>
                {TenantKind::ALL.iter().map(|k| view! {
                    <option value=k.as_str() selected=k.as_str() == kind>{move || k.label_in(i18n.get_locale())}</option>
                }).collect_view()}
            </select>
            <FieldError id=format!("{kind_id}-error") error=field_error("kind")/>
        </div>
        <CountrySelect id=format!("{prefix}-country") name="country" label=label(|l| td_string!(l, tenants.legal_country))
            eu=eu.clone() rest=rest.clone() selected=or_fr(&values.country) error=field_error("country")/>
        <TextField id=format!("{prefix}-registration-id") name="registration_id"
            label=label(|l| td_string!(l, tenants.registration_id_hint))
            kind="text" autocomplete="off" value=values.registration_id.clone() error=field_error("registration_id")/>
        <div class="field">
            <label for=sector_id.clone()>{tr(i18n, |l| td_string!(l, tenants.sector))}</label>
            <select id=sector_id.clone() name="sector"
                aria-invalid=move || field_error("sector").get().is_some().to_string()
                autofocus=move || field_error("sector").get().is_some()
                aria-describedby=format!("{sector_id}-error")>
                {Sector::ALL.iter().map(|s| view! {
                    <option value=s.as_str() selected=s.as_str() == sector>{move || s.label_in(i18n.get_locale())}</option>
                }).collect_view()}
            </select>
            <FieldError id=format!("{sector_id}-error") error=field_error("sector")/>
        </div>
        <CountrySelect id=format!("{prefix}-parent-country") name="parent_country"
            label=label(|l| td_string!(l, tenants.parent_country_hint))
            eu=eu rest=rest selected=or_fr(&values.parent_country) error=field_error("parent_country")/>
    }
}

/// A labelled text input with its error shown beside it.
#[component]
fn TextField(
    #[prop(into)] id: String,
    name: &'static str,
    label: Signal<&'static str>,
    kind: &'static str,
    autocomplete: &'static str,
    #[prop(optional)] value: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{move || label.get()}</label>
            <input id=id name=name type=kind autocomplete=autocomplete required=true value=value
                aria-invalid=move || error.get().is_some().to_string()
                autofocus=move || error.get().is_some()
                aria-describedby=error_id.clone()/>
            <FieldError id=error_id error=error/>
        </div>
    }
}

/// A select of countries, EU member states first, `selected` preselected.
#[component]
fn CountrySelect(
    #[prop(into)] id: String,
    name: &'static str,
    label: Signal<&'static str>,
    eu: Countries,
    rest: Countries,
    selected: String,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let error_id = format!("{id}-error");
    let i18n = use_i18n();
    let (in_eu, elsewhere) = (selected.clone(), selected);
    view! {
        <div class="field">
            <label for=id.clone()>{move || label.get()}</label>
            <select id=id name=name aria-invalid=move || error.get().is_some().to_string()
                autofocus=move || error.get().is_some()
                aria-describedby=error_id.clone()>
                <optgroup label=tr(i18n, |l| td_string!(l, tenants.european_union))>
                    {eu.into_iter().map(|(code, country)| view! {
                        <option value=code selected=code == in_eu>{country}</option>
                    }).collect_view()}
                </optgroup>
                <optgroup label=tr(i18n, |l| td_string!(l, tenants.other_countries))>
                    {rest.into_iter().map(|(code, country)| view! {
                        <option value=code selected=code == elsewhere>{country}</option>
                    }).collect_view()}
                </optgroup>
            </select>
            <FieldError id=error_id error=error/>
        </div>
    }
}

/// The message beside a field, when there is one.
#[component]
fn FieldError(#[prop(into)] id: String, error: Signal<Option<String>>) -> impl IntoView {
    view! {
        <p class="field__error" id=id role="alert" hidden=move || error.get().is_none()>
            {move || error.get().unwrap_or_default()}
        </p>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn eu_countries_come_first_and_every_country_is_offered_once() {
        let (eu, rest) = country_choices();
        assert_eq!(eu.len(), 27);
        assert_eq!(eu.len() + rest.len(), ALL_COUNTRIES.len());
        assert!(eu.iter().any(|(c, _)| *c == "FR"));
        assert!(!rest.iter().any(|(c, _)| *c == "FR"));
    }
}
