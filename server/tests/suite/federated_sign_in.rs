//! Federated sign-in (issue 17, point 1) against a real OpenID Connect provider on loopback
//! (`oidc-provider` from npm, started by `scripts/oidc-test-provider.sh`): the code flow with
//! PKCE, state and nonce; the failure cases a person can meet, each told in words on the sign-in
//! page with nobody signed in; linking from the account page; an address the provider does not
//! vouch for, confirmed by e-mail before anything is submitted; and joining the organisation the
//! provider vouches for, which its owners accept or refuse.

use axum::http::StatusCode;

use crate::common::{
    self, mail,
    oidc::{self, Browser, OFFLINE, TEST},
    requests, TestApp, ADMIN, DEMO_PASSWORD, HOSP_OWNER, UNIV_MEMBER, UNIV_OWNER,
};

async fn app(trust_email: bool, tenants: &[(&str, &str)]) -> Option<TestApp> {
    let config = oidc::config(trust_email, tenants)?;
    let app = TestApp::with_config(config).await;
    app::server::demo::load_if_empty(&app.state)
        .await
        .expect("demo data");
    Some(app)
}

async fn whoami(client: &mut common::Client) -> serde_json::Value {
    let me = client.call("whoami", &[]).await;
    assert_eq!(me.status, StatusCode::OK, "{}", me.body);
    me.json()
}

async fn failed_reasons(app: &TestApp) -> Vec<String> {
    sqlx::query_scalar(
        "SELECT detail FROM audit_log WHERE event = 'oidc_sign_in' AND outcome = 'failure' ORDER BY id",
    )
    .fetch_all(app.owner_pool())
    .await
    .unwrap()
}

async fn accounts_of(app: &TestApp, email: &str) -> i64 {
    sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE email = $1")
        .bind(email)
        .fetch_one(app.owner_pool())
        .await
        .unwrap()
}

#[tokio::test]
async fn a_first_sign_in_makes_the_person_and_the_next_finds_them() {
    let Some(app) = app(true, &[]).await else {
        return;
    };
    let mut client = app.anon();
    let go = oidc::start(&mut client, TEST, "/requests").await;
    let to = oidc::redirect_of(&go);
    assert!(to.contains("code_challenge_method=S256"), "PKCE: {to}");
    assert!(to.contains("state=") && to.contains("nonce="), "{to}");
    let callback = Browser::default()
        .authorize(&to, "ada.lovelace@univ.test")
        .await;
    let back = client.get(&callback).await;
    assert_eq!(oidc::redirect_of(&back), "/requests", "next is kept");
    let me = whoami(&mut client).await;
    assert_eq!(me["email"], "ada.lovelace@univ.test");
    assert_eq!(me["name"], "Ada Lovelace");
    assert_eq!(app.audited("signup_federated", false).await, 1);
    let unverified: Option<i64> =
        sqlx::query_scalar("SELECT email_unverified_since FROM users WHERE email = $1")
            .bind("ada.lovelace@univ.test")
            .fetch_one(app.owner_pool())
            .await
            .unwrap();
    assert_eq!(
        unverified, None,
        "a trusted provider's verified address is proven"
    );

    // Signed out, then in again: the same person, no second account.
    client.call("logout", &[]).await;
    assert!(whoami(&mut client).await.is_null());
    let again = oidc::sign_in(&mut client, "ada.lovelace@univ.test").await;
    assert_eq!(oidc::redirect_of(&again), "/");
    assert_eq!(whoami(&mut client).await["email"], "ada.lovelace@univ.test");
    assert_eq!(accounts_of(&app, "ada.lovelace@univ.test").await, 1);
    assert_eq!(app.audited("login", false).await, 2);
}

