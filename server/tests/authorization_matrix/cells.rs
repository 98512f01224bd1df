//! Running the cells and judging what they answer.

use std::sync::Arc;

use tokio::sync::Semaphore;

use crate::common::*;
use crate::{fixtures::*, matrix::*};

// ---------------------------------------------------------------------------------------------
// Running the cells.
// ---------------------------------------------------------------------------------------------

pub(crate) type Observed = Result<TestResponse, String>;

/// A cell that hangs fails rather than holding up the whole matrix.
pub(crate) const CELL_TIMEOUT: std::time::Duration = std::time::Duration::from_secs(30);

pub(crate) async fn run_cell(
    app: &TestApp,
    row: &Row,
    prepared: &Prepared,
    actor: Actor,
) -> Observed {
    let mut client = match actor.email() {
        None => app.anon(),
        Some(email) => sign_in(app, email).await?,
    };
    let request = async {
        match prepared {
            Prepared::Call(fields) => call(&mut client, &row.name, fields).await,
            Prepared::Get(path) => client.get(path).await,
            Prepared::Post(path) => client.post_form(path, &[]).await,
            Prepared::Upload(path) => {
                let pdf = crate::common::review::FilePart::pdf();
                let body = crate::common::review::multipart_body(Some("dpia"), Some(&pdf));
                client.post_multipart(path, body, false).await
            }
        }
    };
    tokio::time::timeout(CELL_TIMEOUT, request)
        .await
        .map_err(|_| format!("no answer within {CELL_TIMEOUT:?}"))
}

/// Runs `actors` of `row` on one fresh demo database.
pub(crate) async fn run_on_fresh_app(row: &Row, actors: &[Actor]) -> Vec<(Actor, Observed)> {
    let app = TestApp::with_demo().await;
    let prepared = match prepare(&app, row).await {
        Ok(p) => p,
        Err(e) => return actors.iter().map(|a| (*a, Err(e.clone()))).collect(),
    };
    let mut out = Vec::with_capacity(actors.len());
    for actor in actors {
        out.push((*actor, run_cell(&app, row, &prepared, *actor).await));
    }
    out
}

pub(crate) enum Verdict {
    Pass,
    Known(String),
    Fail(String),
}

pub(crate) fn excerpt(body: &str) -> String {
    let body = body.trim();
    if body.chars().count() > 600 {
        format!("{}…", body.chars().take(600).collect::<String>())
    } else {
        body.to_string()
    }
}

pub(crate) fn judge(row: &Row, actor: Actor, observed: &Observed) -> Verdict {
    let cell = row.cells[ACTORS.iter().position(|a| *a == actor).expect("an actor")];
    let what = format!(
        "`{}` (docs/authorization.md line {}) as {}",
        row.name,
        row.line,
        actor.column()
    );
    let response = match observed {
        Ok(r) => r,
        Err(e) => return Verdict::Fail(format!("{what}: {e}")),
    };
    let status = response.status;
    let seen = Outcome::observed_response(response);
    match cell.code {
        _ if cell.rule == seen => Verdict::Pass,
        Some(code) if code == seen => Verdict::Known(format!(
            "{what}: the rules say {}, the code answers {status}",
            cell.rule
        )),
        _ => Verdict::Fail(format!(
            "{what}: expected {}{}, got {status}\n    body: {}",
            cell.rule,
            cell.code
                .map(|c| format!(" (or {c}, as noted)"))
                .unwrap_or_default(),
            excerpt(&response.body)
        )),
    }
}

pub(crate) fn panic_message(e: tokio::task::JoinError) -> String {
    if !e.is_panic() {
        return format!("the task ended: {e}");
    }
    let payload = e.into_panic();
    payload
        .downcast_ref::<String>()
        .cloned()
        .or_else(|| payload.downcast_ref::<&str>().map(|s| s.to_string()))
        .unwrap_or_else(|| "a panic".to_string())
}

// On a multi-threaded runtime some page renders hang (a `Resource` of a streamed page panics in
// `current_user()` with "expected context of type AppState"); reported, not this test's to fix.
// The cells still run concurrently here, interleaved on one thread, as the other suites run.
#[tokio::test]
pub(crate) async fn every_cell_of_the_matrix_holds() {
    let rows = Arc::new(matrix());
    assert!(!rows.is_empty(), "the matrix has no rows");
    let permits = std::env::var("MATRIX_CONCURRENCY")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(6);
    let limit = Arc::new(Semaphore::new(permits));

    // One task per database: a read-only row shares one database among its six actors, a
    // state-changing row has one database per actor.
    let mut tasks = Vec::new();
    for (index, row) in rows.iter().enumerate() {
        let groups: Vec<Vec<Actor>> = if is_read_only(row) {
            vec![ACTORS.to_vec()]
        } else {
            ACTORS.iter().map(|a| vec![*a]).collect()
        };
        for actors in groups {
            let (rows, limit) = (rows.clone(), limit.clone());
            let group = actors.clone();
            let handle = tokio::spawn(async move {
                let _permit = limit.acquire_owned().await.expect("the semaphore");
                run_on_fresh_app(&rows[index], &group).await
            });
            tasks.push((index, actors, handle));
        }
    }

    let mut observed: Vec<Vec<Option<Observed>>> = rows
        .iter()
        .map(|_| ACTORS.iter().map(|_| None).collect())
        .collect();
    for (index, actors, handle) in tasks {
        let results = match handle.await {
            Ok(results) => results,
            Err(e) => {
                let message = panic_message(e);
                actors.iter().map(|a| (*a, Err(message.clone()))).collect()
            }
        };
        for (actor, result) in results {
            let column = ACTORS.iter().position(|a| *a == actor).expect("an actor");
            observed[index][column] = Some(result);
        }
    }

    let mut failures = Vec::new();
    let mut known = Vec::new();
    let mut printed = Vec::new();
    for (row, cells) in rows.iter().zip(&observed) {
        let mut line = format!("| `{}` |", row.name);
        for (actor, cell) in ACTORS.iter().zip(cells) {
            let cell = cell.as_ref().expect("every cell ran");
            line.push_str(&match cell {
                Ok(r) => format!(" {} |", Outcome::observed_response(r)),
                Err(_) => " error |".to_string(),
            });
            match judge(row, *actor, cell) {
                Verdict::Pass => {}
                Verdict::Known(note) => known.push(note),
                Verdict::Fail(message) => failures.push(message),
            }
        }
        printed.push(line);
    }
    if std::env::var_os("MATRIX_PRINT").is_some() {
        println!("Observed outcomes:\n{}", printed.join("\n"));
    }
    for note in &known {
        eprintln!("known disagreement: {note}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} cells of the authorization matrix failed ({}):\n  {}",
        failures.len(),
        rows.len() * ACTORS.len(),
        backend_name(),
        failures.join("\n  ")
    );
}
