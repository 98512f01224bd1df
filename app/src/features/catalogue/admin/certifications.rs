//! The forms that add and remove a site's certifications.

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
    let site = Checked::of(cert_error, "cert-site", "site");
    let kind = Checked::of(cert_error, "cert-kind", "kind");
    let activities = Checked::of(cert_error, "cert-activities", "hds_activities");
    let version = Checked::of(cert_error, "cert-version", "version");
    let level = Checked::of(cert_error, "cert-level", "eucs_level");
    let certificate = Checked::of(cert_error, "cert-id", "certificate_id");
    let from = Checked::of(cert_error, "cert-from", "valid_from");
    let until = Checked::of(cert_error, "cert-until", "valid_until");
    let remove_site = Checked::of(remove_error, "remove-site", "site");
    let remove_id = Checked::of(remove_error, "remove-id", "certificate_id");
    view! {
        <section class="admin-section" aria-labelledby="certifications">
            <h2 id="certifications">{tr(i18n, |l| td_string!(l, catalogue.admin_certifications))}</h2>
            <div class="features admin-forms">
                <ActionForm action=add_cert attr:class="form" attr:novalidate=true>
                    <h3>{tr(i18n, |l| td_string!(l, catalogue.add_a_certification))}</h3>
                    {form_note(cert_result, &["site", "kind", "hds_activities", "version", "eucs_level", "certificate_id", "valid_from", "valid_until"], SAVED)}
                    <div class="field">
                        <label for="cert-site">{tr(i18n, |l| td_string!(l, catalogue.site))}</label>
                        <select id="cert-site" name="site" aria-invalid=site.invalid() autofocus=site.focus()
                            aria-describedby=site.described_by(None)>{cert_sites}</select>
                        {site.error()}
                    </div>
                    <div class="field">
                        <label for="cert-kind">{tr(i18n, |l| td_string!(l, catalogue.cert_type))}</label>
                        <select id="cert-kind" name="kind" aria-invalid=kind.invalid() autofocus=kind.focus()
                            aria-describedby=kind.described_by(None)>
                            <option value="iso27001">"ISO 27001"</option>
                            <option value="hds">"HDS"</option>
                            <option value="secnumcloud">"SecNumCloud"</option>
                            <option value="eucs">"EUCS"</option>
                        </select>
                        {kind.error()}
                    </div>
                    <div class="field">
                        <label for="cert-activities">{tr(i18n, |l| td_string!(l, catalogue.hds_activities_label))}</label>
                        <input id="cert-activities" name="hds_activities" type="text" placeholder="1, 2, 3"
                            aria-invalid=activities.invalid() autofocus=activities.focus() aria-describedby=activities.described_by(None)/>
                        {activities.error()}
                    </div>
                    <div class="field">
                        <label for="cert-version">{tr(i18n, |l| td_string!(l, catalogue.version))}</label>
                        <input id="cert-version" name="version" type="text" placeholder="3.2"
                            aria-invalid=version.invalid() autofocus=version.focus() aria-describedby=version.described_by(None)/>
                        {version.error()}
                    </div>
                    <div class="field">
                        <label for="cert-level">{tr(i18n, |l| td_string!(l, catalogue.eucs_level))}</label>
                        <select id="cert-level" name="eucs_level" aria-invalid=level.invalid() autofocus=level.focus()
                            aria-describedby=level.described_by(None)>
                            <option value="">"—"</option>
                            <option value="basic">{tr(i18n, |l| td_string!(l, catalogue.eucs_basic))}</option>
                            <option value="substantial">{tr(i18n, |l| td_string!(l, catalogue.eucs_substantial))}</option>
                            <option value="high">{tr(i18n, |l| td_string!(l, catalogue.eucs_high))}</option>
                        </select>
                        {level.error()}
                    </div>
                    <div class="field">
                        <label for="cert-id">{tr(i18n, |l| td_string!(l, catalogue.certificate_identifier))}</label>
                        <input id="cert-id" name="certificate_id" type="text"
                            aria-invalid=certificate.invalid() autofocus=certificate.focus() aria-describedby=certificate.described_by(None)/>
                        {certificate.error()}
                    </div>
                    <div class="field">
                        <label for="cert-from">{tr(i18n, |l| td_string!(l, catalogue.valid_from_label))}</label>
                        <input id="cert-from" name="valid_from" type="date"
                            aria-invalid=from.invalid() autofocus=from.focus() aria-describedby=from.described_by(None)/>
                        {from.error()}
                    </div>
                    <div class="field">
                        <label for="cert-until">{tr(i18n, |l| td_string!(l, catalogue.valid_until_last_day))}</label>
                        <input id="cert-until" name="valid_until" type="date"
                            aria-invalid=until.invalid() autofocus=until.focus() aria-describedby=until.described_by(None)/>
                        {until.error()}
                    </div>
                    <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.add_certification))}</button>
                </ActionForm>

                <ActionForm action=remove_cert attr:class="form" attr:novalidate=true>
                    <h3>{tr(i18n, |l| td_string!(l, catalogue.remove_a_certification))}</h3>
                    {form_note(remove_result, &["site", "certificate_id"], SAVED)}
                    <div class="field">
                        <label for="remove-site">{tr(i18n, |l| td_string!(l, catalogue.site))}</label>
                        <select id="remove-site" name="site" aria-invalid=remove_site.invalid() autofocus=remove_site.focus()
                            aria-describedby=remove_site.described_by(None)>{remove_sites}</select>
                        {remove_site.error()}
                    </div>
                    <div class="field">
                        <label for="remove-id">{tr(i18n, |l| td_string!(l, catalogue.certificate_identifier))}</label>
                        <input id="remove-id" name="certificate_id" type="text"
                            aria-invalid=remove_id.invalid() autofocus=remove_id.focus() aria-describedby=remove_id.described_by(None)/>
                        {remove_id.error()}
                    </div>
                    <button type="submit" class="button">{tr(i18n, |l| td_string!(l, catalogue.remove_certification))}</button>
                </ActionForm>
            </div>
        </section>
    }
}
