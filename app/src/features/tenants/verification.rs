//! The platform admins' tenant-verification queue (`/admin/tenants`): pending
//! organisations with what they declared, and the recent decisions. "Verify"
//! lets a tenant submit requests; "Reject" needs a reason, which the tenant's
//! owners see.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{tenant_queue, LiftSuspension, RejectTenant, SuspendTenant, VerifyTenant};
use super::types::{TenantSummary, VerificationQueue};
use crate::domain::{
    country::CountryCode,
    format::shown_instant,
    identity::{Sector, TenantKind},
    tenancy::TenantStatus,
};
use crate::i18n::{td_string, use_i18n};
use crate::ui::table::{query_param, Pager};

fn kind_label(locale: crate::i18n::Locale, kind: &str) -> String {
    TenantKind::parse(kind).map_or_else(|_| kind.to_owned(), |k| k.label_in(locale).to_owned())
}

fn sector_label(locale: crate::i18n::Locale, sector: &str) -> String {
    Sector::parse(sector).map_or_else(|_| sector.to_owned(), |s| s.label_in(locale).to_owned())
}

fn country_label(code: &str) -> String {
    CountryCode::parse(code).map_or_else(
        |_| code.to_owned(),
        |c| format!("{} ({c})", c.name_in(crate::locale::current())),
    )
}

/// The first refusal among a row's actions that is not about the reason field, in words.
fn row_error(
    answers: [Option<Result<(), crate::error::AppError>>; 2],
    locale: crate::i18n::Locale,
) -> Option<String> {
    answers.into_iter().find_map(|v| match v {
        Some(Err(e)) if e.field_message("reason").is_none() => Some(e.message(locale)),
        _ => None,
    })
}

/// A reason an owner will read (for rejecting, for suspending), its error beside it.
#[component]
fn ReasonField(
    id: String,
    label: fn(crate::i18n::Locale) -> &'static str,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    view! {
        <div class="field">
            <label for=id.clone()>{tr(i18n, label)}</label>
            <input id=id name="reason" type="text" required=true aria-describedby=error_id.clone()/>
            <p class="field__error" id=error_id role="alert" hidden=move || error.get().is_none()>
                {move || error.get().unwrap_or_default()}
            </p>
        </div>
    }
}

#[component]
pub fn TenantsAdminPage() -> impl IntoView {
    let page = query_param("page");
    let queue = Resource::new(page, tenant_queue);
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, tenants.organisations_to_verify))/>
        <section class="page">
            <h1>{tr(i18n, |l| td_string!(l, tenants.organisations_to_verify))}</h1>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, tenants.loading))}</p> }>
                {move || Suspend::new(async move {
                    match queue.await {
                        Ok(q) => view! { <QueueTables queue=q/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
fn QueueTables(queue: VerificationQueue) -> impl IntoView {
    let pending_empty = queue.pending.is_empty();
    let decided_empty = queue.decided.is_empty();
    let verified_empty = queue.verified.is_empty();
    let i18n = use_i18n();
    view! {
        <h2>{tr(i18n, |l| td_string!(l, tenants.pending))}</h2>
        {pending_empty.then(|| view! { <p>{tr(i18n, |l| td_string!(l, tenants.no_pending))}</p> })}
        {(!pending_empty).then(|| view! {
            <div class="table-wrap">
                <table class="stack wrap-headers">
                    <thead>
                        <tr>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.organisation))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.kind))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.legal_country))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.registration_id))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.sector))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.parents_country))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.signed_up))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.decision))}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {queue.pending.into_iter().map(|t| view! { <PendingRow tenant=t/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        <Pager page=queue.page has_more=queue.has_more/>
        <h2>{tr(i18n, |l| td_string!(l, tenants.recent_decisions))}</h2>
        {decided_empty.then(|| view! { <p>{tr(i18n, |l| td_string!(l, tenants.no_decision_yet))}</p> })}
        {(!decided_empty).then(|| view! {
            <div class="table-wrap">
                <table class="stack">
                    <thead>
                        <tr>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.organisation))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.legal_country))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.registration_id))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.decision))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.reason))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.decided))}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {queue.decided.into_iter().map(|t| {
                            let badge = match t.status {
                                TenantStatus::Verified => "badge badge--ok",
                                TenantStatus::Rejected => "badge badge--bad",
                                TenantStatus::Pending => "badge badge--warn",
                            };
                            view! {
                                <tr>
                                    <td data-label=tr(i18n, |l| td_string!(l, tenants.organisation))>{t.name.clone()}<br/><small>{t.slug.clone()}</small></td>
                                    <td data-label=tr(i18n, |l| td_string!(l, tenants.legal_country))>{country_label(&t.country)}</td>
                                    <td data-label=tr(i18n, |l| td_string!(l, tenants.registration_id))>{t.registration_id.clone()}</td>
                                    <td data-label=tr(i18n, |l| td_string!(l, tenants.decision))><span class=badge>{move || t.status.label_in(i18n.get_locale())}</span></td>
                                    <td data-label=tr(i18n, |l| td_string!(l, tenants.reason))>{t.rejection_reason.clone().unwrap_or_default()}</td>
                                    <td data-label=tr(i18n, |l| td_string!(l, tenants.decided))>{t.decided_at.as_ref().map(shown_instant).unwrap_or_default()}</td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
        <h2>{tr(i18n, |l| td_string!(l, tenants.verified_organisations))}</h2>
        <p>{tr(i18n, |l| td_string!(l, tenants.verified_intro))}</p>
        {verified_empty.then(|| view! { <p>{tr(i18n, |l| td_string!(l, tenants.no_verified))}</p> })}
        {(!verified_empty).then(|| view! {
            <div class="table-wrap">
                <table class="stack">
                    <thead>
                        <tr>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.organisation))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.legal_country))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.standing))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, tenants.decision))}</th>
                        </tr>
                    </thead>
                    <tbody>
                        {queue.verified.into_iter().map(|t| view! { <VerifiedRow tenant=t/> }).collect_view()}
                    </tbody>
                </table>
            </div>
        })}
    }
}

