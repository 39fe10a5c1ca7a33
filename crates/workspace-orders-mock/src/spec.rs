//! The operations the mock serves, read from the OpenAPI document.
//!
//! Nothing about the order API is hard-coded here: paths, methods, path parameters,
//! request media types and schemas, and the documented error statuses and error body
//! fields all come from the document.

use std::collections::{BTreeMap, BTreeSet};

use axum::http::Method;
use percent_encoding::percent_decode_str;
use serde_json::{Map, Value};
use workspace_orders_openapi::operations::{
    self as openapi_operations, json_media, json_media_types,
};
use workspace_orders_openapi::pointer;
use workspace_orders_openapi::reference::{self, ReferenceError};

use crate::schema::{self, SchemaError, Validator};

/// The document the crate was built with (`openapi/workspace-orders.yaml`).
pub const EMBEDDED_SPEC: &str = include_str!("../../../openapi/workspace-orders.yaml");

/// Why the OpenAPI document cannot be served.
#[derive(Debug, thiserror::Error)]
pub enum SpecError {
    /// The text is not YAML (or JSON).
    #[error("the OpenAPI document is not valid YAML: {0}")]
    Yaml(#[from] serde_yaml_ng::Error),
    /// A schema cannot be translated or compiled.
    #[error("the OpenAPI document has an unusable schema at {0}")]
    Schema(#[from] SchemaError),
    /// A `$ref` cannot be followed.
    #[error("the OpenAPI document has a broken reference at {0}")]
    Reference(#[from] ReferenceError),
    /// Something else in the document is malformed.
    #[error("the OpenAPI document is malformed at {location}: {message}")]
    Malformed {
        /// JSON pointer of the offending node.
        location: String,
        /// What is wrong.
        message: String,
    },
}

fn malformed(location: impl Into<String>, message: impl Into<String>) -> SpecError {
    SpecError::Malformed {
        location: location.into(),
        message: message.into(),
    }
}

/// One segment of a path template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Literal(String),
    Parameter(String),
}

/// A path parameter and the schema its value must satisfy.
#[derive(Debug)]
pub struct PathParameter {
    /// Name, as in the template (`project_id`).
    pub name: String,
    validator: Validator,
}

/// The request body an operation accepts.
#[derive(Debug)]
pub struct RequestBody {
    /// Whether a body must be sent.
    pub required: bool,
    /// The JSON media types documented for it (`application/json`).
    pub media_types: Vec<String>,
    validator: Validator,
}

/// One operation of the document.
#[derive(Debug)]
pub struct Operation {
    /// `operationId`.
    pub id: String,
    /// HTTP method.
    pub method: Method,
    /// The path template as written (`/v1/{project_id}/bundles/subscribe/order`).
    pub path: String,
    segments: Vec<Segment>,
    parameters: Vec<PathParameter>,
    /// The request body, if the operation documents one.
    pub request_body: Option<RequestBody>,
    /// Documented error statuses and the fields of each one's error body.
    pub errors: BTreeMap<u16, BTreeSet<String>>,
}

impl Operation {
    /// The error body fields for `status`: the documented ones, or for an undocumented
    /// status those of the operation's lowest documented error status.
    pub fn error_fields(&self, status: u16) -> BTreeSet<String> {
        self.errors
            .get(&status)
            .or_else(|| self.errors.values().next())
            .cloned()
            .unwrap_or_else(|| ["error_code", "error_msg"].map(str::to_owned).into())
    }

    /// Matches a request path against the template, giving the decoded parameters.
    fn capture(&self, path: &str) -> Option<Vec<(String, String)>> {
        let parts: Vec<&str> = path.split('/').collect();
        if parts.len() != self.segments.len() {
            return None;
        }
        let mut captured = Vec::new();
        for (segment, part) in self.segments.iter().zip(parts) {
            match segment {
                Segment::Literal(literal) => {
                    if literal != part {
                        return None;
                    }
                }
                Segment::Parameter(name) => {
                    let value = percent_decode_str(part).decode_utf8().ok()?.into_owned();
                    captured.push((name.clone(), value));
                }
            }
        }
        Some(captured)
    }

    /// Checks path parameters against their schemas; each failure names the parameter.
    ///
    /// Besides its schema, a value must be one plain path segment: ASCII letters,
    /// digits, `-` and `_`, what the client accepts for a project id. `..`, `%2F` or a
    /// space would address another path at a real gateway.
    pub fn check_parameters(&self, values: &[(String, String)]) -> Vec<String> {
        let mut failures = Vec::new();
        for parameter in &self.parameters {
            match values.iter().find(|(name, _)| *name == parameter.name) {
                Some((_, value)) if value.is_empty() => {
                    failures.push(format!(
                        "path parameter {}: must not be empty",
                        parameter.name
                    ));
                }
                Some((_, value))
                    if let Some(bad) = value.chars().find(|c| !is_segment_char(*c)) =>
                {
                    failures.push(format!(
                        "path parameter {}: {value:?} contains {bad:?}; only ASCII letters, digits, '-' and '_' are allowed",
                        parameter.name
                    ));
                }
                Some((_, value)) => {
                    for failure in parameter.validator.failures(&Value::String(value.clone())) {
                        failures.push(format!(
                            "path parameter {}: {}",
                            parameter.name, failure.message
                        ));
                    }
                }
                None => failures.push(format!("path parameter {}: missing", parameter.name)),
            }
        }
        failures
    }
}

/// The characters the client allows in a project id (`validate_project_id`).
fn is_segment_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '-' || c == '_'
}

impl RequestBody {
    /// Every failing field of `body`, as `path: reason`.
    pub fn failures(&self, body: &Value) -> Vec<schema::FieldFailure> {
        self.validator.failures(body)
    }

