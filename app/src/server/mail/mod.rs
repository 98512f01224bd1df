//! The mailer: sends the outbox through SMTP (`lettre`, STARTTLS or TLS with rustls), each
//! message as a plain-text and an HTML part ([`compose`]), and gathers held notices into each
//! person's daily digest ([`digest`]). Run by the job runner (`server::jobs`), so with several
//! instances one sends at a time; each message is also claimed before its attempt, so nothing
//! is sent twice by two senders.
//!
//! A failed attempt is retried with backoff (`jobs::schedule::backoff_ms`); a permanent refusal
//! (an SMTP 5xx) or [`MAX_ATTEMPTS`] failures give it up, and it is shown to admins on the jobs
//! page, where they may send it again. Each message carries a `Message-ID` made from its outbox
//! id, so a receiving system can tell a resend after a crash between sending and recording.

pub mod compose;
pub mod digest;
pub mod preferences;
pub mod settings;

use std::time::Duration;

use lettre::{
    message::{
        header::{ContentTransferEncoding, ContentType},
        Body, Mailbox, MultiPart, SinglePart,
    },
    transport::smtp::{
        authentication::Credentials,
        client::{Certificate, Tls, TlsParameters},
    },
    AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor,
};

use self::settings::{SmtpSettings, SmtpTls};
use super::{
    jobs::schedule::{backoff_ms, MAX_ATTEMPTS},
    outbox::{self, OutgoingEmail},
    state::AppState,
};

/// How long one sender holds a message for its attempt.
const CLAIM_SECONDS: i64 = 120;
/// Messages one run sends at most (the next run, seconds later, takes the rest).
const BATCH: i64 = 200;

/// What one run of the mailer did.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct MailRun {
    pub sent: u64,
    pub retried: u64,
    pub given_up: u64,
}

