//! Personal access tokens for the REST API (`/api/v1`): what a token may do, and the rule that a
//! token never does more than its person's current role allows.

use serde::{Deserialize, Serialize};

use crate::i18n::td_string;

use super::tenancy::TenantRole;

/// The longest a token may live: a year.
pub const MAX_TOKEN_DAYS: i64 = 365;

/// What a token was made for. A tenant token is `Read` or `Write`; a platform token (platform
/// admins only) is `Read` or `Admin`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TokenScope {
    Read,
    Write,
    Admin,
}

impl TokenScope {
    pub const ALL: [TokenScope; 3] = [TokenScope::Read, TokenScope::Write, TokenScope::Admin];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Read => "read",
            Self::Write => "write",
            Self::Admin => "admin",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Read => "Read only",
            Self::Write => "Read and write",
            Self::Admin => "Platform administration",
        }
    }

    pub fn parse(raw: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|s| s.as_str() == raw.trim())
            .ok_or_else(|| {
                td_string!(crate::locale::current(), validation.token_scope_choose).to_owned()
            })
    }
}

/// Where a token acts: within one tenant, or for the platform (platform admins only).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case", tag = "kind", content = "tenant_id")]
pub enum TokenBinding {
    Tenant(i64),
    Platform,
}

/// Why a scope cannot go with a binding (`None` when it can).
pub fn scope_error(binding: TokenBinding, scope: TokenScope) -> Option<&'static str> {
    let locale = crate::locale::current();
    match (binding, scope) {
        (TokenBinding::Tenant(_), TokenScope::Admin) => {
            Some(td_string!(locale, validation.token_admin_needs_platform))
        }
        (TokenBinding::Platform, TokenScope::Write) => {
            Some(td_string!(locale, validation.token_platform_no_write))
        }
        _ => None,
    }
}

/// What a tenant token may do today: the *intersection* of its scope and the person's current
/// role in its tenant. A write token of someone since made an auditor only reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TenantGrant {
    pub role: TenantRole,
    pub scope: TokenScope,
}

impl TenantGrant {
    /// Whether it may change anything: a write scope and a role that writes.
    pub fn may_write(self) -> bool {
        self.scope == TokenScope::Write && self.role.can_write()
    }

    /// Whether it may do what owners do: a write scope held by an owner.
    pub fn may_own(self) -> bool {
        self.may_write() && self.role == TenantRole::Owner
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn scopes_round_trip_and_junk_is_refused_in_words() {
        for scope in TokenScope::ALL {
            assert_eq!(TokenScope::parse(scope.as_str()), Ok(scope));
        }
        assert!(TokenScope::parse("root").unwrap_err().contains("Choose"));
    }

    #[test]
    fn admin_scope_only_for_the_platform_and_write_only_for_a_tenant() {
        assert!(scope_error(TokenBinding::Tenant(1), TokenScope::Admin).is_some());
        assert!(scope_error(TokenBinding::Platform, TokenScope::Write).is_some());
        assert!(scope_error(TokenBinding::Tenant(1), TokenScope::Write).is_none());
        assert!(scope_error(TokenBinding::Tenant(1), TokenScope::Read).is_none());
        assert!(scope_error(TokenBinding::Platform, TokenScope::Admin).is_none());
        assert!(scope_error(TokenBinding::Platform, TokenScope::Read).is_none());
    }

    #[test]
    fn a_token_never_does_more_than_the_role_allows_nor_more_than_its_scope() {
        let grant = |role, scope| TenantGrant { role, scope };
        assert!(grant(TenantRole::Member, TokenScope::Write).may_write());
        assert!(!grant(TenantRole::Auditor, TokenScope::Write).may_write());
        assert!(!grant(TenantRole::Owner, TokenScope::Read).may_write());
        assert!(grant(TenantRole::Owner, TokenScope::Write).may_own());
        assert!(!grant(TenantRole::Member, TokenScope::Write).may_own());
        assert!(!grant(TenantRole::Owner, TokenScope::Read).may_own());
    }
}
