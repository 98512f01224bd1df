//! The read-only catalogue: sites, operators, GPUs and certifications, at one
//! catalogue revision and one policy version.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use time::Date;

use super::api::get_catalogue;
use crate::domain::{
    catalogue::{CatalogueSite, CatalogueSnapshot},
    format::{date, fill},
    residency::{Certification, CertificationKind, Shareholder},
};
use crate::i18n::{t_string, td_string, use_i18n, Locale};

/// A shareholder's cells in a table row: name, country, capital, voting rights, special rights.
/// The catalogue page and its administration show them alike.
pub fn shareholder_cells(h: Shareholder) -> impl IntoView {
    let i18n = use_i18n();
    let (control, veto) = (h.control_rights, h.veto_rights);
    let rights = move || match (control, veto) {
        (true, true) => t_string!(i18n, catalogue.rights_control_veto),
        (true, false) => t_string!(i18n, catalogue.rights_control),
        (false, true) => t_string!(i18n, catalogue.rights_veto),
        (false, false) => "—",
    };
    view! {
        <td data-label=tr(i18n, |l| td_string!(l, catalogue.shareholder))>{h.name}</td>
        <td data-label=tr(i18n, |l| td_string!(l, catalogue.country))>{h.country.name_in(i18n.get_locale())}</td>
        <td class="num" data-label=tr(i18n, |l| td_string!(l, catalogue.capital))>{h.capital.to_string()}</td>
        <td class="num" data-label=tr(i18n, |l| td_string!(l, catalogue.voting))>{h.voting.to_string()}</td>
        <td data-label=tr(i18n, |l| td_string!(l, catalogue.rights))>{rights}</td>
    }
}

/// Certificates ending within this many days are flagged.
pub const EXPIRY_WARNING_DAYS: i64 = 90;

fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

