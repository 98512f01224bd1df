//! The organisation page's "Usage notices": the levels of a quota's budget whose crossing is told
//! to its people; owners change them.

use leptos::prelude::*;

use super::api::{usage_thresholds, SetUsageThresholds};

#[component]
pub fn UsageNotices(owner: bool) -> impl IntoView {
    let set = ServerAction::<SetUsageThresholds>::new();
    let levels = Resource::new(move || set.version().get(), |_| usage_thresholds());
    let error = move || match set.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    view! {
        <h2>"Usage notices"</h2>
        <p class="muted">
            "When a quota has used these shares of its budget, its requester, the project's lead and the owners are told, in the portal and by e-mail (once per level)."
        </p>
        <Transition fallback=|| ()>
            {move || Suspend::new(async move {
                let current = levels.await.unwrap_or_default();
                if owner {
                    view! {
                        <ActionForm action=set attr:class="form form--inline" attr:novalidate=true>
                            <div class="field">
                                <label for="usage-levels">"Levels (per cent of the budget)"</label>
                                <input id="usage-levels" name="levels" inputmode="numeric" value=current.clone()
                                    aria-describedby="usage-levels-hint"/>
                                <p id="usage-levels-hint" class="field__hint">"One to five numbers from 1 to 200, such as 50, 80, 100."</p>
                                {move || error().and_then(|e| e.field_message("levels").or_else(|| Some(e.to_string())))
                                    .map(|m| view! { <p class="field__error" role="alert">{m}</p> })}
                            </div>
                            <button type="submit" class="button button--small" disabled=move || set.pending().get()>"Save levels"</button>
                            {move || matches!(set.value().get(), Some(Ok(_))).then(|| view! { <p class="form__ok" role="status">"Saved."</p> })}
                        </ActionForm>
                    }.into_any()
                } else {
                    view! { <p>"Levels: " <strong>{format!("{current} %")}</strong></p> }.into_any()
                }
            })}
        </Transition>
    }
}
