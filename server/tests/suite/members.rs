//! Members, invitations and the account page through the real router: who may
//! invite, change roles and remove members; accepting an invitation; the last
//! owner; sessions ended when rights or the password change — on SQLite, and
//! on PostgreSQL when `GUICHET_TEST_DATABASE_URL` is set.

use crate::common;

use axum::http::StatusCode;
use common::*;
use serde_json::Value;

const NEW_PERSON: &str = "jeanne.dupont@example.test";
const NEW_PASSWORD: &str = "violet lantern over the quay";
const LAST_OWNER: &str = "An organisation needs at least one owner: make someone else owner first.";

fn ok(r: &TestResponse) -> bool {
    r.status.is_success() || r.status.is_redirection()
}

async fn count(app: &TestApp, sql: &str, arg: &str) -> i64 {
    let (n,): (i64,) = sqlx::query_as(sql)
        .bind(arg)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    n
}

async fn whoami(client: &mut Client) -> Value {
    let r = client.call("whoami", &[]).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    r.json()
}

/// The owner invites `email` with `role`; returns the token.
async fn invite(owner: &mut Client, email: &str, role: &str) -> String {
    let r = owner
        .call("invite_member", &[("email", email), ("role", role)])
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.body);
    let link = r.json()["link"].as_str().unwrap().to_owned();
    link.strip_prefix("/invitations/")
        .expect("a link to the invitation page")
        .to_owned()
}

async fn accept_as_new(client: &mut Client, token: &str) -> TestResponse {
    client
        .call(
            "accept_invitation",
            &[
                ("token", token),
                ("name", "Jeanne Dupont"),
                ("password", NEW_PASSWORD),
            ],
        )
        .await
}

#[tokio::test]
async fn an_invited_person_creates_an_account_and_joins_that_tenant_only() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let token = invite(&mut owner, NEW_PERSON, "member").await;
    assert_eq!(token.len(), 43, "32 bytes in URL-safe base64: {token}");

    // The e-mail carries the link, opened only for sending (the outbox row holds it sealed:
    // see tests/suite/outbox.rs); the database holds only the token's hash.
    let mail = mail::unsent_to(&app, NEW_PERSON).await;
    let mail = mail.last().expect("an e-mail to the invited person");
    assert!(mail.subject.contains("Université de Palaiseau"), "{mail:?}");
    let body = mail.body.as_ref().unwrap();
    assert!(body.contains(&format!("/invitations/{token}")), "{body}");
    let (stored,): (String,) =
        sqlx::query_as("SELECT token_hash FROM invitations WHERE email = $1")
            .bind(NEW_PERSON)
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_ne!(stored, token);
    assert_eq!(stored.len(), 64, "a hex SHA-256");

    // The invitation page shows the organisation and the role.
    let mut invited = app.anon();
    let details = invited.call("invitation", &[("token", &token)]).await;
    assert_eq!(details.status, StatusCode::OK, "{}", details.body);
    let details = details.json();
    assert_eq!(details["organisation"], "Université de Palaiseau");
    assert_eq!(details["role"], "member");
    assert_eq!(details["email"], NEW_PERSON);
    assert_eq!(details["account_exists"], false);

    // A weak password is refused next to its field, and the token stays usable.
    let weak = invited
        .call(
            "accept_invitation",
            &[("token", &token), ("name", "Jeanne"), ("password", "short")],
        )
        .await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.body
    );
    assert_eq!(weak.json()["field"], "password");

    let accepted = accept_as_new(&mut invited, &token).await;
    assert!(ok(&accepted), "{accepted:?}");
    let who = whoami(&mut invited).await;
    assert_eq!(who["email"], NEW_PERSON);
    assert_eq!(who["tenant_slug"], "univ-palaiseau");
    assert_eq!(who["role"], "member");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1",
            NEW_PERSON
        )
        .await,
        1,
        "a member of the inviting tenant only"
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE event = $1",
            "invitation_accepted"
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE event = $1",
            "invitation_sent"
        )
        .await,
        1
    );

    // The new account signs in with its password later.
    let mut again = app.anon();
    assert!(ok(&again.login(NEW_PERSON, NEW_PASSWORD).await));

    // The organisation page lists the new member, and no one of another tenant.
    let org = owner.call("organisation", &[]).await;
    assert_eq!(org.status, StatusCode::OK, "{}", org.body);
    let emails: Vec<String> = org.json()["members"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| m["email"].as_str().unwrap().to_owned())
        .collect();
    assert!(emails.contains(&NEW_PERSON.to_owned()), "{emails:?}");
    assert!(!emails.contains(&HOSP_MEMBER.to_owned()), "{emails:?}");

    // A second use of the token is refused.
    let second = accept_as_new(&mut app.anon(), &token).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.body);
    assert_eq!(
        second.json()["message"],
        "This invitation has already been used."
    );
}

