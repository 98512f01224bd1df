//! The quota-request life cycle (shared/domain.md, "A quota request"): its statuses, who may move a request from one to another, and the phase (upcoming, active, expired) of a granted quota.
//!
//! ```text
//!   draft ──submit (member)──▶ submitted ──endorse (owner)──▶ endorsed ──▶ approved | partially_approved | rejected
//!     │   ──submit (owner, endorses itself)──────────────────▶    │            (platform admin)
//!     │                            │                                │
//!     │                            └──send back (platform admin)────┴──▶ changes_requested
//!     │                                                                   │ save (requester amends)
//!     │        submitted (or endorsed, as a first submission) ◀──submit───┘ (requester resubmits)
//!     └──────────── withdraw (requester or owner), never after a decision ────────────▶ withdrawn
//! ```
//!
//! A request sent back for changes holds no GPUs and waits for its requester: they amend it (the
//! same form and rules as a draft) and submit it again, which checks residency again and endorses
//! it at once when they may endorse, as a first submission does.
//!
//! Tenant-side actions need a member or owner role in the request's tenant; auditors only read. Decisions need a
//! platform admin who did not make the request (separation of duties). Nothing here reads a clock: `today` is passed in.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use time::Date;

use super::format::fill;
use super::projects::{EndorsementPolicy, ProjectRights, ProjectRole};
use crate::i18n::{td_string, Locale};

/// Declares a fieldless enum whose variants have a snake_case name (serde and database) and a label for people.
macro_rules! named_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident ($what:literal) {
            $( $(#[$variant_meta:meta])* $variant:ident => $str:literal, $label:literal; )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(rename_all = "snake_case")]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [Self] = &[$(Self::$variant),+];

            /// The snake_case name, as serialized and stored.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $(Self::$variant => $str,)+
                }
            }

            /// The variant named `name` (its `as_str` value, surrounding spaces ignored), or a sentence
            /// listing the names to choose from.
            pub fn parse(name: &str) -> Result<Self, String> {
                match name.trim() {
                    $($str => Ok(Self::$variant),)+
                    _ => Err(unknown_name(name, $what, &[$($str),+])),
                }
            }

            /// A label for people.
            pub const fn label(self) -> &'static str {
                match self {
                    $(Self::$variant => $label,)+
                }
            }
        }

        /// Shows the label for people; use `as_str` for the stored name.
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.label())
            }
        }

        impl FromStr for $name {
            type Err = String;

            fn from_str(name: &str) -> Result<Self, Self::Err> {
                Self::parse(name)
            }
        }
    };
}

pub(crate) use named_enum;

/// "“x” is not a request status: choose draft, submitted or endorsed." `what` is the English
/// name of the list, which names its words in the language being written.
pub(crate) fn unknown_name(name: &str, what: &str, choices: &[&str]) -> String {
    let locale = crate::locale::current();
    let listed = match choices {
        [] => String::new(),
        [only] => (*only).to_owned(),
        [first @ .., last] => fill(
            td_string!(locale, validation.list_or),
            &[("first", &first.join(", ")), ("last", last)],
        ),
    };
    let what = match what {
        "request status" => td_string!(locale, validation.what_request_status),
        "request kind" => td_string!(locale, validation.what_request_kind),
        "tenant role" => td_string!(locale, validation.what_tenant_role),
        "request action" => td_string!(locale, validation.what_request_action),
        "quota phase" => td_string!(locale, validation.what_quota_phase),
        "project role" => td_string!(locale, validation.what_project_role),
        "endorsement setting" => td_string!(locale, validation.what_endorsement_setting),
        "kind of document" => td_string!(locale, validation.what_kind_of_document),
        other => other,
    };
    fill(
        td_string!(locale, validation.unknown_name),
        &[("name", &name), ("what", &what), ("listed", &listed)],
    )
}

named_enum! {
    /// Where a quota request stands.
    pub enum RequestStatus ("request status") {
        /// Being written by its requester; only they see it.
        Draft => "draft", "Draft";
        /// Sent by a member; waits for an owner of the tenant to endorse it.
        Submitted => "submitted", "Submitted";
        /// Backed by the tenant; waits for a platform admin's decision.
        Endorsed => "endorsed", "Endorsed";
        /// Sent back by a platform admin with a question; waits for its requester to amend and
        /// resubmit it.
        ChangesRequested => "changes_requested", "Changes requested";
        /// Granted in full.
        Approved => "approved", "Approved";
        /// Granted with fewer GPUs or a shorter window than asked.
        PartiallyApproved => "partially_approved", "Partially approved";
        /// Refused by a platform admin.
        Rejected => "rejected", "Rejected";
        /// Taken back by its requester or an owner before a decision.
        Withdrawn => "withdrawn", "Withdrawn";
    }
}

