//! A person's own account: the address, the password, and the sessions they have open.

mod api;
mod email;
mod page;
mod second_factor;
mod sign_in_methods;
pub use crate::wire::account as types;
mod verify;

pub use api::*;
pub use email::ConfirmEmailPage;
pub use page::AccountPage;
pub use second_factor::StepUpPrompt;
pub use verify::VerifyEmailPage;
