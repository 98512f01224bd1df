//! Organisations (tenants): sign-up with a new organisation (confirmed by a
//! link e-mailed to the address), the platform admins' verification queue,
//! and the active-tenant switch in the header.

mod api;
mod confirm;
mod details;
mod signup;
mod switch;
pub use crate::wire::tenants as types;
mod verification;

pub use api::*;
pub use confirm::ConfirmSignupPage;
pub use details::OrganisationDetailsSection;
pub use signup::{country_choices, Countries, SignupPage, EU_COUNTRIES};
pub use switch::{active_tenant_notice, use_my_tenants, TenantSwitcher};
pub use verification::TenantsAdminPage;
