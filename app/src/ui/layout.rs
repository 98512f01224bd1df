//! The page frame: a header with the portal's navigation (collapsible on small
//! screens), the signed-in person, and a footer.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::domain::tenancy::TenantRole;
use crate::features::identity::{use_viewer, LogoutButton};
use crate::i18n::{td_string, use_i18n};
use crate::ui::language::LanguageSwitch;

#[component]
pub fn Layout(children: Children) -> impl IntoView {
    let viewer = use_viewer();
    // Created here, before the view: every resource and `Transition` must be
    // created in the same order on the server and in the browser, and anything
    // created inside a `Suspend` takes its hydration id at a time that depends
    // on timing. The header's one `Suspend` awaits all three.
    let tenants = crate::features::tenants::use_my_tenants();
    let unread = crate::features::requests::use_unread_count();
    let i18n = use_i18n();
    view! {
        <a class="skip-link" href="#main">{tr(i18n, |l| td_string!(l, common.skip_to_content))}</a>
        <header class="site-header">
            <div class="site-header__inner">
                <A href="/" attr:class="brand">
                    <span class="brand__mark" aria-hidden="true">"G"</span>
                    <span class="brand__name">"Guichet"</span>
                </A>
                <MenuToggle label=td_string!(i18n.get_locale_untracked(), common.menu).to_owned()/>
                <nav id="site-nav" class="site-nav" aria-label=move || td_string!(i18n.get_locale(), common.main_navigation)>
                    <A href="/">{tr(i18n, |l| td_string!(l, common.home))}</A>
                    <Transition fallback=|| ()>
                        {move || Suspend::new(async move {
                            let (viewer, tenants, unread) = (viewer.await, tenants.await, unread.await);
                            match viewer {
                                Ok(Some(v)) => {
                                    let in_tenant = v.tenant_name.is_some();
                                    let sees_audit = !v.platform_admin
                                        && v.role.is_some_and(|r| !r.can_write() || r == TenantRole::Owner);
                                    let tenants = tenants.unwrap_or_default();
                                    let notice = crate::features::tenants::active_tenant_notice(&tenants);
                                    view! {
                                        {in_tenant.then(|| view! { <A href="/projects">{tr(i18n, |l| td_string!(l, common.projects))}</A> })}
                                        {in_tenant.then(|| view! { <A href="/requests">{tr(i18n, |l| td_string!(l, common.requests))}</A> })}
                                        {(v.platform_admin || in_tenant).then(|| view! { <A href="/capacity">{tr(i18n, |l| td_string!(l, common.capacity))}</A> })}
                                        <A href="/placement">{tr(i18n, |l| td_string!(l, common.placement))}</A>
                                        <A href="/catalogue">{tr(i18n, |l| td_string!(l, common.catalogue))}</A>
                                        {v.platform_admin.then(|| view! {
                                            <details class="nav-menu">
                                                <summary>{tr(i18n, |l| td_string!(l, common.administration))}</summary>
                                                <div class="nav-menu__list">
                                                    <A href="/admin/requests">{tr(i18n, |l| td_string!(l, common.request_queue))}</A>
                                                    <A href="/admin/tenants">{tr(i18n, |l| td_string!(l, common.verify_organisations))}</A>
                                                    <A href="/admin/people">{tr(i18n, |l| td_string!(l, common.people))}</A>
                                                    <A href="/admin/catalogue">{tr(i18n, |l| td_string!(l, common.manage_catalogue))}</A>
                                                    <A href="/admin/agents">{tr(i18n, |l| td_string!(l, common.site_agents))}</A>
                                                    <A href="/admin/usage">{tr(i18n, |l| td_string!(l, common.usage))}</A>
                                                    <A href="/admin/jobs">{tr(i18n, |l| td_string!(l, common.jobs))}</A>
                                                    <A href="/audit">{tr(i18n, |l| td_string!(l, common.audit_log))}</A>
                                                </div>
                                            </details>
                                        })}
                                        <span class="site-nav__spacer"></span>
                                        {(v.platform_admin || in_tenant).then(|| view! { <crate::features::search::HeaderSearch/> })}
                                        {notice}
                                        {(v.platform_admin || in_tenant).then(|| view! {
                                            <crate::features::requests::NotificationBadge unread=unread.unwrap_or(0)/>
                                        })}
                                        <details class="nav-menu user-menu">
                                            <summary>
                                                <span class="site-nav__who">
                                                    <span class="site-nav__name">{v.name.clone()}</span>
                                                    {v.tenant_name.clone().map(|t| view! { <span class="site-nav__tenant">{t}</span> })}
                                                </span>
                                            </summary>
                                            <div class="nav-menu__list">
                                                <crate::features::tenants::TenantSwitcher tenants/>
                                                {in_tenant.then(|| view! { <A href="/organisation">{tr(i18n, |l| td_string!(l, common.organisation))}</A> })}
                                                <A href="/account">{tr(i18n, |l| td_string!(l, common.account_and_sessions))}</A>
                                                {sees_audit.then(|| view! { <A href="/audit">{tr(i18n, |l| td_string!(l, common.audit_log))}</A> })}
                                            </div>
                                        </details>
                                        <LogoutButton/>
                                    }.into_any()
                                }
                                _ => view! {
                                    <A href="/signup">{tr(i18n, |l| td_string!(l, common.create_account))}</A>
                                    <A href="/login" attr:class="button button--small">{tr(i18n, |l| td_string!(l, common.sign_in))}</A>
                                }.into_any(),
                            }
                        })}
                    </Transition>
                    <LanguageSwitch current=leptos_i18n::Locale::as_str(i18n.get_locale_untracked()).to_owned()/>
                </nav>
            </div>
        </header>
        <main id="main" class="site-main">{children()}</main>
        <footer class="site-footer">
            <p>{tr(i18n, |l| td_string!(l, common.footer))}</p>
            <p><A href="/accessibility">{tr(i18n, |l| td_string!(l, common.accessibility_footer))}</A></p>
        </footer>
    }
}

#[component]
pub fn NotFound() -> impl IntoView {
    #[cfg(feature = "ssr")]
    if let Some(response) = use_context::<leptos_axum::ResponseOptions>() {
        response.set_status(http::StatusCode::NOT_FOUND);
    }
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, errors.not_found_title))/>
        <section class="page page--narrow">
            <super::NotFoundNote/>
        </section>
    }
}

/// The menu button of small screens: it opens and closes the navigation (`#site-nav`, drawn by
/// the server), and says which it is.
#[island]
fn MenuToggle(label: String) -> impl IntoView {
    let (open, set_open) = signal(false);
    view! {
        <button
            type="button"
            class="menu-toggle"
            aria-controls="site-nav"
            aria-expanded=move || open.get().to_string()
            on:click=move |_| {
                set_open.update(|open| *open = !*open);
                #[cfg(feature = "hydrate")]
                if let Some(nav) = document().get_element_by_id("site-nav") {
                    let _ = nav.class_list().toggle_with_force("site-nav--open", open.get_untracked());
                }
            }
        >
            <span class="menu-toggle__bar" aria-hidden="true"></span>
            <span class="visually-hidden">{label}</span>
        </button>
    }
}
