//! Organisations through the real router: sign-up with a new tenant, the
//! admins' verification queue, the active-tenant switch and the audit log —
//! on SQLite, and on PostgreSQL when `GUICHET_TEST_DATABASE_URL` is set.

use crate::common;

use app::domain::tenancy::{TenantRole, TenantStatus};
use app::server::auth::TenantActor;
use axum::http::StatusCode;
use common::*;

const NEW_OWNER: &str = "marie.curie@institut-radium.test";
const NEW_PASSWORD: &str = "radium and polonium 1898";

fn signup_form<'a>(overrides: &[(&'a str, &'a str)]) -> Vec<(&'a str, &'a str)> {
    let mut form = vec![
        ("email", NEW_OWNER),
        ("name", "Marie Curie"),
        ("password", NEW_PASSWORD),
        ("org_name", "Institut du Radium"),
        ("kind", "research_institute"),
        ("country", "FR"),
        ("registration_id", "732 829 320 00074"),
        ("sector", "health"),
        ("parent_country", "FR"),
    ];
    for (key, value) in overrides {
        let slot = form
            .iter_mut()
            .find(|(k, _)| k == key)
            .expect("a form field");
        slot.1 = value;
    }
    form
}

fn assert_ok(r: &TestResponse) {
    assert!(
        r.status.is_success() || r.status.is_redirection(),
        "{} {}",
        r.status,
        r.body
    );
}

fn assert_error(r: &TestResponse, status: StatusCode, kind: &str) {
    assert_eq!(r.status, status, "{}", r.body);
    assert_eq!(r.json()["kind"], kind, "{}", r.body);
}

fn assert_field_error(r: &TestResponse, field: &str) {
    assert_error(r, StatusCode::UNPROCESSABLE_ENTITY, "validation");
    assert_eq!(r.json()["field"], field, "{}", r.body);
    assert!(
        !r.json()["message"].as_str().unwrap_or_default().is_empty(),
        "a message for a person: {}",
        r.body
    );
}

/// Signs up the new owner and confirms through the e-mailed link; returns the client (signed
/// in) and the tenant id.
async fn sign_up(app: &TestApp) -> (Client, i64) {
    let mut client = app.anon();
    let r = client.call("signup", &signup_form(&[])).await;
    assert_ok(&r);
    confirm(app, &mut client, NEW_OWNER).await;
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM tenants WHERE name = $1")
        .bind("Institut du Radium")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    (client, id)
}

