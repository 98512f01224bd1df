//! The review conversation on a request (issue 12, point 2): who may take part, a comment's text,
//! and the PDF attachments reviewers need as evidence (their kind, name, size and content check).
//! Pure rules: the server applies them (`crate::server::review`), the page uses the labels.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use crate::i18n::{td_string, Locale};

use super::format::fill;
use super::lifecycle::{named_enum, unknown_name, Role};
use super::projects::ProjectRights;

/// Whether someone acting in the request's tenant may write in its conversation (comment or
/// attach): tenant owners, the project's lead and members, and the requester; not its viewers,
/// not auditors (they read). Platform admins always may (decided by the caller).
pub const fn may_take_part(rights: ProjectRights, is_requester: bool) -> bool {
    match rights.tenant_role {
        Role::Auditor => false,
        _ => is_requester || rights.may_request(),
    }
}

// ---------------------------------------------------------------------------------------------
// Comments
// ---------------------------------------------------------------------------------------------

/// A comment's text: trimmed, 1 to [`CommentBody::MAX_CHARS`] characters.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct CommentBody(String);

impl CommentBody {
    /// The longest comment, in characters.
    pub const MAX_CHARS: usize = 5_000;

    /// Checks a comment as typed.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let text = raw.trim();
        let chars = text.chars().count();
        let locale = crate::locale::current();
        if chars == 0 {
            return Err(td_string!(locale, validation.comment_missing).to_owned());
        }
        if chars > Self::MAX_CHARS {
            return Err(fill(
                td_string!(locale, validation.comment_too_long),
                &[
                    ("max", &with_thousands(locale, Self::MAX_CHARS)),
                    ("chars", &with_thousands(locale, chars)),
                ],
            ));
        }
        Ok(Self(text.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype_conversions!(CommentBody);

// ---------------------------------------------------------------------------------------------
// Attachments
// ---------------------------------------------------------------------------------------------

named_enum! {
    /// What an attached document is, for the reviewer.
    pub enum AttachmentKind ("kind of document") {
        /// A data protection impact assessment (GDPR art. 35).
        Dpia => "dpia", "Data protection impact assessment";
        /// An ethics committee's approval.
        EthicsApproval => "ethics_approval", "Ethics approval";
        /// A hosting contract (such as an HDS-certified host's, for health data).
        HostingContract => "hosting_contract", "Hosting contract";
        /// Anything else a reviewer asked for.
        Other => "other", "Other document";
    }
}

/// The largest attachment: 10 MB (10 × 1024 × 1024 bytes).
pub const MAX_ATTACHMENT_BYTES: usize = 10 * 1024 * 1024;

/// An uploaded file's name as shown on the page: the last part of what the browser sent (no
/// folders), without control characters, at most [`FileName::MAX_CHARS`] characters. The download
/// never uses it in a header (see the server), so it only has to read well.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct FileName(String);

impl FileName {
    pub const MAX_CHARS: usize = 120;

    /// The name to show for what the browser sent; "document.pdf" when nothing usable is left.
    pub fn parse(raw: &str) -> Result<Self, String> {
        let last = raw.rsplit(['/', '\\']).next().unwrap_or("");
        let clean: String = last
            .chars()
            .filter(|c| !c.is_control())
            .collect::<String>()
            .trim()
            .chars()
            .take(Self::MAX_CHARS)
            .collect();
        if clean.is_empty() || clean.chars().all(|c| c == '.') {
            return Ok(Self("document.pdf".to_owned()));
        }
        Ok(Self(clean))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

string_newtype_conversions!(FileName);

/// Checks an uploaded file: declared as a PDF (`application/pdf`), not empty, at most
/// [`MAX_ATTACHMENT_BYTES`], and starting with the PDF signature `%PDF-`. The message is the
/// field's error in words.
pub fn check_pdf(declared_type: Option<&str>, bytes: &[u8]) -> Result<(), String> {
    if bytes.is_empty() {
        return Err(td_string!(crate::locale::current(), validation.pdf_missing).to_owned());
    }
    if bytes.len() > MAX_ATTACHMENT_BYTES {
        return Err(too_large_message());
    }
    let declared_pdf = declared_type
        .and_then(|t| t.split(';').next())
        .is_some_and(|t| t.trim().eq_ignore_ascii_case("application/pdf"));
    if !declared_pdf || !bytes.starts_with(b"%PDF-") {
        return Err(td_string!(crate::locale::current(), validation.pdf_not_pdf).to_owned());
    }
    Ok(())
}

/// The error of a file over [`MAX_ATTACHMENT_BYTES`].
pub fn too_large_message() -> String {
    td_string!(crate::locale::current(), validation.pdf_too_large).to_owned()
}

/// A size for people: "820 bytes", "14 KB", "2.4 MB" (units of 1024).
pub fn size_in_words(bytes: i64) -> String {
    size_in_words_in(crate::locale::current(), bytes)
}

/// A size in `locale`: "2,4 Mo", "2.4 MB".
pub fn size_in_words_in(locale: Locale, bytes: i64) -> String {
    const KB: i64 = 1024;
    const MB: i64 = 1024 * 1024;
    match bytes {
        b if b < KB => fill(td_string!(locale, validation.size_bytes), &[("n", &b)]),
        b if b < MB => fill(
            td_string!(locale, validation.size_kb),
            &[("n", &((b + KB / 2) / KB))],
        ),
        b => {
            let tenths = (b * 10 + MB / 2) / MB;
            let point = match locale {
                Locale::fr => ',',
                Locale::en => '.',
            };
            let n = format!("{}{point}{}", tenths / 10, tenths % 10);
            fill(td_string!(locale, validation.size_mb), &[("n", &n)])
        }
    }
}

/// How long ago `then` was at `now` (Unix seconds), in words: "just now", "5 minutes ago",
/// "3 hours ago", "yesterday", "4 days ago", then the day: "on 3 November 2026".
pub fn ago_in_words(then: i64, now: i64) -> String {
    let locale = crate::locale::current();
    let secs = now.saturating_sub(then).max(0);
    let plural = |n: i64, singular: &str, plural: &str| {
        if n == 1 {
            singular.to_owned()
        } else {
            fill(plural, &[("n", &n)])
        }
    };
    match secs {
        s if s < 60 => td_string!(locale, validation.ago_just_now).to_owned(),
        s if s < 3_600 => plural(
            s / 60,
            td_string!(locale, validation.ago_minute_singular),
            td_string!(locale, validation.ago_minute_plural),
        ),
        s if s < 86_400 => plural(
            s / 3_600,
            td_string!(locale, validation.ago_hour_singular),
            td_string!(locale, validation.ago_hour_plural),
        ),
        s if s < 2 * 86_400 => td_string!(locale, validation.ago_yesterday).to_owned(),
        s if s < 7 * 86_400 => plural(
            s / 86_400,
            td_string!(locale, validation.ago_day_singular),
            td_string!(locale, validation.ago_day_plural),
        ),
        _ => time::OffsetDateTime::from_unix_timestamp(then)
            .map(|t| {
                let day = match locale {
                    Locale::en => format!("{} {} {}", t.day(), t.month(), t.year()),
                    Locale::fr => super::format::date(locale, t.date()),
                };
                fill(td_string!(locale, validation.ago_on_day), &[("day", &day)])
            })
            .unwrap_or_default(),
    }
}

/// 5000 → "5,000" ("5 000" in French).
fn with_thousands(locale: Locale, n: usize) -> String {
    super::format::integer(locale, i64::try_from(n).unwrap_or(i64::MAX))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::projects::ProjectRole;

    #[test]
    fn owners_leads_members_and_the_requester_take_part_viewers_and_auditors_read() {
        let rights = |role, project| ProjectRights::new(role, project);
        assert!(may_take_part(rights(Role::Owner, None), false));
        assert!(may_take_part(
            rights(Role::Member, Some(ProjectRole::Lead)),
            false
        ));
        assert!(may_take_part(
            rights(Role::Member, Some(ProjectRole::Member)),
            false
        ));
        assert!(!may_take_part(
            rights(Role::Member, Some(ProjectRole::Viewer)),
            false
        ));
        assert!(!may_take_part(rights(Role::Member, None), false));
        assert!(!may_take_part(rights(Role::Auditor, None), false));
        // The requester keeps their voice if they became a viewer of the project meanwhile.
        assert!(may_take_part(
            rights(Role::Member, Some(ProjectRole::Viewer)),
            true
        ));
        assert!(!may_take_part(rights(Role::Auditor, None), true));
    }

    #[test]
    fn a_comment_is_trimmed_and_one_to_five_thousand_characters() {
        assert_eq!(
            CommentBody::parse("  Looks fine.\n").unwrap().as_str(),
            "Looks fine."
        );
        assert!(CommentBody::parse(" \n\t ")
            .unwrap_err()
            .contains("write a comment"));
        let longest = "é".repeat(5_000);
        assert_eq!(CommentBody::parse(&longest).unwrap().as_str(), longest);
        let e = CommentBody::parse(&"a".repeat(5_001)).unwrap_err();
        assert!(
            e.contains("at most 5,000 characters") && e.contains("5,001"),
            "{e}"
        );
    }

    #[test]
    fn only_a_declared_pdf_with_the_signature_passes() {
        let pdf = b"%PDF-1.7\n...";
        assert!(check_pdf(Some("application/pdf"), pdf).is_ok());
        assert!(check_pdf(Some("Application/PDF; charset=binary"), pdf).is_ok());
        assert!(check_pdf(Some("text/html"), pdf)
            .unwrap_err()
            .contains("not a PDF"));
        assert!(check_pdf(None, pdf).is_err());
        assert!(check_pdf(Some("application/pdf"), b"<html><script>")
            .unwrap_err()
            .contains("not a PDF"));
        assert!(check_pdf(Some("application/pdf"), b"")
            .unwrap_err()
            .contains("choose"));
    }

    #[test]
    fn ten_megabytes_is_the_most() {
        let mut big = b"%PDF-".to_vec();
        big.resize(MAX_ATTACHMENT_BYTES, b' ');
        assert!(check_pdf(Some("application/pdf"), &big).is_ok());
        big.push(b' ');
        assert!(check_pdf(Some("application/pdf"), &big)
            .unwrap_err()
            .contains("larger than 10 MB"));
    }

    #[test]
    fn a_file_name_keeps_its_last_part_without_control_characters() {
        assert_eq!(
            FileName::parse("C:\\Users\\x\\DPIA v2.pdf")
                .unwrap()
                .as_str(),
            "DPIA v2.pdf"
        );
        assert_eq!(
            FileName::parse("../../etc/ethics.pdf").unwrap().as_str(),
            "ethics.pdf"
        );
        assert_eq!(FileName::parse("a\r\nb.pdf").unwrap().as_str(), "ab.pdf");
        assert_eq!(FileName::parse("").unwrap().as_str(), "document.pdf");
        assert_eq!(FileName::parse("..").unwrap().as_str(), "document.pdf");
        assert_eq!(
            FileName::parse(&"x".repeat(500)).unwrap().as_str().len(),
            120
        );
    }

    #[test]
    fn sizes_and_ages_read_as_words() {
        assert_eq!(size_in_words(820), "820 bytes");
        assert_eq!(size_in_words(14 * 1024), "14 KB");
        assert_eq!(size_in_words(2_516_582), "2.4 MB");
        let now = 1_796_000_000;
        assert_eq!(ago_in_words(now - 5, now), "just now");
        assert_eq!(ago_in_words(now - 60, now), "1 minute ago");
        assert_eq!(ago_in_words(now - 5 * 60, now), "5 minutes ago");
        assert_eq!(ago_in_words(now - 3 * 3_600, now), "3 hours ago");
        assert_eq!(ago_in_words(now - 30 * 3_600, now), "yesterday");
        assert_eq!(ago_in_words(now - 4 * 86_400, now), "4 days ago");
        assert_eq!(ago_in_words(1_793_750_400, now), "on 4 November 2026");
        // A clock a little behind the database's: never "in the future".
        assert_eq!(ago_in_words(now + 3, now), "just now");
    }

    #[test]
    fn kinds_read_back_from_their_stored_names() {
        for kind in AttachmentKind::ALL {
            assert_eq!(AttachmentKind::parse(kind.as_str()), Ok(*kind));
        }
        assert!(AttachmentKind::parse("exe")
            .unwrap_err()
            .contains("kind of document"));
    }
}
