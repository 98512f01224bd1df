//! A few weeks of demo activity on top of the demo accounts and catalogue:
//! quota requests in every state, made through the same services people use
//! (so timelines, audit rows, notifications and capacity all agree), with
//! windows counted from today. `make run` loads it with the demo data; the
//! integration tests do not (they start from accounts and catalogue only).
//!
//! No demo request uses H100 GPUs at Dugny: the browser tests fill that pool
//! on purpose.

use time::{Date, Duration};

use super::error::ServiceError;
use super::{
    auth::actor::{AdminActor, TenantActor},
    demo::{DemoError, ADMIN_EMAIL},
    identity::repo::{find_user_by_email, memberships_of},
    requests::{self, today, DecisionInput, RequestForm},
    state::AppState,
};
use crate::domain::{lifecycle::Action, request_fields::GpuCount, review::CommentBody};
use crate::error::AppError;

/// What happens to a demo request after it is made.
#[derive(Clone, Copy)]
enum Fate {
    /// Kept as the requester's draft.
    Draft,
    /// Submitted; waits for the owner (a member's) or the admins (an owner's).
    Submitted,
    /// Endorsed by the tenant's owner; waits in the admins' queue.
    Endorsed,
    /// Approved in full.
    Approved,
    /// Approved with fewer GPUs, for this reason.
    Partial(u32, &'static str),
    /// Rejected, for this reason.
    Rejected(&'static str),
    /// Taken back by the requester.
    Withdrawn,
    /// Sent back for changes by the admins with this question, which the requester answers in
    /// the request's conversation.
    SentBack(&'static str, &'static str),
}

struct DemoRequest {
    /// The short name of its project.
    project: &'static str,
    requester: &'static str,
    owner: &'static str,
    title: &'static str,
    justification: &'static str,
    sector: &'static str,
    classification: &'static str,
    waiver: bool,
    site: &'static str,
    gpu_model: &'static str,
    gpus: u32,
    /// Days from today: first day and end (exclusive).
    from: i64,
    to: i64,
    fate: Fate,
}

const UNIV_OWNER: &str = "camille.roux@univ-palaiseau.test";
const UNIV_MEMBER: &str = "hugo.martin@univ-palaiseau.test";
const HOSP_OWNER: &str = "nadia.benali@ghu-seine-est.test";
const HOSP_MEMBER: &str = "louis.girard@ghu-seine-est.test";
const ALEA_OWNER: &str = "zoe.lambert@alea-labs.test";
const ALEA_MEMBER: &str = "theo.fournier@alea-labs.test";
const RHEIN_OWNER: &str = "jonas.weber@rheinwerk.test";
const RHEIN_MEMBER: &str = "lena.schmidt@rheinwerk.test";

const REQUESTS: &[DemoRequest] = &[
    DemoRequest {
        project: "climate",
        requester: UNIV_MEMBER,
        owner: UNIV_OWNER,
        title: "Climate downscaling ensemble",
        justification: "Ensemble of 40 regional climate downscaling runs for the Paris basin, 2030–2100; the results feed the regional adaptation plan.",
        sector: "research",
        classification: "public",
        waiver: false,
        site: "idf-campus",
        gpu_model: "H100",
        gpus: 256,
        from: 0,
        to: 75,
        fate: Fate::Approved,
    },
    DemoRequest {
        project: "french-llm",
        requester: UNIV_OWNER,
        owner: UNIV_OWNER,
        title: "Open French language model, pre-training",
        justification: "Pre-training a 7B-parameter open model on public French corpora (Wikipedia, Gallica, parliamentary debates) for the university's teaching and research.",
        sector: "education",
        classification: "public",
        waiver: false,
        site: "cambrai",
        gpu_model: "B200",
        gpus: 512,
        from: 14,
        to: 104,
        fate: Fate::Endorsed,
    },
    DemoRequest {
        project: "ai4science",
        requester: UNIV_MEMBER,
        owner: UNIV_OWNER,
        title: "Protein structure screening",
        justification: "Structure prediction for 120,000 candidate enzymes under a confidential industrial partnership.",
        sector: "research",
        classification: "confidential",
        waiver: false,
        site: "idf-campus",
        gpu_model: "H200",
        gpus: 64,
        from: 7,
        to: 37,
        fate: Fate::Submitted,
    },
    DemoRequest {
        project: "ai4science",
        requester: UNIV_MEMBER,
        owner: UNIV_OWNER,
        title: "Speech corpus alignment",
        justification: "Forced alignment of 9,000 hours of recorded interviews with consenting participants.",
        sector: "research",
        classification: "personal",
        waiver: false,
        site: "marseille",
        gpu_model: "H100",
        gpus: 96,
        from: 21,
        to: 51,
        fate: Fate::Rejected("The interviews can be aligned on 32 GPUs within the same month: please ask again for 32."),
    },
    DemoRequest {
        project: "ai4science",
        requester: UNIV_MEMBER,
        owner: UNIV_OWNER,
        title: "Graph networks for battery materials",
        justification: "Screening cathode materials with graph neural networks trained on the Materials Project.",
        sector: "research",
        classification: "public",
        waiver: false,
        site: "idf-campus",
        gpu_model: "B200",
        gpus: 32,
        from: 40,
        to: 70,
        fate: Fate::Draft,
    },
    DemoRequest {
        project: "radiology",
        requester: HOSP_MEMBER,
        owner: HOSP_OWNER,
        title: "Radiology triage model",
        justification: "Fine-tuning a chest X-ray triage model on 400,000 pseudonymised examinations from our three hospitals.",
        sector: "health",
        classification: "health",
        waiver: false,
        site: "idf-campus",
        gpu_model: "H100",
        gpus: 192,
        from: 0,
        to: 90,
        fate: Fate::Partial(128, "128 GPUs cover the training plan you described; ask for a change if the validation runs need more."),
    },
    DemoRequest {
        project: "sepsis",
        requester: HOSP_MEMBER,
        owner: HOSP_OWNER,
        title: "Sepsis early-warning score",
        justification: "Training a sepsis early-warning model on intensive-care records (HDS scope).",
        sector: "health",
        classification: "health",
        waiver: false,
        site: "dugny",
        gpu_model: "H200",
        gpus: 32,
        from: 30,
        to: 90,
        fate: Fate::Endorsed,
    },
    DemoRequest {
        project: "risk",
        requester: ALEA_MEMBER,
        owner: ALEA_OWNER,
        title: "Market risk simulation",
        justification: "Monte Carlo value-at-risk for 30 client portfolios; confidential market data, no personal data.",
        sector: "finance",
        classification: "confidential",
        waiver: true,
        site: "abu-dhabi",
        gpu_model: "B200",
        gpus: 256,
        from: 0,
        to: 60,
        fate: Fate::Approved,
    },
    DemoRequest {
        project: "foundation",
        requester: ALEA_OWNER,
        owner: ALEA_OWNER,
        title: "Foundation model for time series",
        justification: "Pre-training a time-series foundation model on public market and macro-economic series.",
        sector: "finance",
        classification: "public",
        waiver: false,
        site: "idf-campus",
        gpu_model: "H100",
        gpus: 1280,
        from: 28,
        to: 119,
        fate: Fate::Approved,
    },
    DemoRequest {
        project: "risk",
        requester: ALEA_MEMBER,
        owner: ALEA_OWNER,
        title: "Fraud detection fine-tuning",
        justification: "Fine-tuning a transaction fraud model on card payments of our banking clients (personal data).",
        sector: "finance",
        classification: "personal",
        waiver: false,
        site: "idf-campus",
        gpu_model: "H200",
        gpus: 128,
        from: 20,
        to: 50,
        fate: Fate::Submitted,
    },
    DemoRequest {
        project: "wind",
        requester: RHEIN_MEMBER,
        owner: RHEIN_OWNER,
        title: "Wind farm wake modelling",
        justification: "Large-eddy simulations of wake losses for three North Sea wind farms.",
        sector: "energy",
        classification: "public",
        waiver: false,
        site: "cambrai",
        gpu_model: "H200",
        gpus: 384,
        from: 0,
        to: 45,
        fate: Fate::Approved,
    },
    DemoRequest {
        project: "grid",
        requester: RHEIN_MEMBER,
        owner: RHEIN_OWNER,
        title: "Grid load forecasting",
        justification: "Day-ahead load forecasting for the distribution grid, trained on smart-meter data.",
        sector: "energy",
        classification: "personal",
        waiver: false,
        site: "idf-campus",
        gpu_model: "H200",
        gpus: 48,
        from: 10,
        to: 40,
        fate: Fate::Withdrawn,
    },
    DemoRequest {
        project: "radiology",
        requester: HOSP_MEMBER,
        owner: HOSP_OWNER,
        title: "Radiology report summarisation",
        justification: "Summarising free-text radiology reports into structured findings, trained on pseudonymised reports of our three hospitals.",
        sector: "health",
        classification: "health",
        waiver: false,
        site: "idf-campus",
        gpu_model: "H100",
        gpus: 16,
        from: 20,
        to: 50,
        fate: Fate::SentBack(
            "Health data needs the DPIA before we decide: could you attach it, and say whether the reports leave the hospitals' own network?",
            "We are finishing the DPIA with our data protection officer and will attach it this week; the reports stay pseudonymised and are copied only to the campus.",
        ),
    },
];

/// Makes the demo requests through the services. Runs after [`super::demo::load_if_empty`].
pub async fn load_activity(state: &AppState) -> Result<usize, DemoError> {
    let admin = admin_actor(state).await?;
    let today = today();
    for (n, r) in REQUESTS.iter().enumerate() {
        make(state, &admin, r, today, n).await?;
    }
    Ok(REQUESTS.len())
}

async fn make(
    state: &AppState,
    admin: &AdminActor,
    r: &DemoRequest,
    today: Date,
    n: usize,
) -> Result<(), DemoError> {
    let requester = tenant_actor(state, r.requester).await?;
    let day = |d: i64| (today + Duration::days(d)).to_string();
    let project = project_id(state, &requester, r.project).await?;
    let form = RequestForm {
        id: None,
        idempotency_key: format!("demo-{n}"),
        project: project.to_string(),
        project_title: r.title.into(),
        justification: r.justification.into(),
        sector: r.sector.into(),
        classification: r.classification.into(),
        confidential_waiver: r.waiver,
        site: r.site.into(),
        gpu_model: r.gpu_model.into(),
        gpus: r.gpus.to_string(),
        start_date: day(r.from),
        end_date: day(r.to),
        expected_gpu_hours: String::new(),
    };
    let input = form
        .parse(today, state.config.max_window_months)
        .map_err(crate::server::error::ServiceError::from)?;
    let submit = !matches!(r.fate, Fate::Draft);
    let id = requests::save_request(state, &requester, &input, submit, None).await?;
    if matches!(r.fate, Fate::Draft | Fate::Submitted) {
        return Ok(());
    }
    if matches!(r.fate, Fate::Withdrawn) {
        requests::tenant_transition(state, &requester, id, Action::Withdraw, "", None).await?;
        return Ok(());
    }
    if r.requester != r.owner {
        let owner = tenant_actor(state, r.owner).await?;
        let note = "Fits the plan we agreed on.";
        requests::tenant_transition(state, &owner, id, Action::Endorse, note, None).await?;
    }
    let decision = match r.fate {
        Fate::Approved => DecisionInput {
            action: Action::Approve,
            note: String::new(),
            approved_gpus: None,
            approved_start: None,
            approved_end: None,
            expected_revision: None,
        },
        Fate::Partial(gpus, why) => DecisionInput {
            action: Action::PartiallyApprove,
            note: why.into(),
            approved_gpus: Some(
                GpuCount::new(gpus)
                    .map_err(|m| ServiceError::from(AppError::validation("approved_gpus", m)))?,
            ),
            approved_start: None,
            approved_end: None,
            expected_revision: None,
        },
        Fate::Rejected(why) => DecisionInput {
            action: Action::Reject,
            note: why.into(),
            approved_gpus: None,
            approved_start: None,
            approved_end: None,
            expected_revision: None,
        },
        Fate::SentBack(question, _) => DecisionInput {
            action: Action::SendBack,
            note: question.into(),
            approved_gpus: None,
            approved_start: None,
            approved_end: None,
            expected_revision: None,
        },
        Fate::Draft | Fate::Submitted | Fate::Endorsed | Fate::Withdrawn => return Ok(()),
    };
    requests::decide_on_request(state, admin, id, &decision, None).await?;
    if let Fate::SentBack(_, answer) = r.fate {
        // The requester answers in the conversation while amending.
        let body = CommentBody::parse(answer)
            .map_err(|m| ServiceError::from(AppError::validation("body", m)))?;
        let viewer = requests::Viewer::Tenant(requester);
        crate::server::review::post_comment(state, &viewer, id, &body, None).await?;
    }
    Ok(())
}

async fn admin_actor(state: &AppState) -> Result<AdminActor, DemoError> {
    let mut conn = state.db.acquire().await?;
    let user = find_user_by_email(&mut conn, ADMIN_EMAIL)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    Ok(AdminActor::for_demo_and_benchmarks(user.id, user.email))
}

/// The id of the project named `code` in the actor's tenant.
async fn project_id(state: &AppState, actor: &TenantActor, code: &str) -> Result<i64, DemoError> {
    let mut conn = state.db.tenant_tx(&actor.scope()).await?;
    let projects = crate::server::projects::repo::list(&mut conn, &actor.scope()).await?;
    conn.commit().await?;
    projects
        .into_iter()
        .find(|p| p.code == code)
        .map(|p| p.id)
        .ok_or(DemoError::Db(sqlx::Error::RowNotFound))
}

/// The demo person acting in their (only) tenant.
async fn tenant_actor(state: &AppState, email: &str) -> Result<TenantActor, DemoError> {
    // Platform scope: the loader looks up each demo person's membership, in any tenant.
    let mut conn = state.db.platform_tx().await?;
    let user = find_user_by_email(&mut conn, email)
        .await?
        .ok_or(sqlx::Error::RowNotFound)?;
    let tenant = memberships_of(&mut conn, user.id)
        .await?
        .into_iter()
        .next()
        .ok_or(sqlx::Error::RowNotFound)?;
    conn.commit().await?;
    TenantActor::for_demo_and_benchmarks(
        state,
        user.id,
        user.email,
        tenant.id,
        tenant.role,
        tenant.status,
    )
    .await
    .map_err(DemoError::from)
}
