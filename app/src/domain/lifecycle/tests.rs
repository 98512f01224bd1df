use super::*;
use time::macros::date;

/// The 16 actors, in the column order of `TABLE`: for each tenant role (owner, member, auditor, none), the
/// requester, someone else, the requester who is also a platform admin, and a platform admin who is someone else.
fn actors() -> Vec<Actor> {
    let roles = [
        Some(Role::Owner),
        Some(Role::Member),
        Some(Role::Auditor),
        None,
    ];
    let mut actors = Vec::new();
    for tenant_role in roles {
        for (platform_admin, is_requester) in
            [(false, true), (false, false), (true, true), (true, false)]
        {
            actors.push(Actor::new(tenant_role, platform_admin, is_requester));
        }
    }
    actors
}

/// Expected outcome of every (status, action, actor) cell. A letter is the status reached (D draft, S submitted,
/// E endorsed, C changes requested, A approved, P partially approved, R rejected,
/// W withdrawn); `f` is refused because of who acts
/// (`NotPermitted`); `x` is refused because of the status (`WrongStatus`).
///
/// Columns, by tenant role, each with: requester, other, requester + admin, other + admin.
#[rustfmt::skip]
const TABLE: &[(RequestStatus, Action, &str)] = {
    use Action::*;
    use RequestStatus::*;
    &[
        //                                owner        member       auditor      no role
        (Draft, SaveDraft,         "D f D f | D f D f | f f f f | f f f f"),
        (Draft, Submit,            "E f E f | S f S f | f f f f | f f f f"),
        (Draft, Endorse,           "x x x x | f f f f | f f f f | f f f f"),
        (Draft, Approve,           "f f f x | f f f x | f f f x | f f f x"),
        (Draft, PartiallyApprove,  "f f f x | f f f x | f f f x | f f f x"),
        (Draft, Reject,            "f f f x | f f f x | f f f x | f f f x"),
        (Draft, SendBack,        "f f f x | f f f x | f f f x | f f f x"),
        (Draft, Withdraw,          "W W W W | W f W f | f f f f | f f f f"),
        (Submitted, SaveDraft,     "x f x f | x f x f | f f f f | f f f f"),
        (Submitted, Submit,        "x f x f | x f x f | f f f f | f f f f"),
        (Submitted, Endorse,       "E E E E | f f f f | f f f f | f f f f"),
        (Submitted, Approve,       "f f f x | f f f x | f f f x | f f f x"),
        (Submitted, PartiallyApprove, "f f f x | f f f x | f f f x | f f f x"),
        (Submitted, Reject,        "f f f x | f f f x | f f f x | f f f x"),
        (Submitted, SendBack,        "f f f C | f f f C | f f f C | f f f C"),
        (Submitted, Withdraw,      "W W W W | W f W f | f f f f | f f f f"),
        (Endorsed, SaveDraft,      "x f x f | x f x f | f f f f | f f f f"),
        (Endorsed, Submit,         "x f x f | x f x f | f f f f | f f f f"),
        (Endorsed, Endorse,        "x x x x | f f f f | f f f f | f f f f"),
        (Endorsed, Approve,        "f f f A | f f f A | f f f A | f f f A"),
        (Endorsed, PartiallyApprove, "f f f P | f f f P | f f f P | f f f P"),
        (Endorsed, Reject,         "f f f R | f f f R | f f f R | f f f R"),
        (Endorsed, SendBack,        "f f f C | f f f C | f f f C | f f f C"),
        (Endorsed, Withdraw,       "W W W W | W f W f | f f f f | f f f f"),
        (ChangesRequested, SaveDraft, "C f C f | C f C f | f f f f | f f f f"),
        (ChangesRequested, Submit, "E f E f | S f S f | f f f f | f f f f"),
        (ChangesRequested, Endorse, "x x x x | f f f f | f f f f | f f f f"),
        (ChangesRequested, Approve, "f f f x | f f f x | f f f x | f f f x"),
        (ChangesRequested, PartiallyApprove, "f f f x | f f f x | f f f x | f f f x"),
        (ChangesRequested, Reject, "f f f x | f f f x | f f f x | f f f x"),
        (ChangesRequested, SendBack, "f f f x | f f f x | f f f x | f f f x"),
        (ChangesRequested, Withdraw, "W W W W | W f W f | f f f f | f f f f"),
        (Approved, SaveDraft,      "x f x f | x f x f | f f f f | f f f f"),
        (Approved, Submit,         "x f x f | x f x f | f f f f | f f f f"),
        (Approved, Endorse,        "x x x x | f f f f | f f f f | f f f f"),
        (Approved, Approve,        "f f f x | f f f x | f f f x | f f f x"),
        (Approved, PartiallyApprove, "f f f x | f f f x | f f f x | f f f x"),
        (Approved, Reject,         "f f f x | f f f x | f f f x | f f f x"),
        (Approved, SendBack,        "f f f x | f f f x | f f f x | f f f x"),
        (Approved, Withdraw,       "x x x x | x f x f | f f f f | f f f f"),
        (PartiallyApproved, SaveDraft, "x f x f | x f x f | f f f f | f f f f"),
        (PartiallyApproved, Submit, "x f x f | x f x f | f f f f | f f f f"),
        (PartiallyApproved, Endorse, "x x x x | f f f f | f f f f | f f f f"),
        (PartiallyApproved, Approve, "f f f x | f f f x | f f f x | f f f x"),
        (PartiallyApproved, PartiallyApprove, "f f f x | f f f x | f f f x | f f f x"),
        (PartiallyApproved, Reject, "f f f x | f f f x | f f f x | f f f x"),
        (PartiallyApproved, SendBack,        "f f f x | f f f x | f f f x | f f f x"),
        (PartiallyApproved, Withdraw, "x x x x | x f x f | f f f f | f f f f"),
        (Rejected, SaveDraft,      "x f x f | x f x f | f f f f | f f f f"),
        (Rejected, Submit,         "x f x f | x f x f | f f f f | f f f f"),
        (Rejected, Endorse,        "x x x x | f f f f | f f f f | f f f f"),
        (Rejected, Approve,        "f f f x | f f f x | f f f x | f f f x"),
        (Rejected, PartiallyApprove, "f f f x | f f f x | f f f x | f f f x"),
        (Rejected, Reject,         "f f f x | f f f x | f f f x | f f f x"),
        (Rejected, SendBack,        "f f f x | f f f x | f f f x | f f f x"),
        (Rejected, Withdraw,       "x x x x | x f x f | f f f f | f f f f"),
        (Withdrawn, SaveDraft,     "x f x f | x f x f | f f f f | f f f f"),
        (Withdrawn, Submit,        "x f x f | x f x f | f f f f | f f f f"),
        (Withdrawn, Endorse,       "x x x x | f f f f | f f f f | f f f f"),
        (Withdrawn, Approve,       "f f f x | f f f x | f f f x | f f f x"),
        (Withdrawn, PartiallyApprove, "f f f x | f f f x | f f f x | f f f x"),
        (Withdrawn, Reject,        "f f f x | f f f x | f f f x | f f f x"),
        (Withdrawn, SendBack,        "f f f x | f f f x | f f f x | f f f x"),
        (Withdrawn, Withdraw,      "x x x x | x f x f | f f f f | f f f f"),
    ]
};

