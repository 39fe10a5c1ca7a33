//! A request body read into one of the client's types, and the JSON Schema that type
//! emits, whatever the type: the same for every operation.

use schemars::JsonSchema;
use schemars::r#gen::SchemaSettings;
use serde::de::DeserializeOwned;
use serde_json::Value;

use huaweicloud_workspace_orders::operation::Operation;

use crate::locate::escape;

/// Why the client's type refused a body: where (a JSON pointer) and what.
pub struct Refusal {
    pub pointer: String,
    pub message: String,
}

impl Refusal {
    /// An operation this build has no request type for (newer than the CLI's
    /// generated dispatch).
    pub fn unknown_operation(operation: Operation) -> Self {
        Refusal {
            pointer: String::new(),
            message: format!(
                "{} has no request type in this build",
                operation.operation_id()
            ),
        }
    }
}

/// Reads `text` into `T`, as `place` does: strictly, trailing text refused.
pub fn read<T: DeserializeOwned>(text: &str) -> Result<T, Refusal> {
    let mut deserializer = serde_json::Deserializer::from_str(text);
    let value = serde_path_to_error::deserialize(&mut deserializer).map_err(|error| Refusal {
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

/// The JSON Schema `T` emits.
pub fn schema_of<T: JsonSchema>() -> Value {
    // Optional members are left out, never `null`: the spec has no nullable request
    // member, and an `anyOf [T, null]` would hide the problems inside `T`.
    let generator = SchemaSettings::draft07()
        .with(|settings| settings.option_add_null_type = false)
        .into_generator();
    serde_json::to_value(generator.into_root_schema_for::<T>()).unwrap_or(Value::Null)
}

/// The serde message without serde_json's " at line L column C" (the place is
/// reported separately).
pub fn serde_message(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).unwrap_or(&text).to_owned()
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
