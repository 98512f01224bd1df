//! The review conversation on a request (issue 12, point 2): comments and PDF attachments.
//! Who sees the thread is who sees the request (a member of another project of the same tenant
//! and another tenant get 404, like for the request); who writes: the requester, the project's
//! lead and members, the tenant's owners and platform admins (viewers and auditors read only).
//! Attachments are PDFs of at most 10 MB, served only as downloads.

use crate::common;

use app::server::db::{MemberProjects, TenantScope};
use axum::http::StatusCode;
use common::requests::{call_owned, form, message, save, with, OTHER_MEMBER, OTHER_OWNER};
use common::review::{multipart_body, FilePart, PDF};
use common::*;

/// A request of the university's member (lead of `climate`, alone in it), in `climate`, saved
/// with `intent` (`submit` or `draft`).
async fn climate_request(app: &TestApp, key: &str, intent: &str) -> i64 {
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let project = project_id(app, "univ-palaiseau", "climate").await;
    save(
        &mut member,
        with(form(key), &[("project", &project.to_string())]),
        intent,
    )
    .await
}

async fn project_id(app: &TestApp, tenant: &str, code: &str) -> i64 {
    let (id,): (i64,) = sqlx::query_as(
        "SELECT p.id FROM projects p JOIN tenants t ON t.id = p.tenant_id WHERE t.slug = $1 AND p.code = $2",
    )
    .bind(tenant)
    .bind(code)
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    id
}

async fn count(app: &TestApp, sql: &str, id: i64) -> i64 {
    common::requests::scalar(app, sql, id).await
}

async fn comment(client: &mut Client, id: i64, body: &str) -> TestResponse {
    client
        .call("post_comment", &[("id", &id.to_string()), ("body", body)])
        .await
}

async fn thread(client: &mut Client, id: i64) -> TestResponse {
    client
        .call("review_thread", &[("id", &id.to_string())])
        .await
}

/// The unread notifications' texts of `email`, through the portal.
async fn notified(app: &TestApp, email: &str) -> Vec<String> {
    let mut client = app.signed_in(email).await;
    let list = client.call("list_notifications", &[]).await;
    assert_eq!(list.status, StatusCode::OK, "{}", list.body);
    list.json()
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["text"].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn the_people_of_a_request_talk_in_one_thread_oldest_first() {
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "thread", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let mut admin = app.signed_in(ADMIN).await;

    for (client, text) in [
        (&mut member, "  The DPIA is on its way.  "),
        (&mut admin, "Which ethics committee approved it?"),
        (&mut owner, "The university's, in October."),
    ] {
        let posted = comment(client, id, text).await;
        assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    }

    // The auditor reads it all, oldest first, with names and times in words; writes nothing.
    let mut auditor = app.signed_in(UNIV_AUDITOR).await;
    let seen = thread(&mut auditor, id).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    let seen = seen.json();
    let comments = seen["comments"].as_array().unwrap();
    let bodies: Vec<&str> = comments
        .iter()
        .map(|c| c["body"].as_str().unwrap())
        .collect();
    assert_eq!(
        bodies,
        [
            "The DPIA is on its way.",
            "Which ethics committee approved it?",
            "The university's, in October."
        ]
    );
    assert_eq!(comments[0]["author_name"], "Hugo Martin");
    assert_eq!(comments[1]["by_reviewer"], true);
    assert_eq!(comments[0]["when"], "just now");
    assert_eq!(seen["may_post"], false);
    let refused = comment(&mut auditor, id, "May I?").await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN, "{}", refused.body);
    assert_eq!(refused.json()["kind"], "forbidden", "{}", refused.body);

    // The page shows the thread.
    let page = member.get(&format!("/requests/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Conversation"), "{}", page.body);
    assert!(page.body.contains("Which ethics committee approved it?"));

    // Each comment is audited, in its tenant.
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM audit_log WHERE event = 'request.comment' AND tenant_id = \
             (SELECT tenant_id FROM quota_requests WHERE id = $1)",
            id
        )
        .await,
        3
    );
}

