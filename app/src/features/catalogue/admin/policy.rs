//! The policy lists form (EU, EEA, sanctions, adequacy decisions).

use crate::ui::language::tr;
use std::sync::Arc;

use leptos::prelude::*;

use super::form::{answer, codes, form_note, refusal};
use super::Actions;
use crate::domain::catalogue::CatalogueSnapshot;
use crate::domain::format::fill;
use crate::i18n::{td_string, use_i18n};
use crate::ui::form::Checked;

#[component]
pub(super) fn PolicySection(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    let policy = actions.policy;
    let result = answer(policy);
    let error = refusal(policy);
    let eu = codes(&snapshot.policy.eu);
    let eea = codes(&snapshot.policy.eea);
    let sanctions = codes(&snapshot.policy.sanctions);
    let adequacy = snapshot
        .policy
        .adequacy
        .iter()
        .map(|e| {
            let condition = serde_json::to_value(e.condition)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            format!("{}: {condition}", e.country.as_str())
        })
        .collect::<Vec<_>>()
        .join("\n");
    let i18n = use_i18n();
    let version = snapshot.policy.version;
    let eu_field = Checked::of(error, "policy-eu", "eu");
    let eea_field = Checked::of(error, "policy-eea", "eea");
    let sanctions_field = Checked::of(error, "policy-sanctions", "sanctions");
    let adequacy_field = Checked::of(error, "policy-adequacy", "adequacy");
    view! {
        <section class="admin-section" aria-labelledby="policy">
            <h2 id="policy">{tr(i18n, |l| td_string!(l, catalogue.admin_policy_lists))}</h2>
            // The lists decide where data may go: a fresh code first, asked for here when needed.
            <crate::features::account::StepUpPrompt error=Signal::derive(error)/>
            <ActionForm action=policy attr:class="form" attr:novalidate=true>
                <h3>{tr(i18n, |l| td_string!(l, catalogue.policy_lists_heading))} <small>{move || fill(td_string!(i18n.get_locale(), catalogue.version_paren), &[("n", &version)])}</small></h3>
                {form_note(result, &["eu", "eea", "sanctions", "adequacy", "note"], |l| td_string!(l, catalogue.saved_as_policy_version))}
                <div class="field">
                    <label for="policy-eu">{tr(i18n, |l| td_string!(l, catalogue.eu_members))}</label>
                    <textarea id="policy-eu" name="eu" rows="3" aria-invalid=eu_field.invalid() autofocus=eu_field.focus()
                        aria-describedby=eu_field.described_by(None)>{eu}</textarea>
                    {eu_field.error()}
                </div>
                <div class="field">
                    <label for="policy-eea">{tr(i18n, |l| td_string!(l, catalogue.eea_members))}</label>
                    <textarea id="policy-eea" name="eea" rows="3" aria-invalid=eea_field.invalid() autofocus=eea_field.focus()
                        aria-describedby=eea_field.described_by(None)>{eea}</textarea>
                    {eea_field.error()}
                </div>
                <div class="field">
                    <label for="policy-sanctions">{tr(i18n, |l| td_string!(l, catalogue.sanctions_list))}</label>
                    <textarea id="policy-sanctions" name="sanctions" rows="2" aria-invalid=sanctions_field.invalid() autofocus=sanctions_field.focus()
                        aria-describedby=sanctions_field.described_by(None)>{sanctions}</textarea>
                    {sanctions_field.error()}
                </div>
                <div class="field">
                    <label for="policy-adequacy">{tr(i18n, |l| td_string!(l, catalogue.adequacy_label))}</label>
                    <textarea id="policy-adequacy" name="adequacy" rows="8" aria-invalid=adequacy_field.invalid() autofocus=adequacy_field.focus()
                        aria-describedby=adequacy_field.described_by(Some("policy-adequacy-hint"))>{adequacy}</textarea>
                    <span class="field__hint" id="policy-adequacy-hint">{tr(i18n, |l| td_string!(l, catalogue.adequacy_hint))}</span>
                    {adequacy_field.error()}
                </div>
                <div class="field">
                    <label for="policy-note">{tr(i18n, |l| td_string!(l, catalogue.why_this_change))}</label>
                    <input id="policy-note" name="note" type="text"/>
                </div>
                <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.save_policy_version))}</button>
            </ActionForm>
        </section>
    }
}
