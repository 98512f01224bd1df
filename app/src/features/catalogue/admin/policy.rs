//! The policy lists form (EU, EEA, sanctions, adequacy decisions).

use std::sync::Arc;

use leptos::prelude::*;

use super::form::{answer, codes, field_error, form_note, invalid_when, refusal};
use super::Actions;
use crate::domain::catalogue::CatalogueSnapshot;

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
    view! {
        <section class="admin-section" aria-labelledby="policy">
            <h2 id="policy">"Policy lists"</h2>
            <ActionForm action=policy attr:class="form" attr:novalidate=true>
                <h3>"Policy lists " <small>"(version " {snapshot.policy.version} ")"</small></h3>
                {form_note(result, &["eu", "eea", "sanctions", "adequacy", "note"], "Saved as policy version")}
                <div class="field">
                    <label for="policy-eu">"EU members (ISO codes, comma-separated)"</label>
                    <textarea id="policy-eu" name="eu" rows="3" aria-invalid=invalid_when(error, "eu")>{eu}</textarea>
                    {field_error(error, "eu")}
                </div>
                <div class="field">
                    <label for="policy-eea">"EEA members"</label>
                    <textarea id="policy-eea" name="eea" rows="3" aria-invalid=invalid_when(error, "eea")>{eea}</textarea>
                    {field_error(error, "eea")}
                </div>
                <div class="field">
                    <label for="policy-sanctions">"Sanctions list"</label>
                    <textarea id="policy-sanctions" name="sanctions" rows="2" aria-invalid=invalid_when(error, "sanctions")>{sanctions}</textarea>
                    {field_error(error, "sanctions")}
                </div>
                <div class="field">
                    <label for="policy-adequacy">"Adequacy decisions (one a line: CODE or CODE: condition)"</label>
                    <textarea id="policy-adequacy" name="adequacy" rows="8" aria-invalid=invalid_when(error, "adequacy")>{adequacy}</textarea>
                    <span class="field__hint">"Conditions: none, commercial_organisations, data_privacy_framework_certified."</span>
                    {field_error(error, "adequacy")}
                </div>
                <div class="field">
                    <label for="policy-note">"Why this change"</label>
                    <input id="policy-note" name="note" type="text"/>
                </div>
                <button type="submit" class="button">"Save as a new policy version"</button>
            </ActionForm>
        </section>
    }
}
