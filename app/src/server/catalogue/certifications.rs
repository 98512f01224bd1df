//! The certifications of each site.

use serde_json::json;

use super::{
    edit::{invalid, record_and_commit, site_named},
    repo,
};
use crate::server::{auth::actor::AdminActor, error::ServiceResult, Call};
use crate::wire::catalogue::{CertificateRef, NewCertification};

/// Adds a certification to a site; a site lists each certificate once. Returns the new
/// catalogue revision.
pub async fn add_certification(
    call: &Call<'_>,
    admin: &AdminActor,
    new: &NewCertification,
) -> ServiceResult<i64> {
    let (site, cert) = (&new.site, &new.certification);
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    let site_id = site_named(&mut tx, site).await?.id;
    if repo::certificate_exists(&mut tx, site_id, &cert.certificate_id).await? {
        return Err(invalid(
            "certificate_id",
            format!(
                "The site already lists certificate {}.",
                cert.certificate_id
            ),
        )
        .into());
    }
    repo::insert_certification(&mut tx, site_id, cert).await?;
    let summary = format!(
        "{} certificate {} added to {site}.",
        cert.kind.label(),
        cert.certificate_id
    );
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({
        "change": "certification_added",
        "site": site,
        "certification": cert,
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}

/// Removes a site's certification by its identifier. Returns the new revision.
pub async fn remove_certification(
    call: &Call<'_>,
    admin: &AdminActor,
    certificate: &CertificateRef,
) -> ServiceResult<i64> {
    let CertificateRef {
        site,
        certificate_id,
    } = certificate;
    // Platform scope: an admin's catalogue edit, whose compliance re-check spans tenants.
    let mut tx = call.state.db.platform_write_tx().await?;
    let site_id = site_named(&mut tx, site).await?.id;
    let removed = repo::delete_certification(&mut tx, site_id, certificate_id).await?;
    if removed == 0 {
        return Err(invalid(
            "certificate_id",
            format!("The site lists no certificate {certificate_id}."),
        )
        .into());
    }
    let summary = format!("Certificate {certificate_id} removed from {site}.");
    let revision = repo::bump_revision(&mut tx, Some(admin.user_id()), &summary).await?;
    let detail = json!({
        "change": "certification_removed",
        "site": site,
        "certificate_id": certificate_id,
        "revision": revision,
    });
    record_and_commit(tx, call, admin, "catalogue_changed", detail).await?;
    Ok(revision)
}
