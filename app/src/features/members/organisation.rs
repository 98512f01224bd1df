//! The organisation page: its members and open invitations for every member;
//! inviting, changing roles and removing members for owners.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{
    organisation_overview, ChangeMemberRole, DecideJoinRequest, InviteMember, LeaveOrganisation,
    RemoveMember, RevokeInvitation,
};
use super::types::OrganisationView;
use crate::domain::format::fill;
use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::i18n::{t_string, td_string, use_i18n, Locale};
use crate::ui::form::{Checked, FormRefused};
use crate::ui::table::{query_param, Pager};

use crate::domain::format::shown_unix_day as day;

fn error_of<T>(value: Option<Result<T, AppError>>) -> Option<AppError> {
    match value {
        Some(Err(e)) => Some(e),
        _ => None,
    }
}

/// A form-level message for errors that are not all beside their fields.
fn form_error(e: &AppError, fields: &[&str], locale: Locale) -> Option<String> {
    (!e.only_about_fields(fields)).then(|| e.message(locale))
}

fn role_badge(role: TenantRole) -> impl IntoView {
    let class = match role {
        TenantRole::Owner => "badge badge--info",
        TenantRole::Member => "badge badge--ok",
        TenantRole::Auditor => "badge badge--warn",
    };
    let i18n = use_i18n();
    view! { <span class=class>{move || role.label_in(i18n.get_locale())}</span> }
}

