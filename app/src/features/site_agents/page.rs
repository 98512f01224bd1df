//! `/admin/agents` (platform admins): the site agents, the programs beside each site's scheduler
//! that prepare its accounts and report usage; register one, rotate or revoke its credential. A
//! new credential is shown once, with how to run the agent.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{list_site_agents, RegisterSiteAgent, RevokeSiteAgent, RotateSiteAgent};
use super::types::{AgentCredential, AgentView, AgentsPage, MAX_LEAD_DAYS};
use crate::domain::format::fill;
use crate::domain::format::{shown_day, shown_instant};
use crate::i18n::{t_string, td_string, use_i18n, Locale};
use crate::ui::form::{Checked, FormRefused};

#[component]
pub fn AgentsAdminPage() -> impl IntoView {
    let register = crate::ui::form::action::<RegisterSiteAgent>();
    let rotate = crate::ui::form::action::<RotateSiteAgent>();
    let revoke = crate::ui::form::action::<RevokeSiteAgent>();
    let data = Resource::new(
        move || {
            (
                register.version().get(),
                rotate.version().get(),
                revoke.version().get(),
            )
        },
        |_| list_site_agents(),
    );
    // The credential made by registering or rotating, in the answer of the form just sent: shown on
    // the page that answer returns to, once (a reload no longer has it).
    let shown = move || {
        let made = |v: Option<Result<AgentCredential, _>>| v.and_then(Result::ok);
        made(register.value().get()).or_else(|| made(rotate.value().get()))
    };
    let actions = Actions {
        register,
        rotate,
        revoke,
    };
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, site_agents.title))/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>{tr(i18n, |l| td_string!(l, site_agents.title))}</h1>
                    <p class="page-head__lead">{tr(i18n, |l| td_string!(l, site_agents.lead))}</p>
                </div>
            </div>
            {move || shown().map(|created| view! { <NewCredential created/> })}
            <Transition fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, site_agents.loading))}</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(page) => view! { <AgentsBody page actions/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Transition>
        </section>
    }
}

/// The page's actions, created once with the page (never inside its `Suspend`).
#[derive(Clone, Copy)]
struct Actions {
    register: ServerAction<RegisterSiteAgent>,
    rotate: ServerAction<RotateSiteAgent>,
    revoke: ServerAction<RevokeSiteAgent>,
}

#[component]
fn AgentsBody(page: AgentsPage, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let row_error = move || {
        actions
            .rotate
            .value()
            .get()
            .and_then(|r| r.err())
            .or_else(|| actions.revoke.value().get().and_then(|r| r.err()))
            .map(|e| e.to_string())
    };
    let empty = page.agents.is_empty();
    let rows = page
        .agents
        .into_iter()
        .map(|a| view! { <AgentRow a actions/> })
        .collect_view();
    view! {
        {move || row_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
        <h2>{tr(i18n, |l| td_string!(l, site_agents.agents))}</h2>
        {empty.then(|| view! { <p class="empty">{tr(i18n, |l| td_string!(l, site_agents.no_agent))}</p> })}
        {(!empty).then(|| view! {
            <div class="table-wrap">
                <table class="stack agents-table">
                    <thead>
                        <tr>
                            <th scope="col">{tr(i18n, |l| td_string!(l, site_agents.site))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, site_agents.agent))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, site_agents.cluster))}</th>
                            <th scope="col" class="num">{tr(i18n, |l| td_string!(l, site_agents.lead_time))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, site_agents.credential))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, site_agents.registered))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, site_agents.last_used))}</th>
                            <th scope="col">{tr(i18n, |l| td_string!(l, site_agents.state))}</th>
                            <th scope="col"><span class="visually-hidden">{tr(i18n, |l| td_string!(l, site_agents.actions))}</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })}
        <h2>{tr(i18n, |l| td_string!(l, site_agents.register_agent))}</h2>
        <RegisterForm register=actions.register sites=page.sites/>
    }
}

