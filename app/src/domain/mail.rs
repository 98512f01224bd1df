//! What the portal e-mails, in categories a person chooses how to receive.

use serde::{Deserialize, Serialize};

/// What an e-mail is about. A person chooses the delivery of [`MailCategory::CHOOSABLE`] ones;
/// security mail (wrong passwords from an unknown browser, a changed password) and account mail
/// (an invitation, a sign-up's confirmation, which the person asked for) are always sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MailCategory {
    Security,
    Account,
    /// A request's decisions, comments and questions.
    Requests,
    /// A quota's start, end, reminders before its end, and its use.
    Quotas,
    /// Residency compliance: a request that no longer complies, a certificate that lapses.
    Compliance,
    /// A daily digest of the others (never chosen, never held).
    Digest,
}

impl MailCategory {
    /// The categories a person may hold back or turn off, in the order the account page shows.
    pub const CHOOSABLE: [MailCategory; 3] = [
        MailCategory::Requests,
        MailCategory::Quotas,
        MailCategory::Compliance,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            MailCategory::Security => "security",
            MailCategory::Account => "account",
            MailCategory::Requests => "requests",
            MailCategory::Quotas => "quotas",
            MailCategory::Compliance => "compliance",
            MailCategory::Digest => "digest",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        [
            MailCategory::Security,
            MailCategory::Account,
            MailCategory::Requests,
            MailCategory::Quotas,
            MailCategory::Compliance,
            MailCategory::Digest,
        ]
        .into_iter()
        .find(|c| c.as_str() == s)
    }

    pub fn is_choosable(self) -> bool {
        Self::CHOOSABLE.contains(&self)
    }

    /// The category in words, for the account page and the e-mails' footers.
    pub fn label(self) -> &'static str {
        match self {
            MailCategory::Security => "Security",
            MailCategory::Account => "Your account",
            MailCategory::Requests => "Requests: decisions, comments and questions",
            MailCategory::Quotas => "Quotas: start, end, reminders and use",
            MailCategory::Compliance => "Compliance: residency rules and certificates",
            MailCategory::Digest => "Daily digest",
        }
    }
}

/// How a person receives one category.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Delivery {
    /// Each e-mail as it happens.
    #[default]
    Immediately,
    /// Gathered into one e-mail a day.
    DailyDigest,
    /// No e-mail (the notice still shows in the portal).
    Never,
}

impl Delivery {
    pub const ALL: [Delivery; 3] = [
        Delivery::Immediately,
        Delivery::DailyDigest,
        Delivery::Never,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Delivery::Immediately => "immediate",
            Delivery::DailyDigest => "digest",
            Delivery::Never => "never",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|d| d.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Delivery::Immediately => "Immediately",
            Delivery::DailyDigest => "In a daily digest",
            Delivery::Never => "Never",
        }
    }
}

/// A person's choice for each choosable category.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EmailPreferences {
    pub choices: Vec<(MailCategory, Delivery)>,
}

impl EmailPreferences {
    /// The delivery chosen for `category` (immediately when none was chosen, and always for the
    /// categories that cannot be chosen).
    pub fn delivery(&self, category: MailCategory) -> Delivery {
        if !category.is_choosable() {
            return Delivery::Immediately;
        }
        self.choices
            .iter()
            .find(|(c, _)| *c == category)
            .map(|(_, d)| *d)
            .unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_read_back() {
        for c in MailCategory::CHOOSABLE {
            assert_eq!(MailCategory::parse(c.as_str()), Some(c));
        }
        for d in Delivery::ALL {
            assert_eq!(Delivery::parse(d.as_str()), Some(d));
        }
        assert_eq!(Delivery::parse("sometimes"), None);
    }

    #[test]
    fn security_and_account_mail_cannot_be_held_back() {
        let prefs = EmailPreferences {
            choices: vec![
                (MailCategory::Security, Delivery::Never),
                (MailCategory::Account, Delivery::Never),
                (MailCategory::Quotas, Delivery::Never),
            ],
        };
        assert_eq!(
            prefs.delivery(MailCategory::Security),
            Delivery::Immediately
        );
        assert_eq!(prefs.delivery(MailCategory::Account), Delivery::Immediately);
        assert_eq!(prefs.delivery(MailCategory::Quotas), Delivery::Never);
        assert_eq!(
            prefs.delivery(MailCategory::Requests),
            Delivery::Immediately
        );
    }
}
