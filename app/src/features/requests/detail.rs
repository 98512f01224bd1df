//! `/requests/:id`: a request, its timeline, and what the viewer may do with it: submit or edit a
//! draft, endorse, withdraw, decide (platform admins, with residency now and capacity impact),
//! ask for a change or a renewal of a quota.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::{components::A, hooks::use_params_map};

use super::api::*;
use super::types::{RequestDetail, Review};
use super::view::{
    classification_label, error_view, granted_cell, phase_badge, sector_label, status_badge,
    BackToList, UsageBar,
};
use crate::domain::format::{fill, integer, local_instant};
use crate::domain::lifecycle::{Action, RequestKind, RequestStatus};
use crate::error::AppError;
use crate::i18n::{t_string, td_string, use_i18n};
use crate::ui::form::Checked;

#[component]
pub fn RequestPage() -> impl IntoView {
    let params = use_params_map();
    let id = move || params.read().get("id").unwrap_or_default();
    let submit = crate::ui::form::action::<SubmitRequest>();
    let endorse = crate::ui::form::action::<EndorseRequest>();
    let withdraw = crate::ui::form::action::<WithdrawRequest>();
    let decide = crate::ui::form::action::<DecideRequest>();
    let amend = crate::ui::form::action::<AmendQuota>();
    let end_early = crate::ui::form::action::<EndQuotaEarly>();
    let data = Resource::new(
        move || {
            (
                id(),
                submit.version().get(),
                endorse.version().get(),
                withdraw.version().get(),
                decide.version().get(),
                amend.version().get(),
                end_early.version().get(),
            )
        },
        |(id, ..)| async move {
            let d = get_request(id.clone()).await?;
            // A quota's use against its budget, loaded with the request that holds it.
            // (`used_percent` is set exactly for a request that holds a grant as a quota.)
            let usage = if d.summary.used_percent.is_some() {
                Some(crate::features::site_agents::api::get_quota_usage(id).await)
            } else {
                None
            };
            Ok::<_, crate::error::AppError>((d, usage))
        },
    );
    let last_error = move || {
        [
            submit.value().get().and_then(Result::err),
            endorse.value().get().and_then(Result::err),
            withdraw.value().get().and_then(Result::err),
            decide.value().get().and_then(Result::err),
            amend.value().get().and_then(Result::err),
            end_early.value().get().and_then(Result::err),
        ]
        .into_iter()
        .flatten()
        .next()
    };
    // Which form was sent last (`endorse`, `decide-3`, `renew`…): its answer's messages
    // stand beside its fields, and its success is said (and focused) above the request.
    let last = crate::ui::form::last_form();
    let forms = Forms {
        submit,
        endorse,
        withdraw,
        decide,
        amend,
        end_early,
        last,
    };
    let i18n = use_i18n();
    let done = move || -> Option<String> {
        let key = last.get();
        match key.as_str() {
            "submit" => submit
                .value()
                .get()?
                .ok()
                .map(|_| RequestStatus::Submitted.as_str().to_owned()),
            "endorse" => endorse.value().get()?.ok(),
            "withdraw" => withdraw.value().get()?.ok(),
            "end-early" => end_early.value().get()?.ok(),
            k if k.starts_with("decide-") => decide.value().get()?.ok(),
            _ => None,
        }
    };
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, requests.request))/>
        <section class="page">
            <BackToList/>
            {move || last_error().map(|e| view! { <p class="form__error" role="alert">{e.to_string()}</p> })}
            {move || done().map(|status| {
                let status = RequestStatus::parse(&status).ok();
                view! {
                    <p class="form__ok" role="status" tabindex="-1" autofocus=true>
                        {move || fill(t_string!(i18n, common.status_now), &[(
                            "status",
                            &status.map(|s| s.label_in(i18n.get_locale()).to_lowercase()).unwrap_or_default(),
                        )])}
                    </p>
                }
            })}
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, requests.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok((d, usage)) => view! { <RequestView d usage forms/> }.into_any(),
                        Err(e) => error_view(e),
                    }
                })}
            </Transition>
            <crate::features::review::ReviewSection id=Signal::derive(id)/>
        </section>
    }
}

/// The page's actions, created once with the page (never inside its `Suspend`).
#[derive(Clone, Copy)]
struct Forms {
    submit: ServerAction<SubmitRequest>,
    endorse: ServerAction<EndorseRequest>,
    withdraw: ServerAction<WithdrawRequest>,
    decide: ServerAction<DecideRequest>,
    amend: ServerAction<AmendQuota>,
    end_early: ServerAction<EndQuotaEarly>,
    /// The form sent last.
    last: Signal<String>,
}

