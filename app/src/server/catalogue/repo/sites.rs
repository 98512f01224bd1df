//! Sites, their GPU inventory and their certifications.

use sqlx::AnyConnection;

use super::{countries, country, country_list, format_date, gpu_count, kind_name, operators};
use crate::domain::{
    catalogue::GpuPool,
    country::CountryCode,
    residency::{Certification, SiteProfile},
};
use crate::server::db::now_unix;
use crate::wire::catalogue::SiteFields;

/// A site's own fields as stored, with its row's id.
pub struct StoredSite {
    pub id: i64,
    pub fields: SiteFields,
}

/// The site of that short name, with its operator's name.
pub async fn find_site(
    conn: &mut AnyConnection,
    slug: &str,
) -> Result<Option<StoredSite>, sqlx::Error> {
    let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT s.id, s.name, s.country, o.name, s.admin_access_countries \
         FROM sites s JOIN operators o ON o.id = s.operator_id WHERE s.slug = $1",
    )
    .bind(slug)
    .fetch_optional(conn)
    .await?;
    row.map(|(id, name, code, operator, admin_countries)| {
        Ok(StoredSite {
            id,
            fields: SiteFields {
                name,
                country: country(&code)?,
                operator,
                admin_countries: countries(&admin_countries)?,
            },
        })
    })
    .transpose()
}

/// Inserts a site's own row; returns its id. A short name already taken is a unique violation.
pub async fn insert_site_row<'a>(
    conn: &mut AnyConnection,
    slug: &str,
    name: &str,
    site_country: CountryCode,
    operator_id: i64,
    admin_countries: impl IntoIterator<Item = &'a CountryCode>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO sites (slug, name, country, operator_id, admin_access_countries, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(slug)
    .bind(name)
    .bind(site_country.as_str())
    .bind(operator_id)
    .bind(country_list(admin_countries))
    .bind(now_unix())
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Inserts a site with its operator (reused by name when it exists), shareholders,
/// certifications and GPU inventory. Returns the site's id.
pub async fn insert_site(
    conn: &mut AnyConnection,
    site: &SiteProfile,
    gpus: &[GpuPool],
) -> Result<i64, sqlx::Error> {
    let op = &site.operator;
    let operator_id = match operators::find_operator(conn, &op.name).await? {
        Some(existing) => existing.id,
        None => {
            let id = operators::insert_operator(conn, op).await?;
            for h in &op.shareholders {
                operators::insert_shareholder(conn, id, h).await?;
            }
            id
        }
    };
    let site_id = insert_site_row(
        conn,
        &site.slug,
        &site.name,
        site.country,
        operator_id,
        &site.admin_access_countries,
    )
    .await?;
    for c in &site.certifications {
        insert_certification(conn, site_id, c).await?;
    }
    for g in gpus {
        insert_gpu_pool(conn, site_id, g).await?;
    }
    Ok(site_id)
}

/// Changes a site's name, country, operator and access countries; its short name stays.
pub async fn update_site(
    conn: &mut AnyConnection,
    id: i64,
    site: &SiteFields,
    operator_id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE sites SET name = $1, country = $2, operator_id = $3, admin_access_countries = $4 \
         WHERE id = $5",
    )
    .bind(&site.name)
    .bind(site.country.as_str())
    .bind(operator_id)
    .bind(country_list(&site.admin_countries))
    .bind(id)
    .execute(conn)
    .await?;
    Ok(())
}

/// How many requests name the site, whatever their state or tenant.
pub async fn requests_naming_site(
    conn: &mut AnyConnection,
    site_id: i64,
) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM quota_requests WHERE site_id = $1")
        .bind(site_id)
        .fetch_one(conn)
        .await?;
    Ok(n)
}

/// Removes a site with its GPU inventory and certifications.
pub async fn delete_site(conn: &mut AnyConnection, id: i64) -> Result<(), sqlx::Error> {
    for sql in [
        "DELETE FROM site_gpus WHERE site_id = $1",
        "DELETE FROM certifications WHERE site_id = $1",
        "DELETE FROM sites WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *conn).await?;
    }
    Ok(())
}

/// The site's GPUs of one model.
pub async fn find_gpu_pool(
    conn: &mut AnyConnection,
    site_id: i64,
    model: &str,
) -> Result<Option<GpuPool>, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT installed, reserve FROM site_gpus WHERE site_id = $1 AND gpu_model = $2",
    )
    .bind(site_id)
    .bind(model)
    .fetch_optional(conn)
    .await?;
    Ok(row.map(|(installed, reserve)| GpuPool {
        model: model.to_string(),
        installed: gpu_count(installed),
        reserve: gpu_count(reserve),
    }))
}

pub async fn insert_gpu_pool(
    conn: &mut AnyConnection,
    site_id: i64,
    pool: &GpuPool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO site_gpus (site_id, gpu_model, installed, reserve) VALUES ($1, $2, $3, $4)",
    )
    .bind(site_id)
    .bind(&pool.model)
    .bind(i64::from(pool.installed))
    .bind(i64::from(pool.reserve))
    .execute(conn)
    .await?;
    Ok(())
}

pub async fn update_gpu_pool(
    conn: &mut AnyConnection,
    site_id: i64,
    pool: &GpuPool,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE site_gpus SET installed = $1, reserve = $2 WHERE site_id = $3 AND gpu_model = $4",
    )
    .bind(i64::from(pool.installed))
    .bind(i64::from(pool.reserve))
    .bind(site_id)
    .bind(&pool.model)
    .execute(conn)
    .await?;
    Ok(())
}

/// Whether the site lists a certificate of that identifier.
pub async fn certificate_exists(
    conn: &mut AnyConnection,
    site_id: i64,
    certificate_id: &str,
) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM certifications WHERE site_id = $1 AND certificate_id = $2",
    )
    .bind(site_id)
    .bind(certificate_id)
    .fetch_one(conn)
    .await?;
    Ok(n > 0)
}

pub async fn insert_certification(
    conn: &mut AnyConnection,
    site_id: i64,
    c: &Certification,
) -> Result<(), sqlx::Error> {
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
    .execute(conn)
    .await?;
    Ok(())
}

/// Removes the site's certificates of that identifier; returns how many there were.
pub async fn delete_certification(
    conn: &mut AnyConnection,
    site_id: i64,
    certificate_id: &str,
) -> Result<u64, sqlx::Error> {
    Ok(
        sqlx::query("DELETE FROM certifications WHERE site_id = $1 AND certificate_id = $2")
            .bind(site_id)
            .bind(certificate_id)
            .execute(conn)
            .await?
            .rows_affected(),
    )
}
