//! Server functions of the jobs page (platform admins) and of a person's e-mail choices; each
//! parses its input, then calls `crate::server::{jobs, mail}`.

use leptos::prelude::*;

use super::types::{EmailChoices, JobsPage};
use crate::error::AppError;

/// Every scheduled job with its last and next run, and the e-mail queue.
#[server(prefix = "/api", endpoint = "list_jobs")]
pub async fn list_jobs() -> Result<JobsPage, AppError> {
    use crate::server::{admin_request, error::respond, jobs, time_zone};
    let (ctx, admin) = admin_request().await?;
    let zone = respond(time_zone::of_person(&ctx.state, admin.user_id()).await)?;
    respond(jobs::view::page(&ctx.state, &admin, &zone).await)
}

/// Puts an e-mail that was given up back in the queue.
#[server(prefix = "/api", endpoint = "retry_mail")]
pub async fn retry_mail(id: String) -> Result<(), AppError> {
    use crate::server::{admin_request, error::respond, jobs};
    let (ctx, admin) = admin_request().await?;
    let id = id.trim().parse::<i64>().map_err(|_| AppError::NotFound)?;
    respond(jobs::view::retry_mail(&ctx.state, &admin, id).await)
}

/// The signed-in person's e-mail choices.
#[server(prefix = "/api", endpoint = "email_choices")]
pub async fn my_email_choices() -> Result<EmailChoices, AppError> {
    use crate::server::{error::respond, mail, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let prefs = respond(mail::preferences::of_person(&ctx.state, &user).await)?;
    Ok(EmailChoices {
        choices: prefs.choices,
    })
}

/// Sets how the signed-in person receives each choosable category of e-mail (every field's
/// error at once).
#[server(prefix = "/api", endpoint = "choose_emails")]
pub async fn choose_emails(
    #[server(default)] requests: String,
    #[server(default)] quotas: String,
    #[server(default)] compliance: String,
) -> Result<(), AppError> {
    use crate::domain::mail::{Delivery, MailCategory};
    use crate::error::FieldErrors;
    use crate::server::{error::respond, mail, request_context};
    let ctx = request_context().await?;
    let user = respond(ctx.user().await)?;
    let mut errors = FieldErrors::default();
    let mut choices = Vec::new();
    for (category, raw) in [
        (MailCategory::Requests, &requests),
        (MailCategory::Quotas, &quotas),
        (MailCategory::Compliance, &compliance),
    ] {
        match Delivery::parse(raw.trim()) {
            Some(d) => choices.push((category, d)),
            None => errors.add(
                category.as_str(),
                crate::i18n::td_string!(crate::locale::current(), validation.delivery_choose),
            ),
        }
    }
    errors.finish()?;
    respond(mail::preferences::choose(&ctx.state, &user, &choices).await)
}
