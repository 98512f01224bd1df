//! The demo data: a platform admin, several tenants with owners, members and
//! an auditor, and the sites of the demo catalogue. Loaded once, into an empty
//! database (by `make run` through `GUICHET_DEMO_DATA`, or `guichet demo-data`).

use sqlx::AnyConnection;

use super::demo_sites::{demo_gpus, demo_sites};
use super::{catalogue, db::now_unix, identity::repo, state::AppState};
use crate::domain::residency::PolicyLists;

/// Every demo account signs in with this password.
pub const DEMO_PASSWORD: &str = "campus-demo-2026";

/// A demo account, for the start-up banner.
#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub email: &'static str,
    pub role: &'static str,
}

struct DemoTenant {
    slug: &'static str,
    name: &'static str,
    kind: &'static str,
    country: &'static str,
    registration_id: &'static str,
    sector: &'static str,
    parent_country: &'static str,
    status: &'static str,
    people: &'static [(&'static str, &'static str, &'static str)],
    /// Its projects; the first person of each is its lead.
    projects: &'static [DemoProject],
}

/// A demo project: short name, title, sector, description and its people with their project
/// role (the lead first).
struct DemoProject {
    code: &'static str,
    title: &'static str,
    sector: &'static str,
    description: &'static str,
    people: &'static [(&'static str, &'static str)],
}

const TENANTS: &[DemoTenant] = &[
    DemoTenant {
        slug: "univ-palaiseau",
        name: "Université de Palaiseau",
        kind: "university",
        country: "FR",
        registration_id: "261973069",
        sector: "research",
        parent_country: "FR",
        status: "verified",
        people: &[
            ("camille.roux@univ-palaiseau.test", "Camille Roux", "owner"),
            ("hugo.martin@univ-palaiseau.test", "Hugo Martin", "member"),
            ("ines.petit@univ-palaiseau.test", "Inès Petit", "auditor"),
            ("lea.dubois@univ-palaiseau.test", "Léa Dubois", "member"),
        ],
        projects: &[
            DemoProject {
                code: "climate",
                title: "Climate and Earth system",
                sector: "research",
                description: "Regional climate projections and Earth-system emulators for the Île-de-France laboratories.",
                people: &[("hugo.martin@univ-palaiseau.test", "lead")],
            },
            DemoProject {
                code: "ai4science",
                title: "AI for science",
                sector: "research",
                description: "Machine learning for molecules, materials and speech, shared by three research groups.",
                people: &[
                    ("lea.dubois@univ-palaiseau.test", "lead"),
                    ("hugo.martin@univ-palaiseau.test", "member"),
                ],
            },
            DemoProject {
                code: "french-llm",
                title: "Open French language model",
                sector: "research",
                description: "Pre-training an open language model on French public-domain text.",
                people: &[("lea.dubois@univ-palaiseau.test", "lead")],
            },
        ],
    },
    DemoTenant {
        slug: "ghu-seine-est",
        name: "Groupe hospitalier Seine-Est",
        kind: "public_body",
        country: "FR",
        registration_id: "140260662",
        sector: "health",
        parent_country: "FR",
        status: "verified",
        people: &[
            ("nadia.benali@ghu-seine-est.test", "Nadia Benali", "owner"),
            ("louis.girard@ghu-seine-est.test", "Louis Girard", "member"),
        ],
        projects: &[
            DemoProject {
                code: "radiology",
                title: "Radiology triage",
                sector: "health",
                description: "Triage of emergency chest X-rays, trained on pseudonymised images under the HDS contract.",
                people: &[("louis.girard@ghu-seine-est.test", "lead")],
            },
            DemoProject {
                code: "sepsis",
                title: "Sepsis early warning",
                sector: "health",
                description: "An early-warning score from the wards' vital signs.",
                people: &[
                    ("nadia.benali@ghu-seine-est.test", "lead"),
                    ("louis.girard@ghu-seine-est.test", "member"),
                ],
            },
        ],
    },
    DemoTenant {
        slug: "alea-labs",
        name: "Aléa Labs",
        kind: "company",
        country: "FR",
        registration_id: "175006691",
        sector: "finance",
        parent_country: "FR",
        status: "verified",
        people: &[
            ("zoe.lambert@alea-labs.test", "Zoé Lambert", "owner"),
            ("theo.fournier@alea-labs.test", "Théo Fournier", "member"),
        ],
        projects: &[
            DemoProject {
                code: "risk",
                title: "Risk and fraud",
                sector: "finance",
                description: "Market-risk simulation and fraud detection for the trading desk.",
                people: &[("theo.fournier@alea-labs.test", "lead")],
            },
            DemoProject {
                code: "foundation",
                title: "Time-series foundation model",
                sector: "finance",
                description: "A foundation model for financial time series.",
                people: &[
                    ("zoe.lambert@alea-labs.test", "lead"),
                    ("theo.fournier@alea-labs.test", "viewer"),
                ],
            },
        ],
    },
    DemoTenant {
        slug: "rheinwerk-energie",
        name: "Rheinwerk Energie GmbH",
        kind: "company",
        country: "DE",
        registration_id: "DE811569869",
        sector: "energy",
        parent_country: "DE",
        status: "verified",
        people: &[
            ("jonas.weber@rheinwerk.test", "Jonas Weber", "owner"),
            ("lena.schmidt@rheinwerk.test", "Lena Schmidt", "member"),
        ],
        projects: &[
            DemoProject {
                code: "wind",
                title: "Wind farm modelling",
                sector: "energy",
                description: "Wake effects between the turbines of the North Sea farms.",
                people: &[("lena.schmidt@rheinwerk.test", "lead")],
            },
            DemoProject {
                code: "grid",
                title: "Grid forecasting",
                sector: "energy",
                description: "Day-ahead load forecasts for the distribution grid.",
                people: &[
                    ("jonas.weber@rheinwerk.test", "lead"),
                    ("lena.schmidt@rheinwerk.test", "member"),
                ],
            },
        ],
    },
    DemoTenant {
        slug: "mobilis-ia",
        name: "Mobilis IA",
        kind: "company",
        country: "FR",
        registration_id: "337384804",
        sector: "mobility",
        parent_country: "FR",
        status: "pending",
        people: &[("paul.moreau@mobilis-ia.test", "Paul Moreau", "owner")],
        projects: &[
            DemoProject {
                code: "autonomy",
                title: "Autonomous shuttles",
                sector: "mobility",
                description: "Perception models for the campus shuttles.",
                people: &[("paul.moreau@mobilis-ia.test", "lead")],
            },
            DemoProject {
                code: "routing",
                title: "Fleet routing",
                sector: "mobility",
                description: "Routing of on-demand minibuses.",
                people: &[("paul.moreau@mobilis-ia.test", "lead")],
            },
        ],
    },
];

