//! Catalogue services: the read-only snapshot any signed-in person sees, the
//! placement evaluation (re-run on the server, never trusted from the client),
//! and the platform admins' edits (operators and their shareholders, sites,
//! GPU inventory, certifications, policy lists). Every edit is validated field
//! by field, audited and versioned (catalogue revision or policy version) in
//! one write transaction, which also re-checks the open requests and quotas.

use std::collections::BTreeSet;

use serde_json::json;
use sqlx::AnyConnection;
use time::Date;

use super::repo::{
    bump_revision, format_date, kind_name, load_catalogue, load_policy, save_policy,
};
use crate::domain::{
    catalogue::CatalogueSnapshot,
    country::CountryCode,
    residency::{
        AdequacyCondition, AdequacyEntry, Certification, CertificationKind, EucsLevel, Operator,
        Percent, PolicyLists, TenantProfile,
    },
    slug::Slug,
};
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{actor::AdminActor, CurrentUser},
    db::is_unique_violation,
    error::ServiceResult,
    requests::flag_noncompliant_requests,
    search, RequestContext,
};

/// The country a platform admin without an active tenant evaluates as.
pub const ADMIN_DEFAULT_COUNTRY: &str = "FR";

/// The whole catalogue with the policy in force.
pub async fn snapshot(ctx: &RequestContext) -> ServiceResult<CatalogueSnapshot> {
    let mut conn = ctx.state.db.pool().acquire().await?;
    Ok(load_catalogue(&mut conn).await?)
}

/// The tenant the person acts within, as the residency rules see it; a
/// platform admin with no active tenant evaluates as a French tenant.
pub async fn tenant_profile(
    ctx: &RequestContext,
    user: &CurrentUser,
) -> ServiceResult<TenantProfile> {
    if user.identity.tenant.is_none() {
        let _admin = user.as_platform_admin()?;
        return Ok(TenantProfile {
            name: "Campus operator (platform admin)".to_string(),
            country: CountryCode::parse(ADMIN_DEFAULT_COUNTRY).map_err(|_| AppError::Internal)?,
        });
    }
    let actor = user.in_tenant()?;
    let mut tx = ctx.state.db.tenant_tx(actor.tenant_id).await?;
    let row: Option<(String, String)> =
        sqlx::query_as("SELECT name, country FROM tenants WHERE id = $1")
            .bind(actor.tenant_id)
            .fetch_optional(&mut *tx)
            .await?;
    tx.commit().await?;
    let (name, country) = row.ok_or(AppError::NotFound)?;
    let country = CountryCode::parse(&country).map_err(|e| {
        tracing::error!(error = %e, tenant = actor.tenant_id, "a tenant's country does not parse");
        AppError::Internal
    })?;
    Ok(TenantProfile { name, country })
}

// ---------------------------------------------------------------------------------------------------------
// Parsing helpers: each error names the form field it is about.
// ---------------------------------------------------------------------------------------------------------

fn invalid(field: &str, message: impl Into<String>) -> AppError {
    AppError::validation(field, message)
}

/// A date typed as `YYYY-MM-DD`.
pub fn parse_form_date(field: &str, input: &str) -> Result<Date, AppError> {
    crate::domain::dates::parse_form_date(input, "").map_err(|m| invalid(field, m))
}

fn parse_count(field: &str, input: &str) -> Result<i64, AppError> {
    let text = input.trim();
    match text.parse::<i64>() {
        Ok(n) if n < 0 => Err(invalid(field, "The number cannot be negative.")),
        Ok(n) if n > i64::from(u32::MAX) => Err(invalid(field, "The number is too large.")),
        Ok(n) => Ok(n),
        Err(_) => Err(invalid(
            field,
            format!("“{text}” is not a whole number of GPUs."),
        )),
    }
}

fn parse_country(field: &str, input: &str) -> Result<CountryCode, AppError> {
    CountryCode::parse(input).map_err(|message| invalid(field, message))
}

/// A comma-separated list of ISO codes ("FR, DE, NO").
pub fn parse_country_list(field: &str, input: &str) -> Result<BTreeSet<CountryCode>, AppError> {
    input
        .split([',', '\n', ' ', ';'])
        .map(str::trim)
        .filter(|s| !s.is_empty())
        .map(|code| parse_country(field, code))
        .collect()
}

/// Adequacy entries, one per line or comma: `JP`, `CA: commercial_organisations`,
/// `US: data_privacy_framework_certified`.
pub fn parse_adequacy(field: &str, input: &str) -> Result<Vec<AdequacyEntry>, AppError> {
    let mut entries: Vec<AdequacyEntry> = Vec::new();
    for item in input
        .split(['\n', ','])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        let (code, condition) = item.split_once(':').unwrap_or((item, "none"));
        let country = parse_country(field, code)?;
        let condition = match condition.trim().to_ascii_lowercase().replace([' ', '-'], "_").as_str() {
            "" | "none" => AdequacyCondition::None,
            "commercial_organisations" | "commercial" => AdequacyCondition::CommercialOrganisations,
            "data_privacy_framework_certified" | "dpf" => {
                AdequacyCondition::DataPrivacyFrameworkCertified
            }
            other => {
                return Err(invalid(
                    field,
                    format!(
                        "“{other}” is not an adequacy condition; use none, commercial_organisations or data_privacy_framework_certified."
                    ),
                ))
            }
        };
        if entries.iter().any(|e| e.country == country) {
            return Err(invalid(
                field,
                format!("{} is listed twice.", country.name()),
            ));
        }
        entries.push(AdequacyEntry { country, condition });
    }
    Ok(entries)
}

