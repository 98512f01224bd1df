//! Catalogue administration for platform admins: operators and their
//! shareholders, sites, GPU inventory, certifications and the policy lists.
//! Every form is an `ActionForm` (it works before the wasm loads); the server
//! validates, audits and versions each change.
//!
//! The operator or site being edited is named in the address
//! (`?operator=<id>`, `?site=<slug>`), chosen through a plain GET form or an
//! "Edit" link, so its edit form comes pre-filled with the current values with
//! or without the wasm.

use std::sync::Arc;

use leptos::prelude::*;
use leptos::server_fn::ServerFn;
use leptos_meta::Title;
use leptos_router::{components::Form, hooks::use_query_map};

use super::api::{
    get_catalogue, AddCertification, CreateOperator, CreateSite, DeleteOperator, DeleteSite,
    RemoveCertification, RemoveShareholder, SetGpuInventory, SetShareholder, UpdateOperator,
    UpdatePolicy, UpdateSite,
};
use super::page::{shareholder_cells, CatalogueView};
use crate::domain::{
    catalogue::{CatalogueOperator, CatalogueSite, CatalogueSnapshot},
    country::{CountryCode, ALL_COUNTRIES},
};
use crate::error::AppError;
use crate::features::auth::use_viewer;

const PAGE: &str = "/admin/catalogue";
/// The `<datalist>` of ISO codes the country inputs suggest from.
const COUNTRY_LIST: &str = "iso-countries";

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

/// A country field: two letters, offered from the ISO list, with its error beside it.
fn country_field(
    id: String,
    name: &'static str,
    label: &'static str,
    value: String,
    error: impl Fn() -> Option<AppError> + Send + Sync + Copy + 'static,
) -> impl IntoView {
    view! {
        <div class="field">
            <label for=id.clone()>{label}</label>
            <input id=id name=name type="text" list=COUNTRY_LIST maxlength="2" autocomplete="off"
                placeholder="FR" value=value aria-invalid=invalid_when(error, name)/>
            {field_error(error, name)}
        </div>
    }
}

