//! Wire types of a person's own account.

use serde::{Deserialize, Serialize};

/// One open session of the person (its id is a secret and is not sent).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SessionView {
    /// When the person signed in on it (Unix seconds), when known.
    pub signed_in_at: Option<i64>,
    /// When it ends unless used again (Unix seconds).
    pub expires_at: i64,
    /// Whether it is the session of this very request.
    pub current: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AccountView {
    pub name: String,
    pub email: String,
    pub sessions: Vec<SessionView>,
}
