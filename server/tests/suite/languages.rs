//! The language of the pages: the person's choice (the switch's cookie, the account's memory),
//! else the browser's `Accept-Language`, else French; `<html lang>` and the words follow it, and
//! so do the server's own messages.

use crate::common;

use axum::body::Body;
use axum::http::{header, Method, Request, StatusCode};
use common::requests::message;
use common::*;

/// The `lang` of the page's `<html>` element.
fn html_lang(body: &str) -> Option<&str> {
    let start = body.find("<html")?;
    let tag = &body[start..start + body[start..].find('>')?];
    let value = tag.split("lang=\"").nth(1)?;
    value.split('"').next()
}

async fn login_page(client: &mut Client) -> TestResponse {
    let page = client.get("/login").await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    page
}

#[tokio::test]
async fn french_unless_the_browser_asks_for_english_first() {
    let app = TestApp::with_demo().await;
    for (accept, lang, words) in [
        (None, "fr", "Se connecter"),
        (Some("de-DE,de;q=0.9"), "fr", "Se connecter"),
        (Some("fr-FR,fr;q=0.9,en;q=0.8"), "fr", "Adresse e-mail"),
        (Some("en-GB,en;q=0.9"), "en", "E-mail address"),
        (Some("de-DE,en;q=0.7,fr;q=0.3"), "en", "E-mail address"),
        (Some("fr;q=0.2,EN-us;q=0.5"), "en", "E-mail address"),
    ] {
        let mut anon = app.anon();
        anon.accept_language = accept;
        let page = login_page(&mut anon).await;
        assert_eq!(html_lang(&page.body), Some(lang), "{accept:?}");
        assert!(page.body.contains(words), "{accept:?}: no {words:?}");
    }
}

#[tokio::test]
async fn the_switch_is_remembered_in_the_browser_over_its_accept_language() {
    let app = TestApp::with_demo().await;
    let mut anon = app.anon();
    anon.accept_language = Some("fr-FR");
    assert_eq!(html_lang(&login_page(&mut anon).await.body), Some("fr"));

    let chosen = anon.call("choose_language", &[("language", "en")]).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    let cookie = chosen.header("set-cookie").unwrap_or_default().to_owned();
    assert!(cookie.starts_with("guichet_lang=en;"), "{cookie}");
    assert!(
        cookie.contains("Max-Age=31536000") && cookie.contains("Path=/"),
        "{cookie}"
    );
    let page = login_page(&mut anon).await;
    assert_eq!(html_lang(&page.body), Some("en"));
    assert!(page.body.contains("E-mail address"));

    // A language we do not have is refused beside its field, in the page's language, and
    // changes nothing.
    let refused = anon.call("choose_language", &[("language", "de")]).await;
    assert_eq!(
        refused.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        refused.body
    );
    assert_eq!(refused.json()["field"], "language");
    assert_eq!(message(&refused), "Choose French or English.");
    assert_eq!(html_lang(&login_page(&mut anon).await.body), Some("en"));
}

#[tokio::test]
async fn the_account_remembers_the_choice_for_the_next_sign_in_elsewhere() {
    let app = TestApp::with_demo().await;
    let mut laptop = app.signed_in(UNIV_MEMBER).await;
    let chosen = laptop.call("choose_language", &[("language", "fr")]).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    let stored: Option<String> = sqlx::query_scalar("SELECT language FROM users WHERE email = $1")
        .bind(UNIV_MEMBER)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    assert_eq!(stored.as_deref(), Some("fr"));

    // Another browser, set to English, signs in: the account's French comes back with it.
    let mut phone = app.anon();
    phone.accept_language = Some("en-GB");
    let signed_in = phone.login(UNIV_MEMBER, DEMO_PASSWORD).await;
    assert!(signed_in.status.is_success(), "{}", signed_in.body);
    assert_eq!(phone.language_cookie.as_deref(), Some("guichet_lang=fr"));
    let home = phone.get("/").await;
    assert_eq!(html_lang(&home.body), Some("fr"));

    // Someone who never chose keeps the browser's language at sign-in.
    let mut other = app.anon();
    other.accept_language = Some("en-GB");
    other.login(UNIV_OWNER, DEMO_PASSWORD).await;
    assert_eq!(other.language_cookie, None);
    assert_eq!(html_lang(&other.get("/").await.body), Some("en"));

    // The change is audited once; choosing the same language again writes nothing.
    laptop.call("choose_language", &[("language", "fr")]).await;
    let changes: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM audit_log WHERE event = 'language_changed' AND actor_email = $1",
    )
    .bind(UNIV_MEMBER)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert_eq!(changes, 1);
}

