//! Roles within a tenant and the tenant's verification status.

use serde::{Deserialize, Serialize};

/// A person's role in one tenant (per membership). Platform admin is a global
/// role on the account, not a membership role.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantRole {
    Owner,
    Member,
    /// Read-only, for compliance.
    Auditor,
}

impl TenantRole {
    pub const ALL: [TenantRole; 3] = [TenantRole::Owner, TenantRole::Member, TenantRole::Auditor];

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Owner => "owner",
            Self::Member => "member",
            Self::Auditor => "auditor",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Owner => "Owner",
            Self::Member => "Member",
            Self::Auditor => "Auditor",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        Self::ALL
            .into_iter()
            .find(|r| r.as_str() == s.trim())
            .ok_or_else(|| {
                crate::domain::format::fill(
                    crate::i18n::td_string!(crate::locale::current(), validation.not_a_tenant_role),
                    &[("s", &s)],
                )
            })
    }

    /// The same role as the request life cycle names it.
    pub const fn lifecycle_role(self) -> crate::domain::lifecycle::Role {
        use crate::domain::lifecycle::Role;
        match self {
            Self::Owner => Role::Owner,
            Self::Member => Role::Member,
            Self::Auditor => Role::Auditor,
        }
    }

    /// Whether this role may change anything (auditors only read).
    pub fn can_write(self) -> bool {
        !matches!(self, Self::Auditor)
    }
}

/// Where a tenant stands with the platform.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TenantStatus {
    /// Signed up, waiting for a platform admin: may prepare drafts, not submit.
    Pending,
    Verified,
    Rejected,
}

impl TenantStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Pending => "pending",
            Self::Verified => "verified",
            Self::Rejected => "rejected",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Self::Pending => "Pending verification",
            Self::Verified => "Verified",
            Self::Rejected => "Rejected",
        }
    }

    pub fn parse(s: &str) -> Result<Self, String> {
        match s {
            "pending" => Ok(Self::Pending),
            "verified" => Ok(Self::Verified),
            "rejected" => Ok(Self::Rejected),
            other => Err(format!("unknown tenant status “{other}”")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles_round_trip_through_their_names() {
        for role in TenantRole::ALL {
            assert_eq!(TenantRole::parse(role.as_str()), Ok(role));
        }
        assert!(TenantRole::parse("admin").is_err());
    }

    #[test]
    fn only_auditors_cannot_write() {
        assert!(TenantRole::Owner.can_write());
        assert!(TenantRole::Member.can_write());
        assert!(!TenantRole::Auditor.can_write());
    }
}
