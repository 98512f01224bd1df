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
}