fn parse_percent(field: &str, input: &str) -> Result<Percent, AppError> {
    Percent::parse(input).map_err(|e| invalid(field, e.to_string()))
}

fn required(field: &str, input: &str, what: &str) -> Result<String, AppError> {
    let text = input.trim();
    if text.is_empty() {
        return Err(invalid(field, format!("Enter {what}.")));
    }
    if text.chars().count() > 200 {
        return Err(invalid(field, "Keep it under 200 characters."));
    }
    Ok(text.to_string())
}

async fn site_id(conn: &mut AnyConnection, slug: &str) -> ServiceResult<i64> {
    let row: Option<(i64,)> = sqlx::query_as("SELECT id FROM sites WHERE slug = $1")
        .bind(slug.trim())
        .fetch_optional(&mut *conn)
        .await?;
    row.map(|(id,)| id)
        .ok_or_else(|| invalid("site", format!("There is no site “{}”.", slug.trim())).into())
}

/// Appends the change's audit event inside its transaction, re-checks the
/// open requests and approved quotas against the changed catalogue or policy
/// (flagging those the residency rules no longer allow, and clearing flags
/// that no longer apply), and commits all of it: every catalogue and policy
/// edit ends here, so the flags always match the catalogue of the moment.
async fn record_and_commit(
    mut tx: sqlx::Transaction<'static, sqlx::Any>,
    ctx: &RequestContext,
    admin: &AdminActor,
    event: &str,
    detail: serde_json::Value,
) -> ServiceResult<()> {
    audit::append(&mut tx, &changed(ctx, admin, event).detail(detail)).await?;
    flag_noncompliant_requests(&mut tx, Some(admin.user_id)).await?;
    tx.commit().await?;
    Ok(())
}

fn changed<'a>(ctx: &'a RequestContext, admin: &'a AdminActor, event: &'a str) -> AuditEvent<'a> {
    AuditEvent::new(event)
        .actor(admin.user_id, &admin.email)
        .ip(ctx.client_ip.as_deref())
}

// ---------------------------------------------------------------------------------------------------------
// Admin edits
// ---------------------------------------------------------------------------------------------------------

/// Sets the installed GPUs and the reserve of one model at one site (adding
/// the model when the site has none). Returns the new catalogue revision.
pub async fn set_gpu_inventory(
    ctx: &RequestContext,
    admin: &AdminActor,
    site: &str,
    model: &str,
    installed: &str,
    reserve: &str,
) -> ServiceResult<i64> {
    let model = required("model", model, "the GPU model, e.g. H100")?;
    let installed = parse_count("installed", installed)?;
    let reserve = if reserve.trim().is_empty() {
        0
    } else {
        parse_count("reserve", reserve)?
    };
    if reserve > installed {
        return Err(invalid(
            "reserve",
            format!("The reserve ({reserve}) cannot exceed the installed GPUs ({installed})."),
        )
        .into());
    }
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let site_id = site_id(&mut tx, site).await?;
    let before: Option<(i64, i64)> = sqlx::query_as(
        "SELECT installed, reserve FROM site_gpus WHERE site_id = $1 AND gpu_model = $2",
    )
    .bind(site_id)
    .bind(&model)
    .fetch_optional(&mut *tx)
    .await?;
    if before.is_some() {
        sqlx::query(
            "UPDATE site_gpus SET installed = $1, reserve = $2 WHERE site_id = $3 AND gpu_model = $4",
        )
        .bind(installed)
        .bind(reserve)
        .bind(site_id)
        .bind(&model)
        .execute(&mut *tx)
        .await?;
    } else {
        sqlx::query(
            "INSERT INTO site_gpus (site_id, gpu_model, installed, reserve) VALUES ($1, $2, $3, $4)",
        )
        .bind(site_id)
        .bind(&model)
        .bind(installed)
        .bind(reserve)
        .execute(&mut *tx)
        .await?;
    }
    let summary = format!(
        "GPU inventory of {} {model}: {installed} installed, {reserve} in reserve.",
        site.trim()
    );
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": "gpu_inventory",
        "site": site.trim(),
        "model": model,
        "before": before.map(|(i, r)| json!({"installed": i, "reserve": r})),
        "after": {"installed": installed, "reserve": reserve},
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// What the certification form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct CertificationInput {
    pub site: String,
    pub kind: String,
    pub hds_activities: String,
    pub version: String,
    pub eucs_level: String,
    pub certificate_id: String,
    pub valid_from: String,
    pub valid_until: String,
}

