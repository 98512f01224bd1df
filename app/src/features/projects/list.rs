//! `/projects`: the projects a person sees; for owners, the form that creates one and the
//! organisation's choice of who endorses.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::api::{list_projects, CreateProject, SetEndorsement};
use super::types::{ProjectSummary, ProjectsView};
use crate::domain::format::{fill, integer};
use crate::domain::{identity::Sector, projects::EndorsementPolicy};
use crate::features::requests::view::error_view;
use crate::i18n::{t_string, td_string, use_i18n, Locale};
use crate::ui::form::{Checked, FormRefused};

/// "From 1 Jan 2027" or "1 Jan 2027 to 30 Jun 2027" (the last day included), in `locale`.
pub(super) fn project_window(p: &ProjectSummary, locale: Locale) -> String {
    use crate::domain::dates::parse_iso_date;
    use crate::domain::format::{date, iso_date};
    let start = iso_date(locale, &p.start_date);
    match &p.end_date {
        Some(end) => match parse_iso_date(end).and_then(|d| d.previous_day()) {
            Some(last) => fill(
                td_string!(locale, projects.window),
                &[("start", &start), ("end", &date(locale, last))],
            ),
            None => fill(
                td_string!(locale, projects.window_exclusive),
                &[("start", &start), ("end", end)],
            ),
        },
        None => fill(
            td_string!(locale, projects.window_from),
            &[("start", &start)],
        ),
    }
}

/// The viewer's standing in a project: their project role, or what their organisation role
/// gives them (owners and auditors see every project without belonging to it).
pub(super) fn standing(
    role: Option<crate::domain::projects::ProjectRole>,
    tenant: crate::domain::tenancy::TenantRole,
) -> AnyView {
    use crate::domain::tenancy::TenantRole;
    let i18n = use_i18n();
    match (role, tenant) {
        (Some(_), _) => role_badge(role),
        (None, TenantRole::Owner) => {
            view! { <span class="muted">{tr(i18n, |l| td_string!(l, projects.owner_of_organisation))}</span> }
                .into_any()
        }
        (None, TenantRole::Auditor) => {
            view! { <span class="muted">{tr(i18n, |l| td_string!(l, projects.auditor_reads_all))}</span> }.into_any()
        }
        (None, TenantRole::Member) => role_badge(None),
    }
}

/// The badge of a person's role in a project, or a dash.
pub(super) fn role_badge(role: Option<crate::domain::projects::ProjectRole>) -> AnyView {
    use crate::domain::projects::ProjectRole;
    match role {
        Some(r) => {
            let class = match r {
                ProjectRole::Lead => "badge badge--info",
                ProjectRole::Member => "badge badge--ok",
                ProjectRole::Viewer => "badge badge--warn",
            };
            let i18n = crate::i18n::use_i18n();
            view! { <span class=class>{move || r.label_in(i18n.get_locale())}</span> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let create = crate::ui::form::action::<CreateProject>();
    let endorse = crate::ui::form::action::<SetEndorsement>();
    let data = Resource::new(
        move || (create.version().get(), endorse.version().get()),
        |_| list_projects(),
    );
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, projects.projects))/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>{tr(i18n, |l| td_string!(l, projects.projects))}</h1>
                    <p class="page-head__lead">{tr(i18n, |l| td_string!(l, projects.projects_lead))}</p>
                </div>
            </div>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, projects.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(view) => view! { <ProjectsBody view create endorse/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ProjectsBody(
    view: ProjectsView,
    create: ServerAction<CreateProject>,
    endorse: ServerAction<SetEndorsement>,
) -> impl IntoView {
    let only_yours = view.only_yours;
    let tenant_role = view.tenant_role;
    let empty = view.projects.is_empty();
    let i18n = use_i18n();
    let rows = view
        .projects
        .into_iter()
        .map(|p| {
            let href = format!("/projects/{}", p.id);
            let lead = p.lead_name.clone();
            let (members, open_requests, quotas) = (p.members, p.open_requests, p.quotas);
            let window = {
                let p = p.clone();
                move || project_window(&p, i18n.get_locale())
            };
            view! {
                <tr>
                    <td data-label=tr(i18n, |l| td_string!(l, projects.project))>
                        <A href=href>{p.title.clone()}</A>
                        <br/><span class="muted">{p.code.clone()}</span>
                        {p.archived.then(|| view! { " " <span class="badge">{tr(i18n, |l| td_string!(l, projects.archived))}</span> })}
                    </td>
                    <td data-label=tr(i18n, |l| td_string!(l, projects.lead))>{move || lead.clone().unwrap_or_else(|| t_string!(i18n, projects.no_lead_yet).into())}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, projects.your_role))>{standing(p.your_role, tenant_role)}</td>
                    <td class="num" data-label=tr(i18n, |l| td_string!(l, projects.people))>{move || integer(i18n.get_locale(), members)}</td>
                    <td class="num" data-label=tr(i18n, |l| td_string!(l, projects.in_review))>{move || integer(i18n.get_locale(), open_requests)}</td>
                    <td class="num" data-label=tr(i18n, |l| td_string!(l, projects.quotas))>{move || integer(i18n.get_locale(), quotas)}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, projects.dates))>{window}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {only_yours.then(|| view! {
            <p class="muted">{tr(i18n, |l| td_string!(l, projects.only_yours))}</p>
        })}
        {if empty {
            view! { <p class="empty card">{tr(i18n, |l| td_string!(l, projects.no_project_yet))}</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="stack">
                        <caption class="visually-hidden">{tr(i18n, |l| td_string!(l, projects.projects))}</caption>
                        <thead><tr>
                            <th scope="col">{tr(i18n, |l| td_string!(l, projects.project))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, projects.lead))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, projects.your_role))}</th>
                            <th scope="col" class="num">{tr(i18n, |l| td_string!(l, projects.people))}</th>
                            <th scope="col" class="num">{tr(i18n, |l| td_string!(l, projects.in_review))}</th>
                            <th scope="col" class="num">{tr(i18n, |l| td_string!(l, projects.quotas))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, projects.dates))}</th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }.into_any()
        }}
        {view.may_create.then(|| view! {
            <EndorsementForm current=view.endorsement endorse/>
            <NewProjectForm create/>
        })}
    }
}

