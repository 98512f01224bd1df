//! What a refused plain form held, put back into the page it returns to.
//!
//! Leptos answers a refused plain post with a redirect to its page, the refusal in the address,
//! and the page is drawn afresh: its fields as the server fills them, so what the person typed
//! would be lost. The layer keeps the fields that were sent (never a secret: passwords, codes,
//! tokens), and here the page's HTML gets them back, in the form that posts to the same function
//! (where several forms share it, the one whose `_form` was sent): each field's value, each
//! select's choice, each box's tick and each text area's text are the person's again. Hidden
//! fields keep the server's values. A form's `_form` field comes first in it.

use std::{cell::RefCell, collections::HashMap, rc::Rc};

use lol_html::{element, end_tag, html_content::ContentType, rewrite_str, RewriteStrSettings};

/// The most fields, and the longest value, kept of one form.
const MAX_FIELDS: usize = 200;
const MAX_VALUE_BYTES: usize = 20_000;

/// Whether a field holds a secret: it is never kept, so never stored nor given back.
pub fn is_secret(name: &str) -> bool {
    name.ends_with("password") || name == "code" || name == "token" || name.contains("secret")
}

/// The fields of an url-encoded form worth giving back to the person: not the secrets, nor the
/// page's own fields (`_form`, starting with `_`), in the order sent.
pub fn kept_fields(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body)
        .filter(|(name, value)| {
            !is_secret(name) && !name.starts_with('_') && value.len() <= MAX_VALUE_BYTES
        })
        .take(MAX_FIELDS)
        .map(|(name, value)| (name.into_owned(), value.into_owned()))
        .collect()
}

/// The form being read and what of it was filled.
#[derive(Default)]
struct State {
    /// Inside the form sent (until its `_form`, if it has one, says it is another).
    filling: bool,
    /// The name of the select being read.
    select: Option<String>,
    /// How many values of each name were given back (a name sent several times fills its fields
    /// in order).
    used: HashMap<String, usize>,
}