#[tokio::test]
async fn a_comment_tells_the_others_concerned_never_its_author() {
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "notify", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let posted = comment(&mut member, id, "Budget line confirmed.").await;
    assert_eq!(posted.status, StatusCode::OK, "{}", posted.body);
    let about = |texts: Vec<String>| texts.iter().any(|t| t.contains("Budget line confirmed."));
    // The owner, and the platform admin (the request awaits their review), hear of it.
    assert!(about(notified(&app, UNIV_OWNER).await));
    assert!(about(notified(&app, ADMIN).await));
    // Not its author (the requester and the project's lead), not another project's member.
    assert!(!about(notified(&app, UNIV_MEMBER).await));
    assert!(!about(notified(&app, OTHER_PROJECT_MEMBER).await));

    // The admin's answer reaches the requester, not the admin.
    let mut admin = app.signed_in(ADMIN).await;
    let answered = comment(&mut admin, id, "Thanks, noted.").await;
    assert_eq!(answered.status, StatusCode::OK, "{}", answered.body);
    let noted = |texts: Vec<String>| texts.iter().any(|t| t.contains("Thanks, noted."));
    assert!(noted(notified(&app, UNIV_MEMBER).await));
    assert!(noted(notified(&app, UNIV_OWNER).await));
    assert!(!noted(notified(&app, ADMIN).await));
}

#[tokio::test]
async fn who_does_not_see_the_request_sees_no_thread() {
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "strangers", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    assert_eq!(
        comment(&mut member, id, "First.").await.status,
        StatusCode::OK
    );

    let mut anon = app.anon();
    let r = thread(&mut anon, id).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    let r = comment(&mut anon, id, "Hello").await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);

    // Léa belongs to the university but not to `climate`; Louis to the hospital.
    for email in [OTHER_PROJECT_MEMBER, HOSP_MEMBER] {
        let mut stranger = app.signed_in(email).await;
        let r = thread(&mut stranger, id).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{email}: {}", r.body);
        assert_eq!(r.json()["kind"], "not_found", "{}", r.body);
        let r = comment(&mut stranger, id, "Let me in").await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{email}: {}", r.body);
    }
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM request_comments WHERE request_id = $1",
            id
        )
        .await,
        1
    );

    // A draft's conversation is its requester's alone, as the draft is.
    let draft = climate_request(&app, "draft", "draft").await;
    assert_eq!(thread(&mut member, draft).await.status, StatusCode::OK);
    for email in [UNIV_OWNER, ADMIN] {
        let mut other = app.signed_in(email).await;
        let r = thread(&mut other, draft).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{email}: {}", r.body);
    }
}

#[tokio::test]
async fn a_project_viewer_reads_the_thread_and_writes_nothing() {
    let app = TestApp::with_demo().await;
    // Zoé leads Aléa Labs' `foundation`, where Théo is a viewer.
    let mut zoe = app.signed_in(OTHER_OWNER).await;
    let foundation = project_id(&app, "alea-labs", "foundation").await;
    let id = save(
        &mut zoe,
        with(form("foundation"), &[("project", &foundation.to_string())]),
        "submit",
    )
    .await;
    assert_eq!(
        comment(&mut zoe, id, "Model card attached.").await.status,
        StatusCode::OK
    );

    let mut theo = app.signed_in(OTHER_MEMBER).await;
    let seen = thread(&mut theo, id).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    assert_eq!(seen.json()["may_post"], false);
    assert_eq!(seen.json()["comments"][0]["body"], "Model card attached.");
    let r = comment(&mut theo, id, "Can I add something?").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    let r = theo.upload(id, "dpia", &FilePart::pdf()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM request_comments WHERE request_id = $1",
            id
        )
        .await,
        1
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM request_attachments WHERE request_id = $1",
            id
        )
        .await,
        0
    );
}

