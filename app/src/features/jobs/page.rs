//! `/admin/jobs` (platform admins): each scheduled job's last run (when, how long, how it ended,
//! on which instance) and next run, and the e-mail queue with the messages given up, each of
//! which can be sent again.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{list_jobs, RetryMail};
use super::types::{FailedMailView, JobView, JobsPage, RunOutcome};
use crate::domain::format::shown_instant;
use crate::domain::format::{decimal, fill};
use crate::i18n::{t_string, td_string, use_i18n, Locale};

#[component]
pub fn JobsAdminPage() -> impl IntoView {
    let retry = crate::ui::form::action::<RetryMail>();
    let data = Resource::new(move || retry.version().get(), |_| list_jobs());
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, jobs.title))/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>{tr(i18n, |l| td_string!(l, jobs.title))}</h1>
                    <p class="page-head__lead">{tr(i18n, |l| td_string!(l, jobs.lead))}</p>
                </div>
            </div>
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, jobs.loading))}</p> }>
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

fn duration(locale: Locale, ms: i64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else {
        match locale {
            Locale::en => format!("{:.1} s", ms as f64 / 1_000.0),
            Locale::fr => format!("{} s", decimal(locale, ms as f64 / 1_000.0, 1)),
        }
    }
}

#[component]
fn JobsBody(page: JobsPage, retry: ServerAction<RetryMail>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = page
        .jobs
        .into_iter()
        .map(|j| view! { <JobRow j/> })
        .collect_view();
    let failed = page.failed_mail;
    let (smtp, waiting) = (page.smtp_configured, page.mail_waiting);
    let mail_state = move || {
        // French reads 0 and 1 in the singular.
        let one = match i18n.get_locale() {
            Locale::fr => waiting <= 1,
            Locale::en => waiting == 1,
        };
        let template = match (smtp, one) {
            (true, true) => t_string!(i18n, jobs.mail_waiting_one_form),
            (true, false) => t_string!(i18n, jobs.mail_waiting_other_form),
            (false, true) => t_string!(i18n, jobs.no_smtp_one_form),
            (false, false) => t_string!(i18n, jobs.no_smtp_other_form),
        };
        fill(template, &[("n", &waiting)])
    };
    let retry_error = move || {
        retry
            .value()
            .get()
            .and_then(|r| r.err())
            .map(|e| e.to_string())
    };
    view! {
        <h2>{tr(i18n, |l| td_string!(l, jobs.scheduled_jobs))}</h2>
        <div class="table-wrap">
            <table class="stack jobs-table">
                <thead>
                    <tr>
                        <th scope="col">{tr(i18n, |l| td_string!(l, jobs.job))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, jobs.runs))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, jobs.last_run))}</th>
                        <th scope="col" class="num">{tr(i18n, |l| td_string!(l, jobs.took))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, jobs.outcome))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, jobs.next_run))}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <h2>{tr(i18n, |l| td_string!(l, jobs.email))}</h2>
        <p>{mail_state}</p>
        {move || retry_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
        {if failed.is_empty() {
            view! { <p class="empty">{tr(i18n, |l| td_string!(l, jobs.no_mail_given_up))}</p> }.into_any()
        } else {
            let rows = failed
                .into_iter()
                .map(|m| view! { <FailedRow m retry/> })
                .collect_view();
            view! {
                <p>{tr(i18n, |l| td_string!(l, jobs.failed_mails_hint))}</p>
                <div class="table-wrap">
                    <table class="stack">
                        <thead>
                            <tr>
                                <th scope="col">{tr(i18n, |l| td_string!(l, jobs.to))}</th>
                                <th scope="col">{tr(i18n, |l| td_string!(l, jobs.subject))}</th>
                                <th scope="col" class="num">{tr(i18n, |l| td_string!(l, jobs.attempts))}</th>
                                <th scope="col">{tr(i18n, |l| td_string!(l, jobs.last_error))}</th>
                                <th scope="col">{tr(i18n, |l| td_string!(l, jobs.given_up_at))}</th>
                                <th scope="col"><span class="visually-hidden">{tr(i18n, |l| td_string!(l, jobs.actions))}</span></th>
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
    let i18n = use_i18n();
    let (last_run, last_instance) = (j.last_run.clone(), j.last_instance.clone());
    let last = move || match (&last_run, &last_instance) {
        (Some(at), Some(on)) => fill(
            t_string!(i18n, jobs.last_run_on),
            &[("at", &shown_instant(at)), ("instance", on)],
        ),
        (Some(at), None) => shown_instant(at),
        _ => t_string!(i18n, jobs.not_yet).to_owned(),
    };
    let took_ms = j.last_duration_ms;
    let took = move || took_ms.map_or_else(|| "—".to_owned(), |ms| duration(i18n.get_locale(), ms));
    let outcome = match j.last_outcome {
        None => view! { <span>"—"</span> }.into_any(),
        Some(RunOutcome::Succeeded) => {
            view! { <span class="badge badge--ok">{tr(i18n, |l| td_string!(l, jobs.succeeded))}</span> }.into_any()
        }
        Some(o) => {
            let gave_up = o == RunOutcome::GaveUp;
            let class = if gave_up {
                "badge badge--bad"
            } else {
                "badge badge--warn"
            };
            let failures = j.failures_in_row;
            let label = move || {
                if gave_up {
                    t_string!(i18n, jobs.gave_up).to_owned()
                } else {
                    fill(t_string!(i18n, jobs.failed_in_row), &[("n", &failures)])
                }
            };
            view! {
                <span class=class>{label}</span>
                <span class="muted job-error">{j.last_error.clone().unwrap_or_default()}</span>
            }
            .into_any()
        }
    };
    let (running_on, next_run) = (j.running_on.clone(), j.next_run.clone());
    let next = move || match &running_on {
        Some(on) => fill(t_string!(i18n, jobs.running_on), &[("instance", on)]),
        None => shown_instant(&next_run),
    };
    view! {
        <tr>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.job))>{j.label.clone()}</td>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.runs))>{j.schedule.clone()}</td>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.last_run))>{last}</td>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.took)) class="num">{took}</td>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.outcome))>{outcome}</td>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.next_run))>{next}</td>
        </tr>
    }
}

#[component]
fn FailedRow(m: FailedMailView, retry: ServerAction<RetryMail>) -> impl IntoView {
    let i18n = use_i18n();
    let to = m.to.clone();
    let label = move || fill(t_string!(i18n, jobs.send_again_label), &[("to", &to)]);
    view! {
        <tr>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.to))>{m.to.clone()}</td>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.subject))>{m.subject.clone()}</td>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.attempts)) class="num">{m.attempts}</td>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.last_error))>{m.error.clone()}</td>
            <td data-label=tr(i18n, |l| td_string!(l, jobs.given_up_at))>{shown_instant(&m.failed_at)}</td>
            <td data-label="">
                <ActionForm action=retry attr:class="inline-form">
                    <input type="hidden" name="id" value=m.id.to_string()/>
                    <button type="submit" class="button button--small button--ghost-dark"
                        aria-label=label>{tr(i18n, |l| td_string!(l, jobs.send_again))}</button>
                </ActionForm>
            </td>
        </tr>
    }
}