/// A verified organisation: suspend it with a reason, or lift its suspension.
#[component]
fn VerifiedRow(tenant: TenantSummary) -> impl IntoView {
    let i18n = use_i18n();
    // The row's form says which row was sent (`_form`): its answer is said in that row only.
    let key = format!("verified-{}", tenant.id);
    let suspend = crate::ui::form::action_for::<SuspendTenant>(&key);
    let lift = crate::ui::form::action_for::<LiftSuspension>(&key);
    let error = move || {
        row_error(
            [suspend.value().get(), lift.value().get()],
            i18n.get_locale(),
        )
    };
    let reason_error = Signal::derive(move || match suspend.value().get() {
        Some(Err(e)) => e.field_message("reason"),
        _ => None,
    });
    let id = tenant.id.to_string();
    let reason_id = format!("suspend-reason-{}", tenant.id);
    let suspended = tenant.suspension_reason.clone();
    view! {
        <tr>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.organisation))>{tenant.name.clone()}<br/><small>{tenant.slug.clone()}</small></td>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.legal_country))>{country_label(&tenant.country)}</td>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.standing))>
                {match suspended.clone() {
                    Some(reason) => view! {
                        <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, tenants.suspended))}</span>
                        <br/><small>{reason}</small>
                    }.into_any(),
                    None => view! { <span class="badge badge--ok">{tr(i18n, |l| td_string!(l, tenants.active))}</span> }.into_any(),
                }}
            </td>
            <td data-label="" class="decision-cell">
                {move || error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                {match suspended {
                    Some(_) => view! {
                        <ActionForm action=lift attr:class="inline-form">
                            <input type="hidden" name="_form" value=key.clone()/>
                            <input type="hidden" name="tenant_id" value=id.clone()/>
                            <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, tenants.lift_suspension))}</button>
                        </ActionForm>
                    }.into_any(),
                    None => view! {
                        <ActionForm action=suspend attr:class="form">
                            <input type="hidden" name="_form" value=key.clone()/>
                            <input type="hidden" name="tenant_id" value=id.clone()/>
                            <ReasonField id=reason_id.clone() label=|l| td_string!(l, tenants.suspension_reason) error=reason_error/>
                            <button type="submit" class="button button--small button--ghost">{tr(i18n, |l| td_string!(l, tenants.suspend))}</button>
                        </ActionForm>
                    }.into_any(),
                }}
            </td>
        </tr>
    }
}

#[component]
fn PendingRow(tenant: TenantSummary) -> impl IntoView {
    let i18n = use_i18n();
    let key = format!("pending-{}", tenant.id);
    let verify = crate::ui::form::action_for::<VerifyTenant>(&key);
    let reject = crate::ui::form::action_for::<RejectTenant>(&key);
    let error = move || {
        row_error(
            [verify.value().get(), reject.value().get()],
            i18n.get_locale(),
        )
    };
    let reason_error = Signal::derive(move || match reject.value().get() {
        Some(Err(e)) => e.field_message("reason"),
        _ => None,
    });
    let verify_id = tenant.id.to_string();
    let reject_id = tenant.id.to_string();
    let key_again = key.clone();
    let reason_id = format!("reject-reason-{}", tenant.id);
    view! {
        <tr>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.organisation))>{tenant.name.clone()}<br/><small>{tenant.slug.clone()}</small></td>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.kind))>{let k = tenant.kind.clone(); move || kind_label(i18n.get_locale(), &k)}</td>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.legal_country))>{country_label(&tenant.country)}</td>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.registration_id))>{tenant.registration_id.clone()}</td>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.sector))>{let k = tenant.sector.clone(); move || sector_label(i18n.get_locale(), &k)}</td>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.parents_country))>{country_label(&tenant.parent_country)}</td>
            <td data-label=tr(i18n, |l| td_string!(l, tenants.signed_up))>{shown_instant(&tenant.created_at)}</td>
            <td data-label="" class="decision-cell">
                {move || error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
                <ActionForm action=verify attr:class="inline-form">
                    <input type="hidden" name="_form" value=key.clone()/>
                    <input type="hidden" name="tenant_id" value=verify_id.clone()/>
                    <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, tenants.verify))}</button>
                </ActionForm>
                <ActionForm action=reject attr:class="form">
                    <input type="hidden" name="_form" value=key_again.clone()/>
                    <input type="hidden" name="tenant_id" value=reject_id.clone()/>
                    <ReasonField id=reason_id.clone() label=|l| td_string!(l, tenants.reason_for_rejecting) error=reason_error/>
                    <button type="submit" class="button button--small button--ghost">{tr(i18n, |l| td_string!(l, tenants.reject))}</button>
                </ActionForm>
            </td>
        </tr>
    }
}
