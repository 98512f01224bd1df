//! Accounts and sign-in: the services behind the auth server functions (and,
//! later, the REST API), and the account repository.

mod admin;
pub mod failed_attempts;
mod login;
pub mod oidc;
pub mod repo;
pub mod reset;
pub mod second_factor;

pub use admin::{create_platform_admin, parse_operator_args};
pub use login::{complete_with_code, log_in, log_out, sign_in_as, PasswordAccepted, SignInNext};
