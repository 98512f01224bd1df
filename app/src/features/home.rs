//! The start page: what the portal is for, and where to go next.

use leptos::prelude::*;
use leptos_meta::Title;
use leptos_router::components::A;

use crate::features::auth::use_viewer;

#[component]
pub fn HomePage() -> impl IntoView {
    let viewer = use_viewer();
    view! {
        <Title text="Home"/>
        <section class="hero">
            <h1>"GPU quotas for the campus, placed where your data may go"</h1>
            <p class="hero__lead">
                "Ask for GPUs of one model, at one site, for a time window. Guichet checks every site against "
                "the GDPR, HDS and SecNumCloud rules for your data's classification, explains each decision, "
                "and never promises the same GPU twice."
            </p>
            <Transition fallback=|| ()>
                {move || Suspend::new(async move {
                    match viewer.await {
                        Ok(Some(v)) => view! {
                            <p class="hero__welcome">"Welcome back, " {v.name.clone()} "."</p>
                        }.into_any(),
                        _ => view! {
                            <p class="hero__actions">
                                <A href="/login" attr:class="button">"Sign in"</A>
                            </p>
                        }.into_any(),
                    }
                })}
            </Transition>
        </section>
        <section class="features" aria-label="What Guichet does">
            <article class="card">
                <h2>"Residency, explained"</h2>
                <p>"For each site: eligible or not, and why — by rule, certificate, date and shareholder."</p>
            </article>
            <article class="card">
                <h2>"Capacity, never over-committed"</h2>
                <p>"Approvals are checked atomically against installed GPUs, day by day."</p>
            </article>
            <article class="card">
                <h2>"Tenants, isolated"</h2>
                <p>"Every page and call acts within one organisation; nothing of another is ever shown."</p>
            </article>
        </section>
    }
}