    /// Whether a `Content-Type` value (parameters allowed) is one of the documented types.
    pub fn accepts(&self, content_type: &str) -> bool {
        let essence = content_type.split(';').next().unwrap_or("").trim();
        self.media_types
            .iter()
            .any(|media_type| media_type.eq_ignore_ascii_case(essence))
    }
}

/// What a request path and method select.
#[derive(Debug)]
pub enum Route<'a> {
    /// An operation, with its path parameters (decoded).
    Operation(&'a Operation, Vec<(String, String)>),
    /// The path exists but not with this method; the operations it has.
    MethodNotAllowed(Vec<&'a Operation>),
    /// No documented path matches.
    NotFound,
}

/// The operations of an OpenAPI document, ready to validate requests.
#[derive(Debug)]
pub struct Spec {
    operations: Vec<Operation>,
    common_error_fields: BTreeSet<String>,
}

impl Spec {
    /// Loads the document the crate was built with.
    pub fn embedded() -> Result<Self, SpecError> {
        Self::from_yaml(EMBEDDED_SPEC)
    }

    /// Loads an OpenAPI 3.0 document (YAML or JSON text).
    pub fn from_yaml(text: &str) -> Result<Self, SpecError> {
        let document: Value = serde_yaml_ng::from_str(text)?;
        Self::from_document(&document)
    }

    fn from_document(document: &Value) -> Result<Self, SpecError> {
        let definitions = schema::definitions(document)?;
        let found = openapi_operations::operations(document)
            .map_err(|error| malformed(error.place, error.message))?;
        let mut operations = Vec::new();
        for found in found {
            operations.push(read_operation(
                document,
                &definitions,
                found.path,
                found.method,
                found.operation,
                found.path_item.get("parameters"),
                &found.pointer(),
            )?);
        }
        let mut sets = operations
            .iter()
            .flat_map(|operation| operation.errors.values());
        let common_error_fields = match sets.next() {
            Some(first) => sets.fold(first.clone(), |common, fields| {
                common.intersection(fields).cloned().collect()
            }),
            None => ["error_code", "error_msg"].map(str::to_owned).into(),
        };
        Ok(Self {
            operations,
            common_error_fields,
        })
    }

    /// The operations, in document order.
    pub fn operations(&self) -> &[Operation] {
        &self.operations
    }

    /// The error body fields every operation's error bodies share (for unknown paths).
    pub fn common_error_fields(&self) -> &BTreeSet<String> {
        &self.common_error_fields
    }

    /// Selects the operation for `method` and `path` (the raw, still encoded path).
    pub fn route(&self, method: &Method, path: &str) -> Route<'_> {
        let mut allowed = Vec::new();
        for operation in &self.operations {
            if let Some(parameters) = operation.capture(path) {
                if operation.method == *method {
                    return Route::Operation(operation, parameters);
                }
                allowed.push(operation);
            }
        }
        if allowed.is_empty() {
            Route::NotFound
        } else {
            Route::MethodNotAllowed(allowed)
        }
    }
}

/// Follows a `$ref` (to anything in the document) until a non-reference node.
fn resolve<'a>(
    document: &'a Value,
    node: &'a Value,
    location: &str,
) -> Result<&'a Value, SpecError> {
    Ok(reference::resolve(document, node, location)?)
}

