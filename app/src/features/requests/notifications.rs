//! The unread-count badge in the header and `/notifications`, the person's own list.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use super::api::{unread_notifications, MarkNotificationsRead};
use super::types::NOTIFICATION_PAGE_ROWS;
use crate::domain::format::{fill, local_instant};
use crate::error::AppError;
use crate::i18n::{t_string, td_string, use_i18n};
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
            // Notifications are a tenant's or the platform's: a person acting in no tenant (one
            // an identity provider just signed in, or whose organisation they left) has none,
            // and asking would give every page they open a 403.
            match crate::features::identity::whoami().await {
                Ok(Some(v)) if v.platform_admin || v.tenant_name.is_some() => {
                    unread_notifications().await
                }
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
    let i18n = use_i18n();
    view! {
        <A href="/notifications">
            {tr(i18n, |l| td_string!(l, requests.notifications))}
            {(unread > 0).then(|| view! {
                " " <span class="badge badge--info">{unread}<span class="visually-hidden">" " {tr(i18n, |l| td_string!(l, requests.unread))}</span></span>
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
    let i18n = use_i18n();
    (page > 0 || full).then(|| {
        view! {
            <nav class="pager" aria-label=tr(i18n, |l| td_string!(l, requests.pages))>
                {(page > 0).then(|| view! { <A href=to(page - 1) attr:rel="prev">{tr(i18n, |l| td_string!(l, requests.newer))}</A> })}
                <span class="pager__at">{move || fill(t_string!(i18n, requests.page_number), &[("n", &(page + 1))])}</span>
                {full.then(|| view! { <A href=to(page + 1) attr:rel="next">{tr(i18n, |l| td_string!(l, requests.older))}</A> })}
            </nav>
        }
    })
}

/// `/notifications`: the person's notifications a page at a time, newest first, with "Mark all
/// as read".
#[component]
pub fn NotificationsPage() -> impl IntoView {
    let mark = crate::ui::form::action::<MarkNotificationsRead>();
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
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, requests.notifications))/>
        <section class="page">
            <h1>{tr(i18n, |l| td_string!(l, requests.notifications))}</h1>
            <ActionForm action=mark attr:class="inline-form">
                <button type="submit" class="button button--small">{tr(i18n, |l| td_string!(l, requests.mark_all_read))}</button>
            </ActionForm>
            {move || mark.value().get().and_then(Result::err).map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })}
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, requests.loading))}</p> }>
                {move || Suspend::new(async move {
                    match items.await {
                        Ok(items) if items.is_empty() && page_number() == 0 => view! { <p>{tr(i18n, |l| td_string!(l, requests.nothing_yet))}</p> }.into_any(),
                        Ok(items) => {
                            let full = items.len() >= NOTIFICATION_PAGE_ROWS;
                            view! {
                            <div class="table-wrap"><table class="stack">
                                <thead><tr>
                                    <th scope="col">{tr(i18n, |l| td_string!(l, requests.when))}</th>
                                    <th scope="col">{tr(i18n, |l| td_string!(l, requests.what))}</th>
                                    <th scope="col">{tr(i18n, |l| td_string!(l, requests.request))}</th>
                                    <th scope="col">{tr(i18n, |l| td_string!(l, requests.read_column))}</th>
                                </tr></thead>
                                <tbody>
                                    {items.into_iter().map(|n| view! {
                                        <tr>
                                            <td data-label=tr(i18n, |l| td_string!(l, requests.when))>{local_instant(i18n.get_locale(), &n.created_at)}</td>
                                            <td data-label=tr(i18n, |l| td_string!(l, requests.what))>{n.text}</td>
                                            <td data-label=tr(i18n, |l| td_string!(l, requests.request))>{n.request_id.map(|id| view! { <a href=format!("/requests/{id}")>{format!("#{id}")}</a> })}</td>
                                            <td data-label=tr(i18n, |l| td_string!(l, requests.read_column))>{if n.read { view! { <span class="badge">{tr(i18n, |l| td_string!(l, requests.read_badge))}</span> }.into_any() } else { view! { <span class="badge badge--info">{tr(i18n, |l| td_string!(l, requests.new_badge))}</span> }.into_any() }}</td>
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
