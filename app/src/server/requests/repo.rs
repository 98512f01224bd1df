//! Quota-request queries. Tenant-side functions take the tenant id first and filter on it.

use sqlx::{AnyConnection, FromRow};
use time::Date;

use crate::domain::capacity::Commitment;
use crate::domain::lifecycle::{QuotaPhase, RequestKind, RequestStatus};
use crate::features::requests::types::{RequestSummary, TimelineEntry};
use crate::server::{db::now_unix, search};

/// A stored request with its site. Read as a row, or (a list's page) as an object of a JSON
/// array whose keys are the column names of [`SELECT`].
#[derive(Debug, Clone, FromRow, serde::Deserialize)]
pub struct RequestRow {
    pub id: i64,
    pub tenant_id: i64,
    pub tenant_name: String,
    pub tenant_country: String,
    pub requester_user_id: i64,
    pub kind: String,
    pub amends_request_id: Option<i64>,
    pub status: String,
    pub project_title: String,
    pub justification: String,
    pub sector: String,
    pub classification: String,
    pub confidential_waiver: i64,
    pub site_id: i64,
    pub site_slug: String,
    pub site_name: String,
    pub gpu_model: String,
    pub gpus: i64,
    pub start_date: String,
    pub end_date: String,
    pub expected_gpu_hours: Option<i64>,
    pub approved_gpus: Option<i64>,
    pub approved_start: Option<String>,
    pub approved_end: Option<String>,
    pub decision_note: Option<String>,
    pub idempotency_key: String,
    pub policy_version: Option<i64>,
    pub catalogue_revision: Option<i64>,
    pub compliance_flag: Option<String>,
}

pub const SELECT: &str = "SELECT r.id, r.tenant_id, t.name AS tenant_name, t.country AS tenant_country, r.requester_user_id, r.kind, r.amends_request_id, r.status, \
     r.project_title, r.justification, r.sector, r.classification, r.confidential_waiver, r.site_id, \
     s.slug AS site_slug, s.name AS site_name, r.gpu_model, r.gpus, r.start_date, r.end_date, \
     r.expected_gpu_hours, r.approved_gpus, r.approved_start, r.approved_end, r.decision_note, \
     r.idempotency_key, r.policy_version, r.catalogue_revision, r.compliance_flag \
     FROM quota_requests r JOIN tenants t ON t.id = r.tenant_id JOIN sites s ON s.id = r.site_id";

fn corrupt(what: &str, detail: impl std::fmt::Display) -> sqlx::Error {
    sqlx::Error::Decode(format!("quota request: {what}: {detail}").into())
}

/// An ISO date as stored.
pub fn parse_date(s: &str) -> Result<Date, sqlx::Error> {
    crate::server::catalogue::repo::parse_date(s)
}

impl RequestRow {
    pub fn status(&self) -> Result<RequestStatus, sqlx::Error> {
        RequestStatus::parse(&self.status).map_err(|e| corrupt("status", e))
    }

    pub fn kind(&self) -> Result<RequestKind, sqlx::Error> {
        RequestKind::parse(&self.kind).map_err(|e| corrupt("kind", e))
    }

    pub fn start(&self) -> Result<Date, sqlx::Error> {
        parse_date(&self.start_date)
    }

    pub fn end(&self) -> Result<Date, sqlx::Error> {
        parse_date(&self.end_date)
    }

    /// The wire summary, with the quota's phase on `today`.
    pub fn summary(&self, today: Date) -> Result<RequestSummary, sqlx::Error> {
        let status = self.status()?;
        let phase = match (&self.approved_start, &self.approved_end) {
            (Some(start), Some(end)) if status.grants_quota() => Some(
                crate::domain::lifecycle::phase(parse_date(start)?, parse_date(end)?, today),
            ),
            _ => None::<QuotaPhase>,
        };
        Ok(RequestSummary {
            id: self.id,
            tenant_name: self.tenant_name.clone(),
            kind: self.kind()?,
            amends_request_id: self.amends_request_id,
            status,
            project_title: self.project_title.clone(),
            sector: self.sector.clone(),
            classification: self.classification.clone(),
            site_slug: self.site_slug.clone(),
            site_name: self.site_name.clone(),
            gpu_model: self.gpu_model.clone(),
            gpus: self.gpus,
            start_date: self.start_date.clone(),
            end_date: self.end_date.clone(),
            approved_gpus: self.approved_gpus,
            approved_start: self.approved_start.clone(),
            approved_end: self.approved_end.clone(),
            phase,
            compliance_flag: self.compliance_flag.clone(),
        })
    }
}