#[component]
pub fn CataloguePage() -> impl IntoView {
    let snapshot = Resource::new(|| (), |_| get_catalogue());
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, catalogue.title))/>
        <section class="page">
            <h1>{tr(i18n, |l| td_string!(l, catalogue.site_catalogue))}</h1>
            <p class="hero__lead">
                {tr(i18n, |l| td_string!(l, catalogue.lead))}
                <A href="/placement">{tr(i18n, |l| td_string!(l, catalogue.where_can_my_data_go))}</A>
            </p>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, catalogue.loading_catalogue))}</p> }>
                {move || Suspend::new(async move {
                    match snapshot.await {
                        Ok(snapshot) => view! { <CatalogueView snapshot/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

#[component]
pub fn CatalogueView(snapshot: CatalogueSnapshot) -> impl IntoView {
    let today = today();
    let i18n = use_i18n();
    view! {
        <p class="field__hint">
            {tr(i18n, |l| td_string!(l, catalogue.catalogue_revision))} <strong data-testid="catalogue-revision">{snapshot.revision}</strong>
            {tr(i18n, |l| td_string!(l, catalogue.policy_version_sep))} <strong data-testid="policy-version">{snapshot.policy.version}</strong>
            {tr(i18n, |l| td_string!(l, catalogue.gpu_models_sep))} {snapshot.gpu_models().join(", ")}
        </p>
        {snapshot
            .sites
            .into_iter()
            .map(|site| view! { <SiteCard site today/> })
            .collect_view()}
    }
}

fn certification_scope(locale: Locale, cert: &Certification) -> String {
    let mut parts = Vec::new();
    if !cert.hds_activities.is_empty() {
        let list: Vec<String> = cert.hds_activities.iter().map(u8::to_string).collect();
        parts.push(fill(
            td_string!(locale, catalogue.scope_activities),
            &[("list", &list.join(", "))],
        ));
    }
    if let Some(version) = &cert.version {
        parts.push(fill(
            td_string!(locale, catalogue.scope_version),
            &[("version", version)],
        ));
    }
    if let Some(level) = cert.eucs_level {
        if cert.kind == CertificationKind::Eucs {
            parts.push(fill(
                td_string!(locale, catalogue.scope_level),
                &[("level", &level.label_in(locale))],
            ));
        }
    }
    if parts.is_empty() {
        "—".to_string()
    } else {
        parts.join("; ")
    }
}

/// Where a certificate stands on a day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Validity {
    Expired(Date),
    NotYet(Date),
    ExpiresIn(i64),
    Valid,
}

impl Validity {
    /// The badge's words: "Expired on 5 Dec 2026", "Expires in 30 days"…
    pub fn words(self, locale: Locale) -> String {
        match self {
            Self::Expired(on) => fill(
                td_string!(locale, catalogue.expired_on),
                &[("date", &date(locale, on))],
            ),
            Self::NotYet(from) => fill(
                td_string!(locale, catalogue.valid_from_date),
                &[("date", &date(locale, from))],
            ),
            Self::ExpiresIn(left) => fill(
                td_string!(locale, catalogue.expires_in_days),
                &[("n", &left)],
            ),
            Self::Valid => td_string!(locale, catalogue.valid).to_string(),
        }
    }
}

/// A badge for a certificate: expired, not yet valid, expiring soon, or valid.
pub fn validity_badge(cert: &Certification, today: Date) -> (&'static str, Validity) {
    if cert.valid_until < today {
        return ("badge badge--bad", Validity::Expired(cert.valid_until));
    }
    if cert.valid_from > today {
        return ("badge badge--info", Validity::NotYet(cert.valid_from));
    }
    let left = (cert.valid_until - today).whole_days();
    if left <= EXPIRY_WARNING_DAYS {
        ("badge badge--warn", Validity::ExpiresIn(left))
    } else {
        ("badge badge--ok", Validity::Valid)
    }
}

#[component]
fn SiteCard(site: CatalogueSite, today: Date) -> impl IntoView {
    let profile = site.profile;
    let operator = profile.operator;
    let heading = format!("catalogue-{}", profile.slug);
    let labelled_by = heading.clone();
    let i18n = use_i18n();
    let admin = profile.admin_access_countries.clone();
    let admin = move || {
        if admin.is_empty() {
            t_string!(i18n, catalogue.none_declared).to_string()
        } else {
            let locale = i18n.get_locale();
            let names: Vec<&str> = admin.iter().map(|c| c.name_in(locale)).collect();
            names.join(", ")
        }
    };
    view! {
        <article class="card catalogue-site" data-site=profile.slug.clone() aria-labelledby=labelled_by>
            <h2 id=heading>{profile.name.clone()} " " <small>"(" {profile.slug.clone()} ")"</small></h2>
            <p>
                {profile.country.name_in(i18n.get_locale())} {tr(i18n, |l| td_string!(l, catalogue.operated_by))} <strong>{operator.name.clone()}</strong>
                {tr(i18n, |l| td_string!(l, catalogue.registered_office))} {operator.registered_office.name_in(i18n.get_locale())}
                {tr(i18n, |l| td_string!(l, catalogue.central_administration))} {operator.central_administration.name_in(i18n.get_locale())}
                {tr(i18n, |l| td_string!(l, catalogue.main_establishment))} {operator.main_establishment.name_in(i18n.get_locale())} ")"
                {operator.dpf_certified.then(|| tr(i18n, |l| td_string!(l, catalogue.dpf_certified)))}
            </p>
            <p>{tr(i18n, |l| td_string!(l, catalogue.admin_reach))} {admin}</p>
            <h3>{tr(i18n, |l| td_string!(l, catalogue.gpus))}</h3>
            <div class="table-wrap">
                <table class="stack">
                    <thead><tr><th>{tr(i18n, |l| td_string!(l, catalogue.model))}</th><th class="num">{tr(i18n, |l| td_string!(l, catalogue.installed))}</th><th class="num">{tr(i18n, |l| td_string!(l, catalogue.reserve))}</th><th class="num">{tr(i18n, |l| td_string!(l, catalogue.available))}</th></tr></thead>
                    <tbody>
                        {site.gpus.into_iter().map(|g| {
                            let available = g.available();
                            view! {
                                <tr><td data-label=tr(i18n, |l| td_string!(l, catalogue.model))>{g.model}</td><td class="num" data-label=tr(i18n, |l| td_string!(l, catalogue.installed))>{g.installed}</td><td class="num" data-label=tr(i18n, |l| td_string!(l, catalogue.reserve))>{g.reserve}</td><td class="num" data-label=tr(i18n, |l| td_string!(l, catalogue.available))>{available}</td></tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>{tr(i18n, |l| td_string!(l, catalogue.certifications))}</h3>
            <div class="table-wrap">
                <table class="stack">
                    <thead><tr><th>{tr(i18n, |l| td_string!(l, catalogue.cert_type))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.scope))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.certificate))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.valid_from))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.valid_until))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.status))}</th></tr></thead>
                    <tbody>
                        {profile.certifications.into_iter().map(|c| {
                            let (class, status) = validity_badge(&c, today);
                            let (from, until) = (c.valid_from, c.valid_until);
                            let scope = {
                                let c = c.clone();
                                move || certification_scope(i18n.get_locale(), &c)
                            };
                            view! {
                                <tr>
                                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.cert_type))>{c.kind.label()}</td>
                                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.scope))>{scope}</td>
                                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.certificate))>{c.certificate_id}</td>
                                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.valid_from))>{move || date(i18n.get_locale(), from)}</td>
                                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.valid_until))>{move || date(i18n.get_locale(), until)}</td>
                                    <td data-label=tr(i18n, |l| td_string!(l, catalogue.status))><span class=class>{move || status.words(i18n.get_locale())}</span></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>{tr(i18n, |l| td_string!(l, catalogue.shareholders))}</h3>
            <div class="table-wrap">
                <table class="stack">
                    <thead><tr><th>{tr(i18n, |l| td_string!(l, catalogue.shareholder))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.country))}</th><th class="num">{tr(i18n, |l| td_string!(l, catalogue.capital))}</th><th class="num">{tr(i18n, |l| td_string!(l, catalogue.voting))}</th><th>{tr(i18n, |l| td_string!(l, catalogue.rights))}</th></tr></thead>
                    <tbody>
                        {operator.shareholders.into_iter().map(|h| view! {
                            <tr>{shareholder_cells(h)}</tr>
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
        </article>
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cert(until: Date) -> Certification {
        Certification {
            kind: CertificationKind::Iso27001,
            hds_activities: vec![],
            version: None,
            eucs_level: None,
            certificate_id: "X".into(),
            valid_from: date!(2024 - 01 - 01),
            valid_until: until,
        }
    }

    #[test]
    fn certificates_expiring_within_90_days_are_flagged() {
        let today = date!(2026 - 01 - 01);
        assert_eq!(
            validity_badge(&cert(date!(2025 - 12 - 31)), today).0,
            "badge badge--bad"
        );
        assert_eq!(
            validity_badge(&cert(date!(2026 - 04 - 01)), today).0,
            "badge badge--warn"
        );
        assert_eq!(
            validity_badge(&cert(date!(2026 - 04 - 02)), today).0,
            "badge badge--ok"
        );
    }
}
