//! The four exported lists: each reads its page's service a page at a time, with the page's
//! filters, as the page's own server function would, and writes one CSV row per row.

use serde::Deserialize;

use super::{file_name, Cell, CsvFile, MAX_EXPORT_ROWS};
use crate::domain::{dates::parse_iso_date, identity::Sector, residency::Classification};
use crate::server::{
    audit_log::{self, AuditReader},
    auth::CurrentUser,
    error::ServiceResult,
    requests::{self, RequestFilter},
    state::AppState,
    time_zone,
};
use crate::wire::audit_log::{event_label, AuditFilter, PAGE_SIZE};
use crate::wire::requests::{queue_status, Paged, QueueRow, RequestSummary};

/// The query of `/requests` (and of the dashboard's quotas), as its page sends it.
#[derive(Debug, Default, Deserialize)]
pub struct RequestsQuery {
    pub status: Option<String>,
    pub search: Option<String>,
    pub usage: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
    pub project: Option<String>,
}

/// The query of `/admin/requests`.
#[derive(Debug, Default, Deserialize)]
pub struct QueueQuery {
    pub status: Option<String>,
    pub site: Option<String>,
    pub gpu_model: Option<String>,
    pub sector: Option<String>,
    pub tenant: Option<String>,
    pub search: Option<String>,
    pub sort: Option<String>,
    pub dir: Option<String>,
}

/// The query of `/audit`.
#[derive(Debug, Default, Deserialize)]
pub struct AuditQuery {
    pub event: Option<String>,
    pub outcome: Option<String>,
    pub tenant: Option<String>,
    pub from: Option<String>,
    pub to: Option<String>,
}

/// Every page of a paged list from the first, up to [`MAX_EXPORT_ROWS`] rows.
async fn every_page<T, F, Fut>(mut page: F) -> ServiceResult<Vec<T>>
where
    F: FnMut(u32) -> Fut,
    Fut: std::future::Future<Output = ServiceResult<Paged<T>>>,
{
    let mut rows = Vec::new();
    for n in 0.. {
        let next = page(n).await?;
        rows.extend(next.rows);
        if !next.has_more || rows.len() >= MAX_EXPORT_ROWS {
            break;
        }
    }
    rows.truncate(MAX_EXPORT_ROWS);
    Ok(rows)
}

/// The last day of a window stored with its end excluded, as the pages show it.
fn last_day(end_exclusive: &str) -> String {
    parse_iso_date(end_exclusive)
        .and_then(|d| d.previous_day())
        .map_or_else(|| end_exclusive.to_owned(), |d| d.to_string())
}

fn sector_label(stored: &str) -> String {
    Sector::parse(stored).map_or_else(|_| stored.to_owned(), |s| s.label().to_owned())
}

fn classification_label(stored: &str) -> String {
    Classification::parse(stored).map_or_else(|_| stored.to_owned(), |c| c.label().to_owned())
}

/// Which export of the tenant's requests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RequestList {
    /// `/requests`: every request the person sees, with the page's filters.
    Requests,
    /// The dashboard's quotas: requests granted in full or in part, by start.
    Quotas,
}

/// The active tenant's requests (any role, as `/requests`), through `list_for_tenant`.
pub async fn requests(
    state: &AppState,
    user: &CurrentUser,
    query: &RequestsQuery,
    list: RequestList,
) -> ServiceResult<axum::response::Response> {
    let actor = user.in_tenant(state).await?;
    // The dashboard lists quotas by their start, soonest first.
    let (status, sort, dir) = match list {
        RequestList::Requests => (
            query.status.clone(),
            query.sort.as_deref(),
            query.dir.as_deref(),
        ),
        RequestList::Quotas if query.sort.is_none() => {
            (Some("granted".to_owned()), Some("start"), Some("asc"))
        }
        RequestList::Quotas => (
            Some("granted".to_owned()),
            query.sort.as_deref(),
            query.dir.as_deref(),
        ),
    };
    let filter = RequestFilter {
        status,
        search: query.search.clone(),
        usage: query.usage.clone(),
        project: RequestFilter::project_param(query.project.as_deref()),
        ..RequestFilter::ordered(sort, dir)
    };
    let rows = every_page(|page| requests::list_for_tenant(state, &actor, &filter, page)).await?;
    Ok(match list {
        RequestList::Requests => request_rows(&rows).into_download(&file_name("requests")),
        RequestList::Quotas => quota_rows(&rows).into_download(&file_name("quotas")),
    })
}

fn request_rows(rows: &[RequestSummary]) -> CsvFile {
    let mut file = CsvFile::new(&[
        "Request",
        "Title",
        "Project",
        "Kind",
        "Status",
        "Site",
        "GPU model",
        "GPUs asked",
        "First day asked",
        "Last day asked",
        "GPUs granted",
        "First day granted",
        "Last day granted",
        "Quota",
        "Sector",
        "Classification",
        "Compliance flag",
    ]);
    for r in rows {
        file.row([
            Cell::from(r.id),
            Cell::from(r.project_title.as_str()),
            Cell::from(r.project_name.as_str()),
            Cell::from(r.kind.label()),
            Cell::from(r.status.label()),
            Cell::from(r.site_name.as_str()),
            Cell::from(r.gpu_model.as_str()),
            Cell::from(r.gpus),
            Cell::from(r.start_date.as_str()),
            Cell::from(last_day(&r.end_date)),
            Cell::from(r.approved_gpus),
            Cell::from(r.approved_start.clone()),
            Cell::from(r.approved_end.as_deref().map(last_day)),
            Cell::from(r.phase.map(|p| p.label()).unwrap_or_default()),
            Cell::from(sector_label(&r.sector)),
            Cell::from(classification_label(&r.classification)),
            Cell::from(r.compliance_flag.clone()),
        ]);
    }
    file
}

