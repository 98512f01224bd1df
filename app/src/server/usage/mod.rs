//! Usage: accounting records from a site's agent, counted against quotas; the quota clock; and
//! what a quota's use means (thresholds, idleness, the chart on its page).
//!
//! **Ingestion** ([`Ingest`]) takes the lines of an upload in chunks (the REST edge streams the
//! body, so memory stays bounded whatever its size); each chunk is one write transaction that
//! records its jobs, moves the quotas' used GPU-seconds and gives the notices they now warrant
//! ([`notices::check`]), so two agents posting at once cannot tell a crossing twice or miss one.
//! A job is known by (site, cluster, job id): a resent record changes nothing, a later one
//! replaces the earlier (its days are taken back first), so nothing counts twice.

pub mod clock;
pub mod notices;
pub mod repo;
mod settings;
mod views;

use std::collections::{BTreeMap, BTreeSet, HashMap};

pub use settings::{set_thresholds, thresholds};
pub use views::{pools, quota_usage};

use crate::domain::usage::{gpus_by_model, parse_sacct_line, split_by_day, JobRecord, Line};
use crate::server::{error::ServiceResult, site_agents::SiteAgent, state::AppState};
use crate::wire::usage::{IngestReport, RefusedLine, MAX_LISTED_REFUSALS};

/// Lines per transaction.
pub const CHUNK_LINES: usize = 1000;

/// The longest line read; a longer one is refused.
pub const MAX_LINE_BYTES: usize = 4096;

/// A granted quota at the site, for attribution.
struct SiteQuota {
    id: i64,
    tenant_id: i64,
    project_id: i64,
    model: String,
    start: String,
    end: String,
}

/// One upload in progress.
pub struct Ingest<'a> {
    state: &'a AppState,
    agent: &'a SiteAgent,
    now: i64,
    models: Vec<String>,
    /// Slurm account → (tenant id, project id).
    accounts: HashMap<String, (i64, i64)>,
    quotas: Vec<SiteQuota>,
    report: IngestReport,
}

impl<'a> Ingest<'a> {
    /// Reads what attribution needs: the site's models, the projects' accounts, its quotas.
    pub async fn start(state: &'a AppState, agent: &'a SiteAgent, now: i64) -> ServiceResult<Self> {
        // Platform scope: an agent's records span the tenants with quotas at its site.
        let mut tx = state.db.platform_tx().await?;
        let models = crate::server::scheduler::repo::models_at_site(&mut tx, agent.site_id).await?;
        let accounts = repo::projects(&mut tx)
            .await?
            .into_iter()
            .map(|(tenant_id, tenant, project_id, code)| {
                (
                    crate::domain::scheduler::account_name(&tenant, &code),
                    (tenant_id, project_id),
                )
            })
            .collect();
        let quotas = repo::quotas_at_site(&mut tx, agent.site_id)
            .await?
            .into_iter()
            .map(|(id, tenant_id, project_id, model, start, end)| SiteQuota {
                id,
                tenant_id,
                project_id,
                model,
                start,
                end,
            })
            .collect();
        tx.commit().await?;
        Ok(Self {
            state,
            agent,
            now,
            models,
            accounts,
            quotas,
            report: IngestReport::default(),
        })
    }

    fn refuse(&mut self, line: u64, job_id: Option<String>, reason: String) {
        self.report.refused_count += 1;
        if self.report.refused.len() < MAX_LISTED_REFUSALS {
            self.report.refused.push(RefusedLine {
                line,
                job_id,
                reason,
            });
        }
    }

    /// Records one chunk of numbered lines (an `Err` is a line refused while reading, such as
    /// one too long), in one transaction.
    pub async fn chunk(&mut self, lines: Vec<(u64, Result<String, String>)>) -> ServiceResult<()> {
        let mut jobs = Vec::with_capacity(lines.len());
        for (no, line) in lines {
            let parsed = line.and_then(|l| parse_sacct_line(&l, self.now));
            self.report.lines += 1;
            match parsed {
                Err(reason) => self.refuse(no, None, reason),
                Ok(Line::NotStarted) => self.report.not_started += 1,
                Ok(Line::Job(job)) => jobs.push((no, job)),
            }
        }
        self.record(jobs).await
    }

    /// Records checked JSON records the same way as lines.
    pub async fn records(
        &mut self,
        records: Vec<(u64, Result<Line, String>)>,
    ) -> ServiceResult<()> {
        let mut jobs = Vec::with_capacity(records.len());
        for (no, parsed) in records {
            self.report.lines += 1;
            match parsed {
                Err(reason) => self.refuse(no, None, reason),
                Ok(Line::NotStarted) => self.report.not_started += 1,
                Ok(Line::Job(job)) => jobs.push((no, job)),
            }
        }
        self.record(jobs).await
    }

