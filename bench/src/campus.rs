//! A campus-scale database for benchmarks: on top of the demo data (catalogue, platform admin),
//! a thousand verified tenants, each with an owner and a member who can sign in, and their
//! quota requests in the states a portal in service holds. Rows are written straight into the
//! tables, in batches ([`crate::insert_rows`]): 100,000 requests take seconds, not the hours the
//! services would.
//!
//! The requests: about 60 % approved and 8 % partially approved, spread over every site and GPU
//! model in proportion to the pools' size and over the last 3.6 years and the next 26 weeks
//! (which puts ~9,500 granted quotas of 100,000 requests in the next 26 weeks); 6 % rejected,
//! 6 % withdrawn, and, starting in the coming weeks, 6 % drafts, 6 % submitted and 8 % endorsed
//! (the admin queue's default view). The benchmark tenant (the first one) holds the same
//! [`BENCH_TENANT_REQUESTS`] requests whatever the size, so its list page shows as many rows at
//! every size; the others share the rest evenly.

use std::time::Instant;

use app::server::{db::Backend, demo, Db};
use time::{Date, Duration as Days, OffsetDateTime};

use crate::{insert_rows, BoxError, Pools, Rng};

/// Requests of the benchmark tenant, at every size.
pub const BENCH_TENANT_REQUESTS: usize = 100;

/// Every project title starts with this: a page's rows can be counted in its HTML.
pub const TITLE: &str = "Campus project";

/// Days of history before today over which granted quotas start.
const HISTORY_DAYS: i64 = 1_313;

/// The weeks `/capacity` shows.
const WINDOW_WEEKS: i64 = 26;

/// A built campus and what it holds.
#[derive(Debug)]
pub struct Campus {
    /// The benchmark tenant's owner: signs in with the demo password.
    pub owner_email: String,
    /// Requests by status, and how many there are in all.
    pub by_status: Vec<(String, i64)>,
    pub requests: i64,
    pub tenants: i64,
    /// Approved and partially approved quotas overlapping the next 26 weeks.
    pub granted_in_window: i64,
    /// How long building took, in seconds.
    pub build_seconds: f64,
}

/// Generated tenants' sectors, cycled through.
const SECTORS: [&str; 8] = [
    "research",
    "health",
    "industry",
    "energy",
    "finance",
    "mobility",
    "education",
    "other",
];

/// A request's state, drawn with the weights above.
fn draw_status(rng: &mut Rng) -> &'static str {
    match rng.next_u64() % 100 {
        0..=59 => "approved",
        60..=67 => "partially_approved",
        68..=73 => "rejected",
        74..=79 => "withdrawn",
        80..=85 => "draft",
        86..=91 => "submitted",
        _ => "endorsed",
    }
}

/// A SIREN (9 digits) whose Luhn key holds, made from `n`.
fn siren(n: usize) -> String {
    let body = format!("{:08}", 10_000_000 + n % 90_000_000);
    (0..10)
        .map(|key| format!("{body}{key}"))
        .find(|s| luhn_valid(s))
        .unwrap_or(body)
}

fn luhn_valid(digits: &str) -> bool {
    let total: u32 = digits
        .bytes()
        .rev()
        .map(|b| u32::from(b - b'0'))
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                (d * 2) / 10 + (d * 2) % 10
            } else {
                d
            }
        })
        .sum();
    total.is_multiple_of(10)
}

/// The tenants' rows: nine in ten French (a SIREN), the others German (a VAT number).
fn tenant_rows(tenants: usize, now: i64) -> impl Iterator<Item = String> {
    (0..tenants).map(move |i| {
        let (kind, name) = match i % 3 {
            0 => ("university", format!("Université campus {i:04}")),
            1 => ("public_body", format!("Centre de recherche {i:04}")),
            _ => ("company", format!("Entreprise {i:04} SAS")),
        };
        let (country, registration) = if i % 10 == 9 {
            ("DE", format!("DE{:09}", 100_000_000 + i))
        } else {
            ("FR", siren(i))
        };
        let sector = SECTORS[i % SECTORS.len()];
        format!(
            "('campus-{i:04}', '{name}', '{kind}', '{country}', '{registration}', '{sector}', '{country}', \
             'verified', {now}, {now})"
        )
    })
}

