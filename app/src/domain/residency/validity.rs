//! Certificate validity over a request's window, shared by the health (H1, H2) and SecNumCloud (S1)
//! rules.

use super::{Certification, Finding, RuleId, Window};
use crate::domain::format::{date, fill};
use crate::i18n::{td_string, Locale};

/// The candidate that lasts longest, to name in a reason.
pub(super) fn longest_lasting<'a>(
    certs: impl IntoIterator<Item = &'a Certification>,
) -> Option<&'a Certification> {
    certs
        .into_iter()
        .max_by_key(|cert| (cert.valid_until, std::cmp::Reverse(cert.valid_from)))
}

/// Shared by H2 and S1: one of `candidates` must cover the whole window; otherwise name the closest
/// candidate and why it falls short.
pub(super) fn window_validity_finding(
    locale: Locale,
    rule: RuleId,
    what: &str,
    candidates: &[&Certification],
    window: &Window,
    none_reason: String,
) -> Finding {
    let last_day = window.last_day();
    if let Some(cert) = longest_lasting(
        candidates
            .iter()
            .copied()
            .filter(|cert| cert.covers_window(window)),
    ) {
        return Finding::pass(
            rule,
            fill(
                td_string!(locale, residency.valid_covers),
                &[
                    ("what", &what),
                    ("certificate", &cert.certificate_id),
                    ("from", &date(locale, cert.valid_from)),
                    ("until", &date(locale, cert.valid_until)),
                    ("last_day", &date(locale, last_day)),
                ],
            ),
        );
    }
    let Some(cert) = longest_lasting(candidates.iter().copied()) else {
        return Finding::fail(rule, none_reason);
    };
    if cert.valid_from > window.start {
        return Finding::fail(
            rule,
            fill(
                td_string!(locale, residency.valid_later),
                &[
                    ("what", &what),
                    ("certificate", &cert.certificate_id),
                    ("from", &date(locale, cert.valid_from)),
                    ("start", &date(locale, window.start)),
                ],
            ),
        );
    }
    Finding::fail(
        rule,
        fill(
            td_string!(locale, residency.valid_expires),
            &[
                ("what", &what),
                ("certificate", &cert.certificate_id),
                ("until", &date(locale, cert.valid_until)),
                ("last_day", &date(locale, last_day)),
            ],
        ),
    )
}