    async fn record(&mut self, jobs: Vec<(u64, JobRecord)>) -> ServiceResult<()> {
        if jobs.is_empty() {
            return Ok(());
        }
        let mut tx = self.state.db.platform_write_tx().await?;
        let mut deltas: BTreeMap<i64, i64> = BTreeMap::new();
        let (mut added, mut outside) = (0_i64, 0_i64);
        for (no, job) in jobs {
            if job.cluster != self.agent.cluster {
                let reason = format!(
                    "Cluster “{}” is not this agent's cluster ({}).",
                    job.cluster, self.agent.cluster
                );
                self.refuse(no, Some(job.job_id), reason);
                continue;
            }
            let Some(&(tenant_id, project_id)) = self.accounts.get(&job.account) else {
                let reason = format!(
                    "Account “{}” is not a project account of Guichet.",
                    job.account
                );
                self.refuse(no, Some(job.job_id), reason);
                continue;
            };
            let per_model = match gpus_by_model(&job.gpus, &self.models) {
                Ok(p) => p,
                Err(reason) => {
                    self.refuse(no, Some(job.job_id), reason);
                    continue;
                }
            };
            let site = self.agent.site_id;
            let known = repo::job(&mut tx, site, &job.cluster, &job.job_id).await?;
            if known.is_some_and(|(a, l, s, e, t)| {
                (a, l, s, e, t)
                    == (
                        job.account.clone(),
                        job.login.clone(),
                        job.started_at,
                        job.elapsed,
                        job.tres.clone(),
                    )
            }) {
                self.report.unchanged += 1;
                continue;
            }
            for (quota, seconds) in
                repo::take_job_days(&mut tx, site, &job.cluster, &job.job_id).await?
            {
                added -= seconds;
                if let Some(q) = quota {
                    *deltas.entry(q).or_default() -= seconds;
                } else {
                    outside -= seconds;
                }
            }
            repo::put_job(
                &mut tx,
                site,
                &job.cluster,
                &job.job_id,
                &job.account,
                &job.login,
                &job.state,
                job.started_at,
                job.elapsed,
                &job.tres,
                self.now,
            )
            .await?;
            let days = split_by_day(job.started_at, job.elapsed);
            for (model, gpus) in &per_model {
                for (day, seconds) in &days {
                    let day = day.to_string();
                    let gpu_seconds = i64::from(*gpus) * seconds;
                    let quota = self.quota_for(project_id, model, &day);
                    repo::insert_job_day(
                        &mut tx,
                        &repo::JobDay {
                            site_id: site,
                            cluster: &job.cluster,
                            job_id: &job.job_id,
                            day,
                            model,
                            tenant_id,
                            project_id,
                            request_id: quota,
                            login: &job.login,
                            gpu_seconds,
                        },
                    )
                    .await?;
                    added += gpu_seconds;
                    match quota {
                        Some(q) => *deltas.entry(q).or_default() += gpu_seconds,
                        None => outside += gpu_seconds,
                    }
                }
            }
            self.report.recorded += 1;
        }
        let mut touched = BTreeSet::new();
        for (quota, delta) in deltas.into_iter().filter(|(_, d)| *d != 0) {
            repo::add_used(&mut tx, quota, delta).await?;
            touched.insert(quota);
        }
        for quota in touched {
            let tenant_id = self
                .quotas
                .iter()
                .find(|q| q.id == quota)
                .map_or(0, |q| q.tenant_id);
            notices::check(&mut tx, quota, tenant_id, self.now).await?;
        }
        tx.commit().await?;
        self.report.gpu_hours_added += hours(added);
        self.report.gpu_hours_outside_quotas += hours(outside);
        Ok(())
    }

    /// The oldest quota of the project for `model` whose window holds `day`.
    fn quota_for(&self, project_id: i64, model: &str, day: &str) -> Option<i64> {
        self.quotas
            .iter()
            .find(|q| {
                q.project_id == project_id
                    && q.model == model
                    && q.start.as_str() <= day
                    && day < q.end.as_str()
            })
            .map(|q| q.id)
    }

    /// The report, GPU-hours rounded to two decimals, refused lines in order.
    pub fn finish(mut self) -> IngestReport {
        let round = |h: f64| (h * 100.0).round() / 100.0;
        self.report.gpu_hours_added = round(self.report.gpu_hours_added);
        self.report.gpu_hours_outside_quotas = round(self.report.gpu_hours_outside_quotas);
        self.report.refused.sort_by_key(|r| r.line);
        self.report
    }
}

/// GPU-seconds as GPU-hours.
#[allow(clippy::cast_precision_loss)]
pub fn hours(gpu_seconds: i64) -> f64 {
    gpu_seconds as f64 / 3600.0
}
