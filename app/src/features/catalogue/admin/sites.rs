//! Sites: their table, the chosen site's edit and delete forms, and the new-site form.

use std::sync::Arc;

use leptos::prelude::*;

use super::form::{
    answer, chosen_site, codes, country_field, edit_link, field_error, form_note, invalid_when,
    operator_options, refusal, site_options, DeleteFields, EditChooser, SAVED,
};
use super::Actions;
use crate::domain::catalogue::{CatalogueSite, CatalogueSnapshot};
use crate::error::AppError;
use crate::features::catalogue::api::{CreateSite, DeleteSite, UpdateSite};

#[component]
pub(super) fn SitesSection(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    let param = chosen_site();
    let table = snapshot
        .sites
        .iter()
        .map(|s| {
            let p = &s.profile;
            let access: Vec<&str> = p.admin_access_countries.iter().map(|c| c.name()).collect();
            let href = edit_link("site", &p.slug, "site-edit");
            let name = p.name.clone();
            view! {
                <tr>
                    <td data-label="Site">{p.name.clone()}</td>
                    <td data-label="Short name"><code>{p.slug.clone()}</code></td>
                    <td data-label="Country">{p.country.name()}</td>
                    <td data-label="Operator">{p.operator.name.clone()}</td>
                    <td data-label="Staff reach data from">{access.join(", ")}</td>
                    <td data-label="">
                        <a href=href>"Edit" <span class="visually-hidden">" " {name}</span></a>
                    </td>
                </tr>
            }
        })
        .collect_view();
    let chosen = {
        let snapshot = snapshot.clone();
        move || {
            let slug = param.get();
            let site = match slug.as_deref() {
                Some(slug) => snapshot.site(slug).cloned(),
                None => snapshot.sites.first().cloned(),
            };
            match site {
                Some(site) => view! { <SiteEditor site snapshot=snapshot.clone() action=actions.edit_site delete=actions.delete_site/> }.into_any(),
                None if slug.is_some() => view! {
                    <p class="form__error" role="alert">"That site is not in the catalogue; choose another."</p>
                }
                .into_any(),
                None => ().into_any(),
            }
        }
    };
    let chooser = {
        let snapshot = snapshot.clone();
        move || {
            let options = site_options(&snapshot, param.get().as_deref());
            view! {
                <EditChooser id="choose-site" name="site" label="Site to edit"
                    button="Edit this site" options/>
            }
        }
    };
    view! {
        <section class="admin-section" aria-labelledby="sites">
            <h2 id="sites">"Sites"</h2>
            <p class="field__hint">
                "Each site's country (G1) and the countries its administration and support staff reach "
                "tenant data from (G4, S5). A site's short name names it in addresses and requests; it never changes."
            </p>
            <div class="table-wrap">
                <table class="stack">
                    <thead>
                        <tr>
                            <th>"Site"</th><th>"Short name"</th><th>"Country"</th><th>"Operator"</th>
                            <th>"Staff reach data from"</th><th><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{table}</tbody>
                </table>
            </div>
            {chooser}
            <div class="features admin-forms">
                {chosen}
                <NewSiteForm snapshot=snapshot.clone() action=actions.new_site/>
            </div>
        </section>
    }
}

/// Name, country, operator and access countries, shared by the new and edit forms.
#[component]
fn SiteFields(
    prefix: &'static str,
    error: impl Fn() -> Option<AppError> + Send + Sync + Copy + 'static,
    snapshot: Arc<CatalogueSnapshot>,
    current: Option<CatalogueSite>,
) -> impl IntoView {
    let profile = current.map(|s| s.profile);
    let name = profile.as_ref().map(|p| p.name.clone()).unwrap_or_default();
    let country = profile
        .as_ref()
        .map(|p| p.country.as_str().to_string())
        .unwrap_or_default();
    let access = profile
        .as_ref()
        .map(|p| codes(&p.admin_access_countries))
        .unwrap_or_default();
    let operators = operator_options(
        &snapshot,
        profile.as_ref().map(|p| p.operator.name.as_str()),
    );
    let id = move |field: &str| format!("{prefix}-{field}");
    view! {
        <div class="field">
            <label for=id("name")>"Name"</label>
            <input id=id("name") name="name" type="text" value=name aria-invalid=invalid_when(error, "name")/>
            {field_error(error, "name")}
        </div>
        {country_field(id("country"), "country", "Country (ISO code)", country, error)}
        <div class="field">
            <label for=id("operator")>"Operator"</label>
            <select id=id("operator") name="operator" aria-invalid=invalid_when(error, "operator")>{operators}</select>
            {field_error(error, "operator")}
        </div>
        <div class="field">
            <label for=id("access")>"Administration and support reach tenant data from (ISO codes, comma-separated)"</label>
            <input id=id("access") name="admin_countries" type="text" autocomplete="off" placeholder="FR, DE"
                value=access aria-invalid=invalid_when(error, "admin_countries")/>
            {field_error(error, "admin_countries")}
        </div>
    }
}

#[component]
fn NewSiteForm(
    snapshot: Arc<CatalogueSnapshot>,
    action: ServerAction<CreateSite>,
) -> impl IntoView {
    let result = answer(action);
    let error = refusal(action);
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <h3>"Add a site"</h3>
            {form_note(result, &["slug", "name", "country", "operator", "admin_countries"], SAVED)}
            <div class="field">
                <label for="new-site-slug">"Short name (for addresses; it cannot change)"</label>
                <input id="new-site-slug" name="slug" type="text" autocomplete="off" placeholder="saclay-2"
                    aria-invalid=invalid_when(error, "slug")/>
                <span class="field__hint">"Lower-case letters a to z, digits and single hyphens."</span>
                {field_error(error, "slug")}
            </div>
            <SiteFields prefix="new-site" error snapshot current=None/>
            <p class="field__hint">"Add its GPUs and certifications once it is saved."</p>
            <button type="submit" class="button">"Add site"</button>
        </ActionForm>
    }
}

#[component]
fn SiteEditor(
    site: CatalogueSite,
    snapshot: Arc<CatalogueSnapshot>,
    action: ServerAction<UpdateSite>,
    delete: ServerAction<DeleteSite>,
) -> impl IntoView {
    let result = answer(action);
    let error = refusal(action);
    let slug = site.profile.slug.clone();
    let name = site.profile.name.clone();
    let delete_value = slug.clone();
    view! {
        <div class="form-stack">
        <ActionForm action attr:class="form" attr:novalidate=true attr:id="site-edit">
            <h3>{format!("Edit {name}")} " " <small>{format!("({slug})")}</small></h3>
            {form_note(result, &["name", "country", "operator", "admin_countries"], SAVED)}
            <input type="hidden" name="site" value=slug/>
            <SiteFields prefix="edit-site" error snapshot current=Some(site)/>
            <button type="submit" class="button">"Save site"</button>
        </ActionForm>
        <ActionForm action=delete attr:class="form form--danger">
            <DeleteFields result=Signal::derive(answer(delete)) field="site" value=delete_value what="site"
                rule="Only a site that no request names (drafts and past quotas included) can be deleted; \
                      set its GPUs to 0 to keep new requests away."/>
        </ActionForm>
        </div>
    }
}
