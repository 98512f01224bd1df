//! A small HTTP/1.1 client for the benchmarks: keep-alive connections, signing in, and a load of
//! GET requests bounded by time and by count.

use std::{
    net::SocketAddr,
    sync::{
        atomic::{AtomicUsize, Ordering},
        Arc,
    },
    time::{Duration, Instant},
};

use http_body_util::{BodyExt as _, Full};
use hyper::{body::Bytes, Request};
use hyper_util::rt::TokioIo;

use crate::BoxError;

/// One HTTP/1.1 keep-alive connection.
pub struct Conn {
    sender: hyper::client::conn::http1::SendRequest<Full<Bytes>>,
}

impl Conn {
    pub async fn open(addr: SocketAddr) -> Result<Self, BoxError> {
        let stream = tokio::net::TcpStream::connect(addr).await?;
        stream.set_nodelay(true)?;
        let (sender, connection) =
            hyper::client::conn::http1::handshake(TokioIo::new(stream)).await?;
        tokio::spawn(connection);
        Ok(Self { sender })
    }

    /// Sends a request; answers the status, headers and the raw (possibly compressed) body.
    pub async fn send(
        &mut self,
        request: Request<Full<Bytes>>,
    ) -> Result<(u16, hyper::HeaderMap, Bytes), BoxError> {
        self.sender.ready().await?;
        let response = self.sender.send_request(request).await?;
        let status = response.status().as_u16();
        let headers = response.headers().clone();
        let body = response.into_body().collect().await?.to_bytes();
        Ok((status, headers, body))
    }
}

/// A GET of `path`, with a session cookie and an accepted encoding when given.
pub fn get(
    path: &str,
    host: &str,
    cookie: Option<&str>,
    accept_encoding: Option<&str>,
) -> Request<Full<Bytes>> {
    let mut b = Request::get(path).header("host", host);
    if let Some(c) = cookie {
        b = b.header("cookie", c);
    }
    if let Some(e) = accept_encoding {
        b = b.header("accept-encoding", e);
    }
    b.body(Full::new(Bytes::new()))
        .unwrap_or_else(|_| Request::new(Full::new(Bytes::new())))
}

/// The request with `Authorization: Bearer <token>` when a token is given.
pub fn authorised(mut request: Request<Full<Bytes>>, bearer: Option<&str>) -> Request<Full<Bytes>> {
    if let Some(token) = bearer {
        if let Ok(value) = format!("Bearer {token}").parse() {
            request.headers_mut().insert("authorization", value);
        }
    }
    request
}

/// Makes an API token for a signed-in person through the account page's server function;
/// answers its secret.
pub async fn api_token(
    addr: SocketAddr,
    host: &str,
    cookie: &str,
    tenant: &str,
    expires_on: &str,
) -> Result<String, BoxError> {
    let mut c = Conn::open(addr).await?;
    let body = format!("name=bench&tenant={tenant}&scope=read&expires_on={expires_on}");
    let request = Request::post("/api/create_api_token")
        .header("host", host)
        .header("origin", format!("http://{host}"))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Full::new(Bytes::from(body)))?;
    let (status, _, answer) = c.send(request).await?;
    let value: serde_json::Value = serde_json::from_slice(&answer)
        .map_err(|e| format!("create_api_token answered {status}: {e}"))?;
    Ok(value["secret"]
        .as_str()
        .ok_or(format!(
            "create_api_token answered {status} without a secret"
        ))?
        .to_owned())
}

/// Signs in through `/api/login` as a browser form would; answers the session cookie
/// (`name=value`).
pub async fn login(
    addr: SocketAddr,
    host: &str,
    email: &str,
    password: &str,
) -> Result<String, BoxError> {
    login_with_code(addr, host, email, password, None).await
}