#[derive(Debug, PartialEq, Eq)]
enum Outcome {
    Moves(RequestStatus),
    Refused(TransitionErrorKind),
}

fn expected(code: &str) -> Outcome {
    use RequestStatus::*;
    match code {
        "D" => Outcome::Moves(Draft),
        "S" => Outcome::Moves(Submitted),
        "E" => Outcome::Moves(Endorsed),
        "A" => Outcome::Moves(Approved),
        "P" => Outcome::Moves(PartiallyApproved),
        "R" => Outcome::Moves(Rejected),
        "W" => Outcome::Moves(Withdrawn),
        "C" => Outcome::Moves(ChangesRequested),
        "f" => Outcome::Refused(TransitionErrorKind::NotPermitted),
        "x" => Outcome::Refused(TransitionErrorKind::WrongStatus),
        other => panic!("unknown code {other:?} in the table"),
    }
}

fn outcome(result: &Result<RequestStatus, TransitionError>) -> Outcome {
    match result {
        Ok(status) => Outcome::Moves(*status),
        Err(error) => Outcome::Refused(error.kind),
    }
}

#[test]
fn every_cell_of_the_transition_table_has_the_expected_outcome() {
    let actors = actors();
    assert_eq!(
        TABLE.len(),
        RequestStatus::ALL.len() * Action::ALL.len(),
        "one row per (status, action)"
    );
    for &status in RequestStatus::ALL {
        for &action in Action::ALL {
            let row = TABLE
                .iter()
                .find(|(s, a, _)| *s == status && *a == action)
                .unwrap_or_else(|| panic!("no row for {status:?} {action:?}"));
            let codes: Vec<&str> = row
                .2
                .split_whitespace()
                .filter(|code| *code != "|")
                .collect();
            assert_eq!(codes.len(), actors.len(), "row {status:?} {action:?}");
            for (actor, code) in actors.iter().zip(codes) {
                let result = next_status(status, action, actor);
                assert_eq!(
                    outcome(&result),
                    expected(code),
                    "{status:?} + {action:?} by {actor:?}: {result:?}"
                );
                if let Err(error) = result {
                    assert_eq!((error.status, error.action), (status, action));
                }
            }
        }
    }
}