/// Opens the newest confirmation link e-mailed to `email` with `client`, and confirms.
async fn confirm(app: &TestApp, client: &mut Client, email: &str) {
    let token = mail::signup_token(app, email).await;
    let page = client.get(&format!("/signup/confirm/{token}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert_ok(&client.call("confirm_signup", &[("token", &token)]).await);
}

async fn tenant_id(app: &TestApp, slug: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as("SELECT id FROM tenants WHERE slug = $1")
        .bind(slug)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    id
}

async fn count_audit(app: &TestApp, event: &str, tenant_id: i64) -> i64 {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM audit_log WHERE event = $1 AND tenant_id = $2")
            .bind(event)
            .bind(tenant_id)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    n
}

// --- Sign-up ------------------------------------------------------------------------------------

#[tokio::test]
async fn a_confirmed_sign_up_creates_a_pending_tenant_and_signs_its_owner_in() {
    let app = TestApp::with_demo().await;
    let mut client = app.anon();
    let r = client.call("signup", &signup_form(&[])).await;
    assert_ok(&r);
    assert_eq!(r.header("location"), Some("/signup?sent=1"));
    // Nothing exists before the address is confirmed, and nobody is signed in.
    assert!(client.call("whoami", &[]).await.json().is_null());
    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(NEW_OWNER)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let (tenants,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tenants WHERE name = $1")
        .bind("Institut du Radium")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!((users, tenants), (0, 0));

    // The link is opened in another browser, whose planted session id does not survive.
    let mut client = app.anon();
    client.cookie = Some("guichet_session=planted".into());
    confirm(&app, &mut client, NEW_OWNER).await;
    assert_ne!(client.cookie.as_deref(), Some("guichet_session=planted"));

    let who = client.call("whoami", &[]).await;
    assert_eq!(who.status, StatusCode::OK, "{}", who.body);
    let who = who.json();
    assert_eq!(who["email"], NEW_OWNER);
    assert_eq!(who["tenant_slug"], "institut-du-radium");
    assert_eq!(who["role"], "owner");

    let (status, registration_id, kind, sector): (String, String, String, String) = sqlx::query_as(
        "SELECT status, registration_id, kind, sector FROM tenants WHERE slug = 'institut-du-radium'",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(status, "pending");
    assert_eq!(registration_id, "73282932000074");
    assert_eq!(
        (kind.as_str(), sector.as_str()),
        ("research_institute", "health")
    );
    let id = tenant_id(&app, "institut-du-radium").await;
    let (role,): (String,) = sqlx::query_as(
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         WHERE m.tenant_id = $1 AND u.email = $2",
    )
    .bind(id)
    .bind(NEW_OWNER)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(role, "owner");
    assert_eq!(count_audit(&app, "signup", id).await, 1);

    let mine = client.call("my_tenants", &[]).await;
    assert_eq!(mine.status, StatusCode::OK, "{}", mine.body);
    assert_eq!(mine.json()[0]["status"], "pending");
    assert_eq!(mine.json()[0]["active"], true);

    // The new owner can sign in again with the chosen password.
    let mut again = app.anon();
    assert_ok(&again.login(NEW_OWNER, NEW_PASSWORD).await);
}

#[tokio::test]
async fn a_second_organisation_with_the_same_name_gets_a_numbered_slug() {
    let app = TestApp::with_demo().await;
    sign_up(&app).await;
    let mut client = app.anon();
    let r = client
        .call(
            "signup",
            &signup_form(&[("email", "irene.joliot@institut-radium.test")]),
        )
        .await;
    assert_ok(&r);
    confirm(&app, &mut client, "irene.joliot@institut-radium.test").await;
    tenant_id(&app, "institut-du-radium-2").await;
}

#[tokio::test]
async fn each_invalid_field_is_named_in_a_422() {
    let app = TestApp::with_demo().await;
    let cases: [(&str, &str, &str); 8] = [
        ("registration_id", "732 829 321", "registration_id"),
        ("password", "too short", "password"),
        ("password", "123456789012", "password"),
        ("email", "not an address", "email"),
        ("name", "   ", "name"),
        ("kind", "club", "kind"),
        ("country", "XX", "country"),
        ("registration_id", "DE12345", "registration_id"),
    ];
    for (key, value, field) in cases {
        let mut overrides = vec![(key, value)];
        if value == "DE12345" {
            overrides.push(("country", "DE"));
        }
        let r = app.anon().call("signup", &signup_form(&overrides)).await;
        assert_field_error(&r, field);
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(NEW_OWNER)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing was created");
}

#[tokio::test]
async fn a_bad_siret_check_digit_is_explained() {
    let app = TestApp::with_demo().await;
    let r = app
        .anon()
        .call(
            "signup",
            &signup_form(&[("registration_id", "73282932000075")]),
        )
        .await;
    assert_field_error(&r, "registration_id");
    assert!(r.json()["message"]
        .as_str()
        .unwrap()
        .contains("check digit"));
}

#[tokio::test]
async fn a_confirmation_link_works_once_and_not_after_a_day() {
    let app = TestApp::with_demo().await;
    assert_ok(&app.anon().call("signup", &signup_form(&[])).await);
    let token = mail::signup_token(&app, NEW_OWNER).await;
    let mut first = app.anon();
    assert_ok(&first.call("confirm_signup", &[("token", &token)]).await);
    let again = app
        .anon()
        .call("confirm_signup", &[("token", &token)])
        .await;
    assert_error(&again, StatusCode::NOT_FOUND, "not_found");

    // A link opened after 24 hours does nothing.
    assert_ok(
        &app.anon()
            .call(
                "signup",
                &signup_form(&[("email", "pierre.curie@institut-radium.test")]),
            )
            .await,
    );
    let late = mail::signup_token(&app, "pierre.curie@institut-radium.test").await;
    sqlx::query("UPDATE signup_requests SET expires_at = $1")
        .bind(app::server::db::now_unix() - 1)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let expired = app.anon().call("confirm_signup", &[("token", &late)]).await;
    assert_error(&expired, StatusCode::NOT_FOUND, "not_found");
    let (tenants,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM tenants WHERE name = $1")
        .bind("Institut du Radium")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(tenants, 1);
    // Junk and unknown tokens are not found either.
    for token in ["", "short", &"A".repeat(43)] {
        let r = app.anon().call("confirm_signup", &[("token", token)]).await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    }
}

#[tokio::test]
async fn two_sign_ups_of_one_address_make_one_account() {
    let app = TestApp::with_demo().await;
    assert_ok(&app.anon().call("signup", &signup_form(&[])).await);
    let first = mail::signup_token(&app, NEW_OWNER).await;
    assert_ok(
        &app.anon()
            .call("signup", &signup_form(&[("org_name", "Laboratoire Curie")]))
            .await,
    );
    let second = mail::signup_token(&app, NEW_OWNER).await;
    assert_ne!(first, second);
    assert_ok(
        &app.anon()
            .call("confirm_signup", &[("token", &second)])
            .await,
    );
    // The other link went with it (it could only have failed: the address has an account).
    let r = app
        .anon()
        .call("confirm_signup", &[("token", &first)])
        .await;
    assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    let (users,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(NEW_OWNER)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(users, 1);
    tenant_id(&app, "laboratoire-curie").await;
}

// --- Verification -------------------------------------------------------------------------------

#[tokio::test]
async fn an_admin_verifies_a_pending_tenant_and_it_may_then_submit() {
    let app = TestApp::with_demo().await;
    let (mut owner, id) = sign_up(&app).await;
    let mut admin = app.signed_in(ADMIN).await;

    let queue = admin.call("tenant_queue", &[]).await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    let pending = queue.json()["pending"].as_array().unwrap().clone();
    assert!(pending
        .iter()
        .any(|t| t["id"] == id && t["registration_id"] == "73282932000074"));

    // Before: the owner's tenant may not submit.
    let user_id: (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(NEW_OWNER)
        .fetch_one(app.state.db.pool())
        .await
        .unwrap();
    let actor = TenantActor::for_demo_and_benchmarks(
        &app.state,
        user_id.0,
        NEW_OWNER,
        id,
        TenantRole::Owner,
        TenantStatus::Pending,
    )
    .await
    .unwrap();
    let mut conn = app.state.db.tenant_tx(&actor.scope()).await.unwrap();
    let refused = app::server::tenants::require_verified(&mut conn, &actor).await;
    let refused = app::error::AppError::from(refused.unwrap_err());
    drop(conn);
    assert_eq!(
        refused.to_string(),
        "Your organisation is waiting for verification by the campus; you can prepare drafts but \
         not submit them yet."
    );

    let r = admin
        .call("verify_tenant", &[("tenant_id", &id.to_string())])
        .await;
    assert_ok(&r);
    let (status, decided): (String, Option<i64>) =
        sqlx::query_as("SELECT status, decided_at FROM tenants WHERE id = $1")
            .bind(id)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(status, "verified");
    assert!(decided.is_some());
    assert_eq!(count_audit(&app, "tenant_verified", id).await, 1);

    // After: the actor still carries the stale "pending" of the session, and
    // the check reads the database.
    let mut conn = app.state.db.tenant_tx(&actor.scope()).await.unwrap();
    app::server::tenants::require_verified(&mut conn, &actor)
        .await
        .expect("verified now");
    let mine = owner.call("my_tenants", &[]).await;
    assert_eq!(mine.json()[0]["status"], "verified");

    // Deciding twice is a conflict; it is in the recent decisions.
    let again = admin
        .call("verify_tenant", &[("tenant_id", &id.to_string())])
        .await;
    assert_error(&again, StatusCode::CONFLICT, "conflict");
    let queue = admin.call("tenant_queue", &[]).await.json();
    assert!(queue["decided"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["id"] == id && t["status"] == "verified"));
}

#[tokio::test]
async fn a_rejection_needs_a_reason_which_the_owners_see() {
    let app = TestApp::with_demo().await;
    let (mut owner, id) = sign_up(&app).await;
    let mut admin = app.signed_in(ADMIN).await;
    let id_text = id.to_string();

    let r = admin
        .call(
            "reject_tenant",
            &[("tenant_id", &id_text), ("reason", "   ")],
        )
        .await;
    assert_field_error(&r, "reason");

    let reason = "The SIRET does not match the name in the register.";
    let r = admin
        .call(
            "reject_tenant",
            &[("tenant_id", &id_text), ("reason", reason)],
        )
        .await;
    assert_ok(&r);
    assert_eq!(count_audit(&app, "tenant_rejected", id).await, 1);
    let mine = owner.call("my_tenants", &[]).await.json();
    assert_eq!(mine[0]["status"], "rejected");
    assert_eq!(mine[0]["rejection_reason"], reason);

    let unknown = admin
        .call("verify_tenant", &[("tenant_id", "999999")])
        .await;
    assert_error(&unknown, StatusCode::NOT_FOUND, "not_found");
}

#[tokio::test]
async fn only_platform_admins_decide_on_tenants() {
    let app = TestApp::with_demo().await;
    let (mut owner, id) = sign_up(&app).await;
    let id_text = id.to_string();
    for endpoint in ["verify_tenant", "reject_tenant"] {
        let form = [("tenant_id", id_text.as_str()), ("reason", "no")];
        let r = owner.call(endpoint, &form).await;
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
        let r = app.signed_in(UNIV_OWNER).await.call(endpoint, &form).await;
        assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
        let r = app.anon().call(endpoint, &form).await;
        assert_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated");
    }
    let r = owner.call("tenant_queue", &[]).await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = app.anon().call("tenant_queue", &[]).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated");
    let (status,): (String,) = sqlx::query_as("SELECT status FROM tenants WHERE id = $1")
        .bind(id)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(status, "pending");
}

// --- Switching tenants --------------------------------------------------------------------------

#[tokio::test]
async fn a_person_in_two_tenants_switches_and_the_session_id_rotates() {
    let app = TestApp::with_demo().await;
    let hospital = tenant_id(&app, "ghu-seine-est").await;
    sqlx::query(
        "INSERT INTO memberships (tenant_id, user_id, role, created_at) \
         SELECT $1, id, 'auditor', 0 FROM users WHERE email = $2",
    )
    .bind(hospital)
    .bind(UNIV_MEMBER)
    .execute(app.owner_pool())
    .await
    .unwrap();
    let mut client = app.signed_in(UNIV_MEMBER).await;
    let mine = client.call("my_tenants", &[]).await.json();
    assert_eq!(mine.as_array().unwrap().len(), 2);

    let before = client.cookie.clone();
    let r = client
        .call("switch_tenant", &[("tenant_slug", "ghu-seine-est")])
        .await;
    assert_ok(&r);
    assert_ne!(client.cookie, before, "the session id rotates");
    let who = client.call("whoami", &[]).await.json();
    assert_eq!(who["tenant_slug"], "ghu-seine-est");
    assert_eq!(who["role"], "auditor");
    assert_eq!(count_audit(&app, "tenant_switched", hospital).await, 1);

    // The old session id no longer works.
    let mut replay = app.anon();
    replay.cookie = before;
    assert!(replay.call("whoami", &[]).await.json().is_null());
}

#[tokio::test]
async fn switching_to_a_tenant_one_is_not_in_answers_not_found() {
    let app = TestApp::with_demo().await;
    let mut client = app.signed_in(UNIV_MEMBER).await;
    for slug in ["ghu-seine-est", "no-such-tenant"] {
        let r = client.call("switch_tenant", &[("tenant_slug", slug)]).await;
        assert_error(&r, StatusCode::NOT_FOUND, "not_found");
    }
    let who = client.call("whoami", &[]).await.json();
    assert_eq!(who["tenant_slug"], "univ-palaiseau");
    let r = app
        .anon()
        .call("switch_tenant", &[("tenant_slug", "univ-palaiseau")])
        .await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated");
    let r = app.anon().call("my_tenants", &[]).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json(), serde_json::json!([]));
}

// --- Audit log ----------------------------------------------------------------------------------

fn tenants_of(page: &serde_json::Value) -> Vec<String> {
    page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["tenant_slug"].as_str().unwrap_or("").to_owned())
        .collect()
}

#[tokio::test]
async fn owners_and_auditors_see_their_tenants_events_only() {
    let app = TestApp::with_demo().await;
    app.signed_in(HOSP_OWNER).await;
    app.signed_in(UNIV_MEMBER).await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let mut auditor = app.signed_in(UNIV_AUDITOR).await;

    for client in [&mut owner, &mut auditor] {
        let r = client.call("audit_events", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.body);
        let page = r.json();
        let tenants = tenants_of(&page);
        assert!(tenants.len() >= 3, "{tenants:?}");
        assert!(tenants.iter().all(|t| t == "univ-palaiseau"), "{tenants:?}");
        assert_eq!(page["all_tenants"], false);
        // A tenant filter does not widen the view.
        let r = client
            .call("audit_events", &[("tenant", "ghu-seine-est")])
            .await;
        assert!(tenants_of(&r.json()).iter().all(|t| t == "univ-palaiseau"));
    }
}

#[tokio::test]
async fn members_may_not_read_the_audit_log_and_anonymous_must_sign_in() {
    let app = TestApp::with_demo().await;
    let r = app
        .signed_in(UNIV_MEMBER)
        .await
        .call("audit_events", &[])
        .await;
    assert_error(&r, StatusCode::FORBIDDEN, "forbidden");
    let r = app.anon().call("audit_events", &[]).await;
    assert_error(&r, StatusCode::UNAUTHORIZED, "unauthenticated");
}

#[tokio::test]
async fn platform_admins_see_every_tenant_and_filter() {
    let app = TestApp::with_demo().await;
    app.signed_in(HOSP_OWNER).await;
    app.signed_in(UNIV_OWNER).await;
    app.anon().login(UNIV_OWNER, "a wrong password here").await;
    let mut admin = app.signed_in(ADMIN).await;

    let page = admin.call("audit_events", &[]).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    let page = page.json();
    assert_eq!(page["all_tenants"], true);
    let tenants = tenants_of(&page);
    assert!(tenants.iter().any(|t| t == "univ-palaiseau"), "{tenants:?}");
    assert!(tenants.iter().any(|t| t == "ghu-seine-est"), "{tenants:?}");
    let ids: Vec<i64> = page["entries"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert!(ids.windows(2).all(|w| w[0] > w[1]), "newest first: {ids:?}");

    let hosp = admin
        .call("audit_events", &[("tenant", "ghu-seine-est")])
        .await
        .json();
    let tenants = tenants_of(&hosp);
    assert!(!tenants.is_empty() && tenants.iter().all(|t| t == "ghu-seine-est"));

    let failures = admin
        .call(
            "audit_events",
            &[("event", "login"), ("outcome", "failure")],
        )
        .await
        .json();
    let entries = failures["entries"].as_array().unwrap();
    assert_eq!(entries.len(), 1, "{failures}");
    assert_eq!(entries[0]["success"], false);
    assert_eq!(entries[0]["actor_email"], UNIV_OWNER);

    let bad = admin.call("audit_events", &[("outcome", "maybe")]).await;
    assert_field_error(&bad, "outcome");
}

#[tokio::test]
async fn the_audit_log_pages_by_fifty_with_an_older_link() {
    let app = TestApp::with_demo().await;
    let univ = tenant_id(&app, "univ-palaiseau").await;
    for i in 0..60 {
        sqlx::query(
            "INSERT INTO audit_log (at, tenant_id, event, outcome, detail) \
             VALUES ($1, $2, 'role_changed', 'success', '{}')",
        )
        .bind(1_700_000_000_i64 + i)
        .bind(univ)
        .execute(app.owner_pool())
        .await
        .unwrap();
    }
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let first = owner
        .call("audit_events", &[("event", "role_changed")])
        .await
        .json();
    assert_eq!(first["entries"].as_array().unwrap().len(), 50);
    let older = first["older_than"].as_i64().expect("older events exist");
    let second = owner
        .call(
            "audit_events",
            &[("event", "role_changed"), ("before", &older.to_string())],
        )
        .await
        .json();
    assert_eq!(second["entries"].as_array().unwrap().len(), 10);
    assert!(second["older_than"].is_null());
    assert!(second["entries"][0]["id"].as_i64().unwrap() < older);
}

#[tokio::test]
async fn the_pages_render_on_the_server() {
    let app = TestApp::with_demo().await;
    let page = app.anon().get("/signup").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("for=\"signup-registration-id\""),
        "{}",
        page.body
    );
    let page = app.signed_in(ADMIN).await.get("/admin/tenants").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Mobilis IA"), "the pending demo tenant");
    let page = app.signed_in(UNIV_OWNER).await.get("/audit").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Audit log"));
}

#[tokio::test]
async fn a_guessable_password_is_refused_at_sign_up_with_advice_in_words() {
    let app = TestApp::with_demo().await;
    // Common passwords (zxcvbn's lists), and one built on the person's own e-mail address.
    for weak in ["Password2026!", "azertyuiop2026", "marie.curie1867"] {
        let r = app
            .anon()
            .call("signup", &signup_form(&[("password", weak)]))
            .await;
        assert_field_error(&r, "password");
        let message = r.json()["message"].as_str().unwrap().to_owned();
        assert!(
            message.starts_with("This password would be too easy to guess."),
            "{weak}: {message}"
        );
    }
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(NEW_OWNER)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(n, 0, "nothing was created");
}
