//! The site agent's routes: its site's desired scheduler state (JSON with a revision and an
//! `ETag`, a `sacctmgr` script, Kueue YAML) and the upload of its site's accounting records. Only
//! an agent credential (`gsa_…`) of that very site opens them: a personal token is refused (403),
//! another site's agent gets 404, as for a site it cannot know.

use axum::{
    body::Body,
    extract::{FromRef, FromRequestParts, State},
    http::{header, request::Parts, HeaderMap, HeaderValue, StatusCode},
    response::{IntoResponse, Response},
    Json,
};
use futures::StreamExt as _;
use serde::Deserialize;
use utoipa::ToSchema;

use super::{
    body::PathParam,
    caller::{admit, bearer_of},
    problem::ApiError,
};
use crate::domain::scheduler::{kueue_yaml, sacctmgr_script, SiteState};
use crate::domain::usage::{parse_sacct_line, Line};
use crate::error::AppError;
use crate::server::{
    db::now_unix,
    requests::today,
    scheduler,
    site_agents::{self, SiteAgent},
    state::AppState,
    usage::{Ingest, CHUNK_LINES, MAX_LINE_BYTES},
};
use crate::wire::usage::IngestReport;

/// The authenticated agent of a route.
pub struct AgentCaller(pub SiteAgent);

impl<S> FromRequestParts<S> for AgentCaller
where
    S: Send + Sync,
    AppState: FromRef<S>,
{
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, state: &S) -> Result<Self, Self::Rejection> {
        let state = AppState::from_ref(state);
        let (authorization, ip) = bearer_of(parts);
        let agent = site_agents::authenticate(&state, authorization, ip.as_deref()).await?;
        // Agents share the API's rate limiter, under ids no personal token has.
        admit(&state, -agent.agent_id)?;
        Ok(Self(agent))
    }
}

async fn state_of(state: &AppState, agent: &SiteAgent, site: &str) -> Result<SiteState, ApiError> {
    let agent = agent.of_site(site)?;
    Ok(scheduler::site_state(state, agent, now_unix(), today()).await?)
}

/// The state's `ETag`, and whether the caller already holds it (`If-None-Match`).
fn etag(headers: &HeaderMap, state: &SiteState, kind: &str) -> (HeaderValue, bool) {
    let tag = format!("\"{}-{kind}\"", state.revision);
    let fresh = headers
        .get(header::IF_NONE_MATCH)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|v| v.split(',').any(|t| t.trim() == tag || t.trim() == "*"));
    (
        HeaderValue::from_str(&tag).unwrap_or(HeaderValue::from_static("\"\"")),
        fresh,
    )
}

fn answer(
    headers: &HeaderMap,
    state: &SiteState,
    kind: &str,
    content_type: &'static str,
    body: String,
) -> Response {
    let (tag, fresh) = etag(headers, state, kind);
    if fresh {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, tag)]).into_response();
    }
    (
        [
            (header::ETAG, tag),
            (header::CONTENT_TYPE, HeaderValue::from_static(content_type)),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        body,
    )
        .into_response()
}

/// The desired scheduler state of the agent's site: an account per project under a parent per
/// tenant, each with its GPU limits per model and its users. `revision` (also the `ETag`) changes
/// exactly when the state does; `If-None-Match` answers 304.
#[utoipa::path(get, path = "/agent/sites/{site}/state", tag = "site agents",
    params(("site" = String, Path, description = "The agent's site (slug)")),
    responses(
        (status = 200, description = "The desired state", content_type = "application/json"),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 404, description = "Not this agent's site", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("agent" = [])))]
pub async fn desired_state(
    State(state): State<AppState>,
    AgentCaller(agent): AgentCaller,
    PathParam(site): PathParam<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let s = state_of(&state, &agent, &site).await?;
    let body = serde_json::to_string(&s).map_err(|_| AppError::Internal)?;
    Ok(answer(&headers, &s, "json", "application/json", body))
}

