//! Wire types of an organisation's members and invitations.

use serde::{Deserialize, Serialize};

use crate::domain::{email::Email, identity::PersonName, password::Password, tenancy::TenantRole};
use crate::error::{AppError, FieldErrors};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberView {
    pub user_id: i64,
    pub name: String,
    pub email: String,
    pub role: TenantRole,
    /// When they joined (Unix seconds).
    pub since: i64,
    pub is_you: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PendingInvitation {
    pub id: i64,
    pub email: String,
    pub role: TenantRole,
    pub sent_at: i64,
    pub expires_at: i64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrganisationView {
    pub tenant_name: String,
    pub your_role: TenantRole,
    /// One page of the members, oldest membership first.
    pub members: Vec<MemberView>,
    /// The members' page number (from 0), and whether another follows.
    pub page: u32,
    pub has_more: bool,
    pub invitations: Vec<PendingInvitation>,
    /// The people asking to join (owners only: empty for the other roles).
    #[serde(default)]
    pub join_requests: Vec<JoinRequestView>,
}

/// What the owner sees once after inviting: the link is not shown again.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationSent {
    pub email: String,
    pub role: TenantRole,
    /// The path of the invitation page, token included.
    pub link: String,
}

/// What the holder of an invitation token sees.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct InvitationView {
    pub organisation: String,
    pub role: TenantRole,
    /// The invited address (the token was sent there).
    pub email: String,
    pub expires_at: i64,
    /// Whether an account with the invited address exists (then: sign in first).
    pub account_exists: bool,
    /// Who is signed in on this browser, if anyone.
    pub signed_in_email: Option<String>,
}

/// Members listed per page on the organisation page.
pub const MEMBERS_PAGE_SIZE: u32 = 50;

/// A role chosen in a form; a missing one is asked for in words.
pub fn parse_role(raw: &str) -> Result<TenantRole, String> {
    if raw.trim().is_empty() {
        return Err(
            crate::i18n::td_string!(crate::locale::current(), validation.choose_role).to_owned(),
        );
    }
    TenantRole::parse(raw)
}

/// Whom an owner invites, and with which role: the invitation form, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invitee {
    pub email: Email,
    pub role: TenantRole,
}

impl Invitee {
    /// Every bad field is named at once.
    pub fn parse(email: &str, role: &str) -> Result<Self, AppError> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", Email::parse(email));
        let role = errors.check("role", parse_role(role));
        errors.into_result(|| {
            Some(Self {
                email: email?,
                role: role?,
            })
        })
    }
}

/// The account a person without one creates when accepting an invitation
/// (the e-mail address is the invited one).
pub struct NewAccount {
    pub name: PersonName,
    pub password: Password,
}

impl NewAccount {
    /// Every bad field is named at once.
    pub fn parse(name: &str, password: &str) -> Result<Self, AppError> {
        let mut errors = FieldErrors::default();
        let password = Password::parse(password, &[name]);
        let name = errors.check("name", PersonName::parse(name));
        let password = errors.check("password", password);
        errors.into_result(|| {
            Some(Self {
                name: name?,
                password: password?,
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_invitation_form_names_every_bad_field() {
        let e = Invitee::parse("nope", "").unwrap_err();
        let fields: Vec<String> = e.field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["email", "role"]);
        assert_eq!(
            e.field_message("role").as_deref(),
            Some("Please choose a role.")
        );
    }

    #[test]
    fn a_new_account_names_every_bad_field() {
        let Err(e) = NewAccount::parse(" ", "short") else {
            panic!("accepted");
        };
        let fields: Vec<String> = e.field_errors().into_iter().map(|e| e.field).collect();
        assert_eq!(fields, ["name", "password"]);
    }
}

pub use crate::domain::federation::{JoinOfferView, JoinRequestView};