/// A request of this tenant (`None` for another tenant's).
pub async fn find_in_tenant(
    conn: &mut AnyConnection,
    tenant_id: i64,
    id: i64,
) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as(&format!("{SELECT} WHERE r.tenant_id = $1 AND r.id = $2"))
        .bind(tenant_id)
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// A request of this tenant by its form's idempotency key.
pub async fn find_by_key(
    conn: &mut AnyConnection,
    tenant_id: i64,
    key: &str,
) -> Result<Option<RequestRow>, sqlx::Error> {
    sqlx::query_as(&format!(
        "{SELECT} WHERE r.tenant_id = $1 AND r.idempotency_key = $2"
    ))
    .bind(tenant_id)
    .bind(key)
    .fetch_optional(conn)
    .await
}

/// Any request (platform admins), locked for update on PostgreSQL when `lock` is set.
pub async fn find_any(
    conn: &mut AnyConnection,
    id: i64,
    lock: bool,
) -> Result<Option<RequestRow>, sqlx::Error> {
    let suffix = if lock { " FOR UPDATE OF r" } else { "" };
    sqlx::query_as(&format!("{SELECT} WHERE r.id = $1{suffix}"))
        .bind(id)
        .fetch_optional(conn)
        .await
}

/// Whose requests a list shows.
#[derive(Debug, Clone, Copy)]
pub enum ListScope {
    /// One tenant's, drafts only for their requester.
    Tenant { tenant_id: i64, viewer_user_id: i64 },
    /// Every tenant's, never drafts (platform admins).
    Platform,
}

/// Filters and order of a request list; empty strings mean "any". Built from a page's URL.
#[derive(Debug, Clone, Default)]
pub struct RequestFilter {
    /// A status, or `granted` (approved in full or in part) or `open` (draft, submitted, endorsed).
    pub status: Option<String>,
    pub site_slug: Option<String>,
    pub gpu_model: Option<String>,
    pub sector: Option<String>,
    /// A tenant's slug, or words of its name.
    pub tenant: Option<String>,
    /// Words of the project title, the site's name or the GPU model.
    pub search: Option<String>,
    pub sort: SortColumn,
    pub descending: bool,
}

/// The columns a request list can be sorted by; each maps to one SQL expression, so nothing
/// typed by a person reaches the ORDER BY clause.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum SortColumn {
    #[default]
    Id,
    Title,
    Status,
    Tenant,
    Site,
    Gpus,
    Start,
}

impl SortColumn {
    /// The column named in a URL (`sort=site`); unknown names sort by id.
    pub fn parse(name: &str) -> Self {
        match name {
            "title" => Self::Title,
            "status" => Self::Status,
            "tenant" => Self::Tenant,
            "site" => Self::Site,
            "gpus" => Self::Gpus,
            "start" => Self::Start,
            _ => Self::Id,
        }
    }

    /// The sort key over the joined tables.
    fn sql(self) -> &'static str {
        match self {
            Self::Id => "r.id",
            Self::Title => "LOWER(r.project_title)",
            Self::Status => "r.status",
            Self::Tenant => "t.name",
            Self::Site => "s.name",
            Self::Gpus => "r.gpus",
            Self::Start => "r.start_date",
        }
    }

    /// The same key over [`SELECT`]'s output columns (subquery `q`).
    fn output(self) -> &'static str {
        match self {
            Self::Id => "q.id",
            Self::Title => "LOWER(q.project_title)",
            Self::Status => "q.status",
            Self::Tenant => "q.tenant_name",
            Self::Site => "q.site_name",
            Self::Gpus => "q.gpus",
            Self::Start => "q.start_date",
        }
    }
}

