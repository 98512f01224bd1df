//! Catalogue and policy queries. A snapshot is read in six queries (revision,
//! operators, sites, shareholders, certifications, GPUs) besides the policy,
//! however many sites there are (no query per site).

use std::collections::HashMap;

use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::domain::{
    catalogue::{CatalogueOperator, CatalogueSite, CatalogueSnapshot, GpuPool},
    country::CountryCode,
    residency::{
        Certification, CertificationKind, EucsLevel, Operator, Percent, PolicyLists, Shareholder,
        SiteProfile,
    },
};
use crate::server::db::now_unix;

#[derive(FromRow)]
struct SiteRow {
    id: i64,
    slug: String,
    name: String,
    country: String,
    admin_access_countries: String,
    operator_id: i64,
}

/// An operator as stored (countries as ISO codes, flags as 0 or 1).
#[derive(FromRow)]
pub struct OperatorRow {
    pub id: i64,
    pub name: String,
    pub registered_office: String,
    pub central_administration: String,
    pub main_establishment: String,
    pub dpf_certified: i64,
    pub commercial_organisation: i64,
}

const OPERATOR_COLUMNS: &str = "id, name, registered_office, central_administration, \
     main_establishment, dpf_certified, commercial_organisation";

/// The operator of that exact name.
pub async fn find_operator(
    conn: &mut AnyConnection,
    name: &str,
) -> Result<Option<OperatorRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "SELECT {OPERATOR_COLUMNS} FROM operators WHERE name = $1"
    ))
    .bind(name)
    .fetch_optional(conn)
    .await
}

#[derive(FromRow)]
struct ShareholderRow {
    operator_id: i64,
    name: String,
    country: String,
    capital_bp: i64,
    voting_bp: i64,
    control_rights: i64,
    veto_rights: i64,
}

#[derive(FromRow)]
struct CertificationRow {
    site_id: i64,
    kind: String,
    hds_activities: String,
    version: Option<String>,
    eucs_level: Option<String>,
    certificate_id: String,
    valid_from: String,
    valid_until: String,
}

#[derive(FromRow)]
struct GpuRow {
    site_id: i64,
    gpu_model: String,
    installed: i64,
    reserve: i64,
}

/// A stored value that no longer parses: the catalogue is corrupt.
fn corrupt(what: &str, detail: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("catalogue: {what}: {detail}").into())
}

fn country(code: &str) -> Result<CountryCode, sqlx::Error> {
    CountryCode::parse(code).map_err(|e| corrupt("country", e))
}

pub fn parse_date(s: &str) -> Result<Date, sqlx::Error> {
    crate::domain::dates::parse_iso_date(s).ok_or_else(|| corrupt("date", s))
}

pub fn format_date(d: Date) -> String {
    crate::domain::dates::iso_date(d)
}

fn countries(list: &str) -> Result<Vec<CountryCode>, sqlx::Error> {
    list.split(',')
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(country)
        .collect()
}

fn kind_from(s: &str) -> Result<CertificationKind, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|e| corrupt("certification kind", e))
}

pub fn kind_name(kind: CertificationKind) -> String {
    serde_json::to_value(kind)
        .ok()
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_default()
}

fn level_from(s: &str) -> Result<EucsLevel, sqlx::Error> {
    serde_json::from_value(serde_json::Value::String(s.to_string()))
        .map_err(|e| corrupt("EUCS level", e))
}

fn percent(bp: i64) -> Result<Percent, sqlx::Error> {
    u16::try_from(bp)
        .ok()
        .and_then(|bp| Percent::from_basis_points(bp).ok())
        .ok_or_else(|| corrupt("percentage", bp))
}

/// The policy lists in force: the highest version.
pub async fn load_policy(conn: &mut AnyConnection) -> Result<PolicyLists, sqlx::Error> {
    let row: Option<(i64, String)> =
        sqlx::query_as("SELECT version, lists FROM policy_versions ORDER BY version DESC LIMIT 1")
            .fetch_optional(&mut *conn)
            .await?;
    match row {
        Some((version, lists)) => {
            let mut lists: PolicyLists =
                serde_json::from_str(&lists).map_err(|e| corrupt("policy lists", e))?;
            lists.version = version;
            Ok(lists)
        }
        // An empty database: the lists of the texts in force, as version 0.
        None => Ok(PolicyLists::in_force(0)),
    }
}

