//! Drafting: saving a request form (and submitting it), asking for a change or renewal of a
//! quota, and what the form offers (each site's eligibility and free GPUs).

use serde_json::json;

use super::{
    conflict, invalid,
    placement::{evaluate_at, failures, placement},
    repo::{self, NewAmendment, Pools},
    say,
    timeline::{ensure_moved, next, record, tenant_actor, Audience, Record},
    today,
    transitions::submit_in,
};
use crate::domain::step_words::StepWords;
use crate::domain::{
    catalogue::{CatalogueSite, CatalogueSnapshot},
    lifecycle::{Action, RequestKind, RequestStatus},
    request_fields::TimeWindow,
    residency::Window,
};
use crate::error::AppError;
use crate::i18n::td_string;
use crate::server::{
    auth::actor::TenantActor,
    catalogue::load_catalogue,
    db::is_unique_violation,
    error::{ServiceError, ServiceResult},
    projects,
    state::AppState,
};
use crate::wire::requests::{AmendInput, DraftInput, FormOptions, SiteOption, SiteQuery};

/// The catalogue's site of the form, which must have the form's GPU model.
fn chosen_site<'c>(
    catalogue: &'c CatalogueSnapshot,
    site: &str,
    gpu_model: &str,
) -> ServiceResult<&'c CatalogueSite> {
    let site = catalogue.site(site).ok_or_else(|| {
        invalid(
            "site",
            td_string!(crate::locale::current(), server.choose_site_from_list),
        )
    })?;
    if site.pool(gpu_model).is_none() {
        return Err(invalid(
            "gpu_model",
            say(
                td_string!(crate::locale::current(), server.site_has_no_model),
                &[("site", &site.profile.name), ("model", &gpu_model)],
            ),
        ));
    }
    Ok(site)
}

/// The error, if any, of a form's site and GPU model against the catalogue: for a form that
/// failed to parse, so that its page shows these beside the other fields' errors at once.
pub async fn site_choice_error(
    state: &AppState,
    actor: &TenantActor,
    site: &str,
    gpu_model: &str,
) -> ServiceResult<Option<AppError>> {
    let mut tx = state.db.tenant_tx(&actor.scope()).await?;
    let catalogue = load_catalogue(&mut tx).await?;
    tx.commit().await?;
    match chosen_site(&catalogue, site.trim(), gpu_model.trim()) {
        Ok(_) => Ok(None),
        Err(ServiceError::App(e)) => Ok(Some(e)),
        Err(other) => Err(other),
    }
}

/// The request form parsed for `actor`: every field's error at once, the site and the model
/// checked against the catalogue too (for the form's server function and the API alike).
pub async fn parse_request_form(
    state: &AppState,
    actor: &TenantActor,
    form: &crate::wire::requests::RequestForm,
) -> ServiceResult<DraftInput> {
    match form.parse(today(), state.config.max_window_months) {
        Ok(input) => Ok(input),
        Err(error) => {
            let choice = site_choice_error(state, actor, &form.site, &form.gpu_model).await?;
            Err(error.with_field_errors_of(choice).into())
        }
    }
}