#[test]
fn allowed_actions_agree_with_next_status_for_every_combination() {
    for &status in RequestStatus::ALL {
        for actor in actors() {
            let allowed = allowed_actions(status, &actor);
            for &action in Action::ALL {
                let result = next_status(status, action, &actor);
                assert_eq!(
                    allowed.contains(&action),
                    result.is_ok(),
                    "{status:?} + {action:?} by {actor:?}: {result:?}"
                );
            }
            let mut unique = allowed.clone();
            unique.dedup();
            assert_eq!(unique, allowed, "no action is offered twice");
        }
    }
}

#[test]
fn every_refusal_is_a_sentence() {
    for &status in RequestStatus::ALL {
        for &action in Action::ALL {
            for actor in actors() {
                if let Err(error) = next_status(status, action, &actor) {
                    let message = error.to_string();
                    assert_eq!(message, error.message());
                    assert!(message.ends_with('.'), "{message}");
                    assert!(message.starts_with(char::is_uppercase), "{message}");
                    assert!(!message.contains("  "), "{message}");
                }
            }
        }
    }
}

const MEMBER: Actor = Actor::new(Some(Role::Member), false, true);
const OWNER: Actor = Actor::new(Some(Role::Owner), false, false);
const ADMIN: Actor = Actor::new(None, true, false);
const AUDITOR: Actor = Actor::new(Some(Role::Auditor), false, false);

#[test]
fn refusals_say_why_in_plain_words() {
    let message =
        |status, action, actor: &Actor| next_status(status, action, actor).unwrap_err().to_string();
    assert_eq!(
        message(RequestStatus::Approved, Action::Withdraw, &MEMBER),
        "This request has already been approved; it can no longer be withdrawn."
    );
    assert_eq!(
        message(RequestStatus::Endorsed, Action::Approve, &OWNER),
        "Only a platform admin can approve a request."
    );
    assert_eq!(
        message(RequestStatus::Submitted, Action::Endorse, &MEMBER),
        "Only an owner of the tenant can endorse a request."
    );
    assert_eq!(
        message(RequestStatus::Draft, Action::Submit, &AUDITOR),
        "Auditors have read-only access; they cannot submit a request."
    );
    assert_eq!(
        message(RequestStatus::Submitted, Action::Approve, &ADMIN),
        "This request has not been endorsed yet; an owner of the tenant must endorse it before it can be approved."
    );
    assert_eq!(
        message(RequestStatus::Rejected, Action::Approve, &ADMIN),
        "This request has already been rejected; it cannot be decided again."
    );
    assert_eq!(
        message(
            RequestStatus::Endorsed,
            Action::Reject,
            &Actor::new(Some(Role::Member), true, true)
        ),
        "A platform admin cannot reject a request they made themselves; another platform admin must decide it."
    );
}

#[test]
fn a_member_submission_waits_for_an_owner_and_an_owner_submission_endorses_itself() {
    let owner_requester = Actor::new(Some(Role::Owner), false, true);
    assert_eq!(
        next_status(RequestStatus::Draft, Action::Submit, &MEMBER),
        Ok(RequestStatus::Submitted)
    );
    assert_eq!(
        next_status(RequestStatus::Draft, Action::Submit, &owner_requester),
        Ok(RequestStatus::Endorsed)
    );
    assert_eq!(
        next_status(RequestStatus::Submitted, Action::Endorse, &OWNER),
        Ok(RequestStatus::Endorsed)
    );
    assert_eq!(
        allowed_actions(RequestStatus::Endorsed, &ADMIN),
        [
            Action::Approve,
            Action::PartiallyApprove,
            Action::Reject,
            Action::SendBack
        ]
    );
    assert!(allowed_actions(RequestStatus::Endorsed, &AUDITOR).is_empty());
}