impl RequestStatus {
    /// A platform admin has decided: approved, partially approved or rejected.
    pub const fn is_decided(self) -> bool {
        matches!(
            self,
            Self::Approved | Self::PartiallyApproved | Self::Rejected
        )
    }

    /// Still in progress: draft, submitted, endorsed or sent back for changes (neither decided
    /// nor withdrawn).
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            Self::Draft | Self::Submitted | Self::Endorsed | Self::ChangesRequested
        )
    }

    /// Its requester may change its fields: a draft, or a request sent back for changes.
    pub const fn is_editable(self) -> bool {
        matches!(self, Self::Draft | Self::ChangesRequested)
    }

    /// The request became a quota that holds GPUs: approved or partially approved.
    pub const fn grants_quota(self) -> bool {
        matches!(self, Self::Approved | Self::PartiallyApproved)
    }

    /// "approved" in "This request has already been approved".
    fn past_tense(self, locale: Locale) -> &'static str {
        match self {
            Self::Draft => td_string!(locale, validation.past_drafted),
            Self::Submitted => td_string!(locale, validation.past_submitted),
            Self::Endorsed => td_string!(locale, validation.past_endorsed),
            Self::ChangesRequested => td_string!(locale, validation.past_sent_back_for_changes),
            Self::Approved => td_string!(locale, validation.past_approved),
            Self::PartiallyApproved => td_string!(locale, validation.past_partially_approved),
            Self::Rejected => td_string!(locale, validation.past_rejected),
            Self::Withdrawn => td_string!(locale, validation.past_withdrawn),
        }
    }
}

/// What a caller is told when their action lost a race: the request moved to `now` between their
/// reading it and their writing, for example "This request was withdrawn meanwhile; reload the
/// page."
pub fn lost_race_message(now: RequestStatus) -> String {
    let locale = crate::locale::current();
    fill(
        td_string!(locale, validation.lost_race),
        &[("status", &now.past_tense(locale))],
    )
}

named_enum! {
    /// What a quota request asks for.
    pub enum RequestKind ("request kind") {
        /// A new quota.
        New => "new", "New quota";
        /// More GPUs or a later end for an existing quota.
        Change => "change", "Change";
        /// The same quota for a further window.
        Renewal => "renewal", "Renewal";
    }
}

named_enum! {
    /// A person's role within the tenant a page or call acts for.
    pub enum Role ("tenant role") {
        /// Manages the organisation and its members; endorses their requests.
        Owner => "owner", "Owner";
        /// Drafts and submits requests; sees the organisation's quotas and usage.
        Member => "member", "Member";
        /// Reads everything for compliance; changes nothing.
        Auditor => "auditor", "Auditor";
    }
}

named_enum! {
    /// Something a person does to a quota request.
    pub enum Action ("request action") {
        /// Save changes to a draft.
        SaveDraft => "save_draft", "Save draft";
        /// Send a draft for review.
        Submit => "submit", "Submit";
        /// Back a member's request on behalf of the tenant.
        Endorse => "endorse", "Endorse";
        /// Grant the request in full.
        Approve => "approve", "Approve";
        /// Grant part of the request.
        PartiallyApprove => "partially_approve", "Partially approve";
        /// Refuse the request.
        Reject => "reject", "Reject";
        /// Return a submitted or endorsed request to its requester with a question.
        SendBack => "send_back", "Send back for changes";
        /// Take the request back before a decision.
        Withdraw => "withdraw", "Withdraw";
    }
}

impl Action {
    /// A platform admin's decision: approve, partially approve or reject.
    pub const fn is_decision(self) -> bool {
        matches!(self, Self::Approve | Self::PartiallyApprove | Self::Reject)
    }

    /// What a platform admin does in review: a decision, or sending the request back for changes.
    pub const fn is_review(self) -> bool {
        self.is_decision() || matches!(self, Self::SendBack)
    }

