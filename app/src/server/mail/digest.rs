//! The daily digest: the notices a person chose to receive once a day, gathered into one e-mail
//! per person, in one transaction per person (the held notices are marked as carried by it, so a
//! notice is in one digest only).

use crate::domain::format::fill;
use crate::domain::{
    dates::{format_local, LocalInstant},
    mail::MailCategory,
};
use crate::i18n::td_string;
use crate::server::{outbox, state::AppState, time_zone};

/// Makes each person's digest; returns how many digests were queued.
pub async fn gather(state: &AppState) -> Result<u64, sqlx::Error> {
    let recipients = {
        let mut conn = state.db.acquire().await?;
        outbox::repo::digest_recipients(&mut conn).await?
    };
    let mut made = 0;
    for (to, user_id) in recipients {
        let zone = match user_id {
            Some(id) => time_zone::of_person(state, id).await.ok(),
            None => None,
        };
        let mut tx = state.db.write_tx().await?;
        let held = outbox::repo::held_for(&mut tx, &to).await?;
        if held.is_empty() {
            continue;
        }
        let locale = outbox::recipient_locale(&mut tx, &to).await?;
        let n = held.len();
        let (intro, subject) = if n == 1 {
            (
                td_string!(locale, mail.digest_intro_singular),
                td_string!(locale, mail.digest_subject_singular),
            )
        } else {
            (
                td_string!(locale, mail.digest_intro_plural),
                td_string!(locale, mail.digest_subject_plural),
            )
        };
        let mut body = format!("{}\n", fill(intro, &[("n", &n)]));
        for h in &held {
            let at = match &zone {
                Some(z) => z.at(h.created_at),
                None => LocalInstant::utc(h.created_at),
            };
            let when = if locale == crate::i18n::Locale::en {
                format_local(&at)
            } else {
                crate::domain::format::local_instant(locale, &at)
            };
            body.push_str(&format!("\n{} ({when})\n{}\n", h.subject, h.body.trim()));
        }
        let subject = fill(subject, &[("n", &n)]);
        let digest_id = outbox::repo::insert(
            &mut tx,
            user_id,
            MailCategory::Digest.as_str(),
            "immediate",
            &to,
            &subject,
            &body,
            None,
        )
        .await?;
        for h in &held {
            outbox::repo::mark_digested(&mut tx, h.id, digest_id).await?;
        }
        tx.commit().await?;
        made += 1;
    }
    Ok(made)
}
