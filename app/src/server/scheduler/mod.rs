//! The desired state of a site's scheduler, for its agent: what the portal granted, as Slurm
//! accounts and limits (`sacctmgr` script) or Kueue objects. Built by
//! [`crate::domain::scheduler::desired_state`] from the quotas as the clock leaves them (the
//! clock runs first, so a quota that started or ended is recorded before it is exported).

pub mod repo;

use crate::domain::dates::parse_iso_date;
use crate::domain::scheduler::{desired_state, GrantAtSite, SiteState};
use crate::domain::usage::budget_gpu_seconds;
use crate::server::{
    error::ServiceResult, site_agents::SiteAgent, state::AppState, token::hash_token,
};

/// The desired state of the agent's site on `today`.
pub async fn site_state(
    state: &AppState,
    agent: &SiteAgent,
    now: i64,
    today: time::Date,
) -> ServiceResult<SiteState> {
    crate::server::usage::clock::tick(state, now, today).await?;
    // Platform scope: a site's scheduler state spans the tenants that hold quotas there; it
    // carries only what the scheduler needs (slugs, project codes, logins, limits).
    let mut tx = state.db.platform_tx().await?;
    let rows = repo::grants_at_site(&mut tx, agent.site_id).await?;
    let models = repo::models_at_site(&mut tx, agent.site_id).await?;
    let people = repo::people_at_site(&mut tx, agent.site_id).await?;
    tx.commit().await?;
    let grants: Vec<GrantAtSite> = rows
        .into_iter()
        .filter_map(|(id, tenant, project, model, gpus, start, end, hours)| {
            let (start, end) = (parse_iso_date(&start)?, parse_iso_date(&end)?);
            let budget = hours.map(|_| budget_gpu_seconds(gpus, start, end, hours) / 3600);
            Some(GrantAtSite {
                request_id: id,
                tenant,
                project,
                model,
                gpus: u32::try_from(gpus).ok()?,
                start,
                end,
                gpu_hours: budget,
            })
        })
        .collect();
    Ok(desired_state(
        &agent.site,
        &agent.cluster,
        &models,
        today,
        agent.lead_days,
        &grants,
        &people,
        |bytes| hash_token(&String::from_utf8_lossy(bytes))[..16].to_owned(),
    ))
}
