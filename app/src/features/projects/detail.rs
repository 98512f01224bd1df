//! `/projects/:id`: a project, its people and its requests; for its lead and the organisation's
//! owners, the forms that change it and its people.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::api::{get_project, RemoveProjectMember, SetProjectMember, UpdateProject};
use super::list::{project_window, role_badge, standing};
use super::types::ProjectDetail;
use crate::domain::format::{fill, integer};
use crate::domain::{identity::Sector, projects::ProjectRole};
use crate::error::AppError;
use crate::features::requests::view::error_view;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::form::{Checked, FormRefused};

fn error_of<T>(value: Option<Result<T, AppError>>) -> Option<AppError> {
    match value {
        Some(Err(e)) => Some(e),
        _ => None,
    }
}

#[component]
pub fn ProjectPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let update = crate::ui::form::action::<UpdateProject>();
    let set_member = crate::ui::form::action::<SetProjectMember>();
    let remove = crate::ui::form::action::<RemoveProjectMember>();
    let data = Resource::new(
        move || {
            (
                id(),
                update.version().get(),
                set_member.version().get(),
                remove.version().get(),
            )
        },
        |(id, ..)| get_project(id),
    );
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, projects.project))/>
        <section class="page">
            <p><A href="/projects">{tr(i18n, |l| td_string!(l, projects.all_projects))}</A></p>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, projects.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(project) => view! { <ProjectBody project update set_member remove/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn ProjectBody(
    project: ProjectDetail,
    update: ServerAction<UpdateProject>,
    set_member: ServerAction<SetProjectMember>,
    remove: ServerAction<RemoveProjectMember>,
) -> impl IntoView {
    let p = project.summary.clone();
    let id = p.id;
    let manage = project.may_manage;
    let i18n = use_i18n();
    let row_error = move || {
        error_of(set_member.value().get())
            .or_else(|| error_of(remove.value().get()))
            .map(|e| e.message(i18n.get_locale()))
    };
    let members = project
        .members
        .clone()
        .into_iter()
        .map(|m| {
            let name = m.name.clone();
            let is_lead = m.role == ProjectRole::Lead;
            let actions = manage.then(|| if is_lead {
                view! {
                    <td data-label=tr(i18n, |l| td_string!(l, projects.change))><span class="muted">{tr(i18n, |l| td_string!(l, projects.name_another_lead))}</span></td>
                }.into_any()
            } else {
                let select_id = format!("prole-{}", m.user_id);
                let current = m.role;
                let email = m.email.clone();
                view! {
                    <td data-label=tr(i18n, |l| td_string!(l, projects.change))>
                        <ActionForm action=set_member attr:class="inline-form">
                            <input type="hidden" name="project_id" value=id.to_string()/>
                            <input type="hidden" name="email" value=email/>
                            <label for=select_id.clone() class="visually-hidden">{move || fill(t_string!(i18n, projects.project_role_of), &[("name", &name)])}</label>
                            <select id=select_id name="role">
                                {ProjectRole::ALL.iter().map(|r| view! {
                                    <option value=r.as_str() selected=*r == current>{move || r.label_in(i18n.get_locale())}</option>
                                }).collect_view()}
                            </select>
                            " "
                            <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, projects.change))}</button>
                        </ActionForm>
                        " "
                        <ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="project_id" value=id.to_string()/>
                            <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                            <button type="submit" class="button button--small button--ghost">{tr(i18n, |l| td_string!(l, projects.remove))}</button>
                        </ActionForm>
                    </td>
                }.into_any()
            });
            view! {
                <tr>
                    <td data-label=tr(i18n, |l| td_string!(l, projects.name))>{m.name.clone()} {m.is_you.then(|| view! { " " {tr(i18n, |l| td_string!(l, projects.you_marker))} })}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, projects.email))>{m.email.clone()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, projects.role))>{role_badge(Some(m.role))}</td>
                    {actions}
                </tr>
            }
        })
        .collect_view();
    let requests_href = format!("/requests?project={id}");
    let new_request_href = format!("/requests/new?project={id}");
    let window = {
        let p = p.clone();
        move || project_window(&p, i18n.get_locale())
    };
    let lead = p.lead_name.clone();
    let (open_requests, quotas) = (p.open_requests, p.quotas);
    let requests_text = move || {
        let locale = i18n.get_locale();
        fill(
            t_string!(i18n, projects.requests_and_quotas),
            &[
                ("open", &integer(locale, open_requests)),
                ("quotas", &integer(locale, quotas)),
            ],
        )
    };
    view! {
        <div class="page-head">
            <div>
                <h1>{p.title.clone()}</h1>
                <p class="page-head__lead">{move || p.sector.label_in(i18n.get_locale())} " · " {window} " · " {tr(i18n, |l| td_string!(l, projects.short_name_inline))} " " <code>{p.code.clone()}</code></p>
            </div>
            {project.may_request.then(|| view! { <A href=new_request_href attr:class="button">{tr(i18n, |l| td_string!(l, projects.ask_for_gpus))}</A> })}
        </div>
        {(!project.description.is_empty()).then(|| view! { <p class="prose">{project.description.clone()}</p> })}
        <p>
            {tr(i18n, |l| td_string!(l, projects.lead_colon))} " " {move || lead.clone().unwrap_or_else(|| t_string!(i18n, projects.none_yet).into())}
            " · " {tr(i18n, |l| td_string!(l, projects.you_colon))} " " {standing(p.your_role, project.tenant_role)}
        </p>
        <p>
            <A href=requests_href>{requests_text}</A>
        </p>
        <h2>{tr(i18n, |l| td_string!(l, projects.people))}</h2>
        {move || row_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
        <div class="table-wrap">
            <table class="stack">
                <caption class="visually-hidden">{tr(i18n, |l| td_string!(l, projects.people_of_project))}</caption>
                <thead><tr>
                    <th scope="col">{tr(i18n, |l| td_string!(l, projects.name))}</th>
                    <th scope="col">{tr(i18n, |l| td_string!(l, projects.email))}</th>
                    <th scope="col">{tr(i18n, |l| td_string!(l, projects.role))}</th>
                    {manage.then(|| view! { <th scope="col">{tr(i18n, |l| td_string!(l, projects.change))}</th> })}
                </tr></thead>
                <tbody>{members}</tbody>
            </table>
        </div>
        {manage.then(|| view! {
            <AddMemberForm project=project.clone() set_member/>
            <EditProjectForm project=project.clone() update/>
        })}
    }
}

