//! The shareholders of each operator (S3, S4: who holds the capital, the votes and the rights).

use serde_json::json;

use super::{
    edit::{invalid, operator_named, record_and_commit},
    repo,
};
use crate::domain::residency::Percent;
use crate::error::FieldErrors;
use crate::server::{auth::actor::AdminActor, error::ServiceResult, Call};
use crate::wire::catalogue::{ShareholderEntry, ShareholderRef};

/// Basis points as a percentage ("24.01 %"), capped at 100 %.
fn show(bp: i64) -> String {
    u16::try_from(bp.min(10_000))
        .ok()
        .and_then(|bp| Percent::from_basis_points(bp).ok())
        .map(|p| p.to_string())
        .unwrap_or_else(|| "100 %".to_string())
}

/// Adds or updates (by name) one shareholder of an operator; the operator's
/// shares, capital and voting each, may sum to at most 100 %. Returns the new
/// catalogue revision.
pub async fn set_shareholder(
    call: &Call<'_>,
    admin: &AdminActor,
    entry: &ShareholderEntry,
) -> ServiceResult<i64> {
    let (operator, holder) = (&entry.operator, &entry.holder);
    let name = &holder.name;
    let (capital, voting) = (holder.capital, holder.voting);
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    let operator_id = operator_named(&mut tx, operator).await?.id;
    let (other_capital, other_voting) = repo::other_shares(&mut tx, operator_id, name).await?;
    let mut errors = FieldErrors::default();
    if other_capital + i64::from(capital.basis_points()) > 10_000 {
        errors.add(
            "capital",
            format!(
                "The other shareholders already hold {} of the capital; {capital} more would exceed 100 %.",
                show(other_capital)
            ),
        );
    }
    if other_voting + i64::from(voting.basis_points()) > 10_000 {
        errors.add(
            "voting",
            format!(
                "The other shareholders already hold {} of the voting rights; {voting} more would exceed 100 %.",
                show(other_voting)
            ),
        );
    }
    errors.finish()?;
    let existing = repo::find_shareholder(&mut tx, operator_id, name).await?;
    match &existing {
        Some(stored) => repo::update_shareholder(&mut tx, stored.id, holder).await?,
        None => repo::insert_shareholder(&mut tx, operator_id, holder).await?,
    }
    let summary = format!(
        "Shareholder {name} of {operator}: {capital} of the capital, {voting} of the voting rights."
    );
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({
        "change": if existing.is_some() { "shareholder_updated" } else { "shareholder_added" },
        "operator": operator,
        "shareholder": name,
        "country": holder.country.as_str(),
        "capital_bp": capital.basis_points(),
        "voting_bp": voting.basis_points(),
        "control_rights": holder.control_rights,
        "veto_rights": holder.veto_rights,
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Removes one shareholder (by name) from an operator. Returns the new
/// catalogue revision.
pub async fn remove_shareholder(
    call: &Call<'_>,
    admin: &AdminActor,
    shareholder: &ShareholderRef,
) -> ServiceResult<i64> {
    let ShareholderRef { operator, name } = shareholder;
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    let operator_id = operator_named(&mut tx, operator).await?.id;
    let Some(removed) = repo::find_shareholder(&mut tx, operator_id, name).await? else {
        return Err(invalid("name", format!("{operator} has no shareholder “{name}”.")).into());
    };
    repo::delete_shareholder(&mut tx, operator_id, name).await?;
    let summary = format!("Shareholder {name} removed from {operator}.");
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let before = &removed.holder;
    let detail = json!({
        "change": "shareholder_removed",
        "operator": operator,
        "shareholder": name,
        "before": {
            "country": before.country.as_str(),
            "capital_bp": before.capital.basis_points(),
            "voting_bp": before.voting.basis_points(),
            "control_rights": before.control_rights,
            "veto_rights": before.veto_rights,
        },
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}
