//! The matrix of `docs/authorization.md` (actors, cells, rows and their parser), and what exists
//! to check it against: server functions, page routes, axum routes.

use std::{collections::BTreeSet, fmt};

use axum::http::StatusCode;

use crate::common::*;
use crate::*;

// ---------------------------------------------------------------------------------------------
// The matrix: actors, cells, rows, and the parser of docs/authorization.md.
// ---------------------------------------------------------------------------------------------

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Actor {
    Anonymous,
    OtherTenant,
    OtherProject,
    Member,
    Auditor,
    Owner,
    PlatformAdmin,
}

pub(crate) const ACTORS: [Actor; 7] = [
    Actor::Anonymous,
    Actor::OtherTenant,
    Actor::OtherProject,
    Actor::Member,
    Actor::Auditor,
    Actor::Owner,
    Actor::PlatformAdmin,
];

impl Actor {
    /// The column heading in the matrix.
    pub(crate) fn column(self) -> &'static str {
        match self {
            Self::Anonymous => "anonymous",
            Self::OtherTenant => "other tenant",
            Self::OtherProject => "other project",
            Self::Member => "member",
            Self::Auditor => "auditor",
            Self::Owner => "owner",
            Self::PlatformAdmin => "platform admin",
        }
    }

    pub(crate) fn email(self) -> Option<&'static str> {
        match self {
            Self::Anonymous => None,
            Self::OtherTenant => Some(OTHER_TENANT_MEMBER),
            Self::OtherProject => Some(OTHER_PROJECT_MEMBER),
            Self::Member => Some(UNIV_MEMBER),
            Self::Auditor => Some(UNIV_AUDITOR),
            Self::Owner => Some(UNIV_OWNER),
            Self::PlatformAdmin => Some(ADMIN),
        }
    }
}

/// An expected outcome: any success or redirection, or one status.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Outcome {
    Ok,
    Status(u16),
    /// A page that sends a signed-out visitor to the sign-in page, which brings them back:
    /// 303 to `/login?next=<the page>`.
    SignIn,
}

impl Outcome {
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        match text.trim() {
            "ok" => Ok(Self::Ok),
            "sign-in" => Ok(Self::SignIn),
            code @ ("401" | "403" | "404" | "409" | "422") => {
                Ok(Self::Status(code.parse().expect("a status")))
            }
            other => Err(format!(
                "`{other}` is not an outcome (ok, sign-in, 401, 403, 404, 409 or 422)"
            )),
        }
    }

    pub(crate) fn observed(status: StatusCode) -> Self {
        if status.is_success() || status.is_redirection() {
            Self::Ok
        } else {
            Self::Status(status.as_u16())
        }
    }

    pub(crate) fn matches(self, status: StatusCode) -> bool {
        self == Self::observed(status)
    }

    /// What a whole response shows: `SignIn` for a redirection to the sign-in page with a way
    /// back (`server/tests/suite/request_pages.rs` checks that it is the page asked for), else as
    /// `observed`.
    pub(crate) fn observed_response(response: &TestResponse) -> Self {
        match response.header("location") {
            Some(to)
                if response.status == StatusCode::SEE_OTHER && to.starts_with("/login?next=/") =>
            {
                Self::SignIn
            }
            _ => Self::observed(response.status),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Ok => f.write_str("ok"),
            Self::SignIn => f.write_str("sign-in"),
            Self::Status(code) => write!(f, "{code}"),
        }
    }
}

/// One cell: what the rules expect and, when the code disagrees today, what it answers.
#[derive(Clone, Copy, Debug)]
pub(crate) struct Cell {
    pub(crate) rule: Outcome,
    pub(crate) code: Option<Outcome>,
}

