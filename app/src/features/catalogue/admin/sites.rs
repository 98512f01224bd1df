//! Sites: their table, the chosen site's edit and delete forms, and the new-site form.

use crate::ui::language::tr;
use std::sync::Arc;

use leptos::prelude::*;

use super::form::{
    answer, chosen_site, codes, country_field, edit_link, form_note, operator_options, refusal,
    site_options, DeleteFields, EditChooser, SAVED,
};
use super::Actions;
use crate::domain::catalogue::{CatalogueSite, CatalogueSnapshot};
use crate::domain::format::fill;
use crate::error::AppError;
use crate::features::catalogue::api::{CreateSite, DeleteSite, UpdateSite};
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::form::Checked;

#[component]
pub(super) fn SitesSection(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    let param = chosen_site();
    let i18n = use_i18n();
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
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.site))>{p.name.clone()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.short_name))><code>{p.slug.clone()}</code></td>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.country))>{p.country.name()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.operator))>{p.operator.name.clone()}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.staff_reach_from))>{access.join(", ")}</td>
                    <td data-label="">
                        <a href=href>{tr(i18n, |l| td_string!(l, catalogue.edit))} <span class="visually-hidden">" " {name}</span></a>
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
                    <p class="form__error" role="alert">{tr(i18n, |l| td_string!(l, catalogue.site_not_found))}</p>
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
                <EditChooser id="choose-site" name="site" label=|l| td_string!(l, catalogue.site_to_edit)
                    button=|l| td_string!(l, catalogue.edit_this_site) options/>
            }
        }
    };
    view! {
        <section class="admin-section" aria-labelledby="sites">
            <h2 id="sites">{tr(i18n, |l| td_string!(l, catalogue.admin_sites))}</h2>
            <p class="field__hint">
                {tr(i18n, |l| td_string!(l, catalogue.sites_hint_1))}
                {tr(i18n, |l| td_string!(l, catalogue.sites_hint_2))}
            </p>
            <div class="table-wrap">
                <table class="stack">
                    <thead>
                        <tr>
                            <th>{tr(i18n, |l| td_string!(l, catalogue.site))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.short_name))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.country))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.operator))}</th>
                            <th>{tr(i18n, |l| td_string!(l, catalogue.staff_reach_from))}</th><th><span class="visually-hidden">{tr(i18n, |l| td_string!(l, catalogue.actions))}</span></th>
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
    let i18n = use_i18n();
    let name_field = Checked::of(error, id("name"), "name");
    let operator = Checked::of(error, id("operator"), "operator");
    let access_field = Checked::of(error, id("access"), "admin_countries");
    view! {
        <div class="field">
            <label for=id("name")>{tr(i18n, |l| td_string!(l, catalogue.name))}</label>
            <input id=id("name") name="name" type="text" value=name aria-invalid=name_field.invalid() autofocus=name_field.focus()
                aria-describedby=name_field.described_by(None)/>
            {name_field.error()}
        </div>
        {country_field(id("country"), "country", |l| td_string!(l, catalogue.country_iso), country, error)}
        <div class="field">
            <label for=id("operator")>{tr(i18n, |l| td_string!(l, catalogue.operator))}</label>
            <select id=id("operator") name="operator" aria-invalid=operator.invalid() autofocus=operator.focus()
                aria-describedby=operator.described_by(None)>{operators}</select>
            {operator.error()}
        </div>
        <div class="field">
            <label for=id("access")>{tr(i18n, |l| td_string!(l, catalogue.access_label))}</label>
            <input id=id("access") name="admin_countries" type="text" autocomplete="off" placeholder="FR, DE"
                value=access aria-invalid=access_field.invalid() autofocus=access_field.focus()
                aria-describedby=access_field.described_by(None)/>
            {access_field.error()}
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
    let i18n = use_i18n();
    let slug = Checked::of(error, "new-site-slug", "slug");
    view! {
        <ActionForm action attr:class="form" attr:novalidate=true>
            <h3>{tr(i18n, |l| td_string!(l, catalogue.add_a_site))}</h3>
            {form_note(result, &["slug", "name", "country", "operator", "admin_countries"], SAVED)}
            <div class="field">
                <label for="new-site-slug">{tr(i18n, |l| td_string!(l, catalogue.slug_label))}</label>
                <input id="new-site-slug" name="slug" type="text" autocomplete="off" placeholder="saclay-2"
                    aria-invalid=slug.invalid() autofocus=slug.focus() aria-describedby=slug.described_by(Some("new-site-slug-hint"))/>
                <span class="field__hint" id="new-site-slug-hint">{tr(i18n, |l| td_string!(l, catalogue.slug_hint))}</span>
                {slug.error()}
            </div>
            <SiteFields prefix="new-site" error snapshot current=None/>
            <p class="field__hint">{tr(i18n, |l| td_string!(l, catalogue.add_gpus_later))}</p>
            <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.add_site))}</button>
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
    let i18n = use_i18n();
    view! {
        <div class="form-stack">
        <ActionForm action attr:class="form" attr:novalidate=true attr:id="site-edit">
            <h3>{move || fill(t_string!(i18n, catalogue.edit_name), &[("name", &name)])} " " <small>{format!("({slug})")}</small></h3>
            {form_note(result, &["name", "country", "operator", "admin_countries"], SAVED)}
            <input type="hidden" name="site" value=slug/>
            <SiteFields prefix="edit-site" error snapshot current=Some(site)/>
            <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.save_site))}</button>
        </ActionForm>
        <ActionForm action=delete attr:class="form form--danger">
            <DeleteFields result=Signal::derive(answer(delete)) field="site" value=delete_value
                heading=|l| td_string!(l, catalogue.delete_this_site)
                button=|l| td_string!(l, catalogue.delete_site)
                rule=|l| td_string!(l, catalogue.delete_site_rule)/>
        </ActionForm>
        </div>
    }
}
