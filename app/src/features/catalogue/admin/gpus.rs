//! The GPU inventory form.

use crate::i18n::td_string;
use crate::ui::language::tr;
use std::sync::Arc;

use leptos::prelude::*;

use super::form::{answer, chosen_site, form_note, refusal, site_options, SAVED};
use super::Actions;
use crate::domain::catalogue::CatalogueSnapshot;
use crate::i18n::use_i18n;
use crate::ui::form::Checked;

#[component]
pub(super) fn GpuSection(snapshot: Arc<CatalogueSnapshot>, actions: Actions) -> impl IntoView {
    let gpu = actions.gpu;
    let result = answer(gpu);
    let error = refusal(gpu);
    let param = chosen_site();
    let sites = move || site_options(&snapshot, param.get().as_deref());
    let i18n = use_i18n();
    let site = Checked::of(error, "gpu-site", "site");
    let model = Checked::of(error, "gpu-model", "model");
    let installed = Checked::of(error, "gpu-installed", "installed");
    let reserve = Checked::of(error, "gpu-reserve", "reserve");
    view! {
        <section class="admin-section" aria-labelledby="gpus">
            <h2 id="gpus">{tr(i18n, |l| td_string!(l, catalogue.gpu_inventory))}</h2>
            <div class="features admin-forms">
                <ActionForm action=gpu attr:class="form" attr:novalidate=true>
                    <h3>{tr(i18n, |l| td_string!(l, catalogue.set_gpu_inventory))}</h3>
                    {form_note(result, &["site", "model", "installed", "reserve"], SAVED)}
                    <div class="field">
                        <label for="gpu-site">{tr(i18n, |l| td_string!(l, catalogue.site))}</label>
                        <select id="gpu-site" name="site" aria-invalid=site.invalid() autofocus=site.focus()
                            aria-describedby=site.described_by(None)>{sites}</select>
                        {site.error()}
                    </div>
                    <div class="field">
                        <label for="gpu-model">{tr(i18n, |l| td_string!(l, catalogue.gpu_model))}</label>
                        <input id="gpu-model" name="model" type="text" placeholder="H100"
                            aria-invalid=model.invalid() autofocus=model.focus() aria-describedby=model.described_by(None)/>
                        {model.error()}
                    </div>
                    <div class="field">
                        <label for="gpu-installed">{tr(i18n, |l| td_string!(l, catalogue.installed_gpus))}</label>
                        <input id="gpu-installed" name="installed" type="number" min="0" inputmode="numeric"
                            aria-invalid=installed.invalid() autofocus=installed.focus() aria-describedby=installed.described_by(None)/>
                        {installed.error()}
                    </div>
                    <div class="field">
                        <label for="gpu-reserve">{tr(i18n, |l| td_string!(l, catalogue.reserve_label))}</label>
                        <input id="gpu-reserve" name="reserve" type="number" min="0" value="0" inputmode="numeric"
                            aria-invalid=reserve.invalid() autofocus=reserve.focus() aria-describedby=reserve.described_by(None)/>
                        {reserve.error()}
                    </div>
                    <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.save_inventory))}</button>
                </ActionForm>
            </div>
        </section>
    }
}
