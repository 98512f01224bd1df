//! Certificate validity over a request's window, shared by the health (H1, H2) and SecNumCloud (S1)
//! rules.

use super::{Certification, Finding, RuleId, Window};

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
            format!(
                "{what} {} is valid from {} until {}, covering the window through its last day, {last_day}.",
                cert.certificate_id, cert.valid_from, cert.valid_until
            ),
        );
    }
    let Some(cert) = longest_lasting(candidates.iter().copied()) else {
        return Finding::fail(rule, none_reason);
    };
    if cert.valid_from > window.start {
        return Finding::fail(
            rule,
            format!(
                "{what} {} only becomes valid on {}, after {}, the window's first day.",
                cert.certificate_id, cert.valid_from, window.start
            ),
        );
    }
    Finding::fail(
        rule,
        format!(
            "{what} {} expires on {}, before {last_day}, the window's last day.",
            cert.certificate_id, cert.valid_until
        ),
    )
}
