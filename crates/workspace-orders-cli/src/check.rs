//! Offline checks of a request body: everything the client checks before sending,
//! by running the client's own code, with every problem located in the file.
//!
//! 1. The body is read into the client's request type (serde, with the spec's
//!    limits in the types), exactly as `place` does before sending. Serde stops at
//!    the first problem, so
//! 2. the JSON Schema that the same types emit (`schemars`; the client crate's tests
//!    hold it equal to the spec) is checked too, which finds all of them.
//! 3. When both pass, the client builds and signs the request in a dry run with
//!    stand-in credentials ([`OrdersClient::prepare_periodic_order`] and siblings),
//!    so any check on the client's sending path applies as well.

use huaweicloud_workspace_orders::operation::Operation;
use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
use schemars::r#gen::SchemaSettings;
use serde_json::Value;

use crate::locate::{Position, Positions, escape, json_path};
use crate::spec;

/// One thing wrong with a body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    pub position: Position,
    /// JSON pointer (RFC 6901) of the value at fault.
    pub pointer: String,
    /// The same place as a JSON path (`$.resources[0]`).
    pub path: String,
    pub message: String,
}

/// A request body read into the client's type for its operation.
pub enum TypedBody {
    App(types::AppOrderRequest),
    Periodic(types::PeriodicOrderRequest),
    Desktop(types::DesktopOrderRequest),
}

/// The outcome of checking one body.
pub struct Checked {
    /// The operation checked against; `None` when it could not be told.
    pub operation: Option<Operation>,
    /// Whether the operation was guessed from the body.
    pub guessed: bool,
    pub problems: Vec<Problem>,
    /// The body in the client's type, when there are no problems.
    pub body: Option<TypedBody>,
}

/// Why the client's type refused a body: where (a JSON pointer) and what.
struct Refusal {
    pointer: String,
    message: String,
}

/// Reads `text` into the client's request type of `operation`, as `place` does.
fn read_typed(operation: Operation, text: &str) -> Result<TypedBody, Refusal> {
    fn read<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, Refusal> {
        let mut deserializer = serde_json::Deserializer::from_str(text);
        let value =
            serde_path_to_error::deserialize(&mut deserializer).map_err(|error| Refusal {
                pointer: pointer_of(error.path()),
                message: serde_message(error.inner()),
            })?;
        // Trailing text after the body, as serde_json::from_str refuses it.
        deserializer.end().map_err(|error| Refusal {
            pointer: String::new(),
            message: serde_message(&error),
        })?;
        Ok(value)
    }
    Ok(match operation {
        Operation::CreateAppOrder => TypedBody::App(read(text)?),
        Operation::CreateDesktopOrder => TypedBody::Desktop(read(text)?),
        // `Operation` is non-exhaustive: a new operation without a type here is
        // checked as a periodic order and refused there.
        _ => TypedBody::Periodic(read(text)?),
    })
}

/// The JSON Schema the client's request type of `operation` emits.
fn client_schema(operation: Operation) -> Value {
    // Optional members are left out, never `null`: the spec has no nullable request
    // member, and an `anyOf [T, null]` would hide the problems inside `T`.
    let generator = SchemaSettings::draft07()
        .with(|settings| settings.option_add_null_type = false)
        .into_generator();
    let schema = match operation {
        Operation::CreateAppOrder => generator.into_root_schema_for::<types::AppOrderRequest>(),
        Operation::CreateDesktopOrder => {
            generator.into_root_schema_for::<types::DesktopOrderRequest>()
        }
        _ => generator.into_root_schema_for::<types::PeriodicOrderRequest>(),
    };
    serde_json::to_value(schema).unwrap_or(Value::Null)
}

/// The serde message without serde_json's " at line L column C" (the place is
/// reported separately).
fn serde_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
}

fn problem(document: &Value, positions: &Positions, pointer: String, message: String) -> Problem {
    Problem {
        position: positions.value(&pointer),
        path: json_path(document, &pointer),
        pointer,
        message,
    }
}

/// Every problem the schema finds, one per unknown member.
fn schema_problems(
    operation: Operation,
    document: &Value,
    positions: &Positions,
) -> Result<Vec<Problem>, String> {
    let schema = client_schema(operation);
    let validator = jsonschema::validator_for(&schema).map_err(|e| {
        format!(
            "the client's schema of {} is unusable: {e}",
            operation.operation_id()
        )
    })?;
    let mut problems = Vec::new();
    for error in validator.iter_errors(document) {
        let pointer = error.instance_path.to_string();
        match &error.kind {
            jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                for name in unexpected {
                    let member = format!("{pointer}/{}", escape(name));
                    problems.push(Problem {
                        position: positions.key(&member),
                        path: json_path(document, &member),
                        pointer: member,
                        message: format!("unknown member {name:?}: the spec does not list it"),
                    });
                }
            }
            _ => problems.push(problem(document, positions, pointer, error.to_string())),
        }
    }
    Ok(problems)
}