/// The key-value arguments of a list's JSON object (`'id', q.id, …`), written once per process.
fn json_fields() -> &'static str {
    static FIELDS: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    FIELDS.get_or_init(|| {
        COLUMNS
            .iter()
            .map(|c| format!("'{c}', q.{c}"))
            .collect::<Vec<_>>()
            .join(", ")
    })
}

/// The output columns of [`SELECT`], in order: the keys of a list's JSON objects.
const COLUMNS: [&str; 29] = [
    "id",
    "tenant_id",
    "tenant_name",
    "tenant_country",
    "requester_user_id",
    "kind",
    "amends_request_id",
    "status",
    "project_title",
    "justification",
    "sector",
    "classification",
    "confidential_waiver",
    "site_id",
    "site_slug",
    "site_name",
    "gpu_model",
    "gpus",
    "start_date",
    "end_date",
    "expected_gpu_hours",
    "approved_gpus",
    "approved_start",
    "approved_end",
    "decision_note",
    "idempotency_key",
    "policy_version",
    "catalogue_revision",
    "compliance_flag",
];

/// One page of requests matching `filter`, in its order (ties newest first): at most `limit`
/// rows from `offset`. One query, answered as one row: the page as a JSON array built by the
/// database (the SQLite driver hands each row from its worker thread to the caller's task, and
/// a page of rows cost more in hand-offs than in the query itself). The tenant's rows come from
/// the `quota_requests_tenant` index.
pub async fn list_requests(
    conn: &mut AnyConnection,
    scope: ListScope,
    filter: &RequestFilter,
    limit: i64,
    offset: i64,
) -> Result<Vec<RequestRow>, sqlx::Error> {
    let mut sql = format!("{SELECT} WHERE");
    let mut binds: Vec<Bind> = Vec::new();
    match scope {
        ListScope::Tenant {
            tenant_id,
            viewer_user_id,
        } => {
            binds.push(Bind::Int(tenant_id));
            binds.push(Bind::Int(viewer_user_id));
            sql.push_str(" r.tenant_id = $1 AND (r.status <> 'draft' OR r.requester_user_id = $2)");
        }
        ListScope::Platform => sql.push_str(" r.status <> 'draft'"),
    }
    let postgres = search::is_postgres(conn);
    let fold = |column: &str| search::folded(column, postgres);
    let wanted = |v: &Option<String>| {
        v.as_deref()
            .map(str::trim)
            .filter(|v| !v.is_empty())
            .map(str::to_owned)
    };
    let mut equals = |column: &str, value: &Option<String>, sql: &mut String| {
        if let Some(v) = wanted(value) {
            binds.push(Bind::Text(v));
            sql.push_str(&format!(" AND {column} = ${}", binds.len()));
        }
    };
    // Two groups besides the statuses themselves: quotas, and requests still in progress.
    match wanted(&filter.status).as_deref() {
        Some("granted") => sql.push_str(" AND r.status IN ('approved', 'partially_approved')"),
        Some("open") => sql.push_str(" AND r.status IN ('draft', 'submitted', 'endorsed')"),
        _ => equals("r.status", &filter.status, &mut sql),
    }
    equals("s.slug", &filter.site_slug, &mut sql);
    equals("r.gpu_model", &filter.gpu_model, &mut sql);
    equals("r.sector", &filter.sector, &mut sql);
    if let Some(tenant) = wanted(&filter.tenant) {
        binds.push(Bind::Text(tenant.clone()));
        binds.push(Bind::Text(like_pattern(&tenant)));
        let n = binds.len();
        sql.push_str(&format!(
            " AND (t.slug = ${} OR {} LIKE ${n} ESCAPE '\\')",
            n - 1,
            fold("t.name")
        ));
    }
    if let Some(words) = wanted(&filter.search) {
        binds.push(Bind::Text(like_pattern(&words)));
        let n = binds.len();
        sql.push_str(&format!(
            " AND ({} LIKE ${n} ESCAPE '\\' OR {} LIKE ${n} ESCAPE '\\' \
             OR LOWER(r.gpu_model) LIKE ${n} ESCAPE '\\')",
            fold("r.project_title"),
            fold("s.name")
        ));
    }
    let direction = if filter.descending { "DESC" } else { "ASC" };
    sql.push_str(&format!(
        " ORDER BY {} {direction}, r.id DESC LIMIT {} OFFSET {}",
        filter.sort.sql(),
        limit.max(0),
        offset.max(0)
    ));
    let fields = json_fields();
    // An aggregate keeps no order of its input unless told: the same key again, over `q`.
    let order = format!("{} {direction}, q.id DESC", filter.sort.output());
    let sql = if postgres {
        format!("SELECT COALESCE(json_agg(json_build_object({fields}) ORDER BY {order})::text, '[]') FROM ({sql}) q")
    } else {
        format!("SELECT json_group_array(json_object({fields}) ORDER BY {order}) FROM ({sql}) q")
    };
    let mut query = sqlx::query_scalar::<_, String>(&sql);
    for b in binds {
        query = match b {
            Bind::Int(v) => query.bind(v),
            Bind::Text(v) => query.bind(v),
        };
    }
    let page = query.fetch_one(conn).await?;
    serde_json::from_str(&page).map_err(|e| corrupt("list page", e))
}