/// Stores a new version of the lists and returns its number.
pub async fn save_policy(
    conn: &mut AnyConnection,
    lists: &PolicyLists,
    actor_user_id: Option<i64>,
    note: &str,
) -> Result<i64, sqlx::Error> {
    let (current,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(version), 0) FROM policy_versions")
            .fetch_one(&mut *conn)
            .await?;
    let version = current + 1;
    let mut stored = lists.clone();
    stored.version = version;
    let text = serde_json::to_string(&stored).map_err(|e| corrupt("policy lists", e))?;
    sqlx::query("INSERT INTO policy_versions (version, lists, at, actor_user_id, note) VALUES ($1, $2, $3, $4, $5)")
        .bind(version)
        .bind(text)
        .bind(now_unix())
        .bind(actor_user_id)
        .bind(note)
        .execute(&mut *conn)
        .await?;
    Ok(version)
}

/// Records a catalogue change and returns the new revision.
pub async fn bump_revision(
    conn: &mut AnyConnection,
    actor_user_id: Option<i64>,
    summary: &str,
) -> Result<i64, sqlx::Error> {
    let (current,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(revision), 0) FROM catalogue_revisions")
            .fetch_one(&mut *conn)
            .await?;
    let revision = current + 1;
    sqlx::query("INSERT INTO catalogue_revisions (revision, at, actor_user_id, summary) VALUES ($1, $2, $3, $4)")
        .bind(revision)
        .bind(now_unix())
        .bind(actor_user_id)
        .bind(summary)
        .execute(&mut *conn)
        .await?;
    Ok(revision)
}