#[tokio::test]
async fn a_comment_says_something_in_at_most_5000_characters() {
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "lengths", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let empty = comment(&mut member, id, " \n ").await;
    assert_eq!(
        empty.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        empty.body
    );
    assert!(
        message(&empty).contains("write a comment"),
        "{}",
        empty.body
    );
    let long = comment(&mut member, id, &"x".repeat(5_001)).await;
    assert_eq!(
        long.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        long.body
    );
    assert!(
        message(&long).contains("at most 5,000 characters"),
        "{}",
        long.body
    );
    let missing = call_owned(
        &mut member,
        "post_comment",
        &[("id".into(), id.to_string())],
    )
    .await;
    assert_eq!(
        missing.status,
        StatusCode::UNPROCESSABLE_ENTITY,
        "{}",
        missing.body
    );
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM request_comments WHERE request_id = $1",
            id
        )
        .await,
        0
    );
    let longest = comment(&mut member, id, &"é".repeat(5_000)).await;
    assert_eq!(longest.status, StatusCode::OK, "{}", longest.body);
}

#[tokio::test]
async fn a_pdf_attached_by_the_requester_is_downloaded_by_the_reviewer_never_shown_inline() {
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "attach", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let file = FilePart {
        name: "C:\\Users\\hugo\\DPIA climate v2.pdf",
        content_type: "application/pdf",
        bytes: PDF,
    };
    let uploaded = member.upload(id, "dpia", &file).await;
    assert_eq!(uploaded.status, StatusCode::CREATED, "{}", uploaded.body);
    let attachment = uploaded.json()["id"].as_i64().unwrap();

    // Listed with its name, kind, size in words, who and when; never its bytes.
    let mut admin = app.signed_in(ADMIN).await;
    let seen = thread(&mut admin, id).await;
    assert_eq!(seen.status, StatusCode::OK, "{}", seen.body);
    let listed = &seen.json()["attachments"][0];
    assert_eq!(listed["file_name"], "DPIA climate v2.pdf");
    assert_eq!(listed["kind"], "dpia");
    assert_eq!(listed["size"], format!("{} bytes", PDF.len()));
    assert_eq!(listed["uploader_name"], "Hugo Martin");
    assert_eq!(listed["when"], "just now");
    assert!(!seen.body.contains("%PDF"), "{}", seen.body);

    // The platform admin downloads it: a PDF to save, not sniffed, sandboxed, not cached.
    let path = format!("/requests/{id}/attachments/{attachment}");
    let got = admin.get(&path).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.body);
    assert_eq!(got.body.as_bytes(), PDF);
    assert_eq!(got.header("content-type"), Some("application/pdf"));
    assert_eq!(
        got.header("content-disposition"),
        Some(format!("attachment; filename=\"request-{id}-dpia-{attachment}.pdf\"").as_str())
    );
    assert_eq!(got.header("x-content-type-options"), Some("nosniff"));
    let policies: Vec<&str> = got
        .headers
        .get_all("content-security-policy")
        .iter()
        .map(|v| v.to_str().unwrap())
        .collect();
    assert!(
        policies.iter().any(|p| p.starts_with("sandbox")),
        "a sandbox policy: {policies:?}"
    );
    assert_eq!(got.header("cache-control"), Some("no-store"));

    // The owner and the auditor of the tenant too.
    for email in [UNIV_OWNER, UNIV_AUDITOR] {
        let mut reader = app.signed_in(email).await;
        assert_eq!(reader.get(&path).await.status, StatusCode::OK, "{email}");
    }
    // Nobody else: anonymous 401; another project's member and another tenant 404.
    let r = app.anon().get(&path).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    assert!(!r.body.contains("%PDF"), "{}", r.body);
    let r = app.anon().upload(id, "dpia", &FilePart::pdf()).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "{}", r.body);
    for email in [OTHER_PROJECT_MEMBER, HOSP_MEMBER] {
        let mut stranger = app.signed_in(email).await;
        let r = stranger.get(&path).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{email}: {}", r.body);
        assert!(!r.body.contains("%PDF"), "{email}: {}", r.body);
        let r = stranger.upload(id, "dpia", &FilePart::pdf()).await;
        assert_eq!(r.status, StatusCode::NOT_FOUND, "{email}: {}", r.body);
    }
    // An attachment named under another request of the viewer's is not found either.
    let other = climate_request(&app, "attach-2", "submit").await;
    let r = member
        .get(&format!("/requests/{other}/attachments/{attachment}"))
        .await;
    assert_eq!(r.status, StatusCode::NOT_FOUND, "{}", r.body);

    // Audited in its tenant, with what was attached.
    let (detail,): (String,) = sqlx::query_as(
        "SELECT detail FROM audit_log WHERE event = 'request.attachment' ORDER BY id DESC LIMIT 1",
    )
    .fetch_one(app.owner_pool())
    .await
    .unwrap();
    assert!(detail.contains("\"kind\":\"dpia\""), "{detail}");
    assert!(
        detail.contains(&format!("\"attachment_id\":{attachment}")),
        "{detail}"
    );
    // The requester's reviewer heard of it (the request is under review).
    assert!(notified(&app, ADMIN)
        .await
        .iter()
        .any(|t| t.contains("a joint un document")));
}

