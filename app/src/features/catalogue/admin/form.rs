//! What every form of the catalogue administration shares: the field errors shown beside their
//! fields (tied to them as `crate::ui::form` ties them), the banner for the rest, the country
//! inputs, the site and operator choosers.

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_router::{components::Form, hooks::use_query_map};

use crate::domain::{catalogue::CatalogueSnapshot, country::CountryCode};
use crate::error::AppError;
use crate::i18n::{td_string, use_i18n, Locale};
use crate::ui::form::{Checked, FormRefused};

/// Words that follow the language switch: a function of the language (a key's `td_string!`).
pub(super) type Words = fn(Locale) -> &'static str;

pub(super) const PAGE: &str = "/admin/catalogue";
/// The `<datalist>` of ISO codes the country inputs suggest from.
pub(super) const COUNTRY_LIST: &str = "iso-countries";

/// A country field: two letters, offered from the ISO list, with its error beside it.
pub(super) fn country_field(
    id: String,
    name: &'static str,
    label: Words,
    value: String,
    error: impl Fn() -> Option<AppError> + Send + Sync + Copy + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let country = Checked::of(error, id.clone(), name);
    view! {
        <div class="field">
            <label for=id.clone()>{move || label(i18n.get_locale())}</label>
            <input id=id name=name type="text" list=COUNTRY_LIST maxlength="2" autocomplete="off"
                placeholder="FR" value=value aria-invalid=country.invalid() autofocus=country.focus()
                aria-describedby=country.described_by(None)/>
            {country.error()}
        </div>
    }
}

/// The message for the form as a whole: the success, the errors that are about none of the
/// form's `fields` (those are shown beside their fields, all at once), or, when every error is
/// beside its field, the summary saying that the form was refused.
pub(super) fn form_note(
    result: impl Fn() -> Option<Result<i64, AppError>> + Send + Sync + Copy + 'static,
    fields: &'static [&'static str],
    ok: Words,
) -> impl Fn() -> Option<AnyView> + Send + Sync + 'static {
    let i18n = use_i18n();
    move || {
        match result()? {
        Ok(n) => Some(view! { <p class="form__ok" role="status">{move || ok(i18n.get_locale())} " " {n} "."</p> }.into_any()),
        Err(e) if e.only_about_fields(fields) => Some(view! { <FormRefused/> }.into_any()),
        Err(e) => {
            let unplaced: Vec<String> = e
                .field_errors()
                .into_iter()
                .filter(|f| !fields.contains(&f.field.as_str()))
                .map(|f| f.message)
                .collect();
            let text = if unplaced.is_empty() {
                e.message(i18n.get_locale())
            } else {
                unplaced.join(" ")
            };
            Some(view! { <p class="form__error" role="alert">{text}</p> }.into_any())
        }
    }
    }
}

/// The last answer of a catalogue edit (a new revision or policy version).
pub(super) fn answer<S>(
    action: ServerAction<S>,
) -> impl Fn() -> Option<Result<i64, AppError>> + Send + Sync + Copy + 'static
where
    S: ServerFn<Output = i64, Error = AppError> + Send + Sync + Clone + 'static,
{
    move || action.value().get()
}

/// The last error of a catalogue edit.
pub(super) fn refusal<S>(
    action: ServerAction<S>,
) -> impl Fn() -> Option<AppError> + Send + Sync + Copy + 'static
where
    S: ServerFn<Output = i64, Error = AppError> + Send + Sync + Clone + 'static,
{
    move || action.value().get().and_then(Result::err)
}

pub(super) const SAVED: Words = |l| td_string!(l, catalogue.saved_as_revision);

pub(super) fn codes<'a>(countries: impl IntoIterator<Item = &'a CountryCode>) -> String {
    countries
        .into_iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

pub(super) fn site_options(snapshot: &CatalogueSnapshot, selected: Option<&str>) -> AnyView {
    snapshot
        .sites
        .iter()
        .map(|s| {
            let slug = s.profile.slug.clone();
            let chosen = selected == Some(slug.as_str());
            view! { <option value=slug selected=chosen>{s.profile.name.clone()}</option> }
        })
        .collect_view()
        .into_any()
}

pub(super) fn operator_options(snapshot: &CatalogueSnapshot, selected: Option<&str>) -> AnyView {
    snapshot
        .operators
        .iter()
        .map(|o| {
            let name = o.operator.name.clone();
            let chosen = selected == Some(name.as_str());
            view! { <option value=name selected=chosen>{o.operator.name.clone()}</option> }
        })
        .collect_view()
        .into_any()
}

/// The site chosen in the address (`?site=<slug>`): edited, and preselected in
/// the GPU and certification forms.
pub(super) fn chosen_site() -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("site"))
}

/// Chooses what a section edits through the address (`?name=…`), so it works before the wasm.
#[component]
pub(super) fn EditChooser(
    id: &'static str,
    name: &'static str,
    label: Words,
    button: Words,
    options: AnyView,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <Form method="GET" action=PAGE attr:class="form form--inline">
            <div class="field">
                <label for=id>{move || label(i18n.get_locale())}</label>
                <select id=id name=name>{options}</select>
            </div>
            <button type="submit" class="button button--small">{move || button(i18n.get_locale())}</button>
        </Form>
    }
}

/// An address of this page that chooses an operator or a site to edit.
pub(super) fn edit_link(key: &str, value: &str, anchor: &str) -> String {
    format!("{PAGE}?{key}={}#{anchor}", crate::ui::table::escape(value))
}

/// The inside of the form that deletes the operator or site being edited (each caller wraps it
/// in its own `ActionForm`); the server says why when it may not.
#[component]
pub(super) fn DeleteFields(
    result: Signal<Option<Result<i64, AppError>>>,
    field: &'static str,
    value: String,
    /// "Delete this operator".
    heading: Words,
    /// "Delete operator".
    button: Words,
    rule: Words,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h3>{move || heading(i18n.get_locale())}</h3>
        <p class="field__hint">{move || rule(i18n.get_locale())}</p>
        {form_note(move || result.get(), &[], |l| td_string!(l, catalogue.deleted_revision))}
        <input type="hidden" name=field value=value/>
        <button type="submit" class="button button--danger">{move || button(i18n.get_locale())}</button>
    }
}
