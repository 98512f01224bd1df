//! The e-mail outbox as a mailer reads it: through `outbox::unsent`, which opens the sealed
//! links with the app's key (the legitimate path; the table alone opens nothing).

use app::server::outbox::{self, OutgoingEmail};

use super::TestApp;

/// The unsent e-mails to `to`, oldest first, opened.
pub async fn unsent_to(app: &TestApp, to: &str) -> Vec<OutgoingEmail> {
    outbox::unsent(&app.state.db, &app.state.outbox_key, Some(to), 1000)
        .await
        .expect("read the outbox")
}

/// The newest link starting with `prefix` (e.g. `/invitations/`) e-mailed to `to`, and the
/// id of its e-mail.
pub async fn emailed_link(app: &TestApp, to: &str, prefix: &str) -> (i64, String) {
    let mails = unsent_to(app, to).await;
    mails
        .iter()
        .rev()
        .find_map(|m| {
            let body = m
                .body
                .as_ref()
                .expect("a body that opens with the app's key");
            let start = body.find(prefix)?;
            let link: String = body[start..]
                .chars()
                .take_while(|c| !c.is_whitespace())
                .collect();
            Some((m.id, link))
        })
        .unwrap_or_else(|| panic!("no e-mail to {to} with a link {prefix}…: {mails:?}"))
}

/// The token of the newest password reset link e-mailed to `to`.
pub async fn reset_token(app: &TestApp, to: &str) -> String {
    let (_, link) = emailed_link(app, to, "/password/reset/").await;
    link.trim_start_matches("/password/reset/").to_owned()
}

/// The token of the newest sign-up confirmation link e-mailed to `to`.
pub async fn signup_token(app: &TestApp, to: &str) -> String {
    let (_, link) = emailed_link(app, to, "/signup/confirm/").await;
    link.trim_start_matches("/signup/confirm/").to_owned()
}
