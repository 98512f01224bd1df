//! Signing up: a new account, a new tenant pending verification and the
//! owner membership, in one transaction; then the person is signed in.

use serde_json::json;

use super::repo::{self, NewTenant};
use crate::domain::{
    country::CountryCode,
    email::Email,
    identity::{OrganisationName, PersonName, RegistrationId, Sector, TenantKind},
    password::Password,
    slug::Slug,
    tenancy::{TenantRole, TenantStatus},
};
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{actor::ActiveTenant, SessionIdentity},
    context::RequestContext,
    db::{is_unique_violation, now_unix},
    error::{ServiceError, ServiceResult},
    identity::{self, repo as accounts},
};

/// What the sign-up form sends, as typed.
#[derive(Debug, Clone, Default)]
pub struct SignUpForm {
    pub email: String,
    pub name: String,
    pub password: String,
    pub org_name: String,
    pub kind: String,
    pub country: String,
    pub registration_id: String,
    pub sector: String,
    pub parent_country: String,
}

/// The message for an e-mail address that already has an account: it says no
/// more than that (not which organisations the account belongs to).
pub const DUPLICATE_EMAIL: &str =
    "An account with this e-mail address already exists; sign in instead.";

/// How many numbered suffixes are tried to make a tenant's slug unique.
const SLUG_ATTEMPTS: usize = 100;

/// The form, checked field by field (the first invalid field answers).
struct Valid {
    email: Email,
    name: PersonName,
    password: Password,
    org_name: OrganisationName,
    slug: Slug,
    kind: TenantKind,
    country: CountryCode,
    registration_id: RegistrationId,
    sector: Sector,
    parent_country: CountryCode,
}

fn field<T>(name: &str, parsed: Result<T, String>) -> Result<T, AppError> {
    parsed.map_err(|message| AppError::validation(name, message))
}

fn validate(form: &SignUpForm) -> Result<Valid, AppError> {
    let email = field("email", Email::parse(&form.email))?;
    let name = field("name", PersonName::parse(&form.name))?;
    let password = field("password", Password::parse(&form.password))?;
    let org_name = field("org_name", OrganisationName::parse(&form.org_name))?;
    let slug = field("org_name", Slug::from_name(org_name.as_str()))?;
    let kind = field("kind", TenantKind::parse(&form.kind))?;
    let country = field("country", CountryCode::parse(&form.country))?;
    let registration_id = field(
        "registration_id",
        RegistrationId::parse(country.as_str(), &form.registration_id),
    )?;
    let sector = field("sector", Sector::parse(&form.sector))?;
    let parent_country = field("parent_country", CountryCode::parse(&form.parent_country))?;
    Ok(Valid {
        email,
        name,
        password,
        org_name,
        slug,
        kind,
        country,
        registration_id,
        sector,
        parent_country,
    })
}

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
/// `signup`, and signs the person in under a fresh session id.
pub async fn sign_up(ctx: &RequestContext, form: &SignUpForm) -> ServiceResult<()> {
    let state = &ctx.state;
    let v = validate(form)?;
    let duplicate = || ServiceError::from(AppError::validation("email", DUPLICATE_EMAIL));

    // A cheap look first, so a duplicate does not cost a hash; checked again
    // inside the transaction (and by the unique index) against a race.
    {
        let mut conn = state.db.pool().acquire().await?;
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
            kind: v.kind.as_str(),
            country: v.country.as_str(),
            registration_id: v.registration_id.as_str(),
            sector: v.sector.as_str(),
            parent_country: v.parent_country.as_str(),
        },
    )
    .await?;
    repo::insert_membership(&mut tx, tenant_id, user_id, TenantRole::Owner.as_str()).await?;
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

    fn good() -> SignUpForm {
        SignUpForm {
            email: "a@b.test".into(),
            name: "Ada".into(),
            password: "a long enough passphrase".into(),
            org_name: "Institut Test".into(),
            kind: "company".into(),
            country: "FR".into(),
            registration_id: "732 829 320".into(),
            sector: "health".into(),
            parent_country: "FR".into(),
        }
    }

    fn field_of(form: &SignUpForm) -> Option<String> {
        match validate(form) {
            Ok(_) => None,
            Err(AppError::Validation { field, .. }) => Some(field),
            Err(other) => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_complete_form_is_valid() {
        assert_eq!(field_of(&good()), None);
    }

    /// A field's name and a change that spoils it.
    type Spoil = (&'static str, fn(&mut SignUpForm));

    #[test]
    fn each_bad_field_is_named() {
        let cases: [Spoil; 6] = [
            ("email", |f| f.email = "nope".into()),
            ("password", |f| f.password = "short".into()),
            ("registration_id", |f| {
                f.registration_id = "732829321".into()
            }),
            ("kind", |f| f.kind = "club".into()),
            ("country", |f| f.country = "XX".into()),
            ("parent_country", |f| f.parent_country = "".into()),
        ];
        for (name, spoil) in cases {
            let mut form = good();
            spoil(&mut form);
            assert_eq!(field_of(&form).as_deref(), Some(name));
        }
    }

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
