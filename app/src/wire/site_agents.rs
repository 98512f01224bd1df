//! Wire types of site agents (the programs beside a site's scheduler) and a person's logins at
//! sites, with the forms as sent and their `parse()`.

use serde::{Deserialize, Serialize};

use crate::domain::dates::LocalInstant;
use crate::domain::slug::Slug;
use crate::error::{AppError, FieldErrors};

/// The longest lead time an admin may set (days).
pub const MAX_LEAD_DAYS: u32 = 90;

/// An agent to register, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewAgentInput {
    pub site: Slug,
    pub name: String,
    pub cluster: String,
    pub lead_days: u32,
}

/// The registration form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentForm {
    pub site: String,
    pub name: String,
    /// The scheduler's cluster name (Slurm's `ClusterName`).
    pub cluster: String,
    /// Days before a quota's start when its account is prepared; empty for 7.
    pub lead_days: String,
}

/// A Slurm cluster name or a login: 1 to 32 characters of lower-case letters, digits, `_` and
/// `-`, starting with a letter or `_` (a POSIX user name; Slurm lower-cases cluster names).
pub fn parse_scheduler_name(raw: &str, what: &str) -> Result<String, String> {
    let locale = crate::locale::current();
    let (missing, bad) = match what {
        "login" => (
            crate::i18n::td_string!(locale, validation.scheduler_login_missing),
            crate::i18n::td_string!(locale, validation.scheduler_login_bad),
        ),
        _ => (
            crate::i18n::td_string!(locale, validation.scheduler_cluster_missing),
            crate::i18n::td_string!(locale, validation.scheduler_cluster_bad),
        ),
    };
    let text = raw.trim();
    if text.is_empty() {
        return Err(missing.to_owned());
    }
    let ok = text.len() <= 32
        && text.starts_with(|c: char| c.is_ascii_lowercase() || c == '_')
        && text
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '-');
    if !ok {
        return Err(bad.to_owned());
    }
    Ok(text.to_owned())
}

impl AgentForm {
    /// Every field's error at once.
    pub fn parse(&self) -> Result<NewAgentInput, AppError> {
        let mut errors = FieldErrors::default();
        let site = errors.check(
            "site",
            Slug::parse(&self.site).map_err(|_| {
                crate::i18n::td_string!(crate::locale::current(), validation.choose_a_site)
                    .to_owned()
            }),
        );
        let name = self.name.trim();
        if name.is_empty() {
            errors.add(
                "name",
                crate::i18n::td_string!(crate::locale::current(), validation.agent_name_missing),
            );
        } else if name.chars().count() > 80 {
            errors.add(
                "name",
                crate::i18n::td_string!(crate::locale::current(), validation.name_at_most_80),
            );
        }
        let cluster = errors.check(
            "cluster",
            parse_scheduler_name(&self.cluster, "cluster name"),
        );
        let lead = self.lead_days.trim();
        let lead_days = if lead.is_empty() {
            Some(7)
        } else {
            errors.check(
                "lead_days",
                lead.parse::<u32>()
                    .ok()
                    .filter(|d| *d <= MAX_LEAD_DAYS)
                    .ok_or_else(|| {
                        crate::domain::format::fill(
                            crate::i18n::td_string!(
                                crate::locale::current(),
                                validation.lead_days_bad
                            ),
                            &[("max", &MAX_LEAD_DAYS)],
                        )
                    }),
            )
        };
        errors.into_result(|| {
            Some(NewAgentInput {
                site: site?,
                name: name.to_owned(),
                cluster: cluster?,
                lead_days: lead_days?,
            })
        })
    }
}

/// A registered agent, as admins see it (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentView {
    pub id: i64,
    pub site: String,
    pub site_name: String,
    pub name: String,
    pub cluster: String,
    pub lead_days: u32,
    /// The secret's first characters, to tell credentials apart.
    pub prefix: String,
    pub created: LocalInstant,
    pub last_used: Option<LocalInstant>,
    pub last_used_ip: Option<String>,
    pub revoked: bool,
}

/// The agents page: every agent, and the sites one may be registered for (slug, name).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentsPage {
    pub agents: Vec<AgentView>,
    pub sites: Vec<(String, String)>,
}

/// A credential just made or rotated: its secret, shown once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgentCredential {
    pub id: i64,
    pub name: String,
    pub site: String,
    pub secret: String,
}

/// A person's login at one site (empty when not given).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteLogin {
    pub site: String,
    pub site_name: String,
    pub login: String,
}
