//! A person's own account: the address, the password, and the sessions they have open.

mod api;
mod email;
mod page;
mod second_factor;
pub mod types;

pub use api::*;
pub use email::ConfirmEmailPage;
pub use page::AccountPage;
pub use second_factor::StepUpPrompt;