    /// "withdraw" in "they cannot withdraw a request".
    fn verb(self, locale: Locale) -> &'static str {
        match self {
            Self::SaveDraft => td_string!(locale, validation.verb_edit),
            Self::Submit => td_string!(locale, validation.verb_submit),
            Self::Endorse => td_string!(locale, validation.verb_endorse),
            Self::Approve => td_string!(locale, validation.verb_approve),
            Self::PartiallyApprove => td_string!(locale, validation.verb_partially_approve),
            Self::Reject => td_string!(locale, validation.verb_reject),
            Self::SendBack => td_string!(locale, validation.verb_send_back),
            Self::Withdraw => td_string!(locale, validation.verb_withdraw),
        }
    }

    /// "withdrawn" in "it can no longer be withdrawn".
    fn past_participle(self, locale: Locale) -> &'static str {
        match self {
            Self::SaveDraft => td_string!(locale, validation.done_edited),
            Self::Submit => td_string!(locale, validation.done_submitted),
            Self::Endorse => td_string!(locale, validation.done_endorsed),
            Self::Approve => td_string!(locale, validation.done_approved),
            Self::PartiallyApprove => td_string!(locale, validation.done_partially_approved),
            Self::Reject => td_string!(locale, validation.done_rejected),
            Self::SendBack => td_string!(locale, validation.done_sent_back),
            Self::Withdraw => td_string!(locale, validation.done_withdrawn),
        }
    }
}

/// The person acting on a request, as seen from the request's tenant and project.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub struct Actor {
    /// Their role in the request's tenant, if they belong to it.
    pub tenant_role: Option<Role>,
    /// They are campus operator staff who decide requests.
    pub platform_admin: bool,
    /// They made (drafted) this request.
    pub is_requester: bool,
    /// Their role in the request's project, if they belong to it (what a tenant member may do
    /// depends on it; owners and auditors need none).
    pub project_role: Option<ProjectRole>,
    /// Who the tenant lets endorse.
    pub endorsement: EndorsementPolicy,
}

impl Default for Actor {
    fn default() -> Self {
        Self::new(None, false, false)
    }
}

impl Actor {
    /// An actor with these facts; a tenant member is taken to be a member of the request's
    /// project (see [`Actor::in_project`]), and the tenant to let owners only endorse.
    pub const fn new(tenant_role: Option<Role>, platform_admin: bool, is_requester: bool) -> Self {
        Self {
            tenant_role,
            platform_admin,
            is_requester,
            project_role: match tenant_role {
                Some(Role::Member) => Some(ProjectRole::Member),
                _ => None,
            },
            endorsement: EndorsementPolicy::Owners,
        }
    }

    /// The same actor with this role in the request's project (`None`: not in it).
    pub const fn in_project(self, project_role: Option<ProjectRole>) -> Self {
        Self {
            project_role,
            ..self
        }
    }

    /// The same actor in a tenant with this endorsement setting.
    pub const fn with_endorsement(self, endorsement: EndorsementPolicy) -> Self {
        Self {
            endorsement,
            ..self
        }
    }

    /// A member or owner of the tenant (not an auditor, not an outsider).
    const fn is_tenant_member_or_owner(&self) -> bool {
        matches!(self.tenant_role, Some(Role::Owner | Role::Member))
    }

    const fn is_owner(&self) -> bool {
        matches!(self.tenant_role, Some(Role::Owner))
    }

    /// Their rights in the request's project, when they belong to the tenant.
    const fn project_rights(&self) -> Option<ProjectRights> {
        match self.tenant_role {
            Some(role) => Some(ProjectRights::new(role, self.project_role)),
            None => None,
        }
    }

    /// Whether they may endorse the request's project's requests.
    const fn may_endorse(&self) -> bool {
        match self.project_rights() {
            Some(rights) => rights.may_endorse(self.endorsement),
            None => false,
        }
    }
}

/// Why an action was refused.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TransitionErrorKind {
    /// This person may not do this to this request, whatever its status (HTTP 403).
    NotPermitted,
    /// The person could, but not while the request has its current status (HTTP 409).
    WrongStatus,
}

/// A refused action, with a sentence a person understands.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, thiserror::Error)]
#[serde(rename_all = "snake_case")]
#[error("{message}")]
pub struct TransitionError {
    /// Whether the person or the status was the obstacle.
    pub kind: TransitionErrorKind,
    /// The request's status when the action was tried.
    pub status: RequestStatus,
    /// The action that was refused.
    pub action: Action,
    /// For example "This request has already been approved; it can no longer be withdrawn."
    pub message: String,
}

