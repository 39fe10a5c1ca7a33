//! Loading the hand-maintained OpenAPI document and checking what progenitor
//! would otherwise panic on or silently mishandle.
//!
//! Every error names the file and the place: a line and column for YAML
//! syntax, a JSON pointer for everything found after parsing.

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

use serde_json::Value;
use workspace_orders_openapi::operations::{JSON, operations};
use workspace_orders_openapi::pointer;
use workspace_orders_openapi::reference;

/// A spec problem, located in its file.
#[derive(Debug)]
pub struct SpecError {
    pub file: PathBuf,
    /// `line L, column C` or a JSON pointer such as `/paths/~1v1~1x/post`.
    pub place: String,
    pub message: String,
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}: {}",
            self.file.display(),
            self.place,
            self.message
        )
    }
}

impl std::error::Error for SpecError {}

/// The parsed document, in the two forms the generator needs.
pub struct LoadedSpec {
    /// The document as JSON, key order preserved (for the JSON rendering and
    /// for walking schemas the way they are written).
    pub json: Value,
    /// The document as `openapiv3` reads it (for progenitor).
    pub openapi: openapiv3::OpenAPI,
}

/// Reads, parses and checks the spec at `path`.
pub fn load(path: &Path) -> Result<LoadedSpec, Vec<SpecError>> {
    let err = |place: String, message: String| SpecError {
        file: path.to_path_buf(),
        place,
        message,
    };
    let text = std::fs::read_to_string(path)
        .map_err(|e| vec![err("file".into(), format!("cannot read: {e}"))])?;
    let json: Value = serde_yaml_ng::from_str(&text).map_err(|e| {
        let place = match e.location() {
            Some(loc) => format!("line {}, column {}", loc.line(), loc.column()),
            None => "document".into(),
        };
        vec![err(place, format!("invalid YAML: {e}"))]
    })?;

    let problems: Vec<SpecError> = check(&json)
        .into_iter()
        .map(|(place, message)| err(place, message))
        .collect();
    if !problems.is_empty() {
        return Err(problems);
    }

    let openapi: openapiv3::OpenAPI = serde_json::from_value(json.clone()).map_err(|e| {
        vec![err(
            "document".into(),
            format!("not an OpenAPI 3.0 document openapiv3 can read: {e}"),
        )]
    })?;
    Ok(LoadedSpec { json, openapi })
}

/// Checks the parsed document; returns `(JSON pointer, message)` per problem.
fn check(doc: &Value) -> Vec<(String, String)> {
    let mut problems = Vec::new();
    match doc.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => {}
        Some(v) => problems.push((
            "/openapi".into(),
            format!(
                "version {v} is not supported: progenitor and openapiv3 read OpenAPI 3.0.x only"
            ),
        )),
        None => problems.push(("/openapi".into(), "missing `openapi: 3.0.x`".into())),
    }
    check_refs(doc, doc, &mut String::new(), &mut problems);
    check_operations(doc, &mut problems);
    problems
}

/// Every local `$ref` must resolve.
fn check_refs(root: &Value, node: &Value, at: &mut String, problems: &mut Vec<(String, String)>) {
    match node {
        Value::Object(map) => {
            if map.contains_key("$ref") {
                let place = format!("{at}/$ref");
                let followed = reference::reference_of(node, &place).and_then(|target| {
                    target.map_or(Ok(()), |target| {
                        reference::target(root, target, &place).map(|_| ())
                    })
                });
                if let Err(error) = followed {
                    problems.push((error.place, error.kind.to_string()));
                }
            }
            for (key, value) in map {
                let len = at.len();
                at.push('/');
                at.push_str(&pointer::escape(key));
                check_refs(root, value, at, problems);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (i, value) in items.iter().enumerate() {
                let len = at.len();
                at.push_str(&format!("/{i}"));
                check_refs(root, value, at, problems);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Operation IDs must exist and be unique; each operation's success
/// responses must share one body schema and its error responses another,
/// every one a `$ref` (progenitor panics on mixed schemas and invents names
/// for inline ones).
fn check_operations(doc: &Value, problems: &mut Vec<(String, String)>) {
    let found = match operations(doc) {
        Ok(found) => found,
        Err(error) => {
            problems.push((error.place, error.message));
            return;
        }
    };
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for found in found {
        let at = found.pointer();
        match found.id() {
            None => problems.push((at.clone(), "operation has no operationId".into())),
            Some(id) => {
                if let Some(first) = seen.insert(id.to_string(), at.clone()) {
                    problems.push((
                        format!("{at}/operationId"),
                        format!("duplicate operationId `{id}` (first used at {first})"),
                    ));
                }
            }
        }
        check_responses(found.operation, &at, problems);
    }
}

fn check_responses(op: &Value, at: &str, problems: &mut Vec<(String, String)>) {
    let Some(responses) = op.get("responses").and_then(Value::as_object) else {
        problems.push((
            format!("{at}/responses"),
            "operation has no responses".into(),
        ));
        return;
    };
    // (first status, its body schema) per class.
    let mut success: Option<(String, Option<String>)> = None;
    let mut error: Option<(String, Option<String>)> = None;
    for (status, response) in responses {
        let place = pointer::child(&format!("{at}/responses"), status);
        let body = match response_body_ref(response) {
            Ok(body) => body,
            Err(message) => {
                problems.push((place, message));
                continue;
            }
        };
        let is_success = status.starts_with('2');
        let slot = if is_success { &mut success } else { &mut error };
        match slot {
            None => *slot = Some((status.clone(), body)),
            Some((first, first_body)) if *first_body != body => problems.push((
                place,
                format!(
                    "{} response body `{}` differs from status {first}'s `{}`: all {} statuses of an operation must share one schema",
                    if is_success { "success" } else { "error" },
                    body.as_deref().unwrap_or("(none)"),
                    first_body.as_deref().unwrap_or("(none)"),
                    if is_success { "success" } else { "error" },
                ),
            )),
            Some(_) => {}
        }
    }
}

/// The `$ref` of a response's JSON body, `None` for a response without a
/// body, or an error for an inline body schema.
fn response_body_ref(response: &Value) -> Result<Option<String>, String> {
    if response.get("$ref").is_some() {
        return Err(
            "response $refs are not supported; put the body schema under components/schemas".into(),
        );
    }
    let Some(content) = response.get("content").and_then(Value::as_object) else {
        return Ok(None);
    };
    let Some(schema) = content.get(JSON).and_then(|c| c.get("schema")) else {
        return Ok(None);
    };
    match schema.get("$ref").and_then(Value::as_str) {
        Some(r) => Ok(Some(r.to_string())),
        None => Err("response body schema must be a $ref to a named schema, not inline".into()),
    }
}
