//! The API reference for `/api/docs`, read from the OpenAPI description as JSON (the served
//! document itself, so the page shows exactly the contract).

use serde_json::Value;

use crate::wire::api_docs::{
    ApiReference, FieldDoc, OperationDoc, OperationGroup, ResponseDoc, SchemaDoc,
};

const METHODS: [&str; 5] = ["get", "post", "put", "patch", "delete"];

/// The reference of the current API.
pub fn reference() -> ApiReference {
    let doc = serde_json::to_value(super::openapi()).unwrap_or(Value::Null);
    from_document(&doc)
}

fn text(v: &Value) -> String {
    v.as_str().unwrap_or_default().to_owned()
}

/// `#/components/schemas/Me` → `Me`; an array of one → `[Me]`; a plain type → its name.
fn schema_name(schema: &Value) -> String {
    if let Some(r) = schema.get("$ref").and_then(Value::as_str) {
        return r.rsplit('/').next().unwrap_or(r).to_owned();
    }
    if let Some(items) = schema.get("items") {
        return format!("list of {}", schema_name(items));
    }
    if let Some(one_of) = schema.get("oneOf").and_then(Value::as_array) {
        let names: Vec<String> = one_of
            .iter()
            .map(schema_name)
            .filter(|n| n != "null")
            .collect();
        return names.join(" or ");
    }
    match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(types)) => types
            .iter()
            .filter_map(Value::as_str)
            .filter(|t| *t != "null")
            .collect::<Vec<_>>()
            .join(" or "),
        _ => "object".to_owned(),
    }
}

/// The schema of a body or response's first content type.
fn content_schema(holder: &Value) -> Option<String> {
    let content = holder.get("content")?.as_object()?;
    let (_, media) = content.iter().next()?;
    media.get("schema").map(schema_name)
}

fn operation(method: &str, path: &str, op: &Value) -> OperationDoc {
    let parameters = op
        .get("parameters")
        .and_then(Value::as_array)
        .map(|ps| {
            ps.iter()
                .map(|p| FieldDoc {
                    name: text(&p["name"]),
                    location: text(&p["in"]),
                    kind: p.get("schema").map(schema_name).unwrap_or_default(),
                    required: p["required"].as_bool().unwrap_or(false),
                    description: text(&p["description"]),
                })
                .collect()
        })
        .unwrap_or_default();
    let responses = op
        .get("responses")
        .and_then(Value::as_object)
        .map(|rs| {
            rs.iter()
                .map(|(status, r)| ResponseDoc {
                    status: status.clone(),
                    description: text(&r["description"]),
                    schema: content_schema(r),
                })
                .collect()
        })
        .unwrap_or_default();
    OperationDoc {
        method: method.to_ascii_uppercase(),
        path: path.to_owned(),
        summary: text(&op["summary"]),
        description: text(&op["description"]),
        parameters,
        body: op.get("requestBody").and_then(content_schema),
        responses,
    }
}

fn schema(name: &str, s: &Value) -> SchemaDoc {
    let required: Vec<&str> = s
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let fields = s
        .get("properties")
        .and_then(Value::as_object)
        .map(|props| {
            props
                .iter()
                .map(|(field, p)| FieldDoc {
                    name: field.clone(),
                    location: String::new(),
                    kind: schema_name(p),
                    required: required.contains(&field.as_str()),
                    description: text(&p["description"]),
                })
                .collect()
        })
        .unwrap_or_default();
    SchemaDoc {
        name: name.to_owned(),
        description: text(&s["description"]),
        fields,
    }
}

/// The reference of an OpenAPI document (JSON).
pub fn from_document(doc: &Value) -> ApiReference {
    let mut groups: Vec<OperationGroup> = Vec::new();
    if let Some(paths) = doc["paths"].as_object() {
        for (path, item) in paths {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let tag = op["tags"][0].as_str().unwrap_or("other").to_owned();
                let entry = operation(method, path, op);
                match groups.iter_mut().find(|g| g.tag == tag) {
                    Some(g) => g.operations.push(entry),
                    None => groups.push(OperationGroup {
                        tag,
                        operations: vec![entry],
                    }),
                }
            }
        }
    }
    let schemas = doc["components"]["schemas"]
        .as_object()
        .map(|all| all.iter().map(|(n, s)| schema(n, s)).collect())
        .unwrap_or_default();
    ApiReference {
        title: text(&doc["info"]["title"]),
        version: text(&doc["info"]["version"]),
        description: text(&doc["info"]["description"]),
        base: text(&doc["servers"][0]["url"]),
        groups,
        schemas,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_reference_lists_every_operation_of_the_description_with_its_schemas() {
        let reference = reference();
        assert_eq!(reference.base, "/api/v1");
        let me = reference
            .groups
            .iter()
            .flat_map(|g| &g.operations)
            .find(|o| o.path == "/me")
            .expect("GET /me");
        assert_eq!(me.method, "GET");
        assert!(me
            .responses
            .iter()
            .any(|r| r.status == "200" && r.schema.as_deref() == Some("Me")));
        let problem = reference
            .schemas
            .iter()
            .find(|s| s.name == "Problem")
            .unwrap();
        assert!(problem
            .fields
            .iter()
            .any(|f| f.name == "code" && f.required));
    }
}
