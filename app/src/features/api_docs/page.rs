//! `/api/docs`: the API reference, one section per tag, each operation with its parameters,
//! body and answers; then the schemas. Rendered on the server from the OpenAPI description.

use crate::ui::language::page_title;
use crate::ui::language::tr;
use leptos::prelude::*;
use leptos_meta::Title;

use super::api::load_api_reference;
use super::types::{ApiReference, FieldDoc, OperationDoc, SchemaDoc};
use crate::domain::format::fill;
use crate::i18n::{t_string, td_string, use_i18n, Locale};

#[component]
pub fn ApiDocsPage() -> impl IntoView {
    let data = Resource::new(|| (), |_| load_api_reference());
    let i18n = use_i18n();
    view! {
        <Title text=page_title(i18n, |l| td_string!(l, api_docs.title))/>
        <section class="page api-docs">
            <Suspense fallback=move || view! { <p>{tr(i18n, |l| td_string!(l, api_docs.loading))}</p> }>
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
    let i18n = use_i18n();
    let base = reference.base.clone();
    let toc = reference
        .groups
        .iter()
        .map(|g| {
            let href = format!("#tag-{}", g.tag);
            view! { <li><a href=href lang="en">{g.tag.clone()}</a></li> }
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
                    <h2 lang="en">{g.tag}</h2>
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
    let version = reference.version;
    let version = move || fill(t_string!(i18n, api_docs.version), &[("version", &version)]);
    // French puts a space before the semicolon.
    let semicolon = move || match i18n.get_locale() {
        Locale::fr => " ; ",
        Locale::en => "; ",
    };
    view! {
        <h1>{reference.title} " " <span class="muted">{version}</span></h1>
        <p lang="en">{reference.description}</p>
        <p class="muted">{tr(i18n, |l| td_string!(l, api_docs.written_in_english))}</p>
        <p>
            {tr(i18n, |l| td_string!(l, api_docs.routes_under))} " " <code>{base.clone()}</code> ". "
            {tr(i18n, |l| td_string!(l, api_docs.machine_readable))} " " <a href="/api/v1/openapi.json">"openapi.json"</a> {semicolon}
            {tr(i18n, |l| td_string!(l, api_docs.make_token_on))} " " <a href="/account/tokens">{tr(i18n, |l| td_string!(l, api_docs.your_account))}</a> "."
        </p>
        <nav aria-label=tr(i18n, |l| td_string!(l, api_docs.sections))><ul class="api-docs__toc">{toc}<li><a href="#schemas">{tr(i18n, |l| td_string!(l, api_docs.schemas))}</a></li></ul></nav>
        {groups}
        <section class="api-docs__group" id="schemas">
            <h2>{tr(i18n, |l| td_string!(l, api_docs.schemas))}</h2>
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
                    <strong>{r.status}</strong> " " <span lang="en">{r.description}</span>
                    {r.schema.map(|s| view! { " — " <code>{s}</code> })}
                </li>
            }
        })
        .collect_view();
    let has_params = !op.parameters.is_empty();
    let i18n = use_i18n();
    view! {
        <article class="card api-docs__op">
            <h3><span class=method_class>{op.method.clone()}</span> " " <code>{base}{op.path.clone()}</code></h3>
            <p lang="en">{op.summary}</p>
            {(!op.description.is_empty()).then(|| view! { <p class="muted" lang="en">{op.description.clone()}</p> })}
            {has_params.then(|| view! { <Fields parameters=true fields=op.parameters.clone()/> })}
            {op.body.map(|b| view! { <p>{tr(i18n, |l| td_string!(l, api_docs.body))} " " <code>{b}</code></p> })}
            <p>{tr(i18n, |l| td_string!(l, api_docs.answers))}</p>
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
            {(!s.description.is_empty()).then(|| view! { <p lang="en">{s.description.clone()}</p> })}
            {has_fields.then(|| view! { <Fields parameters=false fields=s.fields.clone()/> })}
        </article>
    }
}

/// A table of an operation's parameters (`parameters`) or of a schema's fields.
#[component]
fn Fields(parameters: bool, fields: Vec<FieldDoc>) -> impl IntoView {
    let i18n = use_i18n();
    let title = move || {
        if parameters {
            t_string!(i18n, api_docs.parameters)
        } else {
            t_string!(i18n, api_docs.fields)
        }
    };
    let rows = fields
        .into_iter()
        .map(|f| {
            let (field, location) = (f.name, f.location);
            let name = move || {
                if location.is_empty() {
                    field.clone()
                } else {
                    fill(
                        t_string!(i18n, api_docs.in_location),
                        &[("name", &field), ("location", &location)],
                    )
                }
            };
            let required = f.required;
            let required = move || {
                if required {
                    t_string!(i18n, api_docs.yes)
                } else {
                    t_string!(i18n, api_docs.no)
                }
            };
            view! {
                <tr>
                    <td data-label=tr(i18n, |l| td_string!(l, api_docs.name))><code>{name}</code></td>
                    <td data-label=tr(i18n, |l| td_string!(l, api_docs.kind))>{f.kind}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, api_docs.required))>{required}</td>
                    <td data-label=tr(i18n, |l| td_string!(l, api_docs.meaning)) lang="en">{f.description}</td>
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
                        <th scope="col">{tr(i18n, |l| td_string!(l, api_docs.name))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, api_docs.kind))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, api_docs.required))}</th>
                        <th scope="col">{tr(i18n, |l| td_string!(l, api_docs.meaning))}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
