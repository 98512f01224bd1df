//! Racing transitions of one request through the real router: for each pair of moves that can
//! meet (withdraw × approve, endorse × withdraw, approve × reject, a change's approval, which
//! amends its quota, × its withdrawal, and two admins deciding), 20 rounds, each on a fresh
//! request, with 64 callers at once split between the two moves. Every caller gets 200 or 409
//! (never a 5xx), contradicting moves never both succeed, the stored status is the last timeline
//! step's, every step is a move the life cycle allows, no loser wrote a step, and approved GPUs
//! are held only by granted quotas — on SQLite, and on PostgreSQL when
//! `GUICHET_TEST_DATABASE_URL` is set.

use crate::common;

use app::domain::lifecycle::{next_status, Action, Actor, RequestStatus, Role};
use axum::http::StatusCode;
use common::*;
use time::{Duration, OffsetDateTime};

const ROUNDS: usize = 20;
const CALLERS: usize = 64;

fn day(offset: i64) -> String {
    (OffsetDateTime::now_utc().date() + Duration::days(offset)).to_string()
}

/// A request form: public data at Dugny, 2 H100 for 30 days from in 100 days (20 rounds of any
/// pair fit in Dugny's H100s).
fn form(key: &str, intent: &str) -> Vec<(String, String)> {
    [
        ("idempotency_key", key.to_string()),
        ("project_title", "Racing transitions".to_string()),
        (
            "justification",
            "Checking that racing transitions of one request leave it consistent.".to_string(),
        ),
        ("sector", "research".to_string()),
        ("classification", "public".to_string()),
        ("site", "dugny".to_string()),
        ("gpu_model", "H100".to_string()),
        ("gpus", "2".to_string()),
        ("start_date", day(100)),
        ("end_date", day(130)),
        ("expected_gpu_hours", String::new()),
        ("intent", intent.to_string()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v))
    .collect()
}

async fn call(client: &mut Client, endpoint: &str, form: &[(String, String)]) -> TestResponse {
    let borrowed: Vec<(&str, &str)> = form.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect();
    client.call(endpoint, &borrowed).await
}

async fn ok_id(response: TestResponse) -> i64 {
    assert_eq!(response.status, StatusCode::OK, "{}", response.body);
    response.json().as_i64().expect("an id")
}

/// A new request of `client`'s, submitted (endorsed at once when `client` is an owner).
async fn submitted(client: &mut Client, key: &str) -> i64 {
    let mut form = form(key, "submit");
    form.push(("project".to_string(), client.first_project().await));
    ok_id(call(client, "save_request", &form).await).await
}

/// One of the two racing moves: an endpoint, its fields besides the id, and who calls it.
#[derive(Clone)]
struct Move {
    name: &'static str,
    endpoint: &'static str,
    fields: Vec<(String, String)>,
    client: Client,
}

impl Move {
    fn new(
        name: &'static str,
        endpoint: &'static str,
        fields: &[(&str, &str)],
        client: &Client,
    ) -> Self {
        Self {
            name,
            endpoint,
            fields: fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            client: client.clone(),
        }
    }
}

/// What one pair's rounds added up to.
#[derive(Default, Debug)]
struct Tally {
    wins: [usize; 2],
    conflicts: usize,
    both_won: usize,
}

/// Runs `CALLERS` callers at once on request `id`, alternating between the two moves; answers how
/// many of each won (200); every other caller must get 409 with a message.
async fn race(id: i64, moves: &[Move; 2], tally: &mut Tally) -> [usize; 2] {
    let mut tasks = Vec::new();
    for n in 0..CALLERS {
        let side = n % 2;
        let mut m = moves[side].clone();
        tasks.push(tokio::spawn(async move {
            let mut fields = vec![("id".to_string(), id.to_string())];
            fields.extend(m.fields.clone());
            (side, call(&mut m.client, m.endpoint, &fields).await)
        }));
    }
    let mut wins = [0; 2];
    for task in tasks {
        let (side, response) = task.await.unwrap();
        match response.status {
            StatusCode::OK => wins[side] += 1,
            StatusCode::CONFLICT => {
                tally.conflicts += 1;
                let text = response.json()["message"]
                    .as_str()
                    .unwrap_or_default()
                    .to_string();
                assert!(
                    !text.is_empty(),
                    "{}: a 409 without a message: {}",
                    moves[side].name,
                    response.body
                );
            }
            other => panic!(
                "{} on {}: unexpected {other}: {}",
                moves[side].name,
                backend_name(),
                response.body
            ),
        }
    }
    for (total, won) in tally.wins.iter_mut().zip(wins) {
        *total += won;
    }
    if wins[0] > 0 && wins[1] > 0 {
        tally.both_won += 1;
    }
    wins
}

/// Whether the life cycle allows `from → to` for someone: any action by any kind of actor.
fn allowed(from: RequestStatus, to: RequestStatus) -> bool {
    let roles = [
        None,
        Some(Role::Owner),
        Some(Role::Member),
        Some(Role::Auditor),
    ];
    Action::ALL.iter().any(|&action| {
        roles.iter().any(|&role| {
            [false, true].iter().any(|&admin| {
                [false, true].iter().any(|&requester| {
                    next_status(from, action, &Actor::new(role, admin, requester)) == Ok(to)
                })
            })
        })
    })
}

