//! Prometheus metrics (issue 15): one process-wide registry, the functions the rest of the
//! backend calls to count what it does, the middleware that times every HTTP request, and
//! [`render`], which the metrics listener (`GUICHET_METRICS_ADDR`, never the public address)
//! serves at `/metrics`. Every metric is listed in `docs/metrics.md`.
//!
//! Labels come from small fixed sets only: a route is axum's matched path (`/requests/{id}`,
//! never `/requests/42`), a method one of the standard ones, a rule a residency rule id. No
//! label ever carries an id, an address or anything a client chose freely.

use std::{sync::OnceLock, time::Instant};

use axum::{
    extract::{MatchedPath, Request, State},
    middleware::Next,
    response::{IntoResponse, Response},
    routing::get,
    Router,
};
use prometheus_client::{
    encoding::{text::encode, EncodeLabelSet},
    metrics::{counter::Counter, family::Family, gauge::Gauge, histogram::Histogram},
    registry::{Registry, Unit},
};

use super::state::AppState;

/// Where the metrics listener serves the metrics.
pub const PATH: &str = "/metrics";

/// The content type of [`render`]'s text.
pub const CONTENT_TYPE: &str = "application/openmetrics-text; version=1.0.0; charset=utf-8";

/// The route label of a request that matched no route (static files, unknown paths).
pub const UNMATCHED: &str = "unmatched";

/// Upper bounds of the HTTP latency buckets, in seconds: pages aim at a p99 under 5 ms
/// (`docs/performance.md`); [`super::router::REQUEST_TIMEOUT`] cuts at 30 s.
const HTTP_BUCKETS: [f64; 14] = [
    0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0,
];