#[tokio::test]
async fn an_expired_or_unknown_invitation_is_refused() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let token = invite(&mut owner, NEW_PERSON, "auditor").await;
    sqlx::query("UPDATE invitations SET expires_at = $1 WHERE email = $2")
        .bind(time::OffsetDateTime::now_utc().unix_timestamp() - 1)
        .bind(NEW_PERSON)
        .execute(app.owner_pool())
        .await
        .unwrap();
    let expired = accept_as_new(&mut app.anon(), &token).await;
    assert_eq!(expired.status, StatusCode::CONFLICT, "{}", expired.body);
    assert_eq!(
        expired.json()["message"],
        "This invitation has expired; ask for a new one."
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            NEW_PERSON
        )
        .await,
        0
    );

    let unknown = accept_as_new(&mut app.anon(), &"A".repeat(43)).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND, "{}", unknown.body);
    assert_eq!(unknown.json()["kind"], "not_found");
    let junk = app
        .anon()
        .call("invitation", &[("token", "../../etc/passwd")])
        .await;
    assert_eq!(junk.status, StatusCode::NOT_FOUND, "{}", junk.body);
}

#[tokio::test]
async fn a_person_with_an_account_signs_in_first_then_accepts() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let token = invite(&mut owner, HOSP_MEMBER, "auditor").await;

    let details = app.anon().call("invitation", &[("token", &token)]).await;
    assert_eq!(details.json()["account_exists"], true, "{}", details.body);
    // Not signed in: no account is created over the existing one.
    let anon = accept_as_new(&mut app.anon(), &token).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{}", anon.body);

    // Signed in as someone else: refused.
    let mut other = app.signed_in(HOSP_OWNER).await;
    let wrong = other.call("accept_invitation", &[("token", &token)]).await;
    assert_eq!(wrong.status, StatusCode::CONFLICT, "{}", wrong.body);

    let mut invited = app.signed_in(HOSP_MEMBER).await;
    let before = invited.cookie.clone();
    let accepted = invited
        .call("accept_invitation", &[("token", &token)])
        .await;
    assert!(ok(&accepted), "{accepted:?}");
    assert_ne!(invited.cookie, before, "the session id rotates");
    let who = whoami(&mut invited).await;
    assert_eq!(who["tenant_slug"], "univ-palaiseau");
    assert_eq!(who["role"], "auditor");
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1",
            HOSP_MEMBER
        )
        .await,
        2,
        "still a member of the hospital too"
    );
}

#[tokio::test]
async fn only_owners_invite_and_anonymous_callers_are_asked_to_sign_in() {
    let app = TestApp::with_demo().await;
    for email in [UNIV_MEMBER, UNIV_AUDITOR] {
        let mut client = app.signed_in(email).await;
        let r = client
            .call("invite_member", &[("email", NEW_PERSON), ("role", "owner")])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{email}: {}", r.body);
        assert_eq!(r.json()["kind"], "forbidden");
        let member_id = app.user_id(UNIV_MEMBER).await.to_string();
        let r = client
            .call(
                "change_member_role",
                &[("user_id", &member_id), ("role", "owner")],
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{email}: {}", r.body);
        let r = client
            .call("remove_member", &[("user_id", &member_id)])
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{email}: {}", r.body);
        // Reading the organisation is for every member.
        let r = client.call("organisation", &[]).await;
        assert_eq!(r.status, StatusCode::OK, "{email}: {}", r.body);
    }
    let mut anon = app.anon();
    for (endpoint, form) in [
        (
            "invite_member",
            vec![("email", NEW_PERSON), ("role", "member")],
        ),
        ("organisation", vec![]),
        (
            "change_member_role",
            vec![("user_id", "1"), ("role", "owner")],
        ),
        ("remove_member", vec![("user_id", "1")]),
        ("account", vec![]),
        (
            "change_password",
            vec![("current_password", "x"), ("new_password", NEW_PASSWORD)],
        ),
        ("sign_out_everywhere", vec![]),
    ] {
        let r = anon.call(endpoint, &form).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{endpoint}: {}", r.body);
        assert_eq!(r.json()["kind"], "unauthenticated", "{endpoint}");
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM invitations WHERE email = $1",
            NEW_PERSON
        )
        .await,
        0
    );
}

