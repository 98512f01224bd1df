//! A person's choice of how to receive each category of e-mail (the account page and
//! `outbox::queue_notice` read it; nothing else writes it).

use serde_json::json;

use crate::domain::mail::{Delivery, EmailPreferences, MailCategory};
use crate::server::{
    audit::{self, AuditEvent},
    auth::CurrentUser,
    error::ServiceResult,
    outbox::repo,
    state::AppState,
};

/// The person's choices, one per choosable category (immediately where none was made).
pub async fn of_person(state: &AppState, user: &CurrentUser) -> ServiceResult<EmailPreferences> {
    // Preferences are not tenant-owned: the bare pool.
    let mut conn = state.db.acquire().await?;
    let stored = repo::preferences(&mut conn, user.user_id()).await?;
    let choices = MailCategory::CHOOSABLE
        .into_iter()
        .map(|c| {
            let d = stored
                .iter()
                .find(|(cat, _)| cat == c.as_str())
                .and_then(|(_, d)| Delivery::parse(d))
                .unwrap_or_default();
            (c, d)
        })
        .collect();
    Ok(EmailPreferences { choices })
}

/// Records the person's choices (categories the edge parsed: security and account mail cannot
/// be chosen, so such a request never reaches here), audited once.
pub async fn choose(
    state: &AppState,
    user: &CurrentUser,
    choices: &[(MailCategory, Delivery)],
) -> ServiceResult<()> {
    // Audit rows without a tenant are platform rows.
    let mut tx = state.db.platform_write_tx().await?;
    for (category, delivery) in choices {
        debug_assert!(category.is_choosable());
        repo::set_preference(
            &mut tx,
            user.user_id(),
            category.as_str(),
            delivery.as_str(),
        )
        .await?;
    }
    let detail: serde_json::Map<String, serde_json::Value> = choices
        .iter()
        .map(|(c, d)| (c.as_str().to_owned(), json!(d.as_str())))
        .collect();
    audit::append(
        &mut tx,
        &AuditEvent::new("account.email_preferences")
            .actor(user.user_id(), &user.identity.email)
            .detail(serde_json::Value::Object(detail)),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
