//! Personal access tokens (issue 13, point 2): made on the account page, shown once, stored as a
//! hash, acting with the intersection of their scope and the person's *current* role, revocable,
//! and the only way into `/api/v1` (a session cookie never is).

use crate::common;

use axum::http::Method;
use common::api::*;
use common::*;

#[tokio::test]
async fn a_token_is_shown_once_stored_as_a_hash_and_answers_me_with_its_scope_and_role() {
    let app = TestApp::with_demo().await;
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let secret = make_token(&mut hugo, "univ-palaiseau", "write").await;
    assert!(secret.starts_with("gch_") && secret.len() == 47, "{secret}");

    // Only the hash is kept: no column of any token row holds the secret.
    let rows: Vec<(String, String)> = sqlx::query_as("SELECT secret_hash, prefix FROM api_tokens")
        .fetch_all(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(rows.len(), 1);
    assert_ne!(rows[0].0, secret);
    assert_eq!(rows[0].1, &secret[..10]);
    let audit: Vec<(String,)> =
        sqlx::query_as("SELECT detail FROM audit_log WHERE event = 'api_token_created'")
            .fetch_all(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(audit.len(), 1);
    assert!(
        !audit[0].0.contains(&secret[4..]),
        "the audit log holds the secret"
    );

    let mut api = ApiClient::new(&app, Some(&secret));
    let me = api.get("/me").await;
    assert_eq!(me.status, 200, "{}", me.body);
    let me = me.json();
    assert_eq!(me["email"], UNIV_MEMBER);
    assert_eq!(me["tenant"]["slug"], "univ-palaiseau");
    assert_eq!(me["tenant"]["role"], "member");
    assert_eq!(me["scope"], "write");
    assert_eq!(me["may_write"], true);

    // The list shows the token, its last use, never the secret.
    let listed = hugo.call("list_api_tokens", &[]).await;
    assert_eq!(listed.status, 200, "{}", listed.body);
    assert!(
        !listed.body.contains(&secret[10..]),
        "the list shows the secret"
    );
    let token = &listed.json()["tokens"][0];
    assert_eq!(token["state"], "Live");
    assert!(token["last_used"]["unix"].is_i64(), "{token}");
    // Shown in the person's zone (the demo's people read Europe/Paris), not in UTC.
    assert_ne!(token["last_used"]["abbreviation"], "UTC", "{token}");
    assert_eq!(token["acts_for"], "Université de Palaiseau");
}

#[tokio::test]
async fn no_token_a_bad_one_or_a_session_cookie_is_refused_with_a_problem() {
    let app = TestApp::with_demo().await;
    for header in [
        None,
        Some("Basic aHVnbzpwYXNz"),
        Some("Bearer"),
        Some("Bearer gch_short"),
        Some("Bearer gch_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
    ] {
        let mut api = ApiClient::new(&app, None);
        let extra: Vec<(&str, &str)> = header.map(|h| ("authorization", h)).into_iter().collect();
        let response = api.send(axum::http::Method::GET, "/me", None, &extra).await;
        assert_problem(&response, 401, "unauthenticated");
        assert_eq!(
            response.header("www-authenticate"),
            Some("Bearer realm=\"guichet\"")
        );
    }
    // A signed-in browser's cookie does not open the API.
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let response = hugo.get("/api/v1/me").await;
    assert_eq!(response.status, 401, "{}", response.body);
}

#[tokio::test]
async fn a_revoked_or_expired_token_stops_working_and_only_its_person_revokes_it() {
    let app = TestApp::with_demo().await;
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let secret = make_token(&mut hugo, "univ-palaiseau", "read").await;
    let id = hugo.call("list_api_tokens", &[]).await.json()["tokens"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let mut api = ApiClient::new(&app, Some(&secret));
    assert_eq!(api.get("/me").await.status, 200);

    // Another person cannot revoke it (not found), and it keeps working.
    let mut camille = app.signed_in(UNIV_OWNER).await;
    let refused = camille.call("revoke_api_token", &[("id", &id)]).await;
    assert_eq!(refused.status, 404, "{}", refused.body);
    assert_eq!(api.get("/me").await.status, 200);
    let anonymous = app.anon().call("revoke_api_token", &[("id", &id)]).await;
    assert_eq!(anonymous.status, 401, "{}", anonymous.body);

    let revoked = hugo.call("revoke_api_token", &[("id", &id)]).await;
    assert_eq!(revoked.status, 200, "{}", revoked.body);
    assert_problem(&api.get("/me").await, 401, "unauthenticated");
    let listed = hugo.call("list_api_tokens", &[]).await.json();
    assert_eq!(listed["tokens"][0]["state"], "Revoked");
    let (events,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE event = 'api_token_revoked'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(events, 1);

    // Expired: the same as revoked.
    let second = make_token(&mut hugo, "univ-palaiseau", "read").await;
    let mut api = ApiClient::new(&app, Some(&second));
    assert_eq!(api.get("/me").await.status, 200);
    sqlx::query("UPDATE api_tokens SET expires_at = 1 WHERE revoked_at IS NULL")
        .execute(app.owner_pool())
        .await
        .unwrap();
    assert_problem(&api.get("/me").await, 401, "unauthenticated");
}

#[tokio::test]
async fn a_token_follows_its_persons_role_and_dies_with_their_membership_or_sessions() {
    let app = TestApp::with_demo().await;
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let secret = make_token(&mut hugo, "univ-palaiseau", "write").await;
    let mut api = ApiClient::new(&app, Some(&secret));
    let (hugo_id,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(UNIV_MEMBER)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();

    // Demoted to auditor: the write token now only reads.
    let mut camille = app.signed_in(UNIV_OWNER).await;
    let demoted = camille
        .call(
            "change_member_role",
            &[("user_id", &hugo_id.to_string()), ("role", "auditor")],
        )
        .await;
    assert_eq!(demoted.status, 200, "{}", demoted.body);
    let me = api.get("/me").await.json();
    assert_eq!(me["tenant"]["role"], "auditor");
    assert_eq!(me["may_write"], false);
    // ... and a write with it is refused, with nothing made.
    let (climate, before): (i64, i64) = sqlx::query_as(
        "SELECT (SELECT p.id FROM projects p JOIN tenants t ON t.id = p.tenant_id \
                 WHERE t.slug = 'univ-palaiseau' AND p.code = 'climate'), \
                (SELECT COUNT(*) FROM quota_requests)",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    let refused = api
        .send(
            Method::POST,
            "/requests",
            Some(serde_json::json!({
                "project": climate,
                "title": "Protein folding at scale",
                "justification": "Training a folding model on public structure data.",
                "sector": "research",
                "classification": "public",
                "site": "dugny",
                "gpu_model": "H100",
                "gpus": 4,
                "start_date": "2030-01-01",
                "end_date": "2030-02-01",
            })),
            &[],
        )
        .await;
    assert_problem(&refused, 403, "forbidden");
    let (after,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM quota_requests")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(after, before, "nothing was made");

    // Removed from the tenant: the token no longer opens anything.
    let removed = camille
        .call("remove_member", &[("user_id", &hugo_id.to_string())])
        .await;
    assert_eq!(removed.status, 200, "{}", removed.body);
    assert_problem(&api.get("/me").await, 401, "unauthenticated");

    // Signed out everywhere: every token of the person is revoked.
    let mut camille = app.signed_in(UNIV_OWNER).await;
    let own = make_token(&mut camille, "univ-palaiseau", "write").await;
    let mut api = ApiClient::new(&app, Some(&own));
    assert_eq!(api.get("/me").await.status, 200);
    let out = camille.call("sign_out_everywhere", &[]).await;
    assert!(
        out.status.is_success() || out.status.is_redirection(),
        "{}",
        out.body
    );
    assert_problem(&api.get("/me").await, 401, "unauthenticated");
}

#[tokio::test]
async fn a_token_is_made_only_where_and_as_its_person_may_with_every_fields_error_at_once() {
    let app = TestApp::with_demo().await;
    let mut ines = app.signed_in(UNIV_AUDITOR).await;
    let call = |tenant: &'static str, scope: &'static str| {
        [
            ("name", "script"),
            ("tenant", tenant),
            ("scope", scope),
            ("expires_on", "2099-01-01"),
        ]
    };
    let mut form = call("univ-palaiseau", "write");
    form[3].1 = Box::leak(in_days(30).into_boxed_str());
    let auditor_write = ines.call("create_api_token", &form).await;
    assert_eq!(auditor_write.status, 422, "{}", auditor_write.body);
    assert!(
        auditor_write.body.contains("only read"),
        "{}",
        auditor_write.body
    );

    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    for (tenant, scope, field) in [
        ("platform", "admin", "tenant"),
        ("ghu-seine-est", "read", "tenant"),
        ("univ-palaiseau", "admin", "scope"),
    ] {
        let mut form = call(tenant, scope);
        form[3].1 = Box::leak(in_days(30).into_boxed_str());
        let refused = hugo.call("create_api_token", &form).await;
        assert_eq!(refused.status, 422, "{tenant} {scope}: {}", refused.body);
        assert_eq!(refused.json()["field"], field, "{}", refused.body);
    }
    let all = hugo
        .call(
            "create_api_token",
            &[
                ("name", ""),
                ("tenant", ""),
                ("scope", "root"),
                ("expires_on", "2099-01-01"),
            ],
        )
        .await;
    assert_eq!(all.status, 422, "{}", all.body);
    let body = all.json();
    assert_eq!(body["field"], "name");
    let others: Vec<&str> = body["others"]
        .as_array()
        .unwrap()
        .iter()
        .map(|o| o["field"].as_str().unwrap())
        .collect();
    assert_eq!(others, ["tenant", "scope", "expires_on"]);
    let (count,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_tokens")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(count, 0, "a refused token was stored");

    // A platform admin makes a platform token; it reads as the platform.
    let mut admin = app.signed_in(ADMIN).await;
    let secret = make_token(&mut admin, "platform", "admin").await;
    let me = ApiClient::new(&app, Some(&secret)).get("/me").await.json();
    assert!(me["tenant"].is_null(), "{me}");
    assert_eq!(me["scope"], "admin");
    assert_eq!(me["may_write"], true);
}

#[tokio::test]
async fn a_call_that_may_write_is_audited_with_its_token_and_a_read_is_not() {
    let app = TestApp::with_demo().await;
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let secret = make_token(&mut hugo, "univ-palaiseau", "write").await;
    let mut api = ApiClient::new(&app, Some(&secret));
    let count = || async {
        let (n,): (i64,) =
            sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE event = 'api_token_write'")
                .fetch_one(app.owner_pool())
                .await
                .unwrap();
        n
    };
    assert_eq!(api.get("/me").await.status, 200);
    assert_eq!(count().await, 0, "a read is not audited");
    let posted = api
        .send(
            axum::http::Method::POST,
            "/placement",
            Some(serde_json::json!({ "classification": "public", "start": in_days(1), "end": in_days(5) })),
            &[],
        )
        .await;
    assert_eq!(posted.status, 200, "{}", posted.body);
    assert_eq!(count().await, 1);
    let (detail, tenant): (String, Option<i64>) =
        sqlx::query_as("SELECT detail, tenant_id FROM audit_log WHERE event = 'api_token_write'")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    let detail: serde_json::Value = serde_json::from_str(&detail).unwrap();
    assert_eq!(detail["method"], "POST");
    assert_eq!(detail["path"], "/api/v1/placement");
    assert_eq!(detail["status"], 200);
    assert!(detail["token_id"].is_i64());
    assert!(tenant.is_some());
    // Without a valid token nothing is recorded (the refusal is not a token's use).
    let mut anonymous = ApiClient::new(&app, None);
    let refused = anonymous
        .send(
            axum::http::Method::POST,
            "/placement",
            Some(serde_json::json!({})),
            &[],
        )
        .await;
    assert_eq!(refused.status, 401);
    assert_eq!(count().await, 1);
}

#[tokio::test]
async fn a_token_past_its_rate_waits_for_retry_after_and_another_token_does_not() {
    let app = TestApp::with_config(app::server::AppConfig {
        api_rate_per_minute: 20, // one call every 3 s on average, bursts of 2
        ..app::server::AppConfig::default()
    })
    .await;
    app::server::demo::load_if_empty(&app.state).await.unwrap();
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    let first = make_token(&mut hugo, "univ-palaiseau", "read").await;
    let second = make_token(&mut hugo, "univ-palaiseau", "read").await;
    let mut api = ApiClient::new(&app, Some(&first));
    let mut answers = Vec::new();
    for _ in 0..5 {
        answers.push(api.get("/me").await);
    }
    let limited = answers
        .iter()
        .find(|a| a.status == 429)
        .expect("a burst past the limit is refused");
    assert_problem(limited, 429, "rate_limited");
    let wait: u64 = limited.header("retry-after").unwrap().parse().unwrap();
    assert!((1..=3).contains(&wait), "Retry-After {wait}");
    assert_eq!(limited.json()["retry_after"], wait);
    assert_eq!(answers[0].status, 200);
    // The limit is the token's: another token of the same person still answers.
    assert_eq!(
        ApiClient::new(&app, Some(&second)).get("/me").await.status,
        200
    );
}

#[tokio::test]
async fn a_platform_token_dies_when_its_person_is_no_longer_a_platform_admin() {
    let app = TestApp::with_demo().await;
    let mut admin = token(&app, ADMIN, "platform", "admin").await;
    assert_eq!(admin.get("/admin/requests").await.status, 200);
    sqlx::query("UPDATE users SET platform_admin = 0 WHERE email = $1")
        .bind(ADMIN)
        .execute(app.owner_pool())
        .await
        .unwrap();
    assert_problem(&admin.get("/me").await, 401, "unauthenticated");
    assert_problem(&admin.get("/admin/requests").await, 401, "unauthenticated");
}