fn parse_certification(input: &CertificationInput) -> Result<Certification, AppError> {
    let kind = match input.kind.trim().to_ascii_lowercase().as_str() {
        "iso27001" => CertificationKind::Iso27001,
        "hds" => CertificationKind::Hds,
        "secnumcloud" => CertificationKind::SecNumCloud,
        "eucs" => CertificationKind::Eucs,
        other => {
            return Err(invalid(
                "kind",
                format!(
                    "“{other}” is not a certification; choose ISO 27001, HDS, SecNumCloud or EUCS."
                ),
            ))
        }
    };
    let mut hds_activities: Vec<u8> = Vec::new();
    for part in input
        .hds_activities
        .split([',', ' '])
        .map(str::trim)
        .filter(|s| !s.is_empty())
    {
        match part.parse::<u8>() {
            Ok(a) if (1..=6).contains(&a) => {
                if !hds_activities.contains(&a) {
                    hds_activities.push(a);
                }
            }
            _ => {
                return Err(invalid(
                    "hds_activities",
                    format!("“{part}” is not an HDS activity; they are numbered 1 to 6."),
                ))
            }
        }
    }
    hds_activities.sort_unstable();
    if kind == CertificationKind::Hds && hds_activities.is_empty() {
        return Err(invalid(
            "hds_activities",
            "List the HDS activities the certificate covers, e.g. 1, 2, 3.",
        ));
    }
    if kind != CertificationKind::Hds && !hds_activities.is_empty() {
        return Err(invalid(
            "hds_activities",
            "Only an HDS certificate covers HDS activities; leave this empty.",
        ));
    }
    let eucs_level = match input.eucs_level.trim().to_ascii_lowercase().as_str() {
        "" => None,
        "basic" => Some(EucsLevel::Basic),
        "substantial" => Some(EucsLevel::Substantial),
        "high" => Some(EucsLevel::High),
        other => {
            return Err(invalid(
                "eucs_level",
                format!("“{other}” is not an EUCS level; choose basic, substantial or high."),
            ))
        }
    };
    if kind == CertificationKind::Eucs && eucs_level.is_none() {
        return Err(invalid(
            "eucs_level",
            "An EUCS certificate needs its level: basic, substantial or high.",
        ));
    }
    let version = Some(input.version.trim().to_string()).filter(|v| !v.is_empty());
    if version.as_ref().is_some_and(|v| v.chars().count() > 20) {
        return Err(invalid("version", "Keep the version under 20 characters."));
    }
    let certificate_id = required(
        "certificate_id",
        &input.certificate_id,
        "the certificate's identifier",
    )?;
    let valid_from = parse_form_date("valid_from", &input.valid_from)?;
    let valid_until = parse_form_date("valid_until", &input.valid_until)?;
    if valid_until < valid_from {
        return Err(invalid(
            "valid_until",
            format!("The certificate ends on {valid_until}, before it starts on {valid_from}."),
        ));
    }
    let cert = Certification {
        kind,
        hds_activities,
        version,
        eucs_level,
        certificate_id,
        valid_from,
        valid_until,
    };
    cert.validate()
        .map_err(|e| invalid("certificate_id", e.to_string()))?;
    Ok(cert)
}