impl Forms {
    /// The error `action` answered, while the form `key` is the one sent last.
    fn error_of<A>(
        self,
        action: ServerAction<A>,
        key: &'static str,
    ) -> impl Fn() -> Option<AppError> + Send + Sync + Copy
    where
        A: leptos::server_fn::ServerFn<Output = String, Error = AppError>
            + Clone
            + Send
            + Sync
            + 'static,
    {
        let last = self.last;
        move || {
            if last.with(|l| l != key) {
                return None;
            }
            action.value().get().and_then(Result::err)
        }
    }
}

#[component]
fn RequestView(
    d: RequestDetail,
    usage: Option<Result<crate::wire::usage::QuotaUsage, crate::error::AppError>>,
    forms: Forms,
) -> impl IntoView {
    let s = d.summary.clone();
    let rid = s.id;
    let has = |a: Action| d.actions.contains(&a);
    let i18n = use_i18n();
    let kind = match (s.kind, s.amends_request_id) {
        (RequestKind::New, _) | (_, None) => view! { {tr(i18n, |l| td_string!(l, requests.new_request))} }.into_any(),
        (kind, Some(o)) => view! {
            {move || kind.label_in(i18n.get_locale())} " " {tr(i18n, |l| td_string!(l, requests.of_quota))} " " <A href=format!("/requests/{o}")>{format!("#{o}")}</A>
        }
        .into_any(),
    };
    // A draft, or a request sent back for changes, that the viewer may amend.
    let can_edit = has(Action::SaveDraft);
    let changes_requested = s.status == RequestStatus::ChangesRequested;
    let edit_label = move || {
        if changes_requested {
            t_string!(i18n, requests.answer_and_resubmit)
        } else {
            t_string!(i18n, requests.edit_the_draft)
        }
    };
    let (policy_version, catalogue_revision) = (d.policy_version, d.catalogue_revision);
    let versions = move || match (policy_version, catalogue_revision) {
        (Some(p), Some(c)) => fill(
            t_string!(i18n, requests.evaluated_versions),
            &[("policy", &p), ("catalogue", &c)],
        ),
        _ => t_string!(i18n, requests.not_evaluated).to_owned(),
    };
    let endorse_error = forms.error_of(forms.endorse, "endorse");
    let endorse_note = Checked::new("endorse-note", move || {
        endorse_error().and_then(|e| e.field_message("note"))
    });
    let actions = view! {
        {can_edit.then(|| view! {
            <A href=format!("/requests/{}/edit", s.id) attr:class="button button--ghost-dark">{edit_label}</A>
        })}
        {has(Action::Submit).then(|| view! {
            <ActionForm action=forms.submit attr:class="inline-form">
                <input type="hidden" name="_form" value="submit"/>
                <input type="hidden" name="id" value=rid.to_string()/>
                <button type="submit" class="button">{tr(i18n, |l| td_string!(l, requests.submit))}</button>
            </ActionForm>
        })}
        {has(Action::Endorse).then(|| view! {
            <ActionForm action=forms.endorse attr:class="stack">
                <input type="hidden" name="_form" value="endorse"/>
                <input type="hidden" name="id" value=rid.to_string()/>
                <div class="field">
                    <label for="endorse-note">{tr(i18n, |l| td_string!(l, requests.note_optional))}</label>
                    <input id="endorse-note" name="note" type="text"
                        aria-invalid=endorse_note.invalid() autofocus=endorse_note.focus() aria-describedby=endorse_note.described_by(None)/>
                    {endorse_note.error()}
                </div>
                <button type="submit" class="button">{tr(i18n, |l| td_string!(l, requests.endorse))}</button>
            </ActionForm>
        })}
        {(has(Action::Approve) || has(Action::SendBack)).then(|| view! {
            <DecisionForm rid=rid.to_string() action=forms.decide decide=has(Action::Approve) revision=d.summary.revision last=forms.last/>
        })}
        {has(Action::Withdraw).then(|| view! {
            <ActionForm action=forms.withdraw attr:class="inline-form">
                <input type="hidden" name="_form" value="withdraw"/>
                <input type="hidden" name="id" value=rid.to_string()/>
                <button type="submit" class="button button--ghost-dark">{tr(i18n, |l| td_string!(l, requests.withdraw))}</button>
            </ActionForm>
        })}
    }
    .into_any();
    let any_action = [
        Action::SaveDraft,
        Action::Submit,
        Action::Endorse,
        Action::Approve,
        Action::Reject,
        Action::SendBack,
        Action::Withdraw,
    ]
    .into_iter()
    .any(has);
    let question = d.question.clone().map(|q| {
        let answer = can_edit.then(|| view! {
            <A href=format!("/requests/{rid}/edit") attr:class="button">{tr(i18n, |l| td_string!(l, requests.answer_and_resubmit))}</A>
        });
        view! {
            <section class="card question" aria-labelledby="question-title">
                <h2 id="question-title">{tr(i18n, |l| td_string!(l, requests.changes_requested_heading))}</h2>
                <p class="prose question__text">{q}</p>
                {if can_edit {
                    view! { <p class="muted">{tr(i18n, |l| td_string!(l, requests.amend_to_answer))}</p> }.into_any()
                } else {
                    view! { <p class="muted">{tr(i18n, |l| td_string!(l, requests.requester_answers))}</p> }.into_any()
                }}
                {answer}
            </section>
        }
    });
    view! {
        <div class="page-head">
            <div>
                <p class="eyebrow">{move || fill(t_string!(i18n, requests.request_number), &[("id", &rid)])} " · " {kind} " · " {s.tenant_name.clone()}</p>
                <h1>{s.project_title.clone()}</h1>
                <p class="badges">
                    {status_badge(s.status)} " " {s.phase.map(phase_badge)}
                    {s.tenant_suspended.then(|| view! { " " <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, requests.organisation_suspended))}</span> })}
                    {d.confidential_waiver.then(|| view! { " " <span class="badge badge--warn">{tr(i18n, |l| td_string!(l, requests.c1_waiver))}</span> })}
                </p>
            </div>
        </div>
        {s.compliance_flag.clone().map(|f| view! {
            <p class="form__error" role="alert">{tr(i18n, |l| td_string!(l, requests.compliance_flag))} " " {f}</p>
        })}
        {question}
        <div class="detail-grid">
            <div class="detail-grid__main">
                {let (project_href, project_name) = (format!("/projects/{}", s.project_id), s.project_name.clone());
                let project_link = if d.can_open_project {
                    view! { <A href=project_href>{project_name}</A> }.into_any()
                } else {
                    view! { <span>{project_name}</span> }.into_any()
                };
                view! { <section class="card">
                    <h2>{tr(i18n, |l| td_string!(l, requests.what_was_asked))}</h2>
                    <dl class="facts">
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.project))}</dt><dd>{project_link}</dd></div>
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.site))}</dt><dd>{s.site_name.clone()}</dd></div>
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.gpus))}</dt><dd>{s.gpus} " " {s.gpu_model.clone()}</dd></div>
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.window_asked))}</dt><dd>{s.asked_window(i18n.get_locale())}</dd></div>
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.granted))}</dt><dd>{let s = s.clone(); move || granted_cell(i18n.get_locale(), &s)}</dd></div>
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.data_classification))}</dt><dd>{let c = s.classification.clone(); move || classification_label(i18n.get_locale(), &c)}</dd></div>
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.sector))}</dt><dd>{let c = s.sector.clone(); move || sector_label(i18n.get_locale(), &c)}</dd></div>
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.expected_gpu_hours))}</dt><dd>{let hours = d.expected_gpu_hours; move || hours.map(|h| integer(i18n.get_locale(), h)).unwrap_or_else(|| "—".into())}</dd></div>
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.requested_by))}</dt><dd>{d.requester_name.clone()}</dd></div>
                        <div><dt>{tr(i18n, |l| td_string!(l, requests.evaluated_with))}</dt><dd>{versions}</dd></div>
                    </dl>
                    <h3>{tr(i18n, |l| td_string!(l, requests.justification))}</h3>
                    <p class="prose">{d.justification.clone()}</p>
                    {d.decision_note.clone().map(|n| view! {
                        <h3>{tr(i18n, |l| td_string!(l, requests.decision_note))}</h3>
                        <p class="prose">{n}</p>
                    })}
                </section> }.into_any()}
                {usage.map(|usage| view! { <crate::features::usage::section::UsageSection rid usage/> })}
                {view! { <section>
                    <h2 id="timeline">{tr(i18n, |l| td_string!(l, requests.timeline))}</h2>
                    <ol class="timeline" aria-labelledby="timeline">
                        {d.timeline.iter().map(|t| view! {
                            <li class="timeline__step">
                                <p>
                                    <strong>{let status = t.to_status; let headline = t.headline.clone(); move || headline.clone().unwrap_or_else(|| status.label_in(i18n.get_locale()).to_owned())}</strong>
                                    " · " {t.actor_name.clone()}
                                    " · " <time>{let at = t.at.clone(); move || local_instant(i18n.get_locale(), &at)}</time>
                                </p>
                                {(!t.note.is_empty()).then(|| view! { <p class="timeline__note">{t.note.clone()}</p> })}
                            </li>
                        }).collect_view()}
                    </ol>
                </section> }.into_any()}
            </div>
            <aside class="detail-grid__side">
                {d.review.clone().map(|r| view! { <ReviewCard review=r/> }.into_any())}
                {any_action.then(|| view! {
                    <section class="card">
                        <h2>{tr(i18n, |l| td_string!(l, requests.what_you_can_do))}</h2>
                        <div class="stack">{actions}</div>
                    </section>
                })}
                {d.can_end_early.then(|| view! { <EndEarlyForm rid=rid.to_string() action=forms.end_early last=forms.last/> })}
                {d.amend_key.clone().map(|key| view! {
                    <AmendForms rid=rid.to_string() key can_change=d.can_change action=forms.amend last=forms.last/>
                }.into_any())}
            </aside>
        </div>
    }
}

