//! What every form does with its errors and its successes (RGAA 11.10, 11.11,
//! 7.5; WCAG 3.3.1, 3.3.3, 4.1.3):
//! - a refused field says so (`aria-invalid="true"`) and names the message about
//!   it (`aria-describedby`), beside its hint if it has one;
//! - that message has a stable id, `{field-id}-error`, and the class `field__error`;
//! - the form's summary (`role="alert"`) tells a screen reader that the form was refused;
//! - after a success that redraws the form, focus moves to the message saying so,
//!   so that a keyboard user is not sent back to the top of the page.

use crate::i18n::td_string;
use crate::ui::language::tr;
use leptos::prelude::*;

use crate::i18n::use_i18n;

/// The id of the message about the field whose id is `field_id`.
pub fn error_id(field_id: &str) -> String {
    format!("{field_id}-error")
}

/// A field's `aria-describedby`: its hint's id if it has one, and the id of the
/// message about it while that message is shown; nothing when neither is.
pub fn described_by(hint: Option<&str>, field_id: &str, shown: bool) -> Option<String> {
    let error = shown.then(|| error_id(field_id));
    match (hint, error) {
        (Some(hint), Some(error)) => Some(format!("{hint} {error}")),
        (Some(hint), None) => Some(hint.to_owned()),
        (None, error) => error,
    }
}

/// `aria-invalid` while the field has a message.
pub fn invalid(shown: bool) -> Option<&'static str> {
    shown.then_some("true")
}

/// The message about the field `field_id`, when there is one.
pub fn field_error(field_id: &str, message: Option<String>) -> Option<AnyView> {
    message.map(|m| view! { <p class="field__error" id=error_id(field_id)>{m}</p> }.into_any())
}

/// One field's message as the form's last answer gives it, and what the field
/// and the message carry for it: build it once, and hand its parts to the view.
#[derive(Clone)]
pub struct Checked {
    id: std::sync::Arc<str>,
    message: Signal<Option<String>>,
}

impl Checked {
    /// The field whose id is `id`, with the message `message` gives while there is one.
    pub fn new(
        id: impl Into<String>,
        message: impl Fn() -> Option<String> + Send + Sync + 'static,
    ) -> Self {
        Self {
            id: id.into().into(),
            message: Signal::derive(message),
        }
    }

    /// The field whose id is `id`, with the message about `field` (a form field's name) when the
    /// last answer, which `error` gives, was refused about it.
    pub fn of(
        error: impl Fn() -> Option<crate::error::AppError> + Send + Sync + Copy + 'static,
        id: impl Into<String>,
        field: &'static str,
    ) -> Self {
        Self::new(id, move || error().and_then(|e| e.field_message(field)))
    }

    /// The field's `aria-invalid`.
    pub fn invalid(&self) -> impl Fn() -> Option<&'static str> + Send + Sync + Clone + 'static {
        let message = self.message;
        move || invalid(message.with(Option::is_some))
    }

    /// The field's `autofocus`: on while it has a message. A refused plain form comes back as a new
    /// page, where the browser focuses the first field so marked, and a screen reader says its
    /// label and its message (`aria-describedby`); no script is needed.
    pub fn focus(&self) -> impl Fn() -> bool + Send + Sync + Clone + 'static {
        let message = self.message;
        move || message.with(Option::is_some)
    }

    /// The field's `aria-describedby`, with its hint's id if it has one.
    pub fn described_by(
        &self,
        hint: Option<&'static str>,
    ) -> impl Fn() -> Option<String> + Send + Sync + Clone + 'static {
        let (id, message) = (self.id.clone(), self.message);
        move || described_by(hint, &id, message.with(Option::is_some))
    }

    /// The message, to put after the field.
    pub fn error(&self) -> impl Fn() -> Option<AnyView> + Send + Sync + Clone + 'static {
        let (id, message) = (self.id.clone(), self.message);
        move || field_error(&id, message.get())
    }
}

