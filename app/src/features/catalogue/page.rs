//! The read-only catalogue: sites, operators, GPUs and certifications, at one
//! catalogue revision and one policy version.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;
use time::Date;

use super::api::get_catalogue;
use crate::domain::{
    catalogue::{CatalogueSite, CatalogueSnapshot},
    residency::{Certification, CertificationKind, Shareholder},
};

/// A shareholder's cells in a table row: name, country, capital, voting rights, special rights.
/// The catalogue page and its administration show them alike.
pub fn shareholder_cells(h: Shareholder) -> impl IntoView {
    let rights = match (h.control_rights, h.veto_rights) {
        (true, true) => "control, veto",
        (true, false) => "control",
        (false, true) => "veto",
        (false, false) => "—",
    };
    view! {
        <td data-label="Shareholder">{h.name}</td>
        <td data-label="Country">{h.country.name()}</td>
        <td class="num" data-label="Capital">{h.capital.to_string()}</td>
        <td class="num" data-label="Voting">{h.voting.to_string()}</td>
        <td data-label="Rights">{rights}</td>
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
    view! {
        <Title text="Catalogue"/>
        <section class="page">
            <h1>"Site catalogue"</h1>
            <p class="hero__lead">
                "The campus sites, their operators, GPUs and certifications. "
                <A href="/placement">"Where can my data go?"</A>
            </p>
            <Transition fallback=|| view! { <p>"Loading the catalogue…"</p> }>
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
    view! {
        <p class="field__hint">
            "Catalogue revision " <strong data-testid="catalogue-revision">{snapshot.revision}</strong>
            " · policy version " <strong data-testid="policy-version">{snapshot.policy.version}</strong>
            " · GPU models: " {snapshot.gpu_models().join(", ")}
        </p>
        {snapshot
            .sites
            .into_iter()
            .map(|site| view! { <SiteCard site today/> })
            .collect_view()}
    }
}

fn certification_scope(cert: &Certification) -> String {
    let mut parts = Vec::new();
    if !cert.hds_activities.is_empty() {
        let list: Vec<String> = cert.hds_activities.iter().map(u8::to_string).collect();
        parts.push(format!("activities {}", list.join(", ")));
    }
    if let Some(version) = &cert.version {
        parts.push(format!("version {version}"));
    }
    if let Some(level) = cert.eucs_level {
        if cert.kind == CertificationKind::Eucs {
            parts.push(format!("level {}", level.label()));
        }
    }
    if parts.is_empty() {
        "—".to_string()
    } else {
        parts.join("; ")
    }
}

/// A badge for a certificate: expired, not yet valid, expiring soon, or valid.
pub fn validity_badge(cert: &Certification, today: Date) -> (&'static str, String) {
    if cert.valid_until < today {
        return (
            "badge badge--bad",
            format!("Expired on {}", cert.valid_until),
        );
    }
    if cert.valid_from > today {
        return (
            "badge badge--info",
            format!("Valid from {}", cert.valid_from),
        );
    }
    let left = (cert.valid_until - today).whole_days();
    if left <= EXPIRY_WARNING_DAYS {
        ("badge badge--warn", format!("Expires in {left} days"))
    } else {
        ("badge badge--ok", "Valid".to_string())
    }
}

#[component]
fn SiteCard(site: CatalogueSite, today: Date) -> impl IntoView {
    let profile = site.profile;
    let operator = profile.operator;
    let heading = format!("catalogue-{}", profile.slug);
    let labelled_by = heading.clone();
    let admin: Vec<&str> = profile
        .admin_access_countries
        .iter()
        .map(|c| c.name())
        .collect();
    let admin = if admin.is_empty() {
        "none declared".to_string()
    } else {
        admin.join(", ")
    };
    view! {
        <article class="card catalogue-site" data-site=profile.slug.clone() aria-labelledby=labelled_by>
            <h2 id=heading>{profile.name.clone()} " " <small>"(" {profile.slug.clone()} ")"</small></h2>
            <p>
                {profile.country.name()} " · operated by " <strong>{operator.name.clone()}</strong>
                " (registered office " {operator.registered_office.name()}
                ", central administration " {operator.central_administration.name()}
                ", main establishment " {operator.main_establishment.name()} ")"
                {operator.dpf_certified.then_some(" · EU-US Data Privacy Framework certified")}
            </p>
            <p>"Administration and support reach tenant data from: " {admin}</p>
            <h3>"GPUs"</h3>
            <div class="table-wrap">
                <table class="stack">
                    <thead><tr><th>"Model"</th><th class="num">"Installed"</th><th class="num">"Reserve"</th><th class="num">"Available"</th></tr></thead>
                    <tbody>
                        {site.gpus.into_iter().map(|g| {
                            let available = g.available();
                            view! {
                                <tr><td data-label="Model">{g.model}</td><td class="num" data-label="Installed">{g.installed}</td><td class="num" data-label="Reserve">{g.reserve}</td><td class="num" data-label="Available">{available}</td></tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>"Certifications"</h3>
            <div class="table-wrap">
                <table class="stack">
                    <thead><tr><th>"Type"</th><th>"Scope"</th><th>"Certificate"</th><th>"Valid from"</th><th>"Valid until"</th><th>"Status"</th></tr></thead>
                    <tbody>
                        {profile.certifications.into_iter().map(|c| {
                            let (class, status) = validity_badge(&c, today);
                            let scope = certification_scope(&c);
                            view! {
                                <tr>
                                    <td data-label="Type">{c.kind.label()}</td>
                                    <td data-label="Scope">{scope}</td>
                                    <td data-label="Certificate">{c.certificate_id}</td>
                                    <td data-label="Valid from">{c.valid_from.to_string()}</td>
                                    <td data-label="Valid until">{c.valid_until.to_string()}</td>
                                    <td data-label="Status"><span class=class>{status}</span></td>
                                </tr>
                            }
                        }).collect_view()}
                    </tbody>
                </table>
            </div>
            <h3>"Shareholders"</h3>
            <div class="table-wrap">
                <table class="stack">
                    <thead><tr><th>"Shareholder"</th><th>"Country"</th><th class="num">"Capital"</th><th class="num">"Voting"</th><th>"Rights"</th></tr></thead>
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
