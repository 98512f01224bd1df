//! Projects inside a tenant (issue 12): the roles people hold in a project, the tenant's choice of
//! who endorses, and what each combination of tenant role and project role may do. Pure rules:
//! the server applies them ([`crate::server::projects`]) and the pages use them to offer only what
//! will succeed.
//!
//! Tenant owners manage every project and see all of them; auditors see all of them and change
//! nothing; a tenant member sees and acts only in the projects they belong to, with the project
//! role they hold there.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

use super::lifecycle::{named_enum, unknown_name, Role};

named_enum! {
    /// A person's role in one project.
    pub enum ProjectRole ("project role") {
        /// Answers for the project: manages its members; endorses its requests where the tenant
        /// lets leads endorse.
        Lead => "lead", "Lead";
        /// Drafts and submits the project's requests.
        Member => "member", "Member";
        /// Reads the project's requests and quotas; changes nothing.
        Viewer => "viewer", "Viewer";
    }
}

named_enum! {
    /// Who endorses a member's request on behalf of the tenant (a tenant setting).
    pub enum EndorsementPolicy ("endorsement setting") {
        /// The tenant's owners only.
        Owners => "owners", "Owners only";
        /// The tenant's owners, and the lead of the request's project.
        OwnersAndLeads => "owners_and_leads", "Owners and project leads";
    }
}

/// What someone may do in one project, from their role in the tenant and (for a tenant member)
/// their role in the project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectRights {
    pub tenant_role: Role,
    /// Their role in this project, if they belong to it.
    pub project_role: Option<ProjectRole>,
}

impl ProjectRights {
    pub const fn new(tenant_role: Role, project_role: Option<ProjectRole>) -> Self {
        Self {
            tenant_role,
            project_role,
        }
    }

    /// Whether they see the project at all: owners and auditors see every project of their
    /// tenant, members only theirs.
    pub const fn sees(self) -> bool {
        match self.tenant_role {
            Role::Owner | Role::Auditor => true,
            Role::Member => self.project_role.is_some(),
        }
    }

    /// Whether they may draft and submit requests in the project: owners, and the project's lead
    /// and members (not its viewers, not auditors).
    pub const fn may_request(self) -> bool {
        match self.tenant_role {
            Role::Owner => true,
            Role::Auditor => false,
            Role::Member => matches!(
                self.project_role,
                Some(ProjectRole::Lead | ProjectRole::Member)
            ),
        }
    }

    /// Whether they may change the project's members and its description: owners, and the lead.
    pub const fn may_manage(self) -> bool {
        match self.tenant_role {
            Role::Owner => true,
            Role::Auditor => false,
            Role::Member => matches!(self.project_role, Some(ProjectRole::Lead)),
        }
    }

    /// Whether they may endorse the project's requests under the tenant's `policy`: owners
    /// always; the project's lead when the tenant lets leads endorse.
    pub const fn may_endorse(self, policy: EndorsementPolicy) -> bool {
        match self.tenant_role {
            Role::Owner => true,
            Role::Auditor => false,
            Role::Member => {
                matches!(self.project_role, Some(ProjectRole::Lead))
                    && matches!(policy, EndorsementPolicy::OwnersAndLeads)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const ROLES: [Option<ProjectRole>; 4] = [
        None,
        Some(ProjectRole::Lead),
        Some(ProjectRole::Member),
        Some(ProjectRole::Viewer),
    ];

    #[test]
    fn owners_and_auditors_see_every_project_members_only_theirs() {
        for role in ROLES {
            assert!(ProjectRights::new(Role::Owner, role).sees());
            assert!(ProjectRights::new(Role::Auditor, role).sees());
            assert_eq!(
                ProjectRights::new(Role::Member, role).sees(),
                role.is_some()
            );
        }
    }

    #[test]
    fn only_owners_leads_and_members_request_never_viewers_or_auditors() {
        let member = |role| ProjectRights::new(Role::Member, role).may_request();
        assert!(member(Some(ProjectRole::Lead)));
        assert!(member(Some(ProjectRole::Member)));
        assert!(!member(Some(ProjectRole::Viewer)));
        assert!(!member(None));
        assert!(ProjectRights::new(Role::Owner, None).may_request());
        assert!(!ProjectRights::new(Role::Auditor, Some(ProjectRole::Lead)).may_request());
    }

    #[test]
    fn a_lead_manages_the_project_a_member_or_viewer_does_not() {
        let member = |role| ProjectRights::new(Role::Member, role).may_manage();
        assert!(member(Some(ProjectRole::Lead)));
        assert!(!member(Some(ProjectRole::Member)));
        assert!(!member(Some(ProjectRole::Viewer)));
        assert!(ProjectRights::new(Role::Owner, None).may_manage());
        assert!(!ProjectRights::new(Role::Auditor, None).may_manage());
    }

    #[test]
    fn a_lead_endorses_only_where_the_tenant_lets_leads_endorse() {
        let lead = ProjectRights::new(Role::Member, Some(ProjectRole::Lead));
        assert!(!lead.may_endorse(EndorsementPolicy::Owners));
        assert!(lead.may_endorse(EndorsementPolicy::OwnersAndLeads));
        let member = ProjectRights::new(Role::Member, Some(ProjectRole::Member));
        assert!(!member.may_endorse(EndorsementPolicy::OwnersAndLeads));
        let owner = ProjectRights::new(Role::Owner, None);
        assert!(owner.may_endorse(EndorsementPolicy::Owners));
        let auditor = ProjectRights::new(Role::Auditor, Some(ProjectRole::Lead));
        assert!(!auditor.may_endorse(EndorsementPolicy::OwnersAndLeads));
    }

    #[test]
    fn roles_and_settings_read_back_from_their_stored_names() {
        for role in ProjectRole::ALL {
            assert_eq!(ProjectRole::parse(role.as_str()), Ok(*role));
        }
        for policy in EndorsementPolicy::ALL {
            assert_eq!(EndorsementPolicy::parse(policy.as_str()), Ok(*policy));
        }
        assert!(ProjectRole::parse("boss")
            .unwrap_err()
            .contains("lead, member or viewer"));
    }
}
