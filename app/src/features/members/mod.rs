//! An organisation's members: the organisation page (members, open
//! invitations, roles) and the invitation page where a person joins.

mod api;
mod invitation;
mod join;
mod organisation;
pub use crate::wire::members as types;

pub use api::*;
pub use invitation::InvitationPage;
pub use join::{JoinOffers, JoinRequestsSection};
pub use organisation::OrganisationPage;
