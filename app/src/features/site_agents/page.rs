//! `/admin/agents` (platform admins): the site agents, the programs beside each site's scheduler
//! that prepare its accounts and report usage; register one, rotate or revoke its credential. A
//! new credential is shown once, with how to run the agent.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::{list_site_agents, RegisterSiteAgent, RevokeSiteAgent, RotateSiteAgent};
use super::types::{AgentCredential, AgentView, AgentsPage, MAX_LEAD_DAYS};
use crate::domain::dates::{format_local, format_local_day};

#[component]
pub fn AgentsAdminPage() -> impl IntoView {
    let register = ServerAction::<RegisterSiteAgent>::new();
    let rotate = ServerAction::<RotateSiteAgent>::new();
    let revoke = ServerAction::<RevokeSiteAgent>::new();
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
    // The credential made last, by registering or rotating: shown once, in the browser only.
    let shown = RwSignal::new(None::<AgentCredential>);
    Effect::new(move |_| {
        if let Some(Ok(c)) = register.value().get() {
            shown.set(Some(c));
        }
    });
    Effect::new(move |_| {
        if let Some(Ok(c)) = rotate.value().get() {
            shown.set(Some(c));
        }
    });
    let actions = Actions {
        register,
        rotate,
        revoke,
    };
    view! {
        <Title text="Site agents"/>
        <section class="page">
            <div class="page-head">
                <div>
                    <h1>"Site agents"</h1>
                    <p class="page-head__lead">
                        "An agent runs beside a site's scheduler: it prepares the accounts of approved "
                        "quotas before they start and reports the GPU time jobs use. Each has its own "
                        "credential, which works for its site only."
                    </p>
                </div>
            </div>
            {move || shown.get().map(|created| view! { <NewCredential created/> })}
            <Transition fallback=|| view! { <p>"Loading…"</p> }>
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
        <h2>"Agents"</h2>
        {empty.then(|| view! { <p class="empty">"No agent is registered yet: register the first one below."</p> })}
        {(!empty).then(|| view! {
            <div class="table-wrap">
                <table class="stack agents-table">
                    <thead>
                        <tr>
                            <th scope="col">"Site"</th>
                            <th scope="col">"Agent"</th>
                            <th scope="col">"Cluster"</th>
                            <th scope="col" class="num">"Lead time"</th>
                            <th scope="col">"Credential"</th>
                            <th scope="col">"Registered"</th>
                            <th scope="col">"Last used"</th>
                            <th scope="col">"State"</th>
                            <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        })}
        <h2>"Register an agent"</h2>
        <RegisterForm register=actions.register sites=page.sites/>
    }
}

