//! The quota-request services: drafting, submission, endorsement, decisions and withdrawal, each
//! one transaction with its timeline step, audit event and notifications; and the reads behind
//! the pages. Residency is evaluated on the server at submission and again at approval; capacity
//! is checked atomically at approval.

use serde_json::json;
use sqlx::AnyConnection;
use time::Date;

use super::repo::{self, ListScope, RequestFilter, RequestRow};
use crate::domain::{
    capacity::{self, Pool},
    catalogue::{CatalogueSite, CatalogueSnapshot},
    country::CountryCode,
    lifecycle::{self, Action, RequestKind, RequestStatus, Role},
    request_fields::{ExpectedGpuHours, GpuCount, Justification, ProjectTitle, TimeWindow},
    residency::{self, Classification, Evaluation, PlacementRequest, TenantProfile, Window},
    tenancy::TenantRole,
};
use crate::error::AppError;
use crate::features::requests::types::{
    parse_sector, FailedRule, FormOptions, NotificationItem, Paged, QueueRow, RequestDetail,
    RequestSummary, Review, SiteOption,
};
use crate::server::{
    audit::{self, AuditEvent},
    auth::actor::{AdminActor, TenantActor},
    catalogue::load_catalogue,
    db::{now_unix, Backend, Scope},
    error::{ServiceError, ServiceResult},
    state::AppState,
};

/// Rows on the tenant dashboard and in the admin queue.
pub const PAGE_ROWS: i64 = 50;

/// Today, in UTC: windows are whole days.
pub fn today() -> Date {
    time::OffsetDateTime::now_utc().date()
}

/// A request form as typed.
#[derive(Debug, Clone, Default)]
pub struct DraftInput {
    /// The draft being edited, if any.
    pub id: Option<i64>,
    /// The form's random token: the same token never creates two requests.
    pub idempotency_key: String,
    pub project_title: String,
    pub justification: String,
    pub sector: String,
    pub classification: String,
    pub confidential_waiver: bool,
    pub site: String,
    pub gpu_model: String,
    pub gpus: String,
    pub start_date: String,
    pub end_date: String,
    pub expected_gpu_hours: String,
}

/// A decision as typed by a platform admin.
#[derive(Debug, Clone)]
pub struct DecisionInput {
    pub action: Action,
    pub note: String,
    /// For a partial approval; empty keeps what was asked.
    pub approved_gpus: String,
    pub approved_start: String,
    pub approved_end: String,
}

/// The checked fields of a request.
struct Fields {
    title: ProjectTitle,
    justification: Justification,
    sector: &'static str,
    classification: Classification,
    site_id: i64,
    gpu_model: String,
    gpus: GpuCount,
    window: TimeWindow,
    hours: Option<ExpectedGpuHours>,
}

fn invalid(field: &str, message: impl Into<String>) -> ServiceError {
    AppError::validation(field, message).into()
}

fn conflict(message: impl Into<String>) -> ServiceError {
    AppError::conflict(message).into()
}

/// Reads an ISO date typed in a form.
fn form_date(field: &str, raw: &str, what: &str) -> ServiceResult<Date> {
    crate::domain::dates::parse_form_date(raw, what).map_err(|m| invalid(field, m))
}

fn check_fields(
    input: &DraftInput,
    catalogue: &CatalogueSnapshot,
    today: Date,
    max_months: u32,
) -> ServiceResult<Fields> {
    let title =
        ProjectTitle::parse(&input.project_title).map_err(|m| invalid("project_title", m))?;
    let justification =
        Justification::parse(&input.justification).map_err(|m| invalid("justification", m))?;
    let sector = parse_sector(&input.sector).map_err(|m| invalid("sector", m))?;
    let classification = Classification::parse(&input.classification)
        .map_err(|e| invalid("classification", e.to_string()))?;
    let site = catalogue
        .site(input.site.trim())
        .ok_or_else(|| invalid("site", "Please choose a site from the list."))?;
    let gpu_model = input.gpu_model.trim().to_owned();
    if gpu_model.is_empty() {
        return Err(invalid("gpu_model", "Please choose a GPU model."));
    }
    if site.pool(&gpu_model).is_none() {
        return Err(invalid(
            "gpu_model",
            format!(
                "{} has no {gpu_model} GPUs; choose another model or site.",
                site.profile.name
            ),
        ));
    }
    let gpus = GpuCount::parse(&input.gpus).map_err(|m| invalid("gpus", m))?;
    let start = form_date("start_date", &input.start_date, "start")?;
    let end = form_date("end_date", &input.end_date, "end")?;
    let window = TimeWindow::new(start, end, today, max_months).map_err(|m| {
        let field = if m.contains("start date cannot") {
            "start_date"
        } else {
            "end_date"
        };
        invalid(field, m)
    })?;
    let hours = ExpectedGpuHours::parse_optional(&input.expected_gpu_hours)
        .map_err(|m| invalid("expected_gpu_hours", m))?;
    if let Some(h) = hours {
        h.check_within(gpus, &window)
            .map_err(|m| invalid("expected_gpu_hours", m))?;
    }
    Ok(Fields {
        title,
        justification,
        sector,
        classification,
        site_id: site.id,
        gpu_model,
        gpus,
        window,
        hours,
    })
}

fn role(role: TenantRole) -> Role {
    match role {
        TenantRole::Owner => Role::Owner,
        TenantRole::Member => Role::Member,
        TenantRole::Auditor => Role::Auditor,
    }
}

fn tenant_actor(actor: &TenantActor, row: &RequestRow) -> lifecycle::Actor {
    lifecycle::Actor::new(
        Some(role(actor.role)),
        false,
        row.requester_user_id == actor.user_id,
    )
}

fn next(
    current: RequestStatus,
    action: Action,
    actor: &lifecycle::Actor,
) -> ServiceResult<RequestStatus> {
    lifecycle::next_status(current, action, actor).map_err(|e| match e.kind {
        lifecycle::TransitionErrorKind::NotPermitted => {
            tracing::info!(reason = %e.message, "transition not permitted");
            AppError::Forbidden.into()
        }
        lifecycle::TransitionErrorKind::WrongStatus => conflict(e.message),
    })
}