#[component]
pub fn OrganisationPage() -> impl IntoView {
    let invite = crate::ui::form::action::<InviteMember>();
    let change = crate::ui::form::action::<ChangeMemberRole>();
    let remove = crate::ui::form::action::<RemoveMember>();
    let revoke = crate::ui::form::action::<RevokeInvitation>();
    let leave = crate::ui::form::action::<LeaveOrganisation>();
    let decide = crate::ui::form::action::<DecideJoinRequest>();
    let page = query_param("page");
    let data = Resource::new(
        move || {
            (
                page(),
                invite.version().get(),
                change.version().get(),
                remove.version().get(),
                revoke.version().get(),
                decide.version().get(),
            )
        },
        |(page, ..)| organisation_overview(page),
    );
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, members.organisation))/>
        <section class="page">
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, members.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(org) => view! {
                            <OrganisationBody org=org invite change remove revoke leave decide/>
                        }.into_any(),
                        Err(e) => view! {
                            <h1>{tr(i18n, |l| td_string!(l, members.organisation))}</h1>
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
    decide: ServerAction<DecideJoinRequest>,
) -> impl IntoView {
    let join_requests = org.join_requests.clone();
    let owner = org.your_role == TenantRole::Owner;
    let i18n = use_i18n();
    let row_error = move || {
        error_of(change.value().get())
            .or_else(|| error_of(remove.value().get()))
            .or_else(|| error_of(revoke.value().get()))
            .map(|e| e.message(i18n.get_locale()))
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
                            <label for=select_id class="visually-hidden">{move || fill(t_string!(i18n, members.role_of), &[("name", &label_name)])}</label>
                            <select id=select_id_2 name="role">
                                {TenantRole::ALL.into_iter().map(|r| view! {
                                    <option value=r.as_str() selected=r == current_role>{move || r.label_in(i18n.get_locale())}</option>
                                }).collect_view()}
                            </select>
                            " "
                            <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, members.change_role))}</button>
                        </ActionForm>
                        " "
                        <ActionForm action=remove attr:class="inline-form">
                            <input type="hidden" name="user_id" value=user_id_2/>
                            <button type="submit" class="button button--small button--ghost">{tr(i18n, |l| td_string!(l, members.remove))}</button>
                        </ActionForm>
                    </td>
                }
            });
            view! {
                <tr>
                    <td data-label=tr(i18n, |l| td_string!(l, members.name))>{m.name.clone()} {m.is_you.then(|| view! { " " {tr(i18n, |l| td_string!(l, members.you_marker))} })}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, members.email))>{m.email.clone()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, members.role))>{role_badge(m.role)}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, members.since))>{day(m.since)}</td>
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
                    <td data-label=tr(i18n, |l| td_string!(l, members.email))>{i.email.clone()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, members.role))>{role_badge(i.role)}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, members.sent))>{day(i.sent_at)}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, members.expires))>{day(i.expires_at)}</td>
                    {owner.then(|| view! {
                        <td data-label="">
                            <ActionForm action=revoke attr:class="inline-form">
                                <input type="hidden" name="invitation_id" value=id/>
                                <button type="submit" class="button button--small button--ghost">{tr(i18n, |l| td_string!(l, members.withdraw))}</button>
                            </ActionForm>
                        </td>
                    })}
                </tr>
            }
        })
        .collect_view();
    view! {
        <h1>{org.tenant_name.clone()}</h1>
        <p>{tr(i18n, |l| td_string!(l, members.your_role))} " " {role_badge(org.your_role)}</p>
        {move || row_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
        <h2>{tr(i18n, |l| td_string!(l, members.members))}</h2>
        <div class="table-wrap">
            <table class="stack">
                <thead>
                    <tr>
                        <th scope="col">{tr(i18n, |l| td_string!(l, members.name))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, members.email))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, members.role))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, members.since))}</th>
                        {owner.then(|| view! { <th scope="col">{tr(i18n, |l| td_string!(l, members.actions))}</th> })}
                    </tr>
                </thead>
                <tbody>{members}</tbody>
            </table>
        </div>
        <Pager page=org.page has_more=org.has_more/>
        <h2>{tr(i18n, |l| td_string!(l, members.open_invitations))}</h2>
        {if has_invitations {
            view! {
                <div class="table-wrap">
                    <table class="stack">
                        <thead>
                            <tr>
                                <th scope="col">{tr(i18n, |l| td_string!(l, members.email))}</th>
                                <th scope="col">{tr(i18n, |l| td_string!(l, members.role))}</th>
                                <th scope="col">{tr(i18n, |l| td_string!(l, members.sent))}</th>
                                <th scope="col">{tr(i18n, |l| td_string!(l, members.expires))}</th>
                                {owner.then(|| view! { <th scope="col">{tr(i18n, |l| td_string!(l, members.actions))}</th> })}
                            </tr>
                        </thead>
                        <tbody>{invitations}</tbody>
                    </table>
                </div>
            }.into_any()
        } else {
            view! { <p>{tr(i18n, |l| td_string!(l, members.no_open_invitations))}</p> }.into_any()
        }}
        <super::JoinRequestsSection requests=join_requests decide/>
        {owner.then(|| view! { <InviteForm invite/> })}
        {owner.then(|| view! { <crate::features::tenants::OrganisationDetailsSection/> })}
        <crate::features::usage::thresholds::UsageNotices owner/>
        <h2>{tr(i18n, |l| td_string!(l, members.leave))}</h2>
        <ActionForm action=leave attr:class="actions">
            {move || error_of(leave.value().get()).map(|e| view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> })}
            <button type="submit" class="button button--ghost">{tr(i18n, |l| td_string!(l, members.leave_this_organisation))}</button>
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
    let i18n = use_i18n();
    let email = Checked::new("invite-email", move || {
        error().and_then(|e| e.field_message("email"))
    });
    let role = Checked::new("invite-role", move || {
        error().and_then(|e| e.field_message("role"))
    });
    view! {
        <h2>{tr(i18n, |l| td_string!(l, members.invite_someone))}</h2>
        <ActionForm action=invite attr:class="form" attr:novalidate=true>
            {move || error().map(|e| match form_error(&e, &["email", "role"], i18n.get_locale()) {
                Some(m) => view! { <p class="form__error" role="alert">{m}</p> }.into_any(),
                None => view! { <FormRefused/> }.into_any(),
            })}
            {move || sent().map(|s| view! {
                <p class="form__ok" role="status" tabindex="-1" autofocus=true>
                    {fill(t_string!(i18n, members.invitation_created), &[("email", &s.email), ("role", &s.role.label_in(i18n.get_locale()))])}
                    " "
                    <a href=s.link.clone()><code>{s.link.clone()}</code></a>
                </p>
            })}
            <div class="field">
                <label for="invite-email">{tr(i18n, |l| td_string!(l, members.email_address))}</label>
                <input id="invite-email" name="email" type="email" autocomplete="off" required=true
                    aria-invalid=email.invalid() autofocus=email.focus() aria-describedby=email.described_by(None)/>
                {email.error()}
            </div>
            <div class="field">
                <label for="invite-role">{tr(i18n, |l| td_string!(l, members.role))}</label>
                <select id="invite-role" name="role" aria-invalid=role.invalid() autofocus=role.focus() aria-describedby=role.described_by(None)>
                    <option value="member" selected=true>{tr(i18n, |l| td_string!(l, members.role_member))}</option>
                    <option value="auditor">{tr(i18n, |l| td_string!(l, members.role_auditor_read_only))}</option>
                    <option value="owner">{tr(i18n, |l| td_string!(l, members.role_owner))}</option>
                </select>
                {role.error()}
            </div>
            <button type="submit" class="button" disabled=move || invite.pending().get()>{tr(i18n, |l| td_string!(l, members.send_invitation))}</button>
        </ActionForm>
    }
}