/// Creates or updates a draft, and submits it when `submit` is set, in one transaction. A form
/// sent twice (same idempotency key) answers with the request the first one made.
pub async fn save_request(
    state: &AppState,
    actor: &TenantActor,
    input: &DraftInput,
    submit: bool,
    client_ip: Option<&str>,
) -> ServiceResult<i64> {
    let key = input.idempotency_key.as_str();
    let mut tx = state.db.tenant_write_tx(&actor.scope()).await?;
    let catalogue = load_catalogue(&mut tx).await?;

    // A resent form: the request it made already exists.
    if input.id.is_none() {
        if let Some(existing) = repo::find_by_key(&mut tx, &actor.scope(), key).await? {
            if existing.requester_user_id != actor.user_id() {
                return Err(conflict(td_string!(
                    crate::locale::current(),
                    server.form_used_by_someone_else
                )));
            }
            if submit && existing.status == RequestStatus::Draft {
                submit_in(&mut tx, actor, existing.id, client_ip).await?;
                tx.commit().await?;
            } else {
                tx.rollback().await?;
            }
            return Ok(existing.id);
        }
    }

    let site_id = chosen_site(&catalogue, &input.site, &input.gpu_model)?.id;
    let (row, from) = match input.id {
        Some(id) => {
            let row = repo::find_in_tenant_locked(&mut tx, &actor.scope(), id)
                .await?
                .ok_or(AppError::NotFound)?;
            let current = row.status;
            if current == RequestStatus::Draft && row.requester_user_id != actor.user_id() {
                return Err(AppError::NotFound.into());
            }
            stale_unless(input.expected_revision, &row)?;
            // A draft, or a request sent back for changes that its requester amends.
            let to = next(current, Action::SaveDraft, &tenant_actor(actor, &row))?;
            let project_id = match input.project {
                Some(chosen) if chosen != row.project_id => {
                    projects::project_for_request(&mut tx, actor, Some(chosen)).await?
                }
                _ => row.project_id,
            };
            let moved = repo::Move {
                tenant_id: actor.tenant_id(),
                id,
                from: current,
                to,
            };
            let written = repo::update_draft(&mut tx, moved, project_id, input, site_id).await?;
            ensure_moved(&mut tx, id, written).await?;
            (row, Some(current))
        }
        None => {
            if !actor.role().can_write() {
                return Err(AppError::Forbidden.into());
            }
            let project_id = projects::project_for_request(&mut tx, actor, input.project).await?;
            let inserted = repo::insert_draft(
                &mut tx,
                actor.tenant_id(),
                project_id,
                actor.user_id(),
                input,
                site_id,
            )
            .await;
            let id = match inserted {
                Ok(id) => id,
                // PostgreSQL: a concurrent copy of the same form won the race; answer with its request.
                Err(e) if is_unique_violation(&e) => {
                    drop(tx);
                    let mut conn = state.db.tenant_tx(&actor.scope()).await?;
                    let existing = repo::find_by_key(&mut conn, &actor.scope(), key)
                        .await?
                        .ok_or(AppError::NotFound)?;
                    return Ok(existing.id);
                }
                Err(e) => return Err(e.into()),
            };
            let row = repo::find_in_tenant(&mut tx, &actor.scope(), id)
                .await?
                .ok_or(AppError::NotFound)?;
            (row, None)
        }
    };
    record(
        &mut tx,
        Record {
            row: &row,
            action: Action::SaveDraft,
            from,
            to: from.unwrap_or(RequestStatus::Draft),
            actor_user_id: actor.user_id(),
            actor_email: actor.email(),
            note: "",
            words: None,
            client_ip,
            detail: json!({}),
            audience: Audience::Requester,
        },
    )
    .await?;
    if submit {
        submit_in(&mut tx, actor, row.id, client_ip).await?;
    }
    tx.commit().await?;
    Ok(row.id)
}

