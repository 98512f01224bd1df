//! Request lists: one page of a tenant's or of every tenant's requests, filtered and sorted.

use sqlx::AnyConnection;

use super::{RequestRow, StoredRequest, SELECT};
use crate::server::{db::project_filter, search};

/// Whose requests a list shows.
#[derive(Debug, Clone, Copy)]
pub enum ListScope {
    /// One tenant's (a member's projects' only), drafts only for their requester.
    Tenant {
        tenant_id: i64,
        viewer_user_id: i64,
        /// [`TenantScope::member_user`]: `0` for every project.
        member_user: i64,
    },
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
    /// One project's requests.
    pub project: Option<i64>,
    /// Words of the project title, the site's name or the GPU model.
    pub search: Option<String>,
    /// Quotas by their use of their budget: `unused`, `over80` or `over100` (anything else: all).
    pub usage: Option<String>,
    pub sort: SortColumn,
    pub descending: bool,
}

impl RequestFilter {
    /// The order a list asked for in its URL (`sort`, `dir=asc|desc`); newest first unless told
    /// otherwise. Pages and their CSV exports read the same parameters through it.
    pub fn ordered(sort: Option<&str>, dir: Option<&str>) -> Self {
        let sort = sort.map(SortColumn::parse).unwrap_or_default();
        let descending = match dir {
            Some("asc") => false,
            Some("desc") => true,
            _ => sort == SortColumn::Id,
        };
        Self {
            sort,
            descending,
            ..Self::default()
        }
    }

    /// The project a list's URL names (`project=12`); one that is not a number matches nothing
    /// rather than everything. Pages and their CSV exports read it through this.
    pub fn project_param(raw: Option<&str>) -> Option<i64> {
        raw.map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| p.parse().unwrap_or(-1))
    }
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
    /// Per cent of the budget used (quotas; other requests last).
    Use,
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
            "use" => Self::Use,
            _ => Self::Id,
        }
    }

    /// The sort key over the joined tables.
    fn sql(self, postgres: bool) -> String {
        if self == Self::Use {
            return format!("COALESCE({}, -1)", used_percent("r", postgres));
        }
        match self {
            Self::Id => "r.id",
            Self::Title => "LOWER(r.project_title)",
            Self::Status => "r.status",
            Self::Tenant => "t.name",
            Self::Site => "s.name",
            Self::Gpus => "r.gpus",
            Self::Start => "r.start_date",
            Self::Use => unreachable!("handled above"),
        }
        .to_owned()
    }

    /// The same key over [`SELECT`]'s output columns (subquery `q`).
    fn output(self, postgres: bool) -> String {
        if self == Self::Use {
            return format!("COALESCE({}, -1)", used_percent("q", postgres));
        }
        match self {
            Self::Id => "q.id",
            Self::Title => "LOWER(q.project_title)",
            Self::Status => "q.status",
            Self::Tenant => "q.tenant_name",
            Self::Site => "q.site_name",
            Self::Gpus => "q.gpus",
            Self::Start => "q.start_date",
            Self::Use => unreachable!("handled above"),
        }
        .to_owned()
    }
}

/// The per cent of its budget a quota has used, over the columns of table alias `t` (NULL for a
/// request that holds no grant): its GPU-seconds used against its GPUs × its window, or its
/// GPU-hour budget when set and smaller — `domain::usage::budget_gpu_seconds` in SQL.
fn used_percent(t: &str, postgres: bool) -> String {
    let days = if postgres {
        format!("(CAST({t}.approved_end AS DATE) - CAST({t}.approved_start AS DATE))")
    } else {
        format!("(julianday({t}.approved_end) - julianday({t}.approved_start))")
    };
    let whole = format!("({t}.approved_gpus * {days} * 86400)");
    let budget = format!(
        "CASE WHEN {t}.expected_gpu_hours > 0 AND {t}.expected_gpu_hours * 3600 < {whole} \
         THEN {t}.expected_gpu_hours * 3600 ELSE {whole} END"
    );
    format!(
        "(CASE WHEN {t}.approved_gpus IS NULL OR {t}.status NOT IN ('approved', 'partially_approved') \
         THEN NULL ELSE 100.0 * {t}.used_gpu_seconds / NULLIF({budget}, 0) END)"
    )
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
pub(super) const COLUMNS: [&str; 36] = [
    "id",
    "tenant_id",
    "tenant_name",
    "tenant_country",
    "endorsement",
    "project_id",
    "project_code",
    "project_name",
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
    "revision",
    "used_gpu_seconds",
    "tenant_suspended_at",
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
            member_user,
        } => {
            binds.push(Bind::Int(tenant_id));
            binds.push(Bind::Int(viewer_user_id));
            binds.push(Bind::Int(member_user));
            sql.push_str(&format!(
                " r.tenant_id = $1 AND (r.status <> 'draft' OR r.requester_user_id = $2) AND {}",
                project_filter("r.project_id", 3)
            ));
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
    if let Some(project) = filter.project {
        binds.push(Bind::Int(project));
        sql.push_str(&format!(" AND r.project_id = ${}", binds.len()));
    }
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
    match wanted(&filter.usage).as_deref() {
        Some("unused") => sql.push_str(&format!(
            " AND r.used_gpu_seconds = 0 AND {} IS NOT NULL",
            used_percent("r", postgres)
        )),
        Some("over80") => sql.push_str(&format!(" AND {} >= 80", used_percent("r", postgres))),
        Some("over100") => sql.push_str(&format!(" AND {} >= 100", used_percent("r", postgres))),
        _ => {}
    }
    let direction = if filter.descending { "DESC" } else { "ASC" };
    sql.push_str(&format!(
        " ORDER BY {} {direction}, r.id DESC LIMIT {} OFFSET {}",
        filter.sort.sql(postgres),
        limit.max(0),
        offset.max(0)
    ));
    let fields = json_fields();
    // An aggregate keeps no order of its input unless told: the same key again, over `q`.
    let order = format!("{} {direction}, q.id DESC", filter.sort.output(postgres));
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
    let rows: Vec<StoredRequest> = serde_json::from_str(&page).map_err(|e| {
        tracing::error!(error = %e, "a page of quota requests does not decode");
        sqlx::Error::Decode(format!("quota request list page: {e}").into())
    })?;
    rows.into_iter().map(RequestRow::try_from).collect()
}

enum Bind {
    Int(i64),
    Text(String),
}

pub(super) use crate::server::search::like_pattern;
