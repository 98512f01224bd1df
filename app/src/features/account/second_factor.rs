//! The account page's "Two-step sign-in" section: set up an authenticator app (a QR code, or the
//! key to type), see the recovery codes once, renew them, or turn the second factor off.

use crate::ui::language::tr;
use leptos::prelude::*;

use super::api::{
    BeginSecondFactor, ConfirmSecondFactor, ConfirmWithCode, RenewRecoveryCodes,
    TurnOffSecondFactor,
};
use super::types::{SecondFactorOffer, SecondFactorStatus};
use crate::domain::format::fill;
use crate::error::AppError;
use crate::i18n::{td_string, use_i18n};
use crate::ui::form::Checked;

#[component]
pub fn SecondFactorSection(status: SecondFactorStatus) -> impl IntoView {
    let i18n = use_i18n();
    let begin = crate::ui::form::action::<BeginSecondFactor>();
    let confirm = crate::ui::form::action::<ConfirmSecondFactor>();
    let renew = crate::ui::form::action::<RenewRecoveryCodes>();
    let off = crate::ui::form::action::<TurnOffSecondFactor>();
    // Whether the factor is on now: as loaded, then as the last action left it.
    let on = Signal::derive(move || {
        if matches!(off.value().get(), Some(Ok(())))
            && off.version().get() >= confirm.version().get()
        {
            false
        } else {
            status.on || matches!(confirm.value().get(), Some(Ok(_)))
        }
    });
    let left = Signal::derive(move || match (renew.value().get(), confirm.value().get()) {
        (Some(Ok(codes)), _) | (None, Some(Ok(codes))) => codes.len() as i64,
        _ => status.recovery_codes_left,
    });
    // The codes just drawn, shown once.
    let fresh_codes = move || match (renew.value().get(), confirm.value().get()) {
        (Some(Ok(codes)), _) => Some(codes),
        (_, Some(Ok(codes))) if on.get() => Some(codes),
        _ => None,
    };
    let required = status.required;
    // The setup whose first code was just refused (a plain form comes back to a new page): the
    // same QR code and key again, beside the message.
    let pending = Resource::new(
        move || matches!(confirm.value().get_untracked(), Some(Err(_))),
        |refused| async move {
            if refused {
                super::api::pending_second_factor().await
            } else {
                Ok(None)
            }
        },
    );
    view! {
        <h2 id="second-factor">{tr(i18n, |l| td_string!(l, account.second_factor_title))}</h2>
        {move || (required && !on.get()).then(|| view! {
            <p class="form__error" role="alert">{tr(i18n, |l| td_string!(l, account.second_factor_needed_note))}</p>
        })}
        {move || if on.get() {
            view! {
                <p>{tr(i18n, |l| td_string!(l, account.second_factor_on))} " "
                    {move || fill(td_string!(i18n.get_locale(), account.second_factor_codes_left), &[("n", &left.get())])}</p>
                {fresh_codes().map(|codes| view! { <RecoveryCodes codes/> })}
                <ActionForm action=renew attr:class="form" attr:novalidate=true>
                    <CodeFields id="renew-code" label=|l| td_string!(l, account.second_factor_code_or_recovery)
                        hint=Some(("renew-code-hint", |l| td_string!(l, account.second_factor_renew_hint)))
                        button=|l| td_string!(l, account.second_factor_renew)
                        error=Signal::derive(move || renew.value().get().and_then(Result::err))
                        pending=renew.pending()/>
                </ActionForm>
                {(!required).then(|| view! {
                    <ActionForm action=off attr:class="form" attr:novalidate=true>
                        <CodeFields id="off-code" label=|l| td_string!(l, account.second_factor_code_or_recovery)
                            hint=None button=|l| td_string!(l, account.second_factor_turn_off)
                            error=Signal::derive(move || off.value().get().and_then(Result::err))
                            pending=off.pending()/>
                    </ActionForm>
                })}
            }.into_any()
        } else {
            view! {
                {move || matches!(off.value().get(), Some(Ok(()))).then(|| view! {
                    <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, account.second_factor_turned_off))}</p>
                })}
                <p>{tr(i18n, |l| td_string!(l, account.second_factor_off_intro))}</p>
                <Suspense fallback=|| ()>
                    {move || Suspend::new(async move {
                        let pending = pending.await.ok().flatten();
                        match (begin.value().get(), pending) {
                            (Some(Ok(offer)), _) | (_, Some(offer)) => view! { <Setup offer confirm/> }.into_any(),
                            (other, None) => view! {
                                <ActionForm action=begin attr:class="actions">
                                    {other.and_then(Result::err).map(|e| view! { <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p> })}
                                    <button type="submit" class="button" disabled=move || begin.pending().get()>
                                        {tr(i18n, |l| td_string!(l, account.second_factor_start))}
                                    </button>
                                </ActionForm>
                            }.into_any(),
                        }
                    })}
                </Suspense>
            }.into_any()
        }}
    }
}

