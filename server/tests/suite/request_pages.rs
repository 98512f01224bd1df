//! What people read about requests: the pages rendered on the server, the capacity view, their
//! notifications, and the request list's filters, sorting and paging.

use crate::common;

use axum::http::StatusCode;
use common::requests::*;
use common::*;
use serde_json::Value;

#[tokio::test]
async fn a_signed_out_deep_link_goes_to_the_sign_in_page_which_leads_back() {
    let app = TestApp::with_demo().await;
    for (page, back) in [
        ("/audit", "/login?next=/audit"),
        ("/requests/1", "/login?next=/requests/1"),
        (
            "/requests?status=open&page=1",
            "/login?next=/requests%3Fstatus%3Dopen%26page%3D1",
        ),
    ] {
        let r = app.anon().get(page).await;
        assert_eq!(r.status, StatusCode::SEE_OTHER, "{page}: {}", r.body);
        assert_eq!(r.header("location"), Some(back), "{page}");
    }
    // The sign-in page puts the way back into its form (the plain form follows it: cross_site.rs).
    let login = app
        .anon()
        .get("/login?next=/requests%3Fstatus%3Dopen%26page%3D1")
        .await;
    assert!(
        login
            .body
            .contains(r#"name="next" value="/requests?status=open&amp;page=1""#),
        "{}",
        login.body
    );
}

#[tokio::test]
async fn pages_offer_only_what_the_role_may_do_and_say_why() {
    let app = TestApp::with_demo().await;
    // An auditor is told why there is no form, and offered no button that would fail.
    let mut auditor = app.signed_in(UNIV_AUDITOR).await;
    let form = auditor.get("/requests/new").await;
    assert_eq!(form.status, StatusCode::FORBIDDEN, "{}", form.body);
    assert!(
        form.body
            .contains("As an auditor of Université de Palaiseau")
            && !form.body.contains("Submit for review")
            && !form.body.contains("Save as draft"),
        "{}",
        form.body
    );
    let list = auditor.get("/requests").await;
    assert!(
        !list.body.contains(r#"href="/requests/new""#),
        "{}",
        list.body
    );
    assert!(
        list.body.contains("your role does not ask for GPUs"),
        "{}",
        list.body
    );
    let home = auditor.get("/").await;
    assert!(
        !home.body.contains(r#"href="/requests/new""#),
        "{}",
        home.body
    );
    // A member is offered both.
    let mut member = app.signed_in(UNIV_MEMBER).await;
    assert!(member
        .get("/requests")
        .await
        .body
        .contains(r#"href="/requests/new""#));
    // A platform admin's way back from a request is the queue, not a tenant's list.
    let id = save(
        &mut member,
        common::requests::form("k-pages-roles"),
        "submit",
    )
    .await;
    let mut admin = app.signed_in(ADMIN).await;
    let page = admin.get(&format!("/requests/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(
        page.body.contains(r#"href="/admin/requests""#) && page.body.contains("← Request queue"),
        "{}",
        page.body
    );
    assert!(!page.body.contains("← Requests<"), "{}", page.body);
    // The project is named, not linked: its page is the tenant's, closed to a platform admin.
    assert!(!page.body.contains(r#"href="/projects/"#), "{}", page.body);
    assert_eq!(admin.get("/projects/1").await.status, StatusCode::FORBIDDEN);
    let page = member.get(&format!("/requests/{id}")).await;
    assert_eq!(page.status, StatusCode::OK, "{}", page.body);
    assert!(page.body.contains("← Requests"), "{}", page.body);
    assert!(page.body.contains(r#"href="/projects/"#), "{}", page.body);
}

#[tokio::test]
async fn the_pages_render_on_the_server() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(HOSP_MEMBER).await;
    let id = save(&mut member, form("k-pages"), "submit").await;

    let list = member.get("/requests").await;
    assert_eq!(list.status, StatusCode::OK);
    assert!(
        list.body.contains("Protein folding at scale"),
        "{}",
        list.body
    );

    let new = member.get("/requests/new").await;
    assert_eq!(new.status, StatusCode::OK);
    assert!(
        new.body.contains("Eligible") && new.body.contains("Dugny"),
        "{}",
        new.body
    );

    let page = member.get(&format!("/requests/{id}")).await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(
        page.body.contains("Timeline") && page.body.contains("Louis Girard"),
        "{}",
        page.body
    );
    assert!(page.body.contains("Withdraw"), "{}", page.body);

    let mut admin = app.signed_in(ADMIN).await;
    let queue = admin.get("/admin/requests?status=submitted").await;
    assert_eq!(queue.status, StatusCode::OK);
    assert!(
        queue.body.contains("Protein folding at scale"),
        "{}",
        queue.body
    );
}

#[tokio::test]
async fn the_capacity_view_shows_weekly_totals_as_svg_to_members_and_admins() {
    let app = TestApp::with_demo().await;
    approved(&app, "k-cap", &[("gpus", "240")]).await;

    let anon = app.anon().call("capacity_overview", &[]).await;
    assert_eq!(anon.status, StatusCode::UNAUTHORIZED, "{}", anon.body);

    let mut member = app.signed_in(OTHER_MEMBER).await;
    let data = member.call("capacity_overview", &[]).await;
    assert_eq!(data.status, StatusCode::OK, "{}", data.body);
    let data = data.json();
    assert_eq!(data["weeks"].as_array().unwrap().len(), 26);
    let dugny = data["pools"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["site_slug"] == "dugny" && p["gpu_model"] == "H100")
        .expect("Dugny H100")
        .clone();
    assert_eq!(dugny["available"], 256);
    let peaks: Vec<i64> = dugny["peaks"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_i64().unwrap())
        .collect();
    assert_eq!(peaks.iter().max(), Some(&240));
    assert_eq!(peaks[0], 0, "{peaks:?}");
    // No tenant data in the answer.
    assert!(!data.to_string().contains("Protein folding"));

    let page = member.get("/capacity").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("<svg"), "{}", page.body);
    assert!(page
        .body
        .contains("240 of 256 GPUs committed (busy: above 80 %)"));
    assert!(page.body.contains("Busiest week"));
    assert!(!page.body.contains("style="));

    let mut admin = app.signed_in(ADMIN).await;
    let page = admin.get("/capacity").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Dugny"));
}

#[tokio::test]
async fn people_see_and_mark_read_only_their_own_notifications() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    let id = save(&mut member, form("k-notes"), "submit").await;
    let mut owner = app.signed_in(UNIV_OWNER).await;
    owner
        .call("endorse_request", &[("id", &id.to_string())])
        .await;
    // The owner heard of the submission, the member of the endorsement.
    let count = |r: TestResponse| r.json().as_i64().unwrap();
    assert_eq!(count(member.call("unread_notifications", &[]).await), 1);
    let owner_unread = count(owner.call("unread_notifications", &[]).await);
    assert!(owner_unread >= 1);
    let mine = member.call("list_notifications", &[]).await.json();
    assert_eq!(mine.as_array().unwrap().len(), 1, "{mine}");
    assert!(
        mine[0]["text"]
            .as_str()
            .unwrap()
            .to_lowercase()
            .contains("endorsed"),
        "a member who chose no language reads the language they signed in with: {mine}"
    );

    // Another tenant's member sees none of them.
    let mut other = app.signed_in(OTHER_MEMBER).await;
    assert_eq!(
        other.call("list_notifications", &[]).await.json(),
        Value::Array(vec![])
    );
    assert_eq!(count(other.call("mark_notifications_read", &[]).await), 0);

    // Marking read touches only the caller's.
    assert_eq!(count(member.call("mark_notifications_read", &[]).await), 1);
    assert_eq!(count(member.call("unread_notifications", &[]).await), 0);
    assert_eq!(
        count(owner.call("unread_notifications", &[]).await),
        owner_unread
    );
    assert_eq!(
        app.anon().call("unread_notifications", &[]).await.status,
        StatusCode::UNAUTHORIZED
    );

    let page = owner.get("/notifications").await;
    assert_eq!(page.status, StatusCode::OK);
    assert!(page.body.contains("Mark all as read"), "{}", page.body);
    assert!(page.body.contains("Protein folding at scale"));
    let home = owner.get("/").await;
    assert!(home.body.contains("/notifications"), "{}", home.body);
}

#[tokio::test]
async fn the_request_list_filters_sorts_and_pages_through_its_arguments() {
    let app = TestApp::with_demo().await;
    let mut member = app.signed_in(UNIV_MEMBER).await;
    // 52 requests: 1 to 52 GPUs, every fourth one kept as a draft, titled by their size.
    for n in 1..=52 {
        let intent = if n % 4 == 0 { "draft" } else { "submit" };
        let gpus = n.to_string();
        let title = format!("Run of {n} GPUs");
        save(
            &mut member,
            with(
                form(&format!("list-{n}")),
                &[("gpus", &gpus), ("project_title", &title)],
            ),
            intent,
        )
        .await;
    }
    let ids = |page: &TestResponse| -> Vec<i64> {
        page.json()["rows"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["gpus"].as_i64().unwrap())
            .collect()
    };

    // Newest first, 50 a page, and a second page with the rest.
    let first = member.call("list_requests", &[]).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.body);
    assert_eq!(ids(&first).len(), 50);
    assert_eq!(ids(&first)[0], 52);
    assert_eq!(first.json()["has_more"], true);
    let second = member.call("list_requests", &[("page", "1")]).await;
    assert_eq!(ids(&second), vec![2, 1]);
    assert_eq!(second.json()["has_more"], false);

    // Sorted by GPUs, ascending; by status; filtered by status and by words.
    let by_gpus = member
        .call("list_requests", &[("sort", "gpus"), ("dir", "asc")])
        .await;
    assert_eq!(ids(&by_gpus), (1..=50).collect::<Vec<i64>>());
    // Titles sort as text, whole page in order ("Run of 9 GPUs" before "Run of 52 GPUs").
    let by_title = member
        .call("list_requests", &[("sort", "title"), ("dir", "desc")])
        .await;
    let mut expected: Vec<i64> = (1..=52).collect();
    expected.sort_by_key(|n| std::cmp::Reverse(format!("run of {n} gpus")));
    expected.truncate(50);
    assert_eq!(ids(&by_title), expected);
    let open = member.call("list_requests", &[("status", "open")]).await;
    assert_eq!(open.json()["rows"].as_array().unwrap().len(), 50);
    let granted = member.call("list_requests", &[("status", "granted")]).await;
    assert_eq!(ids(&granted), Vec::<i64>::new());
    let drafts = member.call("list_requests", &[("status", "draft")]).await;
    assert_eq!(ids(&drafts).len(), 13);
    assert!(ids(&drafts).iter().all(|g| g % 4 == 0));
    let words = member
        .call("list_requests", &[("search", "run of 17 ")])
        .await;
    assert_eq!(ids(&words), vec![17]);
    // LIKE's own characters are matched literally.
    let percent = member.call("list_requests", &[("search", "%")]).await;
    assert_eq!(ids(&percent), Vec::<i64>::new());

    // An unknown sort column sorts by id: nothing typed reaches the ORDER BY clause.
    let odd = member
        .call(
            "list_requests",
            &[("sort", "gpus; DROP TABLE quota_requests"), ("dir", "desc")],
        )
        .await;
    assert_eq!(odd.status, StatusCode::OK, "{}", odd.body);
    assert_eq!(ids(&odd)[0], 52);

    // Another member of the tenant sees the submitted ones, not this member's drafts.
    let mut owner = app.signed_in(UNIV_OWNER).await;
    let seen = owner.call("list_requests", &[("status", "draft")]).await;
    assert_eq!(ids(&seen), Vec::<i64>::new());
    // The admin queue reads the same filters.
    let mut admin = app.signed_in(ADMIN).await;
    let queue = admin
        .call(
            "request_queue",
            &[("status", "submitted"), ("sort", "gpus"), ("dir", "desc")],
        )
        .await;
    assert_eq!(queue.status, StatusCode::OK, "{}", queue.body);
    let first_row = &queue.json()["rows"][0]["summary"];
    assert_eq!(first_row["gpus"], 51);
    assert_eq!(first_row["tenant_name"], "Université de Palaiseau");

    // Search ignores case and accents, also where SQLite's LOWER would not: "universite" and
    // "UNIVERSITÉ" find "Université", "etude de l'ile" finds "Étude de l'Île".
    let tenant_rows = |page: &TestResponse| page.json()["rows"].as_array().unwrap().len();
    for words in ["universite de", "UNIVERSITÉ DE"] {
        let found = admin
            .call(
                "request_queue",
                &[("status", "submitted"), ("tenant", words)],
            )
            .await;
        assert_eq!(found.status, StatusCode::OK, "{}", found.body);
        assert_eq!(tenant_rows(&found), 39, "{words}");
    }
    save(
        &mut member,
        with(
            form("list-accents"),
            &[("gpus", "99"), ("project_title", "Étude de l'Île")],
        ),
        "submit",
    )
    .await;
    for words in ["etude de l'ile", "ÉTUDE DE L'ÎLE", "étude"] {
        let found = member.call("list_requests", &[("search", words)]).await;
        assert_eq!(ids(&found), vec![99], "{words}");
    }
}
