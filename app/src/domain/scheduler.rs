//! The desired state of a site's scheduler, from the portal's quotas: what a site agent applies.
//!
//! The mapping (see `docs/scheduler.md`): under one account `guichet`, an account per tenant
//! (its slug) and under it an account per project (`<tenant>_<project>`: a slug never holds `_`,
//! so names never collide). A project account carries, for **every** GPU model of the site, the
//! GPUs its active quotas grant (`GrpTRES=gres/gpu:<model>=N`, 0 where it holds none, so nothing
//! the portal did not approve runs) and their total as `gres/gpu=N` (Slurm checks an untyped
//! request against it). When every active quota of a model has a GPU-hour budget, their sum in
//! minutes is its `GrpTRESMins`. The project's leads and members are its users, by the login
//! each gave for the site. Accounts of quotas that ended keep existing with zero GPUs: their
//! accounting history stays.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};
use time::Date;

use super::lifecycle::{phase, QuotaPhase};

mod kueue;
mod slurm;
pub use kueue::kueue_yaml;
pub use slurm::sacctmgr_script;

/// The account every account of the portal sits under.
pub const ROOT_ACCOUNT: &str = "guichet";

/// A granted quota at the site, as the export reads it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantAtSite {
    pub request_id: i64,
    pub tenant: String,
    pub project: String,
    pub model: String,
    pub gpus: u32,
    pub start: Date,
    pub end: Date,
    pub gpu_hours: Option<i64>,
}

/// One quota in the export.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExportedQuota {
    pub request_id: i64,
    pub model: String,
    pub gpus: u32,
    pub start: String,
    /// The first day after the window.
    pub end: String,
    pub gpu_hours: Option<i64>,
    /// `upcoming`, `active` or `expired`.
    pub phase: String,
}

/// A project's account and its limits.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProjectAccount {
    pub name: String,
    pub parent: String,
    pub tenant: String,
    pub project: String,
    /// GPUs held at once, per model of the site (0 where none is granted).
    pub gpus: BTreeMap<String, u32>,
    /// GPU-minutes in all, per model, where every active quota of the model has a budget.
    pub gpu_minutes: BTreeMap<String, i64>,
    /// Slurm users: the logins of the project's leads and members at this site.
    pub users: Vec<String>,
    pub quotas: Vec<ExportedQuota>,
}

impl ProjectAccount {
    /// All GPUs held at once, whatever the model.
    pub fn total_gpus(&self) -> u32 {
        self.gpus.values().sum()
    }
}

/// What the site's scheduler should hold.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SiteState {
    pub site: String,
    pub cluster: String,
    /// A digest of everything below: it changes exactly when the state does.
    pub revision: String,
    /// The day the state is computed for (UTC).
    pub as_of: String,
    pub lead_days: u32,
    pub models: Vec<String>,
    pub root_account: String,
    pub tenants: Vec<String>,
    pub accounts: Vec<ProjectAccount>,
}

/// A project's account name.
pub fn account_name(tenant: &str, project: &str) -> String {
    format!("{tenant}_{project}")
}

/// The Slurm name of a GPU model (`gres/gpu:<type>`): the model in lower case.
pub fn gres_type(model: &str) -> String {
    model.to_ascii_lowercase()
}

/// Builds the state of `site` on `today` from its granted quotas and the (tenant, project, login)
/// of the people who run jobs; quotas starting within `lead_days` get their account and users
/// with no GPUs yet. `digest` turns the state's canonical JSON into its revision.
#[allow(clippy::too_many_arguments)]
pub fn desired_state(
    site: &str,
    cluster: &str,
    models: &[String],
    today: Date,
    lead_days: u32,
    grants: &[GrantAtSite],
    people: &[(String, String, String)],
    digest: impl Fn(&[u8]) -> String,
) -> SiteState {
    let horizon = today.saturating_add(time::Duration::days(i64::from(lead_days)));
    let mut accounts: BTreeMap<(String, String), ProjectAccount> = BTreeMap::new();
    let mut budgets: BTreeMap<(String, String, String), Option<i64>> = BTreeMap::new();
    for g in grants.iter().filter(|g| g.start <= horizon) {
        let key = (g.tenant.clone(), g.project.clone());
        let account = accounts
            .entry(key.clone())
            .or_insert_with(|| ProjectAccount {
                name: account_name(&g.tenant, &g.project),
                parent: g.tenant.clone(),
                tenant: g.tenant.clone(),
                project: g.project.clone(),
                gpus: models.iter().map(|m| (m.clone(), 0)).collect(),
                gpu_minutes: BTreeMap::new(),
                users: Vec::new(),
                quotas: Vec::new(),
            });
        let now = phase(g.start, g.end, today);
        if now == QuotaPhase::Active {
            *account.gpus.entry(g.model.clone()).or_insert(0) += g.gpus;
            let budget = budgets
                .entry((key.0, key.1, g.model.clone()))
                .or_insert(Some(0));
            *budget = match (*budget, g.gpu_hours) {
                (Some(sum), Some(hours)) => Some(sum + hours * 60),
                _ => None,
            };
        }
        account.quotas.push(ExportedQuota {
            request_id: g.request_id,
            model: g.model.clone(),
            gpus: g.gpus,
            start: g.start.to_string(),
            end: g.end.to_string(),
            gpu_hours: g.gpu_hours,
            phase: now.as_str().to_owned(),
        });
    }
    for ((tenant, project, model), minutes) in budgets {
        if let (Some(m), Some(a)) = (minutes, accounts.get_mut(&(tenant, project))) {
            a.gpu_minutes.insert(model, m);
        }
    }
    for (tenant, project, login) in people {
        if let Some(a) = accounts.get_mut(&(tenant.clone(), project.clone())) {
            a.users.push(login.clone());
        }
    }
    for a in accounts.values_mut() {
        a.users.sort();
        a.users.dedup();
        a.quotas.sort_by_key(|q| q.request_id);
    }
    let tenants: BTreeSet<String> = accounts.keys().map(|(t, _)| t.clone()).collect();
    let mut state = SiteState {
        site: site.to_owned(),
        cluster: cluster.to_owned(),
        revision: String::new(),
        as_of: today.to_string(),
        lead_days,
        models: models.to_vec(),
        root_account: ROOT_ACCOUNT.to_owned(),
        tenants: tenants.into_iter().collect(),
        accounts: accounts.into_values().collect(),
    };
    // The revision covers what the scheduler holds, not the day it was computed on.
    let mut canonical = state.clone();
    canonical.as_of = String::new();
    canonical.accounts.iter_mut().for_each(|a| {
        a.quotas.iter_mut().for_each(|q| q.phase.clear());
    });
    state.revision = digest(&serde_json::to_vec(&canonical).unwrap_or_default());
    state
}

#[cfg(test)]
mod tests;
