//! Federated sign-in's values seen on both sides of the wire: the providers a person may sign
//! in with, the organisations a provider offers them to join, and the requests to join an
//! organisation's owners decide.

use serde::{Deserialize, Serialize};

/// An identity provider people may sign in with (the sign-in page's buttons).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProviderChoice {
    /// Its id, in the URLs (`/auth/oidc/{id}`).
    pub id: String,
    /// Its name as people read it.
    pub name: String,
}

/// An organisation the signed-in person may ask to join: an identity provider they signed in
/// with vouches for their address's domain there.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinOfferView {
    pub tenant_slug: String,
    pub tenant_name: String,
    /// The identity provider's name as people read it.
    pub provider: String,
}

/// A person asking to join the organisation, vouched for by an identity provider (its owners
/// accept or refuse).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct JoinRequestView {
    pub id: i64,
    pub name: String,
    pub email: String,
    /// The identity provider's name as people read it.
    pub provider: String,
    /// When they asked (Unix seconds).
    pub asked_at: i64,
}