#[component]
fn EndorsementForm(
    current: EndorsementPolicy,
    endorse: ServerAction<SetEndorsement>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = move || match endorse.value().get() {
        Some(Err(e)) => Some(e.message(i18n.get_locale())),
        _ => None,
    };
    view! {
        <h2>{tr(i18n, |l| td_string!(l, projects.who_endorses))}</h2>
        <ActionForm action=endorse attr:class="form">
            <p class="muted">{tr(i18n, |l| td_string!(l, projects.endorsement_hint))}</p>
            {move || error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
            <div class="field">
                <label for="endorsement">{tr(i18n, |l| td_string!(l, projects.endorsed_by))}</label>
                <select id="endorsement" name="endorsement">
                    {EndorsementPolicy::ALL.iter().map(|p| view! {
                        <option value=p.as_str() selected=*p == current>{move || p.label_in(i18n.get_locale())}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, projects.save))}</button>
        </ActionForm>
    }
}

#[component]
fn NewProjectForm(create: ServerAction<CreateProject>) -> impl IntoView {
    let error = move || match create.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let field = move |id: &'static str, name: &'static str| Checked::of(error, id, name);
    let title = field("p-title", "title");
    let code = field("p-code", "code");
    let sector = field("p-sector", "sector");
    let start = field("p-start", "start_date");
    let end = field("p-end", "end_date");
    let description = field("p-description", "description");
    let fields = [
        "code",
        "title",
        "description",
        "sector",
        "start_date",
        "end_date",
    ];
    let i18n = use_i18n();
    view! {
        <h2>{tr(i18n, |l| td_string!(l, projects.new_project))}</h2>
        <ActionForm action=create attr:class="form" attr:novalidate=true>
            // Errors about the fields stand beside them, and the summary only says that the form
            // was refused; any other is said here.
            {move || error().map(|e| if e.only_about_fields(&fields) {
                view! { <FormRefused/> }.into_any()
            } else {
                view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }.into_any()
            })}
            <div class="field">
                <label for="p-title">{tr(i18n, |l| td_string!(l, projects.title))}</label>
                <input id="p-title" name="title" required=true
                    aria-invalid=title.invalid() autofocus=title.focus() aria-describedby=title.described_by(None)/>
                {title.error()}
            </div>
            <div class="field">
                <label for="p-code">{tr(i18n, |l| td_string!(l, projects.short_name))}</label>
                <input id="p-code" name="code" required=true
                    aria-invalid=code.invalid() autofocus=code.focus() aria-describedby=code.described_by(Some("p-code-help"))/>
                <p id="p-code-help" class="field__hint">{tr(i18n, |l| td_string!(l, projects.short_name_hint))}</p>
                {code.error()}
            </div>
            <div class="field">
                <label for="p-sector">{tr(i18n, |l| td_string!(l, projects.sector))}</label>
                <select id="p-sector" name="sector" aria-invalid=sector.invalid() autofocus=sector.focus() aria-describedby=sector.described_by(None)>
                    {Sector::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == Sector::Research>{move || s.label_in(i18n.get_locale())}</option> }).collect_view()}
                </select>
                {sector.error()}
            </div>
            <div class="field">
                <label for="p-start">{tr(i18n, |l| td_string!(l, projects.start_date))}</label>
                <input id="p-start" name="start_date" type="date" required=true
                    aria-invalid=start.invalid() autofocus=start.focus() aria-describedby=start.described_by(None)/>
                {start.error()}
            </div>
            <div class="field">
                <label for="p-end">{tr(i18n, |l| td_string!(l, projects.end_date_optional))}</label>
                <input id="p-end" name="end_date" type="date"
                    aria-invalid=end.invalid() autofocus=end.focus() aria-describedby=end.described_by(None)/>
                {end.error()}
            </div>
            <div class="field">
                <label for="p-description">{tr(i18n, |l| td_string!(l, projects.description))}</label>
                <textarea id="p-description" name="description" rows="3"
                    aria-invalid=description.invalid() autofocus=description.focus() aria-describedby=description.described_by(None)></textarea>
                {description.error()}
            </div>
            <button type="submit" class="button" disabled=move || create.pending().get()>{tr(i18n, |l| td_string!(l, projects.create_the_project))}</button>
        </ActionForm>
    }
}