#[test]
fn a_request_sent_back_for_changes_is_amended_and_resubmitted_by_its_requester_like_a_first_submission(
) {
    use RequestStatus::{ChangesRequested, Endorsed, Submitted};
    for from in [Submitted, Endorsed] {
        assert_eq!(
            next_status(from, Action::SendBack, &ADMIN),
            Ok(ChangesRequested)
        );
    }
    assert_eq!(
        next_status(ChangesRequested, Action::SaveDraft, &MEMBER),
        Ok(ChangesRequested),
        "amending keeps the question open"
    );
    assert_eq!(
        next_status(ChangesRequested, Action::Submit, &MEMBER),
        Ok(Submitted)
    );
    let owner_requester = Actor::new(Some(Role::Owner), false, true);
    assert_eq!(
        next_status(ChangesRequested, Action::Submit, &owner_requester),
        Ok(Endorsed),
        "a requester who may endorse endorses their answer, as a first submission"
    );
    let lead = Actor::new(Some(Role::Member), false, true)
        .in_project(Some(ProjectRole::Lead))
        .with_endorsement(EndorsementPolicy::OwnersAndLeads);
    assert_eq!(
        next_status(ChangesRequested, Action::Submit, &lead),
        Ok(Endorsed)
    );
    assert_eq!(
        allowed_actions(ChangesRequested, &MEMBER),
        [Action::SaveDraft, Action::Submit, Action::Withdraw]
    );
    assert!(
        allowed_actions(ChangesRequested, &ADMIN).is_empty(),
        "nothing waits for the admin"
    );
}

#[test]
fn only_a_platform_admin_who_did_not_make_a_request_sends_it_back_and_only_its_requester_answers() {
    use RequestStatus::{ChangesRequested, Endorsed};
    let message =
        |status, action, actor: &Actor| next_status(status, action, actor).unwrap_err().to_string();
    assert_eq!(
        message(Endorsed, Action::SendBack, &OWNER),
        "Only a platform admin can send back a request."
    );
    assert_eq!(
        message(
            Endorsed,
            Action::SendBack,
            &Actor::new(Some(Role::Member), true, true)
        ),
        "A platform admin cannot send back a request they made themselves; another platform admin must decide it."
    );
    let lead_not_requester = Actor::new(Some(Role::Member), false, false)
        .in_project(Some(ProjectRole::Lead))
        .with_endorsement(EndorsementPolicy::OwnersAndLeads);
    for someone_else in [OWNER, lead_not_requester] {
        assert_eq!(
            message(ChangesRequested, Action::Submit, &someone_else),
            "Only the person who drafted this request can submit it."
        );
    }
    assert_eq!(
        message(ChangesRequested, Action::Approve, &ADMIN),
        "This request was sent back for changes; its requester must amend and resubmit it before it can be approved."
    );
    assert_eq!(
        message(ChangesRequested, Action::SendBack, &ADMIN),
        "This request has already been sent back for changes; it waits for its requester's answer."
    );
    assert_eq!(
        message(RequestStatus::Draft, Action::SendBack, &ADMIN),
        "This request is still a draft; it must be submitted before it can be sent back."
    );
    assert_eq!(
        lost_race_message(ChangesRequested),
        "This request was sent back for changes meanwhile; reload the page."
    );
    assert!(!ChangesRequested.grants_quota() && ChangesRequested.is_open());
}

#[test]
fn decided_and_open_statuses_split_the_non_withdrawn_ones() {
    for &status in RequestStatus::ALL {
        assert!(!(status.is_decided() && status.is_open()), "{status:?}");
        assert_eq!(
            status.is_decided() || status.is_open(),
            status != RequestStatus::Withdrawn,
            "{status:?}"
        );
        assert_eq!(
            status.grants_quota(),
            matches!(
                status,
                RequestStatus::Approved | RequestStatus::PartiallyApproved
            )
        );
        assert_eq!(
            allowed_actions(status, &Actor::new(Some(Role::Owner), true, false)).is_empty(),
            !status.is_open(),
            "only open requests can be acted on: {status:?}"
        );
    }
}

