//! `/admin/jobs` (platform admins): each scheduled job's last run (when, how long, how it ended,
//! on which instance) and next run, and the e-mail queue with the messages given up, each of
//! which can be sent again.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{list_jobs, RetryMail};
use super::types::{FailedMailView, JobView, JobsPage, RunOutcome};
use crate::domain::dates::format_local;

#[component]
pub fn JobsAdminPage() -> impl IntoView {
    let retry = ServerAction::<RetryMail>::new();
    let data = Resource::new(move || retry.version().get(), |_| list_jobs());
    view! {
        <Title text="Jobs and e-mail"/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>"Jobs and e-mail"</h1>
                    <p class="page-head__lead">
                        "What the portal does on its own: the quota clock, reminders, the nightly "
                        "compliance re-check, e-mail and clean-up. Each job runs on one instance at "
                        "a time; a failed run is tried again with growing waits."
                    </p>
                </div>
            </div>
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <JobsBody page retry/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

fn duration(ms: i64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else {
        format!("{:.1} s", ms as f64 / 1_000.0)
    }
}

#[component]
fn JobsBody(page: JobsPage, retry: ServerAction<RetryMail>) -> impl IntoView {
    let rows = page
        .jobs
        .into_iter()
        .map(|j| view! { <JobRow j/> })
        .collect_view();
    let failed = page.failed_mail;
    let mail_state = if page.smtp_configured {
        format!(
            "{} e-mail{} waiting to be sent.",
            page.mail_waiting,
            crate::ui::plural(page.mail_waiting as usize, "", "s")
        )
    } else {
        format!(
            "No SMTP server is configured (GUICHET_SMTP_HOST): {} e-mail{} wait in the outbox.",
            page.mail_waiting,
            crate::ui::plural(page.mail_waiting as usize, "", "s")
        )
    };
    let retry_error = move || {
        retry
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <h2>"Scheduled jobs"</h2>
        <div class="table-wrap">
            <table class="stack jobs-table">
                <thead>
                    <tr>
                        <th scope="col">"Job"</th>
                        <th scope="col">"Runs"</th>
                        <th scope="col">"Last run"</th>
                        <th scope="col" class="num">"Took"</th>
                        <th scope="col">"Outcome"</th>
                        <th scope="col">"Next run"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2>"E-mail"</h2>
        <p>{mail_state}</p>
        {move || retry_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
        {if failed.is_empty() {
            view! { <p class="empty">"No e-mail was given up."</p> }.into_any()
        } else {
            let rows = failed
                .into_iter()
                .map(|m| view! { <FailedRow m retry/> })
                .collect_view();
            view! {
                <p>"These e-mails failed every attempt. Check the server's error, then send them again."</p>
                <div class="table-wrap">
                    <table class="stack">
                        <thead>
                            <tr>
                                <th scope="col">"To"</th>
                                <th scope="col">"Subject"</th>
                                <th scope="col" class="num">"Attempts"</th>
                                <th scope="col">"Last error"</th>
                                <th scope="col">"Given up"</th>
                                <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                            </tr>
                        </thead>
                        <tbody>{rows}</tbody>
                    </table>
                </div>
            }
            .into_any()
        }}
    }
}

#[component]
fn JobRow(j: JobView) -> impl IntoView {
    let last = match (&j.last_run, &j.last_instance) {
        (Some(at), Some(on)) => format!("{} on {on}", format_local(at)),
        (Some(at), None) => format_local(at),
        _ => "Not yet".to_owned(),
    };
    let took = j.last_duration_ms.map_or_else(|| "—".to_owned(), duration);
    let outcome = match j.last_outcome {
        None => view! { <span>"—"</span> }.into_any(),
        Some(RunOutcome::Succeeded) => {
            view! { <span class="badge badge--ok">"Succeeded"</span> }.into_any()
        }
        Some(o) => {
            let (class, label) = if o == RunOutcome::GaveUp {
                ("badge badge--bad", "Given up".to_owned())
            } else {
                (
                    "badge badge--warn",
                    format!("Failed ({} in a row)", j.failures_in_row),
                )
            };
            view! {
                <span class=class>{label}</span>
                <span class="muted job-error">{j.last_error.clone().unwrap_or_default()}</span>
            }
            .into_any()
        }
    };
    let next = match &j.running_on {
        Some(on) => format!("Running now on {on}"),
        None => format_local(&j.next_run),
    };
    view! {
        <tr>
            <td data-label="Job">{j.label.clone()}</td>
            <td data-label="Runs">{j.schedule.clone()}</td>
            <td data-label="Last run">{last}</td>
            <td data-label="Took" class="num">{took}</td>
            <td data-label="Outcome">{outcome}</td>
            <td data-label="Next run">{next}</td>
        </tr>
    }
}

#[component]
fn FailedRow(m: FailedMailView, retry: ServerAction<RetryMail>) -> impl IntoView {
    let label = format!("Send again the e-mail to {}", m.to);
    view! {
        <tr>
            <td data-label="To">{m.to.clone()}</td>
            <td data-label="Subject">{m.subject.clone()}</td>
            <td data-label="Attempts" class="num">{m.attempts}</td>
            <td data-label="Last error">{m.error.clone()}</td>
            <td data-label="Given up">{format_local(&m.failed_at)}</td>
            <td data-label="">
                <ActionForm action=retry attr:class="inline-form">
                    <input type="hidden" name="id" value=m.id.to_string()/>
                    <button type="submit" class="button button--small button--ghost-dark"
                        aria-label=label>"Send again"</button>
                </ActionForm>
            </td>
        </tr>
    }
}