#[component]
fn AgentRow(a: AgentView, actions: Actions) -> impl IntoView {
    let i18n = use_i18n();
    let (last_used, last_used_ip) = (a.last_used.clone(), a.last_used_ip.clone());
    let used = move || match (&last_used, &last_used_ip) {
        (Some(at), Some(ip)) => fill(
            t_string!(i18n, site_agents.used_from),
            &[("at", &shown_instant(at)), ("ip", ip)],
        ),
        (Some(at), None) => shown_instant(at),
        _ => t_string!(i18n, site_agents.never).to_owned(),
    };
    let lead_days = a.lead_days;
    let lead = move || {
        // French reads 0 and 1 in the singular.
        let one = match i18n.get_locale() {
            Locale::fr => lead_days <= 1,
            Locale::en => lead_days == 1,
        };
        let template = if one {
            t_string!(i18n, site_agents.days_one_form)
        } else {
            t_string!(i18n, site_agents.days_other_form)
        };
        fill(template, &[("n", &lead_days)])
    };
    let (rotate_id, revoke_id) = (a.id.to_string(), a.id.to_string());
    let (name_rotate, name_revoke) = (a.name.clone(), a.name.clone());
    let (rotate_label, revoke_label) = (
        move || {
            fill(
                t_string!(i18n, site_agents.rotate_label),
                &[("name", &name_rotate)],
            )
        },
        move || {
            fill(
                t_string!(i18n, site_agents.revoke_label),
                &[("name", &name_revoke)],
            )
        },
    );
    let live = !a.revoked;
    view! {
        <tr>
            <td data-label=tr(i18n, |l| td_string!(l, site_agents.site))>{a.site_name.clone()}</td>
            <td data-label=tr(i18n, |l| td_string!(l, site_agents.agent))>{a.name.clone()}</td>
            <td data-label=tr(i18n, |l| td_string!(l, site_agents.cluster))><code>{a.cluster.clone()}</code></td>
            <td data-label=tr(i18n, |l| td_string!(l, site_agents.lead_time)) class="num">{lead}</td>
            <td data-label=tr(i18n, |l| td_string!(l, site_agents.credential))><code>{a.prefix.clone()}"…"</code></td>
            <td data-label=tr(i18n, |l| td_string!(l, site_agents.registered))>{shown_day(&a.created)}</td>
            <td data-label=tr(i18n, |l| td_string!(l, site_agents.last_used))>{used}</td>
            <td data-label=tr(i18n, |l| td_string!(l, site_agents.state))>
                {if live {
                    view! { <span class="badge badge--ok">{tr(i18n, |l| td_string!(l, site_agents.live))}</span> }.into_any()
                } else {
                    view! { <span class="badge badge--bad">{tr(i18n, |l| td_string!(l, site_agents.revoked))}</span> }.into_any()
                }}
            </td>
            <td data-label="">
                {live.then(|| view! {
                    <div class="row-actions">
                        <ActionForm action=actions.rotate attr:class="inline-form">
                            <input type="hidden" name="id" value=rotate_id/>
                            <button type="submit" class="button button--small button--ghost-dark"
                                aria-label=rotate_label>{tr(i18n, |l| td_string!(l, site_agents.rotate))}</button>
                        </ActionForm>
                        <details class="confirm">
                            <summary class="button button--small button--ghost-dark" aria-label=revoke_label>{tr(i18n, |l| td_string!(l, site_agents.revoke))}</summary>
                            <div class="confirm__panel">
                                <p>{tr(i18n, |l| td_string!(l, site_agents.revoke_confirm))}</p>
                                <ActionForm action=actions.revoke attr:class="inline-form">
                                    <input type="hidden" name="id" value=revoke_id/>
                                    <button type="submit" class="button button--small button--danger">{tr(i18n, |l| td_string!(l, site_agents.yes_revoke))}</button>
                                </ActionForm>
                            </div>
                        </details>
                    </div>
                })}
            </td>
        </tr>
    }
}

/// The portal's own address, for the how-to (the browser knows it; the server renders a
/// placeholder, though a credential is only ever shown in the browser).
fn portal_origin() -> String {
    #[cfg(feature = "hydrate")]
    if let Ok(origin) = window().location().origin() {
        return origin;
    }
    "https://<this portal>".to_owned()
}