enum Bind {
    Int(i64),
    Text(String),
}

/// `%words%` folded for search ([`search::fold`]), with LIKE's own characters escaped (by `\\`).
fn like_pattern(words: &str) -> String {
    let mut out = String::from("%");
    for c in search::fold(words.trim()).chars() {
        if matches!(c, '%' | '_' | '\\') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('%');
    out
}

/// The GPUs granted at a site for a model by approved and partially approved quotas overlapping
/// `[start, end)`, leaving out the quota `except` (the one a change request amends, counted once
/// as amended; 0 for none): one query on the capacity index. An approved change request holds no
/// GPUs itself (its approved fields stay empty): the quota it amends does.
pub async fn commitments(
    conn: &mut AnyConnection,
    site_id: i64,
    gpu_model: &str,
    start: Date,
    end: Date,
    except: i64,
) -> Result<Vec<Commitment>, sqlx::Error> {
    let rows: Vec<(String, String, i64)> = sqlx::query_as(
        "SELECT approved_start, approved_end, approved_gpus FROM quota_requests \
         WHERE site_id = $1 AND gpu_model = $2 AND status IN ('approved', 'partially_approved') \
         AND approved_start < $3 AND approved_end > $4 AND id <> $5",
    )
    .bind(site_id)
    .bind(gpu_model)
    .bind(end.to_string())
    .bind(start.to_string())
    .bind(except)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(s, e, gpus)| {
            Ok(Commitment::new(
                parse_date(&s)?,
                parse_date(&e)?,
                u32::try_from(gpus).unwrap_or(0),
            ))
        })
        .collect()
}

/// Installed and reserved GPUs of a pool; on PostgreSQL with `lock`, the row is locked until the
/// transaction ends, which serialises approvals of that pool.
pub async fn pool(
    conn: &mut AnyConnection,
    site_id: i64,
    gpu_model: &str,
    lock: bool,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    let suffix = if lock { " FOR UPDATE" } else { "" };
    sqlx::query_as(&format!(
        "SELECT installed, reserve FROM site_gpus WHERE site_id = $1 AND gpu_model = $2{suffix}"
    ))
    .bind(site_id)
    .bind(gpu_model)
    .fetch_optional(conn)
    .await
}

