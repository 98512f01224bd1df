//! The request form: `/requests/new`, and `/requests/:id/edit` to resume a draft. Beside the
//! fields, every site of the catalogue with whether the classification and window allow it
//! (the residency evaluator, on the server) and its free GPUs of the chosen model over the window.
//! The form posts without the wasm too; the server checks everything again.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::api::{get_request, request_form_options, SaveRequest};
use super::types::{RequestDetail, SiteOption};
use super::view::{error_view, BackToList, UsageBar};
use crate::domain::format::fill;
use crate::domain::identity::Sector;
use crate::domain::residency::Classification;
use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::features::identity::Viewer;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::form::{self, described_by, field_error, invalid, FormRefused};

/// What the form starts with: empty, or a draft's values.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Initial {
    id: Option<i64>,
    /// The project's id, as the select's value.
    project: String,
    title: String,
    justification: String,
    sector: String,
    classification: String,
    waiver: bool,
    site: String,
    gpu_model: String,
    gpus: String,
    start: String,
    end: String,
    hours: String,
}

impl Default for Initial {
    fn default() -> Self {
        Self {
            id: None,
            project: String::new(),
            title: String::new(),
            justification: String::new(),
            sector: Sector::Research.as_str().into(),
            classification: Classification::Public.as_str().into(),
            waiver: false,
            site: String::new(),
            gpu_model: "H100".into(),
            gpus: String::new(),
            start: String::new(),
            end: String::new(),
            hours: String::new(),
        }
    }
}

impl Initial {
    fn from_draft(d: &RequestDetail) -> Self {
        let s = &d.summary;
        Self {
            id: Some(s.id),
            project: s.project_id.to_string(),
            title: s.project_title.clone(),
            justification: d.justification.clone(),
            sector: s.sector.clone(),
            classification: s.classification.clone(),
            waiver: d.confidential_waiver,
            site: s.site_slug.clone(),
            gpu_model: s.gpu_model.clone(),
            gpus: s.gpus.to_string(),
            start: s.start_date.clone(),
            end: s.end_date.clone(),
            hours: d
                .expected_gpu_hours
                .map(|h| h.to_string())
                .unwrap_or_default(),
        }
    }
}

/// The fields the form shows, each with its error beside it.
const FORM_FIELDS: &[&str] = &[
    "project",
    "project_title",
    "justification",
    "sector",
    "classification",
    "site",
    "gpu_model",
    "gpus",
    "start_date",
    "end_date",
    "expected_gpu_hours",
];

/// `/requests/new`.
#[component]
pub fn NewRequestPage() -> impl IntoView {
    view! { <RequestForm editing=false/> }
}

/// `/requests/:id/edit`: a draft of the viewer's, to finish and submit.
#[component]
pub fn EditDraftPage() -> impl IntoView {
    view! { <RequestForm editing=true/> }
}

/// The values the person changed; `None` until they touch a field (the draft's value holds).
#[derive(Clone, Copy)]
struct Touched {
    classification: RwSignal<Option<String>>,
    model: RwSignal<Option<String>>,
    start: RwSignal<Option<String>>,
    end: RwSignal<Option<String>>,
    waiver: RwSignal<Option<bool>>,
    site: RwSignal<Option<String>>,
}