/// [`login`] for a person with a second factor: `code` answers the code step.
pub async fn login_with_code(
    addr: SocketAddr,
    host: &str,
    email: &str,
    password: &str,
    code: Option<&str>,
) -> Result<String, BoxError> {
    let mut c = Conn::open(addr).await?;
    let body = format!("email={}&password={password}", email.replace('@', "%40"));
    let request = Request::post("/api/login")
        .header("host", host)
        .header("origin", format!("http://{host}"))
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Full::new(Bytes::from(body)))?;
    let (status, headers, _) = c.send(request).await?;
    let cookie = session_cookie(&headers).ok_or(format!(
        "login of {email} answered {status} without a session cookie"
    ))?;
    let Some(code) = code else {
        return Ok(cookie);
    };
    let request = Request::post("/api/login_code")
        .header("host", host)
        .header("origin", format!("http://{host}"))
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "application/json")
        .body(Full::new(Bytes::from(format!("code={code}"))))?;
    let (status, headers, _) = c.send(request).await?;
    session_cookie(&headers).ok_or_else(|| {
        format!("the code of {email} answered {status} without a session cookie").into()
    })
}

/// The `guichet_session=…` pair an answer sets, if it sets one.
fn session_cookie(headers: &hyper::HeaderMap) -> Option<String> {
    headers
        .get_all("set-cookie")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .find(|v| v.starts_with("guichet_session="))
        .and_then(|v| v.split(';').next())
        .map(str::to_owned)
}

/// How long and how much to load a page.
#[derive(Clone, Debug)]
pub struct LoadPlan {
    /// The page, with its query string.
    pub path: String,
    /// The session cookie, if signed in.
    pub cookie: Option<String>,
    /// An API token, sent as `Authorization: Bearer`.
    pub bearer: Option<String>,
    /// Keep-alive connections sending one request after the other.
    pub connections: usize,
    /// The load stops at this many answered pages…
    pub max_pages: usize,
    /// …or after this long, whichever comes first.
    pub max_time: Duration,
    /// Answers within this first stretch are not counted (the server warming up).
    pub warmup: Duration,
}

/// What a load measured, warm-up left out.
#[derive(Debug, Default)]
pub struct LoadResult {
    /// Latency of each page answered 200.
    pub latencies: Vec<Duration>,
    /// Answers other than 200, and failed connections.
    pub errors: u64,
    /// From the end of the warm-up to the last answer.
    pub elapsed: Duration,
}

impl LoadResult {
    /// Pages answered 200 per second.
    pub fn pages_per_second(&self) -> f64 {
        self.latencies.len() as f64 / self.elapsed.as_secs_f64().max(1e-9)
    }
}

/// Sends `GET plan.path` over `plan.connections` keep-alive connections until `max_pages` are
/// answered or `max_time` has passed.
pub async fn load(addr: SocketAddr, host: &str, plan: &LoadPlan) -> Result<LoadResult, BoxError> {
    let started = Instant::now();
    let deadline = started + plan.max_time;
    let warm = started + plan.warmup;
    let answered = Arc::new(AtomicUsize::new(0));
    let mut tasks = Vec::with_capacity(plan.connections);
    for _ in 0..plan.connections {
        let (host, plan, answered) = (host.to_owned(), plan.clone(), answered.clone());
        tasks.push(tokio::spawn(async move {
            let mut latencies = Vec::new();
            let mut errors = 0_u64;
            let Ok(mut c) = Conn::open(addr).await else {
                return (latencies, 1, Instant::now());
            };
            while Instant::now() < deadline && answered.load(Ordering::Relaxed) < plan.max_pages {
                let t = Instant::now();
                match c
                    .send(authorised(
                        get(&plan.path, &host, plan.cookie.as_deref(), None),
                        plan.bearer.as_deref(),
                    ))
                    .await
                {
                    Ok((200, _, _)) if t >= warm => {
                        latencies.push(t.elapsed());
                        answered.fetch_add(1, Ordering::Relaxed);
                    }
                    Ok((200, _, _)) => {}
                    _ => {
                        errors += 1;
                        match Conn::open(addr).await {
                            Ok(fresh) => c = fresh,
                            Err(_) => break,
                        }
                    }
                }
            }
            (latencies, errors, Instant::now())
        }));
    }
    let mut result = LoadResult::default();
    let mut last = warm;
    for task in tasks {
        let (latencies, errors, ended) = task.await?;
        result.latencies.extend(latencies);
        result.errors += errors;
        last = last.max(ended);
    }
    result.elapsed = last.saturating_duration_since(warm);
    Ok(result)
}
