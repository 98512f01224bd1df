//! The whole catalogue as one snapshot, and the tenant the residency rules evaluate.

use std::collections::HashMap;

use sqlx::{AnyConnection, FromRow};

use super::{
    corrupt, countries, country, gpu_count, kind_from, level_from,
    operators::{OperatorRow, ShareholderRow, OPERATOR_COLUMNS, SHAREHOLDER_COLUMNS},
    parse_date,
    policy::{current_revision, load_policy},
};
use crate::domain::{
    catalogue::{CatalogueSite, CatalogueSnapshot, GpuPool},
    residency::{Certification, Shareholder, SiteProfile, TenantProfile},
};

#[derive(FromRow)]
struct SiteRow {
    id: i64,
    slug: String,
    name: String,
    country: String,
    admin_access_countries: String,
    operator_id: i64,
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

impl CertificationRow {
    fn into_certification(self) -> Result<Certification, sqlx::Error> {
        let hds_activities = self
            .hds_activities
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(|s| s.parse::<u8>().map_err(|e| corrupt("HDS activity", e)))
            .collect::<Result<Vec<u8>, _>>()?;
        Ok(Certification {
            kind: kind_from(&self.kind)?,
            hds_activities,
            version: self.version,
            eucs_level: self.eucs_level.as_deref().map(level_from).transpose()?,
            certificate_id: self.certificate_id,
            valid_from: parse_date(&self.valid_from)?,
            valid_until: parse_date(&self.valid_until)?,
        })
    }
}

#[derive(FromRow)]
struct GpuRow {
    site_id: i64,
    gpu_model: String,
    installed: i64,
    reserve: i64,
}

/// The whole catalogue with the policy in force.
pub async fn load_catalogue(conn: &mut AnyConnection) -> Result<CatalogueSnapshot, sqlx::Error> {
    let revision = current_revision(conn).await?;
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
    let shareholders: Vec<ShareholderRow> = sqlx::query_as(&format!(
        "SELECT {SHAREHOLDER_COLUMNS} FROM operator_shareholders ORDER BY operator_id, capital_bp DESC, id"
    ))
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
            .push(h.into_shareholder()?);
    }
    let mut certs_by_site: HashMap<i64, Vec<Certification>> = HashMap::new();
    for c in certifications {
        certs_by_site
            .entry(c.site_id)
            .or_default()
            .push(c.into_certification()?);
    }
    let mut gpus_by_site: HashMap<i64, Vec<GpuPool>> = HashMap::new();
    for g in gpus {
        gpus_by_site.entry(g.site_id).or_default().push(GpuPool {
            model: g.gpu_model,
            installed: gpu_count(g.installed),
            reserve: gpu_count(g.reserve),
        });
    }

    let operators = operators
        .into_iter()
        .map(|o| {
            let shareholders = holders_by_operator.remove(&o.id()).unwrap_or_default();
            o.into_operator(shareholders)
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

/// The tenant's name and country, as the residency rules see them.
pub async fn tenant_profile(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Option<TenantProfile>, sqlx::Error> {
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name, country FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_optional(conn)
            .await?;
    row.map(|(name, code)| {
        Ok(TenantProfile {
            name,
            country: country(&code)?,
        })
    })
    .transpose()
}
