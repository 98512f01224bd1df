//! Wire types of identity: who is signed in, as the pages show it.

use serde::{Deserialize, Serialize};

use crate::domain::tenancy::TenantRole;

/// What the page shows about the signed-in person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Viewer {
    pub name: String,
    pub email: String,
    pub platform_admin: bool,
    pub tenant_name: Option<String>,
    pub tenant_slug: Option<String>,
    pub role: Option<TenantRole>,
}

/// What a right password leads to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum LoginOutcome {
    /// Signed in.
    SignedIn,
    /// A code of the person's second factor is needed next (`/login/code`).
    SecondFactor,
}

pub use crate::domain::federation::ProviderChoice;