/// Adds a certification to a site. Returns the new catalogue revision.
pub async fn add_certification(
    ctx: &RequestContext,
    admin: &AdminActor,
    input: &CertificationInput,
) -> ServiceResult<i64> {
    let cert = parse_certification(input)?;
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let site_id = site_id(&mut tx, &input.site).await?;
    let (same,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM certifications WHERE site_id = $1 AND certificate_id = $2",
    )
    .bind(site_id)
    .bind(&cert.certificate_id)
    .fetch_one(&mut *tx)
    .await?;
    if same > 0 {
        return Err(invalid(
            "certificate_id",
            format!(
                "The site already lists certificate {}.",
                cert.certificate_id
            ),
        )
        .into());
    }
    let activities: Vec<String> = cert.hds_activities.iter().map(u8::to_string).collect();
    sqlx::query(
        "INSERT INTO certifications (site_id, kind, hds_activities, version, eucs_level, certificate_id, \
         valid_from, valid_until) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(site_id)
    .bind(kind_name(cert.kind))
    .bind(activities.join(","))
    .bind(cert.version.as_deref())
    .bind(cert.eucs_level.map(|l| l.label()))
    .bind(&cert.certificate_id)
    .bind(format_date(cert.valid_from))
    .bind(format_date(cert.valid_until))
    .execute(&mut *tx)
    .await?;
    let site = input.site.trim();
    let summary = format!(
        "{} certificate {} added to {site}.",
        cert.kind.label(),
        cert.certificate_id
    );
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": "certification_added",
        "site": site,
        "certification": cert,
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Removes a site's certification by its identifier. Returns the new revision.
pub async fn remove_certification(
    ctx: &RequestContext,
    admin: &AdminActor,
    site: &str,
    certificate_id: &str,
) -> ServiceResult<i64> {
    let certificate_id = required(
        "certificate_id",
        certificate_id,
        "the certificate's identifier",
    )?;
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let site_id = site_id(&mut tx, site).await?;
    let removed =
        sqlx::query("DELETE FROM certifications WHERE site_id = $1 AND certificate_id = $2")
            .bind(site_id)
            .bind(&certificate_id)
            .execute(&mut *tx)
            .await?
            .rows_affected();
    if removed == 0 {
        return Err(invalid(
            "certificate_id",
            format!("The site lists no certificate {certificate_id}."),
        )
        .into());
    }
    let site = site.trim();
    let summary = format!("Certificate {certificate_id} removed from {site}.");
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": "certification_removed",
        "site": site,
        "certificate_id": certificate_id,
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// What the shareholder form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct ShareholderInput {
    pub operator: String,
    pub name: String,
    pub country: String,
    pub capital: String,
    pub voting: String,
    pub control_rights: bool,
    pub veto_rights: bool,
}

/// Adds or updates (by name) one shareholder of an operator; the operator's
/// shares, capital and voting each, may sum to at most 100 %. Returns the new
/// catalogue revision.
pub async fn set_shareholder(
    ctx: &RequestContext,
    admin: &AdminActor,
    input: &ShareholderInput,
) -> ServiceResult<i64> {
    let operator = required("operator", &input.operator, "the operator")?;
    let name = required("name", &input.name, "the shareholder's name")?;
    let country = parse_country("country", &input.country)?;
    let capital = parse_percent("capital", &input.capital)?;
    let voting = parse_percent("voting", &input.voting)?;

    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let operator_id = operator_id(&mut tx, &operator).await?;
    let others: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT capital_bp, voting_bp FROM operator_shareholders WHERE operator_id = $1 AND name <> $2",
    )
    .bind(operator_id)
    .bind(&name)
    .fetch_all(&mut *tx)
    .await?;
    let other_capital: i64 = others.iter().map(|(c, _)| c).sum();
    let other_voting: i64 = others.iter().map(|(_, v)| v).sum();
    let show = |bp: i64| {
        u16::try_from(bp.min(10_000))
            .ok()
            .and_then(|bp| Percent::from_basis_points(bp).ok())
            .map(|p| p.to_string())
            .unwrap_or_else(|| "100 %".to_string())
    };
    if other_capital + i64::from(capital.basis_points()) > 10_000 {
        return Err(invalid(
            "capital",
            format!(
                "The other shareholders already hold {} of the capital; {capital} more would exceed 100 %.",
                show(other_capital)
            ),
        )
        .into());
    }
    if other_voting + i64::from(voting.basis_points()) > 10_000 {
        return Err(invalid(
            "voting",
            format!(
                "The other shareholders already hold {} of the voting rights; {voting} more would exceed 100 %.",
                show(other_voting)
            ),
        )
        .into());
    }
    let existing: Option<(i64,)> =
        sqlx::query_as("SELECT id FROM operator_shareholders WHERE operator_id = $1 AND name = $2")
            .bind(operator_id)
            .bind(&name)
            .fetch_optional(&mut *tx)
            .await?;
    match existing {
        Some((id,)) => {
            sqlx::query(
                "UPDATE operator_shareholders SET country = $1, capital_bp = $2, voting_bp = $3, \
                 control_rights = $4, veto_rights = $5 WHERE id = $6",
            )
            .bind(country.as_str())
            .bind(i64::from(capital.basis_points()))
            .bind(i64::from(voting.basis_points()))
            .bind(i64::from(input.control_rights))
            .bind(i64::from(input.veto_rights))
            .bind(id)
            .execute(&mut *tx)
            .await?;
        }
        None => {
            sqlx::query(
                "INSERT INTO operator_shareholders (operator_id, name, country, capital_bp, voting_bp, \
                 control_rights, veto_rights) VALUES ($1, $2, $3, $4, $5, $6, $7)",
            )
            .bind(operator_id)
            .bind(&name)
            .bind(country.as_str())
            .bind(i64::from(capital.basis_points()))
            .bind(i64::from(voting.basis_points()))
            .bind(i64::from(input.control_rights))
            .bind(i64::from(input.veto_rights))
            .execute(&mut *tx)
            .await?;
        }
    }
    let summary = format!(
        "Shareholder {name} of {operator}: {capital} of the capital, {voting} of the voting rights."
    );
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": if existing.is_some() { "shareholder_updated" } else { "shareholder_added" },
        "operator": operator,
        "shareholder": name,
        "country": country.as_str(),
        "capital_bp": capital.basis_points(),
        "voting_bp": voting.basis_points(),
        "control_rights": input.control_rights,
        "veto_rights": input.veto_rights,
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Removes one shareholder (by name) from an operator. Returns the new
/// catalogue revision.
pub async fn remove_shareholder(
    ctx: &RequestContext,
    admin: &AdminActor,
    operator: &str,
    name: &str,
) -> ServiceResult<i64> {
    let operator = required("operator", operator, "the operator")?;
    let name = required("name", name, "the shareholder's name")?;
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let operator_id = operator_id(&mut tx, &operator).await?;
    let removed: Option<(String, i64, i64, i64, i64)> = sqlx::query_as(
        "SELECT country, capital_bp, voting_bp, control_rights, veto_rights \
         FROM operator_shareholders WHERE operator_id = $1 AND name = $2",
    )
    .bind(operator_id)
    .bind(&name)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((country, capital_bp, voting_bp, control_rights, veto_rights)) = removed else {
        return Err(invalid("name", format!("{operator} has no shareholder “{name}”.")).into());
    };
    sqlx::query("DELETE FROM operator_shareholders WHERE operator_id = $1 AND name = $2")
        .bind(operator_id)
        .bind(&name)
        .execute(&mut *tx)
        .await?;
    let summary = format!("Shareholder {name} removed from {operator}.");
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": "shareholder_removed",
        "operator": operator,
        "shareholder": name,
        "before": {
            "country": country,
            "capital_bp": capital_bp,
            "voting_bp": voting_bp,
            "control_rights": control_rights == 1,
            "veto_rights": veto_rights == 1,
        },
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

// ---------------------------------------------------------------------------------------------------------
// Operators
// ---------------------------------------------------------------------------------------------------------

/// What the operator forms send, as typed (a checkbox left unticked sends
/// nothing, read as `false`).
#[derive(Debug, Clone, Default)]
pub struct OperatorInput {
    pub name: String,
    pub registered_office: String,
    pub central_administration: String,
    pub main_establishment: String,
    pub dpf_certified: bool,
    pub commercial_organisation: bool,
}

/// An operator's own fields, checked (its shareholders are edited one by one).
#[derive(Debug, Clone, PartialEq, Eq)]
struct OperatorFields {
    name: String,
    registered_office: CountryCode,
    central_administration: CountryCode,
    main_establishment: CountryCode,
    dpf_certified: bool,
    commercial_organisation: bool,
}

impl OperatorFields {
    fn parse(input: &OperatorInput) -> Result<Self, AppError> {
        Ok(Self {
            name: required("name", &input.name, "the operator's legal name")?,
            registered_office: parse_country("registered_office", &input.registered_office)?,
            central_administration: parse_country(
                "central_administration",
                &input.central_administration,
            )?,
            main_establishment: parse_country("main_establishment", &input.main_establishment)?,
            dpf_certified: input.dpf_certified,
            commercial_organisation: input.commercial_organisation,
        })
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "name": self.name,
            "registered_office": self.registered_office.as_str(),
            "central_administration": self.central_administration.as_str(),
            "main_establishment": self.main_establishment.as_str(),
            "dpf_certified": self.dpf_certified,
            "commercial_organisation": self.commercial_organisation,
        })
    }
}

fn duplicate_operator(name: &str) -> AppError {
    invalid(
        "name",
        format!("There is already an operator named “{name}”; choose another name, or edit that operator."),
    )
}

/// The id of the operator of that exact name; an error on `operator` otherwise.
async fn operator_id(conn: &mut AnyConnection, name: &str) -> ServiceResult<i64> {
    let row = super::repo::find_operator(conn, name.trim()).await?;
    row.map(|row| row.id).ok_or_else(|| {
        invalid(
            "operator",
            format!("There is no operator “{}”.", name.trim()),
        )
        .into()
    })
}

/// The catalogue tables whose names are unique whatever their case and accents.
#[derive(Clone, Copy)]
enum Named {
    Operators,
    Sites,
}

/// Whether another row of `table` (any but `except`) has this name, whatever its case and
/// accents ("Ile-de-France" is "Île-de-France" typed without its accent).
async fn name_taken(
    conn: &mut AnyConnection,
    table: Named,
    name: &str,
    except: Option<i64>,
) -> ServiceResult<bool> {
    let table = match table {
        Named::Operators => "operators",
        Named::Sites => "sites",
    };
    let postgres = search::is_postgres(conn);
    let sql = format!(
        "SELECT COUNT(*) FROM {table} WHERE {} = $1 AND id <> $2",
        search::folded("name", postgres)
    );
    let (n,): (i64,) = sqlx::query_as(&sql)
        .bind(search::fold(name.trim()))
        .bind(except.unwrap_or(-1))
        .fetch_one(&mut *conn)
        .await?;
    Ok(n > 0)
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        "no"
    }
}

