//! Wire types of a person's own account.

use serde::{Deserialize, Serialize};

use crate::domain::dates::LocalInstant;

/// One open session of the person (its id is a secret and is not sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// When the person signed in on it, when known.
    pub signed_in_at: Option<LocalInstant>,
    /// When it ends unless used again.
    pub expires_at: LocalInstant,
    /// Whether it is the session of this very request.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub email: String,
    pub sessions: Vec<SessionView>,
    /// The time zone the person's pages show instants in (an IANA name).
    pub time_zone: String,
    /// The zones they may choose from, sorted.
    pub time_zones: Vec<String>,
    /// Their second factor.
    pub second_factor: SecondFactorStatus,
    /// Whether their address is proven (false only for an account an identity provider made
    /// without vouching for it, until the e-mailed link is opened).
    pub email_confirmed: bool,
    /// The identity providers linked to the account.
    pub linked_providers: Vec<LinkedProvider>,
    /// The providers the person may link still.
    pub providers_to_link: Vec<crate::wire::identity::ProviderChoice>,
}

/// An identity provider linked to the account.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LinkedProvider {
    /// The link's id (to unlink it).
    pub id: i64,
    /// The provider's name as people read it.
    pub provider: String,
    /// The address the provider gave last.
    pub email: String,
    pub linked_at: LocalInstant,
    pub last_used_at: Option<LocalInstant>,
}

// Shared with the server's second-factor service: they live in the domain.
pub use crate::domain::second_factor::{SecondFactorOffer, SecondFactorStatus};