/// A credential just made or rotated, shown this once, with how to run the agent.
#[component]
fn NewCredential(created: AgentCredential) -> impl IntoView {
    let run = format!(
        "GUICHET_URL={} GUICHET_AGENT_TOKEN={} \\\n  scripts/guichet-agent.sh --site {}",
        portal_origin(),
        created.secret,
        created.site
    );
    let apply = format!("{run} --apply");
    let i18n = use_i18n();
    let name = created.name;
    let heading = move || {
        fill(
            t_string!(i18n, site_agents.credential_of),
            &[("name", &name)],
        )
    };
    view! {
        <div class="card secret-card" role="status">
            <h2>{heading}</h2>
            <p><strong>{tr(i18n, |l| td_string!(l, site_agents.copy_now))}</strong>" "{tr(i18n, |l| td_string!(l, site_agents.fingerprint))}</p>
            <pre class="secret"><code>{created.secret}</code></pre>
            <p>{tr(i18n, |l| td_string!(l, site_agents.dry_run))}</p>
            <pre class="secret"><code>{run}</code></pre>
            <p>{tr(i18n, |l| td_string!(l, site_agents.then_run))} " " <code>"--apply"</code> " " {tr(i18n, |l| td_string!(l, site_agents.then_run_after))}</p>
            <pre class="secret"><code>{apply}</code></pre>
        </div>
    }
}

#[component]
fn RegisterForm(
    register: ServerAction<RegisterSiteAgent>,
    sites: Vec<(String, String)>,
) -> impl IntoView {
    let error = move || match register.value().get() {
        Some(Err(e)) => Some(e),
        _ => None,
    };
    let field = move |id: &'static str, name: &'static str| Checked::of(error, id, name);
    let (site, name, cluster, lead) = (
        field("agent-site", "site"),
        field("agent-name", "name"),
        field("agent-cluster", "cluster"),
        field("agent-lead", "lead_days"),
    );
    // Errors about the fields stand beside them, and the summary only says that the form was
    // refused; any other is said here.
    let form_error = move || {
        error().map(|e| {
            if e.only_about_fields(&["site", "name", "cluster", "lead_days"]) {
                view! { <FormRefused/> }.into_any()
            } else {
                view! { <p class="form__error" role="alert">{e.to_string()}</p> }.into_any()
            }
        })
    };
    let choices = sites
        .into_iter()
        .map(|(slug, name)| view! { <option value=slug>{name}</option> })
        .collect_view();
    let i18n = use_i18n();
    view! {
        <ActionForm action=register attr:class="form agent-form" attr:novalidate=true>
            {form_error}
            <div class="field">
                <label for="agent-site">{tr(i18n, |l| td_string!(l, site_agents.site))}</label>
                <select id="agent-site" name="site" aria-invalid=site.invalid() autofocus=site.focus() aria-describedby=site.described_by(None)>
                    <option value="">{tr(i18n, |l| td_string!(l, site_agents.choose_site))}</option>
                    {choices}
                </select>
                {site.error()}
            </div>
            <div class="field">
                <label for="agent-name">{tr(i18n, |l| td_string!(l, site_agents.name))}</label>
                <input id="agent-name" name="name" type="text" maxlength="80" required=true
                    aria-invalid=name.invalid() autofocus=name.focus() aria-describedby=name.described_by(Some("agent-name-hint"))/>
                <p class="field__hint" id="agent-name-hint">{tr(i18n, |l| td_string!(l, site_agents.name_hint))}</p>
                {name.error()}
            </div>
            <div class="field">
                <label for="agent-cluster">{tr(i18n, |l| td_string!(l, site_agents.cluster_name))}</label>
                <input id="agent-cluster" name="cluster" type="text" maxlength="32" required=true
                    autocapitalize="none" spellcheck="false"
                    aria-invalid=cluster.invalid() autofocus=cluster.focus() aria-describedby=cluster.described_by(Some("agent-cluster-hint"))/>
                <p class="field__hint" id="agent-cluster-hint">{tr(i18n, |l| td_string!(l, site_agents.cluster_hint))}</p>
                {cluster.error()}
            </div>
            <div class="field">
                <label for="agent-lead">{tr(i18n, |l| td_string!(l, site_agents.lead_days))}</label>
                <input id="agent-lead" name="lead_days" type="number" min="0" max=MAX_LEAD_DAYS.to_string()
                    value="7" inputmode="numeric"
                    aria-invalid=lead.invalid() autofocus=lead.focus() aria-describedby=lead.described_by(Some("agent-lead-hint"))/>
                <p class="field__hint" id="agent-lead-hint">
                    {move || fill(t_string!(i18n, site_agents.lead_hint), &[("max", &MAX_LEAD_DAYS)])}
                </p>
                {lead.error()}
            </div>
            <button type="submit" class="button" disabled=move || register.pending().get()>{tr(i18n, |l| td_string!(l, site_agents.register_button))}</button>
        </ActionForm>
    }
}
