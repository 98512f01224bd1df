//! Calls of the REST API (`/api/v1`) with a bearer token, and tokens made as a person would.

use axum::body::Body;
use axum::http::{header, Method, Request};

use super::{Client, TestApp, TestResponse};

/// Makes a token for the signed-in client on `/account/tokens`' server function; its secret.
pub async fn make_token(client: &mut Client, tenant: &str, scope: &str) -> String {
    let made = client
        .call(
            "create_api_token",
            &[
                ("name", "test script"),
                ("tenant", tenant),
                ("scope", scope),
                ("expires_on", &in_days(30)),
            ],
        )
        .await;
    assert_eq!(made.status, 200, "{}", made.body);
    made.json()["secret"].as_str().unwrap().to_owned()
}

/// An API client with a token `email` made on the account page.
pub async fn token(app: &TestApp, email: &str, tenant: &str, scope: &str) -> ApiClient {
    let mut person = app.signed_in(email).await;
    let secret = make_token(&mut person, tenant, scope).await;
    ApiClient::new(app, Some(&secret))
}

/// The day `days` from today, `YYYY-MM-DD`.
pub fn in_days(days: i64) -> String {
    (app::server::requests::today() + time::Duration::days(days)).to_string()
}

/// A client of the API: no cookie, a bearer token (or none).
pub struct ApiClient {
    client: Client,
    pub token: Option<String>,
}

impl ApiClient {
    pub fn new(app: &TestApp, token: Option<&str>) -> Self {
        Self {
            client: app.anon(),
            token: token.map(str::to_owned),
        }
    }

    /// A request with the token as `Authorization: Bearer`, or with `authorization` as given.
    pub async fn send(
        &mut self,
        method: Method,
        path: &str,
        json: Option<serde_json::Value>,
        extra: &[(&str, &str)],
    ) -> TestResponse {
        let mut builder = Request::builder()
            .method(method)
            .uri(format!("/api/v1{path}"))
            .header(header::HOST, "portal.test")
            .header(header::ACCEPT, "application/json");
        if let Some(token) = &self.token {
            builder = builder.header(header::AUTHORIZATION, format!("Bearer {token}"));
        }
        for (k, v) in extra {
            builder = builder.header(*k, *v);
        }
        let body = match json {
            Some(v) => {
                builder = builder.header(header::CONTENT_TYPE, "application/json");
                Body::from(v.to_string())
            }
            None => Body::empty(),
        };
        self.client.send(builder.body(body).unwrap()).await
    }

    pub async fn get(&mut self, path: &str) -> TestResponse {
        self.send(Method::GET, path, None, &[]).await
    }
}

/// Asserts a problem-details answer with this status and code.
pub fn assert_problem(response: &TestResponse, status: u16, code: &str) {
    assert_eq!(response.status, status, "{}", response.body);
    assert_eq!(
        response.header("content-type"),
        Some("application/problem+json"),
        "{}",
        response.body
    );
    let body = response.json();
    assert_eq!(body["code"], code, "{body}");
    assert_eq!(body["status"], status, "{body}");
    assert_eq!(body["type"], format!("/api/v1/problems/{code}"), "{body}");
}

/// The fields a `validation_failed` problem names, in order.
pub fn problem_fields(response: &TestResponse) -> Vec<String> {
    response.json()["errors"]
        .as_array()
        .map(|errors| {
            errors
                .iter()
                .filter_map(|e| e["field"].as_str().map(str::to_owned))
                .collect()
        })
        .unwrap_or_default()
}