#[tokio::test]
async fn an_owner_cannot_touch_a_member_of_another_tenant() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let other = app.user_id(HOSP_MEMBER).await.to_string();
    let r = owner
        .call(
            "change_member_role",
            &[("user_id", &other), ("role", "auditor")],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(r.json()["kind"], "not_found");
    let r = owner.call("remove_member", &[("user_id", &other)]).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id \
             WHERE u.email = $1 AND m.role = 'member'",
            HOSP_MEMBER
        )
        .await,
        1,
        "untouched"
    );
    // Nor withdraw another tenant's invitation.
    let mut hosp_owner = app.signed_in(HOSP_OWNER).await;
    invite(&mut hosp_owner, NEW_PERSON, "member").await;
    let (inv_id,): (i64,) = sqlx::query_as("SELECT id FROM invitations WHERE email = $1")
        .bind(NEW_PERSON)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let r = owner
        .call(
            "revoke_invitation",
            &[("invitation_id", &inv_id.to_string())],
        )
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);
}

#[tokio::test]
async fn the_last_owner_can_be_neither_demoted_nor_removed_nor_leave() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let me = app.user_id(UNIV_OWNER).await.to_string();
    let r = owner
        .call(
            "change_member_role",
            &[("user_id", &me), ("role", "member")],
        )
        .await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["message"], LAST_OWNER);
    let r = owner.call("remove_member", &[("user_id", &me)]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["message"], LAST_OWNER);
    let r = owner.call("leave_organisation", &[]).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.body);
    assert_eq!(r.json()["message"], LAST_OWNER);
    assert_eq!(whoami(&mut owner).await["role"], "owner", "still signed in");

    // With a second owner, the first may step down (and their sessions end).
    let member = app.user_id(UNIV_MEMBER).await.to_string();
    let r = owner
        .call(
            "change_member_role",
            &[("user_id", &member), ("role", "owner")],
        )
        .await;
    assert!(ok(&r), "{r:?}");
    let r = owner
        .call(
            "change_member_role",
            &[("user_id", &me), ("role", "member")],
        )
        .await;
    assert!(ok(&r), "{r:?}");
    assert_eq!(whoami(&mut owner).await, Value::Null);
    let mut again = app.signed_in(UNIV_OWNER).await;
    assert_eq!(whoami(&mut again).await["role"], "member");
}

#[tokio::test]
async fn a_role_change_or_a_removal_ends_the_members_sessions() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    assert_eq!(whoami(&mut member).await["role"], "member");
    let id = app.user_id(UNIV_MEMBER).await.to_string();

    let r = owner
        .call(
            "change_member_role",
            &[("user_id", &id), ("role", "auditor")],
        )
        .await;
    assert!(ok(&r), "{r:?}");
    assert_eq!(
        whoami(&mut member).await,
        Value::Null,
        "the old cookie is anonymous"
    );
    let mut member = app.signed_in(UNIV_MEMBER).await;
    assert_eq!(whoami(&mut member).await["role"], "auditor");
    // The owner's own session is untouched.
    assert_eq!(whoami(&mut owner).await["role"], "owner");

    let r = owner.call("remove_member", &[("user_id", &id)]).await;
    assert!(ok(&r), "{r:?}");
    assert_eq!(whoami(&mut member).await, Value::Null);
    let mut gone = app.signed_in(UNIV_MEMBER).await;
    assert_eq!(whoami(&mut gone).await["tenant_slug"], Value::Null);
    let r = gone.call("organisation", &[]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);

    let events: Vec<(String,)> = sqlx::query_as(
        "SELECT event FROM audit_log WHERE event IN ('role_changed', 'member_removed') ORDER BY id",
    )
    .fetch_all(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(
        events,
        vec![("role_changed".into(),), ("member_removed".into(),)]
    );
}