#[test]
fn names_round_trip_and_match_serde() {
    use serde::de::value::{Error, StrDeserializer};
    use serde::de::IntoDeserializer;

    fn check<T>(all: &[T], as_str: fn(T) -> &'static str, parse: fn(&str) -> Result<T, String>)
    where
        T: Copy + PartialEq + fmt::Debug + FromStr<Err = String> + for<'de> Deserialize<'de>,
    {
        for &value in all {
            let name = as_str(value);
            assert_eq!(parse(name), Ok(value));
            assert_eq!(parse(&format!(" {name} ")), Ok(value));
            assert_eq!(name.parse::<T>(), Ok(value));
            let deserializer: StrDeserializer<'_, Error> = name.into_deserializer();
            assert_eq!(
                T::deserialize(deserializer),
                Ok(value),
                "serde name of {value:?}"
            );
            assert!(
                name.chars().all(|ch| ch.is_ascii_lowercase() || ch == '_'),
                "{name}"
            );
        }
        assert!(parse("Nonsense").is_err());
    }
    check(
        RequestStatus::ALL,
        RequestStatus::as_str,
        RequestStatus::parse,
    );
    check(RequestKind::ALL, RequestKind::as_str, RequestKind::parse);
    check(Role::ALL, Role::as_str, Role::parse);
    check(Action::ALL, Action::as_str, Action::parse);
    check(QuotaPhase::ALL, QuotaPhase::as_str, QuotaPhase::parse);

    assert_eq!(
        RequestStatus::PartiallyApproved.as_str(),
        "partially_approved"
    );
    assert_eq!(
        RequestStatus::PartiallyApproved.label(),
        "Partially approved"
    );
    assert_eq!(
        RequestStatus::PartiallyApproved.to_string(),
        "Partially approved"
    );
    assert_eq!(Action::SaveDraft.as_str(), "save_draft");
    assert_eq!(
        "Approved".parse::<RequestKind>(),
        Err("“Approved” is not a request kind: choose new, change or renewal.".to_owned())
    );
}

#[test]
fn a_quota_is_active_from_its_first_day_and_expired_on_its_end_day() {
    let (start, end) = (date!(2027 - 03 - 01), date!(2027 - 04 - 01));
    assert_eq!(
        phase(start, end, date!(2027 - 02 - 28)),
        QuotaPhase::Upcoming
    );
    assert_eq!(phase(start, end, start), QuotaPhase::Active);
    assert_eq!(phase(start, end, date!(2027 - 03 - 31)), QuotaPhase::Active);
    assert_eq!(phase(start, end, end), QuotaPhase::Expired);
    assert_eq!(phase(start, start, start), QuotaPhase::Expired);
    assert_eq!(
        quota_phase(RequestStatus::PartiallyApproved, start, end, start),
        Some(QuotaPhase::Active)
    );
    assert_eq!(
        quota_phase(RequestStatus::Endorsed, start, end, start),
        None
    );
    assert_eq!(
        quota_phase(RequestStatus::Rejected, start, end, start),
        None
    );
}

#[test]
fn a_lost_race_names_the_state_it_lost_to_in_words() {
    assert_eq!(
        lost_race_message(RequestStatus::Withdrawn),
        "This request was withdrawn meanwhile; reload the page."
    );
    assert_eq!(
        lost_race_message(RequestStatus::PartiallyApproved),
        "This request was partially approved meanwhile; reload the page."
    );
}

#[test]
fn a_project_lead_endorses_only_where_the_tenant_lets_leads_endorse() {
    use crate::domain::projects::{EndorsementPolicy, ProjectRole};
    let lead = Actor::new(Some(Role::Member), false, false).in_project(Some(ProjectRole::Lead));
    assert_eq!(
        next_status(RequestStatus::Submitted, Action::Endorse, &lead)
            .unwrap_err()
            .kind,
        TransitionErrorKind::NotPermitted
    );
    let allowed = lead.with_endorsement(EndorsementPolicy::OwnersAndLeads);
    assert_eq!(
        next_status(RequestStatus::Submitted, Action::Endorse, &allowed),
        Ok(RequestStatus::Endorsed)
    );
    assert!(allowed_actions(RequestStatus::Submitted, &allowed).contains(&Action::Endorse));
    // A plain member of the project is told who may.
    let member = Actor::new(Some(Role::Member), false, false)
        .with_endorsement(EndorsementPolicy::OwnersAndLeads);
    assert_eq!(
        next_status(RequestStatus::Submitted, Action::Endorse, &member)
            .unwrap_err()
            .to_string(),
        "Only an owner of the tenant or the project's lead can endorse a request."
    );
    // A lead's own submission endorses itself where leads endorse, as an owner's does.
    let requester = Actor::new(Some(Role::Member), false, true)
        .in_project(Some(ProjectRole::Lead))
        .with_endorsement(EndorsementPolicy::OwnersAndLeads);
    assert_eq!(
        next_status(RequestStatus::Draft, Action::Submit, &requester),
        Ok(RequestStatus::Endorsed)
    );
}

#[test]
fn a_viewer_of_the_project_cannot_edit_or_submit_even_their_own_draft() {
    use crate::domain::projects::ProjectRole;
    let viewer = Actor::new(Some(Role::Member), false, true).in_project(Some(ProjectRole::Viewer));
    for action in [Action::SaveDraft, Action::Submit] {
        let refused = next_status(RequestStatus::Draft, action, &viewer).unwrap_err();
        assert_eq!(refused.kind, TransitionErrorKind::NotPermitted);
        assert!(
            refused.message.contains("viewers read them"),
            "{}",
            refused.message
        );
    }
    assert!(allowed_actions(RequestStatus::Draft, &viewer) == [Action::Withdraw]);
}
