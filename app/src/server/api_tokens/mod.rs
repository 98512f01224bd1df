//! Personal access tokens: made on the account page, used by programs on `/api/v1`.
//!
//! A secret is `gch_` and 43 URL-safe characters (32 random bytes: 256 bits), shown once; only
//! its SHA-256 is stored. At each call, [`authenticate`] reads the token, its person and the
//! person's *current* role in the token's tenant (or their platform-admin flag): a token never
//! does more than its scope, nor more than its person may do today. Signing out everywhere
//! revokes every token of the person.

use crate::i18n::td_string;
use serde_json::json;
use time::{Duration, Time};

use crate::domain::api_tokens::{scope_error, TokenBinding, TokenScope};
use crate::domain::dates::iso_date;
use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{ApiCaller, CurrentUser},
    db::{now_unix, TenantScope},
    error::ServiceResult,
    identity::repo as accounts,
    state::AppState,
    token::{hash_token, looks_like_token, new_token},
};
use crate::wire::api_tokens::{
    BindingChoice, BindingOption, CreatedToken, NewTokenInput, TokenState, TokenView, TokensPage,
    PLATFORM_CHOICE,
};

pub mod repo;

/// What every secret starts with, so that a leaked one is recognised (by a person, or a secret
/// scanner).
pub const SECRET_PREFIX: &str = "gch_";

/// How many characters of a secret are kept to tell tokens apart (`gch_` and six more).
const SHOWN_PREFIX: usize = 10;

/// The most live tokens a person holds at once.
const MAX_LIVE_TOKENS: usize = 50;

/// A use is written down at most this often per token (seconds), unless the address changed.
const TOUCH_EVERY: i64 = 60;

/// The form's default lifetime.
const DEFAULT_DAYS: i64 = 90;

/// The person's tokens, and where they may make new ones.
pub async fn page(
    state: &AppState,
    user: &CurrentUser,
    today: time::Date,
) -> ServiceResult<TokensPage> {
    let memberships = {
        // Platform scope: a person's memberships span tenants.
        let mut tx = state.db.platform_tx().await?;
        let memberships = accounts::memberships_of(&mut tx, user.user_id()).await?;
        tx.commit().await?;
        memberships
    };
    let rows = {
        // Tokens are their person's, not tenant-owned: the bare pool.
        let mut conn = state.db.acquire().await?;
        repo::list_of_user(&mut conn, user.user_id()).await?
    };
    let zone = crate::server::time_zone::of_person(state, user.user_id()).await?;
    let now = now_unix();
    let name_of = |binding: TokenBinding| match binding {
        TokenBinding::Platform => {
            td_string!(crate::locale::current(), server.binding_platform).to_owned()
        }
        TokenBinding::Tenant(id) => memberships.iter().find(|t| t.id == id).map_or_else(
            || td_string!(crate::locale::current(), server.binding_left_org).to_owned(),
            |t| t.name.clone(),
        ),
    };
    let tokens = rows
        .into_iter()
        .map(|t| TokenView {
            id: t.id,
            name: t.name,
            acts_for: name_of(t.binding),
            scope: t.scope,
            prefix: t.prefix,
            created_at: t.created_at,
            expires_at: t.expires_at,
            last_used: t.last_used_at.map(|at| zone.at(at)),
            last_used_ip: t.last_used_ip,
            state: if t.revoked_at.is_some() {
                TokenState::Revoked
            } else if t.expires_at <= now {
                TokenState::Expired
            } else {
                TokenState::Live
            },
        })
        .collect();
    let mut options: Vec<BindingOption> = memberships
        .into_iter()
        .map(|t| BindingOption {
            value: t.slug,
            label: t.name,
            read_only: !t.role.can_write(),
        })
        .collect();
    if user.identity.platform_admin {
        options.push(BindingOption {
            value: PLATFORM_CHOICE.to_owned(),
            label: td_string!(crate::locale::current(), server.binding_platform_admin).to_owned(),
            read_only: false,
        });
    }
    Ok(TokensPage {
        tokens,
        options,
        default_expiry: iso_date(today + Duration::days(DEFAULT_DAYS)),
        latest_expiry: iso_date(today + Duration::days(crate::domain::api_tokens::MAX_TOKEN_DAYS)),
    })
}

