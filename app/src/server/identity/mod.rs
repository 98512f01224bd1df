//! Accounts and sign-in: the services behind the auth server functions (and,
//! later, the REST API), and the account repository.

mod admin;
pub mod failed_attempts;
mod login;
pub mod repo;
pub mod reset;

pub use admin::{create_platform_admin, parse_operator_args};
pub use login::{log_in, log_out, sign_in_as, SignedIn};
