//! Wire types of a request's review conversation: the thread and attachments the page shows, the
//! comment form as typed with its parser, and the upload's outcomes a plain form post is sent
//! back with.

use serde::{Deserialize, Serialize};

use crate::domain::review::{AttachmentKind, CommentBody};
use crate::error::{AppError, FieldErrors};
use crate::i18n::td_string;

/// One comment as the page shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentItem {
    pub id: i64,
    pub author_name: String,
    /// Whether a platform admin (a reviewer of the portal) wrote it.
    pub by_reviewer: bool,
    pub body: String,
    /// When, in words ("5 minutes ago"), and the exact instant for the `title` ("2026-12-05 14:05 UTC").
    pub when: String,
    pub at: String,
}

/// One attached document as the page lists it (never its bytes).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AttachmentItem {
    pub id: i64,
    pub file_name: String,
    pub kind: AttachmentKind,
    /// "2.4 MB".
    pub size: String,
    pub uploader_name: String,
    pub when: String,
    pub at: String,
}

/// A request's conversation: comments oldest first, attachments, and whether the viewer may write.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReviewThread {
    pub request_id: i64,
    pub comments: Vec<CommentItem>,
    pub attachments: Vec<AttachmentItem>,
    pub may_post: bool,
}

/// The comment form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CommentForm {
    pub id: String,
    pub body: String,
}

impl CommentForm {
    /// The request and the comment, every field's error at once.
    pub fn parse(&self) -> Result<(i64, CommentBody), AppError> {
        let mut errors = FieldErrors::default();
        let id = self.id.trim().parse::<i64>().ok().filter(|id| *id > 0);
        if id.is_none() {
            // A forged or broken form: the request it names does not exist.
            return Err(AppError::NotFound);
        }
        let body = errors.check("body", CommentBody::parse(&self.body));
        errors.into_result(|| Some((id?, body?)))
    }
}

/// Why an upload sent from a plain form did not go through: the page it is sent back to names it
/// in the query (`?upload=not_pdf`) and shows the sentence beside the file field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UploadOutcome {
    Done,
    NoFile,
    NotPdf,
    TooLarge,
    BadKind,
    Unreadable,
}

impl UploadOutcome {
    pub const ALL: [Self; 6] = [
        Self::Done,
        Self::NoFile,
        Self::NotPdf,
        Self::TooLarge,
        Self::BadKind,
        Self::Unreadable,
    ];

    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Done => "done",
            Self::NoFile => "no_file",
            Self::NotPdf => "not_pdf",
            Self::TooLarge => "too_large",
            Self::BadKind => "bad_kind",
            Self::Unreadable => "unreadable",
        }
    }

    pub fn parse(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.as_str() == name)
    }

    /// The field it is about (`file` or `kind`), for a problem.
    pub const fn field(self) -> &'static str {
        match self {
            Self::BadKind => "kind",
            _ => "file",
        }
    }

    /// A sentence for people.
    pub fn message(self) -> String {
        let locale = crate::locale::current();
        match self {
            Self::Done => td_string!(locale, validation.upload_done).to_owned(),
            Self::NoFile => td_string!(locale, validation.pdf_missing).to_owned(),
            Self::NotPdf => td_string!(locale, validation.pdf_not_pdf).to_owned(),
            Self::TooLarge => crate::domain::review::too_large_message(),
            Self::BadKind => td_string!(locale, validation.upload_bad_kind).to_owned(),
            Self::Unreadable => td_string!(locale, validation.upload_unreadable).to_owned(),
        }
    }

    /// The problem a validation error of the upload is (`None` for success or another error).
    pub fn of_error(e: &AppError) -> Option<Self> {
        match e {
            AppError::PayloadTooLarge { .. } => Some(Self::TooLarge),
            AppError::Validation { field, message, .. } => Some(match field.as_str() {
                "kind" => Self::BadKind,
                // The messages of `domain::review::check_pdf`, in the language being written.
                _ if *message == Self::TooLarge.message() => Self::TooLarge,
                _ if *message == Self::NoFile.message() => Self::NoFile,
                _ if *message == Self::NotPdf.message() => Self::NotPdf,
                _ => Self::Unreadable,
            }),
            AppError::BadRequest { .. } => Some(Self::Unreadable),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_comment_form_names_its_field_in_words() {
        let form = CommentForm {
            id: "12".into(),
            body: "  ".into(),
        };
        let e = form.parse().unwrap_err();
        assert!(e.field_message("body").unwrap().contains("write a comment"));
        let ok = CommentForm {
            id: "12".into(),
            body: " Attached the DPIA. ".into(),
        };
        assert_eq!(ok.parse().unwrap().1.as_str(), "Attached the DPIA.");
        let forged = CommentForm {
            id: "x".into(),
            body: "hi".into(),
        };
        assert_eq!(forged.parse().unwrap_err(), AppError::NotFound);
    }

    #[test]
    fn upload_outcomes_read_back_and_come_from_their_errors() {
        for o in UploadOutcome::ALL {
            assert_eq!(UploadOutcome::parse(o.as_str()), Some(o));
            assert!(!o.message().is_empty());
        }
        assert_eq!(UploadOutcome::parse("<script>"), None);
        let not_pdf = crate::domain::review::check_pdf(Some("text/plain"), b"hello").unwrap_err();
        assert_eq!(
            UploadOutcome::of_error(&AppError::validation("file", not_pdf)),
            Some(UploadOutcome::NotPdf)
        );
        let big = crate::domain::review::too_large_message();
        assert_eq!(
            UploadOutcome::of_error(&AppError::validation("file", big)),
            Some(UploadOutcome::TooLarge)
        );
        assert_eq!(UploadOutcome::of_error(&AppError::NotFound), None);
    }
}
