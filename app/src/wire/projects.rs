//! Wire types of projects: what the pages show, and the forms as typed with their parsers.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::format::fill;
use crate::domain::{
    dates::parse_form_date,
    email::Email,
    identity::Sector,
    projects::{EndorsementPolicy, ProjectRole},
    request_fields::ProjectTitle,
    slug::Slug,
    tenancy::TenantRole,
};
use crate::error::{AppError, FieldErrors};
use crate::i18n::td_string;

/// A project as the list shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectSummary {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub sector: Sector,
    /// `YYYY-MM-DD`; the end is the first day no longer in the project, if any.
    pub start_date: String,
    pub end_date: Option<String>,
    pub lead_name: Option<String>,
    /// The viewer's role in it, if they belong to it.
    pub your_role: Option<ProjectRole>,
    pub members: i64,
    /// Requests in progress (submitted, endorsed, sent back) and granted quotas.
    pub open_requests: i64,
    pub quotas: i64,
    pub archived: bool,
}

/// The projects page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectsView {
    pub projects: Vec<ProjectSummary>,
    /// Owners create projects and choose who endorses.
    pub may_create: bool,
    pub endorsement: EndorsementPolicy,
    /// A member sees only their projects: the page says so.
    pub only_yours: bool,
    /// The viewer's role in the organisation (owners and auditors see every project).
    pub tenant_role: TenantRole,
}

/// A person of a project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectMemberView {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: ProjectRole,
    pub is_you: bool,
}

/// A member of the tenant who could join the project.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Candidate {
    pub user_id: i64,
    pub name: String,
    pub email: String,
}

/// One project's page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectDetail {
    pub summary: ProjectSummary,
    pub description: String,
    pub members: Vec<ProjectMemberView>,
    /// The viewer may edit it and change its members (owners, its lead).
    pub may_manage: bool,
    /// The viewer may ask for GPUs in it (owners, its lead and members).
    pub may_request: bool,
    /// Tenant members not in the project yet (for the add form; empty unless `may_manage`).
    pub candidates: Vec<Candidate>,
    /// The viewer's role in the organisation.
    pub tenant_role: TenantRole,
}

/// A project the request form offers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectOption {
    pub id: i64,
    pub code: String,
    pub title: String,
}

/// A project's fields as typed in its form.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectForm {
    pub code: String,
    pub title: String,
    pub description: String,
    pub sector: String,
    pub start_date: String,
    pub end_date: String,
}

/// A project's fields, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProjectFields {
    pub code: Slug,
    pub title: ProjectTitle,
    pub description: String,
    pub sector: Sector,
    pub start: Date,
    pub end: Option<Date>,
}

/// The longest description kept.
pub const DESCRIPTION_MAX_CHARS: usize = 4000;

impl ProjectForm {
    /// Every field's error at once.
    pub fn parse(&self) -> Result<ProjectFields, AppError> {
        let locale = crate::locale::current();
        let mut errors = FieldErrors::default();
        let code = errors.check(
            "code",
            Slug::parse(&self.code).map_err(|e| {
                e.replace("A short name", "A project's short name")
                    .replace("Un nom court", "Le nom court d'un projet")
            }),
        );
        let title = errors.check("title", ProjectTitle::parse(&self.title));
        let description = self.description.trim().replace("\r\n", "\n");
        let chars = description.chars().count();
        if chars > DESCRIPTION_MAX_CHARS {
            errors.add(
                "description",
                fill(
                    td_string!(locale, validation.project_description_too_long),
                    &[("max", &DESCRIPTION_MAX_CHARS), ("chars", &chars)],
                ),
            );
        }
        let sector = errors.check("sector", Sector::parse(&self.sector));
        let start = errors.check("start_date", parse_form_date(&self.start_date, "start"));
        let end = if self.end_date.trim().is_empty() {
            Some(None)
        } else {
            errors
                .check("end_date", parse_form_date(&self.end_date, "end"))
                .map(Some)
        };
        if let (Some(start), Some(Some(end))) = (start, end) {
            if end <= start {
                errors.add(
                    "end_date",
                    td_string!(locale, validation.project_end_before_start),
                );
            }
        }
        errors.into_result(|| {
            Some(ProjectFields {
                code: code?,
                title: title?,
                description,
                sector: sector?,
                start: start?,
                end: end?,
            })
        })
    }
}

/// Someone to add to a project, with a role, as typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewProjectMember {
    pub email: Email,
    pub role: ProjectRole,
}

impl NewProjectMember {
    /// Every field's error at once.
    pub fn parse(email: &str, role: &str) -> Result<Self, AppError> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", Email::parse(email));
        let role = errors.check("role", ProjectRole::parse(role));
        errors.into_result(|| {
            Some(Self {
                email: email?,
                role: role?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form() -> ProjectForm {
        ProjectForm {
            code: "climate-llm".into(),
            title: "Climate language models".into(),
            description: "Fine-tuning on IPCC reports.".into(),
            sector: "research".into(),
            start_date: "2027-01-01".into(),
            end_date: "".into(),
        }
    }

    #[test]
    fn a_complete_form_parses_and_an_empty_end_is_open_ended() {
        let fields = form().parse().unwrap();
        assert_eq!(fields.code.as_str(), "climate-llm");
        assert_eq!(fields.end, None);
    }

    #[test]
    fn every_wrong_field_is_reported_at_once() {
        let bad = ProjectForm {
            code: "Climate LLM".into(),
            title: "x".into(),
            description: "y".repeat(DESCRIPTION_MAX_CHARS + 1),
            sector: "space".into(),
            start_date: "soon".into(),
            end_date: "later".into(),
        };
        let fields: Vec<String> = bad
            .parse()
            .unwrap_err()
            .field_errors()
            .into_iter()
            .map(|e| e.field)
            .collect();
        assert_eq!(
            fields,
            [
                "code",
                "title",
                "description",
                "sector",
                "start_date",
                "end_date"
            ]
        );
    }

    #[test]
    fn an_end_before_the_start_is_refused_beside_the_end() {
        let bad = ProjectForm {
            end_date: "2026-12-31".into(),
            ..form()
        };
        let error = bad.parse().unwrap_err();
        assert!(error
            .field_message("end_date")
            .unwrap()
            .contains("after the start"));
    }

    #[test]
    fn a_member_to_add_needs_an_address_and_a_project_role() {
        let error = NewProjectMember::parse("nobody", "boss").unwrap_err();
        assert!(error.field_message("email").is_some());
        assert!(error
            .field_message("role")
            .unwrap()
            .contains("lead, member or viewer"));
    }
}
