//! The domain's words in each language: the names of roles, statuses, kinds, sectors, scopes
//! and data classes as pages show them. `label()` on each type stays the English name the API,
//! the CSV exports and the audit log use; `label_in(locale)` is what a person reads.

use crate::i18n::{td_string, Locale};

impl crate::domain::identity::TenantKind {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::University => td_string!(locale, domain.kind_university),
            Self::ResearchInstitute => td_string!(locale, domain.kind_research_institute),
            Self::PublicBody => td_string!(locale, domain.kind_public_body),
            Self::Company => td_string!(locale, domain.kind_company),
        }
    }
}

impl crate::domain::identity::Sector {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Health => td_string!(locale, domain.sector_health),
            Self::Mobility => td_string!(locale, domain.sector_mobility),
            Self::Energy => td_string!(locale, domain.sector_energy),
            Self::Finance => td_string!(locale, domain.sector_finance),
            Self::Industry => td_string!(locale, domain.sector_industry),
            Self::Research => td_string!(locale, domain.sector_research),
            Self::Education => td_string!(locale, domain.sector_education),
            Self::Other => td_string!(locale, domain.sector_other_sector),
        }
    }
}

impl crate::domain::projects::ProjectRole {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Lead => td_string!(locale, domain.project_role_lead),
            Self::Member => td_string!(locale, domain.project_role_member),
            Self::Viewer => td_string!(locale, domain.project_role_viewer),
        }
    }
}

impl crate::domain::projects::EndorsementPolicy {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Owners => td_string!(locale, domain.endorsement_owners),
            Self::OwnersAndLeads => td_string!(locale, domain.endorsement_owners_and_leads),
        }
    }
}

impl crate::domain::tenancy::TenantRole {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Owner => td_string!(locale, domain.tenant_role_owner),
            Self::Member => td_string!(locale, domain.tenant_role_member),
            Self::Auditor => td_string!(locale, domain.tenant_role_auditor),
        }
    }
}

impl crate::domain::tenancy::TenantStatus {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Pending => td_string!(locale, domain.tenant_status_pending),
            Self::Verified => td_string!(locale, domain.tenant_status_verified),
            Self::Rejected => td_string!(locale, domain.tenant_status_rejected),
        }
    }
}

impl crate::domain::lifecycle::RequestStatus {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Draft => td_string!(locale, domain.status_draft),
            Self::Submitted => td_string!(locale, domain.status_submitted),
            Self::Endorsed => td_string!(locale, domain.status_endorsed),
            Self::ChangesRequested => td_string!(locale, domain.status_changes_requested),
            Self::Approved => td_string!(locale, domain.status_approved),
            Self::PartiallyApproved => td_string!(locale, domain.status_partially_approved),
            Self::Rejected => td_string!(locale, domain.status_rejected),
            Self::Withdrawn => td_string!(locale, domain.status_withdrawn),
        }
    }
}

impl crate::domain::lifecycle::RequestKind {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::New => td_string!(locale, domain.request_kind_new),
            Self::Change => td_string!(locale, domain.request_kind_change),
            Self::Renewal => td_string!(locale, domain.request_kind_renewal),
        }
    }
}

impl crate::domain::lifecycle::Action {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::SaveDraft => td_string!(locale, domain.action_save_draft),
            Self::Submit => td_string!(locale, domain.action_submit),
            Self::Endorse => td_string!(locale, domain.action_endorse),
            Self::Approve => td_string!(locale, domain.action_approve),
            Self::PartiallyApprove => td_string!(locale, domain.action_partially_approve),
            Self::Reject => td_string!(locale, domain.action_reject),
            Self::SendBack => td_string!(locale, domain.action_send_back),
            Self::Withdraw => td_string!(locale, domain.action_withdraw),
        }
    }
}

impl crate::domain::lifecycle::QuotaPhase {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Upcoming => td_string!(locale, domain.phase_upcoming),
            Self::Active => td_string!(locale, domain.phase_active),
            Self::Expired => td_string!(locale, domain.phase_expired),
        }
    }
}

impl crate::domain::api_tokens::TokenScope {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Read => td_string!(locale, domain.scope_read),
            Self::Write => td_string!(locale, domain.scope_write),
            Self::Admin => td_string!(locale, domain.scope_admin),
        }
    }
}

impl crate::domain::mail::MailCategory {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Security => td_string!(locale, domain.mail_category_security),
            Self::Account => td_string!(locale, domain.mail_category_account),
            Self::Requests => td_string!(locale, domain.mail_category_requests),
            Self::Quotas => td_string!(locale, domain.mail_category_quotas),
            Self::Compliance => td_string!(locale, domain.mail_category_compliance),
            Self::Digest => td_string!(locale, domain.mail_category_digest),
        }
    }
}

impl crate::domain::mail::Delivery {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Immediately => td_string!(locale, domain.delivery_immediately),
            Self::DailyDigest => td_string!(locale, domain.delivery_daily_digest),
            Self::Never => td_string!(locale, domain.delivery_never),
        }
    }
}

impl crate::domain::residency::Classification {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Public => td_string!(locale, domain.classification_public),
            Self::Confidential => td_string!(locale, domain.classification_confidential),
            Self::Personal => td_string!(locale, domain.classification_personal),
            Self::Health => td_string!(locale, domain.classification_health),
            Self::Sensitive => td_string!(locale, domain.classification_sensitive),
        }
    }
}

impl crate::domain::review::AttachmentKind {
    /// The name shown to a person reading `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Dpia => td_string!(locale, domain.attachment_dpia),
            Self::EthicsApproval => td_string!(locale, domain.attachment_ethics_approval),
            Self::HostingContract => td_string!(locale, domain.attachment_hosting_contract),
            Self::Other => td_string!(locale, domain.attachment_other_document),
        }
    }
}

impl crate::domain::residency::Classification {
    /// What the class means, in `locale`.
    pub fn description_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Public => td_string!(locale, domain.classification_public_description),
            Self::Confidential => {
                td_string!(locale, domain.classification_confidential_description)
            }
            Self::Personal => td_string!(locale, domain.classification_personal_description),
            Self::Health => td_string!(locale, domain.classification_health_description),
            Self::Sensitive => td_string!(locale, domain.classification_sensitive_description),
        }
    }
}

impl crate::domain::residency::EucsLevel {
    /// The EUCS assurance level's name in `locale`.
    pub fn label_in(self, locale: Locale) -> &'static str {
        match self {
            Self::Basic => td_string!(locale, domain.eucs_basic),
            Self::Substantial => td_string!(locale, domain.eucs_substantial),
            Self::High => td_string!(locale, domain.eucs_high),
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::domain::lifecycle::RequestStatus;
    use crate::i18n::Locale;

    #[test]
    fn english_names_are_the_labels_and_french_ones_differ() {
        for status in RequestStatus::ALL.iter().copied() {
            assert_eq!(status.label_in(Locale::en), status.label());
        }
        assert_eq!(RequestStatus::Endorsed.label_in(Locale::fr), "Appuyée");
    }
}