/// Residency now and the pool's peak before and after, for a platform admin's decision.
#[component]
fn ReviewCard(review: Review) -> impl IntoView {
    let fits = review.headroom_after >= 0;
    let i18n = use_i18n();
    let (available, before, after, headroom) = (
        review.available,
        review.peak_before,
        review.peak_after,
        review.headroom_after,
    );
    view! {
        <section class="card review">
            <h2>{tr(i18n, |l| td_string!(l, requests.review))}</h2>
            <p>
                {tr(i18n, |l| td_string!(l, requests.residency_now_colon))} " "
                {if review.eligible_now {
                    view! { <span class="badge badge--ok">{tr(i18n, |l| td_string!(l, requests.eligible))}</span> }.into_any()
                } else {
                    view! { <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, requests.not_eligible))}</span> }.into_any()
                }}
            </p>
            {(!review.failures.is_empty()).then(|| view! {
                <ul class="findings">
                    {review.failures.iter().map(|f| view! {
                        <li class="finding" data-outcome="failed"><span class="badge badge--bad">{f.rule.clone()}</span> " " {f.reason.clone()}</li>
                    }).collect_view()}
                </ul>
            })}
            <p>{move || fill(t_string!(i18n, requests.busiest_day_of_window), &[("available", &available)])}</p>
            <UsageBar used=review.peak_before adding=review.peak_after.saturating_sub(review.peak_before) available=review.available/>
            <p class="muted">
                {move || fill(t_string!(i18n, requests.peak_line), &[("before", &before), ("after", &after)])} " "
                {move || if fits {
                    fill(t_string!(i18n, requests.gpus_to_spare), &[("n", &headroom)])
                } else {
                    fill(t_string!(i18n, requests.gpus_short), &[("n", &-headroom)])
                }}
            </p>
        </section>
    }
}

