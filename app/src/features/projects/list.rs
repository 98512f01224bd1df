//! `/projects`: the projects a person sees; for owners, the form that creates one and the
//! organisation's choice of who endorses.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::api::{list_projects, CreateProject, SetEndorsement};
use super::types::{ProjectSummary, ProjectsView};
use crate::domain::{identity::Sector, projects::EndorsementPolicy};
use crate::error::AppError;
use crate::features::requests::view::error_view;

/// "From 2027-01-01" or "2027-01-01 to 2027-06-30" (the last day included).
pub(super) fn project_window(p: &ProjectSummary) -> String {
    match &p.end_date {
        Some(end) => crate::domain::dates::window_label(&p.start_date, end),
        None => format!("From {}", p.start_date),
    }
}

/// The viewer's standing in a project: their project role, or what their organisation role
/// gives them (owners and auditors see every project without belonging to it).
pub(super) fn standing(
    role: Option<crate::domain::projects::ProjectRole>,
    tenant: crate::domain::tenancy::TenantRole,
) -> AnyView {
    use crate::domain::tenancy::TenantRole;
    match (role, tenant) {
        (Some(_), _) => role_badge(role),
        (None, TenantRole::Owner) => {
            view! { <span class="muted">"Owner of the organisation"</span> }.into_any()
        }
        (None, TenantRole::Auditor) => {
            view! { <span class="muted">"Auditor (reads all)"</span> }.into_any()
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
            view! { <span class=class>{r.label()}</span> }.into_any()
        }
        None => view! { <span class="muted">"—"</span> }.into_any(),
    }
}

#[component]
pub fn ProjectsPage() -> impl IntoView {
    let create = ServerAction::<CreateProject>::new();
    let endorse = ServerAction::<SetEndorsement>::new();
    let data = Resource::new(
        move || (create.version().get(), endorse.version().get()),
        |_| list_projects(),
    );
    view! {
        <Title text="Projects"/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>"Projects"</h1>
                    <p class="page-head__lead">"Each request for GPUs, and each quota, belongs to a project of your organisation."</p>
                </div>
            </div>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
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
    let rows = view
        .projects
        .into_iter()
        .map(|p| {
            let href = format!("/projects/{}", p.id);
            let window = project_window(&p);
            view! {
                <tr>
                    <td data-label="Project">
                        <A href=href>{p.title.clone()}</A>
                        <br/><span class="muted">{p.code.clone()}</span>
                        {p.archived.then(|| view! { " " <span class="badge">"Archived"</span> })}
                    </td>
                    <td data-label="Lead">{p.lead_name.clone().unwrap_or_else(|| "No lead yet".into())}</td>
                    <td data-label="Your role">{standing(p.your_role, tenant_role)}</td>
                    <td class="num" data-label="People">{p.members}</td>
                    <td class="num" data-label="In review">{p.open_requests}</td>
                    <td class="num" data-label="Quotas">{p.quotas}</td>
                    <td data-label="Dates">{window}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        {only_yours.then(|| view! {
            <p class="muted">"You see the projects you belong to. Ask an owner of your organisation to add you to another."</p>
        })}
        {if empty {
            view! { <p class="empty card">"No project yet."</p> }.into_any()
        } else {
            view! {
                <div class="table-wrap">
                    <table class="stack">
                        <caption class="visually-hidden">"Projects"</caption>
                        <thead><tr>
                            <th scope="col">"Project"</th>
                            <th scope="col">"Lead"</th>
                            <th scope="col">"Your role"</th>
                            <th scope="col" class="num">"People"</th>
                            <th scope="col" class="num">"In review"</th>
                            <th scope="col" class="num">"Quotas"</th>
                            <th scope="col">"Dates"</th>
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
    let error = move || match endorse.value().get() {
        Some(Err(e)) => Some(e.to_string()),
        _ => None,
    };
    view! {
        <h2>"Who endorses requests"</h2>
        <ActionForm action=endorse attr:class="form">
            <p class="muted">"A member's request goes to the platform once it is endorsed on behalf of your organisation."</p>
            {move || error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
            <div class="field">
                <label for="endorsement">"Endorsed by"</label>
                <select id="endorsement" name="endorsement">
                    {EndorsementPolicy::ALL.iter().map(|p| view! {
                        <option value=p.as_str() selected=*p == current>{p.label()}</option>
                    }).collect_view()}
                </select>
            </div>
            <button type="submit" class="button button--small">"Save"</button>
        </ActionForm>
    }
}

#[component]
fn NewProjectForm(create: ServerAction<CreateProject>) -> impl IntoView {
    let error = move || match create.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let field_error = move |name: &'static str| {
        move || {
            error()
                .and_then(|e: AppError| e.field_message(name))
                .map(|m| view! { <p class="field__error">{m}</p> })
        }
    };
    let fields = [
        "code",
        "title",
        "description",
        "sector",
        "start_date",
        "end_date",
    ];
    view! {
        <h2>"New project"</h2>
        <ActionForm action=create attr:class="form" attr:novalidate=true>
            {move || error().and_then(|e| (!e.only_about_fields(&fields)).then(|| e.to_string()))
                .map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
            <div class="field">
                <label for="p-title">"Title"</label>
                <input id="p-title" name="title" required=true/>
                {field_error("title")}
            </div>
            <div class="field">
                <label for="p-code">"Short name"</label>
                <input id="p-code" name="code" required=true aria-describedby="p-code-help"/>
                <p id="p-code-help" class="field__hint">"Lower-case letters, digits and hyphens, such as climate-llm. It names the project's account on the clusters and cannot change later."</p>
                {field_error("code")}
            </div>
            <div class="field">
                <label for="p-sector">"Sector"</label>
                <select id="p-sector" name="sector">
                    {Sector::ALL.iter().map(|s| view! { <option value=s.as_str() selected=*s == Sector::Research>{s.label()}</option> }).collect_view()}
                </select>
                {field_error("sector")}
            </div>
            <div class="field">
                <label for="p-start">"Start date"</label>
                <input id="p-start" name="start_date" type="date" required=true/>
                {field_error("start_date")}
            </div>
            <div class="field">
                <label for="p-end">"End date (optional)"</label>
                <input id="p-end" name="end_date" type="date"/>
                {field_error("end_date")}
            </div>
            <div class="field">
                <label for="p-description">"Description"</label>
                <textarea id="p-description" name="description" rows="3"></textarea>
                {field_error("description")}
            </div>
            <button type="submit" class="button" disabled=move || create.pending().get()>"Create the project"</button>
        </ActionForm>
    }
}
