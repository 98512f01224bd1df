//! A person's own notifications: one page of them, the unread count, and marking them read.

use super::{repo, viewer::Viewer};
use crate::features::requests::types::{NotificationItem, Paged, NOTIFICATION_PAGE_ROWS};
use crate::server::{error::ServiceResult, state::AppState, time_zone::PersonZone};

/// One page (from 0) of the person's notifications, newest first, and whether older ones follow;
/// their times in `zone`.
pub async fn notifications(
    state: &AppState,
    viewer: &Viewer,
    page: u32,
    zone: &PersonZone,
) -> ServiceResult<Paged<NotificationItem>> {
    let rows = i64::try_from(NOTIFICATION_PAGE_ROWS).unwrap_or(50);
    let mut tx = viewer.tx(state, false).await?;
    let mut items = repo::list_notifications(
        &mut tx,
        viewer.user_id(),
        viewer.tenant_id(),
        viewer.member_user(),
        rows + 1,
        i64::from(page) * rows,
        zone,
    )
    .await?;
    tx.commit().await?;
    let has_more = items.len() > NOTIFICATION_PAGE_ROWS;
    items.truncate(NOTIFICATION_PAGE_ROWS);
    Ok(Paged {
        rows: items,
        page,
        has_more,
    })
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