#[tokio::test]
async fn a_callback_works_once_in_the_browser_that_started_it() {
    let Some(app) = app(true, &[]).await else {
        return;
    };
    let mut client = app.anon();
    let go = oidc::start(&mut client, TEST, "/").await;
    let callback = Browser::default()
        .authorize(&oidc::redirect_of(&go), "grace.hopper@univ.test")
        .await;

    // Another browser (an attacker who caught the URL): no flow of theirs waits for it.
    let mut other = app.anon();
    let stolen = other.get(&callback).await;
    assert_eq!(oidc::redirect_of(&stolen), "/login?oidc=stale");
    assert!(whoami(&mut other).await.is_null());

    // A wrong state in the right browser: refused, and the flow is spent.
    let tampered = callback.replace("state=", "state=x");
    assert_eq!(
        oidc::redirect_of(&client.get(&tampered).await),
        "/login?oidc=stale"
    );
    assert_eq!(
        oidc::redirect_of(&client.get(&callback).await),
        "/login?oidc=stale"
    );
    assert!(whoami(&mut client).await.is_null());

    // Started again: works once, not twice.
    let go = oidc::start(&mut client, TEST, "/").await;
    let callback = Browser::default()
        .authorize(&oidc::redirect_of(&go), "grace.hopper@univ.test")
        .await;
    assert_eq!(oidc::redirect_of(&client.get(&callback).await), "/");
    client.call("logout", &[]).await;
    assert_eq!(
        oidc::redirect_of(&client.get(&callback).await),
        "/login?oidc=stale"
    );
    assert!(whoami(&mut client).await.is_null());

    // The used code replayed with a new flow's state: the provider refuses it.
    let code = callback
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("code="))
        .unwrap()
        .to_owned();
    let go = oidc::start(&mut client, TEST, "/").await;
    let to = oidc::redirect_of(&go);
    let state = to
        .split(['?', '&'])
        .find_map(|p| p.strip_prefix("state="))
        .unwrap();
    let replayed = client
        .get(&format!(
            "/auth/oidc/{TEST}/callback?code={code}&state={state}"
        ))
        .await;
    assert_eq!(oidc::redirect_of(&replayed), "/login?oidc=code_refused");
    assert!(whoami(&mut client).await.is_null());
    let reasons = failed_reasons(&app).await;
    assert!(
        reasons.last().unwrap().contains("invalid_grant"),
        "{reasons:?}"
    );
}

#[tokio::test]
async fn an_id_token_of_another_flow_or_expired_signs_nobody_in() {
    let Some(app) = app(true, &[]).await else {
        return;
    };
    for (login, reason) in [
        ("nonce.mallory@univ.test", "another flow's nonce"),
        ("late.rip@univ.test", "expired ID token"),
    ] {
        let mut client = app.anon();
        let back = oidc::sign_in(&mut client, login).await;
        assert_eq!(
            oidc::redirect_of(&back),
            "/login?oidc=invalid_token",
            "{login}"
        );
        assert!(whoami(&mut client).await.is_null(), "{login}");
        assert_eq!(
            accounts_of(&app, login).await,
            0,
            "{login}: no account made"
        );
        let reasons = failed_reasons(&app).await;
        assert!(
            reasons.last().unwrap().contains(reason),
            "{login}: {reasons:?}"
        );
    }
    // The page says it in words.
    let page = app.anon().get("/login?oidc=invalid_token").await;
    assert!(page.body.contains("could not be checked"), "{}", page.body);
}

