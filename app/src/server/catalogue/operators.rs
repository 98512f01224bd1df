//! Operators: the legal entities that run the sites.

use serde_json::json;

use super::{
    edit::{invalid, operator_named, record_and_commit},
    repo::{self, Named},
};
use crate::error::AppError;
use crate::server::{auth::actor::AdminActor, db::is_unique_violation, error::ServiceResult, Call};
use crate::wire::catalogue::OperatorFields;

fn operator_json(op: &OperatorFields) -> serde_json::Value {
    json!({
        "name": op.name,
        "registered_office": op.registered_office.as_str(),
        "central_administration": op.central_administration.as_str(),
        "main_establishment": op.main_establishment.as_str(),
        "dpf_certified": op.dpf_certified,
        "commercial_organisation": op.commercial_organisation,
    })
}

fn duplicate_operator(name: &str) -> AppError {
    invalid(
        "name",
        format!("There is already an operator named “{name}”; choose another name, or edit that operator."),
    )
}

fn yes_no(flag: bool) -> &'static str {
    if flag {
        "yes"
    } else {
        "no"
    }
}

/// Adds an operator (without shareholders: they are added one by one).
/// Names are unique. Returns the new catalogue revision.
pub async fn create_operator(
    call: &Call<'_>,
    admin: &AdminActor,
    op: &OperatorFields,
) -> ServiceResult<i64> {
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    if repo::name_taken(&mut tx, Named::Operators, &op.name, None).await? {
        return Err(duplicate_operator(&op.name).into());
    }
    let id = match repo::insert_operator(&mut tx, &op.to_operator()).await {
        Err(e) if is_unique_violation(&e) => return Err(duplicate_operator(&op.name).into()),
        other => other?,
    };
    let summary = format!(
        "Operator {} added: registered office {}, central administration {}, main establishment {}; \
         DPF certified: {}.",
        op.name,
        op.registered_office,
        op.central_administration,
        op.main_establishment,
        yes_no(op.dpf_certified)
    );
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({
        "change": "operator_created",
        "operator_id": id,
        "operator": op.name,
        "after": operator_json(op),
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Changes an operator's name, offices and flags; `current` is its name
/// before the change. Returns the new catalogue revision.
pub async fn update_operator(
    call: &Call<'_>,
    admin: &AdminActor,
    current: &str,
    op: &OperatorFields,
) -> ServiceResult<i64> {
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    let stored = operator_named(&mut tx, current).await?;
    let before = OperatorFields::of(&stored.operator);
    if before == *op {
        return Err(invalid(
            "operator",
            format!("Nothing to save: {current} already has these values."),
        )
        .into());
    }
    if repo::name_taken(&mut tx, Named::Operators, &op.name, Some(stored.id)).await? {
        return Err(duplicate_operator(&op.name).into());
    }
    match repo::update_operator(&mut tx, stored.id, &op.to_operator()).await {
        Err(e) if is_unique_violation(&e) => return Err(duplicate_operator(&op.name).into()),
        other => other?,
    };
    let summary = if op.name == before.name {
        format!("Operator {} changed.", op.name)
    } else {
        format!("Operator {} changed, now named {}.", before.name, op.name)
    };
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({
        "change": "operator_updated",
        "operator_id": stored.id,
        "operator": op.name,
        "before": operator_json(&before),
        "after": operator_json(op),
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Removes an operator that runs no site (one added by mistake), with its shareholders.
/// Returns the new catalogue revision.
pub async fn delete_operator(
    call: &Call<'_>,
    admin: &AdminActor,
    name: &str,
) -> ServiceResult<i64> {
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    let id = operator_named(&mut tx, name).await?.id;
    let sites = repo::sites_run_by(&mut tx, id).await?;
    if sites > 0 {
        return Err(invalid(
            "operator",
            format!(
                "{name} runs {sites} site{}: give {} another operator or delete {} first.",
                if sites == 1 { "" } else { "s" },
                if sites == 1 { "it" } else { "them" },
                if sites == 1 { "it" } else { "them" },
            ),
        )
        .into());
    }
    repo::delete_operator(&mut tx, id).await?;
    let summary = format!("Operator {name} deleted.");
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({ "change": "operator_deleted", "operator": name, "revision": revision });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}
