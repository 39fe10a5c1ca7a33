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
use huaweicloud_workspace_orders::{Credentials, OrdersClient};
use serde_json::Value;

use crate::locate::{Position, Positions, escape, json_path};
use crate::operations::{self, TypedBody, client_schema, read_typed};
use crate::spec;
use crate::typed::serde_message;

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
    let refused = body
        .prepare(&client)
        .await
        .err()
        .map(|failure| failure.message);
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
        [] => Err(format!(
            "cannot tell which operation this body is for (its top-level members fit none); \
             give --operation {}",
            Operation::ALL.map(operations::label).join("|")
        )),
        several => Err(format!(
            "the body could be for {}; give --operation",
            several
                .iter()
                .map(|o| operations::label(*o))
                .collect::<Vec<_>>()
                .join(" or ")
        )),
    }
}