#[tokio::test]
async fn a_provider_that_is_down_is_told_and_passwords_still_work() {
    let Some(app) = app(true, &[]).await else {
        return;
    };
    let mut client = app.anon();
    let go = oidc::start(&mut client, OFFLINE, "/").await;
    assert_eq!(oidc::redirect_of(&go), "/login?oidc=unavailable");
    assert!(failed_reasons(&app)
        .await
        .last()
        .unwrap()
        .contains("discovery failed"));
    let page = client.get("/login?oidc=unavailable").await;
    assert!(
        page.body.contains("is not answering just now"),
        "{}",
        page.body
    );
    // The buttons' forms may lead to the providers (browsers hold a form's redirects to
    // `form-action`), and nowhere else.
    let (issuer, _, _) = oidc::provider().unwrap();
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains(&format!("form-action 'self' {issuer} http://127.0.0.1:9;")),
        "{csp}"
    );
    assert!(
        page.body.contains("Sign in with Test Federation"),
        "{}",
        page.body
    );
    let login = client.login(UNIV_MEMBER, DEMO_PASSWORD).await;
    assert_eq!(login.status, StatusCode::OK, "{}", login.body);
    assert_eq!(whoami(&mut client).await["email"], UNIV_MEMBER);
    // An unknown provider is not found.
    let unknown = oidc::start(&mut app.anon(), "nowhere", "/").await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn an_untrusted_provider_never_links_by_address_the_person_links_it_themselves() {
    let Some(app) = app(false, &[]).await else {
        return;
    };
    // Hugo has an account: the provider saying his address gets nowhere.
    let mut client = app.anon();
    let back = oidc::sign_in(&mut client, UNIV_MEMBER).await;
    assert_eq!(oidc::redirect_of(&back), "/login?oidc=account_exists");
    assert!(whoami(&mut client).await.is_null());
    let page = client.get("/login?oidc=account_exists").await;
    assert!(
        page.body.contains("link this provider from"),
        "{}",
        page.body
    );

    // Signed in with his password, he links it from his account page.
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    assert_eq!(
        oidc::redirect_of(&oidc::link(&mut hugo, UNIV_MEMBER).await),
        "/account?linked=1#sign-in-methods"
    );
    assert_eq!(app.audited("oidc_linked", false).await, 1);
    let account = hugo.call("account", &[]).await.json();
    assert_eq!(
        account["linked_providers"][0]["provider"],
        "Test Federation"
    );
    assert_eq!(account["providers_to_link"][0]["id"], OFFLINE);
    // In his language: he signed in with English pages.
    let told = mail::unsent_to(&app, UNIV_MEMBER).await;
    assert!(
        told.iter()
            .any(|m| m.subject.contains("identity provider was linked")),
        "{told:?}"
    );

    // Now the provider signs him in.
    let mut later = app.anon();
    let back = oidc::sign_in(&mut later, UNIV_MEMBER).await;
    assert_eq!(oidc::redirect_of(&back), "/");
    assert_eq!(whoami(&mut later).await["email"], UNIV_MEMBER);

    // Someone else cannot link the same identity, nor unlink his link.
    let mut camille = app.signed_in(UNIV_OWNER).await;
    assert_eq!(
        oidc::redirect_of(&oidc::link(&mut camille, UNIV_MEMBER).await),
        "/account?oidc=linked_elsewhere#sign-in-methods"
    );
    let link_id = account["linked_providers"][0]["id"]
        .as_i64()
        .unwrap()
        .to_string();
    let theirs = camille.call("unlink_provider", &[("id", &link_id)]).await;
    assert_eq!(theirs.status, StatusCode::NOT_FOUND);
    // Anonymous: linking starts at the sign-in page, unlinking is refused.
    let anon = app
        .anon()
        .post_form(&format!("/auth/oidc/{TEST}/link"), &[])
        .await;
    assert_eq!(oidc::redirect_of(&anon), "/login?next=/account");
    let anon = app
        .anon()
        .call("unlink_provider", &[("id", &link_id)])
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);

    // He unlinks it: the provider no longer signs him in (his address has an account).
    let gone = hugo.call("unlink_provider", &[("id", &link_id)]).await;
    assert_eq!(gone.status, StatusCode::OK, "{}", gone.body);
    assert_eq!(app.audited("oidc_unlinked", false).await, 1);
    let back = oidc::sign_in(&mut app.anon(), UNIV_MEMBER).await;
    assert_eq!(oidc::redirect_of(&back), "/login?oidc=account_exists");
}

