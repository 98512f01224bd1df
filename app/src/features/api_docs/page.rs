//! `/api/docs`: the API reference, one section per tag, each operation with its parameters,
//! body and answers; then the schemas. Rendered on the server from the OpenAPI description.

use leptos::prelude::*;
use leptos_meta::Title;

use super::api::load_api_reference;
use super::types::{ApiReference, FieldDoc, OperationDoc, SchemaDoc};

#[component]
pub fn ApiDocsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_api_reference());
    view! {
        <Title text="API reference"/>
        <section class="page api-docs">
            <Suspense fallback=|| view! { <p>"Loading…"</p> }>
                {move || Suspend::new(async move {
                    match data.await {
                        Ok(reference) => view! { <Reference reference/> }.into_any(),
                        Err(e) => view! { <crate::ui::ErrorPanel error=e/> }.into_any(),
                    }
                })}
            </Suspense>
        </section>
    }
}

#[component]
fn Reference(reference: ApiReference) -> impl IntoView {
    let base = reference.base.clone();
    let toc = reference
        .groups
        .iter()
        .map(|g| {
            let href = format!("#tag-{}", g.tag);
            view! { <li><a href=href>{g.tag.clone()}</a></li> }
        })
        .collect_view();
    let groups = reference
        .groups
        .into_iter()
        .map(|g| {
            let base = base.clone();
            let ops = g
                .operations
                .into_iter()
                .map(|op| view! { <Operation op base=base.clone()/> })
                .collect_view();
            let id = format!("tag-{}", g.tag);
            view! {
                <section class="api-docs__group" id=id>
                    <h2>{g.tag}</h2>
                    {ops}
                </section>
            }
        })
        .collect_view();
    let schemas = reference
        .schemas
        .into_iter()
        .map(|s| view! { <Schema s/> })
        .collect_view();
    view! {
        <h1>{reference.title} " " <span class="muted">"version " {reference.version}</span></h1>
        <p>{reference.description}</p>
        <p>
            "Every route below lives under " <code>{base.clone()}</code> ". The machine-readable "
            "description is " <a href="/api/v1/openapi.json">"openapi.json"</a> "; make a token on "
            <a href="/account/tokens">"your account"</a> "."
        </p>
        <nav aria-label="Sections"><ul class="api-docs__toc">{toc}<li><a href="#schemas">"Schemas"</a></li></ul></nav>
        {groups}
        <section class="api-docs__group" id="schemas">
            <h2>"Schemas"</h2>
            {schemas}
        </section>
    }
}

#[component]
fn Operation(op: OperationDoc, base: String) -> impl IntoView {
    let method_class = format!(
        "api-docs__method api-docs__method--{}",
        op.method.to_ascii_lowercase()
    );
    let responses = op
        .responses
        .into_iter()
        .map(|r| {
            view! {
                <li>
                    <strong>{r.status}</strong> " " {r.description}
                    {r.schema.map(|s| view! { " — " <code>{s}</code> })}
                </li>
            }
        })
        .collect_view();
    let has_params = !op.parameters.is_empty();
    view! {
        <article class="card api-docs__op">
            <h3><span class=method_class>{op.method.clone()}</span> " " <code>{base}{op.path.clone()}</code></h3>
            <p>{op.summary}</p>
            {(!op.description.is_empty()).then(|| view! { <p class="muted">{op.description.clone()}</p> })}
            {has_params.then(|| view! { <Fields title="Parameters" fields=op.parameters.clone()/> })}
            {op.body.map(|b| view! { <p>"Body (JSON): " <code>{b}</code></p> })}
            <p>"Answers:"</p>
            <ul>{responses}</ul>
        </article>
    }
}

#[component]
fn Schema(s: SchemaDoc) -> impl IntoView {
    let has_fields = !s.fields.is_empty();
    view! {
        <article class="card api-docs__schema" id=format!("schema-{}", s.name)>
            <h3><code>{s.name.clone()}</code></h3>
            {(!s.description.is_empty()).then(|| view! { <p>{s.description.clone()}</p> })}
            {has_fields.then(|| view! { <Fields title="Fields" fields=s.fields.clone()/> })}
        </article>
    }
}

#[component]
fn Fields(title: &'static str, fields: Vec<FieldDoc>) -> impl IntoView {
    let rows = fields
        .into_iter()
        .map(|f| {
            let name = if f.location.is_empty() {
                f.name
            } else {
                format!("{} (in {})", f.name, f.location)
            };
            view! {
                <tr>
                    <td data-label="Name"><code>{name}</code></td>
                    <td data-label="Type">{f.kind}</td>
                    <td data-label="Required">{if f.required { "yes" } else { "no" }}</td>
                    <td data-label="Meaning">{f.description}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap">
            <table class="stack">
                <caption>{title}</caption>
                <thead>
                    <tr>
                        <th scope="col">"Name"</th>
                        <th scope="col">"Type"</th>
                        <th scope="col">"Required"</th>
                        <th scope="col">"Meaning"</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