/// Creates and submits a change or renewal request of the tenant's quota `original_id`, in one
/// transaction; it then goes through the same endorsement and review as a new request. The same
/// form token never creates two requests.
pub async fn amend_request(
    state: &AppState,
    actor: &TenantActor,
    original_id: i64,
    input: &AmendInput,
    client_ip: Option<&str>,
) -> ServiceResult<i64> {
    let kind = input.kind;
    if kind == RequestKind::New || !actor.role().can_write() {
        return Err(AppError::Forbidden.into());
    }
    let key = input.idempotency_key.as_str();
    let today = today();
    let max_months = state.config.max_window_months;
    let mut tx = state.db.tenant_write_tx(&actor.scope()).await?;
    if let Some(existing) = repo::find_by_key(&mut tx, &actor.scope(), key).await? {
        tx.rollback().await?;
        return Ok(existing.id);
    }
    // Locked: the quota's grant is read once, as a decision amending it may rewrite it.
    let original = repo::find_in_tenant_locked(&mut tx, &actor.scope(), original_id)
        .await?
        .ok_or(AppError::NotFound)?;
    stale_unless(input.expected_revision, &original)?;
    let locale = crate::locale::current();
    let not_quota = || conflict(td_string!(locale, server.only_approved_quota_changes));
    if !original.status.grants_quota() || original.kind == RequestKind::Change {
        return Err(not_quota());
    }
    let Some((o_gpus, o_start, o_end)) = original.granted() else {
        return Err(not_quota());
    };
    let gpus = input.gpus.map_or(o_gpus, |g| i64::from(g.get()));
    let justification = input
        .justification
        .as_ref()
        .map_or(original.justification.as_str(), |j| j.as_str());
    let (start, end) = match kind {
        RequestKind::Change => {
            if o_end <= today {
                return Err(conflict(td_string!(locale, server.quota_ended_renew)));
            }
            let end = input.end.unwrap_or(o_end);
            if gpus < o_gpus || end < o_end || (gpus == o_gpus && end == o_end) {
                return Err(invalid(
                    "gpus",
                    say(
                        td_string!(locale, server.change_asks_for_more),
                        &[("gpus", &o_gpus), ("end", &o_end)],
                    ),
                ));
            }
            TimeWindow::new(o_start.max(today), end, today, max_months)
                .map_err(|m| invalid("end_date", m))?;
            (o_start, end)
        }
        _ => {
            let end = input
                .end
                .ok_or_else(|| invalid("end_date", td_string!(locale, server.enter_end_date)))?;
            let window = TimeWindow::new(o_end, end, today, max_months)
                .map_err(|m| invalid("end_date", m))?;
            (window.start(), window.end())
        }
    };
    let id = repo::insert_amendment(
        &mut tx,
        &NewAmendment {
            requester_user_id: actor.user_id(),
            kind,
            original: &original,
            justification,
            gpus,
            start,
            end,
            idempotency_key: key,
        },
    )
    .await?;
    let row = repo::find_in_tenant(&mut tx, &actor.scope(), id)
        .await?
        .ok_or(AppError::NotFound)?;
    record(
        &mut tx,
        Record {
            row: &row,
            action: Action::SaveDraft,
            from: None,
            to: RequestStatus::Draft,
            actor_user_id: actor.user_id(),
            actor_email: actor.email(),
            note: "",
            words: Some(StepWords::Follows {
                renewal: kind == RequestKind::Renewal,
                quota: original.id,
            }),
            client_ip,
            detail: json!({ "kind": kind.as_str(), "amends_request_id": original.id }),
            audience: Audience::Requester,
        },
    )
    .await?;
    submit_in(&mut tx, actor, id, client_ip).await?;
    tx.commit().await?;
    Ok(id)
}

/// `Ok` unless the person read another revision of `row` than its current one (412).
fn stale_unless(expected: Option<i64>, row: &repo::RequestRow) -> ServiceResult<()> {
    match expected {
        Some(revision) if revision != row.revision => Err(AppError::PreconditionFailed {
            message: say(
                td_string!(crate::locale::current(), server.changed_since_read_change),
                &[("id", &row.id)],
            ),
        }
        .into()),
        _ => Ok(()),
    }
}

