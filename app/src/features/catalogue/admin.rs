//! Catalogue administration for platform admins: GPU inventory,
//! certifications, shareholders and the policy lists. Every form is an
//! `ActionForm` (it works before the wasm loads); the server validates,
//! audits and versions each change.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{
    get_catalogue, AddCertification, RemoveCertification, SetGpuInventory, SetShareholder,
    UpdatePolicy,
};
use super::page::{CatalogueView, ErrorNote};
use crate::domain::catalogue::CatalogueSnapshot;
use crate::error::AppError;
use crate::features::auth::use_viewer;

/// The message beside one field, when the last answer was about it.
fn field_error(
    error: impl Fn() -> Option<AppError> + Send + Sync + Copy + 'static,
    field: &'static str,
) -> impl Fn() -> Option<AnyView> + Send + Sync + 'static {
    move || {
        error()
            .and_then(|e| e.field_message(field))
            .map(|m| view! { <span class="field__error" role="alert">{m}</span> }.into_any())
    }
}

/// The message for the form as a whole: an error about no known field, or the success.
fn form_note(
    result: impl Fn() -> Option<Result<i64, AppError>> + Send + Sync + Copy + 'static,
    fields: &'static [&'static str],
    ok: &'static str,
) -> impl Fn() -> Option<AnyView> + Send + Sync + 'static {
    move || match result()? {
        Ok(n) => Some(view! { <p class="form__ok" role="status">{ok} " " {n} "."</p> }.into_any()),
        Err(e) if fields.iter().any(|f| e.field_message(f).is_some()) => None,
        Err(e) => {
            Some(view! { <p class="form__error" role="alert">{e.to_string()}</p> }.into_any())
        }
    }
}

