//! An outbox message as the e-mail people receive: a plain-text part and an HTML part with the
//! same words, in the portal's voice, and a footer that says why it came and how to change that.
//! Pure functions, tested here.

use crate::domain::escape_markup as escape;
use crate::domain::format::fill;
use crate::domain::mail::MailCategory;
use crate::i18n::{td_string, Locale};

/// The two bodies of one e-mail.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Bodies {
    pub text: String,
    pub html: String,
}

/// Why the person got this e-mail, and what they can do about it.
fn footer(locale: Locale, category: MailCategory, account_url: &str) -> String {
    match category {
        MailCategory::Security => fill(
            td_string!(locale, mail.footer_security),
            &[("url", &account_url)],
        ),
        MailCategory::Account => td_string!(locale, mail.footer_account).to_owned(),
        MailCategory::Digest => fill(
            td_string!(locale, mail.footer_digest),
            &[("url", &account_url)],
        ),
        other => fill(
            td_string!(locale, mail.footer_choosable),
            &[("category", &other.label_in(locale)), ("url", &account_url)],
        ),
    }
}

/// The e-mail for `body` in `category` to a person reading `locale`; `public_url` is where people
/// reach the portal.
pub fn compose(locale: Locale, category: MailCategory, body: &str, public_url: &str) -> Bodies {
    let account_url = format!("{}/account", public_url.trim_end_matches('/'));
    let footer = footer(locale, category, &account_url);
    let text = format!("{}\n\n-- \n{footer}\n", body.trim_end());
    let lang = if locale == Locale::fr { "fr" } else { "en" };
    let mut html = format!("<!doctype html><html lang=\"{lang}\">");
    html.push_str(
        "<head><meta charset=\"utf-8\"><title>Guichet</title></head>\
         <body style=\"font-family:system-ui,sans-serif;line-height:1.5;color:#1b1f24;max-width:40em\">\
         <p style=\"font-weight:600;color:#1d3c78\">Guichet</p>",
    );
    for paragraph in body.trim().split("\n\n") {
        html.push_str("<p>");
        html.push_str(&linked(paragraph).replace('\n', "<br>"));
        html.push_str("</p>");
    }
    html.push_str("<hr><p style=\"font-size:0.875em;color:#4a5360\">");
    html.push_str(&linked(&footer));
    html.push_str("</p></body></html>");
    Bodies { text, html }
}

/// `s` escaped for HTML, with each `http://` or `https://` word made a link.
fn linked(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 16);
    let mut word = String::new();
    let flush = |word: &mut String, out: &mut String| {
        if word.is_empty() {
            return;
        }
        let trimmed = word.trim_end_matches(['.', ',', ';', ')', '”']);
        let tail = &word[trimmed.len()..];
        if trimmed.starts_with("https://") || trimmed.starts_with("http://") {
            let href = escape(trimmed);
            out.push_str(&format!("<a href=\"{href}\">{href}</a>"));
            out.push_str(&escape(tail));
        } else {
            out.push_str(&escape(word));
        }
        word.clear();
    };
    for c in s.chars() {
        if c.is_whitespace() {
            flush(&mut word, &mut out);
            out.push(c);
        } else {
            word.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_parts_say_the_same_and_why_it_came() {
        let b = compose(
            Locale::en,
            MailCategory::Quotas,
            "Quota #4 ends in 7 days.",
            "https://guichet.example.fr/",
        );
        assert!(b.text.starts_with("Quota #4 ends in 7 days.\n"));
        assert!(b.html.contains("<p>Quota #4 ends in 7 days.</p>"));
        for part in [&b.text, &b.html] {
            assert!(part.contains("https://guichet.example.fr/account"));
            assert!(part.contains("daily digest or never"));
        }
    }

    #[test]
    fn the_html_part_escapes_what_people_typed_and_links_addresses() {
        let b = compose(
            Locale::en,
            MailCategory::Requests,
            "Comment: <script>alert(1)</script> & see https://x.example/r/4.",
            "http://127.0.0.1:3000",
        );
        assert!(!b.html.contains("<script>"));
        assert!(b
            .html
            .contains("&lt;script&gt;alert(1)&lt;/script&gt; &amp; see"));
        assert!(b
            .html
            .contains("<a href=\"https://x.example/r/4\">https://x.example/r/4</a>."));
        // The text part is the words as they are.
        assert!(b.text.contains("<script>alert(1)</script>"));
    }

    #[test]
    fn security_mail_says_it_cannot_be_turned_off() {
        let b = compose(
            Locale::en,
            MailCategory::Security,
            "Someone tried.",
            "http://h",
        );
        assert!(b.text.contains("always sent"));
    }

    #[test]
    fn paragraphs_and_lines_survive() {
        let b = compose(
            Locale::en,
            MailCategory::Account,
            "One\ntwo\n\nThree",
            "http://h",
        );
        assert!(b.html.contains("<p>One<br>two</p><p>Three</p>"));
    }
}
