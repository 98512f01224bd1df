//! Wire types of organisations (tenants): sign-up's typed input, the admins'
//! verification queue, and a person's tenants for the switch.

use crate::i18n::td_string;
use serde::{Deserialize, Serialize};

use crate::domain::{
    country::CountryCode,
    dates::LocalInstant,
    email::Email,
    identity::{OrganisationName, PersonName, RegistrationId, Sector, TenantKind},
    password::Password,
    slug::Slug,
    tenancy::{TenantRole, TenantStatus},
};
use crate::error::{AppError, FieldErrors};

// --- Sign-up ------------------------------------------------------------------------------------

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

/// The fields of the sign-up form, in the order they are checked and shown.
pub const SIGN_UP_FIELDS: [&str; 9] = [
    "email",
    "name",
    "password",
    "org_name",
    "kind",
    "country",
    "registration_id",
    "sector",
    "parent_country",
];

/// Where a sign-up sends the browser once taken: the sign-up page saying that a
/// message is on its way (the same for every address).
pub const SIGN_UP_SENT: &str = "/signup?sent=1";

/// A sign-up, parsed: a new account and the organisation it registers.
pub struct SignUp {
    pub email: Email,
    pub name: PersonName,
    pub password: Password,
    pub org_name: OrganisationName,
    /// The organisation's short name, made from its name (made unique when stored).
    pub slug: Slug,
    pub kind: TenantKind,
    pub country: CountryCode,
    pub registration_id: RegistrationId,
    pub sector: Sector,
    pub parent_country: CountryCode,
}

impl SignUpForm {
    /// The sign-up the form describes; every bad field is named at once, in
    /// form order.
    pub fn parse(&self) -> Result<SignUp, AppError> {
        let mut errors = FieldErrors::default();
        let email = errors.check("email", Email::parse(&self.email));
        let name = errors.check("name", PersonName::parse(&self.name));
        let password = errors.check(
            "password",
            Password::parse(&self.password, &[&self.email, &self.name]),
        );
        let org = OrganisationForm {
            org_name: self.org_name.clone(),
            kind: self.kind.clone(),
            country: self.country.clone(),
            registration_id: self.registration_id.clone(),
            sector: self.sector.clone(),
            parent_country: self.parent_country.clone(),
        }
        .check(&mut errors);
        let slug = org
            .as_ref()
            .and_then(|o| errors.check("org_name", Slug::from_name(o.org_name.as_str())));
        errors.into_result(|| {
            Some(SignUp {
                email: email?,
                name: name?,
                password: password?,
                slug: slug?,
                org_name: org.as_ref()?.org_name.clone(),
                kind: org.as_ref()?.kind,
                country: org.as_ref()?.country,
                registration_id: org.as_ref()?.registration_id.clone(),
                sector: org.as_ref()?.sector,
                parent_country: org.as_ref()?.parent_country,
            })
        })
    }
}

// --- An organisation's details -----------------------------------------------------------------

/// The fields of an organisation's details, in the order they are checked and shown (the end of
/// [`SIGN_UP_FIELDS`]).
pub const ORGANISATION_FIELDS: [&str; 6] = [
    "org_name",
    "kind",
    "country",
    "registration_id",
    "sector",
    "parent_country",
];

/// The fields describing an organisation, as typed (the sign-up form's and the organisation
/// page's), or as stored (what the organisation page's form shows first).
#[derive(Debug, Clone, Default)]
pub struct OrganisationForm {
    pub org_name: String,
    pub kind: String,
    pub country: String,
    pub registration_id: String,
    pub sector: String,
    pub parent_country: String,
}

/// An organisation's details, parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct OrganisationDetails {
    pub org_name: OrganisationName,
    pub kind: TenantKind,
    pub country: CountryCode,
    pub registration_id: RegistrationId,
    pub sector: Sector,
    pub parent_country: CountryCode,
}

impl OrganisationForm {
    /// The details the form describes, each bad field's error added to `errors` in form order.
    pub fn check(&self, errors: &mut FieldErrors) -> Option<OrganisationDetails> {
        let org_name = errors.check("org_name", OrganisationName::parse(&self.org_name));
        let kind = errors.check("kind", TenantKind::parse(&self.kind));
        let country = errors.check("country", CountryCode::parse(&self.country));
        // A registration id is read by its country's rules.
        let registration_id = country.and_then(|c| {
            errors.check(
                "registration_id",
                RegistrationId::parse(c.as_str(), &self.registration_id),
            )
        });
        let sector = errors.check("sector", Sector::parse(&self.sector));
        let parent_country =
            errors.check("parent_country", CountryCode::parse(&self.parent_country));
        Some(OrganisationDetails {
            org_name: org_name?,
            kind: kind?,
            country: country?,
            registration_id: registration_id?,
            sector: sector?,
            parent_country: parent_country?,
        })
    }