#[tokio::test]
async fn a_member_who_leaves_loses_the_tenant_at_once() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let r = member.call("leave_organisation", &[]).await;
    assert!(ok(&r), "{r:?}");
    assert_eq!(whoami(&mut member).await["tenant_slug"], Value::Null);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM memberships m JOIN users u ON u.id = m.user_id WHERE u.email = $1",
            UNIV_MEMBER
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_password_change_ends_the_other_sessions_and_keeps_this_one() {
    let app = TestApp::with_demo().await;
    let mut here = app.signed_in(UNIV_MEMBER).await;
    let mut elsewhere = app.signed_in(UNIV_MEMBER).await;

    let sessions = here.call("account", &[]).await;
    assert_eq!(sessions.status, StatusCode::OK, "{}", sessions.body);
    let list = sessions.json()["sessions"].as_array().unwrap().clone();
    assert_eq!(list.len(), 2, "{list:?}");
    assert_eq!(list.iter().filter(|s| s["current"] == true).count(), 1);

    let wrong = here
        .call(
            "change_password",
            &[
                ("current_password", "not my password at all"),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert_eq!(
        wrong.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        wrong.body
    );
    assert_eq!(wrong.json()["field"], "current_password");
    let weak = here
        .call(
            "change_password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", "short"),
            ],
        )
        .await;
    assert_eq!(
        weak.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        weak.body
    );
    assert_eq!(weak.json()["field"], "new_password");

    let before = here.cookie.clone();
    let changed = here
        .call(
            "change_password",
            &[
                ("current_password", DEMO_PASSWORD),
                ("new_password", NEW_PASSWORD),
            ],
        )
        .await;
    assert!(ok(&changed), "{changed:?}");
    assert_ne!(here.cookie, before, "the session id rotates");
    assert_eq!(whoami(&mut here).await["email"], UNIV_MEMBER);
    assert_eq!(whoami(&mut elsewhere).await, Value::Null);
    let mut replay = app.anon();
    replay.cookie = before;
    assert_eq!(
        whoami(&mut replay).await,
        Value::Null,
        "the pre-rotation id is gone"
    );

    assert_eq!(
        app.anon().login(UNIV_MEMBER, DEMO_PASSWORD).await.status,
        StatusCode::UNAUTHORIZED
    );
    assert!(ok(&app.anon().login(UNIV_MEMBER, NEW_PASSWORD).await));
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE event = 'password_changed' AND outcome = $1",
            "success"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn sign_out_everywhere_ends_every_session() {
    let app = TestApp::with_demo().await;
    let mut here = app.signed_in(HOSP_OWNER).await;
    let mut elsewhere = app.signed_in(HOSP_OWNER).await;
    let other_person = &mut app.signed_in(HOSP_MEMBER).await;
    let r = here.call("sign_out_everywhere", &[]).await;
    assert!(ok(&r), "{r:?}");
    assert_eq!(whoami(&mut here).await, Value::Null);
    assert_eq!(whoami(&mut elsewhere).await, Value::Null);
    assert_eq!(whoami(other_person).await["email"], HOSP_MEMBER);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE event = $1",
            "signed_out_everywhere"
        )
        .await,
        1
    );
}

#[tokio::test]
async fn the_organisation_and_account_pages_render_on_the_server() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let page = owner.get("/organisation").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Hugo Martin"), "{}", page.body);
    assert!(page.body.contains("Send invitation"));
    let page = owner.get("/account").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Sign out everywhere"), "{}", page.body);
    let token = invite(&mut owner, NEW_PERSON, "member").await;
    let page = app.anon().get(&format!("/invitations/{token}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Create your account"), "{}", page.body);
    // A member sees the page but not the owners' forms.
    let page = app.signed_in(UNIV_MEMBER).await.get("/organisation").await;
    assert!(page.body.contains("Camille Roux"));
    assert!(!page.body.contains("Send invitation"));
}

#[tokio::test]
async fn a_withdrawn_or_replaced_invitation_no_longer_works() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let first = invite(&mut owner, NEW_PERSON, "member").await;
    let second = invite(&mut owner, NEW_PERSON, "auditor").await;
    let replaced = accept_as_new(&mut app.anon(), &first).await;
    assert_eq!(replaced.status, StatusCode::CONFLICT, "{}", replaced.body);

    let org = owner.call("organisation", &[]).await.json();
    let open = org["invitations"].as_array().unwrap();
    assert_eq!(open.len(), 1, "{open:?}");
    assert_eq!(open[0]["role"], "auditor");
    let id = open[0]["id"].as_i64().unwrap().to_string();

    let member = app
        .signed_in(UNIV_MEMBER)
        .await
        .call("revoke_invitation", &[("invitation_id", &id)])
        .await;
    assert_eq!(member.status, StatusCode::FORBIDDEN, "{}", member.body);
    let r = owner
        .call("revoke_invitation", &[("invitation_id", &id)])
        .await;
    assert!(ok(&r), "{r:?}");
    let withdrawn = accept_as_new(&mut app.anon(), &second).await;
    assert_eq!(withdrawn.status, StatusCode::CONFLICT, "{}", withdrawn.body);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM users WHERE email = $1",
            NEW_PERSON
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_guessable_new_password_is_refused_and_the_old_one_still_works() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    for weak in ["qwerty123456789", "hugo.martin2026"] {
        let r = member
            .call(
                "change_password",
                &[("current_password", DEMO_PASSWORD), ("new_password", weak)],
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["field"], "new_password");
        assert!(
            r.json()["message"]
                .as_str()
                .unwrap()
                .starts_with("This password would be too easy to guess."),
            "{weak}: {}",
            r.body
        );
    }
    assert!(ok(&app.anon().login(UNIV_MEMBER, DEMO_PASSWORD).await));
}
