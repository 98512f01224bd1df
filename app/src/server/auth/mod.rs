//! Who is asking: password hashing, the typed session identity, the actors
//! that authorization hands out, device cookies and the throttles of password guesses.

pub mod actor;
pub mod device;
pub mod password;
pub mod throttle;

pub use actor::{AdminActor, ApiCaller, CurrentUser, ProjectAccess, SessionIdentity, TenantActor};