#[component]
fn RequestForm(editing: bool) -> impl IntoView {
    let params = use_params_map();
    let query = leptos_router::hooks::use_query_map();
    let draft_id = move || editing.then(|| params.read().get("id").unwrap_or_default());
    // Every resource is created here, before the view: none inside a `Suspend`.
    let draft = Resource::new(draft_id, |id| async move {
        match id {
            None => Ok(None),
            Some(id) => get_request(id).await.map(Some),
        }
    });
    // The GPU models, the form token and whether the tenant may submit: asked once, after the
    // draft (a draft that is not the viewer's answers "not found" for the whole page).
    let first = Resource::new(
        || (),
        move |_| async move {
            draft.await?;
            request_form_options(
                String::new(),
                String::new(),
                String::new(),
                String::new(),
                None,
            )
            .await
        },
    );
    let viewer = crate::features::identity::use_viewer();
    let i18n = use_i18n();
    let title = if editing {
        page_title(i18n, |l| td_string!(l, requests.edit_draft_title))
    } else {
        page_title(i18n, |l| td_string!(l, requests.new_request))
    };
    view! {
        <Title text=title/>
        <section class="page">
            <BackToList/>
            <div class="page-head">
                <div>
                    <h1>{move || if editing { t_string!(i18n, requests.finish_draft) } else { t_string!(i18n, requests.ask_for_gpus) }}</h1>
                    <p class="page-head__lead">
                        {tr(i18n, |l| td_string!(l, requests.form_lead))}
                    </p>
                </div>
            </div>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, requests.loading_form))}</p> }>
                {move || Suspend::new(async move {
                    // Someone who may not ask for GPUs gets the reason, not a form whose buttons fail.
                    match (draft.await, first.await) {
                        (_, Err(AppError::Forbidden)) => view! { <CannotAsk viewer=viewer.await.ok().flatten()/> }.into_any(),
                        (Ok(Some(d)), _) if !d.summary.status.is_editable() => view! {
                            <p class="form__error" role="alert">
                                {let status = d.summary.status;
                                move || fill(t_string!(i18n, requests.not_editable), &[("status", &status.label_in(i18n.get_locale()).to_lowercase())])}
                                " "
                                <A href=format!("/requests/{}", d.summary.id)>{tr(i18n, |l| td_string!(l, requests.see_request))}</A>
                            </p>
                        }.into_any(),
                        (Ok(d), Ok(first)) => {
                            let mut initial = d.as_ref().map(Initial::from_draft).unwrap_or_default();
                            if initial.id.is_none() {
                                // `/requests/new?project=3`, from a project's page.
                                initial.project = query.read_untracked().get("project").unwrap_or_default();
                            }
                            view! { <RequestFormView initial first/> }.into_any()
                        }
                        (Err(e), _) | (_, Err(e)) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Why the form is not offered: auditors read, platform admins decide.
#[component]
fn CannotAsk(viewer: Option<Viewer>) -> impl IntoView {
    let i18n = use_i18n();
    let text = move || match &viewer {
        Some(v) if v.role == Some(TenantRole::Auditor) => fill(
            t_string!(i18n, requests.cannot_ask_auditor),
            &[("tenant", &v.tenant_name.clone().unwrap_or_default())],
        ),
        Some(v) if v.platform_admin && v.role.is_none() => {
            t_string!(i18n, requests.cannot_ask_admin).to_owned()
        }
        _ => t_string!(i18n, requests.cannot_ask_role).to_owned(),
    };
    view! {
        <div class="card empty">
            <p>{text}</p>
        </div>
    }
}

/// The request form itself, drawn by the server: it posts as a plain form (the server checks
/// everything, sends a refused form back with its messages beside its fields, and an accepted
/// one to the request's page). Only the sites beside the fields are an island.
#[component]
fn RequestFormView(initial: Initial, first: super::types::FormOptions) -> impl IntoView {
    let i18n = use_i18n();
    let save = crate::ui::form::action::<SaveRequest>();
    let error = move || match save.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let picker = PickerStart {
        classification: initial.classification.clone(),
        model: initial.gpu_model.clone(),
        start: initial.start.clone(),
        end: initial.end.clone(),
        waiver: initial.waiver,
        site: initial.site.clone(),
    };
    let site_error = error().and_then(|e| e.field_message("site"));
    let site_refused = site_error.is_some();
    view! {
            <ActionForm action=save attr:class="request-form" attr:novalidate=true>
                {error().map(|e| {
                    // Errors about fields the form shows stand beside them, and the summary only
                    // says that the form was refused; any other (a stale form token, a
                    // conflict…) is said here.
                    if e.only_about_fields(FORM_FIELDS) {
                        return view! { <FormRefused/> }.into_any();
                    }
                    let text = match e.field_errors().into_iter().find(|f| !FORM_FIELDS.contains(&f.field.as_str())) {
                        Some(f) => f.message,
                        None => e.to_string(),
                    };
                    view! { <p class="form__error request-form__alert" role="alert">{text}</p> }.into_any()
                })}
                <Fields initial projects=first.projects first_models=first.gpu_models idempotency_key=first.idempotency_key verified=first.tenant_verified error=Signal::derive(error)/>
                <fieldset class="request-form__sites"
                    aria-invalid=invalid(site_refused)
                    aria-describedby=described_by(None, "rq-site", site_refused)>
                    <legend>{tr(i18n, |l| td_string!(l, requests.site))}</legend>
                    {field_error("rq-site", site_error)}
                    <SitePickerIsland start=picker/>
                </fieldset>
                <div class="request-form__actions">
                    <button type="submit" name="intent" value="submit" class="button">
                        {tr(i18n, |l| td_string!(l, requests.submit_for_review))}
                    </button>
                    <button type="submit" name="intent" value="draft" class="button button--ghost-dark">
                        {tr(i18n, |l| td_string!(l, requests.save_as_draft))}
                    </button>
                </div>
            </ActionForm>
    }
}

/// What the site picker starts from: the values the form holds when the page is drawn.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PickerStart {
    classification: String,
    model: String,
    start: String,
    end: String,
    waiver: bool,
    site: String,
}

/// The ids of the fields whose change checks the sites again.
#[cfg(feature = "hydrate")]
const WATCHED: [&str; 5] = [
    "rq-classification",
    "rq-model",
    "rq-start",
    "rq-end",
    "rq-waiver",
];

/// The sites, checked again (by the server: the residency rules run there) as the person changes
/// the classification, the model or the window. An island: it listens to the form's fields,
/// which are the server's HTML, by their ids.
#[island]
fn SitePickerIsland(start: PickerStart) -> impl IntoView {
    let i18n = crate::ui::language::island_i18n();
    let touched = Touched {
        classification: RwSignal::new(None),
        model: RwSignal::new(None),
        start: RwSignal::new(None),
        end: RwSignal::new(None),
        waiver: RwSignal::new(None),
        site: RwSignal::new(None),
    };
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        crate::ui::form::on_field_change(move |field| {
            let id = field.id();
            if !WATCHED.contains(&id.as_str()) {
                return;
            }
            if let Some(input) = field.dyn_ref::<web_sys::HtmlInputElement>() {
                match id.as_str() {
                    "rq-waiver" => touched.waiver.set(Some(input.checked())),
                    "rq-start" => touched.start.set(Some(input.value())),
                    _ => touched.end.set(Some(input.value())),
                }
            } else if let Some(select) = field.dyn_ref::<web_sys::HtmlSelectElement>() {
                match id.as_str() {
                    "rq-classification" => touched.classification.set(Some(select.value())),
                    _ => touched.model.set(Some(select.value())),
                }
            }
        });
    }
    let initial = start.clone();
    let options = Resource::new(
        move || {
            (
                touched.classification.get(),
                touched.model.get(),
                (touched.start.get(), touched.end.get()),
                touched.waiver.get(),
            )
        },
        move |(classification, model, (start_day, end_day), waiver)| {
            let initial = initial.clone();
            async move {
                request_form_options(
                    classification.unwrap_or(initial.classification),
                    model.unwrap_or(initial.model),
                    start_day.unwrap_or(initial.start),
                    end_day.unwrap_or(initial.end),
                    waiver.unwrap_or(initial.waiver).then(|| "on".to_string()),
                )
                .await
            }
        },
    );
    let initial_site = start.site;
    view! {
        <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, requests.checking_sites))}</p> }>
            {move || {
                let initial_site = initial_site.clone();
                Suspend::new(async move {
                    match options.await {
                        Ok(o) => {
                            let chosen = touched.site.get_untracked().unwrap_or(initial_site);
                            view! {
                                {(!o.window_entered).then(|| view! {
                                    <p class="field__hint">{tr(i18n, |l| td_string!(l, requests.checked_next_month))}</p>
                                })}
                                <SitePicker sites=o.sites chosen touched window_entered=o.window_entered/>
                            }.into_any()
                        }
                        Err(e) => view! { <p class="form__error" role="alert">{e.message(i18n.get_locale_untracked())}</p> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

#[component]
fn Fields(
    initial: Initial,
    projects: Vec<crate::wire::projects::ProjectOption>,
    first_models: Vec<String>,
    idempotency_key: String,
    verified: bool,
    error: Signal<Option<AppError>>,
) -> impl IntoView {
    // Each field by its name (as the server says it) and its id (as the page says it).
    let has_error =
        move |name: &'static str| error.get().is_some_and(|e| e.field_message(name).is_some());
    let field_error = move |name: &'static str, id: &'static str| {
        move || form::field_error(id, error.get().and_then(|e| e.field_message(name)))
    };
    let invalid = move |name: &'static str| move || form::invalid(has_error(name));
    // The first field refused takes the focus on the page the refused form comes back to.
    let focus = move |name: &'static str| move || has_error(name);
    let described = move |name: &'static str, id: &'static str, hint: Option<&'static str>| {
        move || described_by(hint, id, has_error(name))
    };
    let mut models = first_models;
    if !models.contains(&initial.gpu_model) {
        models.insert(0, initial.gpu_model.clone());
    }
    let i18n = use_i18n();
    view! {
        <div class="request-form__fields">
            <input type="hidden" name="idempotency_key" value=idempotency_key/>
            {initial.id.map(|id| view! { <input type="hidden" name="id" value=id.to_string()/> })}
            {(!verified).then(|| view! {
                <p class="form__note" role="status">{tr(i18n, |l| td_string!(l, requests.not_verified))}</p>
            })}
            <fieldset class="form__group">
                <legend>{tr(i18n, |l| td_string!(l, requests.the_project))}</legend>
                <div class="field">
                    <label for="rq-project">{tr(i18n, |l| td_string!(l, requests.project))}</label>
                    {if projects.is_empty() {
                        view! {
                            <p class="form__note" role="status">
                                {tr(i18n, |l| td_string!(l, requests.no_project))} " "
                                <a href="/projects">{tr(i18n, |l| td_string!(l, requests.projects_page))}</a> "."
                            </p>
                        }.into_any()
                    } else {
                        let chosen = initial.project.clone();
                        let only = projects.len() == 1;
                        view! {
                            <select id="rq-project" name="project" aria-invalid=invalid("project") autofocus=focus("project") aria-describedby=described("project", "rq-project", Some("rq-project-hint"))>
                                {(!only).then(|| view! { <option value="" selected=chosen.is_empty()>{tr(i18n, |l| td_string!(l, requests.choose_project))}</option> })}
                                {projects.iter().map(|p| {
                                    let id = p.id.to_string();
                                    let selected = only || id == chosen;
                                    view! { <option value=id selected=selected>{p.title.clone()}</option> }
                                }).collect_view()}
                            </select>
                        }.into_any()
                    }}
                    <p id="rq-project-hint" class="field__hint">{tr(i18n, |l| td_string!(l, requests.project_hint))}</p>
                    {field_error("project", "rq-project")}
                </div>
                <div class="field">
                    <label for="rq-title">{tr(i18n, |l| td_string!(l, requests.title_of_work))}</label>
                    <input id="rq-title" name="project_title" type="text" required=true maxlength="200"
                        value=initial.title.clone() aria-invalid=invalid("project_title") autofocus=focus("project_title")
                        aria-describedby=described("project_title", "rq-title", None)/>
                    {field_error("project_title", "rq-title")}
                </div>
                <div class="field">
                    <label for="rq-justification">{tr(i18n, |l| td_string!(l, requests.justification))}</label>
                    <textarea id="rq-justification" name="justification" rows="5" required=true
                        aria-invalid=invalid("justification") autofocus=focus("justification")
                        aria-describedby=described("justification", "rq-justification", Some("rq-justification-hint"))>{initial.justification.clone()}</textarea>
                    <p id="rq-justification-hint" class="field__hint">{tr(i18n, |l| td_string!(l, requests.justification_hint))}</p>
                    {field_error("justification", "rq-justification")}
                </div>
                <div class="field">
                    <label for="rq-sector">{tr(i18n, |l| td_string!(l, requests.sector))}</label>
                    <select id="rq-sector" name="sector" aria-invalid=invalid("sector") autofocus=focus("sector") aria-describedby=described("sector", "rq-sector", None)>
                        {Sector::ALL.iter().map(|s| view! { <option value=s.as_str() selected=initial.sector == s.as_str()>{move || s.label_in(i18n.get_locale())}</option> }).collect_view()}
                    </select>
                    {field_error("sector", "rq-sector")}
                </div>
            </fieldset>
            <fieldset class="form__group">
                <legend>{tr(i18n, |l| td_string!(l, requests.the_data))}</legend>
                <div class="field">
                    <label for="rq-classification">{tr(i18n, |l| td_string!(l, requests.data_classification))}</label>
                    <select id="rq-classification" name="classification" aria-invalid=invalid("classification") autofocus=focus("classification")
                        aria-describedby=described("classification", "rq-classification", Some("rq-classification-hint"))>
                        {Classification::ALL.iter().map(|c| view! {
                            <option value=c.as_str() selected=initial.classification == c.as_str()>{move || c.label_in(i18n.get_locale())}</option>
                        }).collect_view()}
                    </select>
                    <p id="rq-classification-hint" class="field__hint">{tr(i18n, |l| td_string!(l, requests.classification_hint))}</p>
                    {field_error("classification", "rq-classification")}
                </div>
                // Shown while the classification chosen is "confidential" (the stylesheet: `:has`).
                <div class="choice request-form__waiver">
                        <input id="rq-waiver" name="confidential_waiver" type="checkbox" checked=initial.waiver/>
                        <label for="rq-waiver">{tr(i18n, |l| td_string!(l, requests.waiver_label))}</label>
                </div>
            </fieldset>
            <fieldset class="form__group">
                <legend>{tr(i18n, |l| td_string!(l, requests.gpus_and_window))}</legend>
                <div class="field-row">
                    <div class="field">
                        <label for="rq-model">{tr(i18n, |l| td_string!(l, requests.gpu_model))}</label>
                        <select id="rq-model" name="gpu_model" aria-invalid=invalid("gpu_model") autofocus=focus("gpu_model")
                            aria-describedby=described("gpu_model", "rq-model", None)>
                            {models.into_iter().map(|m| {
                                let selected = m == initial.gpu_model;
                                view! { <option value=m.clone() selected=selected>{m.clone()}</option> }
                            }).collect_view()}
                        </select>
                        {field_error("gpu_model", "rq-model")}
                    </div>
                    <div class="field">
                        <label for="rq-gpus">{tr(i18n, |l| td_string!(l, requests.number_of_gpus))}</label>
                        <input id="rq-gpus" name="gpus" type="number" min="1" inputmode="numeric" required=true
                            value=initial.gpus.clone() aria-invalid=invalid("gpus") autofocus=focus("gpus") aria-describedby=described("gpus", "rq-gpus", None)/>
                        {field_error("gpus", "rq-gpus")}
                    </div>
                </div>
                <div class="field-row">
                    <div class="field">
                        <label for="rq-start">{tr(i18n, |l| td_string!(l, requests.first_day))}</label>
                        <input id="rq-start" name="start_date" type="date" required=true value=initial.start.clone()
                            aria-invalid=invalid("start_date") autofocus=focus("start_date") aria-describedby=described("start_date", "rq-start", None)/>
                        {field_error("start_date", "rq-start")}
                    </div>
                    <div class="field">
                        <label for="rq-end">{tr(i18n, |l| td_string!(l, requests.end_first_day_not_needed))}</label>
                        <input id="rq-end" name="end_date" type="date" required=true value=initial.end.clone()
                            aria-invalid=invalid("end_date") autofocus=focus("end_date") aria-describedby=described("end_date", "rq-end", None)/>
                        {field_error("end_date", "rq-end")}
                    </div>
                </div>
                <div class="field">
                    <label for="rq-hours">{tr(i18n, |l| td_string!(l, requests.expected_hours_optional))}</label>
                    <input id="rq-hours" name="expected_gpu_hours" type="number" min="1" inputmode="numeric"
                        value=initial.hours.clone() aria-invalid=invalid("expected_gpu_hours") autofocus=focus("expected_gpu_hours")
                        aria-describedby=described("expected_gpu_hours", "rq-hours", None)/>
                    {field_error("expected_gpu_hours", "rq-hours")}
                </div>
            </fieldset>
        </div>
    }
}

/// The order of the sites: those that can be chosen first, then those in the EEA, then the most
/// free GPUs.
fn site_order(s: &SiteOption) -> (bool, bool, std::cmp::Reverse<u32>) {
    (
        !(s.eligible && s.available.is_some()),
        !s.in_eea,
        std::cmp::Reverse(s.free.unwrap_or(0)),
    )
}

/// Every site with its country, operator and certificates: eligible ones first, in the EEA
/// first; an ineligible site or one without the model cannot be chosen, and says why.
#[component]
fn SitePicker(
    sites: Vec<SiteOption>,
    chosen: String,
    touched: Touched,
    window_entered: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let mut sites = sites;
    sites.sort_by_key(site_order);
    view! {
        <ul class="site-picker">
            {sites.into_iter().map(|s| {
                let id = format!("rq-site-{}", s.slug);
                let usable = s.eligible && s.available.is_some();
                let checked = usable && s.slug == chosen;
                let slug = s.slug.clone();
                let capacity = match (s.free, s.available) {
                    (Some(free), Some(available)) => view! {
                        <UsageBar used=available.saturating_sub(free) adding=0 available/>
                        <span class="site-option__free">
                            <strong>{free}</strong> " "
                            {move || {
                                let text = if window_entered {
                                    t_string!(i18n, requests.free_over_window)
                                } else {
                                    t_string!(i18n, requests.free_over_month)
                                };
                                fill(text, &[("available", &available)])
                            }}
                            {(free == 0).then(|| view! { " — " <span class="badge badge--warn">{tr(i18n, |l| td_string!(l, requests.full))}</span> })}
                        </span>
                    }.into_any(),
                    _ => view! { <span class="site-option__free muted">{tr(i18n, |l| td_string!(l, requests.model_not_installed))}</span> }.into_any(),
                };
                view! {
                    <li class="site-option" class:site-option--off=!usable data-site=s.slug.clone()>
                        <div class="site-option__head">
                            <input type="radio" name="site" id=id.clone() value=s.slug.clone() checked=checked disabled=!usable
                                on:change=move |_| touched.site.set(Some(slug.clone()))/>
                            <label for=id>{s.name.clone()}</label>
                            {if usable {
                                view! { <span class="badge badge--ok">{tr(i18n, |l| td_string!(l, requests.eligible))}</span> }.into_any()
                            } else if s.eligible {
                                // Residency allows it, but the model is not installed there.
                                view! { <span class="badge">{tr(i18n, |l| td_string!(l, requests.not_offered))}</span> }.into_any()
                            } else {
                                view! { <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, requests.not_eligible))}</span> }.into_any()
                            }}
                        </div>
                        <p class="site-option__where">
                            {s.country.clone()} {(!s.in_eea).then(|| view! { " " {tr(i18n, |l| td_string!(l, requests.outside_eea))} })} " · " {s.operator.clone()}
                        </p>
                        <p class="site-option__certs">
                            {if s.certificates.is_empty() {
                                tr(i18n, |l| td_string!(l, requests.no_certificate)).into_any()
                            } else {
                                s.certificates.join(" · ").into_any()
                            }}
                        </p>
                        {capacity}
                        {(!s.failures.is_empty()).then(|| view! {
                            <ul class="site-option__why">
                                {s.failures.iter().map(|f| view! {
                                    <li><span class="badge badge--bad">{f.rule.clone()}</span> " " {f.reason.clone()}</li>
                                }).collect_view()}
                            </ul>
                        })}
                    </li>
                }
            }).collect_view()}
        </ul>
    }
}