#[tokio::test]
async fn a_trusted_provider_links_the_account_of_its_verified_address_and_admins_still_give_a_code()
{
    let Some(app) = app(true, &[]).await else {
        return;
    };
    let mut client = app.anon();
    let back = oidc::sign_in(&mut client, UNIV_OWNER).await;
    assert_eq!(oidc::redirect_of(&back), "/");
    assert_eq!(whoami(&mut client).await["email"], UNIV_OWNER);
    assert_eq!(accounts_of(&app, UNIV_OWNER).await, 1);
    let told = mail::unsent_to(&app, UNIV_OWNER).await;
    assert!(told
        .iter()
        .any(|m| m.subject.contains("fournisseur d’identité est lié")));

    // A platform admin signed in by the provider still gives their code.
    let mut admin = app.anon();
    let back = oidc::sign_in(&mut admin, ADMIN).await;
    assert_eq!(oidc::redirect_of(&back), "/login/code");
    assert!(
        whoami(&mut admin).await.is_null(),
        "not signed in before the code"
    );
    let code = app.answer_code(&mut admin, ADMIN).await;
    assert_eq!(code.status, StatusCode::OK, "{}", code.body);
    assert_eq!(whoami(&mut admin).await["platform_admin"], true);
}

#[tokio::test]
async fn an_address_the_provider_does_not_vouch_for_is_confirmed_before_anything_is_submitted() {
    let Some(app) = app(true, &[]).await else {
        return;
    };
    let who = "unverified.una@univ.test";
    let mut una = app.anon();
    let back = oidc::sign_in(&mut una, who).await;
    assert_eq!(oidc::redirect_of(&back), "/", "signed in all the same");
    let account = una.call("account", &[]).await.json();
    assert_eq!(account["email_confirmed"], false);

    // An owner of the university (made so by hand here), she cannot submit yet.
    sqlx::query(
        "INSERT INTO memberships (tenant_id, user_id, role, created_at) \
         SELECT t.id, u.id, 'owner', 0 FROM tenants t, users u WHERE t.slug = 'univ-palaiseau' AND u.email = $1",
    )
    .bind(who)
    .execute(app.owner_pool())
    .await
    .unwrap();
    let mut una = app.anon();
    oidc::sign_in(&mut una, who).await;
    let form = requests::with_project(&mut una, requests::form("unverified-1")).await;
    let refused = requests::call_owned(
        &mut una,
        "save_request",
        &requests::with(form.clone(), &[("intent", "submit")]),
    )
    .await;
    assert_eq!(refused.status, StatusCode::CONFLICT, "{}", refused.body);
    assert!(requests::message(&refused).contains("Confirm your e-mail address first"));
    let options = una.call("request_form_options", &[]).await.json();
    assert_eq!(
        options["tenant_verified"], false,
        "the form does not offer submitting"
    );

    // A wrong link is not found; the e-mailed one confirms, once.
    let (_, link) = mail::emailed_link(&app, who, "/email/verify/").await;
    let token = link.trim_start_matches("/email/verify/");
    let wrong = una
        .call(
            "confirm_email_verification",
            &[("token", &token.replace(&token[..4], "0000"))],
        )
        .await;
    assert_eq!(wrong.status, StatusCode::NOT_FOUND);
    let again = una.call("resend_email_verification", &[]).await;
    assert_eq!(again.status, StatusCode::OK, "{}", again.body);
    let stale = una
        .call("confirm_email_verification", &[("token", token)])
        .await;
    assert_eq!(
        stale.status,
        StatusCode::NOT_FOUND,
        "a newer link replaced it"
    );
    let (_, link) = mail::emailed_link(&app, who, "/email/verify/").await;
    let token = link.trim_start_matches("/email/verify/");
    let done = una
        .call("confirm_email_verification", &[("token", token)])
        .await;
    assert_eq!(done.status, StatusCode::OK, "{}", done.body);
    let twice = una
        .call("confirm_email_verification", &[("token", token)])
        .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND);
    let resend = una.call("resend_email_verification", &[]).await;
    assert_eq!(
        resend.status,
        StatusCode::CONFLICT,
        "nothing left to confirm"
    );

    let submitted = requests::call_owned(
        &mut una,
        "save_request",
        &requests::with(form, &[("intent", "submit")]),
    )
    .await;
    assert_eq!(submitted.status, StatusCode::OK, "{}", submitted.body);
}

