//! Catalogue administration for platform admins: operators and their
//! shareholders, sites, GPU inventory, certifications and the policy lists.
//! Every form is an `ActionForm` (it works before the wasm loads); the server
//! validates, audits and versions each change.
//!
//! The operator or site being edited is named in the address
//! (`?operator=<id>`, `?site=<slug>`), chosen through a plain GET form or an
//! "Edit" link, so its edit form comes pre-filled with the current values with
//! or without the wasm.

mod certifications;
mod form;
mod gpus;
mod operators;
mod policy;
mod shareholders;
mod sites;

use crate::ui::language::page_title;
use crate::ui::language::tr;
use std::sync::Arc;

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{
    get_catalogue, AddCertification, CreateOperator, CreateSite, DeleteOperator, DeleteSite,
    RemoveCertification, RemoveShareholder, SetGpuInventory, SetShareholder, UpdateOperator,
    UpdatePolicy, UpdateSite,
};
use super::page::CatalogueView;
use crate::domain::{catalogue::CatalogueSnapshot, country::ALL_COUNTRIES};
use crate::error::AppError;
use crate::features::identity::use_viewer;
use crate::i18n::{td_string, use_i18n};
use certifications::CertificationsSection;
use form::COUNTRY_LIST;
use gpus::GpuSection;
use operators::OperatorsSection;
use policy::PolicySection;
use sites::SitesSection;

#[component]
pub fn CatalogueAdminPage() -> impl IntoView {
    let viewer = use_viewer();
    // Created here, before the view (never inside a `Suspend`): the edits, and the catalogue
    // read again after each. Anyone but a platform admin gets the refusal, with its status.
    let actions = Actions::new();
    let snapshot = Resource::new(
        move || actions.versions(),
        move |_| async move {
            match viewer.await? {
                Some(v) if v.platform_admin => get_catalogue().await,
                Some(_) => Err(AppError::Forbidden),
                None => Err(AppError::Unauthenticated),
            }
        },
    );
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, catalogue.admin_title))/>
        <section class="page">
            <h1>{tr(i18n, |l| td_string!(l, catalogue.admin_title))}</h1>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, catalogue.loading_catalogue))}</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snapshot) => view! { <AdminForms snapshot=Arc::new(snapshot) actions/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// Every edit of the page; the catalogue is read again after each.
#[derive(Clone, Copy)]
pub(super) struct Actions {
    pub(super) new_operator: ServerAction<CreateOperator>,
    pub(super) edit_operator: ServerAction<UpdateOperator>,
    pub(super) holder: ServerAction<SetShareholder>,
    pub(super) remove_holder: ServerAction<RemoveShareholder>,
    pub(super) delete_operator: ServerAction<DeleteOperator>,
    pub(super) new_site: ServerAction<CreateSite>,
    pub(super) edit_site: ServerAction<UpdateSite>,
    pub(super) delete_site: ServerAction<DeleteSite>,
    pub(super) gpu: ServerAction<SetGpuInventory>,
    pub(super) add_cert: ServerAction<AddCertification>,
    pub(super) remove_cert: ServerAction<RemoveCertification>,
    pub(super) policy: ServerAction<UpdatePolicy>,
}

impl Actions {
    fn new() -> Self {
        Self {
            new_operator: crate::ui::form::action(),
            edit_operator: crate::ui::form::action(),
            holder: crate::ui::form::action(),
            remove_holder: crate::ui::form::action(),
            delete_operator: crate::ui::form::action(),
            new_site: crate::ui::form::action(),
            edit_site: crate::ui::form::action(),
            delete_site: crate::ui::form::action(),
            gpu: crate::ui::form::action(),
            add_cert: crate::ui::form::action(),
            remove_cert: crate::ui::form::action(),
            policy: crate::ui::form::action(),
        }
    }

    /// Changes whenever an edit completes.
    fn versions(&self) -> [usize; 12] {
        [
            self.new_operator.version().get(),
            self.edit_operator.version().get(),
            self.holder.version().get(),
            self.remove_holder.version().get(),
            self.delete_operator.version().get(),
            self.new_site.version().get(),
            self.edit_site.version().get(),
            self.delete_site.version().get(),
            self.gpu.version().get(),
            self.add_cert.version().get(),
            self.remove_cert.version().get(),
            self.policy.version().get(),
        ]
    }
}

#[component]
fn AdminForms(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <nav class="admin-nav" aria-label=tr(i18n, |l| td_string!(l, catalogue.admin_parts))>
            <a href="#operators">{tr(i18n, |l| td_string!(l, catalogue.admin_operators))}</a>
            <a href="#sites">{tr(i18n, |l| td_string!(l, catalogue.admin_sites))}</a>
            <a href="#gpus">{tr(i18n, |l| td_string!(l, catalogue.admin_gpus))}</a>
            <a href="#certifications">{tr(i18n, |l| td_string!(l, catalogue.admin_certifications))}</a>
            <a href="#policy">{tr(i18n, |l| td_string!(l, catalogue.admin_policy_lists))}</a>
            <a href="#tenant-view">{tr(i18n, |l| td_string!(l, catalogue.admin_as_tenants_see_it))}</a>
        </nav>
        <CountryList/>
        <OperatorsSection snapshot=snapshot.clone() actions/>
        <SitesSection snapshot=snapshot.clone() actions/>
        <GpuSection snapshot=snapshot.clone() actions/>
        <CertificationsSection snapshot=snapshot.clone() actions/>
        <PolicySection snapshot=snapshot.clone() actions/>
        <section class="admin-section" aria-labelledby="tenant-view">
            <h2 id="tenant-view">{tr(i18n, |l| td_string!(l, catalogue.admin_catalogue_as_tenants_see_it))}</h2>
            <CatalogueView snapshot=(*snapshot).clone()/>
        </section>
    }
}

/// The ISO codes with their names, suggested by every country input.
#[component]
fn CountryList() -> impl IntoView {
    view! {
        <datalist id=COUNTRY_LIST>
            {ALL_COUNTRIES
                .iter()
                .map(|(code, name)| view! { <option value={*code}>{*name}</option> })
                .collect_view()}
        </datalist>
    }
}