/// The whole catalogue with the policy in force.
pub async fn load_catalogue(conn: &mut AnyConnection) -> Result<CatalogueSnapshot, sqlx::Error> {
    let (revision,): (i64,) =
        sqlx::query_as("SELECT COALESCE(MAX(revision), 0) FROM catalogue_revisions")
            .fetch_one(&mut *conn)
            .await?;
    let policy = load_policy(conn).await?;
    let operators: Vec<OperatorRow> = sqlx::query_as(&format!(
        "SELECT {OPERATOR_COLUMNS} FROM operators ORDER BY name"
    ))
    .fetch_all(&mut *conn)
    .await?;
    let sites: Vec<SiteRow> = sqlx::query_as(
        "SELECT id, slug, name, country, admin_access_countries, operator_id FROM sites ORDER BY name",
    )
    .fetch_all(&mut *conn)
    .await?;
    let shareholders: Vec<ShareholderRow> = sqlx::query_as(
        "SELECT operator_id, name, country, capital_bp, voting_bp, control_rights, veto_rights \
         FROM operator_shareholders ORDER BY operator_id, capital_bp DESC, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let certifications: Vec<CertificationRow> = sqlx::query_as(
        "SELECT site_id, kind, hds_activities, version, eucs_level, certificate_id, valid_from, valid_until \
         FROM certifications ORDER BY site_id, id",
    )
    .fetch_all(&mut *conn)
    .await?;
    let gpus: Vec<GpuRow> = sqlx::query_as(
        "SELECT site_id, gpu_model, installed, reserve FROM site_gpus ORDER BY site_id, gpu_model",
    )
    .fetch_all(&mut *conn)
    .await?;

    let mut holders_by_operator: HashMap<i64, Vec<Shareholder>> = HashMap::new();
    for h in shareholders {
        holders_by_operator
            .entry(h.operator_id)
            .or_default()
            .push(Shareholder {
                name: h.name,
                country: country(&h.country)?,
                capital: percent(h.capital_bp)?,
                voting: percent(h.voting_bp)?,
                control_rights: h.control_rights == 1,
                veto_rights: h.veto_rights == 1,
            });
    }
    let mut certs_by_site: HashMap<i64, Vec<Certification>> = HashMap::new();
    for c in certifications {
        let hds_activities = c
            .hds_activities
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<u8>().map_err(|e| corrupt("HDS activity", e)))
            .collect::<Result<Vec<u8>, _>>()?;
        certs_by_site
            .entry(c.site_id)
            .or_default()
            .push(Certification {
                kind: kind_from(&c.kind)?,
                hds_activities,
                version: c.version,
                eucs_level: c.eucs_level.as_deref().map(level_from).transpose()?,
                certificate_id: c.certificate_id,
                valid_from: parse_date(&c.valid_from)?,
                valid_until: parse_date(&c.valid_until)?,
            });
    }
    let mut gpus_by_site: HashMap<i64, Vec<GpuPool>> = HashMap::new();
    for g in gpus {
        gpus_by_site.entry(g.site_id).or_default().push(GpuPool {
            model: g.gpu_model,
            installed: u32::try_from(g.installed).unwrap_or(0),
            reserve: u32::try_from(g.reserve).unwrap_or(0),
        });
    }

    let operators = operators
        .into_iter()
        .map(|o| {
            Ok(CatalogueOperator {
                id: o.id,
                operator: Operator {
                    name: o.name,
                    registered_office: country(&o.registered_office)?,
                    central_administration: country(&o.central_administration)?,
                    main_establishment: country(&o.main_establishment)?,
                    shareholders: holders_by_operator.remove(&o.id).unwrap_or_default(),
                    dpf_certified: o.dpf_certified == 1,
                    commercial_organisation: o.commercial_organisation == 1,
                },
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    let sites = sites
        .into_iter()
        .map(|s| {
            let operator = operators
                .iter()
                .find(|o| o.id == s.operator_id)
                .ok_or_else(|| corrupt("site without its operator", &s.slug))?;
            Ok(CatalogueSite {
                id: s.id,
                gpus: gpus_by_site.remove(&s.id).unwrap_or_default(),
                profile: SiteProfile {
                    slug: s.slug,
                    name: s.name,
                    country: country(&s.country)?,
                    admin_access_countries: countries(&s.admin_access_countries)?,
                    certifications: certs_by_site.remove(&s.id).unwrap_or_default(),
                    operator: operator.operator.clone(),
                },
            })
        })
        .collect::<Result<Vec<_>, sqlx::Error>>()?;
    Ok(CatalogueSnapshot {
        revision,
        policy,
        sites,
        operators,
    })
}

/// Inserts an operator's own row (offices, DPF, commercial), not its shareholders; returns its
/// id. A name already taken is a unique violation.
pub async fn insert_operator(conn: &mut AnyConnection, op: &Operator) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO operators (name, registered_office, central_administration, main_establishment, \
         dpf_certified, commercial_organisation, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
    )
    .bind(&op.name)
    .bind(op.registered_office.as_str())
    .bind(op.central_administration.as_str())
    .bind(op.main_establishment.as_str())
    .bind(i64::from(op.dpf_certified))
    .bind(i64::from(op.commercial_organisation))
    .bind(now_unix())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Inserts a site with its operator (reused by name when it exists),
/// shareholders, certifications and GPU inventory. Returns the site's id.
pub async fn insert_site(
    conn: &mut AnyConnection,
    site: &SiteProfile,
    gpus: &[GpuPool],
) -> Result<i64, sqlx::Error> {
    let now = now_unix();
    let op = &site.operator;
    let operator_id = match find_operator(conn, &op.name).await? {
        Some(existing) => existing.id,
        None => {
            let id = insert_operator(conn, op).await?;
            for h in &op.shareholders {
                sqlx::query(
                    "INSERT INTO operator_shareholders (operator_id, name, country, capital_bp, voting_bp, \
                     control_rights, veto_rights) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                )
                .bind(id)
                .bind(&h.name)
                .bind(h.country.as_str())
                .bind(i64::from(h.capital.basis_points()))
                .bind(i64::from(h.voting.basis_points()))
                .bind(i64::from(h.control_rights))
                .bind(i64::from(h.veto_rights))
                .execute(&mut *conn)
                .await?;
            }
            id
        }
    };
    let admin: Vec<&str> = site
        .admin_access_countries
        .iter()
        .map(|c| c.as_str())
        .collect();
    let (site_id,): (i64,) = sqlx::query_as(
        "INSERT INTO sites (slug, name, country, operator_id, admin_access_countries, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(&site.slug)
    .bind(&site.name)
    .bind(site.country.as_str())
    .bind(operator_id)
    .bind(admin.join(","))
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    for c in &site.certifications {
        let activities: Vec<String> = c.hds_activities.iter().map(u8::to_string).collect();
        sqlx::query(
            "INSERT INTO certifications (site_id, kind, hds_activities, version, eucs_level, certificate_id, \
             valid_from, valid_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(site_id)
        .bind(kind_name(c.kind))
        .bind(activities.join(","))
        .bind(c.version.as_deref())
        .bind(c.eucs_level.map(|l| l.label()))
        .bind(&c.certificate_id)
        .bind(format_date(c.valid_from))
        .bind(format_date(c.valid_until))
        .execute(&mut *conn)
        .await?;
    }
    for g in gpus {
        sqlx::query("INSERT INTO site_gpus (site_id, gpu_model, installed, reserve) VALUES ($1, $2, $3, $4)")
            .bind(site_id)
            .bind(&g.model)
            .bind(i64::from(g.installed))
            .bind(i64::from(g.reserve))
            .execute(&mut *conn)
            .await?;
    }
    Ok(site_id)
}
