//! The sites of the demo catalogue and their GPU inventory: demo data, not a rule.
//!
//! This file is also compiled into the residency unit tests (`domain/residency/tests/mod.rs` includes
//! it with `#[path]`), so the rules are tested against the very sites the demo loads; it therefore
//! uses only `crate::domain` and `time`, never the rest of `crate::server`.

use time::{Date, Duration};

use crate::domain::catalogue::GpuPool;
use crate::domain::country::CountryCode;
use crate::domain::residency::{
    Certification, CertificationKind, EucsLevel, Operator, Percent, Shareholder, SiteProfile,
    SECNUMCLOUD_VERSION,
};

/// The demo catalogue, with every date relative to the day `d`: the single source of these facts for
/// the server's demo data and for the residency tests.
///
/// For health and a three-month window starting at `d + 7 days`: `idf-campus` and `dugny` are eligible,
/// `marseille` fails G4 (administration from the United States), `cambrai` fails H1 (no HDS certificate)
/// and `abu-dhabi` fails G1 and H3. For sensitive data only `dugny` is eligible (`idf-campus` fails S3).
/// A six-month health window fails H2 at `dugny`, whose HDS certificate ends at `d + 120 days`.
pub fn demo_sites(d: Date) -> Vec<SiteProfile> {
    vec![
        idf_campus(d),
        dugny(d),
        marseille(d),
        cambrai(d),
        abu_dhabi(d),
    ]
}

fn days_after(d: Date, days: i64) -> Date {
    d.saturating_add(Duration::days(days))
}

/// Three years of 365 days.
fn three_years_after(d: Date) -> Date {
    days_after(d, 3 * 365)
}

fn country_code(code: &str) -> CountryCode {
    CountryCode::parse(code).expect("the demo sites use ISO 3166-1 codes")
}

fn demo_operator(
    name: &str,
    offices: [&str; 3],
    shareholders: Vec<Shareholder>,
    dpf_certified: bool,
) -> Operator {
    Operator {
        name: name.to_string(),
        registered_office: country_code(offices[0]),
        central_administration: country_code(offices[1]),
        main_establishment: country_code(offices[2]),
        shareholders,
        dpf_certified,
        commercial_organisation: true,
    }
}

/// A shareholder holding `percent` of both capital and voting rights; control is recorded for a
/// majority holder.
fn demo_holder(name: &str, country: &str, percent: u16) -> Shareholder {
    Shareholder {
        name: name.to_string(),
        country: country_code(country),
        capital: Percent::whole(percent),
        voting: Percent::whole(percent),
        control_rights: percent > 50,
        veto_rights: false,
    }
}

fn demo_cert(kind: CertificationKind, id: &str, d: Date, valid_until: Date) -> Certification {
    Certification {
        kind,
        hds_activities: Vec::new(),
        version: None,
        eucs_level: None,
        certificate_id: id.to_string(),
        valid_from: days_after(d, -365),
        valid_until,
    }
}

fn demo_hds(id: &str, activities: &[u8], d: Date, valid_until: Date) -> Certification {
    Certification {
        hds_activities: activities.to_vec(),
        ..demo_cert(CertificationKind::Hds, id, d, valid_until)
    }
}

fn demo_secnumcloud(id: &str, d: Date, valid_until: Date) -> Certification {
    Certification {
        version: Some(SECNUMCLOUD_VERSION.to_string()),
        ..demo_cert(CertificationKind::SecNumCloud, id, d, valid_until)
    }
}

fn demo_eucs(id: &str, level: EucsLevel, d: Date) -> Certification {
    Certification {
        eucs_level: Some(level),
        ..demo_cert(CertificationKind::Eucs, id, d, three_years_after(d))
    }
}

fn demo_iso(id: &str, d: Date) -> Certification {
    demo_cert(CertificationKind::Iso27001, id, d, three_years_after(d))
}

fn demo_site(
    slug: &str,
    name: &str,
    country: &str,
    operator: Operator,
    admin: &[&str],
) -> SiteProfile {
    SiteProfile {
        slug: slug.to_string(),
        name: name.to_string(),
        country: country_code(country),
        operator,
        admin_access_countries: admin.iter().map(|code| country_code(code)).collect(),
        certifications: Vec::new(),
    }
}