impl Cell {
    pub(crate) fn parse(text: &str) -> Result<Self, String> {
        match text.split_once('(') {
            None => Ok(Self {
                rule: Outcome::parse(text)?,
                code: None,
            }),
            Some((rule, note)) => {
                let code = note
                    .trim()
                    .strip_suffix(')')
                    .and_then(|n| n.trim().strip_prefix("code:"))
                    .ok_or_else(|| format!("`{text}`: a note reads `(code: <outcome>)`"))?;
                Ok(Self {
                    rule: Outcome::parse(rule)?,
                    code: Some(Outcome::parse(code)?),
                })
            }
        }
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Kind {
    Function,
    Route,
}

#[derive(Clone, Debug)]
pub(crate) struct Row {
    pub(crate) kind: Kind,
    pub(crate) name: String,
    pub(crate) line: usize,
    pub(crate) cells: [Cell; 7],
}

pub(crate) fn matrix() -> Vec<Row> {
    let text = std::fs::read_to_string(MATRIX).unwrap_or_else(|e| panic!("read {MATRIX}: {e}"));
    parse_matrix(&text).unwrap_or_else(|e| panic!("{MATRIX}: {e}"))
}

pub(crate) fn split_row(line: &str) -> Vec<String> {
    let line = line.trim();
    let line = line.strip_prefix('|').unwrap_or(line);
    let line = line.strip_suffix('|').unwrap_or(line);
    line.split('|').map(|c| c.trim().to_string()).collect()
}

/// Reads every table whose first column is `endpoint` (server functions) or `route`; other
/// tables (the actors, for example) are prose.
pub(crate) fn parse_matrix(text: &str) -> Result<Vec<Row>, String> {
    let columns: Vec<&str> = ACTORS.iter().map(|a| a.column()).collect();
    let mut rows: Vec<Row> = Vec::new();
    // Inside a table: `Some(Some(kind))` for a matrix, `Some(None)` for another table.
    let mut table: Option<Option<Kind>> = None;
    let mut lines = text.lines().enumerate();
    while let Some((index, line)) = lines.next() {
        let line_no = index + 1;
        if !line.trim_start().starts_with('|') {
            table = None;
            continue;
        }
        let cells = split_row(line);
        let kind = match table {
            Some(None) => continue,
            Some(Some(kind)) => kind,
            None => {
                let kind = match cells[0].as_str() {
                    "endpoint" => Kind::Function,
                    "route" => Kind::Route,
                    _ => {
                        table = Some(None);
                        continue;
                    }
                };
                if cells[1..] != columns[..] {
                    return Err(format!(
                        "line {line_no}: the columns are `{}`, then {}",
                        cells[0],
                        columns.join(", ")
                    ));
                }
                match lines.next() {
                    Some((_, separator)) if separator.contains("---") => {}
                    _ => return Err(format!("line {}: a table separator", line_no + 1)),
                }
                table = Some(Some(kind));
                continue;
            }
        };
        if cells.len() != 1 + ACTORS.len() {
            return Err(format!(
                "line {line_no}: {} cells, expected {}",
                cells.len(),
                1 + ACTORS.len()
            ));
        }
        let name = cells[0].trim_matches('`').to_string();
        let mut parsed = Vec::with_capacity(ACTORS.len());
        for (actor, text) in ACTORS.iter().zip(&cells[1..]) {
            parsed.push(
                Cell::parse(text)
                    .map_err(|e| format!("line {line_no}, `{name}`, {}: {e}", actor.column()))?,
            );
        }
        if rows.iter().any(|r| r.kind == kind && r.name == name) {
            return Err(format!("line {line_no}: `{name}` is listed twice"));
        }
        rows.push(Row {
            kind,
            name,
            line: line_no,
            cells: parsed.try_into().expect("a cell per actor"),
        });
    }
    Ok(rows)
}

// ---------------------------------------------------------------------------------------------
// What exists: server functions, Leptos page routes, axum routes.
// ---------------------------------------------------------------------------------------------

/// The endpoint names of every registered server function (`/api/<endpoint>`).
pub(crate) fn registered_server_functions() -> BTreeSet<String> {
    leptos::server_fn::axum::server_fn_paths()
        .map(|(path, _method)| {
            path.rsplit_once("/api/")
                .map(|(_, name)| name.to_string())
                .unwrap_or_else(|| panic!("a server function outside /api/: {path}"))
        })
        .collect()
}

/// `/requests/{id}` (axum's syntax) as `/requests/:id` (the router's).
pub(crate) fn normalise_route(path: &str) -> String {
    let segments: Vec<String> = path
        .split('/')
        .map(
            |s| match s.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
                Some(param) => format!(":{param}"),
                None => s.to_string(),
            },
        )
        .collect();
    let joined = segments.join("/");
    if joined.is_empty() {
        "/".to_string()
    } else {
        joined
    }
}

/// Every page route of the Leptos router (the server's own list: listing the routes again here
/// would open the window in which a page being rendered by a parallel test hangs).
pub(crate) fn page_routes() -> BTreeSet<String> {
    app::server::router::route_list()
        .iter()
        .map(|listing| normalise_route(listing.path()))
        .collect()
}

/// Every `.route("…")` of the axum router (the health probes, the attachments), as the matrix
/// names it (`/requests/:id/…`); the path may be on the line after `.route(`.
pub(crate) fn axum_routes() -> BTreeSet<String> {
    let source: String = [ROUTER_SOURCE, EXPORT_SOURCE, OIDC_SOURCE]
        .iter()
        .map(|file| std::fs::read_to_string(file).unwrap_or_else(|e| panic!("read {file}: {e}")))
        .collect();
    source
        .split(".route(")
        .skip(1)
        .filter_map(|rest| rest.trim_start().strip_prefix('"'))
        .map(|rest| normalise_route(rest.split('"').next().unwrap_or_default()))
        .collect()
}
