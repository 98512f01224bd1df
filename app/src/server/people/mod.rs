//! The platform admins' administration of people: the directory (`/admin/people`), platform
//! admin granted and revoked (never the last active one), and accounts disabled (their sessions
//! and API tokens ended at once) and enabled again. Each change is audited and e-mailed to the
//! person concerned.

use serde_json::json;

use crate::domain::mail::MailCategory;
use crate::domain::tenancy::TenantRole;
use crate::error::AppError;
use crate::i18n::{td_string, Locale};
use crate::server::{
    api_tokens,
    audit::{self, AuditEvent},
    auth::AdminActor,
    context::RequestContext,
    error::ServiceResult,
    identity, outbox,
    state::AppState,
    time_zone,
};
use crate::wire::people::{PeoplePage, PersonTenant, PersonView};

pub mod repo;

/// People a directory page lists.
pub const PEOPLE_PAGE_SIZE: u32 = 50;

/// One page of the people whose name or address holds `search`, by name.
pub async fn directory(
    state: &AppState,
    admin: &AdminActor,
    search: &str,
    page: u32,
) -> ServiceResult<PeoplePage> {
    let zone = time_zone::of_person(state, admin.user_id()).await?;
    let size = i64::from(PEOPLE_PAGE_SIZE);
    // Platform scope: the directory lists every person and every membership.
    let mut tx = state.db.platform_tx().await?;
    let rows = repo::people(&mut tx, search.trim(), size + 1, i64::from(page) * size).await?;
    tx.commit().await?;
    let mut people: Vec<PersonView> = Vec::new();
    for row in rows {
        if people.last().is_none_or(|p| p.id != row.id) {
            people.push(PersonView {
                id: row.id,
                name: row.name,
                email: row.email,
                platform_admin: row.platform_admin == 1,
                disabled: row.disabled_at.is_some(),
                second_factor: row.second_factor > 0,
                last_sign_in: row.last_sign_in.map(|at| zone.at(at)),
                tenants: Vec::new(),
                me: row.id == admin.user_id(),
            });
        }
        if let (Some(name), Some(role), Some(person)) =
            (row.tenant_name, row.role, people.last_mut())
        {
            let role = TenantRole::parse(&role).map_err(|_| AppError::Internal)?;
            person.tenants.push(PersonTenant { name, role });
        }
    }
    let keep = usize::try_from(PEOPLE_PAGE_SIZE).unwrap_or(usize::MAX);
    let has_more = people.len() > keep;
    people.truncate(keep);
    Ok(PeoplePage {
        people,
        page,
        has_more,
    })
}

/// What an admin does to an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AccountChange {
    GrantAdmin,
    RevokeAdmin,
    Disable,
    Enable,
}

impl AccountChange {
    /// Parses the directory form's `change` field.
    pub fn parse(s: &str) -> Result<Self, String> {
        match s.trim() {
            "grant_admin" => Ok(Self::GrantAdmin),
            "revoke_admin" => Ok(Self::RevokeAdmin),
            "disable" => Ok(Self::Disable),
            "enable" => Ok(Self::Enable),
            _ => Err(td_string!(crate::locale::current(), people.unknown_change).to_owned()),
        }
    }

    fn event(self) -> &'static str {
        match self {
            Self::GrantAdmin => "platform_admin_granted",
            Self::RevokeAdmin => "platform_admin_revoked",
            Self::Disable => "account_disabled",
            Self::Enable => "account_enabled",
        }
    }

    fn mail(self, locale: Locale) -> (&'static str, &'static str) {
        match self {
            Self::GrantAdmin => (
                td_string!(locale, mail.admin_granted_subject),
                td_string!(locale, mail.admin_granted_body),
            ),
            Self::RevokeAdmin => (
                td_string!(locale, mail.admin_revoked_subject),
                td_string!(locale, mail.admin_revoked_body),
            ),
            Self::Disable => (
                td_string!(locale, mail.account_disabled_subject),
                td_string!(locale, mail.account_disabled_body),
            ),
            Self::Enable => (
                td_string!(locale, mail.account_enabled_subject),
                td_string!(locale, mail.account_enabled_body),
            ),
        }
    }
}

/// Makes `change` to person `user_id`'s account. Refused (409, nothing written) when it would
/// leave no active platform admin, when an admin disables themselves, or when there is nothing
/// to change. The person's sessions end (their rights changed, or they may no longer sign in);
/// a disabled person's API tokens are revoked too.
pub async fn change_account(
    ctx: &RequestContext,
    admin: &AdminActor,
    user_id: i64,
    change: AccountChange,
) -> ServiceResult<()> {
    let state = &ctx.state;
    let locale = crate::locale::current();
    let refused = |message: &str| -> ServiceResult<()> {
        Err(AppError::Conflict {
            message: message.to_owned(),
        }
        .into())
    };
    if change == AccountChange::Disable && user_id == admin.user_id() {
        return refused(td_string!(locale, people.not_yourself));
    }
    // Platform scope: accounts are not tenant-owned, and the audit rows are platform rows.
    let mut tx = state.db.platform_write_tx().await?;
    let person = identity::repo::find_user_by_id(&mut tx, user_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let done = match change {
        AccountChange::GrantAdmin => repo::grant_platform_admin(&mut tx, user_id).await?,
        AccountChange::RevokeAdmin => {
            if person.platform_admin == 1 && !repo::revoke_platform_admin(&mut tx, user_id).await? {
                return refused(td_string!(locale, people.last_admin));
            }
            person.platform_admin == 1
        }
        AccountChange::Disable => {
            if person.disabled_at.is_none() && !repo::disable(&mut tx, user_id).await? {
                return refused(td_string!(locale, people.last_admin));
            }
            person.disabled_at.is_none()
        }
        AccountChange::Enable => repo::enable(&mut tx, user_id).await?,
    };
    if !done {
        return refused(td_string!(locale, people.nothing_to_change));
    }
    let revoked = if change == AccountChange::Disable {
        api_tokens::revoke_all_of(&mut tx, user_id).await?
    } else {
        0
    };
    audit::append(
        &mut tx,
        &AuditEvent::new(change.event())
            .actor(admin.user_id(), admin.email())
            .ip(ctx.client_ip.as_deref())
            .detail(json!({
                "person": person.email,
                "person_id": user_id,
                "api_tokens_revoked": revoked,
            })),
    )
    .await?;
    let their = outbox::recipient_locale(&mut tx, &person.email).await?;
    let (subject, body) = change.mail(their);
    let body = crate::domain::format::fill(body, &[("name", &person.name)]);
    outbox::queue(
        &mut tx,
        MailCategory::Security,
        &person.email,
        subject,
        &body,
    )
    .await?;
    tx.commit().await?;

    // After the commit: on SQLite the write lock is ours until then. An admin revoking their own
    // role signs in again too (their session says what they may do).
    if change != AccountChange::Enable {
        let ended = state.sessions.delete_user_sessions(user_id, None).await?;
        if user_id == admin.user_id() {
            ctx.session.flush().await?;
        }
        tracing::info!(user_id, ended, event = change.event(), "sessions ended");
    }
    Ok(())
}