/// Adds an operator (without shareholders: they are added one by one).
/// Names are unique. Returns the new catalogue revision.
pub async fn create_operator(
    ctx: &RequestContext,
    admin: &AdminActor,
    input: &OperatorInput,
) -> ServiceResult<i64> {
    let op = OperatorFields::parse(input)?;
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    if name_taken(&mut tx, Named::Operators, &op.name, None).await? {
        return Err(duplicate_operator(&op.name).into());
    }
    let inserted = super::repo::insert_operator(
        &mut tx,
        &Operator {
            name: op.name.clone(),
            registered_office: op.registered_office,
            central_administration: op.central_administration,
            main_establishment: op.main_establishment,
            shareholders: Vec::new(),
            dpf_certified: op.dpf_certified,
            commercial_organisation: op.commercial_organisation,
        },
    )
    .await;
    let id = match inserted {
        Err(e) if is_unique_violation(&e) => return Err(duplicate_operator(&op.name).into()),
        other => other?,
    };
    let summary = format!(
        "Operator {} added: registered office {}, central administration {}, main establishment {}; \
         DPF certified: {}.",
        op.name,
        op.registered_office,
        op.central_administration,
        op.main_establishment,
        yes_no(op.dpf_certified)
    );
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": "operator_created",
        "operator_id": id,
        "operator": op.name,
        "after": op.json(),
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Changes an operator's name, offices and flags; `operator` is its name
/// before the change. Returns the new catalogue revision.
pub async fn update_operator(
    ctx: &RequestContext,
    admin: &AdminActor,
    operator: &str,
    input: &OperatorInput,
) -> ServiceResult<i64> {
    let current = required("operator", operator, "the operator to change")?;
    let op = OperatorFields::parse(input)?;
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let Some(row) = super::repo::find_operator(&mut tx, &current).await? else {
        return Err(invalid("operator", format!("There is no operator “{current}”.")).into());
    };
    let stored = |code: &str| {
        CountryCode::parse(code).map_err(|e| {
            tracing::error!(error = %e, operator = row.id, "an operator's country does not parse");
            AppError::Internal
        })
    };
    let before = OperatorFields {
        name: row.name.clone(),
        registered_office: stored(&row.registered_office)?,
        central_administration: stored(&row.central_administration)?,
        main_establishment: stored(&row.main_establishment)?,
        dpf_certified: row.dpf_certified == 1,
        commercial_organisation: row.commercial_organisation == 1,
    };
    if before == op {
        return Err(invalid(
            "operator",
            format!("Nothing to save: {current} already has these values."),
        )
        .into());
    }
    if name_taken(&mut tx, Named::Operators, &op.name, Some(row.id)).await? {
        return Err(duplicate_operator(&op.name).into());
    }
    let updated = sqlx::query(
        "UPDATE operators SET name = $1, registered_office = $2, central_administration = $3, \
         main_establishment = $4, dpf_certified = $5, commercial_organisation = $6 WHERE id = $7",
    )
    .bind(&op.name)
    .bind(op.registered_office.as_str())
    .bind(op.central_administration.as_str())
    .bind(op.main_establishment.as_str())
    .bind(i64::from(op.dpf_certified))
    .bind(i64::from(op.commercial_organisation))
    .bind(row.id)
    .execute(&mut *tx)
    .await;
    match updated {
        Err(e) if is_unique_violation(&e) => return Err(duplicate_operator(&op.name).into()),
        other => other?,
    };
    let summary = if op.name == before.name {
        format!("Operator {} changed.", op.name)
    } else {
        format!("Operator {} changed, now named {}.", before.name, op.name)
    };
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": "operator_updated",
        "operator_id": row.id,
        "operator": op.name,
        "before": before.json(),
        "after": op.json(),
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

// ---------------------------------------------------------------------------------------------------------
// Sites
// ---------------------------------------------------------------------------------------------------------

/// What the site forms send, as typed. The short name (slug) is given apart:
/// it is chosen once, at creation, and names the site in addresses and
/// requests from then on.
#[derive(Debug, Clone, Default)]
pub struct SiteInput {
    pub name: String,
    pub country: String,
    pub operator: String,
    /// ISO codes, comma-separated: where administration and support staff
    /// can reach tenant data from (G4, S5).
    pub admin_countries: String,
}

/// A site's own fields, checked; the operator is still a name.
#[derive(Debug, Clone, PartialEq, Eq)]
struct SiteFields {
    name: String,
    country: CountryCode,
    operator: String,
    admin_countries: BTreeSet<CountryCode>,
}

impl SiteFields {
    fn parse(input: &SiteInput) -> Result<Self, AppError> {
        let name = required("name", &input.name, "the site's name")?;
        let country = parse_country("country", &input.country)?;
        let operator = required("operator", &input.operator, "the site's operator")?;
        let admin_countries = parse_country_list("admin_countries", &input.admin_countries)?;
        if admin_countries.is_empty() {
            return Err(invalid(
                "admin_countries",
                "List the countries from which administration and support staff can reach tenant \
                 data, e.g. FR.",
            ));
        }
        Ok(Self {
            name,
            country,
            operator,
            admin_countries,
        })
    }

    /// The stored form of the access countries: "DE,FR".
    fn admin_list(&self) -> String {
        self.admin_countries
            .iter()
            .map(|c| c.as_str())
            .collect::<Vec<_>>()
            .join(",")
    }

    fn json(&self) -> serde_json::Value {
        json!({
            "name": self.name,
            "country": self.country.as_str(),
            "operator": self.operator,
            "admin_access_countries": self.admin_countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
        })
    }
}

fn duplicate_slug(slug: &Slug) -> AppError {
    invalid(
        "slug",
        format!("A site already has the short name “{slug}”; choose another."),
    )
}

fn duplicate_site_name(name: &str) -> AppError {
    invalid(
        "name",
        format!("There is already a site named “{name}”; choose another name."),
    )
}

/// Adds a site (without GPUs or certifications: they are added one by one).
/// Short names and names are unique. Returns the new catalogue revision.
pub async fn create_site(
    ctx: &RequestContext,
    admin: &AdminActor,
    slug: &str,
    input: &SiteInput,
) -> ServiceResult<i64> {
    let slug = Slug::parse(slug).map_err(|message| invalid("slug", message))?;
    let site = SiteFields::parse(input)?;
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let (same_slug,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM sites WHERE slug = $1")
        .bind(slug.as_str())
        .fetch_one(&mut *tx)
        .await?;
    if same_slug > 0 {
        return Err(duplicate_slug(&slug).into());
    }
    if name_taken(&mut tx, Named::Sites, &site.name, None).await? {
        return Err(duplicate_site_name(&site.name).into());
    }
    let operator_id = operator_id(&mut tx, &site.operator).await?;
    let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
        "INSERT INTO sites (slug, name, country, operator_id, admin_access_countries, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(slug.as_str())
    .bind(&site.name)
    .bind(site.country.as_str())
    .bind(operator_id)
    .bind(site.admin_list())
    .bind(crate::server::db::now_unix())
    .fetch_one(&mut *tx)
    .await;
    let (id,) = match inserted {
        Err(e) if is_unique_violation(&e) => return Err(duplicate_slug(&slug).into()),
        other => other?,
    };
    let summary = format!(
        "Site {} ({slug}) added in {}, operated by {}.",
        site.name,
        site.country.name(),
        site.operator
    );
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": "site_created",
        "site_id": id,
        "site": slug.as_str(),
        "after": site.json(),
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Counts the rows of `sql` (one `$1` parameter).
async fn count(conn: &mut AnyConnection, sql: &str, id: i64) -> ServiceResult<i64> {
    let (n,): (i64,) = sqlx::query_as(sql).bind(id).fetch_one(&mut *conn).await?;
    Ok(n)
}

/// Removes a site that nothing refers to yet (one added by mistake), with its GPU inventory
/// and certifications. A site that any request names, even a draft or an expired quota, stays:
/// those requests keep their record; set its GPUs to 0 to take it out of new requests.
/// Returns the new catalogue revision.
pub async fn delete_site(
    ctx: &RequestContext,
    admin: &AdminActor,
    slug: &str,
) -> ServiceResult<i64> {
    let slug = required("site", slug, "the site")?;
    // Platform scope: requests of every tenant may name the site.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let id = site_id(&mut tx, &slug).await?;
    let (name, country, operator): (String, String, String) = sqlx::query_as(
        "SELECT s.name, s.country, o.name FROM sites s JOIN operators o ON o.id = s.operator_id \
         WHERE s.id = $1",
    )
    .bind(id)
    .fetch_one(&mut *tx)
    .await?;
    let requests = count(
        &mut tx,
        "SELECT COUNT(*) FROM quota_requests WHERE site_id = $1",
        id,
    )
    .await?;
    if requests > 0 {
        return Err(invalid(
            "site",
            format!(
                "{name} is named by {requests} request{} (drafts and past quotas count): it stays \
                 in the catalogue for their record. Set its GPUs to 0 to keep new requests away.",
                if requests == 1 { "" } else { "s" }
            ),
        )
        .into());
    }
    for sql in [
        "DELETE FROM site_gpus WHERE site_id = $1",
        "DELETE FROM certifications WHERE site_id = $1",
        "DELETE FROM sites WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    let summary = format!("Site {name} ({slug}) deleted.");
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": "site_deleted",
        "site": slug,
        "before": { "name": name, "country": country, "operator": operator },
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Removes an operator that runs no site (one added by mistake), with its shareholders.
/// Returns the new catalogue revision.
pub async fn delete_operator(
    ctx: &RequestContext,
    admin: &AdminActor,
    name: &str,
) -> ServiceResult<i64> {
    let name = required("operator", name, "the operator")?;
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let id = operator_id(&mut tx, &name).await?;
    let sites = count(
        &mut tx,
        "SELECT COUNT(*) FROM sites WHERE operator_id = $1",
        id,
    )
    .await?;
    if sites > 0 {
        return Err(invalid(
            "operator",
            format!(
                "{name} runs {sites} site{}: give {} another operator or delete {} first.",
                if sites == 1 { "" } else { "s" },
                if sites == 1 { "it" } else { "them" },
                if sites == 1 { "it" } else { "them" },
            ),
        )
        .into());
    }
    for sql in [
        "DELETE FROM operator_shareholders WHERE operator_id = $1",
        "DELETE FROM operators WHERE id = $1",
    ] {
        sqlx::query(sql).bind(id).execute(&mut *tx).await?;
    }
    let summary = format!("Operator {name} deleted.");
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({ "change": "operator_deleted", "operator": name, "revision": revision });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Changes a site's name, country, operator and access countries; its short
/// name stays. Returns the new catalogue revision.
pub async fn update_site(
    ctx: &RequestContext,
    admin: &AdminActor,
    slug: &str,
    input: &SiteInput,
) -> ServiceResult<i64> {
    let new = SiteFields::parse(input)?;
    let slug = slug.trim();
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let row: Option<(i64, String, String, String, String)> = sqlx::query_as(
        "SELECT s.id, s.name, s.country, o.name, s.admin_access_countries \
         FROM sites s JOIN operators o ON o.id = s.operator_id WHERE s.slug = $1",
    )
    .bind(slug)
    .fetch_optional(&mut *tx)
    .await?;
    let Some((site_id, name, country, operator, admin_countries)) = row else {
        return Err(invalid("site", format!("There is no site “{slug}”.")).into());
    };
    let corrupt = |e: String| {
        tracing::error!(error = %e, site = site_id, "a site's country does not parse");
        AppError::Internal
    };
    let before = SiteFields {
        name,
        country: CountryCode::parse(&country).map_err(corrupt)?,
        operator,
        admin_countries: admin_countries
            .split(',')
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .map(CountryCode::parse)
            .collect::<Result<_, _>>()
            .map_err(corrupt)?,
    };
    if before == new {
        return Err(invalid(
            "site",
            format!("Nothing to save: {} already has these values.", before.name),
        )
        .into());
    }
    if name_taken(&mut tx, Named::Sites, &new.name, Some(site_id)).await? {
        return Err(duplicate_site_name(&new.name).into());
    }
    let operator_id = operator_id(&mut tx, &new.operator).await?;
    sqlx::query(
        "UPDATE sites SET name = $1, country = $2, operator_id = $3, admin_access_countries = $4 \
         WHERE id = $5",
    )
    .bind(&new.name)
    .bind(new.country.as_str())
    .bind(operator_id)
    .bind(new.admin_list())
    .bind(site_id)
    .execute(&mut *tx)
    .await?;
    let summary = format!("Site {} ({slug}) changed.", new.name);
    let revision = bump_revision(&mut tx, Some(admin.user_id), &summary).await?;
    let detail = json!({
        "change": "site_updated",
        "site_id": site_id,
        "site": slug,
        "before": before.json(),
        "after": new.json(),
        "revision": revision,
    });
    record_and_commit(tx, ctx, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// What the policy form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct PolicyInput {
    pub eu: String,
    pub eea: String,
    pub sanctions: String,
    pub adequacy: String,
    pub note: String,
}

/// Stores a new version of the policy lists. Returns the new policy version.
pub async fn update_policy(
    ctx: &RequestContext,
    admin: &AdminActor,
    input: &PolicyInput,
) -> ServiceResult<i64> {
    let eu = parse_country_list("eu", &input.eu)?;
    let eea = parse_country_list("eea", &input.eea)?;
    let sanctions = parse_country_list("sanctions", &input.sanctions)?;
    let adequacy = parse_adequacy("adequacy", &input.adequacy)?;
    if eu.is_empty() {
        return Err(invalid("eu", "The EU list cannot be empty.").into());
    }
    if let Some(missing) = eu.iter().find(|c| !eea.contains(c)) {
        return Err(invalid(
            "eea",
            format!(
                "Every EU member is in the EEA; add {} ({missing}).",
                missing.name()
            ),
        )
        .into());
    }
    if let Some(both) = adequacy.iter().find(|e| eea.contains(&e.country)) {
        return Err(invalid(
            "adequacy",
            format!(
                "{} is in the EEA; adequacy decisions concern countries outside it.",
                both.country.name()
            ),
        )
        .into());
    }
    let note = input.note.trim().chars().take(500).collect::<String>();
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let before = load_policy(&mut tx).await?;
    let lists = PolicyLists {
        version: before.version + 1,
        eu,
        eea,
        adequacy,
        sanctions,
    };
    let version = save_policy(&mut tx, &lists, Some(admin.user_id), &note).await?;
    let codes = |set: &BTreeSet<CountryCode>| set.iter().map(|c| c.as_str()).collect::<Vec<_>>();
    let detail = json!({
        "previous_version": before.version,
        "version": version,
        "note": note,
        "eu": codes(&lists.eu),
        "eea": codes(&lists.eea),
        "sanctions": codes(&lists.sanctions),
        "adequacy": lists.adequacy,
        "before": {
            "eu": codes(&before.eu),
            "eea": codes(&before.eea),
            "sanctions": codes(&before.sanctions),
            "adequacy": before.adequacy,
        },
    });
    record_and_commit(tx, ctx, admin, "policy_changed", detail).await?;
    Ok(version)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adequacy_lines_read_with_their_conditions() {
        let entries = parse_adequacy(
            "adequacy",
            "JP\nCA: commercial_organisations\nUS: data_privacy_framework_certified",
        )
        .unwrap();
        assert_eq!(entries.len(), 3);
        assert_eq!(
            entries[1].condition,
            AdequacyCondition::CommercialOrganisations
        );
        let e = parse_adequacy("adequacy", "JP: sometimes").unwrap_err();
        assert!(e.field_message("adequacy").is_some());
    }

    #[test]
    fn country_lists_name_their_field() {
        assert_eq!(parse_country_list("eu", "FR, de").unwrap().len(), 2);
        assert!(parse_country_list("eea", "FR, XX")
            .unwrap_err()
            .field_message("eea")
            .is_some());
    }

    #[test]
    fn certifications_refuse_dates_out_of_order() {
        let input = CertificationInput {
            site: "dugny".into(),
            kind: "iso27001".into(),
            certificate_id: "X-1".into(),
            valid_from: "2026-02-01".into(),
            valid_until: "2026-01-31".into(),
            ..Default::default()
        };
        let e = parse_certification(&input).unwrap_err();
        assert!(e.field_message("valid_until").is_some(), "{e:?}");
    }
}