#[tokio::test]
async fn the_provider_offers_its_people_to_join_the_organisation_its_owners_decide() {
    let Some(app) = app(true, &[("univ-palaiseau.test", "univ-palaiseau")]).await else {
        return;
    };
    let who = "marie.curie@univ-palaiseau.test";
    let mut marie = app.anon();
    oidc::sign_in(&mut marie, who).await;
    let offers = marie.call("join_offers", &[]).await.json();
    assert_eq!(offers[0]["tenant_slug"], "univ-palaiseau", "{offers}");
    assert_eq!(offers[0]["provider"], "Test Federation");

    // Not an organisation she is not offered; anonymous: refused.
    let elsewhere = marie
        .call("ask_to_join", &[("tenant", "ghu-seine-est")])
        .await;
    assert_eq!(elsewhere.status, StatusCode::NOT_FOUND);
    let anon = app
        .anon()
        .call("ask_to_join", &[("tenant", "univ-palaiseau")])
        .await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED);
    let asked = marie
        .call("ask_to_join", &[("tenant", "univ-palaiseau")])
        .await;
    assert_eq!(asked.status, StatusCode::OK, "{}", asked.body);
    assert!(marie
        .call("join_offers", &[])
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
    let told = mail::unsent_to(&app, UNIV_OWNER).await;
    assert!(
        told.iter()
            .any(|m| m.subject.contains("demande à rejoindre")),
        "{told:?}"
    );

    // A member cannot see or decide; another organisation's owner finds nothing.
    let mut hugo = app.signed_in(UNIV_MEMBER).await;
    assert_eq!(
        hugo.call("join_requests", &[]).await.status,
        StatusCode::FORBIDDEN
    );
    let mut camille = app.signed_in(UNIV_OWNER).await;
    let open = camille.call("join_requests", &[]).await.json();
    assert_eq!(open[0]["email"], who, "{open}");
    let id = open[0]["id"].as_i64().unwrap().to_string();
    let mut nadia = app.signed_in(HOSP_OWNER).await;
    let foreign = nadia
        .call(
            "decide_join_request",
            &[("request_id", &id), ("accept", "true")],
        )
        .await;
    assert_eq!(foreign.status, StatusCode::NOT_FOUND);
    assert_eq!(
        hugo.call(
            "decide_join_request",
            &[("request_id", &id), ("accept", "true")]
        )
        .await
        .status,
        StatusCode::FORBIDDEN
    );

    let accepted = camille
        .call(
            "decide_join_request",
            &[("request_id", &id), ("accept", "true")],
        )
        .await;
    assert_eq!(accepted.status, StatusCode::OK, "{}", accepted.body);
    assert_eq!(app.audited("join_accepted", false).await, 1);
    let role: String = sqlx::query_scalar(
        "SELECT m.role FROM memberships m JOIN users u ON u.id = m.user_id \
         JOIN tenants t ON t.id = m.tenant_id WHERE u.email = $1 AND t.slug = 'univ-palaiseau'",
    )
    .bind(who)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(role, "member");
    let told = mail::unsent_to(&app, who).await;
    assert!(
        told.iter().any(|m| m.subject.contains("you joined")),
        "{told:?}"
    );
    let twice = camille
        .call(
            "decide_join_request",
            &[("request_id", &id), ("accept", "false")],
        )
        .await;
    assert_eq!(twice.status, StatusCode::NOT_FOUND, "decided already");

    // An address nobody proved is offered nothing.
    let mut una = app.anon();
    oidc::sign_in(&mut una, "unverified.una@univ-palaiseau.test").await;
    assert!(una
        .call("join_offers", &[])
        .await
        .json()
        .as_array()
        .unwrap()
        .is_empty());
}