/// The state of the agent's site rendered by `render`, with its `ETag` (suffixed `kind`).
async fn rendered(
    state: &AppState,
    agent: &SiteAgent,
    site: &str,
    headers: &HeaderMap,
    (kind, content_type): (&str, &'static str),
    render: fn(&SiteState) -> String,
) -> Result<Response, ApiError> {
    let s = state_of(state, agent, site).await?;
    Ok(answer(headers, &s, kind, content_type, render(&s)))
}

/// The state as a POSIX shell script of `sacctmgr` commands that converges the cluster: dry run
/// by default, `--apply` to change it; a second run changes nothing.
#[utoipa::path(get, path = "/agent/sites/{site}/slurm.sh", tag = "site agents",
    params(("site" = String, Path, description = "The agent's site (slug)")),
    responses(
        (status = 200, description = "The script", content_type = "text/x-shellscript"),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 404, description = "Not this agent's site", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("agent" = [])))]
pub async fn slurm_script(
    State(state): State<AppState>,
    AgentCaller(agent): AgentCaller,
    PathParam(site): PathParam<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let shell = ("sh", "text/x-shellscript; charset=utf-8");
    rendered(&state, &agent, &site, &headers, shell, sacctmgr_script).await
}

/// The state as Kueue objects (`ResourceFlavor`, `ClusterQueue`, `LocalQueue`), in YAML.
#[utoipa::path(get, path = "/agent/sites/{site}/kueue.yaml", tag = "site agents",
    params(("site" = String, Path, description = "The agent's site (slug)")),
    responses(
        (status = 200, description = "The objects", content_type = "application/yaml"),
        (status = 304, description = "Unchanged since the ETag sent"),
        (status = 404, description = "Not this agent's site", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("agent" = [])))]
pub async fn kueue_objects(
    State(state): State<AppState>,
    AgentCaller(agent): AgentCaller,
    PathParam(site): PathParam<String>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let yaml = ("yaml", "application/yaml; charset=utf-8");
    rendered(&state, &agent, &site, &headers, yaml, kueue_yaml).await
}

/// One accounting record as JSON: the same fields as a `sacct` line.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UsageRecord {
    pub job_id: String,
    pub cluster: String,
    pub account: String,
    pub user: String,
    /// `YYYY-MM-DDTHH:MM:SS`, UTC; `Unknown` for a job not started.
    pub start: String,
    /// Absent or `Unknown` while the job runs.
    #[serde(default)]
    pub end: Option<String>,
    pub state: String,
    pub elapsed_seconds: i64,
    /// Slurm's `AllocTRES`, e.g. `cpu=1,gres/gpu:h100=2,gres/gpu=2`.
    pub alloc_tres: String,
}

impl UsageRecord {
    fn check(&self, now: i64) -> Result<Line, String> {
        let end = self.end.as_deref().unwrap_or("Unknown");
        let fields = [
            self.job_id.as_str(),
            &self.cluster,
            &self.account,
            &self.user,
            &self.start,
            end,
            &self.state,
            &self.elapsed_seconds.to_string(),
            &self.alloc_tres,
        ];
        if fields.iter().any(|f| f.contains(['|', '\n'])) {
            return Err("A field holds “|” or a line break.".into());
        }
        parse_sacct_line(&fields.join("|"), now)
    }
}

/// Posts the site's accounting records: the lines of
/// `TZ=UTC sacct --allocations --parsable2 --noheader --format=JobIDRaw,Cluster,Account,User,Start,End,State,ElapsedRaw,AllocTRES`
/// as `text/plain` (streamed: any size, bounded memory), or a JSON array of records (at most
/// 1 MiB). A job is counted once per (site, cluster, job id): a resent or later record replaces
/// the earlier. Lines refused come back one by one with their reason; the others are kept.
#[utoipa::path(post, path = "/agent/sites/{site}/usage", tag = "site agents",
    params(("site" = String, Path, description = "The agent's site (slug)")),
    request_body(content = Vec<UsageRecord>, description = "JSON records, or the sacct lines as text/plain"),
    responses(
        (status = 200, description = "What was recorded and what was refused", content_type = "application/json"),
        (status = 404, description = "Not this agent's site", body = super::problem::Problem, content_type = "application/problem+json"),
    ),
    security(("agent" = [])))]