/// Makes a token for the person; its secret, which is never readable again.
pub async fn create(
    state: &AppState,
    user: &CurrentUser,
    input: &NewTokenInput,
    ip: Option<&str>,
) -> ServiceResult<CreatedToken> {
    let binding = match &input.binding {
        // A platform (admin) token: platform admins, with a fresh second-factor code.
        BindingChoice::Platform => match user.as_recently_confirmed_admin(state) {
            Ok(_) => TokenBinding::Platform,
            Err(AppError::Forbidden) => {
                return Err(AppError::validation(
                    "tenant",
                    td_string!(crate::locale::current(), server.only_admins_platform_tokens),
                )
                .into())
            }
            Err(other) => return Err(other.into()),
        },
        BindingChoice::Tenant(slug) => {
            // Platform scope: the membership check is the query's `user_id` filter.
            let mut tx = state.db.platform_tx().await?;
            let membership = accounts::membership_by_slug(&mut tx, user.user_id(), slug).await?;
            tx.commit().await?;
            let Some(m) = membership else {
                return Err(AppError::validation(
                    "tenant",
                    td_string!(crate::locale::current(), server.not_member_choose_yours),
                )
                .into());
            };
            if input.scope == TokenScope::Write && m.tenant.role == TenantRole::Auditor {
                return Err(AppError::validation(
                    "scope",
                    crate::domain::format::fill(
                        td_string!(crate::locale::current(), server.auditor_only_reads),
                        &[("tenant", &m.tenant.name)],
                    ),
                )
                .into());
            }
            TokenBinding::Tenant(m.tenant.id)
        }
    };
    if let Some(message) = scope_error(binding, input.scope) {
        return Err(AppError::validation("scope", message).into());
    }
    let secret = format!("{SECRET_PREFIX}{}", new_token());
    let now = now_unix();
    let expires_at = end_of(input.last_day);
    let mut tx = match binding {
        TokenBinding::Tenant(id) => {
            state
                .db
                .tenant_write_tx(&TenantScope::whole_tenant(id))
                .await?
        }
        // Platform scope: a platform token's audit event is the platform's.
        TokenBinding::Platform => state.db.platform_write_tx().await?,
    };
    let live = repo::list_of_user(&mut tx, user.user_id())
        .await?
        .iter()
        .filter(|t| t.revoked_at.is_none() && t.expires_at > now)
        .count();
    if live >= MAX_LIVE_TOKENS {
        return Err(AppError::conflict(crate::domain::format::fill(
            td_string!(crate::locale::current(), server.too_many_tokens),
            &[("n", &MAX_LIVE_TOKENS)],
        ))
        .into());
    }
    let id = repo::insert(
        &mut tx,
        &repo::NewToken {
            user_id: user.user_id(),
            binding,
            name: &input.name,
            scope: input.scope,
            prefix: &secret[..SHOWN_PREFIX],
            secret_hash: &hash_token(&secret),
            created_at: now,
            expires_at,
        },
    )
    .await?;
    let mut event = AuditEvent::new("api_token_created")
        .actor(user.user_id(), &user.identity.email)
        .ip(ip)
        .detail(json!({
            "token_id": id,
            "name": input.name,
            "scope": input.scope.as_str(),
            "expires_at": expires_at,
        }));
    if let TokenBinding::Tenant(tenant_id) = binding {
        event = event.tenant(tenant_id);
    }
    audit::append(&mut tx, &event).await?;
    tx.commit().await?;
    Ok(CreatedToken {
        id,
        name: input.name.clone(),
        secret,
    })
}

/// The first second after `last_day` (UTC): when a token that works through that day expires.
fn end_of(last_day: time::Date) -> i64 {
    (last_day + Duration::days(1))
        .with_time(Time::MIDNIGHT)
        .assume_utc()
        .unix_timestamp()
}