#[tokio::test]
async fn only_pdfs_are_attached_with_every_problem_said_at_once() {
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "not-pdf", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let stored = "SELECT COUNT(*) FROM request_attachments WHERE request_id = $1";

    // HTML that claims to be a PDF, and a PDF that claims to be HTML.
    for file in [
        FilePart {
            name: "evil.pdf",
            content_type: "application/pdf",
            bytes: b"<html><script>alert(1)</script></html>",
        },
        FilePart {
            name: "dpia.html",
            content_type: "text/html",
            bytes: PDF,
        },
    ] {
        let r = member.upload(id, "dpia", &file).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
        assert_eq!(r.json()["field"], "file", "{}", r.body);
        assert!(message_of(&r).contains("not a PDF"), "{}", r.body);
    }

    // Neither a kind nor a file: both fields' errors.
    let r = member
        .post_multipart(
            &format!("/requests/{id}/attachments"),
            multipart_body(Some("spreadsheet"), None),
            false,
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert!(r.body.contains("what kind of document"), "{}", r.body);
    assert!(r.body.contains("choose a PDF file"), "{}", r.body);
    assert_eq!(count(&app, stored, id).await, 0);
}

/// The message of a validation error.
fn message_of(r: &TestResponse) -> String {
    r.json()["message"].as_str().unwrap_or_default().to_string()
}

#[tokio::test]
async fn more_than_10_mb_is_refused_in_words() {
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "big", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;

    // One byte over: read, then refused beside the field.
    let mut big = PDF.to_vec();
    big.resize(10 * 1024 * 1024 + 1, b' ');
    let file = FilePart {
        name: "scan.pdf",
        content_type: "application/pdf",
        bytes: &big,
    };
    let r = member.upload(id, "ethics_approval", &file).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.body);
    assert_eq!(r.json()["field"], "file", "{}", r.body);
    assert!(message_of(&r).contains("larger than 10 MB"), "{}", r.body);
    let stored = "SELECT COUNT(*) FROM request_attachments WHERE request_id = $1";
    assert_eq!(count(&app, stored, id).await, 0);

    // Far over: the route's body limit stops it (413), also in words.
    big.resize(12 * 1024 * 1024, b' ');
    let file = FilePart {
        name: "scan.pdf",
        content_type: "application/pdf",
        bytes: &big,
    };
    let r = member.upload(id, "ethics_approval", &file).await;
    assert!(
        r.status == StatusCode::PAYLOAD_TOO_LARGE || r.status == StatusCode::UNPROCESSABLE_ENTITY,
        "{} {}",
        r.status,
        r.body
    );
    assert!(r.body.contains("larger than 10 MB"), "{}", r.body);
    assert_eq!(count(&app, stored, id).await, 0);

    // Exactly 10 MB goes through.
    big.truncate(10 * 1024 * 1024);
    let file = FilePart {
        name: "scan.pdf",
        content_type: "application/pdf",
        bytes: &big,
    };
    let r = member.upload(id, "ethics_approval", &file).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.body);
    let seen = thread(&mut member, id).await.json();
    assert_eq!(seen["attachments"][0]["size"], "10.0 MB");

    // Other routes keep the portal's 1 MiB limit.
    let long = "x".repeat(2 * 1024 * 1024);
    let r = comment(&mut member, id, &long).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.body.len());
}

