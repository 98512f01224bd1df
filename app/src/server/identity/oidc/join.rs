//! Joining the organisation an identity provider vouches for: an operator ties a provider's
//! e-mail domains to verified organisations (`ProviderSettings::tenants`); a person signed in
//! through that provider, whose proven address is in such a domain and who does not belong to the
//! organisation, is offered to ask to join it ([`offers`], [`ask`]); the organisation's owners
//! accept (the person becomes a member) or refuse ([`decide`]). Each step is audited and the
//! people concerned are e-mailed.

use serde_json::json;

use super::repo;
use crate::domain::federation::{JoinOfferView, JoinRequestView};
use crate::domain::{mail::MailCategory, tenancy::TenantRole};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::server::{
    audit::{self, AuditEvent},
    auth::{CurrentUser, TenantActor},
    context::Call,
    db::is_unique_violation,
    error::ServiceResult,
    members::repo as members,
    outbox,
    requests::repo as people,
};

/// An organisation the person may ask to join: what they see, and the ids behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Offer {
    pub view: JoinOfferView,
    provider_id: String,
    tenant_id: i64,
}

/// The organisations the signed-in person may ask to join now (see the module).
pub async fn offers(call: &Call<'_>, user: &CurrentUser) -> ServiceResult<Vec<Offer>> {
    let providers = &call.state.providers;
    if providers.all().iter().all(|p| p.tenants.is_empty()) {
        return Ok(Vec::new());
    }
    // Platform scope: the organisations are not the person's (yet).
    let mut tx = call.state.db.platform_tx().await?;
    if !super::verification::is_proven(&mut tx, user.user_id()).await? {
        return Ok(Vec::new());
    }
    let email = &user.identity.email;
    let domain = email.rsplit_once('@').map(|(_, d)| d).unwrap_or("");
    let mut found = Vec::new();
    for identity in repo::identities_of_user(&mut tx, user.user_id()).await? {
        let Some(provider) = providers.get(&identity.provider) else {
            continue;
        };
        let Some(slug) = provider.tenants.get(domain) else {
            continue;
        };
        let Some((tenant_id, tenant_name)) = repo::joinable_tenant(&mut tx, slug).await? else {
            continue;
        };
        if found.iter().any(|o: &Offer| o.tenant_id == tenant_id)
            || repo::member_or_asking(&mut tx, tenant_id, user.user_id()).await?
        {
            continue;
        }
        found.push(Offer {
            view: JoinOfferView {
                tenant_slug: slug.clone(),
                tenant_name,
                provider: provider.display_name.clone(),
            },
            provider_id: provider.id.clone(),
            tenant_id,
        });
    }
    tx.commit().await?;
    Ok(found)
}

/// Asks to join the organisation `tenant_slug`, which must be among the person's [`offers`]
/// (else not found); its owners are e-mailed.
pub async fn ask(call: &Call<'_>, user: &CurrentUser, tenant_slug: &str) -> ServiceResult<()> {
    let offer = offers(call, user)
        .await?
        .into_iter()
        .find(|o| o.view.tenant_slug == tenant_slug)
        .ok_or(AppError::NotFound)?;
    // Platform scope: the person does not belong to the organisation whose row this is.
    let mut tx = call.state.db.platform_write_tx().await?;
    let id = match repo::insert_join_request(
        &mut tx,
        offer.tenant_id,
        user.user_id(),
        &offer.provider_id,
    )
    .await
    {
        Ok(id) => id,
        // Asked twice at once: the first one waits.
        Err(e) if is_unique_violation(&e) => return Ok(()),
        Err(e) => return Err(e.into()),
    };
    for (_, owner) in people::owners(&mut tx, offer.tenant_id).await? {
        let locale = outbox::recipient_locale(&mut tx, &owner).await?;
        let body = crate::domain::format::fill(
            td_string!(locale, mail.join_request_body),
            &[
                ("name", &user.identity.name),
                ("email", &user.identity.email),
                ("tenant", &offer.view.tenant_name),
                ("provider", &offer.view.provider),
            ],
        );
        let subject = crate::domain::format::fill(
            td_string!(locale, mail.join_request_subject),
            &[("name", &user.identity.name)],
        );
        outbox::queue(&mut tx, MailCategory::Account, &owner, &subject, &body).await?;
    }
    audit::append(
        &mut tx,
        &AuditEvent::new("join_requested")
            .actor(user.user_id(), &user.identity.email)
            .tenant(offer.tenant_id)
            .ip(call.client_ip)
            .detail(json!({ "join_request_id": id, "provider": offer.provider_id })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}

/// The open requests to join the actor's organisation (its owners'), oldest first.
pub async fn open_requests(
    call: &Call<'_>,
    actor: &TenantActor,
) -> ServiceResult<Vec<JoinRequestView>> {
    let mut tx = call.state.db.tenant_tx(&actor.scope()).await?;
    let rows = repo::open_join_requests(&mut tx, actor.tenant_id()).await?;
    tx.commit().await?;
    let providers = &call.state.providers;
    Ok(rows
        .into_iter()
        .map(|r| JoinRequestView {
            provider: providers
                .get(&r.provider)
                .map_or(r.provider.clone(), |p| p.display_name.clone()),
            id: r.id,
            name: r.name,
            email: r.email,
            asked_at: r.created_at,
        })
        .collect())
}

/// An owner accepts (the person becomes a member) or refuses a request to join; the person is
/// e-mailed. A request decided already, or of another organisation, is not found.
pub async fn decide(
    call: &Call<'_>,
    actor: &TenantActor,
    request_id: i64,
    accept: bool,
) -> ServiceResult<()> {
    let mut tx = call.state.db.tenant_write_tx(&actor.scope()).await?;
    let request = repo::decide_join_request(
        &mut tx,
        actor.tenant_id(),
        request_id,
        actor.user_id(),
        accept,
    )
    .await?
    .ok_or(AppError::NotFound)?;
    let tenant_name = members::tenant_name(&mut tx, actor.tenant_id())
        .await?
        .ok_or(AppError::NotFound)?;
    if accept {
        match members::insert_membership(
            &mut tx,
            actor.tenant_id(),
            request.user_id,
            TenantRole::Member,
        )
        .await
        {
            Ok(()) => {}
            // A member meanwhile (an invitation): nothing more to do.
            Err(e) if is_unique_violation(&e) => {}
            Err(e) => return Err(e.into()),
        }
    }
    let locale = outbox::recipient_locale(&mut tx, &request.email).await?;
    let (subject, body) = if accept {
        (
            td_string!(locale, mail.join_accepted_subject),
            td_string!(locale, mail.join_accepted_body),
        )
    } else {
        (
            td_string!(locale, mail.join_refused_subject),
            td_string!(locale, mail.join_refused_body),
        )
    };
    let fill = |text: &str| {
        crate::domain::format::fill(text, &[("name", &request.name), ("tenant", &tenant_name)])
    };
    let (subject, body) = (fill(subject), fill(body));
    outbox::queue(
        &mut tx,
        MailCategory::Account,
        &request.email,
        &subject,
        &body,
    )
    .await?;
    audit::append(
        &mut tx,
        &AuditEvent::new(if accept { "join_accepted" } else { "join_refused" })
            .actor(actor.user_id(), actor.email())
            .tenant(actor.tenant_id())
            .ip(call.client_ip)
            .detail(json!({ "join_request_id": request_id, "user_id": request.user_id, "email": request.email })),
    )
    .await?;
    tx.commit().await?;
    Ok(())
}
