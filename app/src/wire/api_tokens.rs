//! Wire types of personal access tokens, and the creation form as sent with its `parse()`.

use serde::{Deserialize, Serialize};
use time::Date;

use crate::domain::api_tokens::{TokenScope, MAX_TOKEN_DAYS};
use crate::domain::dates::parse_form_date;
use crate::error::{AppError, FieldErrors};

/// Where a token acts, as the form names it: a tenant by its slug, or the platform.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BindingChoice {
    Tenant(String),
    Platform,
}

/// The form's value for a platform token.
pub const PLATFORM_CHOICE: &str = "platform";

/// A token to create, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTokenInput {
    pub name: String,
    pub binding: BindingChoice,
    pub scope: TokenScope,
    /// The last day it works (UTC).
    pub last_day: Date,
}

/// The creation form as sent.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenForm {
    pub name: String,
    /// A tenant's slug, or [`PLATFORM_CHOICE`].
    pub tenant: String,
    pub scope: String,
    /// `YYYY-MM-DD`: the last day the token works.
    pub expires_on: String,
}

impl TokenForm {
    /// Every field's error at once: a name of 1 to 80 characters, a tenant (or the platform), a
    /// scope, and a last day after today and at most a year away.
    pub fn parse(&self, today: Date) -> Result<NewTokenInput, AppError> {
        let mut errors = FieldErrors::default();
        let name = self.name.trim();
        if name.is_empty() {
            errors.add(
                "name",
                crate::i18n::td_string!(crate::locale::current(), validation.token_name_missing),
            );
        } else if name.chars().count() > 80 {
            errors.add(
                "name",
                crate::i18n::td_string!(crate::locale::current(), validation.name_at_most_80),
            );
        }
        let tenant = self.tenant.trim();
        let binding = if tenant.is_empty() {
            errors.add(
                "tenant",
                crate::i18n::td_string!(crate::locale::current(), validation.token_tenant_missing),
            );
            None
        } else if tenant == PLATFORM_CHOICE {
            Some(BindingChoice::Platform)
        } else {
            Some(BindingChoice::Tenant(tenant.to_owned()))
        };
        let scope = errors.check("scope", TokenScope::parse(&self.scope));
        let last_day = errors.check("expires_on", expiry(&self.expires_on, today));
        errors.into_result(|| {
            Some(NewTokenInput {
                name: name.to_owned(),
                binding: binding?,
                scope: scope?,
                last_day: last_day?,
            })
        })
    }
}

/// The last day a token works: after today, at most [`MAX_TOKEN_DAYS`] away.
fn expiry(raw: &str, today: Date) -> Result<Date, String> {
    let day = parse_form_date(raw, "expiry")?;
    if day <= today {
        return Err(crate::i18n::td_string!(
            crate::locale::current(),
            validation.token_expiry_too_soon
        )
        .into());
    }
    if (day - today).whole_days() > MAX_TOKEN_DAYS {
        return Err(crate::i18n::td_string!(
            crate::locale::current(),
            validation.token_expiry_too_late
        )
        .into());
    }
    Ok(day)
}

/// Whether a token still works.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum TokenState {
    Live,
    Expired,
    Revoked,
}

impl TokenState {
    pub fn label(self) -> &'static str {
        match self {
            Self::Live => "Active",
            Self::Expired => "Expired",
            Self::Revoked => "Revoked",
        }
    }
}

/// One of a person's tokens, as listed (never its secret).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenView {
    pub id: i64,
    pub name: String,
    /// The organisation's name, or "The platform".
    pub acts_for: String,
    pub scope: TokenScope,
    /// The secret's first characters, to recognise it.
    pub prefix: String,
    pub created_at: i64,
    pub expires_at: i64,
    /// When it was last used, in the person's time zone.
    pub last_used: Option<crate::domain::dates::LocalInstant>,
    pub last_used_ip: Option<String>,
    pub state: TokenState,
}

/// Where the person may bind a token, for the form's choice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BindingOption {
    /// A tenant's slug, or [`PLATFORM_CHOICE`].
    pub value: String,
    pub label: String,
    /// Whether the person's role there only reads (a write token would only read).
    pub read_only: bool,
}

/// The tokens page: the person's tokens and where they may make new ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokensPage {
    pub tokens: Vec<TokenView>,
    pub options: Vec<BindingOption>,
    /// The form's default last day (`YYYY-MM-DD`, 90 days away) and the latest allowed.
    pub default_expiry: String,
    pub latest_expiry: String,
}

/// A token just made: its secret, shown this once.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CreatedToken {
    pub id: i64,
    pub name: String,
    pub secret: String,
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn form(name: &str, tenant: &str, scope: &str, expires_on: &str) -> TokenForm {
        TokenForm {
            name: name.into(),
            tenant: tenant.into(),
            scope: scope.into(),
            expires_on: expires_on.into(),
        }
    }

    const TODAY: Date = date!(2027 - 01 - 10);

    #[test]
    fn a_good_form_parses_into_its_values() {
        let input = form(" CI pipeline ", "univ-palaiseau", "write", "2027-04-10")
            .parse(TODAY)
            .unwrap();
        assert_eq!(input.name, "CI pipeline");
        assert_eq!(
            input.binding,
            BindingChoice::Tenant("univ-palaiseau".into())
        );
        assert_eq!(input.scope, TokenScope::Write);
        assert_eq!(input.last_day, date!(2027 - 04 - 10));
        let platform = form("ops", "platform", "admin", "2027-02-01").parse(TODAY);
        assert_eq!(platform.unwrap().binding, BindingChoice::Platform);
    }

    #[test]
    fn every_fields_error_comes_at_once() {
        let error = form("", "", "root", "someday").parse(TODAY).unwrap_err();
        let fields: Vec<String> = error.field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "tenant", "scope", "expires_on"]);
    }

    #[test]
    fn a_token_lives_at_least_until_tomorrow_and_at_most_a_year() {
        let at = |day: &str| form("n", "t", "read", day).parse(TODAY);
        assert!(at("2027-01-10")
            .unwrap_err()
            .field_message("expires_on")
            .is_some());
        assert!(at("2027-01-11").is_ok());
        assert!(at("2028-01-10").is_ok(), "365 days away");
        assert!(at("2028-01-11")
            .unwrap_err()
            .field_message("expires_on")
            .unwrap()
            .contains("a year"));
    }

    #[test]
    fn a_name_is_at_most_80_characters() {
        assert!(form(&"é".repeat(80), "t", "read", "2027-02-01")
            .parse(TODAY)
            .is_ok());
        assert!(form(&"é".repeat(81), "t", "read", "2027-02-01")
            .parse(TODAY)
            .is_err());
    }
}
