//! The site catalogue and the residency policy lists: the read-only snapshot any signed-in
//! person sees (re-evaluated on the server, never trusted from the client), and the platform
//! admins' edits (operators and their shareholders, sites, GPU inventory, certifications, policy
//! lists). The edits take values already checked at the edge (`features::catalogue::types`);
//! each checks what needs the database, and is audited and versioned (catalogue revision or
//! policy version) in one write transaction, which also re-checks the open requests and quotas.
//! Every statement is in `repo`.

mod certifications;
mod edit;
mod inventory;
mod operators;
mod policy;
pub mod repo;
mod shareholders;
mod sites;
mod snapshot;

pub use certifications::{add_certification, remove_certification};
pub use inventory::set_gpu_inventory;
pub use operators::{create_operator, delete_operator, update_operator};
pub use policy::update_policy;
pub use repo::{bump_revision, insert_site, load_catalogue, load_policy, save_policy};
pub use shareholders::{remove_shareholder, set_shareholder};
pub use sites::{create_site, delete_site, update_site};
pub use snapshot::{
    placement_request, profile_for, snapshot, tenant_profile, ADMIN_DEFAULT_COUNTRY,
};
