//! Wire types of the people directory.

use serde::{Deserialize, Serialize};

use crate::domain::{dates::LocalInstant, tenancy::TenantRole};

/// One organisation a person belongs to, and their role there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonTenant {
    pub name: String,
    pub role: TenantRole,
}

/// A person as the directory lists them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PersonView {
    pub id: i64,
    pub name: String,
    pub email: String,
    pub platform_admin: bool,
    pub disabled: bool,
    /// Whether their sign-in asks for a second factor.
    pub second_factor: bool,
    /// Their latest sign-in, when one is on record.
    pub last_sign_in: Option<LocalInstant>,
    pub tenants: Vec<PersonTenant>,
    /// Whether it is the admin reading the page (who cannot disable themselves).
    pub me: bool,
}

/// One page of the directory.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeoplePage {
    pub people: Vec<PersonView>,
    /// The page number (from 0), and whether another follows.
    pub page: u32,
    pub has_more: bool,
}