impl TransitionError {
    /// The sentence to show.
    pub fn message(&self) -> &str {
        &self.message
    }

    fn not_permitted(status: RequestStatus, action: Action, message: String) -> Self {
        Self {
            kind: TransitionErrorKind::NotPermitted,
            status,
            action,
            message,
        }
    }

    fn wrong_status(status: RequestStatus, action: Action) -> Self {
        Self {
            kind: TransitionErrorKind::WrongStatus,
            status,
            action,
            message: wrong_status_message(status, action),
        }
    }
}

/// The status a request moves to when `actor` does `action` to it while it is `current`.
///
/// Whether the person may do the action at all is checked first, so that someone who never could is told so rather
/// than told to wait. Then the status: save only a draft or a request sent back for changes; submit either (to
/// `Submitted`, or to `Endorsed` when the requester may endorse, whose submission endorses itself); endorse a
/// submitted request; decide an endorsed one; send a submitted or endorsed one back for changes; withdraw any open
/// one.
pub fn next_status(
    current: RequestStatus,
    action: Action,
    actor: &Actor,
) -> Result<RequestStatus, TransitionError> {
    use Action as A;
    use RequestStatus as S;

    permission(action, actor)
        .map_err(|message| TransitionError::not_permitted(current, action, message))?;
    match (current, action) {
        (S::Draft | S::ChangesRequested, A::SaveDraft) => Ok(current),
        (S::Draft | S::ChangesRequested, A::Submit) if actor.may_endorse() => Ok(S::Endorsed),
        (S::Draft | S::ChangesRequested, A::Submit) => Ok(S::Submitted),
        (S::Submitted, A::Endorse) => Ok(S::Endorsed),
        (S::Endorsed, A::Approve) => Ok(S::Approved),
        (S::Endorsed, A::PartiallyApprove) => Ok(S::PartiallyApproved),
        (S::Endorsed, A::Reject) => Ok(S::Rejected),
        (S::Submitted | S::Endorsed, A::SendBack) => Ok(S::ChangesRequested),
        (S::Draft | S::Submitted | S::Endorsed | S::ChangesRequested, A::Withdraw) => {
            Ok(S::Withdrawn)
        }
        _ => Err(TransitionError::wrong_status(current, action)),
    }
}

/// The actions `actor` may take on a request in status `current`, in the order buttons are shown; each of them
/// succeeds in [`next_status`], and every other action fails there.
pub fn allowed_actions(current: RequestStatus, actor: &Actor) -> Vec<Action> {
    use Action as A;
    use RequestStatus as S;

    let offered: &[Action] = match current {
        S::Draft | S::ChangesRequested => &[A::SaveDraft, A::Submit, A::Withdraw],
        S::Submitted => &[A::Endorse, A::SendBack, A::Withdraw],
        S::Endorsed => &[
            A::Approve,
            A::PartiallyApprove,
            A::Reject,
            A::SendBack,
            A::Withdraw,
        ],
        S::Approved | S::PartiallyApproved | S::Rejected | S::Withdrawn => &[],
    };
    offered
        .iter()
        .copied()
        .filter(|&action| permission(action, actor).is_ok())
        .collect()
}

