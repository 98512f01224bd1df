//! The active tenant: a selector in the header for people in several tenants,
//! and a notice while the active tenant is pending or was rejected (with the
//! admins' reason, for its owners).

use crate::i18n::td_string;
use crate::ui::language::tr;
use leptos::prelude::*;

use super::api::{my_tenants, SwitchTenant};
use super::types::MyTenant;
use crate::domain::format::fill;
use crate::domain::tenancy::TenantStatus;
use crate::error::AppError;
use crate::i18n::{t_string, use_i18n};

#[derive(Clone, Copy)]
struct MyTenantsResource(Resource<Result<Vec<MyTenant>, AppError>>);

/// The person's tenants, loaded once per page; `Layout` calls this before its
/// view so the resource is created outside any `Suspend` (hydration needs the
/// same resources in the same order on both sides).
pub fn use_my_tenants() -> Resource<Result<Vec<MyTenant>, AppError>> {
    if let Some(existing) = use_context::<MyTenantsResource>() {
        return existing.0;
    }
    let resource = Resource::new(|| (), |_| my_tenants());
    provide_context(MyTenantsResource(resource));
    resource
}

/// The tenant selector of the header's person menu, shown with two or more
/// memberships. The header awaits the list (see `NotificationBadge` for why no
/// `Transition` lives in here).
#[component]
pub fn TenantSwitcher(tenants: Vec<MyTenant>) -> impl IntoView {
    let action = crate::ui::form::action::<SwitchTenant>();
    let i18n = use_i18n();
    (tenants.len() > 1).then(|| {
        view! {
            <ActionForm action=action attr:class="inline-form tenant-switch">
                <label for="tenant-switch" class="visually-hidden">{tr(i18n, |l| td_string!(l, tenants.organisation))}</label>
                <select id="tenant-switch" name="tenant_slug">
                    {tenants.iter().map(|t| view! {
                        <option value=t.slug.clone() selected=t.active>
                            {let (name, role) = (t.name.clone(), t.role); move || format!("{name} ({})", role.label_in(i18n.get_locale()))}
                        </option>
                    }).collect_view()}
                </select>
                <button type="submit" class="button button--small button--ghost">{tr(i18n, |l| td_string!(l, tenants.switch))}</button>
            </ActionForm>
        }
    })
}

/// The active tenant's verification notice, for the header: pending, or rejected with the
/// campus's reason (owners only get the reason).
pub fn active_tenant_notice(tenants: &[MyTenant]) -> Option<AnyView> {
    tenants.iter().find(|t| t.active).and_then(status_notice)
}

fn status_notice(tenant: &MyTenant) -> Option<AnyView> {
    let i18n = use_i18n();
    match tenant.status {
        TenantStatus::Verified => tenant.suspension_reason.clone().map(|reason| {
            let text = move || fill(t_string!(i18n, tenants.suspended_notice), &[("reason", &reason)]);
            view! { <span class="badge badge--bad">{text}</span> }.into_any()
        }),
        TenantStatus::Pending => Some(
            view! {
                <span class="badge badge--warn" title=tr(i18n, |l| td_string!(l, tenants.pending_hint))>
                    {tr(i18n, |l| td_string!(l, tenants.pending_verification))}
                </span>
            }
            .into_any(),
        ),
        TenantStatus::Rejected => {
            let reason = tenant.rejection_reason.clone();
            let text = move || match &reason {
                Some(reason) => fill(
                    t_string!(i18n, tenants.not_verified_reason),
                    &[("reason", reason)],
                ),
                None => t_string!(i18n, tenants.not_verified).to_owned(),
            };
            Some(view! { <span class="badge badge--bad">{text}</span> }.into_any())
        }
    }
}