fn idf_campus(d: Date) -> SiteProfile {
    let holders = vec![
        demo_holder("Bpifrance", "FR", 35),
        demo_holder("MGX", "AE", 30),
        demo_holder("Mistral AI", "FR", 20),
        demo_holder("NVIDIA", "US", 15),
    ];
    let operator = demo_operator(
        "Campus IA Île-de-France SAS",
        ["FR", "FR", "FR"],
        holders,
        false,
    );
    SiteProfile {
        certifications: vec![
            demo_iso("ISO27001-IDF-2024-0117", d),
            demo_hds(
                "HDS-IDF-2024-0042",
                &[1, 2, 3, 4, 5, 6],
                d,
                three_years_after(d),
            ),
            demo_secnumcloud("SNC-IDF-2024-0009", d, days_after(d, 2 * 365)),
            demo_eucs("EUCS-IDF-2024-0003", EucsLevel::High, d),
        ],
        ..demo_site(
            "idf-campus",
            "Campus IA Île-de-France",
            "FR",
            operator,
            &["FR"],
        )
    }
}

fn dugny(d: Date) -> SiteProfile {
    let holders = vec![
        demo_holder("Souverain Holding", "FR", 80),
        demo_holder("Rhein Capital", "DE", 20),
    ];
    let operator = demo_operator("Dugny Data Centre SAS", ["FR", "FR", "FR"], holders, false);
    SiteProfile {
        certifications: vec![
            demo_iso("ISO27001-DUG-2024-0311", d),
            demo_hds("HDS-DUG-2024-0157", &[1, 2, 3], d, days_after(d, 120)),
            demo_secnumcloud("SNC-DUG-2024-0021", d, days_after(d, 540)),
            demo_eucs("EUCS-DUG-2024-0008", EucsLevel::High, d),
        ],
        ..demo_site(
            "dugny",
            "Dugny (Seine-Saint-Denis)",
            "FR",
            operator,
            &["FR"],
        )
    }
}

fn marseille(d: Date) -> SiteProfile {
    let holders = vec![demo_holder("Harbour Data Inc.", "US", 100)];
    let operator = demo_operator(
        "Harbour Data Marseille SAS",
        ["FR", "US", "US"],
        holders,
        true,
    );
    SiteProfile {
        certifications: vec![
            demo_iso("ISO27001-MRS-2024-0520", d),
            demo_hds("HDS-MRS-2024-0233", &[1, 2, 3, 5], d, three_years_after(d)),
            demo_eucs("EUCS-MRS-2024-0014", EucsLevel::Substantial, d),
        ],
        ..demo_site("marseille", "Marseille", "FR", operator, &["FR", "US"])
    }
}

fn cambrai(d: Date) -> SiteProfile {
    let holders = vec![demo_holder("Northfield Infrastructure", "CA", 100)];
    let operator = demo_operator("Northfield Cambrai SAS", ["FR", "FR", "FR"], holders, false);
    SiteProfile {
        certifications: vec![demo_iso("ISO27001-CAM-2024-0604", d)],
        ..demo_site("cambrai", "Cambrai (Nord)", "FR", operator, &["FR", "CA"])
    }
}

fn abu_dhabi(d: Date) -> SiteProfile {
    let holders = vec![demo_holder("Gulf Compute Holding", "AE", 100)];
    let operator = demo_operator("Gulf Compute LLC", ["AE", "AE", "AE"], holders, false);
    SiteProfile {
        certifications: vec![demo_iso("ISO27001-AUH-2024-0712", d)],
        ..demo_site("abu-dhabi", "Abu Dhabi", "AE", operator, &["AE"])
    }
}

/// The GPU inventory of the demo catalogue (the table), by site slug.
pub fn demo_gpus(slug: &str) -> Vec<GpuPool> {
    let pools: &[(&str, u32)] = match slug {
        "idf-campus" => &[("H100", 2048), ("H200", 1024), ("B200", 512)],
        "dugny" => &[("H100", 256), ("H200", 128)],
        "marseille" => &[("H100", 512), ("MI300X", 256)],
        "cambrai" => &[("H200", 1024), ("B200", 1024)],
        "abu-dhabi" => &[("H100", 4096), ("B200", 2048)],
        _ => &[],
    };
    pools
        .iter()
        .map(|(model, installed)| GpuPool {
            model: (*model).to_string(),
            installed: *installed,
            reserve: 0,
        })
        .collect()
}
