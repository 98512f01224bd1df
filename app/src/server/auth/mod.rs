//! Who is asking: password hashing, the typed session identity, the actors
//! that authorization hands out, and log-in throttling.

pub mod actor;
pub mod password;
pub mod throttle;

pub use actor::{AdminActor, CurrentUser, SessionIdentity, TenantActor};