/// Upper bounds of the job duration buckets, in seconds: from a quick sweep to a long backup.
const JOB_BUCKETS: [f64; 10] = [0.01, 0.05, 0.1, 0.5, 1.0, 5.0, 10.0, 60.0, 300.0, 1800.0];

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct RouteLabels {
    route: String,
    method: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ResponseLabels {
    route: String,
    method: &'static str,
    status: u16,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobLabels {
    job: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct JobRunLabels {
    job: String,
    outcome: &'static str,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct DecisionLabels {
    outcome: String,
    rule: String,
}

#[derive(Clone, Debug, Hash, PartialEq, Eq, EncodeLabelSet)]
struct ReasonLabels {
    reason: String,
}

type HistogramFamily<L> = Family<L, Histogram, fn() -> Histogram>;

fn http_histogram() -> Histogram {
    Histogram::new(HTTP_BUCKETS)
}

fn job_histogram() -> Histogram {
    Histogram::new(JOB_BUCKETS)
}

/// The registry and a handle on each metric in it (handles share their values with it).
struct Metrics {
    registry: Registry,
    http_duration: HistogramFamily<RouteLabels>,
    http_responses: Family<ResponseLabels, Counter>,
    db_connections: Gauge,
    db_idle: Gauge,
    job_runs: Family<JobRunLabels, Counter>,
    job_duration: HistogramFamily<JobLabels>,
    mail_queue_depth: Gauge,
    mail_failed: Gauge,
    mails_sent: Counter,
    decisions: Family<DecisionLabels, Counter>,
    sign_in_failures: Family<ReasonLabels, Counter>,
}

impl Metrics {
    fn new() -> Self {
        let mut m = Self {
            registry: Registry::with_prefix("guichet"),
            http_duration: Family::new_with_constructor(http_histogram as fn() -> Histogram),
            http_responses: Family::default(),
            db_connections: Gauge::default(),
            db_idle: Gauge::default(),
            job_runs: Family::default(),
            job_duration: Family::new_with_constructor(job_histogram as fn() -> Histogram),
            mail_queue_depth: Gauge::default(),
            mail_failed: Gauge::default(),
            mails_sent: Counter::default(),
            decisions: Family::default(),
            sign_in_failures: Family::default(),
        };
        let r = &mut m.registry;
        r.register_with_unit(
            "http_request_duration",
            "Time to answer an HTTP request (until its headers), by matched route and method",
            Unit::Seconds,
            m.http_duration.clone(),
        );
        r.register(
            "http_responses",
            "HTTP responses, by matched route, method and status",
            m.http_responses.clone(),
        );
        r.register(
            "db_pool_connections",
            "Database connections open in this instance's pool (in use or idle)",
            m.db_connections.clone(),
        );
        r.register(
            "db_pool_idle",
            "Database connections of the pool open and idle",
            m.db_idle.clone(),
        );
        r.register(
            "job_runs",
            "Background job runs, by job and outcome (ok or failed)",
            m.job_runs.clone(),
        );
        r.register_with_unit(
            "job_duration",
            "Time a background job run took, by job",
            Unit::Seconds,
            m.job_duration.clone(),
        );
        r.register(
            "mail_queue_depth",
            "E-mails waiting in the outbox to be sent",
            m.mail_queue_depth.clone(),
        );
        r.register(
            "mail_failed",
            "E-mails of the outbox that failed for good",
            m.mail_failed.clone(),
        );
        r.register("mails_sent", "E-mails sent", m.mails_sent.clone());
        r.register(
            "decisions",
            "Decisions on quota requests, by outcome (approved, approved_in_part, rejected, \
             refused) and residency rule (the failed rule of a refusal, else none)",
            m.decisions.clone(),
        );
        r.register(
            "sign_in_failures",
            "Refused sign-ins, by reason (wrong_password, unknown_account, throttled, incomplete, disabled, oidc_*)",
            m.sign_in_failures.clone(),
        );
        m
    }
}

fn metrics() -> &'static Metrics {
    static METRICS: OnceLock<Metrics> = OnceLock::new();
    METRICS.get_or_init(Metrics::new)
}

/// A background job ran: counted by outcome (`ok` or `failed`) and timed.
pub fn job_run(job: &str, ok: bool, seconds: f64) {
    let m = metrics();
    m.job_runs
        .get_or_create(&JobRunLabels {
            job: job.to_owned(),
            outcome: if ok { "ok" } else { "failed" },
        })
        .inc();
    m.job_duration
        .get_or_create(&JobLabels {
            job: job.to_owned(),
        })
        .observe(seconds);
}

/// The outbox as last seen: e-mails `waiting` to be sent, and those `failed` for good.
pub fn mail_queue_depth(waiting: i64, failed: i64) {
    let m = metrics();
    m.mail_queue_depth.set(waiting);
    m.mail_failed.set(failed);
}

/// `n` e-mails were sent.
pub fn mail_sent(n: u64) {
    metrics().mails_sent.inc_by(n);
}

/// A decision on a quota request was made (or refused): `outcome` is `approved`,
/// `approved_in_part`, `rejected` or `refused`; `rule` the residency rule id that refused it
/// (one call per failed rule), `None` otherwise.
pub fn decision(outcome: &str, rule: Option<&str>) {
    metrics()
        .decisions
        .get_or_create(&DecisionLabels {
            outcome: outcome.to_owned(),
            rule: rule.unwrap_or("none").to_owned(),
        })
        .inc();
}

/// A sign-in was refused: `reason` is `wrong_password`, `unknown_account`, `throttled`, `disabled` or
/// `incomplete` (an empty e-mail or password).
pub fn sign_in_failure(reason: &str) {
    metrics()
        .sign_in_failures
        .get_or_create(&ReasonLabels {
            reason: reason.to_owned(),
        })
        .inc();
}

/// The method as a label: one of the standard methods, else `other` (a client may send any
/// token as a method, and must not grow the label set).
fn method_label(method: &http::Method) -> &'static str {
    use http::Method as M;
    match *method {
        M::GET => "GET",
        M::HEAD => "HEAD",
        M::POST => "POST",
        M::PUT => "PUT",
        M::PATCH => "PATCH",
        M::DELETE => "DELETE",
        M::OPTIONS => "OPTIONS",
        _ => "other",
    }
}

/// The route label of `request`: its matched route, or [`UNMATCHED`].
pub fn route_of<B>(request: &http::Request<B>) -> &str {
    request
        .extensions()
        .get::<MatchedPath>()
        .map_or(UNMATCHED, MatchedPath::as_str)
}

/// Middleware: times each request (until its response's headers) and counts its status, by
/// route and method. Layered outside the walls of `router::with_walls`, so a caught panic counts
/// as the 500 the client got.
pub async fn record_http(request: Request, next: Next) -> Response {
    let route = route_of(&request).to_owned();
    let method = method_label(request.method());
    let started = Instant::now();
    let response = next.run(request).await;
    let seconds = started.elapsed().as_secs_f64();
    let m = metrics();
    m.http_responses
        .get_or_create(&ResponseLabels {
            route: route.clone(),
            method,
            status: response.status().as_u16(),
        })
        .inc();
    m.http_duration
        .get_or_create(&RouteLabels { route, method })
        .observe(seconds);
    response
}

/// Every metric in the OpenMetrics text format (ending `# EOF`), the pool gauges read from
/// `state`'s pool now.
pub fn render(state: &AppState) -> String {
    let m = metrics();
    let pool = state.db.pool();
    m.db_connections.set(i64::from(pool.size()));
    m.db_idle
        .set(i64::try_from(pool.num_idle()).unwrap_or(i64::MAX));
    encoded()
}

fn encoded() -> String {
    let mut text = String::new();
    // Writing to a String cannot fail; the encoder's only errors are the writer's.
    if encode(&mut text, &metrics().registry).is_err() {
        tracing::error!("the metrics could not be encoded");
    }
    text
}

/// `GET /metrics`: [`render`] with its content type.
async fn serve_metrics(State(state): State<AppState>) -> Response {
    ([(http::header::CONTENT_TYPE, CONTENT_TYPE)], render(&state)).into_response()
}

/// The metrics listener's whole router: `GET /metrics` and nothing else (404). Served on
/// `GUICHET_METRICS_ADDR`, an address of its own; the public router has no such route.
pub fn metrics_router(state: AppState) -> Router {
    Router::new()
        .route(PATH, get(serve_metrics))
        .with_state(state)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Checks that `text` reads as OpenMetrics: comment lines, then samples `name{labels} value`
    /// or `name value`, ending with `# EOF`.
    fn assert_openmetrics(text: &str) {
        assert!(text.ends_with("# EOF\n"), "no # EOF at the end:\n{text}");
        for line in text.lines() {
            if let Some(comment) = line.strip_prefix("# ") {
                let kind = comment.split(' ').next().unwrap_or_default();
                assert!(
                    ["HELP", "TYPE", "UNIT", "EOF"].contains(&kind),
                    "unknown comment: {line}"
                );
                continue;
            }
            let (series, value) = line.rsplit_once(' ').expect("a sample has a value");
            assert!(value.parse::<f64>().is_ok(), "not a number in: {line}");
            let name = match series.split_once('{') {
                Some((name, labels)) => {
                    let labels = labels.strip_suffix('}').expect("labels end with }");
                    for pair in labels.split("\",").filter(|p| !p.is_empty()) {
                        let (key, value) = pair.split_once("=\"").expect("label=\"value\"");
                        assert!(
                            key.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                            "bad label name in: {line}"
                        );
                        assert!(!value.contains('\n'), "{line}");
                    }
                    name
                }
                None => series,
            };
            assert!(name.starts_with("guichet_"), "unprefixed metric: {line}");
            assert!(
                name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_'),
                "bad metric name in: {line}"
            );
        }
    }

    #[tokio::test]
    async fn the_rendered_metrics_parse_as_openmetrics_lines() {
        use tower::ServiceExt as _;
        let timed = Router::new()
            .route("/things/{id}", get(|| async { "a thing" }))
            .layer(axum::middleware::from_fn(record_http));
        let request = http::Request::get("/things/7")
            .body(axum::body::Body::empty())
            .unwrap();
        let response = timed.oneshot(request).await.unwrap();
        assert_eq!(response.status(), http::StatusCode::OK);
        job_run("unit-test", true, 0.2);
        job_run("unit-test", false, 2.0);
        mail_queue_depth(3, 1);
        mail_sent(2);
        decision("refused", Some("G1"));
        decision("approved", None);
        sign_in_failure("wrong_password");
        let text = encoded();
        assert_openmetrics(&text);
        for sample in [
            "guichet_job_runs_total{job=\"unit-test\",outcome=\"failed\"} ",
            "guichet_job_duration_seconds_bucket{le=\"+Inf\",job=\"unit-test\"} ",
            "guichet_mail_queue_depth ",
            "guichet_mails_sent_total ",
            "guichet_decisions_total{outcome=\"refused\",rule=\"G1\"} ",
            "guichet_decisions_total{outcome=\"approved\",rule=\"none\"} ",
            "guichet_sign_in_failures_total{reason=\"wrong_password\"} ",
            "# TYPE guichet_http_request_duration_seconds histogram",
            "guichet_http_request_duration_seconds_count{route=\"/things/{id}\",method=\"GET\"} ",
            "guichet_http_responses_total{route=\"/things/{id}\",method=\"GET\",status=\"200\"} ",
            "# TYPE guichet_db_pool_connections gauge",
        ] {
            assert!(text.contains(sample), "no {sample:?} in:\n{text}");
        }
    }

    #[test]
    fn an_unusual_method_is_labelled_other() {
        let odd = http::Method::from_bytes(b"BREW").unwrap();
        assert_eq!(method_label(&odd), "other");
        assert_eq!(method_label(&http::Method::POST), "POST");
    }

    #[test]
    fn a_request_without_a_matched_route_is_unmatched() {
        let request = http::Request::new(());
        assert_eq!(route_of(&request), UNMATCHED);
    }

    #[tokio::test]
    async fn render_reads_the_pool_gauges_from_the_state() {
        use crate::server::{config::DatabaseUrl, AppConfig, Db};
        let db = Db::connect(&DatabaseUrl::new("sqlite::memory:"), 1)
            .await
            .expect("an in-memory database");
        let state = AppState::new(db, AppConfig::default());
        let text = render(&state);
        assert_openmetrics(&text);
        assert!(
            text.lines()
                .any(|l| l.starts_with("guichet_db_pool_connections ") && !l.ends_with(" 0")),
            "min_connections is 1:\n{text}"
        );
        assert!(text.contains("\nguichet_db_pool_idle "), "{text}");
    }
}
