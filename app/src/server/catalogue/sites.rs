//! Sites: where each is, who runs it, and where its staff reach tenant data from.

use serde_json::json;

use super::{
    edit::{invalid, operator_named, record_and_commit, site_named},
    repo::{self, Named},
};
use crate::domain::slug::Slug;
use crate::error::AppError;
use crate::server::{auth::actor::AdminActor, db::is_unique_violation, error::ServiceResult, Call};
use crate::wire::catalogue::SiteFields;

fn site_json(site: &SiteFields) -> serde_json::Value {
    json!({
        "name": site.name,
        "country": site.country.as_str(),
        "operator": site.operator,
        "admin_access_countries": site.admin_countries.iter().map(|c| c.as_str()).collect::<Vec<_>>(),
    })
}

fn duplicate_slug(slug: &Slug) -> AppError {
    invalid(
        "slug",
        format!("A site already has the short name “{slug}”; choose another."),
    )
}

fn duplicate_site_name(name: &str) -> AppError {
    invalid(
        "name",
        format!("There is already a site named “{name}”; choose another name."),
    )
}

/// Adds a site (without GPUs or certifications: they are added one by one).
/// Short names and names are unique. Returns the new catalogue revision.
pub async fn create_site(
    call: &Call<'_>,
    admin: &AdminActor,
    slug: &Slug,
    site: &SiteFields,
) -> ServiceResult<i64> {
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    if repo::find_site(&mut tx, slug.as_str()).await?.is_some() {
        return Err(duplicate_slug(slug).into());
    }
    if repo::name_taken(&mut tx, Named::Sites, &site.name, None).await? {
        return Err(duplicate_site_name(&site.name).into());
    }
    let operator_id = operator_named(&mut tx, &site.operator).await?.id;
    let inserted = repo::insert_site_row(
        &mut tx,
        slug.as_str(),
        &site.name,
        site.country,
        operator_id,
        &site.admin_countries,
    )
    .await;
    let id = match inserted {
        Err(e) if is_unique_violation(&e) => return Err(duplicate_slug(slug).into()),
        other => other?,
    };
    let summary = format!(
        "Site {} ({slug}) added in {}, operated by {}.",
        site.name,
        site.country.name(),
        site.operator
    );
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({
        "change": "site_created",
        "site_id": id,
        "site": slug.as_str(),
        "after": site_json(site),
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Changes a site's name, country, operator and access countries; its short
/// name stays. Returns the new catalogue revision.
pub async fn update_site(
    call: &Call<'_>,
    admin: &AdminActor,
    slug: &str,
    new: &SiteFields,
) -> ServiceResult<i64> {
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    let stored = site_named(&mut tx, slug).await?;
    let before = stored.fields;
    if before == *new {
        return Err(invalid(
            "site",
            format!("Nothing to save: {} already has these values.", before.name),
        )
        .into());
    }
    if repo::name_taken(&mut tx, Named::Sites, &new.name, Some(stored.id)).await? {
        return Err(duplicate_site_name(&new.name).into());
    }
    let operator_id = operator_named(&mut tx, &new.operator).await?.id;
    repo::update_site(&mut tx, stored.id, new, operator_id).await?;
    let summary = format!("Site {} ({slug}) changed.", new.name);
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({
        "change": "site_updated",
        "site_id": stored.id,
        "site": slug,
        "before": site_json(&before),
        "after": site_json(new),
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Removes a site that nothing refers to yet (one added by mistake), with its GPU inventory
/// and certifications. A site that any request names, even a draft or an expired quota, stays:
/// those requests keep their record; set its GPUs to 0 to take it out of new requests.
/// Returns the new catalogue revision.
pub async fn delete_site(call: &Call<'_>, admin: &AdminActor, slug: &str) -> ServiceResult<i64> {
    // Platform scope: requests of every tenant may name the site.
    let mut tx = call.state.db.platform_write_tx().await?;
    let stored = site_named(&mut tx, slug).await?;
    let site = &stored.fields;
    let requests = repo::requests_naming_site(&mut tx, stored.id).await?;
    if requests > 0 {
        return Err(invalid(
            "site",
            format!(
                "{} is named by {requests} request{} (drafts and past quotas count): it stays \
                 in the catalogue for their record. Set its GPUs to 0 to keep new requests away.",
                site.name,
                if requests == 1 { "" } else { "s" }
            ),
        )
        .into());
    }
    repo::delete_site(&mut tx, stored.id).await?;
    let summary = format!("Site {} ({slug}) deleted.", site.name);
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({
        "change": "site_deleted",
        "site": slug,
        "before": { "name": site.name, "country": site.country.as_str(), "operator": site.operator },
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}
