//! The e-mail outbox: what the portal has to tell people by e-mail, kept until a mailer sends
//! it (`server::mail`, run by the job runner; `guichet outbox` prints instead, where no SMTP
//! server is configured).
//!
//! **Secrets at rest.** A message that carries a secret link (an invitation, a sign-up's
//! confirmation) is queued with [`queue_with_secret_link`]: `body` holds its text with the link
//! withheld, readable by whoever reads the table, and `sealed_body` the whole text sealed under
//! the outbox key (`GUICHET_OUTBOX_KEY`, see [`seal`]), bound to the recipient and subject. Only
//! [`unsent`], for whoever sends, opens it; [`mark_sent`] erases it. So nothing readable from the
//! database opens an invitation or confirms a sign-up: the token is stored hashed in its own
//! table and sealed here.

pub mod repo;
mod seal;

pub use seal::{parse_key, OutboxKey, SealError};

use sqlx::AnyConnection;

use crate::domain::mail::{Delivery, MailCategory};
use crate::i18n::{td_string, Locale};

use super::db::Db;

/// Where the link goes in a body given to [`queue_with_secret_link`].
pub const LINK: &str = "{link}";

/// What stands for the link in the readable body.
pub const LINK_WITHHELD: &str = "[link withheld: sealed until the message is sent]";

/// A message to send.
#[derive(Clone, PartialEq, Eq)]
pub struct OutgoingEmail {
    pub id: i64,
    pub category: MailCategory,
    pub to: String,
    pub subject: String,
    /// The recipient's language, for the words the mailer adds (the footer).
    pub locale: Locale,
    /// The whole text, link included; an error when it was sealed under another key (a previous
    /// process's random one, or a rotated key): such a message cannot be delivered.
    pub body: Result<String, SealError>,
}

impl std::fmt::Debug for OutgoingEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("OutgoingEmail")
            .field("id", &self.id)
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// The associated data that binds a sealed body to its message.
fn context(to: &str, subject: &str) -> Vec<u8> {
    format!("guichet outbox v1\n{to}\n{subject}").into_bytes()
}

/// Queues a message that carries no secret and that nobody may hold back: security mail
/// (wrong passwords, a changed password) and account mail.
pub async fn queue(
    conn: &mut AnyConnection,
    category: MailCategory,
    to: &str,
    subject: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    debug_assert!(
        !category.is_choosable(),
        "a choosable category goes through queue_notice"
    );
    repo::insert(
        conn,
        None,
        category.as_str(),
        "immediate",
        to,
        subject,
        body,
        None,
    )
    .await?;
    Ok(())
}

/// Queues a notice to person `user_id` as they chose for its `category`: now, held for their
/// daily digest, or not at all (the notice still shows in the portal).
pub async fn queue_notice(
    conn: &mut AnyConnection,
    user_id: i64,
    to: &str,
    category: MailCategory,
    subject: &str,
    body: &str,
) -> Result<(), sqlx::Error> {
    let delivery = if category.is_choosable() {
        repo::preference(conn, user_id, category.as_str())
            .await?
            .and_then(|d| Delivery::parse(&d))
            .unwrap_or_default()
    } else {
        Delivery::Immediately
    };
    let delivery = match delivery {
        Delivery::Never => return Ok(()),
        Delivery::Immediately => "immediate",
        Delivery::DailyDigest => "digest",
    };
    repo::insert(
        conn,
        Some(user_id),
        category.as_str(),
        delivery,
        to,
        subject,
        body,
        None,
    )
    .await?;
    Ok(())
}

/// Queues a message whose body carries a secret link at [`LINK`]: the link is stored only
/// sealed. Account mail: always sent.
pub async fn queue_with_secret_link(
    conn: &mut AnyConnection,
    key: &OutboxKey,
    to: &str,
    subject: &str,
    body: &str,
    link: &str,
) -> Result<(), sqlx::Error> {
    debug_assert!(body.contains(LINK), "a body with a place for the link");
    let readable = body.replace(LINK, LINK_WITHHELD);
    let sealed = key.seal(&context(to, subject), &body.replace(LINK, link));
    repo::insert(
        conn,
        None,
        MailCategory::Account.as_str(),
        "immediate",
        to,
        subject,
        &readable,
        Some(&sealed),
    )
    .await?;
    Ok(())
}

/// The language to write to the person at address `email` in: the one they chose on their
/// account, else the one they last signed in with (French when neither); for an address without an account (a sign-up's
/// confirmation, an invitation), the language of the request being served.
pub async fn recipient_locale(
    conn: &mut AnyConnection,
    email: &str,
) -> Result<Locale, sqlx::Error> {
    Ok(match repo::language_of(conn, email).await? {
        Some(code) => code
            .as_deref()
            .and_then(crate::ui::language::parse_language)
            .unwrap_or_default(),
        None => crate::locale::current(),
    })
}

/// The language of a stored message to `language` (as [`repo::UnsentRow::language`]) about
/// `subject`: the recipient's (chosen, else last signed in with; French when neither); without an account, the language of its
/// subject (the account mail such an address gets: a sign-up's confirmation, an invitation).
fn stored_locale(language: Option<&str>, subject: &str) -> Locale {
    if let Some(code) = language {
        return crate::ui::language::parse_language(code).unwrap_or_default();
    }
    [Locale::en, Locale::fr]
        .into_iter()
        .find(|&l| {
            let invitation = td_string!(l, mail.invitation_subject);
            let (head, tail) = invitation
                .split_once("{tenant}")
                .unwrap_or((invitation, ""));
            subject == td_string!(l, mail.signup_confirmation_subject)
                || (subject.starts_with(head) && subject.ends_with(tail))
        })
        .unwrap_or_default()
}

/// Opens a stored message for sending: its sealed body when it has one.
pub fn open(key: &OutboxKey, r: repo::UnsentRow) -> OutgoingEmail {
    let body = match &r.sealed_body {
        Some(sealed) => key.open(&context(&r.to_email, &r.subject), sealed),
        None => Ok(r.body),
    };
    let locale = stored_locale(r.language.as_deref(), &r.subject);
    OutgoingEmail {
        id: r.id,
        locale,
        category: MailCategory::parse(&r.category).unwrap_or(MailCategory::Account),
        to: r.to_email,
        subject: r.subject,
        body,
    }
}

/// At most `limit` unsent messages, oldest first (only those to `to` when given), opened for
/// sending.
pub async fn unsent(
    db: &Db,
    key: &OutboxKey,
    to: Option<&str>,
    limit: i64,
) -> Result<Vec<OutgoingEmail>, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    let rows = repo::unsent(&mut conn, to, limit).await?;
    Ok(rows.into_iter().map(|r| open(key, r)).collect())
}

/// Records a message as sent and erases its sealed copy (the secret): what stays is the text
/// with the link withheld. `false` when it was sent already.
pub async fn mark_sent(db: &Db, id: i64) -> Result<bool, sqlx::Error> {
    let mut conn = db.pool().acquire().await?;
    repo::mark_sent(&mut conn, id).await
}
