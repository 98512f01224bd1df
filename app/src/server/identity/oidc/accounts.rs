//! Who a provider signs in or links, once [`super::flow`] checked what it says: see the module
//! documentation of [`super`]. Also the account page's view of a person's providers.

use serde_json::json;

use super::{
    flow::Claims, refused, repo, verification, Failure, Finished, FlowError, LinkedIdentity,
    ProviderSettings, Providers,
};
use crate::domain::federation::ProviderChoice;
use crate::server::identity::{login, repo as accounts};
use crate::server::{
    audit::{self, AuditEvent},
    auth::CurrentUser,
    context::RequestContext,
    db::is_unique_violation,
    error::ServiceResult,
};

/// Links the provider's identity to the signed-in person (who started the flow).
pub(super) async fn link_to(
    ctx: &RequestContext,
    provider: &ProviderSettings,
    user_id: i64,
    claims: &Claims,
) -> Result<Finished, FlowError> {
    let user = CurrentUser::from_session(ctx.session.clone(), &ctx.state)
        .await
        .map_err(|_| Failure::StaleFlow)?;
    if user.user_id() != user_id {
        return Err(Failure::StaleFlow.into());
    }
    let mut tx = ctx.state.db.platform_write_tx().await?;
    if let Some(existing) = repo::identity_of(&mut tx, &provider.id, &claims.subject).await? {
        if existing.user_id == user_id {
            return Ok(Finished::Linked);
        }
        drop(tx);
        return Err(refused(
            ctx,
            &provider.id,
            Failure::LinkedElsewhere,
            "linked to another account",
        )
        .await);
    }
    match repo::link(
        &mut tx,
        user_id,
        &provider.id,
        &claims.subject,
        claims.email.as_str(),
    )
    .await
    {
        Ok(_) => {}
        // This provider is linked already, with another of the person's identities there.
        Err(e) if is_unique_violation(&e) => {
            drop(tx);
            return Err(refused(
                ctx,
                &provider.id,
                Failure::LinkedElsewhere,
                "the account has this provider linked",
            )
            .await);
        }
        Err(e) => return Err(e.into()),
    }
    audit::append(
        &mut tx,
        &AuditEvent::new("oidc_linked")
            .actor(user_id, &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "provider": provider.id, "email": claims.email.as_str() })),
    )
    .await?;
    tell_of_a_link(&mut tx, &user.identity.email, &user.identity.name, provider).await?;
    tx.commit().await?;
    Ok(Finished::Linked)
}

/// E-mails the person that a provider now signs them in (a link they did not make is seen).
async fn tell_of_a_link(
    tx: &mut sqlx::AnyConnection,
    email: &str,
    name: &str,
    provider: &ProviderSettings,
) -> Result<(), sqlx::Error> {
    let locale = crate::server::outbox::recipient_locale(tx, email).await?;
    let body = crate::domain::format::fill(
        crate::i18n::td_string!(locale, mail.provider_linked_body),
        &[("name", &name), ("provider", &provider.display_name)],
    );
    crate::server::outbox::queue(
        tx,
        crate::domain::mail::MailCategory::Security,
        email,
        crate::i18n::td_string!(locale, mail.provider_linked_subject),
        &body,
    )
    .await
}

