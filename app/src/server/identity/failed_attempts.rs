//! The notice that tells an account's owner of wrong passwords tried from browsers unknown to
//! the account: queued in the e-mail outbox once per burst (the throttle counter's
//! `notified_at`), when the burst first reaches the free allowance and delays begin.

use super::repo::UserRow;
use crate::domain::dates::format_instant;
use crate::i18n::{td_string, Locale};
use crate::server::{
    auth::throttle::{Admission, Counted, Counter, CounterKey},
    error::ServiceResult,
    outbox,
    state::AppState,
};

pub const SUBJECT: &str = "Guichet: wrong passwords tried on your account";

/// The notice's text: how many wrong passwords, since when, and that the person's own browsers
/// still work. No address, no password, nothing that helps whoever is guessing.
pub fn notice_body(name: &str, email: &str, counter: &Counter) -> String {
    notice_body_in(Locale::en, name, email, counter)
}

/// [`notice_body`] in the words of `locale`.
pub fn notice_body_in(locale: Locale, name: &str, email: &str, counter: &Counter) -> String {
    let since = format_instant(counter.started_at.div_euclid(1_000));
    let n = counter.admitted;
    crate::domain::format::fill(
        td_string!(locale, mail.wrong_passwords_body),
        &[
            ("name", &name),
            ("n", &n),
            ("email", &email),
            ("since", &since),
        ],
    )
}

/// The English words as they were written before they moved to `mail.json`: kept by a test.
#[cfg(test)]
fn notice_body_as_it_was(name: &str, email: &str, counter: &Counter) -> String {
    let since = format_instant(counter.started_at.div_euclid(1_000));
    let n = counter.admitted;
    format!(
        "Hello {name},\n\n\
         {n} attempts to sign in to your Guichet account ({email}) with a wrong password were \
         made since {since}, from browsers where you have not signed in to this account before.\n\n\
         Further attempts from such browsers are now slowed down. The browsers where you have \
         signed in before are not affected: you can still sign in from them as usual.\n\n\
         If these attempts were yours, there is nothing to do. If not, your password was not \
         revealed by them; if it is short or you use it elsewhere, change it on your account page.\n"
    )
}

/// After a wrong password for `user`'s account: queues the notice when the attempt was counted
/// as an unknown browser's (`keys` holds the account's counter; a known browser's failures
/// tell nobody), its burst has reached the free allowance, and nobody was told of it yet.
pub async fn tell_owner_once_per_burst(
    state: &AppState,
    user: &UserRow,
    keys: &[CounterKey],
    admission: &Admission,
) -> ServiceResult<()> {
    let Some(key) = keys.iter().find(|k| k.counted() == Counted::LoginAccount) else {
        return Ok(());
    };
    let Some(counter) = admission.counter(key) else {
        return Ok(());
    };
    let free = state.throttle.allowances().of(Counted::LoginAccount).free;
    if counter.admitted < free || !state.throttle.claim_notice(&state.db, key).await? {
        return Ok(());
    }
    tell_owner(state, user, counter).await
}

/// Queues the notice to `user`.
async fn tell_owner(state: &AppState, user: &UserRow, counter: &Counter) -> ServiceResult<()> {
    // The outbox is not tenant-owned: a bare connection.
    let mut conn = state.db.pool().acquire().await?;
    let locale = outbox::recipient_locale(&mut conn, &user.email).await?;
    let body = notice_body_in(locale, &user.name, &user.email, counter);
    outbox::queue(
        &mut conn,
        crate::domain::mail::MailCategory::Security,
        &user.email,
        td_string!(locale, mail.wrong_passwords_subject),
        &body,
    )
    .await?;
    tracing::info!(
        user_id = user.id,
        failed = counter.admitted,
        "told an account's owner of wrong passwords from unknown browsers"
    );
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_notice_says_how_many_and_that_known_browsers_still_work() {
        let counter = Counter {
            attempts: 14,
            admitted: 10,
            blocked_until: 0,
            started_at: 1_767_225_600_000,
            expires_at: 0,
            notified_at: None,
        };
        let body = notice_body("Camille Roux", "camille@example.org", &counter);
        assert!(body.contains("10 attempts"), "{body}");
        assert!(body.contains("2026-01-01 00:00 UTC"), "{body}");
        assert!(body.contains("you can still sign in from them"), "{body}");
        assert_eq!(
            body,
            notice_body_as_it_was("Camille Roux", "camille@example.org", &counter)
        );
    }
}