/// The SMTP transport for `smtp`; an error names what is wrong (an unreadable CA file).
pub fn transport(smtp: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, String> {
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(smtp.host.as_str())
        .port(smtp.port)
        .timeout(Some(Duration::from_secs(20)));
    if smtp.tls != SmtpTls::None {
        let mut params = TlsParameters::builder(smtp.host.clone());
        if let Some(path) = &smtp.ca_file {
            let pem = std::fs::read(path)
                .map_err(|e| format!("cannot read GUICHET_SMTP_CA_FILE {}: {e}", path.display()))?;
            let cert = Certificate::from_pem(&pem)
                .map_err(|e| format!("GUICHET_SMTP_CA_FILE is not a PEM certificate: {e}"))?;
            params = params.add_root_certificate(cert);
        }
        let params = params
            .build_rustls()
            .map_err(|e| format!("TLS settings for the SMTP server: {e}"))?;
        builder = builder.tls(match smtp.tls {
            SmtpTls::StartTls => Tls::Required(params),
            _ => Tls::Wrapper(params),
        });
    }
    if let Some((user, password)) = &smtp.credentials {
        builder = builder.credentials(Credentials::new(user.clone(), password.expose().clone()));
    }
    Ok(builder.build())
}

/// Where people reach the portal, for links in e-mail.
pub fn public_url(state: &AppState) -> String {
    match &state.config.public_origin {
        Some(origin) => origin.to_string(),
        None => format!("http://{}", state.config.addr),
    }
}

/// Both parts are quoted-printable: any line length, any character, readable in the raw message.
const QUOTED: ContentTransferEncoding = ContentTransferEncoding::QuotedPrintable;

/// The e-mail for outbox message `mail` whose opened body is `body`.
fn message(state: &AppState, mail: &OutgoingEmail, body: &str) -> Result<Message, String> {
    let from: Mailbox = state
        .config
        .mail
        .from
        .parse()
        .map_err(|e| format!("GUICHET_MAIL_FROM: {e}"))?;
    let to: Mailbox = mail
        .to
        .parse()
        .map_err(|e| format!("the address “{}” cannot be used: {e}", mail.to))?;
    let domain = from.email.domain().to_owned();
    let bodies = compose::compose(mail.locale, mail.category, body, &public_url(state));
    Message::builder()
        .from(from)
        .to(to)
        .subject(mail.subject.clone())
        .message_id(Some(format!("<outbox-{}@{domain}>", mail.id)))
        .multipart(
            MultiPart::alternative()
                .singlepart(
                    SinglePart::builder().header(ContentType::TEXT_PLAIN).body(
                        Body::new_with_encoding(bodies.text, QUOTED).map_err(|_| "encoding")?,
                    ),
                )
                .singlepart(
                    SinglePart::builder().header(ContentType::TEXT_HTML).body(
                        Body::new_with_encoding(bodies.html, QUOTED).map_err(|_| "encoding")?,
                    ),
                ),
        )
        .map_err(|e| format!("the message could not be built: {e}"))
}

/// Sends every message due at `now` (Unix seconds). Does nothing (and says so once) without an
/// SMTP server: the messages wait.
pub async fn send_due(state: &AppState, now: i64) -> Result<MailRun, String> {
    let mut run = MailRun::default();
    let Some(smtp) = &state.config.mail.smtp else {
        report_depth(state).await;
        return Ok(run);
    };
    let transport = transport(smtp)?;
    let mut conn = state.db.acquire().await.map_err(|e| e.to_string())?;
    let due = outbox::repo::due(&mut conn, now, BATCH)
        .await
        .map_err(|e| e.to_string())?;
    for row in due {
        if !outbox::repo::claim(&mut conn, row.id, now, now + CLAIM_SECONDS)
            .await
            .map_err(|e| e.to_string())?
        {
            continue;
        }
        let attempts = row.attempts;
        let mail = outbox::open(&state.outbox_key, row);
        let outcome: Result<(), (String, bool)> = match &mail.body {
            Ok(body) => match message(state, &mail, body) {
                Ok(m) => transport
                    .send(m)
                    .await
                    .map(|_| ())
                    .map_err(|e| (e.to_string(), refused_for_good(&e))),
                Err(e) => Err((e, true)),
            },
            // Sealed under a key this process does not have: no attempt can succeed.
            Err(e) => Err((format!("cannot be opened: {e}"), true)),
        };
        match outcome {
            Ok(()) => {
                outbox::repo::mark_sent(&mut conn, mail.id)
                    .await
                    .map_err(|e| e.to_string())?;
                run.sent += 1;
            }
            Err((error, permanent)) => {
                let failures = attempts + 1;
                let give_up = permanent || failures >= MAX_ATTEMPTS;
                let next = now + backoff_ms(failures) / 1_000;
                outbox::repo::mark_attempt_failed(&mut conn, mail.id, &error, next, give_up)
                    .await
                    .map_err(|e| e.to_string())?;
                tracing::warn!(
                    outbox_id = mail.id,
                    attempt = failures,
                    given_up = give_up,
                    %error,
                    "an e-mail could not be sent"
                );
                if give_up {
                    run.given_up += 1;
                } else {
                    run.retried += 1;
                }
            }
        }
    }
    drop(conn);
    super::metrics::mail_sent(run.sent);
    report_depth(state).await;
    Ok(run)
}

/// Whether the server refused this message for good (an unknown mailbox, a rejected message):
/// a 5xx answer, except those about the portal's own access (authentication, encryption), which
/// a fixed configuration cures and so are retried like any passing failure.
fn refused_for_good(e: &lettre::transport::smtp::Error) -> bool {
    let about_access = e
        .status()
        .map(|code| matches!(code.to_string().as_str(), "530" | "534" | "535" | "538"))
        .unwrap_or(false);
    e.is_permanent() && !about_access
}

/// Publishes the queue's depth to the metrics.
async fn report_depth(state: &AppState) {
    if let Ok(mut conn) = state.db.acquire().await {
        if let Ok((waiting, failed)) = outbox::repo::depth(&mut conn).await {
            super::metrics::mail_queue_depth(waiting, failed);
        }
    }
}