/// The new secret as a QR code and as text, and the first code from the app that turns it on.
#[component]
fn Setup(offer: SecondFactorOffer, confirm: ServerAction<ConfirmSecondFactor>) -> impl IntoView {
    let i18n = use_i18n();
    let size = offer.qr_size;
    view! {
        <p>{tr(i18n, |l| td_string!(l, account.second_factor_scan))}</p>
        <svg class="qr" viewBox=format!("0 0 {size} {size}") width="200" height="200" role="img"
            aria-label=tr(i18n, |l| td_string!(l, account.second_factor_qr_label))
            shape-rendering="crispEdges">
            <rect width=size height=size fill="#fff"/>
            <path d=offer.qr_path fill="#000"/>
        </svg>
        <p>{tr(i18n, |l| td_string!(l, account.second_factor_key))} " " <code class="secret-key" data-secret=offer.secret.replace(' ', "")>{offer.secret.clone()}</code></p>
        <ActionForm action=confirm attr:class="form" attr:novalidate=true>
            <CodeFields id="setup-code" label=|l| td_string!(l, account.second_factor_code)
                hint=Some(("setup-code-hint", |l| td_string!(l, account.second_factor_code_hint)))
                button=|l| td_string!(l, account.second_factor_turn_on) primary=true
                error=Signal::derive(move || confirm.value().get().and_then(Result::err))
                pending=confirm.pending()/>
        </ActionForm>
    }
}

/// Recovery codes just drawn: shown this once.
#[component]
fn RecoveryCodes(codes: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="recovery-codes" role="status">
            <h3>{tr(i18n, |l| td_string!(l, account.second_factor_recovery_title))}</h3>
            <p>{tr(i18n, |l| td_string!(l, account.second_factor_recovery_intro))}</p>
            <ul>{codes.into_iter().map(|c| view! { <li><code>{c}</code></li> }).collect_view()}</ul>
        </div>
    }
}

type Words = fn(crate::i18n::Locale) -> &'static str;

/// Where a change that needs a fresh code was refused (`StepUpNeeded`): a code field that
/// confirms the session for five minutes, after which the person sends the change again.
/// Nothing shows otherwise.
#[component]
pub fn StepUpPrompt(#[prop(into)] error: Signal<Option<AppError>>) -> impl IntoView {
    let confirm = crate::ui::form::action::<ConfirmWithCode>();
    let i18n = use_i18n();
    let shown = move || {
        matches!(error.get(), Some(AppError::StepUpNeeded)) || confirm.value().get().is_some()
    };
    view! {
        {move || shown().then(|| view! {
            <div class="step-up" role="group" aria-labelledby="step-up-title">
                <h3 id="step-up-title">{tr(i18n, |l| td_string!(l, account.step_up_title))}</h3>
                {move || matches!(confirm.value().get(), Some(Ok(()))).then(|| view! {
                    <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, account.step_up_done))}</p>
                })}
                <ActionForm action=confirm attr:class="form" attr:novalidate=true>
                    <CodeFields id="step-up-code" label=|l| td_string!(l, account.second_factor_code_or_recovery)
                        hint=None button=|l| td_string!(l, account.step_up_button) primary=true
                        error=Signal::derive(move || confirm.value().get().and_then(Result::err))
                        pending=confirm.pending()/>
                </ActionForm>
            </div>
        })}
    }
}

/// One code field (its error beside it, any other error above) and the form's button, inside
/// each form of this section.
#[component]
fn CodeFields(
    id: &'static str,
    label: Words,
    hint: Option<(&'static str, Words)>,
    button: Words,
    #[prop(into)] error: Signal<Option<AppError>>,
    #[prop(into)] pending: Signal<bool>,
    #[prop(optional)] primary: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let code = Checked::new(id, move || {
        error.get().and_then(|e| e.field_message("code"))
    });
    view! {
        {move || error.get().filter(|e| e.field_message("code").is_none()).map(|e| view! {
            <p class="form__error" role="alert">{e.message(i18n.get_locale())}</p>
        })}
        <div class="field">
            <label for=id>{tr(i18n, label)}</label>
            <input id=id name="code" type="text" autocomplete="one-time-code" autocapitalize="off"
                spellcheck="false" required=true aria-invalid=code.invalid() autofocus=code.focus()
                aria-describedby=code.described_by(hint.map(|(hint_id, _)| hint_id))/>
            {hint.map(|(hint_id, words)| view! { <p class="field__hint" id=hint_id>{tr(i18n, words)}</p> })}
            {code.error()}
        </div>
        <button type="submit" class=if primary { "button" } else { "button button--ghost" } disabled=move || pending.get()>{tr(i18n, button)}</button>
    }
}
