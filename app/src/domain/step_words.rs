//! What Guichet itself writes on a request's timeline (an amendment, a quota ended early, the
//! clock starting or ending a quota), kept as a message and its values so that each reader
//! gets it in their own language. The step's `note` column keeps the English, for the API.

use serde::{Deserialize, Serialize};

use crate::domain::format::{fill, window};
use crate::i18n::{td_string, Locale};

/// One of Guichet's own timeline messages with its values (stored as JSON).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "said", rename_all = "snake_case")]
pub enum StepWords {
    /// A change request amended this quota to `gpus` over `[start, end)`.
    Amended {
        change: i64,
        gpus: i64,
        start: String,
        end: String,
    },
    /// An admin ended the quota early and/or reduced it, for `reason`.
    Resized {
        ended_early: bool,
        reduced: bool,
        gpus: i64,
        model: String,
        start: String,
        end: String,
        reason: String,
    },
    /// The clock ended the quota: its window is over.
    QuotaExpired {
        gpus: i64,
        model: String,
        site: String,
    },
    /// The clock started the quota: its first day came.
    QuotaActive {
        gpus: i64,
        model: String,
        site: String,
    },
    /// Sent for review (again, after changes were asked for, with `resubmitted`), endorsed at
    /// once when an owner sent it (`endorsed`).
    Submitted { resubmitted: bool, endorsed: bool },
    /// A draft that follows quota `quota`: its renewal, or a change to it.
    Follows { renewal: bool, quota: i64 },
}

impl StepWords {
    /// The message in `locale`.
    pub fn in_language(&self, locale: Locale) -> String {
        match self {
            Self::Amended {
                change,
                gpus,
                start,
                end,
            } => fill(
                td_string!(locale, requests.step_amended),
                &[
                    ("id", change),
                    ("gpus", gpus),
                    ("window", &window(locale, start, end)),
                ],
            ),
            Self::Resized {
                gpus,
                model,
                start,
                end,
                reason,
                ..
            } => {
                let what = self.headline(locale).unwrap_or_default();
                fill(
                    td_string!(locale, requests.step_resized),
                    &[
                        ("what", &what),
                        ("gpus", gpus),
                        ("model", model),
                        ("window", &window(locale, start, end)),
                        ("reason", reason),
                    ],
                )
            }
            Self::QuotaExpired { gpus, model, site } => fill(
                td_string!(locale, requests.step_quota_expired),
                &[("gpus", gpus), ("model", model), ("site", site)],
            ),
            Self::QuotaActive { gpus, model, site } => fill(
                td_string!(locale, requests.step_quota_active),
                &[("gpus", gpus), ("model", model), ("site", site)],
            ),
            Self::Submitted {
                resubmitted,
                endorsed,
            } => match (resubmitted, endorsed) {
                (true, true) => td_string!(locale, requests.step_resubmitted_endorsed),
                (true, false) => td_string!(locale, requests.step_resubmitted),
                (false, true) => td_string!(locale, requests.step_submitted_endorsed),
                (false, false) => "",
            }
            .to_owned(),
            Self::Follows { renewal, quota } => fill(
                if *renewal {
                    td_string!(locale, requests.step_renewal_of)
                } else {
                    td_string!(locale, requests.step_change_of)
                },
                &[("id", quota)],
            ),
        }
    }

    /// What happened, in a few words, for the step's title where its status alone would not say
    /// it (a quota stays approved when the clock starts it).
    pub fn headline(&self, locale: Locale) -> Option<&'static str> {
        Some(match self {
            Self::Amended { .. } => td_string!(locale, requests.step_title_amended),
            Self::Resized {
                ended_early,
                reduced,
                ..
            } => match (ended_early, reduced) {
                (true, true) => td_string!(locale, requests.step_ended_early_and_reduced),
                (true, false) => td_string!(locale, requests.step_ended_early),
                _ => td_string!(locale, requests.step_reduced),
            },
            Self::QuotaExpired { .. } => td_string!(locale, requests.step_title_expired),
            Self::QuotaActive { .. } => td_string!(locale, requests.step_title_active),
            Self::Submitted { .. } | Self::Follows { .. } => return None,
        })
    }

    /// The stored form.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The stored form read back; `None` for a step a person wrote, or an unknown message.
    pub fn from_json(stored: Option<&str>) -> Option<Self> {
        serde_json::from_str(stored?).ok()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_step_reads_in_each_language_and_survives_storage() {
        let step = StepWords::Resized {
            ended_early: false,
            reduced: true,
            gpus: 6,
            model: "H100".into(),
            start: "2027-01-01".into(),
            end: "2027-02-01".into(),
            reason: "Maintenance.".into(),
        };
        assert_eq!(
            step.in_language(Locale::en),
            "Reduced: now 6 H100 GPUs, 1 Jan 2027 – 31 Jan 2027. Reason: Maintenance."
        );
        assert_eq!(
            step.in_language(Locale::fr),
            "Réduit : désormais 6 GPU H100, 1 janv. 2027 – 31 janv. 2027. Motif : Maintenance."
        );
        assert_eq!(StepWords::from_json(Some(&step.to_json())), Some(step));
        assert_eq!(StepWords::from_json(Some("Fits our plan.")), None);
        assert_eq!(StepWords::from_json(None), None);
        let active = StepWords::QuotaActive {
            gpus: 8,
            model: "H100".into(),
            site: "Dugny".into(),
        };
        assert_eq!(
            active.in_language(Locale::en),
            "Quota active: its 8 H100 GPUs at Dugny are held from today."
        );
        let owner = StepWords::Submitted {
            resubmitted: false,
            endorsed: true,
        };
        assert_eq!(
            owner.in_language(Locale::fr),
            "Soumise par un propriétaire : appuyée à la soumission."
        );
        let renewal = StepWords::Follows {
            renewal: true,
            quota: 3,
        };
        assert_eq!(renewal.in_language(Locale::en), "Renewal of quota #3.");
        assert_eq!(
            StepWords::from_json(Some(&renewal.to_json())),
            Some(renewal)
        );
    }
}