#[component]
fn AddMemberForm(
    project: ProjectDetail,
    set_member: ServerAction<SetProjectMember>,
) -> impl IntoView {
    let id = project.summary.id;
    let i18n = use_i18n();
    if project.candidates.is_empty() {
        return view! {
            <h2>{tr(i18n, |l| td_string!(l, projects.add_someone))}</h2>
            <p class="muted">{tr(i18n, |l| td_string!(l, projects.no_candidates))}</p>
        }
        .into_any();
    }
    view! {
        <h2>{tr(i18n, |l| td_string!(l, projects.add_someone))}</h2>
        <ActionForm action=set_member attr:class="form">
            <input type="hidden" name="project_id" value=id.to_string()/>
            <div class="field">
                <label for="add-email">{tr(i18n, |l| td_string!(l, projects.person))}</label>
                <select id="add-email" name="email">
                    {project.candidates.iter().map(|c| view! {
                        <option value=c.email.clone()>{format!("{} ({})", c.name, c.email)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="add-role">{tr(i18n, |l| td_string!(l, projects.role_in_project))}</label>
                <select id="add-role" name="role">
                    <option value="member" selected=true>{tr(i18n, |l| td_string!(l, projects.role_member_hint))}</option>
                    <option value="viewer">{tr(i18n, |l| td_string!(l, projects.role_viewer_hint))}</option>
                    <option value="lead">{tr(i18n, |l| td_string!(l, projects.role_lead_hint))}</option>
                </select>
            </div>
            <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, projects.add_to_project))}</button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn EditProjectForm(project: ProjectDetail, update: ServerAction<UpdateProject>) -> impl IntoView {
    let p = project.summary;
    let error = move || error_of(update.value().get());
    let saved = move || matches!(update.value().get(), Some(Ok(())));
    let field = move |id: &'static str, name: &'static str| Checked::of(error, id, name);
    let title = field("e-title", "title");
    let sector = field("e-sector", "sector");
    let start = field("e-start", "start_date");
    let end = field("e-end", "end_date");
    let description = field("e-description", "description");
    let fields = ["title", "description", "sector", "start_date", "end_date"];
    let i18n = use_i18n();
    view! {
        <h2>{tr(i18n, |l| td_string!(l, projects.edit_project))}</h2>
        <ActionForm action=update attr:class="form" attr:novalidate=true>
            <input type="hidden" name="id" value=p.id.to_string()/>
            // Errors about the fields stand beside them, and the summary only says that the form
            // was refused; any other is said here.
            {move || error().map(|e| if e.only_about_fields(&fields) {
                view! { <FormRefused/> }.into_any()
            } else {
                view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> }.into_any()
            })}
            {move || saved().then(|| view! { <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, projects.saved))}</p> })}
            <div class="field">
                <label for="e-title">{tr(i18n, |l| td_string!(l, projects.title))}</label>
                <input id="e-title" name="title" value=p.title.clone() required=true
                    aria-invalid=title.invalid() autofocus=title.focus() aria-describedby=title.described_by(None)/>
                {title.error()}
            </div>
            <div class="field">
                <label for="e-sector">{tr(i18n, |l| td_string!(l, projects.sector))}</label>
                <select id="e-sector" name="sector" aria-invalid=sector.invalid() autofocus=sector.focus() aria-describedby=sector.described_by(None)>
                    {Sector::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == p.sector>{move || s.label_in(i18n.get_locale())}</option> }).collect_view()}
                </select>
                {sector.error()}
            </div>
            <div class="field">
                <label for="e-start">{tr(i18n, |l| td_string!(l, projects.start_date))}</label>
                <input id="e-start" name="start_date" type="date" value=p.start_date.clone() required=true
                    aria-invalid=start.invalid() autofocus=start.focus() aria-describedby=start.described_by(None)/>
                {start.error()}
            </div>
            <div class="field">
                <label for="e-end">{tr(i18n, |l| td_string!(l, projects.end_date_optional))}</label>
                <input id="e-end" name="end_date" type="date" value=p.end_date.clone().unwrap_or_default()
                    aria-invalid=end.invalid() autofocus=end.focus() aria-describedby=end.described_by(None)/>
                {end.error()}
            </div>
            <div class="field">
                <label for="e-description">{tr(i18n, |l| td_string!(l, projects.description))}</label>
                <textarea id="e-description" name="description" rows="3" prop:value=project.description.clone()
                    aria-invalid=description.invalid() autofocus=description.focus() aria-describedby=description.described_by(None)></textarea>
                {description.error()}
            </div>
            <button type="submit" class="button button--small" disabled=move || update.pending().get()>{tr(i18n, |l| td_string!(l, projects.save))}</button>
        </ActionForm>
    }
}