/// A fresh random token for a form's idempotency key.
pub fn new_idempotency_key() -> String {
    use rand::Rng as _;
    let bytes: [u8; 16] = rand::rng().random();
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// "HDS, until 2028-03-31" for each certificate of `site` valid on `day`.
fn certificates_in_force(
    site: &crate::domain::residency::SiteProfile,
    day: time::Date,
) -> Vec<String> {
    site.certifications
        .iter()
        .filter(|c| c.valid_from <= day && day <= c.valid_until)
        .map(|c| {
            let locale = crate::locale::current();
            let mut name = c.kind.label().to_owned();
            if let Some(version) = &c.version {
                name.push(' ');
                name.push_str(version);
            }
            if let Some(level) = c.eucs_level {
                name.push(' ');
                name.push_str(level.label_in(locale));
            }
            // English keeps the ISO day the form has always shown; French writes « 6 déc. 2029 ».
            let until = match locale {
                crate::i18n::Locale::en => c.valid_until.to_string(),
                crate::i18n::Locale::fr => crate::domain::format::date(locale, c.valid_until),
            };
            crate::domain::format::fill(
                crate::i18n::td_string!(locale, server.certificate_until),
                &[("name", &name), ("until", &until)],
            )
        })
        .collect()
}

/// The failed rules before the person chose a window: a reason that quotes the days the form
/// checked in the meantime (the next 30) says what fails without them.
fn failures_without_a_window(
    evaluation: &crate::domain::residency::Evaluation,
    window: &Window,
) -> Vec<crate::wire::requests::FailedRule> {
    let days = [window.start.to_string(), window.last_day().to_string()];
    evaluation
        .failures()
        .map(|f| crate::wire::requests::FailedRule {
            rule: f.rule.as_str().to_owned(),
            reason: if days.iter().any(|d| f.reason.contains(d.as_str())) {
                format!(
                    "{}: no certificate is in force over the coming month. Choose your dates to check them.",
                    f.rule.title()
                )
            } else {
                f.reason.clone()
            },
        })
        .collect()
}

/// For the form: each site's eligibility for this classification and window, and its free GPUs of
/// the chosen model over the window (every site's load summed in one query).
pub async fn form_options(
    state: &AppState,
    actor: &TenantActor,
    query: &SiteQuery,
    gpu_model: &str,
) -> ServiceResult<FormOptions> {
    let (start, end) = (query.start, query.end);
    let gpu_model = gpu_model.trim();
    let mut tx = state.db.tenant_tx(&actor.scope()).await?;
    let catalogue = load_catalogue(&mut tx).await?;
    let (tenant, _) = repo::tenant_profile(&mut tx, actor.tenant_id()).await?;
    let may_submit =
        crate::server::tenants::may_submit(&mut tx, actor.tenant_id(), actor.user_id()).await?;
    let projects = projects::requestable(&mut tx, actor).await?;
    tx.commit().await?;
    let loads = if catalogue.sites.iter().any(|s| s.pool(gpu_model).is_some()) {
        // Platform scope: a site's free GPUs count every tenant's approved quotas; only the
        // totals leave this function.
        let mut all = state.db.platform_tx().await?;
        let loads = repo::pool_loads(&mut all, Pools::Model(gpu_model, start, end)).await?;
        all.commit().await?;
        loads
    } else {
        repo::PoolLoads::default()
    };
    let window = Window::new(start, end).map_err(|e| invalid("end_date", e.to_string()))?;
    let request = placement(query.classification, window, query.confidential_waiver);
    let sites = catalogue
        .sites
        .iter()
        .map(|site| {
            let evaluation = evaluate_at(&catalogue, site, &request, &tenant);
            let profile = &site.profile;
            let (available, free) = match site.pool(gpu_model) {
                Some(pool) => (
                    Some(pool.available()),
                    Some(super::capacity::free_in(&loads, site, pool, start, end)),
                ),
                None => (None, None),
            };
            SiteOption {
                slug: profile.slug.clone(),
                name: profile.name.clone(),
                country: profile.country.name_in(crate::locale::current()).to_owned(),
                in_eea: catalogue.policy.is_eea(profile.country),
                operator: profile.operator.name.clone(),
                certificates: certificates_in_force(profile, start),
                eligible: evaluation.eligible,
                failures: if query.window_entered {
                    failures(&evaluation)
                } else {
                    failures_without_a_window(&evaluation, &window)
                },
                available,
                free,
            }
        })
        .collect();
    Ok(FormOptions {
        projects,
        gpu_models: catalogue.gpu_models(),
        sites,
        window_entered: query.window_entered,
        policy_version: catalogue.policy.version,
        catalogue_revision: catalogue.revision,
        idempotency_key: new_idempotency_key(),
        max_window_months: state.config.max_window_months,
        today: today().to_string(),
        tenant_verified: may_submit,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::residency::{Evaluation, Finding, RuleId};

    #[test]
    fn before_the_person_chose_dates_no_refusal_quotes_the_days_checked_meanwhile() {
        let day = |d: u8| time::Date::from_calendar_date(2027, time::Month::January, d).unwrap();
        let window = Window::new(day(4), day(20)).unwrap();
        let evaluation = Evaluation {
            site_slug: "s".into(),
            eligible: false,
            findings: vec![
                Finding::new(
                    RuleId::H2,
                    false,
                    "HDS-1 expires on 2027-01-10, before 2027-01-19, the window's last day.",
                ),
                Finding::new(RuleId::G4, false, "Administered from the United States."),
            ],
            policy_version: 1,
            catalogue_version: 1,
            waiver_applied: false,
        };
        let failures = failures_without_a_window(&evaluation, &window);
        assert!(
            !failures[0].reason.contains("2027-01-19"),
            "{}",
            failures[0].reason
        );
        assert!(failures[0].reason.contains("Choose your dates"));
        assert_eq!(failures[1].reason, "Administered from the United States.");
    }
}