/// `html` with `fields` put back into the form that posts to `action` (and whose `_form` is
/// `form`, when one was sent); `None` when the page could not be read as HTML.
pub fn refill(
    html: &str,
    action: &str,
    form: Option<&str>,
    fields: &[(String, String)],
) -> Option<String> {
    let state = Rc::new(RefCell::new(State::default()));
    let sent = |name: &str| fields.iter().any(|(n, _)| n == name);
    let sent_pair = |name: &str, value: &str| fields.iter().any(|(n, v)| n == name && v == value);
    let nth = |name: &str, n: usize| {
        fields
            .iter()
            .filter(|(field, _)| field == name)
            .nth(n)
            .map(|(_, v)| v.as_str())
    };
    let (on_form, on_input, on_select, on_option, on_textarea) = (
        state.clone(),
        state.clone(),
        state.clone(),
        state.clone(),
        state,
    );
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("form", move |el| {
            let posts_here = el.get_attribute("action").as_deref() == Some(action);
            on_form.borrow_mut().filling = posts_here;
            if posts_here {
                let state = on_form.clone();
                el.on_end_tag(end_tag!(move |_| {
                    state.borrow_mut().filling = false;
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("input[name]", move |el| {
            let mut state = on_input.borrow_mut();
            if !state.filling {
                return Ok(());
            }
            let name = el.get_attribute("name").unwrap_or_default();
            let kind = el
                .get_attribute("type")
                .unwrap_or_default()
                .to_ascii_lowercase();
            if name == "_form" {
                state.filling = el.get_attribute("value").as_deref() == form;
                return Ok(());
            }
            if is_secret(&name) {
                return Ok(());
            }
            match kind.as_str() {
                "hidden" | "password" | "file" | "submit" | "button" | "reset" | "image" => {}
                // A box left unticked is not sent at all.
                "checkbox" | "radio" => {
                    let value = el.get_attribute("value").unwrap_or_else(|| "on".into());
                    if sent_pair(&name, &value) {
                        el.set_attribute("checked", "")?;
                    } else {
                        el.remove_attribute("checked");
                    }
                }
                _ if !sent(&name) => {}
                _ => {
                    let n = state.used.entry(name.clone()).or_default();
                    if let Some(value) = nth(&name, *n) {
                        // lol_html writes an attribute's value as given, but for its quotes.
                        el.set_attribute("value", &value.replace('&', "&amp;"))?;
                    }
                    *n += 1;
                }
            }
            Ok(())
        }))
        .append_element_content_handler(element!("select[name]", move |el| {
            let filling = on_select.borrow().filling;
            let name = el.get_attribute("name").unwrap_or_default();
            if filling && sent(&name) {
                on_select.borrow_mut().select = Some(name);
                let state = on_select.clone();
                el.on_end_tag(end_tag!(move |_| {
                    state.borrow_mut().select = None;
                    Ok(())
                }))?;
            }
            Ok(())
        }))
        .append_element_content_handler(element!("option[value]", move |el| {
            let state = on_option.borrow();
            let Some(name) = state.select.as_deref() else {
                return Ok(());
            };
            let value = el.get_attribute("value").unwrap_or_default();
            if sent_pair(name, &value) {
                el.set_attribute("selected", "")?;
            } else {
                el.remove_attribute("selected");
            }
            Ok(())
        }))
        .append_element_content_handler(element!("textarea[name]", move |el| {
            let mut state = on_textarea.borrow_mut();
            let name = el.get_attribute("name").unwrap_or_default();
            if !state.filling || !sent(&name) {
                return Ok(());
            }
            let n = state.used.entry(name.clone()).or_default();
            if let Some(value) = nth(&name, *n) {
                el.set_inner_content(value, ContentType::Text);
            }
            *n += 1;
            Ok(())
        }));
    rewrite_str(html, settings).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn fields(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(n, v)| ((*n).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn secrets_and_the_pages_own_fields_are_never_kept() {
        let kept = kept_fields(
            b"email=a%40b.test&password=hunter2&new_password=x&code=123456&token=t&_form=f&note=Hello+there",
        );
        assert_eq!(
            kept,
            fields(&[("email", "a@b.test"), ("note", "Hello there")])
        );
    }

    #[test]
    fn the_form_sent_gets_its_fields_back_and_no_other_form_does() {
        let page = r#"<form action="/api/save" method="post"><input name="title" value=""><input type="password" name="password"><input type="hidden" name="id" value="7"><select name="model"><option value="h100" selected>H100</option><option value="h200">H200</option></select><input type="checkbox" name="waiver" value="true" checked><textarea name="why"></textarea></form><form action="/api/other" method="post"><input name="title" value=""></form>"#;
        let sent = fields(&[
            ("title", "Protein <folding> & \"more\""),
            ("password", "never"),
            ("id", "8"),
            ("model", "h200"),
            ("why", "Because </textarea><script>"),
        ]);
        let out = refill(page, "/api/save", None, &sent).unwrap();
        assert!(
            out.contains(
                r#"<input name="title" value="Protein <folding> &amp; &quot;more&quot;">"#
            ),
            "{out}"
        );
        assert!(
            out.contains(r#"<input type="password" name="password">"#),
            "{out}"
        );
        assert!(
            out.contains(r#"name="id" value="7""#),
            "hidden fields keep the server's value: {out}"
        );
        assert!(
            out.contains(r#"<option value="h100">H100</option><option value="h200" selected="">"#),
            "{out}"
        );
        assert!(
            out.contains(r#"name="waiver" value="true">"#),
            "an unticked box comes back unticked: {out}"
        );
        assert!(
            out.contains(
                "<textarea name=\"why\">Because &lt;/textarea&gt;&lt;script&gt;</textarea>"
            ),
            "{out}"
        );
        assert!(
            out.ends_with(
                r#"<form action="/api/other" method="post"><input name="title" value=""></form>"#
            ),
            "{out}"
        );
    }

    #[test]
    fn where_forms_share_a_function_only_the_one_sent_is_filled() {
        let page = r#"<form action="/api/decide"><input type="hidden" name="_form" value="decide-1"><input name="note" value=""></form><form action="/api/decide"><input type="hidden" name="_form" value="decide-2"><input name="note" value=""></form>"#;
        let out = refill(
            page,
            "/api/decide",
            Some("decide-2"),
            &fields(&[("note", "Later")]),
        )
        .unwrap();
        assert_eq!(
            out,
            r#"<form action="/api/decide"><input type="hidden" name="_form" value="decide-1"><input name="note" value=""></form><form action="/api/decide"><input type="hidden" name="_form" value="decide-2"><input name="note" value="Later"></form>"#
        );
    }
}
