//! The contract (issue 13, point 4): the OpenAPI description is generated from the code and
//! served; the router serves exactly the described operations (every described one answers,
//! nothing else does); the reference page renders it without fetching anything elsewhere.

use crate::common;

use axum::http::Method;
use common::api::*;
use common::*;
use serde_json::Value;

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

fn described(doc: &Value) -> Vec<(String, String)> {
    let mut ops = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in METHODS {
            if item.get(method).is_some() {
                ops.push((method.to_ascii_uppercase(), path.clone()));
            }
        }
    }
    ops
}

/// A path of the description with its parameters filled in.
fn concrete(path: &str) -> String {
    path.split('/')
        .map(|part| if part.starts_with('{') { "1" } else { part })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn the_description_is_openapi_3_1_and_every_described_operation_is_served() {
    let app = TestApp::with_demo().await;
    let mut anonymous = ApiClient::new(&app, None);
    let doc = anonymous.get("/openapi.json").await;
    assert_eq!(doc.status, 200, "{}", doc.body);
    let doc = doc.json();
    assert!(
        doc["openapi"].as_str().unwrap().starts_with("3.1"),
        "{}",
        doc["openapi"]
    );
    assert_eq!(doc["servers"][0]["url"], "/api/v1");
    assert!(doc["components"]["securitySchemes"]["bearer"].is_object());
    let ops = described(&doc);
    assert!(ops.len() >= 8, "{ops:?}");
    for (method, path) in &ops {
        let method: Method = method.parse().unwrap();
        let response = anonymous
            .send(method.clone(), &concrete(path), None, &[])
            .await;
        if path == "/openapi.json" {
            assert_eq!(response.status, 200);
            continue;
        }
        // Served (the token is asked for first), neither unknown nor another method's.
        assert_problem(&response, 401, "unauthenticated");
        let operation = &doc["paths"][path][method.as_str().to_ascii_lowercase()];
        assert!(
            operation["security"].is_array(),
            "{method} {path} names no security"
        );
        assert!(operation["responses"]["401"].is_object(), "{method} {path}");
        assert!(operation["responses"]["429"].is_object(), "{method} {path}");
    }
}

#[tokio::test]
async fn nothing_undescribed_is_served() {
    let app = TestApp::with_demo().await;
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let secret = make_token(&mut hugo, "univ-palaiseau", "write").await;
    let mut api = ApiClient::new(&app, Some(&secret));
    let doc = api.get("/openapi.json").await.json();
    let ops = described(&doc);
    // Another method on a described path: 405, as a problem.
    for (_, path) in &ops {
        for other in METHODS {
            let taken = ops
                .iter()
                .any(|(m, p)| p == path && m.eq_ignore_ascii_case(other));
            if taken {
                continue;
            }
            let response = api
                .send(
                    other.to_ascii_uppercase().parse().unwrap(),
                    &concrete(path),
                    None,
                    &[],
                )
                .await;
            assert_problem(&response, 405, "method_not_allowed");
        }
    }
    // Paths the description lacks: 404 problems, even with a good token.
    for path in [
        "/",
        "/requests/1/secret",
        "/admin",
        "/v2/me",
        "/me/",
        "/openapi.yaml",
    ] {
        let response = api.get(path).await;
        assert_eq!(response.status, 404, "{path}");
        assert_eq!(
            response.header("content-type"),
            Some("application/problem+json"),
            "{path}"
        );
        assert_problem(&response, 404, "not_found");
    }
    // Every `#[utoipa::path]` handler is registered through `routes!` (which adds it to the
    // description), and nothing is routed around it.
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../app/src/server/rest");
    let mut described_handlers = 0;
    let mut registered = String::new();
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let text = std::fs::read_to_string(&path).unwrap();
        assert!(
            !text.contains(".route(\"") && !text.contains(".nest(\""),
            "{} routes around the description",
            path.display()
        );
        described_handlers += text.matches("#[utoipa::path(").count();
        registered.push_str(&text);
    }
    let registrations: usize = registered
        .split(".routes(routes!(")
        .skip(1)
        .map(|rest| rest.split(')').next().unwrap_or("").split(',').count())
        .sum();
    assert_eq!(
        registrations, described_handlers,
        "each described handler is registered once with routes!"
    );
    assert_eq!(
        ops.len(),
        described_handlers,
        "each handler is one operation"
    );
}

#[tokio::test]
async fn the_reference_page_renders_the_description_from_the_portal_itself() {
    let app = TestApp::with_demo().await;
    let page = app.anon().get("/api/docs").await;
    assert_eq!(page.status, 200, "{}", page.body);
    assert!(page.body.contains("Guichet API"), "{}", page.body);
    assert!(
        page.body.contains("/api/v1/me") || page.body.contains("/me"),
        "GET /me listed"
    );
    assert!(page.body.contains("Problem"), "the schemas are listed");
    // Nothing from elsewhere: no script, style or font from another origin.
    for outside in ["https://", "http://", "//cdn", "unpkg", "jsdelivr"] {
        let found = page
            .body
            .match_indices(outside)
            .map(|(i, _)| &page.body[i.saturating_sub(12)..(i + 40).min(page.body.len())])
            .filter(|around| around.contains("src=") || around.contains("href="))
            .collect::<Vec<_>>();
        assert!(found.is_empty(), "{outside}: {found:?}");
    }
}