/// Revokes one of the person's tokens. Another person's token is `NotFound`; revoking one twice
/// changes nothing.
pub async fn revoke(
    state: &AppState,
    user: &CurrentUser,
    token_id: i64,
    ip: Option<&str>,
) -> ServiceResult<()> {
    let token = {
        let mut conn = state.db.acquire().await?;
        repo::find_of_user(&mut conn, user.user_id(), token_id)
            .await?
            .ok_or(AppError::NotFound)?
    };
    let mut tx = match token.binding {
        TokenBinding::Tenant(id) => {
            state
                .db
                .tenant_write_tx(&TenantScope::whole_tenant(id))
                .await?
        }
        // Platform scope: a platform token's audit event is the platform's.
        TokenBinding::Platform => state.db.platform_write_tx().await?,
    };
    if repo::revoke(&mut tx, user.user_id(), token_id, now_unix()).await? {
        let mut event = AuditEvent::new("api_token_revoked")
            .actor(user.user_id(), &user.identity.email)
            .ip(ip)
            .detail(json!({ "token_id": token_id, "name": token.name }));
        if let TokenBinding::Tenant(tenant_id) = token.binding {
            event = event.tenant(tenant_id);
        }
        audit::append(&mut tx, &event).await?;
    }
    tx.commit().await?;
    Ok(())
}

/// Revokes every live token of the person, in `conn`'s transaction (signed out everywhere); how
/// many.
pub async fn revoke_all_of(conn: &mut sqlx::AnyConnection, user_id: i64) -> ServiceResult<u64> {
    Ok(repo::revoke_all_of(conn, user_id, now_unix()).await?)
}

/// The caller behind an `Authorization` header: `Unauthenticated` for no header, another scheme,
/// a malformed, unknown, revoked or expired token, and for a token whose person has since left
/// its tenant or lost the platform-admin role.
pub async fn authenticate(
    state: &AppState,
    authorization: Option<&str>,
    ip: Option<&str>,
) -> ServiceResult<ApiCaller> {
    let secret = authorization
        .and_then(|h| h.strip_prefix("Bearer "))
        .map(str::trim)
        .and_then(|s| {
            s.strip_prefix(SECRET_PREFIX)
                .filter(|rest| looks_like_token(rest))
                .map(|_| s)
        })
        .ok_or(AppError::Unauthenticated)?;
    let now = now_unix();
    // Tokens and users are not tenant-owned: the bare pool, as for sessions.
    let mut conn = state.db.acquire().await?;
    let token = repo::find_by_hash(&mut conn, &hash_token(secret))
        .await?
        .filter(|t| t.revoked_at.is_none() && t.expires_at > now)
        .ok_or(AppError::Unauthenticated)?;
    let user = accounts::find_user_by_id(&mut conn, token.user_id)
        .await?
        .ok_or(AppError::Unauthenticated)?;
    let tenant = match token.binding {
        TokenBinding::Platform if user.platform_admin == 1 => None,
        TokenBinding::Platform => return Err(AppError::Unauthenticated.into()),
        TokenBinding::Tenant(tenant_id) => {
            drop(conn);
            let mut tx = state
                .db
                .tenant_tx(&TenantScope::whole_tenant(tenant_id))
                .await?;
            let membership = accounts::membership_by_tenant_id(&mut tx, user.id, tenant_id).await?;
            tx.commit().await?;
            conn = state.db.acquire().await?;
            Some(membership.ok_or(AppError::Unauthenticated)?.tenant)
        }
    };
    let stale = token.last_used_at.is_none_or(|at| now - at >= TOUCH_EVERY);
    if stale || token.last_used_ip.as_deref() != ip {
        repo::touch(&mut conn, token.id, now, ip).await?;
    }
    Ok(ApiCaller::new(
        token.id,
        user.id,
        user.email,
        user.name,
        token.scope,
        tenant,
    ))
}
