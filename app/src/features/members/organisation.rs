//! The organisation page: its members and open invitations for every member;
//! inviting, changing roles and removing members for owners.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{
    organisation_overview, ChangeMemberRole, InviteMember, LeaveOrganisation, RemoveMember,
    RevokeInvitation,
};
use super::types::OrganisationView;
use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::ui::table::{query_param, Pager};

use crate::domain::dates::format_day as day;

fn error_of<T>(value: Option<Result<T, AppError>>) -> Option<AppError> {
    match value {
        Some(Err(e)) => Some(e),
        _ => None,
    }
}

/// A form-level message for errors that are not all beside their fields.
fn form_error(e: &AppError, fields: &[&str]) -> Option<String> {
    (!e.only_about_fields(fields)).then(|| e.to_string())
}

fn role_badge(role: TenantRole) -> impl IntoView {
    let class = match role {
        TenantRole::Owner => "badge badge--info",
        TenantRole::Member => "badge badge--ok",
        TenantRole::Auditor => "badge badge--warn",
    };
    view! { <span class=class>{role.label()}</span> }
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let invite = ServerAction::<InviteMember>::new();
    let change = ServerAction::<ChangeMemberRole>::new();
    let remove = ServerAction::<RemoveMember>::new();
    let revoke = ServerAction::<RevokeInvitation>::new();
    let leave = ServerAction::<LeaveOrganisation>::new();
    let page = query_param("page");
    let data = Resource::new(
        move || {
            (
                page(),
                invite.version().get(),
                change.version().get(),
                remove.version().get(),
                revoke.version().get(),
            )
        },
        |(page, ..)| organisation_overview(page),
    );
    view! {
        <Title text="Organisation"/>
        <section class="page">
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(org) => view! {
                            <OrganisationBody org=org invite change remove revoke leave/>
                        }.into_any(),
                        Err(e) => view! {
                            <h1>"Organisation"</h1>
                            <crate::ui::ErrorPanel error=e/>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn OrganisationBody(
    org: OrganisationView,
    invite: ServerAction<InviteMember>,
    change: ServerAction<ChangeMemberRole>,
    remove: ServerAction<RemoveMember>,
    revoke: ServerAction<RevokeInvitation>,
    leave: ServerAction<LeaveOrganisation>,
) -> impl IntoView {
    let owner = org.your_role == TenantRole::Owner;
    let row_error = move || {
        error_of(change.value().get())
            .or_else(|| error_of(remove.value().get()))
            .or_else(|| error_of(revoke.value().get()))
            .map(|e| e.to_string())
    };
    let members = org
        .members
        .into_iter()
        .map(|m| {
            let user_id = m.user_id.to_string();
            let user_id_2 = user_id.clone();
            let select_id = format!("role-{}", m.user_id);
            let select_id_2 = select_id.clone();
            let label_name = m.name.clone();
            let current_role = m.role;
            let actions = owner.then(|| {
                view! {
                    <td data-label="">
                        <ActionForm action=change attr:class="inline-form">
                            <input type="hidden" name="user_id" value=user_id/>
                            <label for=select_id class="visually-hidden">"Role of " {label_name}</label>
                            <select id=select_id_2 name="role">
                                {TenantRole::ALL.into_iter().map(|r| view! {
                                    <option value=r.as_str() selected=r == current_role>{r.label()}</option>
                                }).collect_view()}
                            </select>
                            " "
                            <button type="submit" class="button button--small">"Change role"</button>
                        </ActionForm>
                        " "
                        <ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="user_id" value=user_id_2/>
                            <button type="submit" class="button button--small button--ghost">"Remove"</button>
                        </ActionForm>
                    </td>
                }
            });
            view! {
                <tr>
                    <td data-label="Name">{m.name.clone()} {m.is_you.then_some(" (you)")}</td>
                    <td data-label="E-mail">{m.email.clone()}</td>
                    <td data-label="Role">{role_badge(m.role)}</td>
                    <td data-label="Since">{day(m.since)}</td>
                    {actions}
                </tr>
            }
        })
        .collect_view();
    let has_invitations = !org.invitations.is_empty();
    let invitations = org
        .invitations
        .into_iter()
        .map(|i| {
            let id = i.id.to_string();
            view! {
                <tr>
                    <td data-label="E-mail">{i.email.clone()}</td>
                    <td data-label="Role">{role_badge(i.role)}</td>
                    <td data-label="Sent">{day(i.sent_at)}</td>
                    <td data-label="Expires">{day(i.expires_at)}</td>
                    {owner.then(|| view! {
                        <td data-label="">
                            <ActionForm action=revoke attr:class="inline-form">
                                <input type="hidden" name="invitation_id" value=id/>
                                <button type="submit" class="button button--small button--ghost">"Withdraw"</button>
                            </ActionForm>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1>{org.tenant_name.clone()}</h1>
        <p>"Your role: " {role_badge(org.your_role)}</p>
        {move || row_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
        <h2>"Members"</h2>
        <div class="table-wrap">
            <table class="stack">
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"E-mail"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Since"</th>
                        {owner.then(|| view! { <th scope="col">"Actions"</th> })}
                    </tr>
                </thead>
                <tbody>{members}</tbody>
            </table>
        </div>
        <Pager page=org.page has_more=org.has_more/>
        <h2>"Open invitations"</h2>
        {if has_invitations {
            view! {
                <div class="table-wrap">
                    <table class="stack">
                        <thead>
                            <tr>
                                <th scope="col">"E-mail"</th>
                                <th scope="col">"Role"</th>
                                <th scope="col">"Sent"</th>
                                <th scope="col">"Expires"</th>
                                {owner.then(|| view! { <th scope="col">"Actions"</th> })}
                            </tr>
                        </thead>
                        <tbody>{invitations}</tbody>
                    </table>
                </div>
            }.into_any()
        } else {
            view! { <p>"No open invitations."</p> }.into_any()
        }}
        {owner.then(|| view! { <InviteForm invite/> })}
        <crate::features::usage::thresholds::UsageNotices owner/>
        <h2>"Leave"</h2>
        <ActionForm action=leave attr:class="actions">
            {move || error_of(leave.value().get()).map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })}
            <button type="submit" class="button button--ghost">"Leave this organisation"</button>
        </ActionForm>
    }
}

#[component]
fn InviteForm(invite: ServerAction<InviteMember>) -> impl IntoView {
    let error = move || error_of(invite.value().get());
    let sent = move || match invite.value().get() {
        Some(Ok(sent)) => Some(sent),
        _ => None,
    };
    view! {
        <h2>"Invite someone"</h2>
        <ActionForm action=invite attr:class="form" attr:novalidate=true>
            {move || error().and_then(|e| form_error(&e, &["email", "role"]))
                .map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
            {move || sent().map(|s| view! {
                <p class="form__ok" role="status">
                    "Invitation for " {s.email.clone()} " (" {s.role.label()} ") created. "
                    "Send them this link; it is shown only once and works for 7 days: "
                    <a href=s.link.clone()><code>{s.link.clone()}</code></a>
                </p>
            })}
            <div class="field">
                <label for="invite-email">"E-mail address"</label>
                <input id="invite-email" name="email" type="email" autocomplete="off" required=true/>
                {move || error().and_then(|e| e.field_message("email"))
                    .map(|m| view! { <p class="field__error">{m}</p> })}
            </div>
            <div class="field">
                <label for="invite-role">"Role"</label>
                <select id="invite-role" name="role">
                    <option value="member" selected=true>"Member"</option>
                    <option value="auditor">"Auditor (read-only)"</option>
                    <option value="owner">"Owner"</option>
                </select>
                {move || error().and_then(|e| e.field_message("role"))
                    .map(|m| view! { <p class="field__error">{m}</p> })}
            </div>
            <button type="submit" class="button" disabled=move || invite.pending().get()>"Send invitation"</button>
        </ActionForm>
    }
}