/// A platform admin's decision (when `decide`: the request is endorsed) or sending back. The
/// partial approval's fields show only when "approve in part" is chosen (`style/main.css`).
#[component]
pub(super) fn DecisionForm(
    rid: String,
    action: ServerAction<DecideRequest>,
    decide: bool,
    /// The revision shown: a decision on a request changed since is refused, not applied.
    revision: i64,
    /// The form sent last on the page (this one is `decide-{rid}`): the decision's messages
    /// stand beside this form's fields only when it was.
    last: Signal<String>,
) -> impl IntoView {
    let id = |field: &str| format!("decide-{rid}-{field}");
    let (decision_id, gpus_id, start_id, end_id, note_id) = (
        id("decision"),
        id("gpus"),
        id("start"),
        id("end"),
        id("note"),
    );
    let key = format!("decide-{rid}");
    let form_key = key.clone();
    let error = move || {
        if last.with(|l| *l != key) {
            return None;
        }
        action.value().get().and_then(Result::err)
    };
    let check = |field_id: &str, name: &'static str| {
        let error = error.clone();
        Checked::new(field_id, move || {
            error().and_then(|e| e.field_message(name))
        })
    };
    let decision = check(&decision_id, "decision");
    let gpus = check(&gpus_id, "approved_gpus");
    let start = check(&start_id, "approved_start");
    let end = check(&end_id, "approved_end");
    let note = check(&note_id, "note");
    let i18n = use_i18n();
    view! {
        <ActionForm action attr:class="stack decision-form">
            <input type="hidden" name="_form" value=form_key/>
            <input type="hidden" name="id" value=rid.clone()/>
            <input type="hidden" name="revision" value=revision.to_string()/>
            <div class="field">
                <label for=decision_id.clone()>{tr(i18n, |l| td_string!(l, requests.decision))}</label>
                <select id=decision_id name="decision" aria-invalid=decision.invalid() autofocus=decision.focus() aria-describedby=decision.described_by(None)>
                    {decide.then(|| view! {
                        <option value="approve">{tr(i18n, |l| td_string!(l, requests.approve))}</option>
                        <option value="partially_approve">{tr(i18n, |l| td_string!(l, requests.approve_in_part))}</option>
                        <option value="reject">{tr(i18n, |l| td_string!(l, requests.reject))}</option>
                    })}
                    <option value="send_back">{tr(i18n, |l| td_string!(l, requests.send_back_for_changes))}</option>
                </select>
                {decision.error()}
            </div>
            <fieldset class="form__group decision-form__partial">
                <legend>{tr(i18n, |l| td_string!(l, requests.partial_legend))}</legend>
                <div class="field">
                    <label for=gpus_id.clone()>{tr(i18n, |l| td_string!(l, requests.gpus_granted))}</label>
                    <input id=gpus_id name="approved_gpus" type="number" min="1" inputmode="numeric"
                        aria-invalid=gpus.invalid() autofocus=gpus.focus() aria-describedby=gpus.described_by(None)/>
                    {gpus.error()}
                </div>
                <div class="field">
                    <label for=start_id.clone()>{tr(i18n, |l| td_string!(l, requests.first_day_granted))}</label>
                    <input id=start_id name="approved_start" type="date"
                        aria-invalid=start.invalid() autofocus=start.focus() aria-describedby=start.described_by(None)/>
                    {start.error()}
                </div>
                <div class="field">
                    <label for=end_id.clone()>{tr(i18n, |l| td_string!(l, requests.end_granted))}</label>
                    <input id=end_id name="approved_end" type="date"
                        aria-invalid=end.invalid() autofocus=end.focus() aria-describedby=end.described_by(None)/>
                    {end.error()}
                </div>
            </fieldset>
            <div class="field">
                <label for=note_id.clone()>{tr(i18n, |l| td_string!(l, requests.decision_reason))}</label>
                <textarea id=note_id name="note" rows="3"
                    aria-invalid=note.invalid() autofocus=note.focus() aria-describedby=note.described_by(None)></textarea>
                {note.error()}
            </div>
            <button type="submit" class="button">{tr(i18n, |l| td_string!(l, requests.record_decision))}</button>
        </ActionForm>
    }
}