/// Signs in the person the provider vouches for; see the module for who that is.
pub(super) async fn sign_in_with(
    ctx: &RequestContext,
    provider: &ProviderSettings,
    claims: &Claims,
    next: String,
) -> Result<Finished, FlowError> {
    let state = &ctx.state;
    // Platform scope: accounts and identities are not tenant-owned.
    let mut tx = state.db.platform_write_tx().await?;
    let user_id = match repo::identity_of(&mut tx, &provider.id, &claims.subject).await? {
        Some(identity) => {
            repo::mark_used(&mut tx, identity.id, claims.email.as_str()).await?;
            identity.user_id
        }
        None => match accounts::find_user_by_email(&mut tx, claims.email.as_str()).await? {
            Some(user) if claims.verified => {
                repo::link(
                    &mut tx,
                    user.id,
                    &provider.id,
                    &claims.subject,
                    claims.email.as_str(),
                )
                .await?;
                audit::append(
                    &mut tx,
                    &AuditEvent::new("oidc_linked")
                        .actor(user.id, &user.email)
                        .ip(ctx.client_ip.as_deref())
                        .detail(json!({ "provider": provider.id, "by": "verified e-mail" })),
                )
                .await?;
                tell_of_a_link(&mut tx, &user.email, &user.name, provider).await?;
                user.id
            }
            Some(_) => {
                drop(tx);
                return Err(refused(
                    ctx,
                    &provider.id,
                    Failure::AccountExists,
                    "an account has this address",
                )
                .await);
            }
            None => create_account(ctx, &mut tx, provider, claims).await?,
        },
    };
    tx.commit().await?;

    let user = {
        let mut conn = state.db.acquire().await?;
        accounts::find_user_by_id(&mut conn, user_id).await?
    }
    .ok_or(crate::error::AppError::NotFound)?;
    if user.disabled_at.is_some() {
        return Err(refused(ctx, &provider.id, Failure::Disabled, "account disabled").await);
    }
    match login::after_first_factor(ctx, &user, false, Some(&provider.id)).await? {
        login::SignInNext::SignedIn { language } => Ok(Finished::SignedIn { next, language }),
        login::SignInNext::SecondFactor => Ok(Finished::SecondFactor { next }),
    }
}

/// Makes the account of a person a provider vouches for, linked to their identity; an address
/// nobody proved gets a confirmation link.
async fn create_account(
    ctx: &RequestContext,
    tx: &mut sqlx::AnyConnection,
    provider: &ProviderSettings,
    claims: &Claims,
) -> Result<i64, FlowError> {
    // A password nobody knows: the person signs in through the provider, or sets one with a
    // reset link.
    let unusable = ctx
        .state
        .hashing
        .hash(&crate::server::token::new_token())
        .await?;
    let email = claims.email.as_str();
    let user_id =
        repo::insert_federated_user(tx, email, &claims.name, &unusable, !claims.verified).await?;
    repo::link(tx, user_id, &provider.id, &claims.subject, email).await?;
    audit::append(
        tx,
        &AuditEvent::new("signup_federated")
            .actor(user_id, email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "provider": provider.id, "email_verified": claims.verified })),
    )
    .await?;
    if !claims.verified {
        verification::send_link(ctx, tx, user_id, email, &claims.name).await?;
    }
    Ok(user_id)
}

/// A person's ways of signing in, for their account page.
pub struct SignInMethods {
    /// Whether their address is proven.
    pub email_confirmed: bool,
    /// The providers linked, each with its display name in `provider`.
    pub linked: Vec<LinkedIdentity>,
    /// The providers they may link still.
    pub to_link: Vec<ProviderChoice>,
}

/// The person's linked providers, and the others they may link.
pub async fn sign_in_methods(
    ctx: &RequestContext,
    user: &CurrentUser,
) -> ServiceResult<SignInMethods> {
    let mut conn = ctx.state.db.acquire().await?;
    let email_confirmed = verification::is_proven(&mut conn, user.user_id()).await?;
    let mut linked = repo::identities_of_user(&mut conn, user.user_id()).await?;
    drop(conn);
    let providers = &ctx.state.providers;
    let to_link = choices(providers)
        .into_iter()
        .filter(|c| !linked.iter().any(|l| l.provider == c.id))
        .collect();
    for l in &mut linked {
        if let Some(p) = providers.get(&l.provider) {
            l.provider = p.display_name.clone();
        }
    }
    Ok(SignInMethods {
        email_confirmed,
        linked,
        to_link,
    })
}

/// The providers people may sign in with, as the sign-in page offers them.
pub fn choices(providers: &Providers) -> Vec<ProviderChoice> {
    providers
        .all()
        .iter()
        .map(|p| ProviderChoice {
            id: p.id.clone(),
            name: p.display_name.clone(),
        })
        .collect()
}

/// Unlinks one of the person's providers (`id` of the link): audited. Someone else's link is
/// not found.
pub async fn unlink(ctx: &RequestContext, user: &CurrentUser, id: i64) -> ServiceResult<()> {
    let mut tx = ctx.state.db.platform_write_tx().await?;
    let provider = repo::unlink(&mut tx, user.user_id(), id)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    audit::append(
        &mut tx,
        &AuditEvent::new("oidc_unlinked")
            .actor(user.user_id(), &user.identity.email)
            .ip(ctx.client_ip.as_deref())
            .detail(json!({ "provider": provider })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
