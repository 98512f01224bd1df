//! Forms posted as plain HTML forms: the pages are the server's HTML and only their islands run in
//! the browser, so most forms post this way. The page they come back to says what the answer
//! said, once, and the answer never travels in the address (`server::form_answer`).

use crate::common;

use axum::http::StatusCode;
use common::*;

const SAVED: &str = "Times are now shown in your new time zone.";

/// The page `location` (an absolute address on the portal, or a path) names. (Leptos leaves an
/// empty query, `?`, where it took its own refusal parameters out.)
fn path_of(location: &str) -> &str {
    location
        .strip_prefix("http://portal.test")
        .unwrap_or(location)
        .trim_end_matches('?')
}

/// Chooses the time zone `zone` on the account page, as a plain form.
async fn choose_zone(client: &mut Client, zone: &str) -> TestResponse {
    let posted = client
        .post_form_from("/api/change_time_zone", &[("time_zone", zone)], "/account")
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    posted
}

#[tokio::test]
async fn a_plain_forms_success_is_said_on_the_page_it_returns_to_once() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;

    let before = owner.open_page("/account").await;
    assert_eq!(before.status, StatusCode::OK);
    assert!(!before.body.contains(SAVED), "nothing was saved yet");

    let posted = choose_zone(&mut owner, "America/Montreal").await;
    let location = posted.header("location").unwrap().to_owned();
    assert_eq!(
        path_of(&location),
        "/account",
        "back to the page, with nothing in the address"
    );

    let after = owner.open_page(path_of(&location)).await;
    assert_eq!(after.status, StatusCode::OK);
    assert!(after.body.contains(SAVED), "the page says it was saved");
    assert!(after.body.contains("America/Montreal"));

    // Said once: a reload does not say it again.
    let again = owner.open_page("/account").await;
    assert!(!again.body.contains(SAVED));
}

#[tokio::test]
async fn a_plain_forms_refusal_is_said_beside_the_form_and_not_as_a_success() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let posted = choose_zone(&mut owner, "Mars/Olympus_Mons").await;
    let location = posted.header("location").unwrap().to_owned();
    assert!(
        location.contains("__err="),
        "the refusal comes back in the address: {location}"
    );

    let page = owner.open_page(path_of(&location)).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(!page.body.contains(SAVED));
    assert!(
        page.body.contains("aria-invalid=\"true\""),
        "the field is marked refused"
    );
}

#[tokio::test]
async fn another_persons_answer_is_not_shown_to_them() {
    let app = TestApp::with_demo().await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    choose_zone(&mut owner, "America/Montreal").await;
    // The answer waits in the owner's session, not in anyone else's.
    let theirs = member.open_page("/account").await;
    assert!(!theirs.body.contains(SAVED));
    let mine = owner.open_page("/account").await;
    assert!(mine.body.contains(SAVED));
}