/// A platform admin ends a quota early and/or leaves it fewer GPUs, with a reason.
#[component]
fn EndEarlyForm(
    rid: String,
    action: ServerAction<EndQuotaEarly>,
    last: Signal<String>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error = move || {
        if last.with(|l| l != "end-early") {
            return None;
        }
        action.value().get().and_then(Result::err)
    };
    let check = |field_id: &'static str, name: &'static str| {
        Checked::new(field_id, move || {
            error().and_then(|e| e.field_message(name))
        })
    };
    let (end, gpus, reason) = (
        check("end-early-end", "end_date"),
        check("end-early-gpus", "gpus"),
        check("end-early-reason", "reason"),
    );
    view! {
        <ActionForm action attr:class="card stack">
            <input type="hidden" name="_form" value="end-early"/>
            <h2>{tr(i18n, |l| td_string!(l, requests.end_or_reduce_heading))}</h2>
            <p class="muted">{tr(i18n, |l| td_string!(l, requests.end_early_lead))}</p>
            <input type="hidden" name="id" value=rid/>
            <div class="field">
                <label for="end-early-end">{tr(i18n, |l| td_string!(l, requests.end_early_new_end))}</label>
                <input id="end-early-end" name="end_date" type="date"
                    aria-invalid=end.invalid() autofocus=end.focus() aria-describedby=end.described_by(None)/>
                {end.error()}
            </div>
            <div class="field">
                <label for="end-early-gpus">{tr(i18n, |l| td_string!(l, requests.end_early_gpus))}</label>
                <input id="end-early-gpus" name="gpus" type="number" min="1" inputmode="numeric"
                    aria-invalid=gpus.invalid() autofocus=gpus.focus() aria-describedby=gpus.described_by(None)/>
                {gpus.error()}
            </div>
            <div class="field">
                <label for="end-early-reason">{tr(i18n, |l| td_string!(l, requests.reason_required))}</label>
                <textarea id="end-early-reason" name="reason" rows="2"
                    aria-invalid=reason.invalid() autofocus=reason.focus() aria-describedby=reason.described_by(None)></textarea>
                {reason.error()}
            </div>
            <button type="submit" class="button button--ghost-dark">{tr(i18n, |l| td_string!(l, requests.end_or_reduce_button))}</button>
        </ActionForm>
    }
}