/// `aria-invalid` for a field the last answer refused.
fn invalid_when(
    error: impl Fn() -> Option<AppError> + Send + Sync + Copy + 'static,
    field: &'static str,
) -> impl Fn() -> Option<&'static str> + Send + Sync + 'static {
    move || error().and_then(|e| e.field_message(field)).map(|_| "true")
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

/// The last answer of a catalogue edit (a new revision or policy version).
fn answer<S>(
    action: ServerAction<S>,
) -> impl Fn() -> Option<Result<i64, AppError>> + Send + Sync + Copy + 'static
where
    S: ServerFn<Output = i64, Error = AppError> + Send + Sync + Clone + 'static,
{
    move || action.value().get()
}

/// The last error of a catalogue edit.
fn refusal<S>(
    action: ServerAction<S>,
) -> impl Fn() -> Option<AppError> + Send + Sync + Copy + 'static
where
    S: ServerFn<Output = i64, Error = AppError> + Send + Sync + Clone + 'static,
{
    move || action.value().get().and_then(Result::err)
}

const SAVED: &str = "Saved as catalogue revision";

#[component]
pub fn CatalogueAdminPage() -> impl IntoView {
    let viewer = use_viewer();
    // Created here, before the view (never inside a `Suspend`): the edits, and the catalogue
    // read again after each. Anyone but a platform admin gets the refusal, with its status.
    let actions = Actions::new();
    let snapshot = Resource::new(
        move || actions.versions(),
        move |_| async move {
            match viewer.await? {
                Some(v) if v.platform_admin => get_catalogue().await,
                Some(_) => Err(AppError::Forbidden),
                None => Err(AppError::Unauthenticated),
            }
        },
    );
    view! {
        <Title text="Catalogue administration"/>
        <section class="page">
            <h1>"Catalogue administration"</h1>
            <Transition fallback=|| view! { <p>"Loading the catalogue…"</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snapshot) => view! { <AdminForms snapshot=Arc::new(snapshot) actions/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Every edit of the page; the catalogue is read again after each.
#[derive(Clone, Copy)]
struct Actions {
    new_operator: ServerAction<CreateOperator>,
    edit_operator: ServerAction<UpdateOperator>,
    holder: ServerAction<SetShareholder>,
    remove_holder: ServerAction<RemoveShareholder>,
    delete_operator: ServerAction<DeleteOperator>,
    new_site: ServerAction<CreateSite>,
    edit_site: ServerAction<UpdateSite>,
    delete_site: ServerAction<DeleteSite>,
    gpu: ServerAction<SetGpuInventory>,
    add_cert: ServerAction<AddCertification>,
    remove_cert: ServerAction<RemoveCertification>,
    policy: ServerAction<UpdatePolicy>,
}

impl Actions {
    fn new() -> Self {
        Self {
            new_operator: ServerAction::new(),
            edit_operator: ServerAction::new(),
            holder: ServerAction::new(),
            remove_holder: ServerAction::new(),
            delete_operator: ServerAction::new(),
            new_site: ServerAction::new(),
            edit_site: ServerAction::new(),
            delete_site: ServerAction::new(),
            gpu: ServerAction::new(),
            add_cert: ServerAction::new(),
            remove_cert: ServerAction::new(),
            policy: ServerAction::new(),
        }
    }

    /// Changes whenever an edit completes.
    fn versions(&self) -> [usize; 12] {
        [
            self.new_operator.version().get(),
            self.edit_operator.version().get(),
            self.holder.version().get(),
            self.remove_holder.version().get(),
            self.delete_operator.version().get(),
            self.new_site.version().get(),
            self.edit_site.version().get(),
            self.delete_site.version().get(),
            self.gpu.version().get(),
            self.add_cert.version().get(),
            self.remove_cert.version().get(),
            self.policy.version().get(),
        ]
    }
}

#[component]
fn AdminForms(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    view! {
        <nav class="admin-nav" aria-label="Parts of the catalogue">
            <a href="#operators">"Operators"</a>
            <a href="#sites">"Sites"</a>
            <a href="#gpus">"GPUs"</a>
            <a href="#certifications">"Certifications"</a>
            <a href="#policy">"Policy lists"</a>
            <a href="#tenant-view">"As tenants see it"</a>
        </nav>
        <CountryList/>
        <OperatorsSection snapshot=snapshot.clone() actions/>
        <SitesSection snapshot=snapshot.clone() actions/>
        <GpuSection snapshot=snapshot.clone() actions/>
        <CertificationsSection snapshot=snapshot.clone() actions/>
        <PolicySection snapshot=snapshot.clone() actions/>
        <section class="admin-section" aria-labelledby="tenant-view">
            <h2 id="tenant-view">"The catalogue as tenants see it"</h2>
            <CatalogueView snapshot=(*snapshot).clone()/>
        </section>
    }
}

/// The ISO codes with their names, suggested by every country input.
#[component]
fn CountryList() -> impl IntoView {
    view! {
        <datalist id=COUNTRY_LIST>
            {ALL_COUNTRIES
                .iter()
                .map(|(code, name)| view! { <option value={*code}>{*name}</option> })
                .collect_view()}
        </datalist>
    }
}

fn codes<'a>(countries: impl IntoIterator<Item = &'a CountryCode>) -> String {
    countries
        .into_iter()
        .map(|c| c.as_str())
        .collect::<Vec<_>>()
        .join(", ")
}

fn site_options(snapshot: &CatalogueSnapshot, selected: Option<&str>) -> AnyView {
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

fn operator_options(snapshot: &CatalogueSnapshot, selected: Option<&str>) -> AnyView {
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
fn chosen_site() -> Memo<Option<String>> {
    let query = use_query_map();
    Memo::new(move |_| query.read().get("site"))
}

/// Chooses what a section edits through the address (`?name=…`), so it works before the wasm.
#[component]
fn EditChooser(
    id: &'static str,
    name: &'static str,
    label: &'static str,
    button: &'static str,
    options: AnyView,
) -> impl IntoView {
    view! {
        <Form method="GET" action=PAGE attr:class="form form--inline">
            <div class="field">
                <label for=id>{label}</label>
                <select id=id name=name>{options}</select>
            </div>
            <button type="submit" class="button button--small">{button}</button>
        </Form>
    }
}

/// An address of this page that chooses an operator or a site to edit.
fn edit_link(key: &str, value: &str, anchor: &str) -> String {
    format!("{PAGE}?{key}={}#{anchor}", crate::ui::table::escape(value))
}

// ---------------------------------------------------------------------------------------------------------
// Operators and shareholders
// ---------------------------------------------------------------------------------------------------------

#[component]
fn OperatorsSection(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    let query = use_query_map();
    let param = Memo::new(move |_| query.read().get("operator"));
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
                    <td>{op.name.clone()}</td>
                    <td>{op.registered_office.name()}</td>
                    <td>{op.central_administration.name()}</td>
                    <td>{op.main_establishment.name()}</td>
                    <td>{if op.dpf_certified { "yes" } else { "no" }}</td>
                    <td class="num">{op.shareholders.len()}</td>
                    <td>{if sites.is_empty() { "—".to_string() } else { sites }}</td>
                    <td>
                        <a href=href>"Edit" <span class="visually-hidden">" " {name}</span></a>
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
                    <p class="form__error" role="alert">"That operator is not in the catalogue; choose another."</p>
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
                <EditChooser id="choose-operator" name="operator" label="Operator to edit"
                    button="Edit this operator" options/>
            }
        }
    };
    view! {
        <section class="admin-section" aria-labelledby="operators">
            <h2 id="operators">"Operators"</h2>
            <p class="field__hint">
                "The legal entities that run the sites. Their offices (S2), shareholders (S3, S4) and "
                "Data Privacy Framework certification (G2) decide where sensitive and personal data may go."
            </p>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th>"Operator"</th><th>"Registered office"</th><th>"Central administration"</th>
                            <th>"Main establishment"</th><th>"DPF certified"</th><th class="num">"Shareholders"</th>
                            <th>"Sites"</th><th><span class="visually-hidden">"Actions"</span></th>
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
    view! {
        {country_field(id("registered"), "registered_office", "Registered office (ISO code)", registered, error)}
        {country_field(id("central"), "central_administration", "Central administration (ISO code)", central, error)}
        {country_field(id("main"), "main_establishment", "Main establishment (ISO code)", main, error)}
        <div class="field">
            <div class="choice">
                <input id=id("dpf") name="dpf_certified" type="checkbox" value="true" checked=dpf/>
                <label for=id("dpf")>"Certified under the EU-US Data Privacy Framework"</label>
            </div>
            <div class="choice">
                <input id=id("commercial") name="commercial_organisation" type="checkbox" value="true" checked=commercial/>
                <label for=id("commercial")>"A commercial organisation (Canada's adequacy decision covers only these)"</label>
            </div>
        </div>
    }
}

#[component]
fn NewOperatorForm(action: ServerAction<CreateOperator>) -> impl IntoView {
    let result = answer(action);
    let error = refusal(action);
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <h3>"Add an operator"</h3>
            {form_note(result, &["name", "registered_office", "central_administration", "main_establishment"], SAVED)}
            <div class="field">
                <label for="new-operator-name">"Legal name"</label>
                <input id="new-operator-name" name="name" type="text" aria-invalid=invalid_when(error, "name")/>
                {field_error(error, "name")}
            </div>
            <OperatorFields prefix="new-operator" error current=None/>
            <p class="field__hint">"Add its shareholders once it is saved."</p>
            <button type="submit" class="button">"Add operator"</button>
        </ActionForm>
    }
}

/// The chosen operator: its edit form, its shareholders (each removable) and
/// the form that adds or updates one.
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
    let holder_result = answer(actions.holder);
    let holder_error = refusal(actions.holder);
    let remove_result = answer(actions.remove_holder);
    let sites = match snapshot.sites_of(&name).len() {
        0 => "It runs no site yet.".to_string(),
        1 => "It runs one site.".to_string(),
        n => format!("It runs {n} sites."),
    };
    let none = operator.operator.shareholders.is_empty();
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
                    <td>
                        <ActionForm action=actions.remove_holder attr:class="inline-form">
                            <input type="hidden" name="operator" value=operator_name/>
                            <input type="hidden" name="name" value=holder_name/>
                            <button type="submit" class="button button--small button--ghost">
                                "Remove" <span class="visually-hidden">" " {label}</span>
                            </button>
                        </ActionForm>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let edit_heading = format!("Edit {name}");
    let holders_heading = format!("Shareholders of {name}");
    let (edit_key, edit_value, delete_value, holder_key) =
        (name.clone(), name.clone(), name.clone(), name);
    let current = Some(operator);
    view! {
        <div class="form-stack">
        <ActionForm action=edit attr:class="form" attr:novalidate=true attr:id="operator-edit">
            <h3>{edit_heading}</h3>
            <p class="field__hint">{sites}</p>
            {form_note(edit_result, &["name", "registered_office", "central_administration", "main_establishment"], SAVED)}
            <input type="hidden" name="operator" value=edit_key/>
            <div class="field">
                <label for="edit-operator-name">"Legal name"</label>
                <input id="edit-operator-name" name="name" type="text" value=edit_value
                    aria-invalid=invalid_when(edit_error, "name")/>
                {field_error(edit_error, "name")}
            </div>
            <OperatorFields prefix="edit-operator" error=edit_error current/>
            <button type="submit" class="button">"Save operator"</button>
        </ActionForm>
        <ActionForm action=actions.delete_operator attr:class="form form--danger">
            <DeleteFields result=Signal::derive(answer(actions.delete_operator)) field="operator"
                value=delete_value what="operator" rule="Only an operator that runs no site can be deleted."/>
        </ActionForm>
        </div>

        <div class="form">
            <h3>{holders_heading}</h3>
            {form_note(remove_result, &[], SAVED)}
            {if none {
                view! { <p class="field__hint">"No shareholder is recorded."</p> }.into_any()
            } else {
                view! {
                    <div class="table-wrap">
                        <table>
                            <thead>
                                <tr>
                                    <th>"Shareholder"</th><th>"Country"</th><th class="num">"Capital"</th>
                                    <th class="num">"Voting"</th><th>"Rights"</th>
                                    <th><span class="visually-hidden">"Actions"</span></th>
                                </tr>
                            </thead>
                            <tbody>{holders}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }}
            <ActionForm action=actions.holder attr:class="admin-subform" attr:novalidate=true>
                <h4>"Add or update a shareholder"</h4>
                {form_note(holder_result, &["operator", "name", "country", "capital", "voting"], SAVED)}
                <input type="hidden" name="operator" value=holder_key/>
                {field_error(holder_error, "operator")}
                <div class="field">
                    <label for="holder-name">"Shareholder (updated when the name is already listed)"</label>
                    <input id="holder-name" name="name" type="text" aria-invalid=invalid_when(holder_error, "name")/>
                    {field_error(holder_error, "name")}
                </div>
                {country_field("holder-country".into(), "country", "Country (ISO code)", String::new(), holder_error)}
                <div class="field">
                    <label for="holder-capital">"Capital %"</label>
                    <input id="holder-capital" name="capital" type="text" inputmode="decimal" placeholder="24.01"
                        aria-invalid=invalid_when(holder_error, "capital")/>
                    {field_error(holder_error, "capital")}
                </div>
                <div class="field">
                    <label for="holder-voting">"Voting rights %"</label>
                    <input id="holder-voting" name="voting" type="text" inputmode="decimal" placeholder="24.01"
                        aria-invalid=invalid_when(holder_error, "voting")/>
                    {field_error(holder_error, "voting")}
                </div>
                <div class="field">
                    <div class="choice">
                        <input id="holder-control" name="control_rights" type="checkbox" value="true"/>
                        <label for="holder-control">"Holds control rights"</label>
                    </div>
                    <div class="choice">
                        <input id="holder-veto" name="veto_rights" type="checkbox" value="true"/>
                        <label for="holder-veto">"Holds veto rights"</label>
                    </div>
                </div>
                <button type="submit" class="button">"Save shareholder"</button>
            </ActionForm>
        </div>
    }
}

// ---------------------------------------------------------------------------------------------------------
// Sites
// ---------------------------------------------------------------------------------------------------------

#[component]
fn SitesSection(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    let param = chosen_site();
    let table = snapshot
        .sites
        .iter()
        .map(|s| {
            let p = &s.profile;
            let access: Vec<&str> = p.admin_access_countries.iter().map(|c| c.name()).collect();
            let href = edit_link("site", &p.slug, "site-edit");
            let name = p.name.clone();
            view! {
                <tr>
                    <td>{p.name.clone()}</td>
                    <td><code>{p.slug.clone()}</code></td>
                    <td>{p.country.name()}</td>
                    <td>{p.operator.name.clone()}</td>
                    <td>{access.join(", ")}</td>
                    <td>
                        <a href=href>"Edit" <span class="visually-hidden">" " {name}</span></a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let chosen = {
        let snapshot = snapshot.clone();
        move || {
            let slug = param.get();
            let site = match slug.as_deref() {
                Some(slug) => snapshot.site(slug).cloned(),
                None => snapshot.sites.first().cloned(),
            };
            match site {
                Some(site) => view! { <SiteEditor site snapshot=snapshot.clone() action=actions.edit_site delete=actions.delete_site/> }.into_any(),
                None if slug.is_some() => view! {
                    <p class="form__error" role="alert">"That site is not in the catalogue; choose another."</p>
                }
                .into_any(),
                None => ().into_any(),
            }
        }
    };
    let chooser = {
        let snapshot = snapshot.clone();
        move || {
            let options = site_options(&snapshot, param.get().as_deref());
            view! {
                <EditChooser id="choose-site" name="site" label="Site to edit"
                    button="Edit this site" options/>
            }
        }
    };
    view! {
        <section class="admin-section" aria-labelledby="sites">
            <h2 id="sites">"Sites"</h2>
            <p class="field__hint">
                "Each site's country (G1) and the countries its administration and support staff reach "
                "tenant data from (G4, S5). A site's short name names it in addresses and requests; it never changes."
            </p>
            <div class="table-wrap">
                <table>
                    <thead>
                        <tr>
                            <th>"Site"</th><th>"Short name"</th><th>"Country"</th><th>"Operator"</th>
                            <th>"Staff reach data from"</th><th><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{table}</tbody>
                </table>
            </div>
            {chooser}
            <div class="features admin-forms">
                {chosen}
                <NewSiteForm snapshot=snapshot.clone() action=actions.new_site/>
            </div>
        </section>
    }
}

/// Name, country, operator and access countries, shared by the new and edit forms.
#[component]
fn SiteFields(
    prefix: &'static str,
    error: impl Fn() -> Option<AppError> + Send + Sync + Copy + 'static,
    snapshot: Arc<CatalogueSnapshot>,
    current: Option<CatalogueSite>,
) -> impl IntoView {
    let profile = current.map(|s| s.profile);
    let name = profile.as_ref().map(|p| p.name.clone()).unwrap_or_default();
    let country = profile
        .as_ref()
        .map(|p| p.country.as_str().to_string())
        .unwrap_or_default();
    let access = profile
        .as_ref()
        .map(|p| codes(&p.admin_access_countries))
        .unwrap_or_default();
    let operators = operator_options(
        &snapshot,
        profile.as_ref().map(|p| p.operator.name.as_str()),
    );
    let id = move |field: &str| format!("{prefix}-{field}");
    view! {
        <div class="field">
            <label for=id("name")>"Name"</label>
            <input id=id("name") name="name" type="text" value=name aria-invalid=invalid_when(error, "name")/>
            {field_error(error, "name")}
        </div>
        {country_field(id("country"), "country", "Country (ISO code)", country, error)}
        <div class="field">
            <label for=id("operator")>"Operator"</label>
            <select id=id("operator") name="operator" aria-invalid=invalid_when(error, "operator")>{operators}</select>
            {field_error(error, "operator")}
        </div>
        <div class="field">
            <label for=id("access")>"Administration and support reach tenant data from (ISO codes, comma-separated)"</label>
            <input id=id("access") name="admin_countries" type="text" autocomplete="off" placeholder="FR, DE"
                value=access aria-invalid=invalid_when(error, "admin_countries")/>
            {field_error(error, "admin_countries")}
        </div>
    }
}

#[component]
fn NewSiteForm(
    snapshot: Arc<CatalogueSnapshot>,
    action: ServerAction<CreateSite>,
) -> impl IntoView {
    let result = answer(action);
    let error = refusal(action);
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <h3>"Add a site"</h3>
            {form_note(result, &["slug", "name", "country", "operator", "admin_countries"], SAVED)}
            <div class="field">
                <label for="new-site-slug">"Short name (for addresses; it cannot change)"</label>
                <input id="new-site-slug" name="slug" type="text" autocomplete="off" placeholder="saclay-2"
                    aria-invalid=invalid_when(error, "slug")/>
                <span class="field__hint">"Lower-case letters a to z, digits and single hyphens."</span>
                {field_error(error, "slug")}
            </div>
            <SiteFields prefix="new-site" error snapshot current=None/>
            <p class="field__hint">"Add its GPUs and certifications once it is saved."</p>
            <button type="submit" class="button">"Add site"</button>
        </ActionForm>
    }
}

#[component]
fn SiteEditor(
    site: CatalogueSite,
    snapshot: Arc<CatalogueSnapshot>,
    action: ServerAction<UpdateSite>,
    delete: ServerAction<DeleteSite>,
) -> impl IntoView {
    let result = answer(action);
    let error = refusal(action);
    let slug = site.profile.slug.clone();
    let name = site.profile.name.clone();
    let delete_value = slug.clone();
    view! {
        <div class="form-stack">
        <ActionForm action attr:class="form" attr:novalidate=true attr:id="site-edit">
            <h3>{format!("Edit {name}")} " " <small>{format!("({slug})")}</small></h3>
            {form_note(result, &["name", "country", "operator", "admin_countries"], SAVED)}
            <input type="hidden" name="site" value=slug/>
            <SiteFields prefix="edit-site" error snapshot current=Some(site)/>
            <button type="submit" class="button">"Save site"</button>
        </ActionForm>
        <ActionForm action=delete attr:class="form form--danger">
            <DeleteFields result=Signal::derive(answer(delete)) field="site" value=delete_value what="site"
                rule="Only a site that no request names (drafts and past quotas included) can be deleted; \
                      set its GPUs to 0 to keep new requests away."/>
        </ActionForm>
        </div>
    }
}

/// The inside of the form that deletes the operator or site being edited (each caller wraps it
/// in its own `ActionForm`); the server says why when it may not.
#[component]
fn DeleteFields(
    result: Signal<Option<Result<i64, AppError>>>,
    field: &'static str,
    value: String,
    what: &'static str,
    rule: &'static str,
) -> impl IntoView {
    view! {
        <h3>{format!("Delete this {what}")}</h3>
        <p class="field__hint">{rule}</p>
        {form_note(move || result.get(), &[], "Deleted: catalogue revision")}
        <input type="hidden" name=field value=value/>
        <button type="submit" class="button button--danger">{format!("Delete {what}")}</button>
    }
}

// ---------------------------------------------------------------------------------------------------------
// GPUs, certifications, policy
// ---------------------------------------------------------------------------------------------------------

#[component]
fn GpuSection(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    let gpu = actions.gpu;
    let result = answer(gpu);
    let error = refusal(gpu);
    let param = chosen_site();
    let sites = move || site_options(&snapshot, param.get().as_deref());
    view! {
        <section class="admin-section" aria-labelledby="gpus">
            <h2 id="gpus">"GPU inventory"</h2>
            <div class="features admin-forms">
                <ActionForm action=gpu attr:class="form" attr:novalidate=true>
                    <h3>"Set GPU inventory"</h3>
                    {form_note(result, &["site", "model", "installed", "reserve"], SAVED)}
                    <div class="field">
                        <label for="gpu-site">"Site"</label>
                        <select id="gpu-site" name="site">{sites}</select>
                        {field_error(error, "site")}
                    </div>
                    <div class="field">
                        <label for="gpu-model">"GPU model"</label>
                        <input id="gpu-model" name="model" type="text" placeholder="H100"
                            aria-invalid=invalid_when(error, "model")/>
                        {field_error(error, "model")}
                    </div>
                    <div class="field">
                        <label for="gpu-installed">"Installed GPUs"</label>
                        <input id="gpu-installed" name="installed" type="number" min="0" inputmode="numeric"
                            aria-invalid=invalid_when(error, "installed")/>
                        {field_error(error, "installed")}
                    </div>
                    <div class="field">
                        <label for="gpu-reserve">"Reserve (never promised)"</label>
                        <input id="gpu-reserve" name="reserve" type="number" min="0" value="0" inputmode="numeric"
                            aria-invalid=invalid_when(error, "reserve")/>
                        {field_error(error, "reserve")}
                    </div>
                    <button type="submit" class="button">"Save inventory"</button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn CertificationsSection(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    let (add_cert, remove_cert) = (actions.add_cert, actions.remove_cert);
    let cert_result = answer(add_cert);
    let cert_error = refusal(add_cert);
    let remove_result = answer(remove_cert);
    let remove_error = refusal(remove_cert);
    let param = chosen_site();
    let cert_sites = {
        let snapshot = snapshot.clone();
        move || site_options(&snapshot, param.get().as_deref())
    };
    let remove_sites = move || site_options(&snapshot, param.get().as_deref());
    view! {
        <section class="admin-section" aria-labelledby="certifications">
            <h2 id="certifications">"Certifications"</h2>
            <div class="features admin-forms">
                <ActionForm action=add_cert attr:class="form" attr:novalidate=true>
                    <h3>"Add a certification"</h3>
                    {form_note(cert_result, &["site", "kind", "hds_activities", "version", "eucs_level", "certificate_id", "valid_from", "valid_until"], SAVED)}
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
                        <input id="cert-activities" name="hds_activities" type="text" placeholder="1, 2, 3"
                            aria-invalid=invalid_when(cert_error, "hds_activities")/>
                        {field_error(cert_error, "hds_activities")}
                    </div>
                    <div class="field">
                        <label for="cert-version">"Version"</label>
                        <input id="cert-version" name="version" type="text" placeholder="3.2"
                            aria-invalid=invalid_when(cert_error, "version")/>
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
                        <input id="cert-id" name="certificate_id" type="text"
                            aria-invalid=invalid_when(cert_error, "certificate_id")/>
                        {field_error(cert_error, "certificate_id")}
                    </div>
                    <div class="field">
                        <label for="cert-from">"Valid from"</label>
                        <input id="cert-from" name="valid_from" type="date"
                            aria-invalid=invalid_when(cert_error, "valid_from")/>
                        {field_error(cert_error, "valid_from")}
                    </div>
                    <div class="field">
                        <label for="cert-until">"Valid until (last day)"</label>
                        <input id="cert-until" name="valid_until" type="date"
                            aria-invalid=invalid_when(cert_error, "valid_until")/>
                        {field_error(cert_error, "valid_until")}
                    </div>
                    <button type="submit" class="button">"Add certification"</button>
                </ActionForm>

                <ActionForm action=remove_cert attr:class="form" attr:novalidate=true>
                    <h3>"Remove a certification"</h3>
                    {form_note(remove_result, &["site", "certificate_id"], SAVED)}
                    <div class="field">
                        <label for="remove-site">"Site"</label>
                        <select id="remove-site" name="site">{remove_sites}</select>
                        {field_error(remove_error, "site")}
                    </div>
                    <div class="field">
                        <label for="remove-id">"Certificate identifier"</label>
                        <input id="remove-id" name="certificate_id" type="text"
                            aria-invalid=invalid_when(remove_error, "certificate_id")/>
                        {field_error(remove_error, "certificate_id")}
                    </div>
                    <button type="submit" class="button">"Remove certification"</button>
                </ActionForm>
            </div>
        </section>
    }
}

#[component]
fn PolicySection(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
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