/// The timeline of a request, oldest first.
pub async fn timeline(
    conn: &mut AnyConnection,
    tenant_id: i64,
    request_id: i64,
) -> Result<Vec<TimelineEntry>, sqlx::Error> {
    let rows: Vec<(i64, String, Option<String>, String, String)> = sqlx::query_as(
        "SELECT at, actor_name, from_status, to_status, note FROM request_events \
         WHERE tenant_id = $1 AND request_id = $2 ORDER BY id",
    )
    .bind(tenant_id)
    .bind(request_id)
    .fetch_all(conn)
    .await?;
    rows.into_iter()
        .map(|(at, actor_name, from, to, note)| {
            Ok(TimelineEntry {
                at,
                actor_name,
                from_status: from
                    .as_deref()
                    .map(RequestStatus::parse)
                    .transpose()
                    .map_err(|e| corrupt("event status", e))?,
                to_status: RequestStatus::parse(&to).map_err(|e| corrupt("event status", e))?,
                note,
            })
        })
        .collect()
}

/// Appends a timeline step.
#[allow(clippy::too_many_arguments)]
pub async fn add_event(
    conn: &mut AnyConnection,
    request_id: i64,
    tenant_id: i64,
    actor_user_id: i64,
    actor_name: &str,
    from: Option<RequestStatus>,
    to: RequestStatus,
    note: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO request_events (request_id, tenant_id, at, actor_user_id, actor_name, from_status, to_status, note) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
    )
    .bind(request_id)
    .bind(tenant_id)
    .bind(now_unix())
    .bind(actor_user_id)
    .bind(actor_name)
    .bind(from.map(|s| s.as_str()))
    .bind(to.as_str())
    .bind(note)
    .execute(conn)
    .await?;
    Ok(())
}

/// A person's display name and e-mail.
pub async fn user_name(
    conn: &mut AnyConnection,
    user_id: i64,
) -> Result<(String, String), sqlx::Error> {
    sqlx::query_as("SELECT name, email FROM users WHERE id = $1")
        .bind(user_id)
        .fetch_one(conn)
        .await
}

/// The owners of a tenant: (user id, e-mail).
pub async fn owners(
    conn: &mut AnyConnection,
    tenant_id: i64,
) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT u.id, u.email FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 AND m.role = 'owner' ORDER BY u.id",
    )
    .bind(tenant_id)
    .fetch_all(conn)
    .await
}

/// An in-app notification, also queued for e-mail.
pub async fn notify(
    conn: &mut AnyConnection,
    user_id: i64,
    email: &str,
    tenant_id: i64,
    request_id: i64,
    text: &str,
) -> Result<(), sqlx::Error> {
    let now = now_unix();
    sqlx::query(
        "INSERT INTO notifications (user_id, tenant_id, request_id, text, created_at) VALUES ($1, $2, $3, $4, $5)",
    )
    .bind(user_id)
    .bind(tenant_id)
    .bind(request_id)
    .bind(text)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    sqlx::query(
        "INSERT INTO email_outbox (to_email, subject, body, created_at) VALUES ($1, $2, $3, $4)",
    )
    .bind(email)
    .bind(format!("Guichet: quota request #{request_id}"))
    .bind(text)
    .bind(now)
    .execute(&mut *conn)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{like_pattern, COLUMNS, SELECT};

    /// A list's JSON objects are keyed by `COLUMNS`: they must be `SELECT`'s output columns, in
    /// order, or a column added to one would come back empty (or missing) in lists only.
    #[test]
    fn list_keys_are_the_select_columns() {
        let columns = SELECT
            .strip_prefix("SELECT ")
            .and_then(|s| s.split(" FROM ").next())
            .expect("SELECT ... FROM");
        let names: Vec<&str> = columns
            .split(',')
            .map(|c| {
                let c = c.trim();
                c.rsplit(" AS ")
                    .next()
                    .and_then(|c| c.rsplit('.').next())
                    .unwrap_or(c)
            })
            .collect();
        assert_eq!(names, COLUMNS);
    }

    #[test]
    fn like_patterns_fold_accents_and_escape_like_characters() {
        assert_eq!(like_pattern("Île Énergie"), "%ile energie%");
        assert_eq!(like_pattern(" 50%_A\\b "), "%50\\%\\_a\\\\b%");
    }
}