    /// The details, or every bad field's error at once.
    pub fn parse(&self) -> Result<OrganisationDetails, AppError> {
        let mut errors = FieldErrors::default();
        let details = self.check(&mut errors);
        errors.into_result(|| details)
    }
}

// --- Verification -------------------------------------------------------------------------------

/// Pending tenants listed per page of the verification queue.
pub const PENDING_PAGE_SIZE: u32 = 50;

/// A tenant as the queue shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TenantSummary {
    pub id: i64,
    pub slug: String,
    pub name: String,
    pub kind: String,
    pub country: String,
    pub registration_id: String,
    pub sector: String,
    pub parent_country: String,
    pub status: TenantStatus,
    pub rejection_reason: Option<String>,
    /// Why the campus suspended it, while it is suspended (verified, but submitting nothing).
    #[serde(default)]
    pub suspension_reason: Option<String>,
    /// When it signed up and was decided; in the admin's time zone on the page, UTC through the
    /// API (which reads the Unix seconds).
    pub created_at: LocalInstant,
    pub decided_at: Option<LocalInstant>,
}

impl TenantSummary {
    /// The same tenant with its instants in `zone`'s terms.
    pub fn in_zone(mut self, at: impl Fn(i64) -> LocalInstant) -> Self {
        self.created_at = at(self.created_at.unix);
        self.decided_at = self.decided_at.map(|d| at(d.unix));
        self
    }
}

/// The queue: one page of the pending tenants (oldest first) and the recent
/// decisions (newest first).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationQueue {
    pub pending: Vec<TenantSummary>,
    /// The pending list's page number (from 0), and whether another follows.
    pub page: u32,
    pub has_more: bool,
    /// How many tenants are pending in all.
    pub pending_total: i64,
    pub decided: Vec<TenantSummary>,
    /// Every verified tenant, by name, suspended or not: where a suspension is made or lifted.
    #[serde(default)]
    pub verified: Vec<TenantSummary>,
}

/// The longest rejection reason kept.
pub const MAX_REASON_CHARS: usize = 2000;

/// Why the campus rejects an organisation: a sentence its owners will read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RejectionReason(String);

impl RejectionReason {
    pub fn parse(raw: &str) -> Result<Self, String> {
        let reason = raw.trim();
        if reason.is_empty() {
            return Err(td_string!(
                crate::locale::current(),
                validation.rejection_reason_missing
            )
            .to_owned());
        }
        if reason.chars().count() > MAX_REASON_CHARS {
            return Err(crate::domain::format::fill(
                td_string!(
                    crate::locale::current(),
                    validation.rejection_reason_too_long
                ),
                &[("max", &MAX_REASON_CHARS)],
            ));
        }
        Ok(Self(reason.to_owned()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

// --- The active tenant --------------------------------------------------------------------------

/// One of the signed-in person's tenants.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MyTenant {
    pub slug: String,
    pub name: String,
    pub role: TenantRole,
    pub status: TenantStatus,
    /// Why the campus rejected the tenant; given to its owners only.
    pub rejection_reason: Option<String>,
    /// Why the campus suspended the tenant, while it is suspended; given to all its people.
    #[serde(default)]
    pub suspension_reason: Option<String>,
    /// Whether it is the tenant the person acts within now.
    pub active: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sign_up_form_ends_with_the_organisation_fields() {
        assert_eq!(SIGN_UP_FIELDS[3..], ORGANISATION_FIELDS);
    }

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
        match form.parse() {
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
    fn every_bad_field_is_named_at_once_in_form_order() {
        let form = SignUpForm::default();
        let Err(e) = form.parse() else {
            panic!("an empty form was accepted");
        };
        let fields: Vec<String> = e.field_errors().into_iter().map(|e| e.field).collect();
        // The registration id waits for a country to be read by.
        assert_eq!(
            fields,
            [
                "email",
                "name",
                "password",
                "org_name",
                "kind",
                "country",
                "sector",
                "parent_country"
            ]
        );
    }

    #[test]
    fn a_rejection_needs_a_short_reason() {
        assert!(RejectionReason::parse("  ").is_err());
        assert!(RejectionReason::parse(&"x".repeat(MAX_REASON_CHARS + 1)).is_err());
        assert_eq!(
            RejectionReason::parse(" Unknown. ").unwrap().as_str(),
            "Unknown."
        );
    }
}