/// Builds the campus on a migrated database that holds the demo data.
pub async fn build(db: &Db, tenants: usize, requests: usize) -> Result<Campus, BoxError> {
    let started = Instant::now();
    let tenants = tenants.max(2);
    let now = OffsetDateTime::now_utc().unix_timestamp();
    let hash = {
        let mut tx = db.platform_tx().await?;
        let (hash,): (String,) = sqlx::query_as("SELECT password_hash FROM users WHERE email = $1")
            .bind(demo::ADMIN_EMAIL)
            .fetch_one(&mut *tx)
            .await?;
        tx.commit().await?;
        hash
    };

    insert_rows(
        db,
        "INSERT INTO tenants (slug, name, kind, country, registration_id, sector, parent_country, \
         status, created_at, decided_at)",
        tenant_rows(tenants, now),
    )
    .await?;
    insert_rows(
        db,
        "INSERT INTO users (email, name, password_hash, platform_admin, created_at)",
        (0..tenants).flat_map(|i| {
            [
                format!("('owner-{i:04}@campus.test', 'Owner {i:04}', '{hash}', 0, {now})"),
                format!("('member-{i:04}@campus.test', 'Member {i:04}', '{hash}', 0, {now})"),
            ]
        }),
    )
    .await?;
    let mut tx = db.platform_write_tx().await?;
    for role in ["owner", "member"] {
        sqlx::query(&format!(
            "INSERT INTO memberships (tenant_id, user_id, role, created_at) \
             SELECT t.id, u.id, '{role}', {now} FROM tenants t \
             JOIN users u ON u.email = '{role}-' || SUBSTR(t.slug, 8) || '@campus.test' \
             WHERE t.slug LIKE 'campus-%'"
        ))
        .execute(&mut *tx)
        .await?;
    }
    // One project per tenant, led by its owner, with its member in it: every request belongs to
    // a project, and the member's list is bounded by their projects as in production.
    sqlx::query(&format!(
        "INSERT INTO projects (tenant_id, code, title, description, sector, start_date, created_at, updated_at) \
         SELECT id, 'main', 'Main project', '', sector, '2026-01-01', {now}, {now} FROM tenants \
         WHERE slug LIKE 'campus-%'"
    ))
    .execute(&mut *tx)
    .await?;
    sqlx::query(&format!(
        "INSERT INTO project_members (project_id, tenant_id, user_id, role, added_at) \
         SELECT p.id, p.tenant_id, m.user_id, CASE m.role WHEN 'owner' THEN 'lead' ELSE 'member' END, {now} \
         FROM projects p JOIN tenants t ON t.id = p.tenant_id \
         JOIN memberships m ON m.tenant_id = p.tenant_id WHERE t.slug LIKE 'campus-%'"
    ))
    .execute(&mut *tx)
    .await?;
    // (tenant id, sector, owner id, member id, project id) of each generated tenant, in slug order.
    let people: Vec<(i64, String, i64, i64, i64)> = sqlx::query_as(
        "SELECT t.id, t.sector, o.user_id, m.user_id, p.id FROM tenants t \
         JOIN memberships o ON o.tenant_id = t.id AND o.role = 'owner' \
         JOIN memberships m ON m.tenant_id = t.id AND m.role = 'member' \
         JOIN projects p ON p.tenant_id = t.id \
         WHERE t.slug LIKE 'campus-%' ORDER BY t.slug",
    )
    .fetch_all(&mut *tx)
    .await?;
    tx.commit().await?;

    let pools = Pools::load(db).await?;
    insert_rows(
        db,
        "INSERT INTO quota_requests (tenant_id, requester_user_id, kind, status, project_title, \
         justification, sector, classification, site_id, gpu_model, gpus, start_date, end_date, \
         approved_gpus, approved_start, approved_end, decision_note, idempotency_key, policy_version, \
         catalogue_revision, created_at, updated_at, project_id)",
        request_rows(&people, &pools, requests, now),
    )
    .await?;
    // Rows written by hand: the committed days are counted from them, as approvals would have.
    let mut tx = db.platform_write_tx().await?;
    app::server::requests::repo::recount_pool_days(&mut tx).await?;
    tx.commit().await?;
    if db.backend() == Backend::Postgres {
        // What autovacuum would have done by the time a campus holds this much.
        sqlx::query("ANALYZE").execute(db.pool()).await?;
    }

    let first = week_start(OffsetDateTime::now_utc().date());
    let end = first + Days::weeks(WINDOW_WEEKS);
    let mut tx = db.platform_tx().await?;
    let by_status: Vec<(String, i64)> = sqlx::query_as(
        "SELECT status, COUNT(*) FROM quota_requests GROUP BY status ORDER BY status",
    )
    .fetch_all(&mut *tx)
    .await?;
    let (granted_in_window,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM quota_requests WHERE status IN ('approved', 'partially_approved') \
         AND approved_start < $1 AND approved_end > $2",
    )
    .bind(end.to_string())
    .bind(first.to_string())
    .fetch_one(&mut *tx)
    .await?;
    let (tenant_count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tenants")
        .fetch_one(&mut *tx)
        .await?;
    tx.commit().await?;
    Ok(Campus {
        owner_email: "owner-0000@campus.test".to_owned(),
        requests: by_status.iter().map(|(_, n)| n).sum(),
        by_status,
        tenants: tenant_count,
        granted_in_window,
        build_seconds: started.elapsed().as_secs_f64(),
    })
}

/// The Monday of `date`'s week.
fn week_start(date: Date) -> Date {
    date - Days::days(i64::from(date.weekday().number_days_from_monday()))
}

/// Midnight UTC of a date, as a Unix time.
fn unix(date: Date) -> i64 {
    date.midnight().assume_utc().unix_timestamp()
}

/// The requests' rows: the benchmark tenant's spread evenly through the sequence (so through
/// the ids), the others' dealt round the other tenants.
fn request_rows<'a>(
    people: &'a [(i64, String, i64, i64, i64)],
    pools: &'a Pools,
    requests: usize,
    now: i64,
) -> impl Iterator<Item = String> + 'a {
    let today = OffsetDateTime::now_utc().date();
    let stride = (requests / BENCH_TENANT_REQUESTS).max(1);
    let others = people.len().saturating_sub(1).max(1);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut dealt = 0_usize;
    (0..requests).map(move |n| {
        let person = if n % stride == 0 && n / stride < BENCH_TENANT_REQUESTS {
            &people[0]
        } else {
            dealt += 1;
            &people[1 + (dealt - 1) % others]
        };
        let (tenant_id, sector, owner, member, project) = person;
        let requester = if rng.chance(50) { owner } else { member };
        let status = draw_status(&mut rng);
        let pending = matches!(status, "draft" | "submitted" | "endorsed");
        let start = if pending {
            today + Days::days(rng.range(7, 7 * WINDOW_WEEKS))
        } else {
            today + Days::days(rng.range(-HISTORY_DAYS, 7 * WINDOW_WEEKS))
        };
        let end = start + Days::weeks(rng.range(1, 7));
        let gpus = rng.range(1, 8);
        let classification = match (sector.as_str(), rng.next_u64() % 10) {
            ("health", 0..=4) => "health",
            (_, 0..=1) => "personal",
            (_, 2) => "confidential",
            _ => "public",
        };
        let pool = pools.pick(&mut rng);
        let (approved, note) = match status {
            "approved" => (format!("{gpus}, '{start}', '{end}'"), "NULL"),
            "partially_approved" => (
                format!("{}, '{start}', '{end}'", (gpus / 2).max(1)),
                "'Granted in part: the pool is busy.'",
            ),
            "rejected" => ("NULL, NULL, NULL".to_owned(), "'Refused: out of capacity.'"),
            _ => ("NULL, NULL, NULL".to_owned(), "NULL"),
        };
        let created = (unix(start) - 86_400 * rng.range(7, 60)).min(now - rng.range(60, 86_400));
        let updated = (created + 86_400 * rng.range(0, 5)).min(now);
        let versions = if status == "draft" {
            "NULL, NULL"
        } else {
            "1, 1"
        };
        format!(
            "({tenant_id}, {requester}, 'new', '{status}', '{TITLE} {n}', \
             'Training and evaluation runs for the campus benchmark.', '{sector}', \
             '{classification}', {}, '{}', {gpus}, '{start}', '{end}', {approved}, {note}, \
             'campus-{n}', {versions}, {created}, {updated}, {project})",
            pool.site_id, pool.model
        )
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generated_sirens_hold_their_key() {
        for n in [0, 1, 42, 999] {
            let s = siren(n);
            assert_eq!(s.len(), 9);
            assert!(luhn_valid(&s), "{s}");
        }
        assert!(luhn_valid("732829320"));
        assert!(!luhn_valid("732829321"));
    }
}