/// The language the portal writes notices and e-mails to `email` in.
async fn writes_to(app: &TestApp, email: &str) -> app::i18n::Locale {
    let mut conn = app.owner_pool().acquire().await.unwrap();
    app::server::outbox::recipient_locale(&mut conn, email)
        .await
        .unwrap()
}

#[tokio::test]
async fn notices_follow_the_chosen_language_else_the_one_last_signed_in_with() {
    use app::i18n::Locale;
    let app = TestApp::with_demo().await;
    // Nobody signed in yet and nothing chosen: French.
    assert_eq!(writes_to(&app, UNIV_MEMBER).await, Locale::fr);

    // Signed in from an English browser, never chose: English.
    let mut laptop = app.anon();
    laptop.accept_language = Some("en-GB,en;q=0.9");
    laptop.login(UNIV_MEMBER, DEMO_PASSWORD).await;
    assert_eq!(writes_to(&app, UNIV_MEMBER).await, Locale::en);
    // The next sign-in from a French browser: French again.
    let mut phone = app.anon();
    phone.accept_language = Some("fr-FR");
    phone.login(UNIV_MEMBER, DEMO_PASSWORD).await;
    assert_eq!(writes_to(&app, UNIV_MEMBER).await, Locale::fr);

    // A choice outweighs the browser signed in with.
    let chosen = phone.call("choose_language", &[("language", "en")]).await;
    assert_eq!(chosen.status, StatusCode::OK, "{}", chosen.body);
    let mut desk = app.anon();
    desk.accept_language = Some("fr-FR");
    desk.login(UNIV_MEMBER, DEMO_PASSWORD).await;
    assert_eq!(writes_to(&app, UNIV_MEMBER).await, Locale::en);

    // A refused sign-in remembers nothing.
    let mut stranger = app.anon();
    stranger.accept_language = Some("en-GB");
    stranger.login(UNIV_OWNER, "not the right password").await;
    assert_eq!(writes_to(&app, UNIV_OWNER).await, Locale::fr);
}

#[tokio::test]
async fn without_the_wasm_the_switch_sends_the_browser_back_to_its_page_on_this_site_only() {
    let app = TestApp::with_demo().await;
    let mut anon = app.anon();
    for (referer, back) in [
        ("http://portal.test/placement?x=1", "/placement?x=1"),
        ("https://evil.test//evil.test/", "/"),
    ] {
        let req = Request::builder()
            .method(Method::POST)
            .uri("/api/choose_language")
            .header(header::HOST, "portal.test")
            .header(header::ORIGIN, "http://portal.test")
            .header("sec-fetch-site", "same-origin")
            .header(header::CONTENT_TYPE, "application/x-www-form-urlencoded")
            .header(header::ACCEPT, "text/html")
            .header(header::REFERER, referer)
            .body(Body::from("language=en"))
            .unwrap();
        let answer = anon.send(req).await;
        assert!(answer.status.is_redirection(), "{}", answer.status);
        assert_eq!(answer.header("location"), Some(back), "{referer}");
    }
}

#[tokio::test]
async fn the_servers_own_messages_follow_the_language() {
    let app = TestApp::with_demo().await;
    for (accept, words) in [
        ("fr-FR", "Choisissez le français ou l'anglais."),
        ("en-GB", "Choose French or English."),
    ] {
        let mut anon = app.anon();
        anon.accept_language = Some(accept);
        let refused = anon
            .call("choose_language", &[("language", "klingon")])
            .await;
        assert_eq!(refused.status, StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(message(&refused), words, "{accept}");
    }
}