/// Ask for a change (while the quota runs or before it starts) or a renewal.
#[component]
fn AmendForms(
    rid: String,
    key: String,
    can_change: bool,
    action: ServerAction<AmendQuota>,
    last: Signal<String>,
) -> impl IntoView {
    let renew_key = format!("{key}-r");
    let rid2 = rid.clone();
    view! {
        {can_change.then(|| view! { <AmendForm kind=RequestKind::Change rid key action last/> })}
        <AmendForm kind=RequestKind::Renewal rid=rid2 key=renew_key action last/>
    }
}

/// One amendment form: a change (more GPUs, a later end) or a renewal (a new window from the
/// quota's end). Both go through the same review as a new request.
#[component]
fn AmendForm(
    kind: RequestKind,
    rid: String,
    key: String,
    action: ServerAction<AmendQuota>,
    last: Signal<String>,
) -> impl IntoView {
    let renewal = kind == RequestKind::Renewal;
    let i18n = use_i18n();
    let prefix = if renewal { "renew" } else { "change" };
    let title = move || {
        if renewal {
            t_string!(i18n, requests.renew)
        } else {
            t_string!(i18n, requests.ask_change)
        }
    };
    let gpus_label = move || {
        if renewal {
            t_string!(i18n, requests.renew_gpus)
        } else {
            t_string!(i18n, requests.gpus_in_total)
        }
    };
    let end_label = move || {
        if renewal {
            t_string!(i18n, requests.renew_until)
        } else {
            t_string!(i18n, requests.change_new_end)
        }
    };
    let id = move |field: &str| format!("{prefix}-{field}");
    let error = move || {
        if last.with(|l| l != prefix) {
            return None;
        }
        action.value().get().and_then(Result::err)
    };
    let check = move |field: &str, name: &'static str| {
        Checked::new(id(field), move || {
            error().and_then(|e| e.field_message(name))
        })
    };
    let (gpus, end, why) = (
        check("gpus", "gpus"),
        check("end", "end_date"),
        check("why", "justification"),
    );
    view! {
        <ActionForm action attr:class="card stack">
            <input type="hidden" name="_form" value=prefix/>
            <h2>{title}</h2>
            <input type="hidden" name="id" value=rid/>
            <input type="hidden" name="kind" value=kind.as_str()/>
            <input type="hidden" name="idempotency_key" value=key/>
            <div class="field">
                <label for=id("gpus")>{gpus_label}</label>
                <input id=id("gpus") name="gpus" type="number" min="1" inputmode="numeric"
                    aria-invalid=gpus.invalid() autofocus=gpus.focus() aria-describedby=gpus.described_by(None)/>
                {gpus.error()}
            </div>
            <div class="field">
                <label for=id("end")>{end_label}</label>
                <input id=id("end") name="end_date" type="date" required=renewal
                    aria-invalid=end.invalid() autofocus=end.focus() aria-describedby=end.described_by(None)/>
                {end.error()}
            </div>
            <div class="field">
                <label for=id("why")>{tr(i18n, |l| td_string!(l, requests.why_optional))}</label>
                <textarea id=id("why") name="justification" rows="2"
                    aria-invalid=why.invalid() autofocus=why.focus() aria-describedby=why.described_by(None)></textarea>
                {why.error()}
            </div>
            <button type="submit" class="button">{title}</button>
        </ActionForm>
    }
}