/// The request's stored status and grant.
async fn stored(app: &TestApp, id: i64) -> (String, Option<i64>) {
    sqlx::query_as("SELECT status, approved_gpus FROM quota_requests WHERE id = $1")
        .bind(id)
        .fetch_one(app.owner_pool())
        .await
        .unwrap()
}

/// Its timeline steps, oldest first: (from, to, note).
async fn steps(app: &TestApp, id: i64) -> Vec<(Option<String>, String, String)> {
    sqlx::query_as(
        "SELECT from_status, to_status, note FROM request_events WHERE request_id = $1 ORDER BY id",
    )
    .bind(id)
    .fetch_all(app.owner_pool())
    .await
    .unwrap()
}

/// The stored status is the last step's; every step is a move the life cycle allows (a creation
/// into draft, or — `amendments` — a quota's own amendment, which keeps its status); answers the
/// steps' statuses.
async fn check_timeline(app: &TestApp, id: i64, amendments: bool) -> Vec<String> {
    let (status, approved_gpus) = stored(app, id).await;
    let steps = steps(app, id).await;
    let last = steps.last().expect("a timeline");
    assert_eq!(
        status,
        last.1,
        "request {id} on {}: {steps:?}",
        backend_name()
    );
    for (from, to, note) in &steps {
        let to_status = RequestStatus::parse(to).unwrap();
        match from {
            None => assert_eq!(to_status, RequestStatus::Draft, "request {id}: {steps:?}"),
            Some(from) => {
                let from_status = RequestStatus::parse(from).unwrap();
                let amendment = amendments
                    && from_status == to_status
                    && to_status.grants_quota()
                    && note.starts_with("Amended by change request");
                assert!(
                    amendment || allowed(from_status, to_status),
                    "request {id}: the timeline records {from} → {to}, which the life cycle forbids: {steps:?}"
                );
            }
        }
    }
    let status = RequestStatus::parse(&status).unwrap();
    if approved_gpus.is_some() {
        assert!(
            status.grants_quota(),
            "request {id} is {status:?} yet holds {approved_gpus:?} GPUs"
        );
    }
    steps.into_iter().map(|(_, to, _)| to).collect()
}

/// Across the whole database: GPUs are held only by approved or partially approved requests.
async fn check_no_stray_grants(app: &TestApp) {
    let (stray,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM quota_requests WHERE approved_gpus IS NOT NULL \
         AND status NOT IN ('approved', 'partially_approved')",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(
        stray,
        0,
        "requests hold GPUs without a grant on {}",
        backend_name()
    );
    app.assert_pool_days_agree().await;
}

fn report(pair: &str, moves: &[Move; 2], tally: &Tally) {
    println!(
        "{pair} on {}: {ROUNDS} rounds × {CALLERS} callers: {} {} and {} {} won, {} got 409, both sides won in {} rounds",
        backend_name(),
        tally.wins[0],
        moves[0].name,
        tally.wins[1],
        moves[1].name,
        tally.conflicts,
        tally.both_won
    );
}

/// An endorsed request withdrawn by its owner while admins approve it: one side wins; a
/// withdrawn request never holds GPUs.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn withdraw_races_approve() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let admin = app.signed_in(ADMIN).await;
    let moves = [
        Move::new("withdraw", "withdraw_request", &[], &owner),
        Move::new(
            "approve",
            "decide_request",
            &[("decision", "approve")],
            &admin,
        ),
    ];
    let mut tally = Tally::default();
    for round in 0..ROUNDS {
        let id = submitted(&mut owner, &format!("wa-{round}")).await;
        let wins = race(id, &moves, &mut tally).await;
        assert_eq!(wins.iter().sum::<usize>(), 1, "round {round}: {wins:?}");
        let statuses = check_timeline(&app, id, false).await;
        let last = if wins[0] == 1 {
            "withdrawn"
        } else {
            "approved"
        };
        assert_eq!(statuses, ["draft", "endorsed", last], "round {round}");
    }
    check_no_stray_grants(&app).await;
    report("withdraw × approve", &moves, &tally);
}

/// A member's submitted request endorsed by owners while the member withdraws it. A withdrawal
/// after an endorsement is allowed, so both may win, but then in that order; each at most once.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn endorse_races_withdraw() {
    let app = TestApp::with_demo().await;
    let owner = app.signed_in(UNIV_OWNER).await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let moves = [
        Move::new("endorse", "endorse_request", &[], &owner),
        Move::new("withdraw", "withdraw_request", &[], &member),
    ];
    let mut tally = Tally::default();
    for round in 0..ROUNDS {
        let id = submitted(&mut member, &format!("ew-{round}")).await;
        let wins = race(id, &moves, &mut tally).await;
        assert!(wins[0] <= 1 && wins[1] == 1, "round {round}: {wins:?}");
        let statuses = check_timeline(&app, id, false).await;
        let expected: &[&str] = if wins[0] == 1 {
            &["draft", "submitted", "endorsed", "withdrawn"]
        } else {
            &["draft", "submitted", "withdrawn"]
        };
        assert_eq!(statuses, expected, "round {round}");
    }
    check_no_stray_grants(&app).await;
    report("endorse × withdraw", &moves, &tally);
}