/// The tenant's name, country and status.
async fn tenant_profile(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> ServiceResult<(TenantProfile, String)> {
    let (name, country, status): (String, String, String) =
        sqlx::query_as("SELECT name, country, status FROM tenants WHERE id = $1")
            .bind(tenant_id)
            .fetch_one(&mut *conn)
            .await?;
    let country = CountryCode::parse(&country).map_err(|e| {
        ServiceError::Db(sqlx::Error::Decode(format!("tenant country: {e}").into()))
    })?;
    Ok((TenantProfile { name, country }, status))
}

fn placement(
    classification: Classification,
    start: Date,
    end: Date,
    waiver: bool,
) -> ServiceResult<PlacementRequest> {
    let window = Window::new(start, end).map_err(|e| invalid("end_date", e.to_string()))?;
    Ok(PlacementRequest {
        classification,
        window,
        confidential_waiver: waiver,
        operator_administers_systems: false,
        operator_backs_up: false,
    })
}

fn failures(evaluation: &Evaluation) -> Vec<FailedRule> {
    evaluation
        .failures()
        .map(|f| FailedRule {
            rule: f.rule.as_str().to_owned(),
            reason: f.reason.clone(),
        })
        .collect()
}

/// "Marseille is not eligible for health data: G4 …; H1 …"
fn ineligible_message(
    site: &CatalogueSite,
    classification: Classification,
    evaluation: &Evaluation,
) -> String {
    let reasons: Vec<String> = evaluation
        .failures()
        .map(|f| format!("{} {}", f.rule.as_str(), f.reason))
        .collect();
    format!(
        "{} is not eligible for {} data: {}",
        site.profile.name,
        classification.as_str(),
        reasons.join("; ")
    )
}

fn evaluation_detail(evaluation: &Evaluation) -> serde_json::Value {
    json!({
        "site": evaluation.site_slug,
        "eligible": evaluation.eligible,
        "rules": evaluation.findings.iter().map(|f| json!({
            "rule": f.rule.as_str(), "passed": f.passed, "reason": f.reason,
        })).collect::<Vec<_>>(),
        "policy_version": evaluation.policy_version,
        "catalogue_revision": evaluation.catalogue_version,
        "waiver_applied": evaluation.waiver_applied,
    })
}

fn site_by_id(catalogue: &CatalogueSnapshot, id: i64) -> ServiceResult<&CatalogueSite> {
    catalogue
        .sites
        .iter()
        .find(|s| s.id == id)
        .ok_or_else(|| conflict("This request's site is no longer in the catalogue."))
}

/// Who else hears about a transition.
enum Audience {
    Requester,
    RequesterAndOwners,
}

/// Everything one transition writes besides the request row: timeline, audit, notifications.
struct Record<'a> {
    row: &'a RequestRow,
    action: Action,
    from: Option<RequestStatus>,
    to: RequestStatus,
    actor_user_id: i64,
    actor_email: &'a str,
    note: &'a str,
    client_ip: Option<&'a str>,
    detail: serde_json::Value,
    audience: Audience,
}

async fn record(conn: &mut AnyConnection, r: Record<'_>) -> ServiceResult<()> {
    let (actor_name, _) = repo::user_name(conn, r.actor_user_id).await?;
    repo::add_event(
        conn,
        r.row.id,
        r.row.tenant_id,
        r.actor_user_id,
        &actor_name,
        r.from,
        r.to,
        r.note,
    )
    .await?;
    let mut detail = json!({
        "request_id": r.row.id,
        "before": r.from.map(|s| s.as_str()),
        "after": r.to.as_str(),
        "note": r.note,
    });
    if let (Some(target), Some(extra)) = (detail.as_object_mut(), r.detail.as_object()) {
        for (k, v) in extra {
            target.insert(k.clone(), v.clone());
        }
    }
    let event = format!("request.{}", r.action.as_str());
    audit::append(
        conn,
        &AuditEvent::new(&event)
            .actor(r.actor_user_id, r.actor_email)
            .tenant(r.row.tenant_id)
            .ip(r.client_ip)
            .detail(detail),
    )
    .await?;

    if r.action == Action::SaveDraft {
        return Ok(());
    }
    let text = format!(
        "Request #{} “{}” ({} {} at {}): {} by {}.{}",
        r.row.id,
        r.row.project_title,
        r.row.gpus,
        r.row.gpu_model,
        r.row.site_name,
        r.to.label().to_lowercase(),
        actor_name,
        if r.note.trim().is_empty() {
            String::new()
        } else {
            format!(" Note: {}", r.note.trim())
        }
    );
    let mut recipients: Vec<(i64, String)> = Vec::new();
    let (_, requester_email) = repo::user_name(conn, r.row.requester_user_id).await?;
    recipients.push((r.row.requester_user_id, requester_email));
    if matches!(r.audience, Audience::RequesterAndOwners) {
        recipients.extend(repo::owners(conn, r.row.tenant_id).await?);
    }
    recipients.sort();
    recipients.dedup_by_key(|(id, _)| *id);
    for (user_id, email) in recipients {
        if user_id != r.actor_user_id {
            repo::notify(conn, user_id, &email, r.row.tenant_id, r.row.id, &text).await?;
        }
    }
    Ok(())
}