fn quota_rows(rows: &[RequestSummary]) -> CsvFile {
    let mut file = CsvFile::new(&[
        "Request",
        "Title",
        "Project",
        "Kind",
        "Site",
        "GPU model",
        "GPUs",
        "First day",
        "Last day",
        "Now",
        "Compliance flag",
    ]);
    for r in rows {
        file.row([
            Cell::from(r.id),
            Cell::from(r.project_title.as_str()),
            Cell::from(r.project_name.as_str()),
            Cell::from(r.kind.label()),
            Cell::from(r.site_name.as_str()),
            Cell::from(r.gpu_model.as_str()),
            Cell::from(r.approved_gpus),
            Cell::from(r.approved_start.clone()),
            Cell::from(r.approved_end.as_deref().map(last_day)),
            Cell::from(r.phase.map(|p| p.label()).unwrap_or_default()),
            Cell::from(r.compliance_flag.clone()),
        ]);
    }
    file
}

/// The admin queue (platform admins, as `/admin/requests`), through `requests::queue`.
pub async fn queue(
    state: &AppState,
    user: &CurrentUser,
    query: &QueueQuery,
) -> ServiceResult<axum::response::Response> {
    let admin = user.as_platform_admin()?;
    let filter = RequestFilter {
        status: queue_status(query.status.as_deref().unwrap_or_default()),
        site_slug: query.site.clone(),
        gpu_model: query.gpu_model.clone(),
        sector: query.sector.clone(),
        tenant: query.tenant.clone(),
        search: query.search.clone(),
        ..RequestFilter::ordered(query.sort.as_deref(), query.dir.as_deref())
    };
    let rows = every_page(|page| requests::queue(state, &admin, &filter, page)).await?;
    Ok(queue_rows(&rows).into_download(&file_name("request-queue")))
}

fn queue_rows(rows: &[QueueRow]) -> CsvFile {
    let mut file = CsvFile::new(&[
        "Request",
        "Organisation",
        "Title",
        "Project",
        "Kind",
        "Status",
        "Site",
        "GPU model",
        "GPUs asked",
        "First day",
        "Last day",
        "Sector",
        "Classification",
        "Residency now",
        "Failing rules",
        "Busiest day before",
        "Busiest day after",
        "GPUs available",
        "Spare after",
        "Compliance flag",
    ]);
    for QueueRow { summary: s, review } in rows {
        let failing: Vec<String> = review
            .failures
            .iter()
            .map(|f| format!("{}: {}", f.rule, f.reason))
            .collect();
        file.row([
            Cell::from(s.id),
            Cell::from(s.tenant_name.as_str()),
            Cell::from(s.project_title.as_str()),
            Cell::from(s.project_name.as_str()),
            Cell::from(s.kind.label()),
            Cell::from(s.status.label()),
            Cell::from(s.site_name.as_str()),
            Cell::from(s.gpu_model.as_str()),
            Cell::from(s.gpus),
            Cell::from(s.start_date.as_str()),
            Cell::from(last_day(&s.end_date)),
            Cell::from(sector_label(&s.sector)),
            Cell::from(classification_label(&s.classification)),
            Cell::from(if review.eligible_now {
                "Eligible"
            } else {
                "Not eligible"
            }),
            Cell::from(failing.join(" ")),
            Cell::from(i64::from(review.peak_before)),
            Cell::from(i64::from(review.peak_after)),
            Cell::from(i64::from(review.available)),
            Cell::from(review.headroom_after),
            Cell::from(s.compliance_flag.clone()),
        ]);
    }
    file
}

/// The audit log the person may read (as `/audit`), through `audit_log::read`, page after
/// page by its "older than" key; times in the person's zone.
pub async fn audit(
    state: &AppState,
    user: &CurrentUser,
    query: &AuditQuery,
) -> ServiceResult<axum::response::Response> {
    let reader = AuditReader::of(state, user).await?;
    let mut filter = AuditFilter::parse(
        query.event.as_deref(),
        query.outcome.as_deref(),
        query.tenant.as_deref(),
        None,
        (query.from.as_deref(), query.to.as_deref()),
    )?;
    let zone = time_zone::of_person(state, user.user_id()).await?;
    let mut header = vec!["When", "Event", "Outcome", "Who"];
    let mut entries = Vec::new();
    let mut all_tenants;
    loop {
        let page = audit_log::read(state, &reader, &filter, &zone, PAGE_SIZE).await?;
        all_tenants = page.all_tenants;
        entries.extend(page.entries);
        match page.older_than {
            Some(id) if entries.len() < MAX_EXPORT_ROWS => filter.before = Some(id),
            _ => break,
        }
    }
    entries.truncate(MAX_EXPORT_ROWS);
    if all_tenants {
        header.push("Organisation");
    }
    header.extend(["Address", "Details", "Raw details"]);
    let mut file = CsvFile::new(&header);
    for e in entries {
        let mut cells = vec![
            Cell::from(crate::domain::dates::format_local(&e.at)),
            Cell::from(event_label(&e.event)),
            Cell::from(if e.success { "Success" } else { "Failure" }),
            Cell::from(e.actor_email),
        ];
        if all_tenants {
            cells.push(Cell::from(e.tenant_name));
        }
        cells.extend([
            Cell::from(e.client_ip),
            Cell::from(e.description),
            Cell::from(e.detail),
        ]);
        file.row(cells);
    }
    Ok(file.into_download(&file_name("audit-log")))
}
