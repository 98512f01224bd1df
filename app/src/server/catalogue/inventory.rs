//! The GPU inventory of each site.

use serde_json::json;

use super::{
    edit::{record_and_commit, site_named},
    repo,
};
use crate::domain::catalogue::GpuPool;
use crate::server::{auth::actor::AdminActor, error::ServiceResult, Call};
use crate::wire::catalogue::GpuInventory;

/// Sets the installed GPUs and the reserve of one model at one site (adding
/// the model when the site has none). Returns the new catalogue revision.
pub async fn set_gpu_inventory(
    call: &Call<'_>,
    admin: &AdminActor,
    inventory: &GpuInventory,
) -> ServiceResult<i64> {
    let GpuInventory {
        site,
        model,
        installed,
        reserve,
    } = inventory;
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    let site_id = site_named(&mut tx, site).await?.id;
    let before = repo::find_gpu_pool(&mut tx, site_id, model).await?;
    let pool = GpuPool {
        model: model.clone(),
        installed: *installed,
        reserve: *reserve,
    };
    if before.is_some() {
        repo::update_gpu_pool(&mut tx, site_id, &pool).await?;
    } else {
        repo::insert_gpu_pool(&mut tx, site_id, &pool).await?;
    }
    let summary =
        format!("GPU inventory of {site} {model}: {installed} installed, {reserve} in reserve.");
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({
        "change": "gpu_inventory",
        "site": site,
        "model": model,
        "before": before.map(|b| json!({"installed": b.installed, "reserve": b.reserve})),
        "after": {"installed": installed, "reserve": reserve},
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}