/// The summary a refused form says when every message about it stands beside its
/// fields (which are not announced by themselves).
#[component]
pub fn FormRefused() -> impl IntoView {
    let i18n = use_i18n();
    view! { <p class="form__error" role="alert">{tr(i18n, |l| td_string!(l, common.form_refused))}</p> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_field_names_its_hint_and_its_message_while_shown() {
        assert_eq!(
            described_by(Some("a-hint"), "a", true).as_deref(),
            Some("a-hint a-error")
        );
        assert_eq!(
            described_by(Some("a-hint"), "a", false).as_deref(),
            Some("a-hint")
        );
        assert_eq!(described_by(None, "a", true).as_deref(), Some("a-error"));
        assert_eq!(described_by(None, "a", false), None);
    }
}

/// Whether a form whose server function redirects to `?sent=1` once it took the form was taken:
/// that query (a form posted without the wasm lands there), or its action's answer.
pub fn sent(
    answer: impl Get<Value = Option<Result<(), crate::error::AppError>>> + Copy + Send + Sync + 'static,
) -> impl Fn() -> bool + Copy + Send + Sync + 'static {
    let query = leptos_router::hooks::use_query_map();
    move || query.read().get("sent").is_some() || matches!(answer.get(), Some(Ok(())))
}

/// The action of the server function `S`, for a form of the page. In the browser (an island) it
/// is `ServerAction::new()`. On the server it also holds the answer of a plain form post of `S`
/// that brought the browser back to this page (`server::form_answer`): a success says so, as it
/// would have in the browser. (A refusal comes in the address, which `ServerAction::new()` reads.)
pub fn action<S>() -> ServerAction<S>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let action = ServerAction::<S>::new();
    #[cfg(feature = "ssr")]
    if let Some(answer) = crate::server::form_answer::current() {
        if answer.path == S::PATH {
            if let Some(Ok(value)) = answer.body.map(|b| serde_json::from_str::<S::Output>(&b)) {
                action.value().set(Some(Ok(value)));
            }
        }
    }
    action
}

/// The action of `S` for one of several forms of a page that share it (a table's rows), each with
/// a hidden `_form` field: on the server, the answer a plain post brought back (a success, or a
/// refusal read from the address) is this form's only when its `key` was the `_form` sent, so a
/// refusal is said beside the row it is about and not in every row.
pub fn action_for<S>(key: &str) -> ServerAction<S>
where
    S: leptos::server_fn::ServerFn<Error = crate::error::AppError> + Clone + Send + Sync + 'static,
    S::Output: serde::de::DeserializeOwned + Send + Sync + 'static,
{
    let action = action::<S>();
    if last_form().with_untracked(|sent| sent != key) {
        action.value().set(None);
    }
    action
}

/// The form of the page sent last, by the key its `_form` field gives (a hidden field, for pages
/// where several forms share a server function): their answers are said beside that form only.
/// On the server, the form a plain post came from; in the browser (an island), none.
pub fn last_form() -> Signal<String> {
    #[cfg(feature = "ssr")]
    let sent = crate::server::form_answer::current()
        .and_then(|a| a.form)
        .unwrap_or_default();
    #[cfg(not(feature = "ssr"))]
    let sent = String::new();
    Signal::stored(sent)
}

/// Sends the GET form whose id is `form` again whenever one of its fields changes, so that what
/// the page shows for the form's values follows them; the field changed keeps the focus across
/// the new page (a keyboard user goes on where they were). Without the wasm the form has its own
/// button. Renders nothing.
#[island]
pub fn FollowChanges(form: String) -> impl IntoView {
    #[cfg(feature = "hydrate")]
    {
        use wasm_bindgen::JsCast;
        const KEY: &str = "guichet.follow_focus";
        let storage = window().session_storage().ok().flatten();
        if let Some(storage) = &storage {
            if let Ok(Some(id)) = storage.get_item(KEY) {
                let _ = storage.remove_item(KEY);
                if let Some(field) = document()
                    .get_element_by_id(&id)
                    .and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok())
                {
                    let _ = field.focus();
                }
            }
        }
        on_field_change(move |field| {
            let Some(owner) = document()
                .get_element_by_id(&form)
                .and_then(|f| f.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            if !owner.contains(Some(&field)) {
                return;
            }
            if let Some(storage) = &storage {
                let _ = storage.set_item(KEY, &field.id());
            }
            let _ = owner.request_submit();
        });
    }
    #[cfg(not(feature = "hydrate"))]
    let _ = form;
}

/// Calls `changed` with the field of the page whose value a person changed (a `change` event
/// anywhere on the page), for as long as the island calling it lives. In the browser only.
#[cfg(feature = "hydrate")]
pub fn on_field_change(changed: impl Fn(web_sys::Element) + 'static) {
    use wasm_bindgen::JsCast;
    let handle = window_event_listener(leptos::ev::change, move |ev| {
        if let Some(field) = ev
            .target()
            .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        {
            changed(field);
        }
    });
    on_cleanup(move || handle.remove());
}
