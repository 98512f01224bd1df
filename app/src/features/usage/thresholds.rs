//! The organisation page's "Usage notices": the levels of a quota's budget whose crossing is told
//! to its people; owners change them.

use crate::i18n::td_string;
use crate::ui::language::tr;
use leptos::prelude::*;

use super::api::{usage_thresholds, SetUsageThresholds};
use crate::i18n::use_i18n;

#[component]
pub fn UsageNotices(owner: bool) -> impl IntoView {
    let set = crate::ui::form::action::<SetUsageThresholds>();
    let levels = Resource::new(move || set.version().get(), |_| usage_thresholds());
    let error = move || match set.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let i18n = use_i18n();
    view! {
        <h2>{tr(i18n, |l| td_string!(l, usage.usage_notices))}</h2>
        <p class="muted">{tr(i18n, |l| td_string!(l, usage.notices_lead))}</p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let current = levels.await.unwrap_or_default();
                if owner {
                    view! {
                        <ActionForm action=set attr:class="form form--inline" attr:novalidate=true>
                            <div class="field">
                                <label for="usage-levels">{tr(i18n, |l| td_string!(l, usage.levels_label))}</label>
                                <input id="usage-levels" name="levels" inputmode="numeric" value=current.clone()
                                    aria-describedby="usage-levels-hint"/>
                                <p id="usage-levels-hint" class="field__hint">{tr(i18n, |l| td_string!(l, usage.levels_hint))}</p>
                                {move || error().and_then(|e| e.field_message("levels").or_else(|| Some(e.to_string())))
                                    .map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                            </div>
                            <button type="submit" class="button button--small" disabled=move || set.pending().get()>{tr(i18n, |l| td_string!(l, usage.save_levels))}</button>
                            {move || matches!(set.value().get(), Some(Ok(_))).then(|| view! { <p class="form__ok" role="status">{tr(i18n, |l| td_string!(l, usage.saved))}</p> })}
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <p>{tr(i18n, |l| td_string!(l, usage.levels))} " " <strong>{format!("{current} %")}</strong></p> }.into_any()
                }
            })}
        </Transition>
    }
}
