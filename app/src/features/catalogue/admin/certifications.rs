//! The forms that add and remove a site's certifications.

use crate::i18n::td_string;
use crate::ui::language::tr;
use std::sync::Arc;

use leptos::prelude::*;

use super::form::{
    answer, chosen_site, field_error, form_note, invalid_when, refusal, site_options, SAVED,
};
use super::Actions;
use crate::domain::catalogue::CatalogueSnapshot;
use crate::i18n::use_i18n;

#[component]
pub(super) fn CertificationsSection(
    snapshot: Arc<CatalogueSnapshot>,
    actions: Actions,
) -> impl IntoView {
    let (add_cert, remove_cert) = (actions.add_cert, actions.remove_cert);
    let cert_result = answer(add_cert);
    let cert_error = refusal(add_cert);
    let remove_result = answer(remove_cert);
    let remove_error = refusal(remove_cert);
    let param = chosen_site();
    let cert_sites = {
        let snapshot = snapshot.clone();
        move || site_options(&snapshot, param.get().as_deref())
    };
    let remove_sites = move || site_options(&snapshot, param.get().as_deref());
    let i18n = use_i18n();
    view! {
        <section class="admin-section" aria-labelledby="certifications">
            <h2 id="certifications">{tr(i18n, |l| td_string!(l, catalogue.admin_certifications))}</h2>
            <div class="features admin-forms">
                <ActionForm action=add_cert attr:class="form" attr:novalidate=true>
                    <h3>{tr(i18n, |l| td_string!(l, catalogue.add_a_certification))}</h3>
                    {form_note(cert_result, &["site", "kind", "hds_activities", "version", "eucs_level", "certificate_id", "valid_from", "valid_until"], SAVED)}
                    <div class="field">
                        <label for="cert-site">{tr(i18n, |l| td_string!(l, catalogue.site))}</label>
                        <select id="cert-site" name="site">{cert_sites}</select>
                        {field_error(cert_error, "site")}
                    </div>
                    <div class="field">
                        <label for="cert-kind">{tr(i18n, |l| td_string!(l, catalogue.cert_type))}</label>
                        <select id="cert-kind" name="kind">
                            <option value="iso27001">"ISO 27001"</option>
                            <option value="hds">"HDS"</option>
                            <option value="secnumcloud">"SecNumCloud"</option>
                            <option value="eucs">"EUCS"</option>
                        </select>
                        {field_error(cert_error, "kind")}
                    </div>
                    <div class="field">
                        <label for="cert-activities">{tr(i18n, |l| td_string!(l, catalogue.hds_activities_label))}</label>
                        <input id="cert-activities" name="hds_activities" type="text" placeholder="1, 2, 3"
                            aria-invalid=invalid_when(cert_error, "hds_activities")/>
                        {field_error(cert_error, "hds_activities")}
                    </div>
                    <div class="field">
                        <label for="cert-version">{tr(i18n, |l| td_string!(l, catalogue.version))}</label>
                        <input id="cert-version" name="version" type="text" placeholder="3.2"
                            aria-invalid=invalid_when(cert_error, "version")/>
                        {field_error(cert_error, "version")}
                    </div>
                    <div class="field">
                        <label for="cert-level">{tr(i18n, |l| td_string!(l, catalogue.eucs_level))}</label>
                        <select id="cert-level" name="eucs_level">
                            <option value="">"—"</option>
                            <option value="basic">{tr(i18n, |l| td_string!(l, catalogue.eucs_basic))}</option>
                            <option value="substantial">{tr(i18n, |l| td_string!(l, catalogue.eucs_substantial))}</option>
                            <option value="high">{tr(i18n, |l| td_string!(l, catalogue.eucs_high))}</option>
                        </select>
                        {field_error(cert_error, "eucs_level")}
                    </div>
                    <div class="field">
                        <label for="cert-id">{tr(i18n, |l| td_string!(l, catalogue.certificate_identifier))}</label>
                        <input id="cert-id" name="certificate_id" type="text"
                            aria-invalid=invalid_when(cert_error, "certificate_id")/>
                        {field_error(cert_error, "certificate_id")}
                    </div>
                    <div class="field">
                        <label for="cert-from">{tr(i18n, |l| td_string!(l, catalogue.valid_from_label))}</label>
                        <input id="cert-from" name="valid_from" type="date"
                            aria-invalid=invalid_when(cert_error, "valid_from")/>
                        {field_error(cert_error, "valid_from")}
                    </div>
                    <div class="field">
                        <label for="cert-until">{tr(i18n, |l| td_string!(l, catalogue.valid_until_last_day))}</label>
                        <input id="cert-until" name="valid_until" type="date"
                            aria-invalid=invalid_when(cert_error, "valid_until")/>
                        {field_error(cert_error, "valid_until")}
                    </div>
                    <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.add_certification))}</button>
                </ActionForm>

                <ActionForm action=remove_cert attr:class="form" attr:novalidate=true>
                    <h3>{tr(i18n, |l| td_string!(l, catalogue.remove_a_certification))}</h3>
                    {form_note(remove_result, &["site", "certificate_id"], SAVED)}
                    <div class="field">
                        <label for="remove-site">{tr(i18n, |l| td_string!(l, catalogue.site))}</label>
                        <select id="remove-site" name="site">{remove_sites}</select>
                        {field_error(remove_error, "site")}
                    </div>
                    <div class="field">
                        <label for="remove-id">{tr(i18n, |l| td_string!(l, catalogue.certificate_identifier))}</label>
                        <input id="remove-id" name="certificate_id" type="text"
                            aria-invalid=invalid_when(remove_error, "certificate_id")/>
                        {field_error(remove_error, "certificate_id")}
                    </div>
                    <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.remove_certification))}</button>
                </ActionForm>
            </div>
        </section>
    }
}