pub async fn post_usage(
    State(state): State<AppState>,
    AgentCaller(agent): AgentCaller,
    PathParam(site): PathParam<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Json<IngestReport>, ApiError> {
    let agent = agent.of_site(&site)?.clone();
    let media = headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .map(|v| {
            v.split(';')
                .next()
                .unwrap_or("")
                .trim()
                .to_ascii_lowercase()
        })
        .unwrap_or_default();
    let now = now_unix();
    let mut ingest = Ingest::start(&state, &agent, now).await?;
    match media.as_str() {
        "text/plain" | "text/csv" => {
            let mut lines = LineReader::default();
            let mut stream = body.into_data_stream();
            while let Some(bytes) = stream.next().await {
                let bytes =
                    bytes.map_err(|_| AppError::bad_request("The upload was cut short."))?;
                lines.push(&bytes);
                while lines.ready() >= CHUNK_LINES {
                    ingest.chunk(lines.take(CHUNK_LINES)).await?;
                }
            }
            lines.finish();
            ingest.chunk(lines.take(usize::MAX)).await?;
        }
        "application/json" => {
            let bytes = axum::body::to_bytes(body, crate::error::BODY_LIMIT_BYTES)
                .await
                .map_err(|_| AppError::PayloadTooLarge {
                    limit_bytes: crate::error::BODY_LIMIT_BYTES as u64,
                })?;
            let records: Vec<UsageRecord> = serde_json::from_slice(&bytes).map_err(|e| {
                AppError::validation("body", format!("The body is not a list of records: {e}"))
            })?;
            for chunk in records.chunks(CHUNK_LINES).enumerate() {
                let (i, chunk) = chunk;
                let checked = chunk
                    .iter()
                    .enumerate()
                    .map(|(j, r)| ((i * CHUNK_LINES + j + 1) as u64, r.check(now)))
                    .collect();
                ingest.records(checked).await?;
            }
        }
        _ => return Err(AppError::UnsupportedMediaType.into()),
    }
    Ok(Json(ingest.finish()))
}

/// Splits a byte stream into numbered lines of at most [`MAX_LINE_BYTES`]: a longer line, or one
/// that is not UTF-8, is an `Err` (and skipped to its end); blank lines are dropped.
#[derive(Default)]
struct LineReader {
    partial: Vec<u8>,
    overlong: bool,
    number: u64,
    lines: std::collections::VecDeque<(u64, Result<String, String>)>,
}

impl LineReader {
    fn push(&mut self, bytes: &[u8]) {
        for piece in bytes.split_inclusive(|b| *b == b'\n') {
            let (text, ends) = match piece.strip_suffix(b"\n") {
                Some(text) => (text, true),
                None => (piece, false),
            };
            if !self.overlong {
                if self.partial.len() + text.len() > MAX_LINE_BYTES {
                    self.overlong = true;
                    self.partial.clear();
                } else {
                    self.partial.extend_from_slice(text);
                }
            }
            if ends {
                self.end_line();
            }
        }
    }

    fn end_line(&mut self) {
        self.number += 1;
        let line = if self.overlong {
            Some(Err(format!(
                "The line is longer than {MAX_LINE_BYTES} bytes."
            )))
        } else if self.partial.iter().all(u8::is_ascii_whitespace) {
            None
        } else {
            Some(
                String::from_utf8(std::mem::take(&mut self.partial))
                    .map_err(|_| "The line is not UTF-8 text.".to_owned()),
            )
        };
        if let Some(line) = line {
            self.lines.push_back((self.number, line));
        }
        self.partial.clear();
        self.overlong = false;
    }

    /// Ends the last line if the stream did not.
    fn finish(&mut self) {
        if !self.partial.is_empty() || self.overlong {
            self.end_line();
        }
    }

    fn ready(&self) -> usize {
        self.lines.len()
    }

    fn take(&mut self, n: usize) -> Vec<(u64, Result<String, String>)> {
        let n = n.min(self.lines.len());
        self.lines.drain(..n).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::LineReader;

    #[test]
    fn lines_are_numbered_across_chunks_and_overlong_ones_refused() {
        let mut r = LineReader::default();
        r.push(b"a|b\n\nc");
        r.push(b"d\n");
        r.push(&vec![b'x'; 5000]);
        r.push(b"\nlast");
        r.finish();
        let lines = r.take(usize::MAX);
        assert_eq!(lines[0], (1, Ok("a|b".to_owned())));
        assert_eq!(lines[1], (3, Ok("cd".to_owned())));
        assert_eq!(lines[2].0, 4);
        assert!(lines[2].1.is_err());
        assert_eq!(lines[3], (5, Ok("last".to_owned())));
    }
}
