//! Access refused: every 401, 403 and 404 a server function answers, and every cross-site
//! request the security middleware turns away, is logged once as a structured warning and
//! counted.
//!
//! The log line carries the actor's id (never an e-mail address or a name), the action (the
//! server function's endpoint, or the page's path), the kind of target and the kind of refusal —
//! never a form's content, a password or a token. A missing object and another tenant's look
//! the same by design (both are *not found*), so both count as `not_found`: a burst of them is
//! someone probing ids.

use std::sync::atomic::{AtomicU64, Ordering};

use crate::error::AppError;

/// A kind of refusal.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Denial {
    /// 401: not signed in.
    Unauthenticated,
    /// 403: signed in, but the role (or the absence of an active tenant) does not allow it.
    Forbidden,
    /// 404: not found, which is also what another tenant's object answers.
    NotFound,
    /// 403 before any server function: a state change from another site, or one carrying the
    /// session cookie without saying where it came from.
    CrossSite,
}

impl Denial {
    /// The refusal an error is, if it is one.
    pub fn of(error: &AppError) -> Option<Self> {
        match error {
            AppError::Unauthenticated => Some(Self::Unauthenticated),
            AppError::Forbidden | AppError::SecondFactorSetupNeeded | AppError::StepUpNeeded => {
                Some(Self::Forbidden)
            }
            AppError::NotFound => Some(Self::NotFound),
            AppError::CrossSite { .. } => Some(Self::CrossSite),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Self::Unauthenticated => "unauthenticated",
            Self::Forbidden => "forbidden",
            Self::NotFound => "not_found",
            Self::CrossSite => "cross_site",
        }
    }
}

/// How many refusals of each kind this process answered since it started.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct DenialCounts {
    pub unauthenticated: u64,
    pub forbidden: u64,
    pub not_found: u64,
    pub cross_site: u64,
}

/// The counters, one per kind (shared by every request of one `AppState`).
#[derive(Debug, Default)]
pub struct AccessDenials {
    unauthenticated: AtomicU64,
    forbidden: AtomicU64,
    not_found: AtomicU64,
    cross_site: AtomicU64,
}

impl AccessDenials {
    /// Logs one refusal as a warning and counts it. `actor` is the signed-in person's id, if
    /// any; `action` the endpoint or path; `target` the kind of thing it was about.
    pub fn record(&self, denial: Denial, actor: Option<i64>, action: &str, target: &str) {
        let counter = match denial {
            Denial::Unauthenticated => &self.unauthenticated,
            Denial::Forbidden => &self.forbidden,
            Denial::NotFound => &self.not_found,
            Denial::CrossSite => &self.cross_site,
        };
        counter.fetch_add(1, Ordering::Relaxed);
        tracing::warn!(
            denial = denial.as_str(),
            actor_id = actor,
            action,
            target,
            "access refused"
        );
    }

    /// The counts so far.
    pub fn counts(&self) -> DenialCounts {
        DenialCounts {
            unauthenticated: self.unauthenticated.load(Ordering::Relaxed),
            forbidden: self.forbidden.load(Ordering::Relaxed),
            not_found: self.not_found.load(Ordering::Relaxed),
            cross_site: self.cross_site.load(Ordering::Relaxed),
        }
    }
}

/// The action a request names: a server function's endpoint (`/api/get_request` →
/// `get_request`), or a page's path without its query.
pub fn action_of(path: &str) -> &str {
    path.strip_prefix("/api/").unwrap_or(path)
}

/// The kind of target of an action: what follows the verb of an endpoint (`get_request` →
/// `request`, `change_member_role` → `member_role`), or a page path's first segment
/// (`/requests/12` → `requests`).
pub fn target_of(action: &str) -> &str {
    if let Some(page) = action.strip_prefix('/') {
        return page
            .split('/')
            .next()
            .filter(|s| !s.is_empty())
            .unwrap_or("home");
    }
    action.split_once('_').map_or(action, |(_, object)| object)
}

/// The signed-in person a request acts for, once known: put in the request's context when the
/// session is read (`RequestContext::user`), so that a refusal further on names its actor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ActingUser(pub i64);

/// Logs and counts `error` if it is a refusal, for the request being served. Called by
/// `server::error::respond`, which every server function's errors go through.
pub fn record_if_refused(error: &AppError) {
    let Some(denial) = Denial::of(error) else {
        return;
    };
    let Some(state) = leptos::prelude::use_context::<super::AppState>() else {
        return;
    };
    let path = leptos::prelude::use_context::<http::request::Parts>()
        .map(|parts| parts.uri.path().to_owned())
        .unwrap_or_default();
    let actor = leptos::prelude::use_context::<ActingUser>().map(|a| a.0);
    let action = action_of(&path);
    state
        .denials
        .record(denial, actor, action, target_of(action));
}

#[cfg(test)]
mod tests {
    use std::sync::{Arc, Mutex};

    use super::*;

    #[test]
    fn actions_and_targets_are_named_from_the_endpoint_or_the_page() {
        assert_eq!(action_of("/api/get_request"), "get_request");
        assert_eq!(target_of("get_request"), "request");
        assert_eq!(target_of("change_member_role"), "member_role");
        assert_eq!(target_of("organisation"), "organisation");
        assert_eq!(action_of("/requests/12"), "/requests/12");
        assert_eq!(target_of("/requests/12"), "requests");
        assert_eq!(target_of("/"), "home");
    }

    #[test]
    fn each_kind_has_its_own_counter() {
        let denials = AccessDenials::default();
        denials.record(Denial::NotFound, Some(7), "get_request", "request");
        denials.record(Denial::NotFound, Some(7), "get_request", "request");
        denials.record(Denial::Forbidden, Some(7), "decide_request", "request");
        denials.record(Denial::Unauthenticated, None, "list_requests", "requests");
        denials.record(Denial::CrossSite, None, "/api/login", "another_origin");
        assert_eq!(
            denials.counts(),
            DenialCounts {
                unauthenticated: 1,
                forbidden: 1,
                not_found: 2,
                cross_site: 1,
            }
        );
        assert_eq!(Denial::of(&AppError::InvalidCredentials), None);
        assert_eq!(Denial::of(&AppError::NotFound), Some(Denial::NotFound));
    }

    /// A writer that keeps what the subscriber wrote.
    #[derive(Clone, Default)]
    struct Captured(Arc<Mutex<Vec<u8>>>);

    impl std::io::Write for Captured {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0.lock().unwrap().extend_from_slice(buf);
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    #[test]
    fn the_warning_names_actor_action_and_target_and_nothing_else() {
        let captured = Captured::default();
        let writer = captured.clone();
        let subscriber = tracing_subscriber::fmt()
            .json()
            .with_writer(move || writer.clone())
            .finish();
        tracing::subscriber::with_default(subscriber, || {
            AccessDenials::default().record(Denial::NotFound, Some(42), "get_request", "request");
        });
        let text = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
        let line: serde_json::Value = serde_json::from_str(text.trim()).unwrap();
        assert_eq!(line["level"], "WARN");
        let fields = line["fields"].as_object().unwrap();
        let mut names: Vec<&str> = fields.keys().map(String::as_str).collect();
        names.sort_unstable();
        assert_eq!(
            names,
            ["action", "actor_id", "denial", "message", "target"],
            "{text}"
        );
        assert_eq!(fields["actor_id"], 42);
        assert_eq!(fields["denial"], "not_found");
    }
}
