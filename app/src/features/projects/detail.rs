//! `/projects/:id`: a project, its people and its requests; for its lead and the organisation's
//! owners, the forms that change it and its people.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::api::{get_project, RemoveProjectMember, SetProjectMember, UpdateProject};
use super::list::{project_window, role_badge, standing};
use super::types::ProjectDetail;
use crate::domain::{identity::Sector, projects::ProjectRole};
use crate::error::AppError;
use crate::features::requests::view::error_view;

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
    let update = ServerAction::<UpdateProject>::new();
    let set_member = ServerAction::<SetProjectMember>::new();
    let remove = ServerAction::<RemoveProjectMember>::new();
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
    view! {
        <Title text="Project"/>
        <section class="page">
            <p><A href="/projects">"← All projects"</A></p>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
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
    let row_error = move || {
        error_of(set_member.value().get())
            .or_else(|| error_of(remove.value().get()))
            .map(|e| e.to_string())
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
                    <td data-label="Change"><span class="muted">"Name another lead to change"</span></td>
                }.into_any()
            } else {
                let select_id = format!("prole-{}", m.user_id);
                let current = m.role;
                let email = m.email.clone();
                view! {
                    <td data-label="Change">
                        <ActionForm action=set_member attr:class="inline-form">
                            <input type="hidden" name="project_id" value=id.to_string()/>
                            <input type="hidden" name="email" value=email/>
                            <label for=select_id.clone() class="visually-hidden">"Project role of " {name}</label>
                            <select id=select_id name="role">
                                {ProjectRole::ALL.iter().map(|r| view! {
                                    <option value=r.as_str() selected=*r == current>{r.label()}</option>
                                }).collect_view()}
                            </select>
                            " "
                            <button type="submit" class="button button--small">"Change"</button>
                        </ActionForm>
                        " "
                        <ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="project_id" value=id.to_string()/>
                            <input type="hidden" name="user_id" value=m.user_id.to_string()/>
                            <button type="submit" class="button button--small button--ghost">"Remove"</button>
                        </ActionForm>
                    </td>
                }.into_any()
            });
            view! {
                <tr>
                    <td data-label="Name">{m.name.clone()} {m.is_you.then_some(" (you)")}</td>
                    <td data-label="E-mail">{m.email.clone()}</td>
                    <td data-label="Role">{role_badge(Some(m.role))}</td>
                    {actions}
                </tr>
            }
        })
        .collect_view();
    let requests_href = format!("/requests?project={id}");
    let new_request_href = format!("/requests/new?project={id}");
    view! {
        <div class="page-head">
            <div>
                <h1>{p.title.clone()}</h1>
                <p class="page-head__lead">{p.sector.label()} " · " {project_window(&p)} " · short name " <code>{p.code.clone()}</code></p>
            </div>
            {project.may_request.then(|| view! { <A href=new_request_href attr:class="button">"Ask for GPUs"</A> })}
        </div>
        {(!project.description.is_empty()).then(|| view! { <p class="prose">{project.description.clone()}</p> })}
        <p>
            "Lead: " {p.lead_name.clone().unwrap_or_else(|| "none yet".into())}
            " · You: " {standing(p.your_role, project.tenant_role)}
        </p>
        <p>
            <A href=requests_href>{format!("Requests and quotas of this project ({} in review, {} quotas)", p.open_requests, p.quotas)}</A>
        </p>
        <h2>"People"</h2>
        {move || row_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
        <div class="table-wrap">
            <table class="stack">
                <caption class="visually-hidden">"People of the project"</caption>
                <thead><tr>
                    <th scope="col">"Name"</th>
                    <th scope="col">"E-mail"</th>
                    <th scope="col">"Role"</th>
                    {manage.then(|| view! { <th scope="col">"Change"</th> })}
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
    if project.candidates.is_empty() {
        return view! {
            <h2>"Add someone"</h2>
            <p class="muted">"Everyone in your organisation who can join is already in this project. Invite people to the organisation first."</p>
        }
        .into_any();
    }
    view! {
        <h2>"Add someone"</h2>
        <ActionForm action=set_member attr:class="form">
            <input type="hidden" name="project_id" value=id.to_string()/>
            <div class="field">
                <label for="add-email">"Person"</label>
                <select id="add-email" name="email">
                    {project.candidates.iter().map(|c| view! {
                        <option value=c.email.clone()>{format!("{} ({})", c.name, c.email)}</option>
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="add-role">"Role in the project"</label>
                <select id="add-role" name="role">
                    <option value="member" selected=true>"Member: asks for GPUs"</option>
                    <option value="viewer">"Viewer: reads only"</option>
                    <option value="lead">"Lead: answers for the project"</option>
                </select>
            </div>
            <button type="submit" class="button button--small">"Add to the project"</button>
        </ActionForm>
    }
    .into_any()
}

#[component]
fn EditProjectForm(project: ProjectDetail, update: ServerAction<UpdateProject>) -> impl IntoView {
    let p = project.summary;
    let error = move || error_of(update.value().get());
    let saved = move || matches!(update.value().get(), Some(Ok(())));
    let field_error = move |name: &'static str| {
        move || {
            error()
                .and_then(|e| e.field_message(name))
                .map(|m| view! { <p class="field__error">{m}</p> })
        }
    };
    let fields = ["title", "description", "sector", "start_date", "end_date"];
    view! {
        <h2>"Edit the project"</h2>
        <ActionForm action=update attr:class="form" attr:novalidate=true>
            <input type="hidden" name="id" value=p.id.to_string()/>
            {move || error().and_then(|e| (!e.only_about_fields(&fields)).then(|| e.to_string()))
                .map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
            {move || saved().then(|| view! { <p class="form__ok" role="status">"Saved."</p> })}
            <div class="field">
                <label for="e-title">"Title"</label>
                <input id="e-title" name="title" value=p.title.clone() required=true/>
                {field_error("title")}
            </div>
            <div class="field">
                <label for="e-sector">"Sector"</label>
                <select id="e-sector" name="sector">
                    {Sector::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == p.sector>{s.label()}</option> }).collect_view()}
                </select>
                {field_error("sector")}
            </div>
            <div class="field">
                <label for="e-start">"Start date"</label>
                <input id="e-start" name="start_date" type="date" value=p.start_date.clone() required=true/>
                {field_error("start_date")}
            </div>
            <div class="field">
                <label for="e-end">"End date (optional)"</label>
                <input id="e-end" name="end_date" type="date" value=p.end_date.clone().unwrap_or_default()/>
                {field_error("end_date")}
            </div>
            <div class="field">
                <label for="e-description">"Description"</label>
                <textarea id="e-description" name="description" rows="3" prop:value=project.description.clone()></textarea>
                {field_error("description")}
            </div>
            <button type="submit" class="button button--small" disabled=move || update.pending().get()>"Save"</button>
        </ActionForm>
    }
}