#[component]
fn AgentRow(a: AgentView, actions: Actions) -> impl IntoView {
    let used = match (&a.last_used, &a.last_used_ip) {
        (Some(at), Some(ip)) => format!("{} from {ip}", format_local(at)),
        (Some(at), None) => format_local(at),
        _ => "Never".to_owned(),
    };
    let lead = format!(
        "{} {}",
        a.lead_days,
        crate::ui::plural(a.lead_days as usize, "day", "days")
    );
    let (rotate_id, revoke_id) = (a.id.to_string(), a.id.to_string());
    let (rotate_label, revoke_label) = (
        format!("Rotate the credential of {}", a.name),
        format!("Revoke {}", a.name),
    );
    let live = !a.revoked;
    view! {
        <tr>
            <td data-label="Site">{a.site_name.clone()}</td>
            <td data-label="Agent">{a.name.clone()}</td>
            <td data-label="Cluster"><code>{a.cluster.clone()}</code></td>
            <td data-label="Lead time" class="num">{lead}</td>
            <td data-label="Credential"><code>{a.prefix.clone()}"…"</code></td>
            <td data-label="Registered">{format_local_day(&a.created)}</td>
            <td data-label="Last used">{used}</td>
            <td data-label="State">
                {if live {
                    view! { <span class="badge badge--ok">"Live"</span> }.into_any()
                } else {
                    view! { <span class="badge badge--bad">"Revoked"</span> }.into_any()
                }}
            </td>
            <td data-label="">
                {live.then(|| view! {
                    <div class="row-actions">
                        <ActionForm action=actions.rotate attr:class="inline-form">
                            <input type="hidden" name="id" value=rotate_id/>
                            <button type="submit" class="button button--small button--ghost-dark"
                                aria-label=rotate_label>"Rotate credential"</button>
                        </ActionForm>
                        <details class="confirm">
                            <summary class="button button--small button--ghost-dark" aria-label=revoke_label>"Revoke"</summary>
                            <div class="confirm__panel">
                                <p>"The agent stops working at once; the site's accounts stay as they are."</p>
                                <ActionForm action=actions.revoke attr:class="inline-form">
                                    <input type="hidden" name="id" value=revoke_id/>
                                    <button type="submit" class="button button--small button--danger">"Yes, revoke it"</button>
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
    view! {
        <div class="card secret-card" role="status">
            <h2>"The credential of “" {created.name} "”"</h2>
            <p><strong>"Copy it now; it is never shown again."</strong>" Guichet keeps only a fingerprint of it."</p>
            <pre class="secret"><code>{created.secret}</code></pre>
            <p>"On the machine beside the scheduler, try it first: this dry run prints what it would change."</p>
            <pre class="secret"><code>{run}</code></pre>
            <p>"Then run it with " <code>"--apply"</code> " (from cron, every few minutes) to change the cluster and report usage:"</p>
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
    let field = move |name: &'static str| {
        move || {
            error()
                .and_then(|e| e.field_message(name))
                .map(|m| view! { <p class="field__error">{m}</p> })
        }
    };
    let invalid = move |name: &'static str| {
        move || {
            error()
                .is_some_and(|e| e.field_message(name).is_some())
                .to_string()
        }
    };
    let form_error = move || {
        error()
            .filter(|e| !e.only_about_fields(&["site", "name", "cluster", "lead_days"]))
            .map(|e| e.to_string())
    };
    let choices = sites
        .into_iter()
        .map(|(slug, name)| view! { <option value=slug>{name}</option> })
        .collect_view();
    view! {
        <ActionForm action=register attr:class="form agent-form" attr:novalidate=true>
            {move || form_error().map(|m| view! { <p class="form__error" role="alert">{m}</p> })}
            <div class="field">
                <label for="agent-site">"Site"</label>
                <select id="agent-site" name="site" aria-invalid=invalid("site")>
                    <option value="">"Choose a site"</option>
                    {choices}
                </select>
                {field("site")}
            </div>
            <div class="field">
                <label for="agent-name">"Name"</label>
                <input id="agent-name" name="name" type="text" maxlength="80" required=true
                    aria-invalid=invalid("name")/>
                <p class="field__hint">"To tell agents apart, for instance “slurm-prod”."</p>
                {field("name")}
            </div>
            <div class="field">
                <label for="agent-cluster">"Cluster name"</label>
                <input id="agent-cluster" name="cluster" type="text" maxlength="32" required=true
                    autocapitalize="none" spellcheck="false" aria-invalid=invalid("cluster")/>
                <p class="field__hint">"As the scheduler names it (Slurm's ClusterName), in lower case."</p>
                {field("cluster")}
            </div>
            <div class="field">
                <label for="agent-lead">"Lead time (days)"</label>
                <input id="agent-lead" name="lead_days" type="number" min="0" max=MAX_LEAD_DAYS.to_string()
                    value="7" inputmode="numeric" aria-invalid=invalid("lead_days")/>
                <p class="field__hint">
                    {format!("How many days before a quota starts its account is prepared at the site: 0 to {MAX_LEAD_DAYS}.")}
                </p>
                {field("lead_days")}
            </div>
            <button type="submit" class="button" disabled=move || register.pending().get()>"Register the agent"</button>
        </ActionForm>
    }
}
