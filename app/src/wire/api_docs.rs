//! The API reference as the documentation page shows it: read from the OpenAPI description the
//! server generates, so the page and the contract cannot disagree.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiReference {
    pub title: String,
    pub version: String,
    pub description: String,
    /// Where the routes live (`/api/v1`).
    pub base: String,
    pub groups: Vec<OperationGroup>,
    pub schemas: Vec<SchemaDoc>,
}

/// The operations of one tag.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationGroup {
    pub tag: String,
    pub operations: Vec<OperationDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OperationDoc {
    /// `GET`, `POST`…
    pub method: String,
    pub path: String,
    pub summary: String,
    pub description: String,
    pub parameters: Vec<FieldDoc>,
    /// The request body's schema name, if any.
    pub body: Option<String>,
    pub responses: Vec<ResponseDoc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ResponseDoc {
    pub status: String,
    pub description: String,
    pub schema: Option<String>,
}

/// A parameter or a schema's property.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldDoc {
    pub name: String,
    /// Where a parameter goes (`path`, `query`, `header`); empty for a property.
    pub location: String,
    pub kind: String,
    pub required: bool,
    pub description: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SchemaDoc {
    pub name: String,
    pub description: String,
    pub fields: Vec<FieldDoc>,
}