#[tokio::test]
async fn a_refused_form_comes_back_holding_what_was_typed_but_no_secret() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let project = member.first_project().await;
    let title = "Protein folding & \"docking\"";
    let why = "Three weeks of <training> runs";
    let posted = member
        .post_form_from(
            "/api/save_request",
            &[
                ("project", project.as_str()),
                ("project_title", title),
                ("justification", why),
                ("sector", "health"),
                ("classification", "personal"),
                ("gpu_model", "h100"),
                ("gpus", "lots"),
                ("start_date", "2099-13-45"),
                ("end_date", ""),
                ("intent", "submit"),
            ],
            "/requests/new",
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    let location = posted.header("location").unwrap().to_owned();
    assert!(location.contains("__err="), "refused: {location}");

    let page = member.open_page(path_of(&location)).await;
    assert_eq!(page.status, StatusCode::OK);
    let body = &page.body;
    assert!(
        body.contains(r#"value="Protein folding &amp; &quot;docking&quot;""#),
        "the title is there again, escaped"
    );
    assert!(
        body.contains("Three weeks of &lt;training&gt; runs</textarea>"),
        "the justification is there again, escaped"
    );
    assert!(
        body.contains(r#"value="lots""#),
        "even the refused value, to correct"
    );
    assert!(
        body.contains(r#"<option value="personal" selected"#),
        "the classification chosen is chosen again"
    );
    assert!(
        body.contains(r#"aria-invalid="true""#),
        "and the refused fields are marked"
    );

    // Once: the next page is the form as the server draws it.
    let again = member.open_page("/requests/new").await;
    assert!(!again.body.contains("Protein folding"));
}

#[tokio::test]
async fn a_password_typed_into_a_refused_form_is_never_given_back() {
    let app = TestApp::with_demo().await;
    let mut visitor = app.anon();
    let posted = visitor
        .post_form_from(
            "/api/login",
            &[
                ("email", "nobody@univ.test"),
                ("password", "my-secret-pass"),
            ],
            "/login",
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    let location = posted.header("location").unwrap().to_owned();
    let page = visitor.open_page(path_of(&location)).await;
    assert!(
        page.body.contains(r#"value="nobody@univ.test""#),
        "the address is kept"
    );
    assert!(!page.body.contains("my-secret-pass"), "the password is not");
}

/// The first secret with `prefix` shown whole on `page` (its 43 characters: 256 random bits), not
/// the few characters a list shows of it.
fn whole_secret(page: &str, prefix: &str) -> Option<String> {
    page.split(prefix).skip(1).find_map(|rest| {
        let tail: String = rest
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_' || *c == '-')
            .collect();
        (tail.len() == 43).then(|| format!("{prefix}{tail}"))
    })
}

/// Every session's stored data, as text.
async fn stored_sessions(app: &TestApp) -> String {
    let rows: Vec<(String,)> = sqlx::query_as("SELECT data FROM sessions")
        .fetch_all(app.owner_pool())
        .await
        .unwrap();
    rows.into_iter()
        .map(|(d,)| d)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Creates an API token with a plain form from the tokens page; the location it returns to.
async fn create_token_as_a_form(client: &mut Client) -> String {
    let expires = common::api::in_days(30);
    let posted = client
        .post_form_from(
            "/api/create_api_token",
            &[
                ("name", "laptop"),
                ("tenant", "univ-palaiseau"),
                ("scope", "read"),
                ("expires_on", expires.as_str()),
            ],
            "/account/tokens",
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    path_of(posted.header("location").unwrap()).to_owned()
}

#[tokio::test]
async fn a_secret_shown_once_waits_sealed_and_only_the_browser_that_posted_opens_it() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let back = create_token_as_a_form(&mut member).await;
    let stored = stored_sessions(&app).await;
    assert!(
        member.answer_cookie.is_some(),
        "the answer's key went to the browser"
    );

    let page = member.open_page(&back).await;
    let token = whole_secret(&page.body, "gch_")
        .expect("the new token is shown on the page the form returns to");
    assert!(
        !stored.contains(&token) && !stored.contains(&token[4..]),
        "the session never held the token readable"
    );
    assert!(member.answer_cookie.is_none(), "the key is taken back");
    let again = member.open_page("/account/tokens").await;
    assert!(!again.body.contains(&token), "shown once");

    // The session's cookie alone (another copy of it, without the answer's key) opens nothing.
    create_token_as_a_form(&mut member).await;
    member.answer_cookie = None;
    let without_key = member.open_page("/account/tokens").await;
    assert_eq!(without_key.status, StatusCode::OK);
    assert_eq!(
        without_key.body.matches("gch_").count(),
        again.body.matches("gch_").count() + 1,
        "only the new token's shown prefix is listed, not the token"
    );
}

#[tokio::test]
async fn a_site_agents_credential_is_shown_on_the_page_its_form_returns_to() {
    let app = TestApp::with_demo().await;
    let mut admin = app.signed_in(ADMIN).await;
    let posted = admin
        .post_form_from(
            "/api/register_site_agent",
            &[
                ("site", "dugny"),
                ("name", "slurm prod"),
                ("cluster", "dugny-prod"),
                ("lead_days", "7"),
            ],
            "/admin/agents",
        )
        .await;
    assert_eq!(posted.status, StatusCode::FOUND, "{}", posted.body);
    let page = admin
        .open_page(path_of(posted.header("location").unwrap()))
        .await;
    assert_eq!(page.status, StatusCode::OK);
    let secret = whole_secret(&page.body, "gsa_")
        .expect("the new credential is shown whole on the page the form returns to");
    let again = admin.open_page("/admin/agents").await;
    assert!(!again.body.contains(&secret), "and not on the next page");
}
