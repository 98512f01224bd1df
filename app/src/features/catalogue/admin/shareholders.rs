//! The chosen operator's shareholders (S3, S4): each removable, and the form that adds or
//! updates one.

use crate::ui::language::tr;
use leptos::prelude::*;

use super::form::{answer, country_field, form_note, refusal, SAVED};
use super::Actions;
use crate::domain::catalogue::CatalogueOperator;
use crate::domain::format::fill;
use crate::features::catalogue::page::shareholder_cells;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::form::Checked;

/// The operator's shareholders, each removable, and the form that adds or updates one.
#[component]
pub(super) fn ShareholdersEditor(operator: CatalogueOperator, actions: Actions) -> impl IntoView {
    let name = operator.operator.name.clone();
    let holder_result = answer(actions.holder);
    let holder_error = refusal(actions.holder);
    let remove_result = answer(actions.remove_holder);
    let none = operator.operator.shareholders.is_empty();
    let i18n = use_i18n();
    // Each row is an `ActionForm` whose children own what they show.
    let holders = operator
        .operator
        .shareholders
        .clone()
        .into_iter()
        .map(|h| {
            let operator_name = name.clone();
            let holder_name = h.name.clone();
            let label = h.name.clone();
            view! {
                <tr>
                    {shareholder_cells(h)}
                    <td data-label="">
                        <ActionForm action=actions.remove_holder attr:class="inline-form">
                            <input type="hidden" name="operator" value=operator_name/>
                            <input type="hidden" name="name" value=holder_name/>
                            <button type="submit" class="button button--small button--ghost">
                                {tr(i18n, |l| td_string!(l, catalogue.remove))} <span class="visually-hidden">" " {label}</span>
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let holders_heading = {
        let name = name.clone();
        move || {
            fill(
                t_string!(i18n, catalogue.shareholders_of),
                &[("name", &name)],
            )
        }
    };
    let holder_key = name;
    // The operator is a hidden field: its message (there is no field to tie it to) stands
    // where the form starts.
    let operator = Checked::of(holder_error, "holder-operator", "operator");
    let holder_name = Checked::of(holder_error, "holder-name", "name");
    let capital = Checked::of(holder_error, "holder-capital", "capital");
    let voting = Checked::of(holder_error, "holder-voting", "voting");
    view! {
        <div class="form">
            <h3>{holders_heading}</h3>
            {form_note(remove_result, &[], SAVED)}
            {if none {
                view! { <p class="field__hint">{tr(i18n, |l| td_string!(l, catalogue.no_shareholder))}</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table class="stack">
                            <thead>
                                <tr>
                                    <th>{tr(i18n, |l| td_string!(l, catalogue.shareholder))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.country))}</th><th class="num">{tr(i18n, |l| td_string!(l, catalogue.capital))}</th>
                                    <th class="num">{tr(i18n, |l| td_string!(l, catalogue.voting))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.rights))}</th>
                                    <th><span class="visually-hidden">{tr(i18n, |l| td_string!(l, catalogue.actions))}</span></th>
                                </tr>
                            </thead>
                            <tbody>{holders}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            <ActionForm action=actions.holder attr:class="admin-subform" attr:novalidate=true>
                <h4>{tr(i18n, |l| td_string!(l, catalogue.add_or_update_shareholder))}</h4>
                {form_note(holder_result, &["operator", "name", "country", "capital", "voting"], SAVED)}
                <input type="hidden" name="operator" value=holder_key/>
                {operator.error()}
                <div class="field">
                    <label for="holder-name">{tr(i18n, |l| td_string!(l, catalogue.holder_name_label))}</label>
                    <input id="holder-name" name="name" type="text" aria-invalid=holder_name.invalid() autofocus=holder_name.focus()
                        aria-describedby=holder_name.described_by(None)/>
                    {holder_name.error()}
                </div>
                {country_field("holder-country".into(), "country", |l| td_string!(l, catalogue.country_iso), String::new(), holder_error)}
                <div class="field">
                    <label for="holder-capital">{tr(i18n, |l| td_string!(l, catalogue.capital_pct))}</label>
                    <input id="holder-capital" name="capital" type="text" inputmode="decimal" placeholder="24.01"
                        aria-invalid=capital.invalid() autofocus=capital.focus() aria-describedby=capital.described_by(None)/>
                    {capital.error()}
                </div>
                <div class="field">
                    <label for="holder-voting">{tr(i18n, |l| td_string!(l, catalogue.voting_pct))}</label>
                    <input id="holder-voting" name="voting" type="text" inputmode="decimal" placeholder="24.01"
                        aria-invalid=voting.invalid() autofocus=voting.focus() aria-describedby=voting.described_by(None)/>
                    {voting.error()}
                </div>
                <div class="field">
                    <div class="choice">
                        <input id="holder-control" name="control_rights" type="checkbox" value="true"/>
                        <label for="holder-control">{tr(i18n, |l| td_string!(l, catalogue.holds_control))}</label>
                    </div>
                    <div class="choice">
                        <input id="holder-veto" name="veto_rights" type="checkbox" value="true"/>
                        <label for="holder-veto">{tr(i18n, |l| td_string!(l, catalogue.holds_veto))}</label>
                    </div>
                </div>
                <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.save_shareholder))}</button>
            </ActionForm>
        </div>
    }
}
