//! Signing up: a new account, a new tenant pending verification and the
//! owner membership, in one transaction; then the person is signed in.

use serde_json::json;

use super::repo::{self, NewTenant};
use crate::domain::{
    slug::Slug,
    tenancy::{TenantRole, TenantStatus},
};
use crate::error::AppError;
use crate::features::tenants::types::SignUp;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{actor::ActiveTenant, throttle::CounterKey, SessionIdentity},
    context::RequestContext,
    db::{is_unique_violation, now_unix},
    error::{ServiceError, ServiceResult},
    identity::{self, repo as accounts},
    members::repo as members,
};

/// The message for an e-mail address that already has an account: it says no
/// more than that (not which organisations the account belongs to).
pub const DUPLICATE_EMAIL: &str =
    "An account with this e-mail address already exists; sign in instead.";

/// How many numbered suffixes are tried to make a tenant's slug unique.
const SLUG_ATTEMPTS: usize = 100;

/// `base`, or `base-2`, `base-3`, … cut so that it stays a valid slug.
fn numbered(base: &Slug, n: usize) -> Option<Slug> {
    if n < 2 {
        return Some(base.clone());
    }
    let suffix = format!("-{n}");
    let keep = 63usize.saturating_sub(suffix.len());
    let stem = base.as_str().get(..keep).unwrap_or(base.as_str());
    Slug::parse(&format!("{}{suffix}", stem.trim_end_matches('-'))).ok()
}

/// Creates the account, the pending tenant and the owner membership, audits
/// `signup`, and signs the person in under a fresh session id. Every attempt is first counted
/// per client address (`auth::throttle`), before anything is looked up or hashed.
pub async fn sign_up(ctx: &RequestContext, v: &SignUp) -> ServiceResult<()> {
    let state = &ctx.state;
    let address: Vec<_> = ctx
        .client_ip
        .iter()
        .map(|ip| CounterKey::signup_address(ip))
        .collect();
    state.throttle.admit(&state.db, &address).await?;
    let duplicate = || ServiceError::from(AppError::validation("email", DUPLICATE_EMAIL));

    // A cheap look first, so a duplicate does not cost a hash; checked again
    // inside the transaction (and by the unique index) against a race.
    {
        let mut conn = state.db.acquire().await?;
        if accounts::find_user_by_email(&mut conn, v.email.as_str())
            .await?
            .is_some()
        {
            return Err(duplicate());
        }
    }
    let hash = state.hashing.hash(v.password.expose_secret()).await?;

    // Platform scope: a new tenant has no scope yet, and its slug must be
    // unique among every tenant's.
    let mut tx = state.db.platform_write_tx().await?;
    if accounts::find_user_by_email(&mut tx, v.email.as_str())
        .await?
        .is_some()
    {
        return Err(duplicate());
    }
    let user_id =
        match accounts::insert_user(&mut tx, v.email.as_str(), v.name.as_str(), &hash, false).await
        {
            Ok(id) => id,
            Err(e) if is_unique_violation(&e) => return Err(duplicate()),
            Err(e) => return Err(e.into()),
        };
    let mut slug = None;
    for n in 1..=SLUG_ATTEMPTS {
        if let Some(candidate) = numbered(&v.slug, n) {
            if !repo::slug_taken(&mut tx, candidate.as_str()).await? {
                slug = Some(candidate);
                break;
            }
        }
    }
    let Some(slug) = slug else {
        return Err(AppError::validation(
            "org_name",
            "Too many organisations have a name like this one; please make it more specific.",
        )
        .into());
    };
    let tenant_id = repo::insert_pending_tenant(
        &mut tx,
        &NewTenant {
            slug: slug.as_str(),
            name: v.org_name.as_str(),
            kind: v.kind,
            country: v.country,
            registration_id: &v.registration_id,
            sector: v.sector,
            parent_country: v.parent_country,
        },
    )
    .await?;
    members::insert_membership(&mut tx, tenant_id, user_id, TenantRole::Owner).await?;
    audit::append(
        &mut tx,
        &AuditEvent::new("signup")
            .actor(user_id, v.email.as_str())
            .tenant(tenant_id)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "tenant_slug": slug.as_str(), "kind": v.kind.as_str() })),
    )
    .await?;
    tx.commit().await?;

    let identity = SessionIdentity {
        user_id,
        email: v.email.as_str().to_owned(),
        name: v.name.as_str().to_owned(),
        platform_admin: false,
        tenant: Some(ActiveTenant {
            id: tenant_id,
            slug: slug.as_str().to_owned(),
            name: v.org_name.as_str().to_owned(),
            role: TenantRole::Owner,
            status: TenantStatus::Pending,
        }),
        signed_in_at: now_unix(),
    };
    identity::sign_in_as(ctx, identity).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_slugs_stay_valid_and_short() {
        let base = Slug::parse(&"a".repeat(63)).unwrap();
        let n = numbered(&base, 12).unwrap();
        assert!(n.as_str().ends_with("-12") && n.as_str().len() <= 63);
        let base = Slug::parse("cnrs").unwrap();
        assert_eq!(numbered(&base, 1).unwrap().as_str(), "cnrs");
        assert_eq!(numbered(&base, 2).unwrap().as_str(), "cnrs-2");
    }
}