/// Admins approving and rejecting the same endorsed request at once: one decision only.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn approve_races_reject() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let admin = app.signed_in(ADMIN).await;
    let moves = [
        Move::new(
            "approve",
            "decide_request",
            &[("decision", "approve")],
            &admin,
        ),
        Move::new(
            "reject",
            "decide_request",
            &[("decision", "reject"), ("note", "Not this quarter.")],
            &admin,
        ),
    ];
    let mut tally = Tally::default();
    for round in 0..ROUNDS {
        let id = submitted(&mut owner, &format!("ar-{round}")).await;
        let wins = race(id, &moves, &mut tally).await;
        assert_eq!(wins.iter().sum::<usize>(), 1, "round {round}: {wins:?}");
        let statuses = check_timeline(&app, id, false).await;
        let last = if wins[0] == 1 { "approved" } else { "rejected" };
        assert_eq!(statuses, ["draft", "endorsed", last], "round {round}");
        let (_, gpus) = stored(&app, id).await;
        assert_eq!(gpus.is_some(), wins[0] == 1, "round {round}");
    }
    check_no_stray_grants(&app).await;
    report("approve × reject", &moves, &tally);
}

/// Two admins deciding at once, one approving in full and one in part: one decision only, and
/// the grant is the winner's.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn two_admins_decide_at_once() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let admin = app.signed_in(ADMIN).await;
    let moves = [
        Move::new(
            "approve",
            "decide_request",
            &[("decision", "approve")],
            &admin,
        ),
        Move::new(
            "approve in part",
            "decide_request",
            &[
                ("decision", "partially_approve"),
                ("approved_gpus", "1"),
                ("note", "One now; ask again later."),
            ],
            &admin,
        ),
    ];
    let mut tally = Tally::default();
    for round in 0..ROUNDS {
        let id = submitted(&mut owner, &format!("aa-{round}")).await;
        let wins = race(id, &moves, &mut tally).await;
        assert_eq!(wins.iter().sum::<usize>(), 1, "round {round}: {wins:?}");
        let statuses = check_timeline(&app, id, false).await;
        let (last, gpus) = if wins[0] == 1 {
            ("approved", 2)
        } else {
            ("partially_approved", 1)
        };
        assert_eq!(statuses, ["draft", "endorsed", last], "round {round}");
        assert_eq!(stored(&app, id).await.1, Some(gpus), "round {round}");
    }
    check_no_stray_grants(&app).await;
    report("approve × approve in part", &moves, &tally);
}

/// A change of an approved quota (2 → 3 GPUs), approved by admins — which amends the quota —
/// while its owner withdraws it. One side wins; the quota is amended exactly when the change is
/// approved (3 GPUs and one amendment step), and left untouched when it is withdrawn.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn a_change_amending_its_quota_races_its_withdrawal() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let mut admin = app.signed_in(ADMIN).await;
    let moves = [
        Move::new(
            "approve (amend)",
            "decide_request",
            &[("decision", "approve")],
            &admin,
        ),
        Move::new("withdraw", "withdraw_request", &[], &owner),
    ];
    let mut tally = Tally::default();
    for round in 0..ROUNDS {
        let quota = submitted(&mut owner, &format!("am-{round}")).await;
        let approve = admin
            .call(
                "decide_request",
                &[("id", &quota.to_string()), ("decision", "approve")],
            )
            .await;
        assert_eq!(approve.status, StatusCode::OK, "{}", approve.body);
        let change = ok_id(
            owner
                .call(
                    "amend_quota",
                    &[
                        ("id", &quota.to_string()),
                        ("kind", "change"),
                        ("idempotency_key", &format!("am-change-{round}")),
                        ("gpus", "3"),
                    ],
                )
                .await,
        )
        .await;
        let wins = race(change, &moves, &mut tally).await;
        assert_eq!(wins.iter().sum::<usize>(), 1, "round {round}: {wins:?}");
        let statuses = check_timeline(&app, change, false).await;
        let last = if wins[0] == 1 {
            "approved"
        } else {
            "withdrawn"
        };
        assert_eq!(statuses, ["draft", "endorsed", last], "round {round}");
        // An approved change holds no GPUs itself: the quota it amends does.
        assert_eq!(stored(&app, change).await.1, None, "round {round}");
        let quota_steps = check_timeline(&app, quota, true).await;
        let (gpus, expected): (i64, &[&str]) = if wins[0] == 1 {
            (3, &["draft", "endorsed", "approved", "approved"])
        } else {
            (2, &["draft", "endorsed", "approved"])
        };
        assert_eq!(quota_steps, expected, "round {round}");
        assert_eq!(
            stored(&app, quota).await,
            ("approved".to_string(), Some(gpus))
        );
    }
    check_no_stray_grants(&app).await;
    report("amend × withdraw", &moves, &tally);
}
