//! Operators: their table, the chosen operator's edit and delete forms, and the new-operator
//! form. The chosen operator's shareholders are in `shareholders`.

use crate::ui::language::tr;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_router::hooks::use_query_map;

use super::form::{
    answer, country_field, edit_link, form_note, refusal, DeleteFields, EditChooser, SAVED,
};
use super::shareholders::ShareholdersEditor;
use super::Actions;
use crate::domain::format::fill;
use crate::domain::{
    catalogue::{CatalogueOperator, CatalogueSnapshot},
    country::CountryCode,
};
use crate::error::AppError;
use crate::features::catalogue::api::CreateOperator;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::form::Checked;

#[component]
pub(super) fn OperatorsSection(
    snapshot: Arc<CatalogueSnapshot>,
    actions: Actions,
) -> impl IntoView {
    let query = use_query_map();
    let param = Memo::new(move |_| query.read().get("operator"));
    let i18n = use_i18n();
    let table = snapshot
        .operators
        .iter()
        .map(|o| {
            let op = &o.operator;
            let sites = snapshot
                .sites_of(&op.name)
                .iter()
                .map(|s| s.profile.name.clone())
                .collect::<Vec<_>>()
                .join(", ");
            let href = edit_link("operator", &o.id.to_string(), "operator-edit");
            let name = op.name.clone();
            view! {
                <tr>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.operator))>{op.name.clone()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.registered_office_col))>{op.registered_office.name()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.central_administration_col))>{op.central_administration.name()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.main_establishment_col))>{op.main_establishment.name()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.dpf_certified_col))>{if op.dpf_certified { tr(i18n, |l| td_string!(l, catalogue.yes)).into_any() } else { tr(i18n, |l| td_string!(l, catalogue.no)).into_any() }}</td>
                    <td class="num" data-label=tr(i18n, |l| td_string!(l, catalogue.shareholders))>{op.shareholders.len()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.sites))>{if sites.is_empty() { "—".to_string() } else { sites }}</td>
                    <td data-label="">
                        <a href=href>{tr(i18n, |l| td_string!(l, catalogue.edit))} <span class="visually-hidden">" " {name}</span></a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let chosen = {
        let snapshot = snapshot.clone();
        move || {
            let id = param.get();
            let operator = match id.as_deref().map(str::parse::<i64>) {
                Some(Ok(id)) => snapshot.operator(id).cloned(),
                _ => snapshot.operators.first().cloned(),
            };
            match operator {
                Some(operator) => view! {
                    <OperatorEditor operator snapshot=snapshot.clone() actions/>
                }
                .into_any(),
                None if id.is_some() => view! {
                    <p class="form__error" role="alert">{tr(i18n, |l| td_string!(l, catalogue.operator_not_found))}</p>
                }
                .into_any(),
                None => ().into_any(),
            }
        }
    };
    let chooser = {
        let snapshot = snapshot.clone();
        move || {
            let current = param.get();
            let options = snapshot
                .operators
                .iter()
                .map(|o| {
                    let id = o.id.to_string();
                    let chosen = current.as_deref() == Some(id.as_str());
                    view! { <option value=id selected=chosen>{o.operator.name.clone()}</option> }
                })
                .collect_view()
                .into_any();
            view! {
                <EditChooser id="choose-operator" name="operator" label=|l| td_string!(l, catalogue.operator_to_edit)
                    button=|l| td_string!(l, catalogue.edit_this_operator) options/>
            }
        }
    };
    view! {
        <section class="admin-section" aria-labelledby="operators">
            <h2 id="operators">{tr(i18n, |l| td_string!(l, catalogue.admin_operators))}</h2>
            <p class="field__hint">
                {tr(i18n, |l| td_string!(l, catalogue.operators_hint_1))}
                {tr(i18n, |l| td_string!(l, catalogue.operators_hint_2))}
            </p>
            <div class="table-wrap">
                <table class="stack">
                    <thead>
                        <tr>
                            <th>{tr(i18n, |l| td_string!(l, catalogue.operator))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.registered_office_col))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.central_administration_col))}</th>
                            <th>{tr(i18n, |l| td_string!(l, catalogue.main_establishment_col))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.dpf_certified_col))}</th><th class="num">{tr(i18n, |l| td_string!(l, catalogue.shareholders))}</th>
                            <th>{tr(i18n, |l| td_string!(l, catalogue.sites))}</th><th><span class="visually-hidden">{tr(i18n, |l| td_string!(l, catalogue.actions))}</span></th>
                        </tr>
                    </thead>
                    <tbody>{table}</tbody>
                </table>
            </div>
            {chooser}
            <div class="features admin-forms">
                {chosen}
                <NewOperatorForm action=actions.new_operator/>
            </div>
        </section>
    }
}

