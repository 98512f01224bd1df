//! The audit log in words: an event's name and details as a person reads them (no stored codes,
//! no Unix seconds, no lower-case enum values).

use crate::domain::dates::parse_iso_date;
use crate::domain::format::{self, fill};
use crate::domain::lifecycle::RequestStatus;
use crate::domain::tenancy::TenantRole;
use crate::i18n::{td_string, Locale};

/// The events offered in the filter (any other name may still be typed in the URL).
pub const KNOWN_EVENTS: &[&str] = &[
    "signup",
    "signup_requested",
    "signup_existing_address",
    "login",
    "logout",
    "signed_out_everywhere",
    "password_changed",
    "second_factor_enabled",
    "second_factor_disabled",
    "recovery_codes_renewed",
    "second_factor_checked",
    "tenant_switched",
    "tenant_verified",
    "tenant_rejected",
    "invitation_sent",
    "invitation_revoked",
    "invitation_accepted",
    "role_changed",
    "member_removed",
    "member_left",
    "platform_admin_granted",
    "request.save_draft",
    "request.submit",
    "request.endorse",
    "request.approve",
    "request.partially_approve",
    "request.reject",
    "request.withdraw",
    "request.compliance_flag",
    "catalogue_changed",
    "policy_changed",
    "request.send_back",
    "request.comment",
    "request.attachment",
    "quota.activated",
    "quota.expired",
    "quota.end_early",
    "project_created",
    "project_updated",
    "project_member_set",
    "project_member_removed",
    "endorsement_changed",
    "api_token_created",
    "api_token_revoked",
    "api_token_write",
    "site_agent_registered",
    "site_agent_rotated",
    "site_agent_revoked",
    "usage_thresholds_changed",
    "time_zone_changed",
    "language_changed",
    "account.email_preferences",
    "mail.retried",
];

/// "Draft saved" for `request.save_draft`; an event without a label of its own reads as its
/// name in words ("request.reopen" → "Request: reopen"). In English: the server's CSV
/// export calls this one; the page calls [`event_label_in`] with the reader's language.
pub fn event_label(event: &str) -> String {
    event_label_in(Locale::en, event)
}