fn read_operation(
    document: &Value,
    definitions: &Map<String, Value>,
    path: &str,
    method: &str,
    operation: &Value,
    shared_parameters: Option<&Value>,
    location: &str,
) -> Result<Operation, SpecError> {
    let id = operation
        .get("operationId")
        .and_then(Value::as_str)
        .ok_or_else(|| malformed(location, "operationId missing"))?
        .to_owned();
    let method = method
        .to_ascii_uppercase()
        .parse::<Method>()
        .map_err(|_| malformed(location, "not an HTTP method"))?;
    if !path.starts_with('/') {
        return Err(malformed(location, "a path must start with /"));
    }
    let segments = path
        .split('/')
        .map(|part| {
            match part
                .strip_prefix('{')
                .and_then(|rest| rest.strip_suffix('}'))
            {
                Some(name) => Segment::Parameter(name.to_owned()),
                None => Segment::Literal(part.to_owned()),
            }
        })
        .collect::<Vec<_>>();

    let mut parameters = Vec::new();
    let lists = [
        (
            shared_parameters,
            location
                .rsplit_once('/')
                .map_or(location, |(item, _)| item)
                .to_owned(),
        ),
        (operation.get("parameters"), location.to_owned()),
    ];
    for (list, list_location) in lists {
        let Some(list) = list else { continue };
        let list = list
            .as_array()
            .ok_or_else(|| malformed(format!("{list_location}/parameters"), "must be an array"))?;
        for (index, parameter) in list.iter().enumerate() {
            let here = format!("{list_location}/parameters/{index}");
            let parameter = resolve(document, parameter, &here)?;
            if parameter.get("in").and_then(Value::as_str) != Some("path") {
                continue;
            }
            let name = parameter
                .get("name")
                .and_then(Value::as_str)
                .ok_or_else(|| malformed(&here, "parameter name missing"))?;
            let schema = parameter
                .get("schema")
                .cloned()
                .unwrap_or(Value::Bool(true));
            let validator = Validator::new(&schema, &format!("{here}/schema"), definitions)?;
            parameters.retain(|existing: &PathParameter| existing.name != name);
            parameters.push(PathParameter {
                name: name.to_owned(),
                validator,
            });
        }
    }
    for segment in &segments {
        if let Segment::Parameter(name) = segment
            && !parameters.iter().any(|parameter| parameter.name == *name)
        {
            return Err(malformed(
                location,
                format!("path parameter {{{name}}} is not declared"),
            ));
        }
    }

    let request_body = match operation.get("requestBody") {
        None => None,
        Some(body) => {
            let here = format!("{location}/requestBody");
            let body = resolve(document, body, &here)?;
            let content = body
                .get("content")
                .and_then(Value::as_object)
                .ok_or_else(|| malformed(&here, "content missing"))?;
            let json_types = json_media_types(content);
            let Some((media_type, media)) = body.get("content").and_then(json_media) else {
                return Err(malformed(&here, "the mock only serves JSON request bodies"));
            };
            let schema_location = pointer::child(
                &pointer::child(&format!("{here}/content"), media_type),
                "schema",
            );
            let schema = media.get("schema").cloned().unwrap_or(Value::Bool(true));
            Some(RequestBody {
                required: body
                    .get("required")
                    .and_then(Value::as_bool)
                    .unwrap_or(false),
                media_types: json_types.into_iter().map(str::to_owned).collect(),
                validator: Validator::new(&schema, &schema_location, definitions)?,
            })
        }
    };

    let mut errors = BTreeMap::new();
    if let Some(responses) = operation.get("responses").and_then(Value::as_object) {
        for (status, response) in responses {
            let Ok(code) = status.parse::<u16>() else {
                continue;
            };
            if code < 400 {
                continue;
            }
            let here = format!("{location}/responses/{status}");
            let response = resolve(document, response, &here)?;
            let fields = response
                .get("content")
                .and_then(json_media)
                .and_then(|(_, media)| media.get("schema"))
                .map(|schema| {
                    resolve(document, schema, &here).map(|schema| {
                        schema
                            .get("properties")
                            .and_then(Value::as_object)
                            .map(|properties| properties.keys().cloned().collect::<BTreeSet<_>>())
                            .unwrap_or_default()
                    })
                })
                .transpose()?
                .unwrap_or_default();
            errors.insert(code, fields);
        }
    }

    Ok(Operation {
        id,
        method,
        path: path.to_owned(),
        segments,
        parameters,
        request_body,
        errors,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    const FIXTURE: &str = r##"
openapi: 3.0.3
info: { title: t, version: "1" }
paths:
  /v9/{project_id}/things:
    parameters:
      - { name: project_id, in: path, required: true, schema: { type: string, pattern: "^[0-9a-f]+$" } }
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Thing" }
      responses:
        "200": { description: ok }
        "400":
          description: bad
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Error" }
        "409": { $ref: "#/components/responses/Conflict" }
components:
  responses:
    Conflict:
      description: conflict
      content:
        application/json:
          schema: { type: object, properties: { code: { type: string } } }
  schemas:
    Thing: { type: object, required: [name], properties: { name: { type: string } } }
    Error: { type: object, properties: { error_code: { type: string }, error_msg: { type: string } } }
"##;

    #[test]
    fn operations_paths_and_errors_come_from_the_document() {
        let spec = Spec::from_yaml(FIXTURE).unwrap();
        let Route::Operation(operation, parameters) = spec.route(&Method::POST, "/v9/ab%63/things")
        else {
            panic!("route not found");
        };
        assert_eq!(operation.id, "createThing");
        assert_eq!(parameters, [("project_id".to_owned(), "abc".to_owned())]);
        assert!(operation.check_parameters(&parameters).is_empty());
        assert_eq!(
            operation
                .check_parameters(&[("project_id".into(), "xyz".into())])
                .len(),
            1
        );
        assert_eq!(
            operation.errors.keys().copied().collect::<Vec<_>>(),
            [400, 409]
        );
        assert!(operation.error_fields(409).contains("code"));
        assert!(operation.error_fields(503).contains("error_msg"));
        let body = operation.request_body.as_ref().unwrap();
        assert!(body.accepts("application/json; charset=utf-8"));
        assert!(!body.accepts("text/plain"));
        assert_eq!(body.failures(&serde_json::json!({}))[0].path, "name");
        assert!(
            matches!(spec.route(&Method::GET, "/v9/a/things"), Route::MethodNotAllowed(m) if m.len() == 1 && m[0].method == Method::POST)
        );
        assert!(matches!(
            spec.route(&Method::POST, "/v9/a/things/x"),
            Route::NotFound
        ));
    }

    #[test]
    fn undeclared_path_parameters_are_refused() {
        let text = FIXTURE.replace(
            "/v9/{project_id}/things",
            "/v9/{project_id}/things/{thing_id}",
        );
        let error = Spec::from_yaml(&text).unwrap_err().to_string();
        assert!(error.contains("thing_id"), "{error}");
    }

    #[test]
    fn the_embedded_document_has_the_three_order_operations() {
        let spec = Spec::embedded().unwrap();
        let ids: BTreeSet<&str> = spec
            .operations()
            .iter()
            .map(|operation| operation.id.as_str())
            .collect();
        assert_eq!(
            ids,
            BTreeSet::from([
                "createAppOrder",
                "createDesktopOrder",
                "createPeriodicOrder"
            ])
        );
    }
}