/// The three office countries and the two flags, shared by the new and edit forms.
#[component]
fn OperatorFields(
    prefix: &'static str,
    error: impl Fn() -> Option<AppError> + Send + Sync + Copy + 'static,
    current: Option<CatalogueOperator>,
) -> impl IntoView {
    let op = current.map(|c| c.operator);
    let value = |f: fn(&crate::domain::residency::Operator) -> CountryCode| {
        op.as_ref()
            .map(|o| f(o).as_str().to_string())
            .unwrap_or_default()
    };
    let registered = value(|o| o.registered_office);
    let central = value(|o| o.central_administration);
    let main = value(|o| o.main_establishment);
    let dpf = op.as_ref().is_some_and(|o| o.dpf_certified);
    let commercial = op.as_ref().is_none_or(|o| o.commercial_organisation);
    let id = move |field: &str| format!("{prefix}-{field}");
    let i18n = use_i18n();
    view! {
        {country_field(id("registered"), "registered_office", |l| td_string!(l, catalogue.registered_office_iso), registered, error)}
        {country_field(id("central"), "central_administration", |l| td_string!(l, catalogue.central_administration_iso), central, error)}
        {country_field(id("main"), "main_establishment", |l| td_string!(l, catalogue.main_establishment_iso), main, error)}
        <div class="field">
            <div class="choice">
                <input id=id("dpf") name="dpf_certified" type="checkbox" value="true" checked=dpf/>
                <label for=id("dpf")>{tr(i18n, |l| td_string!(l, catalogue.dpf_label))}</label>
            </div>
            <div class="choice">
                <input id=id("commercial") name="commercial_organisation" type="checkbox" value="true" checked=commercial/>
                <label for=id("commercial")>{tr(i18n, |l| td_string!(l, catalogue.commercial_label))}</label>
            </div>
        </div>
    }
}

#[component]
fn NewOperatorForm(action: ServerAction<CreateOperator>) -> impl IntoView {
    let result = answer(action);
    let error = refusal(action);
    let i18n = use_i18n();
    let name = Checked::of(error, "new-operator-name", "name");
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <h3>{tr(i18n, |l| td_string!(l, catalogue.add_an_operator))}</h3>
            {form_note(result, &["name", "registered_office", "central_administration", "main_establishment"], SAVED)}
            <div class="field">
                <label for="new-operator-name">{tr(i18n, |l| td_string!(l, catalogue.legal_name))}</label>
                <input id="new-operator-name" name="name" type="text" aria-invalid=name.invalid() autofocus=name.focus()
                    aria-describedby=name.described_by(None)/>
                {name.error()}
            </div>
            <OperatorFields prefix="new-operator" error current=None/>
            <p class="field__hint">{tr(i18n, |l| td_string!(l, catalogue.add_shareholders_later))}</p>
            <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.add_operator))}</button>
        </ActionForm>
    }
}

/// The chosen operator: its edit and delete forms, then its shareholders.
#[component]
fn OperatorEditor(
    operator: CatalogueOperator,
    snapshot: Arc<CatalogueSnapshot>,
    actions: Actions,
) -> impl IntoView {
    let name = operator.operator.name.clone();
    let edit = actions.edit_operator;
    let edit_result = answer(edit);
    let edit_error = refusal(edit);
    let i18n = use_i18n();
    let site_count = snapshot.sites_of(&name).len();
    let sites = move || match site_count {
        0 => t_string!(i18n, catalogue.runs_no_site).to_string(),
        1 => t_string!(i18n, catalogue.runs_one_site).to_string(),
        n => fill(t_string!(i18n, catalogue.runs_n_sites), &[("n", &n)]),
    };
    let edit_heading = {
        let name = name.clone();
        move || fill(t_string!(i18n, catalogue.edit_name), &[("name", &name)])
    };
    let (edit_key, edit_value, delete_value) = (name.clone(), name.clone(), name);
    let holders = operator.clone();
    let current = Some(operator);
    let edit_name = Checked::of(edit_error, "edit-operator-name", "name");
    view! {
        <div class="form-stack">
        <ActionForm action=edit attr:class="form" attr:novalidate=true attr:id="operator-edit">
            <h3>{edit_heading}</h3>
            <p class="field__hint">{sites}</p>
            {form_note(edit_result, &["name", "registered_office", "central_administration", "main_establishment"], SAVED)}
            <input type="hidden" name="operator" value=edit_key/>
            <div class="field">
                <label for="edit-operator-name">{tr(i18n, |l| td_string!(l, catalogue.legal_name))}</label>
                <input id="edit-operator-name" name="name" type="text" value=edit_value
                    aria-invalid=edit_name.invalid() autofocus=edit_name.focus() aria-describedby=edit_name.described_by(None)/>
                {edit_name.error()}
            </div>
            <OperatorFields prefix="edit-operator" error=edit_error current/>
            <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.save_operator))}</button>
        </ActionForm>
        <ActionForm action=actions.delete_operator attr:class="form form--danger">
            <DeleteFields result=Signal::derive(answer(actions.delete_operator)) field="operator"
                value=delete_value heading=|l| td_string!(l, catalogue.delete_this_operator)
                button=|l| td_string!(l, catalogue.delete_operator)
                rule=|l| td_string!(l, catalogue.delete_operator_rule)/>
        </ActionForm>
        </div>

        <ShareholdersEditor operator=holders actions/>
    }
}
