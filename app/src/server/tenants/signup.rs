//! Signing up, in two steps, so that the answer never tells whether an address has an account.
//!
//! 1. [`sign_up`] takes the form. Whatever the address, it hashes the password and answers the
//!    same, creating nothing visible: for a new address it keeps the sign-up (in
//!    `signup_requests`, the password hashed and the link's token as its SHA-256) and e-mails a
//!    confirmation link, sealed in the outbox; for an address that has an account it e-mails
//!    that account's owner a notice instead.
//! 2. [`confirm_sign_up`], by whoever holds the link, creates the account, the tenant pending
//!    verification and the owner membership in one transaction, and signs the person in.

use crate::i18n::{td_string, Locale};
use serde_json::json;

use super::repo::{self, NewSignUpRequest, NewTenant, SignUpRequest};
use crate::domain::{
    slug::Slug,
    tenancy::{TenantRole, TenantStatus},
};
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{actor::ActiveTenant, throttle::CounterKey, SessionIdentity},
    context::RequestContext,
    db::{is_unique_violation, now_unix},
    error::ServiceResult,
    identity::{self, repo as accounts},
    members::repo as members,
    outbox,
    token::{hash_token, looks_like_token, new_token},
};
use crate::wire::tenants::SignUp;

/// How long a confirmation link works.
pub const SIGNUP_LIFETIME_SECS: i64 = 24 * 3600;

/// The confirmation page of a token.
pub fn confirmation_link(token: &str) -> String {
    format!("/signup/confirm/{token}")
}

/// What confirming answers when the address got an account meanwhile (only the holder of the
/// link, who reads that address's mail, sees it).
pub const ADDRESS_HAS_ACCOUNT: &str =
    "This address has an account already: sign in with it instead.";

/// The subject of the notice to an address that has an account.
pub const NOTICE_SUBJECT: &str = "Someone tried to sign up on Guichet with your address";

/// The subject of the confirmation e-mail.
pub const CONFIRMATION_SUBJECT: &str = "Confirm your address to finish signing up on Guichet";

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

fn notice_body(locale: Locale) -> String {
    td_string!(locale, mail.signup_notice_body).to_string()
}

fn confirmation_body(locale: Locale, v: &SignUp) -> String {
    crate::domain::format::fill(
        td_string!(locale, mail.signup_confirmation_body),
        &[
            ("name", &v.name.as_str()),
            ("org", &v.org_name.as_str()),
            ("link", &outbox::LINK),
        ],
    )
}

