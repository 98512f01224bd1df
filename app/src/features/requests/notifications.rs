//! The unread-count badge in the header and `/notifications`, the person's own list.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::api::{unread_notifications, MarkNotificationsRead};
use super::types::NOTIFICATION_PAGE_ROWS;
use crate::domain::dates::format_local;
use crate::error::AppError;
use crate::ui::table::query_param;

#[derive(Clone, Copy)]
struct UnreadCount(Resource<Result<i64, AppError>>);

/// The unread count, loaded once per page. `Layout` calls this before its
/// view, so the resource is created outside any `Suspend` and hydrates with
/// the same identity it had on the server. Anonymous visitors count 0.
pub fn use_unread_count() -> Resource<Result<i64, AppError>> {
    if let Some(existing) = use_context::<UnreadCount>() {
        return existing.0;
    }
    let resource = Resource::new(
        || (),
        |_| async {
            match crate::features::identity::whoami().await {
                Ok(Some(_)) => unread_notifications().await,
                _ => Ok(0),
            }
        },
    );
    provide_context(UnreadCount(resource));
    resource
}

/// "Notifications" in the header with the unread count (rendered only for
/// signed-in people). The header awaits the count in its own `Suspend`: a
/// `Transition` created inside that `Suspend` would take its hydration id at a
/// moment that depends on timing, and the page's resources would then be
/// looked up under the wrong ids in the browser.
#[component]
pub fn NotificationBadge(unread: i64) -> impl IntoView {
    view! {
        <A href="/notifications">
            "Notifications"
            {(unread > 0).then(|| view! {
                " " <span class="badge badge--info">{unread}<span class="visually-hidden">" unread"</span></span>
            })}
        </A>
    }
}

/// "Newer" and "Older" links between pages of notifications (`?page=n`, from 0). A full page
/// may have older ones after it.
#[component]
fn NotificationPager(page: u32, full: bool) -> impl IntoView {
    let to = |n: u32| match n {
        0 => "/notifications".to_owned(),
        n => format!("/notifications?page={n}"),
    };
    (page > 0 || full).then(|| {
        view! {
            <nav class="pager" aria-label="Pages">
                {(page > 0).then(|| view! { <A href=to(page - 1) attr:rel="prev">"← Newer"</A> })}
                <span class="pager__at">"Page " {page + 1}</span>
                {full.then(|| view! { <A href=to(page + 1) attr:rel="next">"Older →"</A> })}
            </nav>
        }
    })
}

/// `/notifications`: the person's notifications a page at a time, newest first, with "Mark all
/// as read".
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let mark = ServerAction::<MarkNotificationsRead>::new();
    let page = query_param("page");
    let items = Resource::new(
        move || (mark.version().get(), page()),
        |(_, page)| super::api::list_notifications(page),
    );
    let page_number = move || {
        page()
            .and_then(|p| p.trim().parse::<u32>().ok())
            .unwrap_or(0)
    };
    view! {
        <Title text="Notifications"/>
        <section class="page">
            <h1>"Notifications"</h1>
            <ActionForm action=mark attr:class="inline-form">
                <button type="submit" class="button button--small">"Mark all as read"</button>
            </ActionForm>
            {move || mark.value().get().and_then(Result::err).map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match items.await {
                        Ok(items) if items.is_empty() && page_number() == 0 => view! { <p>"Nothing yet."</p> }.into_any(),
                        Ok(items) => {
                            let full = items.len() >= NOTIFICATION_PAGE_ROWS;
                            view! {
                            <div class="table-wrap"><table class="stack">
                                <thead><tr><th scope="col">"When"</th><th scope="col">"What"</th><th scope="col">"Request"</th><th scope="col">"Read"</th></tr></thead>
                                <tbody>
                                    {items.into_iter().map(|n| view! {
                                        <tr>
                                            <td data-label="When">{format_local(&n.created_at)}</td>
                                            <td data-label="What">{n.text}</td>
                                            <td data-label="Request">{n.request_id.map(|id| view! { <a href=format!("/requests/{id}")>{format!("#{id}")}</a> })}</td>
                                            <td data-label="Read">{if n.read { view! { <span class="badge">"Read"</span> } } else { view! { <span class="badge badge--info">"New"</span> } }}</td>
                                        </tr>
                                    }).collect_view()}
                                </tbody>
                            </table></div>
                            <NotificationPager page=page_number() full/>
                        }.into_any()
                        }
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}
