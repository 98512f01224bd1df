//! Organisations (tenants): sign-up with a new organisation, the platform
//! admins' verification queue, and the active-tenant switch in the header.

mod api;
mod signup;
mod switch;
pub mod types;
mod verification;

pub use api::*;
pub use signup::{country_choices, Countries, SignupPage, EU_COUNTRIES};
pub use switch::{active_tenant_notice, use_my_tenants, TenantSwitcher};
pub use verification::TenantsAdminPage;