/// Takes a sign-up: the same answer, in about the same time (one password hash and one short
/// transaction either way), whether or not the address has an account. See the module. Every
/// attempt is first counted per client address (`auth::throttle`), before anything is looked
/// up or hashed.
pub async fn sign_up(ctx: &RequestContext, v: &SignUp) -> ServiceResult<()> {
    let state = &ctx.state;
    let address: Vec<_> = ctx
        .client_ip
        .iter()
        .map(|ip| CounterKey::signup_address(ip))
        .collect();
    state.throttle.admit(&state.db, &address).await?;
    let email = v.email.as_str();
    // Hashed whatever the address: an address with an account answers no faster.
    let password_hash = state.hashing.hash(v.password.expose_secret()).await?;

    // Platform scope: nothing here belongs to a tenant yet, and the audit rows are platform rows.
    let mut tx = state.db.platform_write_tx().await?;
    if accounts::find_user_by_email(&mut tx, email)
        .await?
        .is_some()
    {
        // The address has an account: its person's language.
        let locale = outbox::recipient_locale(&mut tx, email).await?;
        outbox::queue(
            &mut tx,
            crate::domain::mail::MailCategory::Security,
            email,
            td_string!(locale, mail.signup_notice_subject),
            &notice_body(locale),
        )
        .await?;
        audit::append(
            &mut tx,
            &AuditEvent::new("signup_existing_address")
                .failed()
                .ip(ctx.client_ip.as_deref())
                .detail(json!({ "email": email })),
        )
        .await?;
    } else {
        let token = new_token();
        let request_id = repo::insert_signup_request(
            &mut tx,
            &NewSignUpRequest {
                email,
                token_hash: &hash_token(&token),
                name: v.name.as_str(),
                password_hash: &password_hash,
                org_name: v.org_name.as_str(),
                slug: v.slug.as_str(),
                kind: v.kind,
                country: v.country,
                registration_id: &v.registration_id,
                sector: v.sector,
                parent_country: v.parent_country,
                expires_at: now_unix() + SIGNUP_LIFETIME_SECS,
            },
        )
        .await?;
        outbox::queue_with_secret_link(
            &mut tx,
            &state.outbox_key,
            email,
            td_string!(crate::locale::current(), mail.signup_confirmation_subject),
            &confirmation_body(crate::locale::current(), v),
            &confirmation_link(&token),
        )
        .await?;
        audit::append(
            &mut tx,
            &AuditEvent::new("signup_requested")
                .ip(ctx.client_ip.as_deref())
                .detail(json!({ "email": email, "signup_request_id": request_id })),
        )
        .await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Confirms a sign-up by the token of its link: creates the account, the pending tenant and
/// the owner membership, audits `signup`, and signs the person in under a fresh session id. The
/// token works once; an unknown or expired one is *not found*.
pub async fn confirm_sign_up(ctx: &RequestContext, token: &str) -> ServiceResult<()> {
    if !looks_like_token(token) {
        return Err(AppError::NotFound.into());
    }
    // Platform scope: a new tenant has no scope yet, and its slug must be unique among every
    // tenant's.
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let pending = repo::find_signup_request(&mut tx, &hash_token(token))
        .await?
        .ok_or(AppError::NotFound)?;
    // Every sign-up of this address goes: this one is used, the others could only fail.
    repo::delete_signup_requests_of(&mut tx, &pending.email).await?;
    if accounts::find_user_by_email(&mut tx, &pending.email)
        .await?
        .is_some()
    {
        tx.commit().await?;
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.address_has_account
        ))
        .into());
    }
    let (user_id, tenant) = create_account_and_tenant(ctx, &mut tx, &pending).await?;
    tx.commit().await?;

    let identity = SessionIdentity {
        user_id,
        email: pending.email,
        name: pending.name,
        platform_admin: false,
        tenant: Some(tenant),
        signed_in_at: now_unix(),
        second_factor_at: None,
    };
    identity::sign_in_as(ctx, identity).await
}

/// The account, the pending tenant (its slug made unique) and the owner membership, audited.
async fn create_account_and_tenant(
    ctx: &RequestContext,
    tx: &mut sqlx::AnyConnection,
    p: &SignUpRequest,
) -> ServiceResult<(i64, ActiveTenant)> {
    let user_id = match accounts::insert_user(tx, &p.email, &p.name, &p.password_hash, false).await
    {
        Ok(id) => id,
        Err(e) if is_unique_violation(&e) => {
            return Err(AppError::conflict(td_string!(
                crate::locale::current(),
                server.address_has_account
            ))
            .into())
        }
        Err(e) => return Err(e.into()),
    };
    accounts::set_seen_language(tx, user_id, crate::locale::current()).await?;
    let mut slug = None;
    for n in 1..=SLUG_ATTEMPTS {
        if let Some(candidate) = numbered(&p.slug, n) {
            if !repo::slug_taken(tx, candidate.as_str()).await? {
                slug = Some(candidate);
                break;
            }
        }
    }
    let Some(slug) = slug else {
        return Err(AppError::conflict(td_string!(
            crate::locale::current(),
            server.too_many_similar_orgs
        ))
        .into());
    };
    let tenant_id = repo::insert_pending_tenant(
        tx,
        &NewTenant {
            slug: slug.as_str(),
            name: &p.org_name,
            kind: p.kind,
            country: p.country,
            registration_id: &p.registration_id,
            sector: p.sector,
            parent_country: p.parent_country,
        },
    )
    .await?;
    members::insert_membership(tx, tenant_id, user_id, TenantRole::Owner).await?;
    audit::append(
        tx,
        &AuditEvent::new("signup")
            .actor(user_id, &p.email)
            .tenant(tenant_id)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({
                "tenant_slug": slug.as_str(),
                "kind": p.kind.as_str(),
                "signup_request_id": p.id,
            })),
    )
    .await?;
    Ok((
        user_id,
        ActiveTenant {
            id: tenant_id,
            slug: slug.as_str().to_owned(),
            name: p.org_name.clone(),
            role: TenantRole::Owner,
            status: TenantStatus::Pending,
        },
    ))
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
