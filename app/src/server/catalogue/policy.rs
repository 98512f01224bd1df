//! The policy lists (EU, EEA, sanctions, adequacy decisions), versioned.

use std::collections::BTreeSet;

use serde_json::json;

use super::{edit::record_and_commit, repo};
use crate::domain::{country::CountryCode, residency::PolicyLists};
use crate::server::{auth::actor::AdminActor, error::ServiceResult, Call};
use crate::wire::catalogue::PolicyChange;

/// Stores a new version of the policy lists. Returns the new policy version.
pub async fn update_policy(
    call: &Call<'_>,
    admin: &AdminActor,
    change: &PolicyChange,
) -> ServiceResult<i64> {
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    let before = repo::load_policy(&mut tx).await?;
    let lists = PolicyLists {
        version: before.version + 1,
        eu: change.eu.clone(),
        eea: change.eea.clone(),
        adequacy: change.adequacy.clone(),
        sanctions: change.sanctions.clone(),
    };
    let note = &change.note;
    let version = repo::save_policy(&mut tx, &lists, Some(admin.user_id()), note).await?;
    let codes = |set: &BTreeSet<CountryCode>| set.iter().map(|c| c.as_str()).collect::<Vec<_>>();
    let detail = json!({
        "previous_version": before.version,
        "version": version,
        "note": note,
        "eu": codes(&lists.eu),
        "eea": codes(&lists.eea),
        "sanctions": codes(&lists.sanctions),
        "adequacy": lists.adequacy,
        "before": {
            "eu": codes(&before.eu),
            "eea": codes(&before.eea),
            "sanctions": codes(&before.sanctions),
            "adequacy": before.adequacy,
        },
    });
    record_and_commit(tx, call, admin, "policy_changed", detail).await?;
    Ok(version)
}
