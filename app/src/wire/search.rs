//! Wire types of the search: what was asked, and one section per kind of thing found.

use serde::{Deserialize, Serialize};

use crate::domain::lifecycle::RequestStatus;
use crate::error::AppError;

/// Rows shown per section; a section with more links to its list, filtered by the same words.
pub const SECTION_ROWS: usize = 8;

/// The shortest search: one letter finds half the portal.
pub const MIN_QUERY_CHARS: usize = 2;
/// The longest search read.
pub const MAX_QUERY_CHARS: usize = 100;

/// Words typed in the search box, trimmed, between [`MIN_QUERY_CHARS`] and [`MAX_QUERY_CHARS`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchWords(String);

impl SearchWords {
    pub fn parse(raw: &str) -> Result<Self, AppError> {
        let words = raw.trim();
        let n = words.chars().count();
        if n < MIN_QUERY_CHARS {
            return Err(AppError::validation(
                "q",
                crate::domain::format::fill(
                    crate::i18n::td_string!(crate::locale::current(), validation.search_too_short),
                    &[("min", &MIN_QUERY_CHARS)],
                ),
            ));
        }
        if n > MAX_QUERY_CHARS || words.chars().any(char::is_control) {
            return Err(AppError::validation(
                "q",
                crate::domain::format::fill(
                    crate::i18n::td_string!(crate::locale::current(), validation.search_too_long),
                    &[("max", &MAX_QUERY_CHARS)],
                ),
            ));
        }
        Ok(Self(words.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A request found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundRequest {
    pub id: i64,
    pub project_title: String,
    pub status: RequestStatus,
    pub site_name: String,
    pub gpu_model: String,
    pub gpus: i64,
    /// The organisation's name (shown to platform admins).
    pub tenant_name: Option<String>,
}

/// A project found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundProject {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub lead_name: Option<String>,
}

/// A site of the catalogue found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundSite {
    pub slug: String,
    pub name: String,
    pub country: String,
    pub operator: String,
}

/// A person found.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FoundPerson {
    pub name: String,
    pub email: String,
    /// Their role in the organisation, or (for platform admins) their organisations.
    pub detail: String,
}

/// One kind of thing found: at most [`SECTION_ROWS`], and whether more matched.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Section<T> {
    pub rows: Vec<T>,
    pub more: bool,
}

impl<T> Section<T> {
    /// The first [`SECTION_ROWS`] of `rows` (read with one more, to know whether more exist).
    pub fn of(mut rows: Vec<T>) -> Self {
        let more = rows.len() > SECTION_ROWS;
        rows.truncate(SECTION_ROWS);
        Self { rows, more }
    }
}

/// What a search found, by kind; `projects` is `None` where the person has no projects to see
/// (platform admins act outside tenants).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub requests: Section<FoundRequest>,
    /// Whether the person searched every tenant (platform admins): "more requests" then leads
    /// to the admin queue, otherwise to the request list.
    pub all_tenants: bool,
    pub projects: Option<Section<FoundProject>>,
    pub sites: Section<FoundSite>,
    pub people: Section<FoundPerson>,
}

impl SearchResults {
    pub fn is_empty(&self) -> bool {
        self.requests.rows.is_empty()
            && self.projects.as_ref().is_none_or(|p| p.rows.is_empty())
            && self.sites.rows.is_empty()
            && self.people.rows.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_search_is_two_to_a_hundred_characters_on_one_line() {
        assert_eq!(SearchWords::parse("  gpu ").unwrap().as_str(), "gpu");
        assert!(SearchWords::parse("a").is_err());
        assert!(SearchWords::parse(&"x".repeat(101)).is_err());
        assert!(SearchWords::parse("a\nb").is_err());
        assert_eq!(
            SearchWords::parse(" ")
                .unwrap_err()
                .field_message("q")
                .as_deref(),
            Some("Type at least 2 letters to search.")
        );
    }

    #[test]
    fn a_section_keeps_its_first_rows_and_says_more_exist() {
        let s = Section::of((0..10).collect::<Vec<_>>());
        assert_eq!(s.rows.len(), SECTION_ROWS);
        assert!(s.more);
        assert!(!Section::of(vec![1]).more);
    }
}