pub const ADMIN_EMAIL: &str = "admin@guichet.test";

/// Loads the demo data when the database has no account yet. Returns the demo
/// log-ins when it loaded them, `None` when data was already there.
pub async fn load_if_empty(state: &AppState) -> Result<Option<Vec<DemoLogin>>, DemoError> {
    // Platform scope: the demo data spans tenants.
    let mut tx = state.db.platform_write_tx().await?;
    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users")
        .fetch_one(&mut *tx)
        .await?;
    if users > 0 {
        tx.rollback().await?;
        return Ok(None);
    }
    let hash = state.hashing.hash(DEMO_PASSWORD).await?;
    let mut logins = vec![DemoLogin {
        email: ADMIN_EMAIL,
        role: "platform admin",
    }];
    let admin_id = repo::insert_user(
        &mut tx,
        ADMIN_EMAIL,
        "Alex Durand (platform admin)",
        &hash,
        true,
    )
    .await?;
    if let Some(secret) = &state.config.demo_admin_totp {
        crate::server::identity::second_factor::seed_confirmed(&mut tx, state, admin_id, secret)
            .await
            .map_err(|e| match e {
                crate::server::error::ServiceError::Db(e) => e,
                other => sqlx::Error::Protocol(other.to_string()),
            })?;
    }
    for t in TENANTS {
        let tenant_id = insert_tenant(&mut tx, t).await?;
        for (email, name, role) in t.people {
            let user_id = repo::insert_user(&mut tx, email, name, &hash, false).await?;
            sqlx::query("INSERT INTO memberships (tenant_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)")
                .bind(tenant_id)
                .bind(user_id)
                .bind(*role)
                .bind(now_unix())
                .execute(&mut *tx)
                .await?;
            logins.push(DemoLogin { email, role });
        }
        for p in t.projects {
            insert_project(&mut tx, tenant_id, p).await?;
        }
    }
    load_demo_catalogue(&mut tx).await?;
    tx.commit().await?;
    Ok(Some(logins))
}

/// The demo catalogue, dated from today: policy version 1, five sites,
/// catalogue revision 1.
async fn load_demo_catalogue(conn: &mut AnyConnection) -> Result<(), sqlx::Error> {
    let today = time::OffsetDateTime::now_utc().date();
    catalogue::save_policy(
        conn,
        &PolicyLists::in_force(1),
        None,
        "The lists in force (demo data).",
    )
    .await?;
    for site in demo_sites(today) {
        catalogue::insert_site(conn, &site, &demo_gpus(&site.slug)).await?;
    }
    catalogue::bump_revision(conn, None, "The demo catalogue.").await?;
    Ok(())
}

async fn insert_project(
    conn: &mut AnyConnection,
    tenant_id: i64,
    p: &DemoProject,
) -> Result<(), sqlx::Error> {
    let now = now_unix();
    let start = time::OffsetDateTime::now_utc().date() - time::Duration::days(90);
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO projects (tenant_id, code, title, description, sector, start_date, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $7) RETURNING id",
    )
    .bind(tenant_id)
    .bind(p.code)
    .bind(p.title)
    .bind(p.description)
    .bind(p.sector)
    .bind(start.to_string())
    .bind(now)
    .fetch_one(&mut *conn)
    .await?;
    for (email, role) in p.people {
        sqlx::query(
            "INSERT INTO project_members (project_id, tenant_id, user_id, role, added_at) \
             SELECT $1, $2, id, $3, $4 FROM users WHERE email = $5",
        )
        .bind(id)
        .bind(tenant_id)
        .bind(*role)
        .bind(now)
        .bind(*email)
        .execute(&mut *conn)
        .await?;
    }
    Ok(())
}

async fn insert_tenant(conn: &mut AnyConnection, t: &DemoTenant) -> Result<i64, sqlx::Error> {
    let now = now_unix();
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO tenants (slug, name, kind, country, registration_id, sector, parent_country, status, created_at, decided_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) RETURNING id",
    )
    .bind(t.slug)
    .bind(t.name)
    .bind(t.kind)
    .bind(t.country)
    .bind(t.registration_id)
    .bind(t.sector)
    .bind(t.parent_country)
    .bind(t.status)
    .bind(now)
    .bind((t.status != "pending").then_some(now))
    .fetch_one(conn)
    .await?;
    Ok(id)
}

/// Errors of the demo loader: it runs at start-up and from the CLI only.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    #[error("database: {0}")]
    Db(#[from] sqlx::Error),
    #[error("hashing: {0}")]
    Hash(#[from] crate::server::auth::password::HashError),
    #[error("demo activity: {0}")]
    Service(#[from] crate::server::error::ServiceError),
}