/// Creates or updates a draft, and submits it when `submit` is set, in one transaction. A form
/// sent twice (same idempotency key) answers with the request the first one made.
pub async fn save_request(
    state: &AppState,
    actor: &TenantActor,
    input: &DraftInput,
    submit: bool,
    client_ip: Option<&str>,
) -> ServiceResult<i64> {
    let key = input.idempotency_key.trim();
    if key.is_empty() || key.len() > 100 {
        return Err(invalid(
            "idempotency_key",
            "The form is missing its token; reload the page and try again.",
        ));
    }
    let today = today();
    let mut tx = state.db.tenant_write_tx(actor.tenant_id).await?;
    let catalogue = load_catalogue(&mut tx).await?;

    // A resent form: the request it made already exists.
    if input.id.is_none() {
        if let Some(existing) = repo::find_by_key(&mut tx, actor.tenant_id, key).await? {
            if existing.requester_user_id != actor.user_id {
                return Err(conflict(
                    "This form was already used by someone else; reload the page.",
                ));
            }
            if submit && existing.status()? == RequestStatus::Draft {
                submit_in(&mut tx, actor, existing.id, client_ip).await?;
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            return Ok(existing.id);
        }
    }

    let fields = check_fields(input, &catalogue, today, state.config.max_window_months)?;
    let now = now_unix();
    let (row, from) = match input.id {
        Some(id) => {
            let row = repo::find_in_tenant(&mut tx, actor.tenant_id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let current = row.status()?;
            if current == RequestStatus::Draft && row.requester_user_id != actor.user_id {
                return Err(AppError::NotFound.into());
            }
            next(current, Action::SaveDraft, &tenant_actor(actor, &row))?;
            sqlx::query(
                "UPDATE quota_requests SET project_title = $1, justification = $2, sector = $3, classification = $4, \
                 confidential_waiver = $5, site_id = $6, gpu_model = $7, gpus = $8, start_date = $9, end_date = $10, \
                 expected_gpu_hours = $11, updated_at = $12 WHERE tenant_id = $13 AND id = $14",
            )
            .bind(fields.title.as_str())
            .bind(fields.justification.as_str())
            .bind(fields.sector)
            .bind(fields.classification.as_str())
            .bind(i64::from(input.confidential_waiver))
            .bind(fields.site_id)
            .bind(&fields.gpu_model)
            .bind(i64::from(fields.gpus.get()))
            .bind(fields.window.start().to_string())
            .bind(fields.window.end().to_string())
            .bind(fields.hours.map(|h| i64::try_from(h.get()).unwrap_or(i64::MAX)))
            .bind(now)
            .bind(actor.tenant_id)
            .bind(id)
            .execute(&mut *tx)
            .await?;
            (row, Some(RequestStatus::Draft))
        }
        None => {
            if !actor.role.can_write() {
                return Err(AppError::Forbidden.into());
            }
            let inserted: Result<(i64,), sqlx::Error> = sqlx::query_as(
                "INSERT INTO quota_requests (tenant_id, requester_user_id, kind, status, project_title, justification, \
                 sector, classification, confidential_waiver, site_id, gpu_model, gpus, start_date, end_date, \
                 expected_gpu_hours, idempotency_key, created_at, updated_at) \
                 VALUES ($1, $2, 'new', 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $15) RETURNING id",
            )
            .bind(actor.tenant_id)
            .bind(actor.user_id)
            .bind(fields.title.as_str())
            .bind(fields.justification.as_str())
            .bind(fields.sector)
            .bind(fields.classification.as_str())
            .bind(i64::from(input.confidential_waiver))
            .bind(fields.site_id)
            .bind(&fields.gpu_model)
            .bind(i64::from(fields.gpus.get()))
            .bind(fields.window.start().to_string())
            .bind(fields.window.end().to_string())
            .bind(fields.hours.map(|h| i64::try_from(h.get()).unwrap_or(i64::MAX)))
            .bind(key)
            .bind(now)
            .fetch_one(&mut *tx)
            .await;
            let id = match inserted {
                Ok((id,)) => id,
                // PostgreSQL: a concurrent copy of the same form won the race; answer with its request.
                Err(e) if crate::server::db::is_unique_violation(&e) => {
                    drop(tx);
                    let mut conn = state.db.tenant_tx(actor.tenant_id).await?;
                    let existing = repo::find_by_key(&mut conn, actor.tenant_id, key)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    return Ok(existing.id);
                }
                Err(e) => return Err(e.into()),
            };
            let row = repo::find_in_tenant(&mut tx, actor.tenant_id, id)
                .await?
                .ok_or(AppError::NotFound)?;
            (row, None)
        }
    };
    record(
        &mut tx,
        Record {
            row: &row,
            action: Action::SaveDraft,
            from,
            to: RequestStatus::Draft,
            actor_user_id: actor.user_id,
            actor_email: &actor.email,
            note: "",
            client_ip,
            detail: json!({}),
            audience: Audience::Requester,
        },
    )
    .await?;
    if submit {
        submit_in(&mut tx, actor, row.id, client_ip).await?;
    }
    tx.commit().await?;
    Ok(row.id)
}

/// A change (more GPUs and/or a later end) or a renewal (a new window from the quota's end) of an
/// approved quota, as typed.
#[derive(Debug, Clone, Default)]
pub struct AmendInput {
    pub idempotency_key: String,
    /// The GPUs wanted (the quota's total after a change); empty keeps the quota's.
    pub gpus: String,
    /// The new end (exclusive); required for a renewal, empty keeps the quota's for a change.
    pub end_date: String,
    /// Why; empty reuses the quota's justification.
    pub justification: String,
}

/// Creates and submits a change or renewal request of the tenant's quota `original_id`, in one
/// transaction; it then goes through the same endorsement and review as a new request. The same
/// form token never creates two requests.
pub async fn amend_request(
    state: &AppState,
    actor: &TenantActor,
    original_id: i64,
    kind: RequestKind,
    input: &AmendInput,
    client_ip: Option<&str>,
) -> ServiceResult<i64> {
    if kind == RequestKind::New || !actor.role.can_write() {
        return Err(AppError::Forbidden.into());
    }
    let key = input.idempotency_key.trim();
    if key.is_empty() || key.len() > 100 {
        return Err(invalid(
            "idempotency_key",
            "The form is missing its token; reload the page and try again.",
        ));
    }
    let today = today();
    let mut tx = state.db.tenant_write_tx(actor.tenant_id).await?;
    if let Some(existing) = repo::find_by_key(&mut tx, actor.tenant_id, key).await? {
        tx.rollback().await?;
        return Ok(existing.id);
    }
    let original = repo::find_in_tenant(&mut tx, actor.tenant_id, original_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let not_quota = || conflict("Only an approved quota can be changed or renewed.");
    if !original.status()?.grants_quota() || original.kind()? == RequestKind::Change {
        return Err(not_quota());
    }
    let (Some(o_gpus), Some(o_start), Some(o_end)) = (
        original.approved_gpus,
        original.approved_start.as_deref(),
        original.approved_end.as_deref(),
    ) else {
        return Err(not_quota());
    };
    let (o_start, o_end) = (repo::parse_date(o_start)?, repo::parse_date(o_end)?);
    let gpus = if input.gpus.trim().is_empty() {
        o_gpus
    } else {
        i64::from(
            GpuCount::parse(&input.gpus)
                .map_err(|m| invalid("gpus", m))?
                .get(),
        )
    };
    let justification = if input.justification.trim().is_empty() {
        original.justification.clone()
    } else {
        Justification::parse(&input.justification)
            .map_err(|m| invalid("justification", m))?
            .as_str()
            .to_owned()
    };
    let (start, end) = match kind {
        RequestKind::Change => {
            if o_end <= today {
                return Err(conflict(
                    "This quota has ended: renew it or ask for a new one instead.",
                ));
            }
            let end = if input.end_date.trim().is_empty() {
                o_end
            } else {
                form_date("end_date", &input.end_date, "end")?
            };
            if gpus < o_gpus || end < o_end || (gpus == o_gpus && end == o_end) {
                return Err(invalid(
                    "gpus",
                    format!(
                        "A change asks for more than the quota's {o_gpus} GPUs, a later end than {o_end}, or both."
                    ),
                ));
            }
            TimeWindow::new(
                o_start.max(today),
                end,
                today,
                state.config.max_window_months,
            )
            .map_err(|m| invalid("end_date", m))?;
            (o_start, end)
        }
        _ => {
            let end = form_date("end_date", &input.end_date, "end")?;
            let window = TimeWindow::new(o_end, end, today, state.config.max_window_months)
                .map_err(|m| invalid("end_date", m))?;
            (window.start(), window.end())
        }
    };
    let now = now_unix();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO quota_requests (tenant_id, requester_user_id, kind, amends_request_id, status, project_title, \
         justification, sector, classification, confidential_waiver, site_id, gpu_model, gpus, start_date, end_date, \
         idempotency_key, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, 'draft', $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $16) RETURNING id",
    )
    .bind(actor.tenant_id)
    .bind(actor.user_id)
    .bind(kind.as_str())
    .bind(original.id)
    .bind(&original.project_title)
    .bind(&justification)
    .bind(&original.sector)
    .bind(&original.classification)
    .bind(original.confidential_waiver)
    .bind(original.site_id)
    .bind(&original.gpu_model)
    .bind(gpus)
    .bind(start.to_string())
    .bind(end.to_string())
    .bind(key)
    .bind(now)
    .fetch_one(&mut *tx)
    .await?;
    let row = repo::find_in_tenant(&mut tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        &mut tx,
        Record {
            row: &row,
            action: Action::SaveDraft,
            from: None,
            to: RequestStatus::Draft,
            actor_user_id: actor.user_id,
            actor_email: &actor.email,
            note: &format!("{} of quota #{}.", kind.label(), original.id),
            client_ip,
            detail: json!({ "kind": kind.as_str(), "amends_request_id": original.id }),
            audience: Audience::Requester,
        },
    )
    .await?;
    submit_in(&mut tx, actor, id, client_ip).await?;
    tx.commit().await?;
    Ok(id)
}

/// Submits a draft: only for a verified tenant, and only to a site the residency rules allow
/// today. An owner's submission endorses itself.
pub async fn submit_request(
    state: &AppState,
    actor: &TenantActor,
    id: i64,
    client_ip: Option<&str>,
) -> ServiceResult<i64> {
    let mut tx = state.db.tenant_write_tx(actor.tenant_id).await?;
    submit_in(&mut tx, actor, id, client_ip).await?;
    tx.commit().await?;
    Ok(id)
}

/// [`submit_request`] inside the caller's write transaction.
async fn submit_in(
    tx: &mut AnyConnection,
    actor: &TenantActor,
    id: i64,
    client_ip: Option<&str>,
) -> ServiceResult<()> {
    let row = repo::find_in_tenant(&mut *tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = row.status()?;
    if current == RequestStatus::Draft && row.requester_user_id != actor.user_id {
        return Err(AppError::NotFound.into());
    }
    let to = next(current, Action::Submit, &tenant_actor(actor, &row))?;
    let (tenant, status) = tenant_profile(&mut *tx, actor.tenant_id).await?;
    if status != "verified" {
        return Err(conflict(
            "Your organisation has not been verified by the platform yet, so it cannot submit requests; \
             you can keep this one as a draft until then.",
        ));
    }
    let catalogue = load_catalogue(&mut *tx).await?;
    let site = site_by_id(&catalogue, row.site_id)?;
    let classification = Classification::parse(&row.classification)
        .map_err(|e| ServiceError::Db(sqlx::Error::Decode(e.to_string().into())))?;
    let request = placement(
        classification,
        row.start()?,
        row.end()?,
        row.confidential_waiver == 1,
    )?;
    let evaluation = residency::evaluate(
        &request,
        &tenant,
        &site.profile,
        &catalogue.policy,
        catalogue.revision,
    );
    if !evaluation.eligible {
        return Err(invalid(
            "site",
            ineligible_message(site, classification, &evaluation),
        ));
    }
    sqlx::query(
        "UPDATE quota_requests SET status = $1, policy_version = $2, catalogue_revision = $3, updated_at = $4 \
         WHERE tenant_id = $5 AND id = $6",
    )
    .bind(to.as_str())
    .bind(catalogue.policy.version)
    .bind(catalogue.revision)
    .bind(now_unix())
    .bind(actor.tenant_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    let note = if to == RequestStatus::Endorsed {
        "Submitted by an owner: endorsed on submission."
    } else {
        ""
    };
    record(
        &mut *tx,
        Record {
            row: &row,
            action: Action::Submit,
            from: Some(current),
            to,
            actor_user_id: actor.user_id,
            actor_email: &actor.email,
            note,
            client_ip,
            detail: json!({ "residency": evaluation_detail(&evaluation) }),
            audience: Audience::RequesterAndOwners,
        },
    )
    .await?;
    Ok(())
}

/// An owner endorses a member's submitted request, or anyone allowed withdraws an open one.
pub async fn tenant_transition(
    state: &AppState,
    actor: &TenantActor,
    id: i64,
    action: Action,
    note: &str,
    client_ip: Option<&str>,
) -> ServiceResult<RequestStatus> {
    if !matches!(action, Action::Endorse | Action::Withdraw) {
        return Err(AppError::Forbidden.into());
    }
    let mut tx = state.db.tenant_write_tx(actor.tenant_id).await?;
    let row = repo::find_in_tenant(&mut tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = row.status()?;
    if current == RequestStatus::Draft && row.requester_user_id != actor.user_id {
        return Err(AppError::NotFound.into());
    }
    let to = next(current, action, &tenant_actor(actor, &row))?;
    sqlx::query(
        "UPDATE quota_requests SET status = $1, updated_at = $2 WHERE tenant_id = $3 AND id = $4",
    )
    .bind(to.as_str())
    .bind(now_unix())
    .bind(actor.tenant_id)
    .bind(id)
    .execute(&mut *tx)
    .await?;
    record(
        &mut tx,
        Record {
            row: &row,
            action,
            from: Some(current),
            to,
            actor_user_id: actor.user_id,
            actor_email: &actor.email,
            note: note.trim(),
            client_ip,
            detail: json!({}),
            audience: if action == Action::Withdraw {
                Audience::RequesterAndOwners
            } else {
                Audience::Requester
            },
        },
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

/// A platform admin approves (in full or in part) or rejects an endorsed request. Approval
/// re-evaluates residency and checks capacity in the same write transaction, after taking the
/// pool's lock (PostgreSQL) or the database's write lock (SQLite), so racing approvals never
/// over-commit.
pub async fn decide(
    state: &AppState,
    admin: &AdminActor,
    id: i64,
    input: &DecisionInput,
    client_ip: Option<&str>,
) -> ServiceResult<RequestStatus> {
    if !input.action.is_decision() {
        return Err(invalid(
            "decision",
            "Choose approve, partially approve or reject.",
        ));
    }
    let note = input.note.trim();
    if input.action != Action::Approve && note.is_empty() {
        return Err(invalid(
            "note",
            "Please give the reason for this decision; the requester will see it.",
        ));
    }
    let postgres = state.db.backend() == Backend::Postgres;
    // Platform scope: an admin decides on any tenant's request, and the capacity check sums
    // every tenant's approved quotas.
    let mut tx = state.db.platform_write_tx().await?;
    let first = repo::find_any(&mut tx, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    let granting = input.action != Action::Reject;
    let pool_row = if granting {
        repo::pool(&mut tx, first.site_id, &first.gpu_model, postgres).await?
    } else {
        None
    };
    // Read again under the lock: a concurrent decision may have landed meanwhile.
    let row = repo::find_any(&mut tx, id, postgres)
        .await?
        .ok_or(AppError::NotFound)?;
    let current = row.status()?;
    let actor = lifecycle::Actor::new(None, true, row.requester_user_id == admin.user_id);
    let to = next(current, input.action, &actor)?;

    let asked_start = row.start()?;
    let asked_end = row.end()?;
    let (gpus, start, end) = if input.action == Action::PartiallyApprove {
        let gpus = if input.approved_gpus.trim().is_empty() {
            u32::try_from(row.gpus).unwrap_or(0)
        } else {
            GpuCount::parse(&input.approved_gpus)
                .map_err(|m| invalid("approved_gpus", m))?
                .get()
        };
        let start = if input.approved_start.trim().is_empty() {
            asked_start
        } else {
            form_date("approved_start", &input.approved_start, "start")?
        };
        let end = if input.approved_end.trim().is_empty() {
            asked_end
        } else {
            form_date("approved_end", &input.approved_end, "end")?
        };
        if i64::from(gpus) > row.gpus {
            return Err(invalid(
                "approved_gpus",
                format!(
                    "A partial approval grants at most the {} GPUs asked for.",
                    row.gpus
                ),
            ));
        }
        if start < asked_start || end > asked_end || end <= start {
            return Err(invalid(
                "approved_end",
                format!(
                    "A partial approval's window must lie within the one asked for ({}).",
                    crate::features::requests::types::window_label(&row.start_date, &row.end_date)
                ),
            ));
        }
        if i64::from(gpus) == row.gpus && start == asked_start && end == asked_end {
            return Err(invalid(
                "approved_gpus",
                "This grants everything that was asked: approve the request instead, or grant fewer GPUs or a shorter window.",
            ));
        }
        (gpus, start, end)
    } else {
        (u32::try_from(row.gpus).unwrap_or(0), asked_start, asked_end)
    };

    // A change request amends its quota: the quota must still hold, and what is granted may not
    // shrink it (a smaller quota is not what anyone asked for).
    let amended = if granting && row.kind()? == RequestKind::Change {
        let original_id = row
            .amends_request_id
            .ok_or_else(|| conflict("This change request names no quota."))?;
        let original = repo::find_any(&mut tx, original_id, postgres)
            .await?
            .filter(|o| o.tenant_id == row.tenant_id)
            .ok_or(AppError::NotFound)?;
        let (Some(o_gpus), Some(o_start), Some(o_end)) = (
            original.approved_gpus,
            original.approved_start.as_deref(),
            original.approved_end.as_deref(),
        ) else {
            return Err(conflict(format!(
                "Request #{original_id} is no longer a quota, so it cannot be changed."
            )));
        };
        if !original.status()?.grants_quota() {
            return Err(conflict(format!(
                "Request #{original_id} is no longer a quota, so it cannot be changed."
            )));
        }
        let (o_start, o_end) = (repo::parse_date(o_start)?, repo::parse_date(o_end)?);
        if start != o_start || i64::from(gpus) < o_gpus || end < o_end {
            return Err(invalid(
                "approved_gpus",
                format!(
                    "A change keeps the quota's start ({o_start}) and grants at least its {o_gpus} GPUs and its end ({o_end}, exclusive)."
                ),
            ));
        }
        Some(original)
    } else {
        None
    };
    let except = amended.as_ref().map_or(0, |o| o.id);

    let mut detail = json!({});
    let mut catalogue_versions = (None, None);
    if granting {
        let catalogue = load_catalogue(&mut tx).await?;
        let site = site_by_id(&catalogue, row.site_id)?;
        let (tenant, _) = tenant_profile(&mut tx, row.tenant_id).await?;
        let classification = Classification::parse(&row.classification)
            .map_err(|e| ServiceError::Db(sqlx::Error::Decode(e.to_string().into())))?;
        let request = placement(classification, start, end, row.confidential_waiver == 1)?;
        let evaluation = residency::evaluate(
            &request,
            &tenant,
            &site.profile,
            &catalogue.policy,
            catalogue.revision,
        );
        if !evaluation.eligible {
            return Err(conflict(ineligible_message(
                site,
                classification,
                &evaluation,
            )));
        }
        let (installed, reserve) = pool_row.ok_or_else(|| {
            conflict(format!(
                "{} no longer has {} GPUs.",
                site.profile.name, row.gpu_model
            ))
        })?;
        let pool = Pool::new(
            u32::try_from(installed).unwrap_or(0),
            u32::try_from(reserve).unwrap_or(0),
        );
        let commitments =
            repo::commitments(&mut tx, row.site_id, &row.gpu_model, start, end, except).await?;
        let candidate = capacity::Commitment::new(start, end, gpus);
        let headroom = capacity::check_fits(pool, &commitments, &candidate)
            .map_err(|shortfall| conflict(shortfall.message(&row.gpu_model)))?;
        detail = json!({
            "residency": evaluation_detail(&evaluation),
            "capacity": {
                "site": site.profile.slug, "gpu_model": row.gpu_model,
                "available": headroom.available, "peak_before": headroom.peak_before,
                "peak_after": headroom.peak_after, "headroom_after": headroom.headroom_after,
            },
            "granted": { "gpus": gpus, "start": start.to_string(), "end": end.to_string() },
        });
        catalogue_versions = (Some(catalogue.policy.version), Some(catalogue.revision));
    }

    // An approved change holds no GPUs itself: the quota it amends does.
    let (approved_gpus, approved_start, approved_end) = if granting && amended.is_none() {
        (
            Some(i64::from(gpus)),
            Some(start.to_string()),
            Some(end.to_string()),
        )
    } else {
        (None, None, None)
    };
    sqlx::query(
        "UPDATE quota_requests SET status = $1, approved_gpus = $2, approved_start = $3, approved_end = $4, \
         decision_note = $5, policy_version = COALESCE($6, policy_version), \
         catalogue_revision = COALESCE($7, catalogue_revision), updated_at = $8 WHERE id = $9",
    )
    .bind(to.as_str())
    .bind(approved_gpus)
    .bind(approved_start)
    .bind(approved_end)
    .bind(if note.is_empty() { None } else { Some(note) })
    .bind(catalogue_versions.0)
    .bind(catalogue_versions.1)
    .bind(now_unix())
    .bind(id)
    .execute(&mut *tx)
    .await?;
    if let Some(original) = &amended {
        sqlx::query(
            "UPDATE quota_requests SET approved_gpus = $1, approved_end = $2, updated_at = $3 \
             WHERE tenant_id = $4 AND id = $5",
        )
        .bind(i64::from(gpus))
        .bind(end.to_string())
        .bind(now_unix())
        .bind(original.tenant_id)
        .bind(original.id)
        .execute(&mut *tx)
        .await?;
        let (actor_name, _) = repo::user_name(&mut tx, admin.user_id).await?;
        let status = original.status()?;
        repo::add_event(
            &mut tx,
            original.id,
            original.tenant_id,
            admin.user_id,
            &actor_name,
            Some(status),
            status,
            &format!(
                "Amended by change request #{}: {gpus} GPUs, {}.",
                row.id,
                crate::features::requests::types::window_label(
                    &start.to_string(),
                    &end.to_string()
                )
            ),
        )
        .await?;
        if let Some(d) = detail.as_object_mut() {
            d.insert(
                "amends".into(),
                json!({
                    "request_id": original.id,
                    "before": { "gpus": original.approved_gpus, "end": original.approved_end },
                    "after": { "gpus": gpus, "end": end.to_string() },
                }),
            );
        }
    }
    record(
        &mut tx,
        Record {
            row: &row,
            action: input.action,
            from: Some(current),
            to,
            actor_user_id: admin.user_id,
            actor_email: &admin.email,
            note,
            client_ip,
            detail,
            audience: Audience::RequesterAndOwners,
        },
    )
    .await?;
    tx.commit().await?;
    Ok(to)
}

// ---------------------------------------------------------------------------------------------
// Reads
// ---------------------------------------------------------------------------------------------

/// One page of the tenant's requests and quotas matching `filter` (drafts only their requester's).
pub async fn list_for_tenant(
    state: &AppState,
    actor: &TenantActor,
    filter: &RequestFilter,
    page: u32,
) -> ServiceResult<Paged<RequestSummary>> {
    let mut tx = state.db.tenant_tx(actor.tenant_id).await?;
    let scope = ListScope::Tenant {
        tenant_id: actor.tenant_id,
        viewer_user_id: actor.user_id,
    };
    let rows = list_page(&mut tx, scope, filter, page).await?;
    tx.commit().await?;
    let today = today();
    Ok(rows.try_map(|r| r.summary(today))?)
}

/// Rows of one page, and whether a next page exists (one row more than a page is asked for).
async fn list_page(
    conn: &mut AnyConnection,
    scope: ListScope,
    filter: &RequestFilter,
    page: u32,
) -> ServiceResult<Paged<RequestRow>> {
    let offset = i64::from(page) * PAGE_ROWS;
    let mut rows = repo::list_requests(conn, scope, filter, PAGE_ROWS + 1, offset).await?;
    let has_more = rows.len() > usize::try_from(PAGE_ROWS).unwrap_or(usize::MAX);
    rows.truncate(usize::try_from(PAGE_ROWS).unwrap_or(usize::MAX));
    Ok(Paged {
        rows,
        page,
        has_more,
    })
}

/// One request of the tenant with its timeline and the viewer's possible actions.
pub async fn detail_for_tenant(
    state: &AppState,
    actor: &TenantActor,
    id: i64,
) -> ServiceResult<RequestDetail> {
    let mut tx = state.db.tenant_tx(actor.tenant_id).await?;
    let row = repo::find_in_tenant(&mut tx, actor.tenant_id, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.status()? == RequestStatus::Draft && row.requester_user_id != actor.user_id {
        return Err(AppError::NotFound.into());
    }
    let actions = lifecycle::allowed_actions(row.status()?, &tenant_actor(actor, &row));
    let quota_end = match (&row.approved_end, row.kind()?) {
        (Some(end), RequestKind::New | RequestKind::Renewal) if row.status()?.grants_quota() => {
            Some(repo::parse_date(end)?)
        }
        _ => None,
    };
    let mut d = detail(&mut tx, row, actions).await?;
    tx.commit().await?;
    if actor.role.can_write() {
        if let Some(end) = quota_end {
            d.amend_key = Some(new_idempotency_key());
            d.can_change = end > today();
        }
    }
    Ok(d)
}

/// Any request, for platform admins.
pub async fn detail_for_admin(
    state: &AppState,
    admin: &AdminActor,
    id: i64,
) -> ServiceResult<RequestDetail> {
    // Platform scope: an admin reads any tenant's request.
    let mut tx = state.db.platform_tx().await?;
    let row = repo::find_any(&mut tx, id, false)
        .await?
        .ok_or(AppError::NotFound)?;
    if row.status()? == RequestStatus::Draft {
        return Err(AppError::NotFound.into());
    }
    let actor = lifecycle::Actor::new(None, true, row.requester_user_id == admin.user_id);
    let actions = lifecycle::allowed_actions(row.status()?, &actor);
    let catalogue = load_catalogue(&mut tx).await?;
    let review = review(&mut tx, &catalogue, &row).await?;
    let mut d = detail(&mut tx, row, actions).await?;
    tx.commit().await?;
    d.review = Some(review);
    Ok(d)
}

async fn detail(
    conn: &mut AnyConnection,
    row: RequestRow,
    actions: Vec<Action>,
) -> ServiceResult<RequestDetail> {
    let timeline = repo::timeline(conn, row.tenant_id, row.id).await?;
    let (requester_name, _) = repo::user_name(conn, row.requester_user_id).await?;
    Ok(RequestDetail {
        summary: row.summary(today())?,
        justification: row.justification.clone(),
        requester_name,
        expected_gpu_hours: row.expected_gpu_hours,
        confidential_waiver: row.confidential_waiver == 1,
        decision_note: row.decision_note.clone(),
        policy_version: row.policy_version,
        catalogue_revision: row.catalogue_revision,
        timeline,
        actions,
        amend_key: None,
        can_change: false,
        review: None,
    })
}

/// A fresh random token for a form's idempotency key.
pub fn new_idempotency_key() -> String {
    use rand::Rng as _;
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// For the form: each site's eligibility for this classification and window, and its free GPUs of
/// the chosen model over the window.
pub async fn form_options(
    state: &AppState,
    actor: &TenantActor,
    classification: &str,
    gpu_model: &str,
    start: &str,
    end: &str,
    waiver: bool,
) -> ServiceResult<FormOptions> {
    let today = today();
    let mut tx = state.db.tenant_tx(actor.tenant_id).await?;
    let catalogue = load_catalogue(&mut tx).await?;
    let (tenant, status) = tenant_profile(&mut tx, actor.tenant_id).await?;
    tx.commit().await?;
    // Platform scope: a site's free GPUs count every tenant's approved quotas; only the totals
    // leave this function.
    let mut all = state.db.platform_tx().await?;
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    let start = Date::parse(start.trim(), &fmt).unwrap_or(today);
    let end = Date::parse(end.trim(), &fmt)
        .ok()
        .filter(|e| *e > start)
        .unwrap_or(start + time::Duration::days(30));
    let classification = Classification::parse(classification).unwrap_or(Classification::Public);
    let request = placement(classification, start, end, waiver)?;
    let mut sites = Vec::new();
    for site in &catalogue.sites {
        let evaluation = residency::evaluate(
            &request,
            &tenant,
            &site.profile,
            &catalogue.policy,
            catalogue.revision,
        );
        let (available, free) = match site.pool(gpu_model.trim()) {
            Some(pool) => {
                let commitments =
                    repo::commitments(&mut all, site.id, &pool.model, start, end, 0).await?;
                let pool = Pool::new(pool.installed, pool.reserve);
                (
                    Some(pool.available()),
                    Some(capacity::free_over_window(pool, &commitments, start, end)),
                )
            }
            None => (None, None),
        };
        sites.push(SiteOption {
            slug: site.profile.slug.clone(),
            name: site.profile.name.clone(),
            eligible: evaluation.eligible,
            failures: failures(&evaluation),
            available,
            free,
        });
    }
    all.commit().await?;
    Ok(FormOptions {
        gpu_models: catalogue.gpu_models(),
        sites,
        policy_version: catalogue.policy.version,
        catalogue_revision: catalogue.revision,
        idempotency_key: new_idempotency_key(),
        max_window_months: state.config.max_window_months,
        today: today.to_string(),
        tenant_verified: status == "verified",
    })
}

/// The admin queue: one page of requests matching the filter, each with its review.
pub async fn queue(
    state: &AppState,
    _admin: &AdminActor,
    filter: &RequestFilter,
    page: u32,
) -> ServiceResult<Paged<QueueRow>> {
    // Platform scope: the queue holds every tenant's requests.
    let mut tx = state.db.platform_tx().await?;
    let catalogue = load_catalogue(&mut tx).await?;
    let rows = list_page(&mut tx, ListScope::Platform, filter, page).await?;
    let today = today();
    let mut out = Vec::with_capacity(rows.rows.len());
    for row in &rows.rows {
        out.push(QueueRow {
            summary: row.summary(today)?,
            review: review(&mut tx, &catalogue, row).await?,
        });
    }
    tx.commit().await?;
    Ok(Paged {
        rows: out,
        page: rows.page,
        has_more: rows.has_more,
    })
}

/// A request as a platform admin weighs it: residency re-evaluated with the catalogue and lists
/// in force now, and the pool's peak before and after granting what was asked (a change request
/// counts instead of the quota it amends; a granted request is already counted).
async fn review(
    conn: &mut AnyConnection,
    catalogue: &CatalogueSnapshot,
    row: &RequestRow,
) -> ServiceResult<Review> {
    let (start, end) = (row.start()?, row.end()?);
    let tenant = TenantProfile {
        name: row.tenant_name.clone(),
        country: CountryCode::parse(&row.tenant_country).map_err(|e| {
            ServiceError::Db(sqlx::Error::Decode(format!("tenant country: {e}").into()))
        })?,
    };
    let site = catalogue.sites.iter().find(|s| s.id == row.site_id);
    let (eligible_now, failed) = match site {
        Some(site) => {
            let classification =
                Classification::parse(&row.classification).unwrap_or(Classification::Sensitive);
            let request = placement(classification, start, end, row.confidential_waiver == 1)?;
            let evaluation = residency::evaluate(
                &request,
                &tenant,
                &site.profile,
                &catalogue.policy,
                catalogue.revision,
            );
            (evaluation.eligible, failures(&evaluation))
        }
        None => (false, Vec::new()),
    };
    let pool = site
        .and_then(|s| s.pool(&row.gpu_model))
        .map(|p| Pool::new(p.installed, p.reserve))
        .unwrap_or_default();
    let except = match row.kind()? {
        RequestKind::Change => row.amends_request_id.unwrap_or(0),
        _ => 0,
    };
    let commitments =
        repo::commitments(conn, row.site_id, &row.gpu_model, start, end, except).await?;
    let peak_before = capacity::peak_committed(&commitments, start, end);
    let peak_after = if row.status()?.grants_quota() {
        peak_before
    } else {
        peak_before.saturating_add(u32::try_from(row.gpus).unwrap_or(0))
    };
    Ok(Review {
        eligible_now,
        failures: failed,
        available: pool.available(),
        peak_before,
        peak_after,
        headroom_after: i64::from(pool.available()) - i64::from(peak_after),
    })
}

/// A signed-in person seeing what is theirs: a platform admin, or someone acting in a tenant.
pub enum Viewer {
    Admin(AdminActor),
    Tenant(TenantActor),
}

impl Viewer {
    fn user_id(&self) -> i64 {
        match self {
            Self::Admin(a) => a.user_id,
            Self::Tenant(t) => t.user_id,
        }
    }

    /// A transaction in the viewer's scope: an admin's notifications span tenants (platform
    /// scope); someone acting in a tenant reaches that tenant's rows only.
    async fn tx(
        &self,
        state: &AppState,
        write: bool,
    ) -> Result<sqlx::Transaction<'static, sqlx::Any>, sqlx::Error> {
        let scope = match self {
            Self::Admin(_) => Scope::Platform,
            Self::Tenant(t) => Scope::Tenant(t.tenant_id),
        };
        state.db.begin_scoped(scope, write).await
    }

    /// The tenant whose notifications are shown; `None` for an admin (all of theirs).
    fn tenant_id(&self) -> Option<i64> {
        match self {
            Self::Admin(_) => None,
            Self::Tenant(t) => Some(t.tenant_id),
        }
    }
}

/// id, request id, text, created at, read at.
type NotificationRow = (i64, Option<i64>, String, i64, Option<i64>);

/// Only the viewer's own notifications: a platform admin sees all of theirs; someone acting in a
/// tenant those of that tenant (and any without a tenant, though on PostgreSQL those are platform
/// rows that row-level security hides from a tenant scope; `repo::notify` always names a tenant).
const NOTIFICATION_SCOPE: &str =
    "user_id = $1 AND (CAST($2 AS BIGINT) IS NULL OR tenant_id IS NULL OR tenant_id = $2)";

/// The person's latest notifications.
pub async fn notifications(
    state: &AppState,
    viewer: &Viewer,
) -> ServiceResult<Vec<NotificationItem>> {
    let mut tx = viewer.tx(state, false).await?;
    let rows: Vec<NotificationRow> = sqlx::query_as(&format!(
        "SELECT id, request_id, text, created_at, read_at FROM notifications \
         WHERE {NOTIFICATION_SCOPE} ORDER BY id DESC LIMIT 50"
    ))
    .bind(viewer.user_id())
    .bind(viewer.tenant_id())
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(rows
        .into_iter()
        .map(
            |(id, request_id, text, created_at, read_at)| NotificationItem {
                id,
                request_id,
                text,
                created_at,
                read: read_at.is_some(),
            },
        )
        .collect())
}

/// How many of the person's notifications are unread: one query on the `notifications_user` index.
pub async fn unread_notifications(state: &AppState, viewer: &Viewer) -> ServiceResult<i64> {
    let mut tx = viewer.tx(state, false).await?;
    let (n,): (i64,) = sqlx::query_as(&format!(
        "SELECT COUNT(*) FROM notifications WHERE {NOTIFICATION_SCOPE} AND read_at IS NULL"
    ))
    .bind(viewer.user_id())
    .bind(viewer.tenant_id())
    .fetch_one(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Marks all of the person's notifications (in the same scope as the list) as read.
pub async fn mark_notifications_read(state: &AppState, viewer: &Viewer) -> ServiceResult<u64> {
    let mut tx = viewer.tx(state, true).await?;
    let done = sqlx::query(&format!(
        "UPDATE notifications SET read_at = $3 WHERE {NOTIFICATION_SCOPE} AND read_at IS NULL"
    ))
    .bind(viewer.user_id())
    .bind(viewer.tenant_id())
    .bind(now_unix())
    .execute(&mut *tx)
    .await?;
    tx.commit().await?;
    Ok(done.rows_affected())
}