/// [`event_label`] in `locale`.
pub fn event_label_in(locale: Locale, event: &str) -> String {
    let known: &str = match event {
        "signup" => td_string!(locale, audit_log.event_signup),
        "signup_requested" => td_string!(locale, audit_log.event_signup_requested),
        "signup_existing_address" => td_string!(locale, audit_log.event_signup_existing_address),
        "login" => td_string!(locale, audit_log.event_login),
        "logout" => td_string!(locale, audit_log.event_logout),
        "signed_out_everywhere" => td_string!(locale, audit_log.event_signed_out_everywhere),
        "password_changed" => td_string!(locale, audit_log.event_password_changed),
        "second_factor_enabled" => td_string!(locale, audit_log.event_second_factor_enabled),
        "second_factor_disabled" => td_string!(locale, audit_log.event_second_factor_disabled),
        "recovery_codes_renewed" => td_string!(locale, audit_log.event_recovery_codes_renewed),
        "second_factor_checked" => td_string!(locale, audit_log.event_second_factor_checked),
        "tenant_switched" => td_string!(locale, audit_log.event_tenant_switched),
        "tenant_verified" => td_string!(locale, audit_log.event_tenant_verified),
        "tenant_rejected" => td_string!(locale, audit_log.event_tenant_rejected),
        "invitation_sent" => td_string!(locale, audit_log.event_invitation_sent),
        "invitation_revoked" => td_string!(locale, audit_log.event_invitation_revoked),
        "invitation_accepted" => td_string!(locale, audit_log.event_invitation_accepted),
        "role_changed" => td_string!(locale, audit_log.event_role_changed),
        "member_removed" => td_string!(locale, audit_log.event_member_removed),
        "member_left" => td_string!(locale, audit_log.event_member_left),
        "platform_admin_granted" => td_string!(locale, audit_log.event_platform_admin_granted),
        "request.save_draft" => td_string!(locale, audit_log.event_request_save_draft),
        "request.submit" => td_string!(locale, audit_log.event_request_submit),
        "request.endorse" => td_string!(locale, audit_log.event_request_endorse),
        "request.approve" => td_string!(locale, audit_log.event_request_approve),
        "request.partially_approve" => {
            td_string!(locale, audit_log.event_request_partially_approve)
        }
        "request.reject" => td_string!(locale, audit_log.event_request_reject),
        "request.withdraw" => td_string!(locale, audit_log.event_request_withdraw),
        "request.compliance_flag" => td_string!(locale, audit_log.event_request_compliance_flag),
        "catalogue_changed" => td_string!(locale, audit_log.event_catalogue_changed),
        "policy_changed" => td_string!(locale, audit_log.event_policy_changed),
        "request.send_back" => td_string!(locale, audit_log.event_request_send_back),
        "request.comment" => td_string!(locale, audit_log.event_request_comment),
        "request.attachment" => td_string!(locale, audit_log.event_request_attachment),
        "quota.activated" => td_string!(locale, audit_log.event_quota_activated),
        "quota.expired" => td_string!(locale, audit_log.event_quota_expired),
        "quota.end_early" => td_string!(locale, audit_log.event_quota_end_early),
        "project_created" => td_string!(locale, audit_log.event_project_created),
        "project_updated" => td_string!(locale, audit_log.event_project_updated),
        "project_member_set" => td_string!(locale, audit_log.event_project_member_set),
        "project_member_removed" => td_string!(locale, audit_log.event_project_member_removed),
        "endorsement_changed" => td_string!(locale, audit_log.event_endorsement_changed),
        "api_token_created" => td_string!(locale, audit_log.event_api_token_created),
        "api_token_revoked" => td_string!(locale, audit_log.event_api_token_revoked),
        "api_token_write" => td_string!(locale, audit_log.event_api_token_write),
        "site_agent_registered" => td_string!(locale, audit_log.event_site_agent_registered),
        "site_agent_rotated" => td_string!(locale, audit_log.event_site_agent_rotated),
        "site_agent_revoked" => td_string!(locale, audit_log.event_site_agent_revoked),
        "usage_thresholds_changed" => td_string!(locale, audit_log.event_usage_thresholds_changed),
        "time_zone_changed" => td_string!(locale, audit_log.event_time_zone_changed),
        "language_changed" => td_string!(locale, audit_log.event_language_changed),
        "account.email_preferences" => td_string!(locale, audit_log.event_email_preferences),
        "mail.retried" => td_string!(locale, audit_log.event_mail_retried),
        _ => "",
    };
    if !known.is_empty() {
        return known.to_owned();
    }
    let words = |s: &str| s.replace('_', " ");
    // French puts a space before the colon.
    let colon = match locale {
        Locale::fr => " : ",
        Locale::en => ": ",
    };
    let text = match event.split_once('.') {
        Some((subject, action)) => format!("{}{colon}{}", words(subject), words(action)),
        None => words(event),
    };
    capitalised(&text)
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// A stored value as a person reads it in `locale`: request statuses and roles by their labels,
/// other codes with spaces.
fn value_words(locale: Locale, value: &str) -> String {
    if let Ok(status) = RequestStatus::parse(value) {
        return status.label_in(locale).to_owned();
    }
    if let Ok(role) = TenantRole::parse(value) {
        return role.label_in(locale).to_owned();
    }
    if let Some(day) = parse_iso_date(value) {
        return format::date(locale, day);
    }
    value.replace('_', " ")
}

/// The name of a detail's field in `locale` (a field without one reads as its name in words).
fn field_words(locale: Locale, key: &str) -> String {
    let known = match key {
        "agent_id" => td_string!(locale, audit_log.field_agent),
        "api_tokens_revoked" => td_string!(locale, audit_log.field_api_tokens_revoked),
        "by" => td_string!(locale, audit_log.field_by),
        "change" => td_string!(locale, audit_log.field_change),
        "characters" => td_string!(locale, audit_log.field_characters),
        "cluster" => td_string!(locale, audit_log.field_cluster),
        "code" => td_string!(locale, audit_log.field_code),
        "email" => td_string!(locale, audit_log.field_email),
        "endorsement" => td_string!(locale, audit_log.field_endorsement),
        "expires" => td_string!(locale, audit_log.field_expires),
        "file_name" => td_string!(locale, audit_log.field_file_name),
        "kind" => td_string!(locale, audit_log.field_kind),
        "language" => td_string!(locale, audit_log.field_language),
        "lead_days" => td_string!(locale, audit_log.field_lead_days),
        "levels" => td_string!(locale, audit_log.field_levels),
        "method" => td_string!(locale, audit_log.field_method),
        "name" => td_string!(locale, audit_log.field_name),
        "on" => td_string!(locale, audit_log.field_on),
        "path" => td_string!(locale, audit_log.field_path),
        "previous_status" => td_string!(locale, audit_log.field_previous_status),
        "reason" => td_string!(locale, audit_log.field_reason),
        "replaced" => td_string!(locale, audit_log.field_replaced),
        "role" => td_string!(locale, audit_log.field_role),
        "scope" => td_string!(locale, audit_log.field_scope),
        "sessions_ended" => td_string!(locale, audit_log.field_sessions_ended),
        "site" => td_string!(locale, audit_log.field_site),
        "size_bytes" => td_string!(locale, audit_log.field_size_bytes),
        "status" => td_string!(locale, audit_log.field_status),
        "tenant_slug" => td_string!(locale, audit_log.field_tenant_slug),
        "title" => td_string!(locale, audit_log.field_title),
        "via" => td_string!(locale, audit_log.field_via),
        _ => "",
    };
    if known.is_empty() {
        key.replace('_', " ")
    } else {
        known.to_owned()
    }
}

/// [`describe_detail_in`] in the language of the words being written now.
pub fn describe_detail(detail: &str, instant: impl Fn(i64) -> String) -> String {
    describe_detail_in(crate::locale::current(), detail, instant)
}

/// A one-line reading of an event's details in `locale`: the request and its states, the note,
/// the rules and versions of a residency evaluation, what was granted, and any other plain
/// field. Times (`…_at`) read as dates, yes/no fields as words, identifiers of rows are left out.
pub fn describe_detail_in(locale: Locale, detail: &str, instant: impl Fn(i64) -> String) -> String {
    let Ok(serde_json::Value::Object(map)) = serde_json::from_str::<serde_json::Value>(detail)
    else {
        return String::new();
    };
    let text = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        serde_json::Value::Bool(b) => Some(
            if *b {
                td_string!(locale, audit_log.detail_yes)
            } else {
                td_string!(locale, audit_log.detail_no)
            }
            .to_owned(),
        ),
        _ => None,
    };
    let mut parts: Vec<String> = Vec::new();
    if let Some(id) = map.get("request_id").and_then(text) {
        parts.push(fill(
            td_string!(locale, audit_log.detail_request),
            &[("id", &id)],
        ));
    }
    let state = |key: &str| map.get(key).and_then(text).map(|s| value_words(locale, &s));
    match (state("before"), state("after")) {
        (Some(b), Some(a)) => parts.push(format!("{b} → {a}")),
        (None, Some(a)) => parts.push(a),
        _ => {}
    }
    match (state("from"), state("to")) {
        (Some(f), Some(t)) => parts.push(format!("{f} → {t}")),
        (None, Some(t)) => parts.push(fill(td_string!(locale, audit_log.detail_to), &[("to", &t)])),
        _ => {}
    }
    if let Some(residency) = map.get("residency").and_then(|r| r.as_object()) {
        let eligible = residency.get("eligible").and_then(|e| e.as_bool());
        let failed: Vec<String> = residency
            .get("rules")
            .and_then(|r| r.as_array())
            .map(|rules| {
                rules
                    .iter()
                    .filter(|r| r.get("passed").and_then(|p| p.as_bool()) == Some(false))
                    .filter_map(|r| r.get("rule").and_then(text))
                    .collect()
            })
            .unwrap_or_default();
        let get = |k: &str| residency.get(k).and_then(text).unwrap_or_default();
        let versions = fill(
            td_string!(locale, audit_log.detail_versions),
            &[
                ("policy", &get("policy_version")),
                ("revision", &get("catalogue_revision")),
            ],
        );
        parts.push(match (eligible, failed.is_empty()) {
            (Some(true), _) => fill(
                td_string!(locale, audit_log.detail_rules_met),
                &[("versions", &versions)],
            ),
            (_, false) => fill(
                td_string!(locale, audit_log.detail_refused_by),
                &[("rules", &failed.join(", ")), ("versions", &versions)],
            ),
            _ => fill(
                td_string!(locale, audit_log.detail_checked),
                &[("versions", &versions)],
            ),
        });
    }
    if let Some(granted) = map.get("granted").and_then(|g| g.as_object()) {
        let get = |k: &str| granted.get(k).and_then(text).unwrap_or_default();
        // The stored end is the first day no longer granted; people read the last day.
        let last_day = parse_iso_date(&get("end"))
            .and_then(|end| end.previous_day())
            .map(|d| format::date(locale, d))
            .unwrap_or_else(|| get("end"));
        parts.push(fill(
            td_string!(locale, audit_log.detail_granted),
            &[
                ("gpus", &get("gpus")),
                ("start", &format::iso_date(locale, &get("start"))),
                ("last", &last_day),
            ],
        ));
    }
    for (key, value) in &map {
        if matches!(
            key.as_str(),
            "request_id" | "before" | "after" | "from" | "to" | "residency" | "granted" | "note"
        ) || key.ends_with("_id")
        {
            continue;
        }
        let Some(v) = text(value).filter(|v| !v.is_empty()) else {
            continue;
        };
        let field = |name: &str, value: &str| {
            fill(
                td_string!(locale, audit_log.detail_field),
                &[("field", &field_words(locale, name)), ("value", &value)],
            )
        };
        parts.push(match (key.as_str(), value) {
            ("known_browser", serde_json::Value::Bool(true)) => {
                td_string!(locale, audit_log.detail_known_browser).to_owned()
            }
            ("known_browser", serde_json::Value::Bool(false)) => {
                td_string!(locale, audit_log.detail_new_browser).to_owned()
            }
            (k, serde_json::Value::Number(n)) if k.ends_with("_at") => field(
                k.trim_end_matches("_at"),
                &n.as_i64().map(&instant).unwrap_or(v),
            ),
            (k, _) => field(k, &value_words(locale, &v)),
        });
    }
    if let Some(note) = map
        .get("note")
        .and_then(text)
        .filter(|n| !n.trim().is_empty())
    {
        let quoted = match locale {
            Locale::fr => format!("« {} »", note.trim()),
            Locale::en => format!("“{}”", note.trim()),
        };
        parts.push(quoted);
    }
    parts.join(" · ")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::dates::format_instant;

    #[test]
    fn events_read_as_words_not_codes() {
        assert_eq!(event_label("request.save_draft"), "Draft saved");
        assert_eq!(event_label("login"), "Signed in");
        assert_eq!(event_label("request.reopen"), "Request: reopen");
        assert_eq!(
            event_label("request.send_back"),
            "Request sent back for changes"
        );
        assert_eq!(event_label("quota_ended"), "Quota ended");
        for event in super::KNOWN_EVENTS {
            let label = event_label(event);
            assert!(
                !label.contains('_') && !label.contains('.') && !label.contains(':'),
                "{event} reads {label}"
            );
        }
    }

    #[test]
    fn details_read_as_one_line() {
        let detail = r#"{"request_id":7,"before":"endorsed","after":"partially_approved","note":"Half now.",
            "residency":{"eligible":true,"rules":[{"rule":"G1","passed":true}],"policy_version":1,"catalogue_revision":3},
            "granted":{"gpus":8,"start":"2027-01-01","end":"2027-02-01"}}"#;
        assert_eq!(
            describe_detail(detail, format_instant),
            "request #7 · Endorsed → Partially approved · residency rules met (policy version 1, \
             catalogue revision 3) · granted 8 GPUs from 1 Jan 2027 to 31 Jan 2027 (last day) · “Half now.”"
        );
        let failed = r#"{"residency":{"eligible":false,"rules":[{"rule":"H1","passed":false},{"rule":"G1","passed":true}],"policy_version":2,"catalogue_revision":5}}"#;
        assert_eq!(
            describe_detail(failed, format_instant),
            "refused by rule H1 (policy version 2, catalogue revision 5)"
        );
        assert_eq!(
            describe_detail(r#"{"email":"a@b.test"}"#, format_instant),
            "email: a@b.test"
        );
        assert_eq!(describe_detail("not json", format_instant), "");
        // Instants inside the details are written by the caller's clock (the reader's zone).
        assert_eq!(
            describe_detail(r#"{"expires_at":1800000000}"#, |u| format!("<{u}>")),
            "expires: <1800000000>"
        );
    }

    #[test]
    fn details_read_in_french_for_a_french_reader() {
        let detail = r#"{"request_id":7,"before":"endorsed","after":"approved","note":"Bien.","known_browser":true,
            "granted":{"gpus":8,"start":"2027-01-01","end":"2027-02-01"},"email":"a@b.test"}"#;
        assert_eq!(
            describe_detail_in(Locale::fr, detail, format_instant),
            "demande n° 7 · Appuyée → Approuvée · 8 GPU accordés du 1 janv. 2027 \
             au 31 janv. 2027 (dernier jour inclus) · adresse e-mail : a@b.test · depuis un navigateur \
             connu · « Bien. »"
        );
    }

    #[test]
    fn times_roles_and_flags_read_as_words() {
        let invitation = r#"{"invitation_id":3,"email":"a@b.test","role":"auditor","expires_at":0,"replaced":false}"#;
        assert_eq!(
            describe_detail(invitation, format_instant),
            "email: a@b.test · expires: 1970-01-01 00:00 UTC · replaced: no · role: Auditor"
        );
        assert_eq!(
            describe_detail(
                r#"{"user_id":4,"from":"member","to":"owner"}"#,
                format_instant
            ),
            "Member → Owner"
        );
        assert_eq!(
            describe_detail(r#"{"known_browser":false}"#, format_instant),
            "from a new browser"
        );
    }
}