/// Whether `actor` may ever do `action`, and if not, why, in a sentence.
fn permission(action: Action, actor: &Actor) -> Result<(), String> {
    let locale = crate::locale::current();
    let verb = action.verb(locale);
    let with_verb = |template: &str| fill(template, &[("verb", &verb)]);
    let read_only = || with_verb(td_string!(locale, validation.perm_auditor_read_only));
    match action {
        Action::SaveDraft | Action::Submit => match actor.tenant_role {
            Some(Role::Auditor) => Err(read_only()),
            None => Err(with_verb(td_string!(
                locale,
                validation.perm_members_owners_only
            ))),
            Some(Role::Owner | Role::Member) if !actor.is_requester => {
                Err(with_verb(td_string!(locale, validation.perm_drafter_only)))
            }
            Some(Role::Member)
                if !ProjectRights::new(Role::Member, actor.project_role).may_request() =>
            {
                Err(with_verb(td_string!(
                    locale,
                    validation.perm_project_lead_members
                )))
            }
            Some(Role::Owner | Role::Member) => Ok(()),
        },
        Action::Endorse => match actor.tenant_role {
            Some(Role::Auditor) => Err(read_only()),
            _ if actor.may_endorse() => Ok(()),
            Some(Role::Member) if actor.endorsement == EndorsementPolicy::OwnersAndLeads => {
                Err(td_string!(locale, validation.perm_endorse_owner_or_lead).to_owned())
            }
            Some(Role::Owner | Role::Member) | None => {
                Err(td_string!(locale, validation.perm_endorse_owner).to_owned())
            }
        },
        Action::Approve | Action::PartiallyApprove | Action::Reject | Action::SendBack => {
            if !actor.platform_admin {
                Err(with_verb(td_string!(
                    locale,
                    validation.perm_platform_admin_only
                )))
            } else if actor.is_requester {
                Err(with_verb(td_string!(
                    locale,
                    validation.perm_admin_own_request
                )))
            } else {
                Ok(())
            }
        }
        Action::Withdraw => match actor.tenant_role {
            Some(Role::Auditor) => Err(read_only()),
            _ if actor.is_tenant_member_or_owner() && (actor.is_requester || actor.is_owner()) => {
                Ok(())
            }
            _ => Err(td_string!(locale, validation.perm_withdraw).to_owned()),
        },
    }
}

/// Why `action` cannot be done while the request is `status`, for someone who could do it at another time.
fn wrong_status_message(status: RequestStatus, action: Action) -> String {
    use Action as A;
    use RequestStatus as S;

    let locale = crate::locale::current();
    let done = action.past_participle(locale);
    let status_words = status.past_tense(locale);
    let filled = |template: &str| fill(template, &[("done", &done), ("status", &status_words)]);
    match (status, action) {
        (S::Approved | S::PartiallyApproved | S::Rejected, _) if action.is_decision() => {
            filled(td_string!(locale, validation.status_already_decided))
        }
        (S::Approved | S::PartiallyApproved | S::Rejected | S::Withdrawn, _) => {
            filled(td_string!(locale, validation.status_final))
        }
        (S::Draft, A::Endorse | A::SendBack) => {
            filled(td_string!(locale, validation.status_draft_submit_first))
        }
        (S::Draft, _) => filled(td_string!(
            locale,
            validation.status_draft_submit_endorse_first
        )),
        (S::Submitted | S::Endorsed, A::SaveDraft) => {
            td_string!(locale, validation.status_submitted_no_edit).to_owned()
        }
        (S::Submitted | S::Endorsed, A::Submit) => {
            td_string!(locale, validation.status_already_submitted).to_owned()
        }
        (S::Endorsed, A::Endorse) => {
            td_string!(locale, validation.status_already_endorsed).to_owned()
        }
        (S::ChangesRequested, A::SendBack) => {
            td_string!(locale, validation.status_already_sent_back).to_owned()
        }
        (S::ChangesRequested, _) => {
            filled(td_string!(locale, validation.status_sent_back_amend_first))
        }
        (S::Submitted, _) => filled(td_string!(locale, validation.status_not_endorsed_yet)),
        (S::Endorsed, _) => filled(td_string!(locale, validation.status_endorsed_cannot)),
    }
}

named_enum! {
    /// Where a granted quota stands in time.
    pub enum QuotaPhase ("quota phase") {
        /// Its window has not started.
        Upcoming => "upcoming", "Upcoming";
        /// Today is within its window: its GPUs are held.
        Active => "active", "Active";
        /// Its window is over.
        Expired => "expired", "Expired";
    }
}

/// The phase on `today` of a quota granted over `[start, end)`: active from `start`, expired from `end`. A window
/// with `end <= start` is never active.
pub fn phase(start: Date, end: Date, today: Date) -> QuotaPhase {
    if today >= end {
        QuotaPhase::Expired
    } else if today < start {
        QuotaPhase::Upcoming
    } else {
        QuotaPhase::Active
    }
}

/// The phase on `today` of a request's quota, or `None` when the request did not grant one (not approved nor
/// partially approved).
pub fn quota_phase(
    status: RequestStatus,
    start: Date,
    end: Date,
    today: Date,
) -> Option<QuotaPhase> {
    status.grants_quota().then(|| phase(start, end, today))
}

#[cfg(test)]
mod tests;
