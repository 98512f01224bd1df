//! A person's own notifications: one page of them, the unread count, and marking them read.

use super::{repo, viewer::Viewer};
use crate::server::{error::ServiceResult, state::AppState, time_zone::PersonZone};
use crate::wire::requests::{NotificationItem, Paged, NOTIFICATION_PAGE_ROWS};

/// One page (number `page`, of [`NOTIFICATION_PAGE_ROWS`]) of the person's notifications,
/// newest first, times in `zone`: the page's list.
pub async fn notifications(
    state: &AppState,
    viewer: &Viewer,
    page: u32,
    zone: &PersonZone,
) -> ServiceResult<Paged<NotificationItem>> {
    let rows = i64::try_from(NOTIFICATION_PAGE_ROWS).unwrap_or(50);
    let (items, has_more) =
        notifications_at(state, viewer, i64::from(page) * rows, rows, zone).await?;
    Ok(Paged {
        rows: items,
        page,
        has_more,
    })
}

/// At most `limit` of the person's notifications from `offset`, newest first, and whether more
/// follow: the page's list and the API's.
pub async fn notifications_at(
    state: &AppState,
    viewer: &Viewer,
    offset: i64,
    limit: i64,
    zone: &PersonZone,
) -> ServiceResult<(Vec<NotificationItem>, bool)> {
    let mut tx = viewer.tx(state, false).await?;
    let mut items = repo::list_notifications(
        &mut tx,
        viewer.user_id(),
        viewer.tenant_id(),
        viewer.member_user(),
        limit + 1,
        offset,
        zone,
    )
    .await?;
    tx.commit().await?;
    let keep = usize::try_from(limit).unwrap_or(usize::MAX);
    let has_more = items.len() > keep;
    items.truncate(keep);
    Ok((items, has_more))
}

/// How many of the person's notifications are unread.
pub async fn unread_notifications(state: &AppState, viewer: &Viewer) -> ServiceResult<i64> {
    let mut tx = viewer.tx(state, false).await?;
    let n = repo::count_unread_notifications(
        &mut tx,
        viewer.user_id(),
        viewer.tenant_id(),
        viewer.member_user(),
    )
    .await?;
    tx.commit().await?;
    Ok(n)
}

/// Marks all of the person's notifications (in the same scope as the list) as read.
pub async fn mark_notifications_read(state: &AppState, viewer: &Viewer) -> ServiceResult<u64> {
    let mut tx = viewer.tx(state, true).await?;
    let done = repo::mark_notifications_read(
        &mut tx,
        viewer.user_id(),
        viewer.tenant_id(),
        viewer.member_user(),
    )
    .await?;
    tx.commit().await?;
    Ok(done)
}
