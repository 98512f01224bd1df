//! `Idempotency-Key` on the API's creating POSTs (issue 13, point 3): a retry answers the first
//! result, the same key on another request is refused, a refusal is not kept, and concurrent
//! first tries make one object.

use crate::common;

use axum::http::Method;
use common::api::*;
use common::*;
use serde_json::json;

#[tokio::test]
async fn any_creating_post_retried_with_its_key_answers_the_first_result_and_makes_nothing_new() {
    let app = TestApp::with_demo().await;
    let mut camille = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    let invite = json!({ "email": "retry.me@univ-palaiseau.test", "role": "member" });
    let key = [("idempotency-key", "invite-retry-1")];
    let first = camille
        .send(Method::POST, "/invitations", Some(invite.clone()), &key)
        .await;
    assert_eq!(first.status, 201, "{}", first.body);
    let (kept,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM api_idempotency")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(kept, 1, "the first answer is kept");
    let again = camille
        .send(Method::POST, "/invitations", Some(invite.clone()), &key)
        .await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.body, first.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
    let (invitations,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM invitations WHERE email = 'retry.me@univ-palaiseau.test'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(invitations, 1);
    // The same key for another request is refused; another token's keys are its own.
    let other = json!({ "email": "someone.else@univ-palaiseau.test", "role": "member" });
    let reused = camille
        .send(Method::POST, "/invitations", Some(other.clone()), &key)
        .await;
    assert_problem(&reused, 422, "validation_failed");
    let mut second_token = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    let fresh = second_token
        .send(Method::POST, "/invitations", Some(other), &key)
        .await;
    assert_eq!(fresh.status, 201, "{}", fresh.body);
    // A refusal is not kept: the retry runs again.
    let bad = json!({ "email": "not an address", "role": "member" });
    let bad_key = [("idempotency-key", "invite-bad-1")];
    let refused = camille
        .send(Method::POST, "/invitations", Some(bad), &bad_key)
        .await;
    assert_problem(&refused, 422, "validation_failed");
    let fixed = camille
        .send(
            Method::POST,
            "/invitations",
            Some(json!({ "email": "fixed@univ-palaiseau.test", "role": "member" })),
            &bad_key,
        )
        .await;
    assert_eq!(fixed.status, 201, "{}", fixed.body);
    assert_problem(
        &camille
            .send(
                Method::POST,
                "/invitations",
                Some(invite),
                &[("idempotency-key", "")],
            )
            .await,
        400,
        "bad_request",
    );
}

#[tokio::test]
async fn concurrent_first_tries_with_one_key_make_one_object() {
    let app = TestApp::with_demo().await;
    let camille = token(&app, UNIV_OWNER, "univ-palaiseau", "write").await;
    let secret = camille.token.clone().unwrap();
    let invite = json!({ "email": "raced@univ-palaiseau.test", "role": "member" });
    let go = || {
        let (app, secret, invite) = (&app, secret.clone(), invite.clone());
        async move {
            let mut client = ApiClient::new(app, Some(&secret));
            client
                .send(
                    Method::POST,
                    "/invitations",
                    Some(invite),
                    &[("idempotency-key", "raced-1")],
                )
                .await
        }
    };
    let (a, b, c, d) = tokio::join!(go(), go(), go(), go());
    let answers = [a, b, c, d];
    let mut made = 0;
    for a in &answers {
        match (a.status.as_u16(), a.header("idempotent-replayed")) {
            (201, None) => made += 1,
            (201, Some("true")) => {}
            (409, _) => {
                assert_problem(a, 409, "conflict");
                assert_eq!(a.header("retry-after"), Some("1"));
            }
            _ => panic!("{} {}", a.status, a.body),
        }
    }
    assert_eq!(made, 1, "one try ran");
    let (invitations,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM invitations WHERE email = 'raced@univ-palaiseau.test'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(invitations, 1);
    // Once answered, a retry gets that answer.
    let mut retry = ApiClient::new(&app, Some(&secret));
    let again = retry
        .send(
            Method::POST,
            "/invitations",
            Some(invite),
            &[("idempotency-key", "raced-1")],
        )
        .await;
    assert_eq!(again.status, 201, "{}", again.body);
    assert_eq!(again.header("idempotent-replayed"), Some("true"));
}