#[component]
pub fn CatalogueAdminPage() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <Title text="Catalogue administration"/>
        <section class="page">
            <h1>"Catalogue administration"</h1>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match viewer.await {
                        Ok(Some(v)) if v.platform_admin => view! { <AdminForms/> }.into_any(),
                        Ok(Some(_)) => view! { <ErrorNote error=AppError::Forbidden/> }.into_any(),
                        Ok(None) => view! { <ErrorNote error=AppError::Unauthenticated/> }.into_any(),
                        Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn AdminForms() -> impl IntoView {
    let gpu = ServerAction::<SetGpuInventory>::new();
    let add_cert = ServerAction::<AddCertification>::new();
    let remove_cert = ServerAction::<RemoveCertification>::new();
    let holder = ServerAction::<SetShareholder>::new();
    let policy = ServerAction::<UpdatePolicy>::new();
    let snapshot = Resource::new(
        move || {
            (
                gpu.version().get(),
                add_cert.version().get(),
                remove_cert.version().get(),
                holder.version().get(),
                policy.version().get(),
            )
        },
        |_| get_catalogue(),
    );
    view! {
        <Transition fallback=|| view! { <p>"Loading the catalogue…"</p> }>
            {move || Suspend::new(async move {
                match snapshot.await {
                    Ok(snapshot) => view! {
                        <Forms snapshot=snapshot.clone() gpu add_cert remove_cert holder policy/>
                        <h2>"The catalogue as tenants see it"</h2>
                        <CatalogueView snapshot/>
                    }.into_any(),
                    Err(e) => view! { <ErrorNote error=e/> }.into_any(),
                }
            })}
        </Transition>
    }
}

fn site_options(snapshot: &CatalogueSnapshot) -> AnyView {
    snapshot
        .sites
        .iter()
        .map(|s| {
            let slug = s.profile.slug.clone();
            view! { <option value=slug>{s.profile.name.clone()}</option> }
        })
        .collect_view()
        .into_any()
}

#[component]
fn Forms(
    snapshot: CatalogueSnapshot,
    gpu: ServerAction<SetGpuInventory>,
    add_cert: ServerAction<AddCertification>,
    remove_cert: ServerAction<RemoveCertification>,
    holder: ServerAction<SetShareholder>,
    policy: ServerAction<UpdatePolicy>,
) -> impl IntoView {
    let gpu_result = move || gpu.value().get();
    let gpu_error = move || gpu_result().and_then(Result::err);
    let cert_result = move || add_cert.value().get();
    let cert_error = move || cert_result().and_then(Result::err);
    let remove_result = move || remove_cert.value().get();
    let remove_error = move || remove_result().and_then(Result::err);
    let holder_result = move || holder.value().get();
    let holder_error = move || holder_result().and_then(Result::err);
    let policy_result = move || policy.value().get();
    let policy_error = move || policy_result().and_then(Result::err);

    let mut operators: Vec<String> = snapshot
        .sites
        .iter()
        .map(|s| s.profile.operator.name.clone())
        .collect();
    operators.sort();
    operators.dedup();
    let codes = |set: &std::collections::BTreeSet<crate::domain::country::CountryCode>| {
        set.iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    };
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

    let gpu_sites = site_options(&snapshot);
    let cert_sites = site_options(&snapshot);
    let remove_sites = site_options(&snapshot);
    view! {
        <div class="features admin-forms">
            <ActionForm action=gpu attr:class="form" attr:novalidate=true>
                <h2>"Set GPU inventory"</h2>
                {form_note(gpu_result, &["site", "model", "installed", "reserve"], "Saved as catalogue revision")}
                <div class="field">
                    <label for="gpu-site">"Site"</label>
                    <select id="gpu-site" name="site">{gpu_sites}</select>
                    {field_error(gpu_error, "site")}
                </div>
                <div class="field">
                    <label for="gpu-model">"GPU model"</label>
                    <input id="gpu-model" name="model" type="text" placeholder="H100"/>
                    {field_error(gpu_error, "model")}
                </div>
                <div class="field">
                    <label for="gpu-installed">"Installed GPUs"</label>
                    <input id="gpu-installed" name="installed" type="number" min="0" inputmode="numeric"/>
                    {field_error(gpu_error, "installed")}
                </div>
                <div class="field">
                    <label for="gpu-reserve">"Reserve (never promised)"</label>
                    <input id="gpu-reserve" name="reserve" type="number" min="0" value="0" inputmode="numeric"/>
                    {field_error(gpu_error, "reserve")}
                </div>
                <button type="submit" class="button">"Save inventory"</button>
            </ActionForm>

            <ActionForm action=add_cert attr:class="form" attr:novalidate=true>
                <h2>"Add a certification"</h2>
                {form_note(cert_result, &["site", "kind", "hds_activities", "version", "eucs_level", "certificate_id", "valid_from", "valid_until"], "Saved as catalogue revision")}
                <div class="field">
                    <label for="cert-site">"Site"</label>
                    <select id="cert-site" name="site">{cert_sites}</select>
                    {field_error(cert_error, "site")}
                </div>
                <div class="field">
                    <label for="cert-kind">"Type"</label>
                    <select id="cert-kind" name="kind">
                        <option value="iso27001">"ISO 27001"</option>
                        <option value="hds">"HDS"</option>
                        <option value="secnumcloud">"SecNumCloud"</option>
                        <option value="eucs">"EUCS"</option>
                    </select>
                    {field_error(cert_error, "kind")}
                </div>
                <div class="field">
                    <label for="cert-activities">"HDS activities (HDS only)"</label>
                    <input id="cert-activities" name="hds_activities" type="text" placeholder="1, 2, 3"/>
                    {field_error(cert_error, "hds_activities")}
                </div>
                <div class="field">
                    <label for="cert-version">"Version"</label>
                    <input id="cert-version" name="version" type="text" placeholder="3.2"/>
                    {field_error(cert_error, "version")}
                </div>
                <div class="field">
                    <label for="cert-level">"EUCS level"</label>
                    <select id="cert-level" name="eucs_level">
                        <option value="">"—"</option>
                        <option value="basic">"basic"</option>
                        <option value="substantial">"substantial"</option>
                        <option value="high">"high"</option>
                    </select>
                    {field_error(cert_error, "eucs_level")}
                </div>
                <div class="field">
                    <label for="cert-id">"Certificate identifier"</label>
                    <input id="cert-id" name="certificate_id" type="text"/>
                    {field_error(cert_error, "certificate_id")}
                </div>
                <div class="field">
                    <label for="cert-from">"Valid from"</label>
                    <input id="cert-from" name="valid_from" type="date"/>
                    {field_error(cert_error, "valid_from")}
                </div>
                <div class="field">
                    <label for="cert-until">"Valid until (last day)"</label>
                    <input id="cert-until" name="valid_until" type="date"/>
                    {field_error(cert_error, "valid_until")}
                </div>
                <button type="submit" class="button">"Add certification"</button>
            </ActionForm>

            <ActionForm action=remove_cert attr:class="form" attr:novalidate=true>
                <h2>"Remove a certification"</h2>
                {form_note(remove_result, &["site", "certificate_id"], "Saved as catalogue revision")}
                <div class="field">
                    <label for="remove-site">"Site"</label>
                    <select id="remove-site" name="site">{remove_sites}</select>
                    {field_error(remove_error, "site")}
                </div>
                <div class="field">
                    <label for="remove-id">"Certificate identifier"</label>
                    <input id="remove-id" name="certificate_id" type="text"/>
                    {field_error(remove_error, "certificate_id")}
                </div>
                <button type="submit" class="button">"Remove certification"</button>
            </ActionForm>

            <ActionForm action=holder attr:class="form" attr:novalidate=true>
                <h2>"Set a shareholder"</h2>
                {form_note(holder_result, &["operator", "name", "country", "capital", "voting"], "Saved as catalogue revision")}
                <div class="field">
                    <label for="holder-operator">"Operator"</label>
                    <select id="holder-operator" name="operator">
                        {operators.into_iter().map(|o| { let label = o.clone(); view! { <option value=o>{label}</option> } }).collect_view()}
                    </select>
                    {field_error(holder_error, "operator")}
                </div>
                <div class="field">
                    <label for="holder-name">"Shareholder (added, or updated by name)"</label>
                    <input id="holder-name" name="name" type="text"/>
                    {field_error(holder_error, "name")}
                </div>
                <div class="field">
                    <label for="holder-country">"Country (ISO code)"</label>
                    <input id="holder-country" name="country" type="text" placeholder="FR" maxlength="2"/>
                    {field_error(holder_error, "country")}
                </div>
                <div class="field">
                    <label for="holder-capital">"Capital %"</label>
                    <input id="holder-capital" name="capital" type="text" inputmode="decimal" placeholder="24.01"/>
                    {field_error(holder_error, "capital")}
                </div>
                <div class="field">
                    <label for="holder-voting">"Voting rights %"</label>
                    <input id="holder-voting" name="voting" type="text" inputmode="decimal" placeholder="24.01"/>
                    {field_error(holder_error, "voting")}
                </div>
                <div class="field">
                    <div class="choice">
                        <input id="holder-control" name="control_rights" type="checkbox" value="true"/>
                        " " <label for="holder-control">"Holds control rights"</label>
                    </div>
                    <div class="choice">
                        <input id="holder-veto" name="veto_rights" type="checkbox" value="true"/>
                        " " <label for="holder-veto">"Holds veto rights"</label>
                    </div>
                </div>
                <button type="submit" class="button">"Save shareholder"</button>
            </ActionForm>

            <ActionForm action=policy attr:class="form" attr:novalidate=true>
                <h2>"Policy lists"</h2>
                {form_note(policy_result, &["eu", "eea", "sanctions", "adequacy", "note"], "Saved as policy version")}
                <div class="field">
                    <label for="policy-eu">"EU members (ISO codes, comma-separated)"</label>
                    <textarea id="policy-eu" name="eu" rows="3">{eu}</textarea>
                    {field_error(policy_error, "eu")}
                </div>
                <div class="field">
                    <label for="policy-eea">"EEA members"</label>
                    <textarea id="policy-eea" name="eea" rows="3">{eea}</textarea>
                    {field_error(policy_error, "eea")}
                </div>
                <div class="field">
                    <label for="policy-sanctions">"Sanctions list"</label>
                    <textarea id="policy-sanctions" name="sanctions" rows="2">{sanctions}</textarea>
                    {field_error(policy_error, "sanctions")}
                </div>
                <div class="field">
                    <label for="policy-adequacy">"Adequacy decisions (one a line: CODE or CODE: condition)"</label>
                    <textarea id="policy-adequacy" name="adequacy" rows="8">{adequacy}</textarea>
                    <span class="field__hint">"Conditions: none, commercial_organisations, data_privacy_framework_certified."</span>
                    {field_error(policy_error, "adequacy")}
                </div>
                <div class="field">
                    <label for="policy-note">"Why this change"</label>
                    <input id="policy-note" name="note" type="text"/>
                </div>
                <button type="submit" class="button">"Save as a new policy version"</button>
            </ActionForm>
        </div>
    }
}
