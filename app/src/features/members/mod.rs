//! An organisation's members: the organisation page (members, open
//! invitations, roles) and the invitation page where a person joins.

mod api;
mod invitation;
mod organisation;
pub mod types;

pub use api::*;
pub use invitation::InvitationPage;
pub use organisation::OrganisationPage;