/// Runs the client's sending path up to signing, with stand-in credentials, sending
/// nothing; the error is what the client would refuse.
pub async fn dry_run_refusal(body: TypedBody) -> Result<Option<String>, String> {
    const STAND_IN_PROJECT: &str = "0123456789abcdef0123456789abcdef";
    let credentials = Credentials::iam_token("offline-validation")
        .and_then(|c| c.with_project_id(STAND_IN_PROJECT))
        .map_err(|e| e.to_string())?;
    // Never contacted: the dry run stops before sending.
    let client = OrdersClient::builder(credentials)
        .base_url("http://127.0.0.1:9")
        .build()
        .map_err(|e| e.to_string())?;
    let refused = match body {
        TypedBody::App(body) => client
            .prepare_app_order(body)
            .await
            .err()
            .map(|e| e.to_string()),
        TypedBody::Periodic(body) => client
            .prepare_periodic_order(body)
            .await
            .err()
            .map(|e| e.to_string()),
        TypedBody::Desktop(body) => client
            .prepare_desktop_order(body)
            .await
            .err()
            .map(|e| e.to_string()),
    };
    Ok(refused)
}

/// Checks `text` as a request body of `operation` (guessed when `None`).
pub async fn check(text: &str, operation: Option<Operation>) -> Result<Checked, String> {
    let document: Value = match serde_json::from_str(text) {
        Ok(document) => document,
        Err(error) => {
            return Ok(Checked {
                operation,
                guessed: false,
                problems: vec![Problem {
                    position: Position {
                        line: error.line().max(1),
                        column: error.column().max(1),
                    },
                    pointer: String::new(),
                    path: "$".to_owned(),
                    message: format!("not JSON: {}", serde_message(&error)),
                }],
                body: None,
            });
        }
    };
    let positions = Positions::of(text);
    let (operation, guessed) = match operation {
        Some(operation) => (operation, false),
        None => match guess(text, &document) {
            Ok(operation) => (operation, true),
            Err(message) => {
                return Ok(Checked {
                    operation: None,
                    guessed: false,
                    problems: vec![problem(&document, &positions, String::new(), message)],
                    body: None,
                });
            }
        },
    };

    let mut problems = schema_problems(operation, &document, &positions)?;
    let body = match read_typed(operation, text) {
        Ok(body) => Some(body),
        Err(refusal) => {
            // The schema pass usually found the same place; keep one report of it.
            if !problems.iter().any(|p| p.pointer == refusal.pointer) {
                problems.push(problem(
                    &document,
                    &positions,
                    refusal.pointer,
                    refusal.message,
                ));
            }
            None
        }
    };
    let body = match body {
        Some(body) if problems.is_empty() => match dry_run_refusal(body).await? {
            Some(message) => {
                problems.push(problem(&document, &positions, String::new(), message));
                None
            }
            // Read again for the caller: the dry run consumed it.
            None => read_typed(operation, text).ok(),
        },
        _ => None,
    };
    problems.sort_by_key(|p| (p.position.line, p.position.column));
    Ok(Checked {
        operation: Some(operation),
        guessed,
        problems,
        body,
    })
}

/// The operation of a body given without `--operation`.
fn guess(text: &str, document: &Value) -> Result<Operation, String> {
    // A body the client accepts for exactly one operation settles it; otherwise its
    // top-level members must fit exactly one.
    let accepted: Vec<Operation> = Operation::ALL
        .into_iter()
        .filter(|&operation| read_typed(operation, text).is_ok())
        .collect();
    let candidates = match accepted.len() {
        0 => spec::candidate_operations(document),
        _ => accepted,
    };
    match candidates.as_slice() {
        [operation] => Ok(*operation),
        [] => Err(
            "cannot tell which operation this body is for (its top-level members fit none); \
             give --operation app|periodic|desktop"
                .to_owned(),
        ),
        several => Err(format!(
            "the body could be for {}; give --operation",
            several
                .iter()
                .map(|o| spec::operation_label(*o))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}

/// A serde_path_to_error path as a JSON pointer.
fn pointer_of(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } => pointer.push_str(&format!("/{}", escape(key))),
            Segment::Enum { .. } | Segment::Unknown => {}
        }
    }
    pointer
}
