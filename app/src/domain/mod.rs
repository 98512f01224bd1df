//! Pure domain rules, compiled for the server and for the browser: no I/O, no
//! clock (callers pass the date). The browser uses them to explain a decision
//! at once; the server evaluates them again and never trusts the client.

/// Text escaped for HTML or XML (an element's text or a quoted attribute): what people typed
/// never becomes markup, in a chart's SVG, an e-mail's HTML part or an error page.
pub fn escape_markup(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// Implements `Display`, `TryFrom<String>` and `From<Self> for String` for a string newtype.
macro_rules! string_newtype_conversions {
    ($($name:ident),+) => {$(
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(&self.0)
            }
        }

        impl TryFrom<String> for $name {
            type Error = String;

            fn try_from(raw: String) -> Result<Self, Self::Error> {
                Self::parse(&raw)
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                value.0
            }
        }
    )+};
}

pub mod api_tokens;
pub mod capacity;
pub mod catalogue;
pub mod country;
pub mod dates;
pub mod email;
pub mod federation;
pub mod format;
pub mod identity;
pub mod labels;
pub mod lifecycle;
pub mod mail;
pub mod next_page;
pub mod password;
pub mod projects;
pub mod request_fields;
pub mod residency;
pub mod review;
pub mod scheduler;
pub mod second_factor;
pub mod slug;
pub mod step_words;
pub mod tenancy;
pub mod usage;