#[tokio::test]
async fn a_browser_is_sent_back_to_the_request_with_the_outcome_beside_the_field() {
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "browser", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let path = format!("/requests/{id}/attachments");
    let not_pdf = FilePart {
        name: "notes.txt",
        content_type: "text/plain",
        bytes: b"just notes",
    };
    let r = member
        .post_multipart(&path, multipart_body(Some("other"), Some(&not_pdf)), true)
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    let back = r.header("location").unwrap().to_string();
    assert_eq!(back, format!("/requests/{id}?upload=not_pdf#attachments"));
    let page = member.get(back.split('#').next().unwrap()).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("this file is not a PDF"),
        "{}",
        page.body
    );

    let r = member
        .post_multipart(
            &path,
            multipart_body(Some("hosting_contract"), Some(&FilePart::pdf())),
            true,
        )
        .await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.body);
    assert_eq!(
        r.header("location"),
        Some(format!("/requests/{id}?upload=done#attachments").as_str())
    );
    let page = member.get(&format!("/requests/{id}?upload=done")).await;
    assert!(
        page.body.contains("The document is attached."),
        "{}",
        page.body
    );
    assert!(page.body.contains("Hosting contract"), "{}", page.body);
    assert!(
        page.body.contains(&format!("/requests/{id}/attachments/")),
        "{}",
        page.body
    );
}

#[tokio::test]
async fn an_upload_from_another_site_is_refused() {
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "csrf", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let r = member
        .post_multipart_with(
            &format!("/requests/{id}/attachments"),
            multipart_body(Some("dpia"), Some(&FilePart::pdf())),
            &[
                ("origin", "https://evil.test"),
                ("sec-fetch-site", "cross-site"),
            ],
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.body);
    assert_eq!(
        count(
            &app,
            "SELECT COUNT(*) FROM request_attachments WHERE request_id = $1",
            id
        )
        .await,
        0
    );
}

#[tokio::test]
async fn on_postgres_comments_and_files_follow_their_request_with_no_filter() {
    if backend_name() != "postgres" {
        eprintln!("skipped: row-level security is PostgreSQL's");
        return;
    }
    let app = TestApp::with_demo().await;
    let id = climate_request(&app, "rls", "submit").await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    assert_eq!(
        comment(&mut member, id, "Scoped.").await.status,
        StatusCode::OK
    );
    assert_eq!(
        member.upload(id, "dpia", &FilePart::pdf()).await.status,
        StatusCode::CREATED
    );

    let (univ,): (i64,) = sqlx::query_as("SELECT id FROM tenants WHERE slug = 'univ-palaiseau'")
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let (lea,): (i64,) = sqlx::query_as("SELECT id FROM users WHERE email = $1")
        .bind(OTHER_PROJECT_MEMBER)
        .fetch_one(app.owner_pool())
        .await
        .unwrap();
    let lea_projects: Vec<(i64,)> =
        sqlx::query_as("SELECT project_id FROM project_members WHERE user_id = $1")
            .bind(lea)
            .fetch_all(app.owner_pool())
            .await
            .unwrap();
    let lea_scope = TenantScope {
        tenant_id: univ,
        member: Some(MemberProjects {
            user_id: lea,
            ids: lea_projects.into_iter().map(|(p,)| p).collect(),
        }),
    };
    for table in [
        "request_comments",
        "request_attachments",
        "request_attachment_files",
    ] {
        let sql = format!("SELECT COUNT(*) FROM {table}");
        let mut whole = app
            .state
            .db
            .tenant_tx(&TenantScope::whole_tenant(univ))
            .await
            .unwrap();
        let (seen,): (i64,) = sqlx::query_as(&sql).fetch_one(&mut *whole).await.unwrap();
        assert_eq!(seen, 1, "{table}: the tenant's owners see it");
        whole.commit().await.unwrap();

        let mut other = app.state.db.tenant_tx(&lea_scope).await.unwrap();
        let (seen,): (i64,) = sqlx::query_as(&sql).fetch_one(&mut *other).await.unwrap();
        assert_eq!(
            seen, 0,
            "{table}: another project's member sees nothing, with no filter"
        );
        other.commit().await.unwrap();
    }
}
