//! The mock's request validation: OpenAPI 3.0 schemas compiled with the shared
//! translation ([`workspace_orders_openapi::json_schema`], JSON Schema draft 7 with
//! `nullable`, the integer formats' ranges and integer literals written out), plus the
//! keyword of the mock's own that the spec's rules between fields (`x-rules`) become
//! ([`crate::rules`]); and validation failures reported as field paths.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};
use workspace_orders_openapi::json_schema::{self, Extension};
use workspace_orders_openapi::pointer;

pub use workspace_orders_openapi::json_schema::SchemaError;

/// The translation's extension: a schema's `x-rules` become [`crate::rules::KEYWORD`],
/// read now so that a malformed rule stops the mock at start-up with its place.
struct Rules;

impl Extension for Rules {
    fn extend(
        &self,
        openapi: &Map<String, Value>,
        translated: &mut Map<String, Value>,
        location: &str,
    ) -> Result<(), SchemaError> {
        if let Some(rules) = openapi.get("x-rules") {
            crate::rules::parse(rules).map_err(|message| {
                json_schema::schema_error(&pointer::child(location, "x-rules"), message)
            })?;
            translated.insert(crate::rules::KEYWORD.to_owned(), rules.clone());
        }
        Ok(())
    }
}

/// Translates one OpenAPI 3.0 schema object (found at `location`) into JSON Schema
/// draft 7, with the mock's rules keyword.
pub fn to_json_schema(schema: &Value, location: &str) -> Result<Value, SchemaError> {
    json_schema::translate(schema, location, &Rules)
}

/// Every component schema of `document`, translated, keyed by name.
pub fn definitions(document: &Value) -> Result<Map<String, Value>, SchemaError> {
    json_schema::definitions(document, &Rules)
}

/// A compiled JSON Schema for one OpenAPI schema, with the document's components.
pub struct Validator {
    inner: jsonschema::Validator,
}

impl std::fmt::Debug for Validator {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        formatter.debug_struct("Validator").finish_non_exhaustive()
    }
}

impl Validator {
    /// Compiles the OpenAPI schema at `location` against `definitions` (see [`definitions`]).
    pub fn new(
        schema: &Value,
        location: &str,
        definitions: &Map<String, Value>,
    ) -> Result<Self, SchemaError> {
        let options =
            json_schema::options().with_keyword(crate::rules::KEYWORD, crate::rules::keyword);
        let inner = json_schema::compile(schema, location, definitions, &Rules, &options)?;
        Ok(Self { inner })
    }

    /// Every failure of `instance`, one per failing field (a field failing several
    /// keywords has their reasons joined), sorted by path; empty when it is valid.
    pub fn failures(&self, instance: &Value) -> Vec<FieldFailure> {
        let mut by_path: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
        let mut add = |path: String, message: String| {
            by_path.entry(path).or_default().insert(message);
        };
        for error in self.inner.iter_errors(instance) {
            let path = field_path(instance, error.instance_path.as_str());
            match &error.kind {
                jsonschema::error::ValidationErrorKind::Required { property } => {
                    let name = property
                        .as_str()
                        .map_or_else(|| property.to_string(), str::to_owned);
                    add(join(&path, &name), "is required but missing".into());
                }
                jsonschema::error::ValidationErrorKind::AdditionalProperties { unexpected } => {
                    for name in unexpected {
                        add(join(&path, name), "is not a documented field".into());
                    }
                }
                _ => add(
                    if path.is_empty() {
                        "(body)".into()
                    } else {
                        path
                    },
                    error.to_string(),
                ),
            }
        }
        by_path
            .into_iter()
            .map(|(path, messages)| FieldFailure {
                path,
                message: messages.into_iter().collect::<Vec<_>>().join(" and "),
            })
            .collect()
    }
}

/// One failing field: where (`resources[0].add_volumes.volumes[1].size`) and why.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct FieldFailure {
    /// Dotted field path, array indices in brackets; `(body)` for the body itself.
    pub path: String,
    /// What is wrong with the value.
    pub message: String,
}

impl std::fmt::Display for FieldFailure {
    fn fmt(&self, formatter: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(formatter, "{}: {}", self.path, self.message)
    }
}

fn join(parent: &str, name: &str) -> String {
    if parent.is_empty() {
        name.to_owned()
    } else {
        format!("{parent}.{name}")
    }
}

/// Turns a JSON pointer into `a.b[0].c`, walking `instance` to tell indices from names.
fn field_path(instance: &Value, instance_pointer: &str) -> String {
    let mut path = String::new();
    let mut current = Some(instance);
    for token in pointer::tokens(instance_pointer) {
        match current {
            Some(Value::Array(items)) => {
                path.push_str(&format!("[{token}]"));
                current = token
                    .parse::<usize>()
                    .ok()
                    .and_then(|index| items.get(index));
            }
            other => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(&token);
                current = other.and_then(|value| value.get(&token));
            }
        }
    }
    path
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn validator(schema: Value, components: Value) -> Validator {
        let document = json!({ "components": { "schemas": components } });
        let definitions = definitions(&document).unwrap();
        Validator::new(&schema, "/test", &definitions).unwrap()
    }

    #[test]
    fn nullable_admits_null_and_keeps_the_type() {
        let schema = json!({ "type": "string", "nullable": true, "enum": ["a"] });
        let validator = validator(schema, json!({}));
        assert!(validator.failures(&json!(null)).is_empty());
        assert!(validator.failures(&json!("a")).is_empty());
        assert_eq!(validator.failures(&json!("b")).len(), 1);
        // Wrong type and outside the enum: one field, both reasons.
        let failures = validator.failures(&json!(1));
        assert_eq!(failures.len(), 1, "{failures:?}");
        assert!(failures[0].message.contains(" and "), "{failures:?}");
    }

    #[test]
    fn refs_resolve_to_components_and_annotations_are_ignored() {
        let components = json!({
            "Volume": {
                "type": "object",
                "additionalProperties": false,
                "required": ["size"],
                "x-doc-source": { "tables": ["t"] },
                "example": { "size": "not checked" },
                "properties": {
                    "size": { "type": "integer", "format": "int32", "minimum": 10 },
                    "x-kept": { "type": "string" }
                }
            }
        });
        let schema = json!({
            "type": "object",
            "properties": { "volumes": { "type": "array", "items": { "$ref": "#/components/schemas/Volume" } } }
        });
        let validator = validator(schema, components);
        assert!(
            validator
                .failures(&json!({ "volumes": [{ "size": 10, "x-kept": "v" }] }))
                .is_empty()
        );
        let failures = validator.failures(&json!({
            "volumes": [{ "size": 10 }, { "size": 5, "extra": 1, "x-kept": 2 }, {}]
        }));
        let paths: Vec<_> = failures
            .iter()
            .map(|failure| failure.path.as_str())
            .collect();
        assert_eq!(
            paths,
            [
                "volumes[1].extra",
                "volumes[1].size",
                "volumes[1].x-kept",
                "volumes[2].size"
            ]
        );
    }

    #[test]
    fn integers_written_as_floats_are_refused() {
        let validator = validator(
            json!({ "type": "object", "properties": {
                "count": { "type": "integer" },
                "maybe": { "type": "integer", "nullable": true },
                "ratio": { "type": "number" },
            } }),
            json!({}),
        );
        let body: Value =
            serde_json::from_str(r#"{ "count": 50.0, "maybe": 5e1, "ratio": 50.0 }"#).unwrap();
        let failures = validator.failures(&body);
        let paths: Vec<&str> = failures.iter().map(|f| f.path.as_str()).collect();
        assert_eq!(paths, ["count", "maybe"]);
        for failure in &failures {
            assert!(
                failure
                    .message
                    .contains("50.0 is not written as an integer (write 50, not 50.0 or 5e1)"),
                "{failure}"
            );
        }
        let body: Value =
            serde_json::from_str(r#"{ "count": 50, "maybe": null, "ratio": 5e1 }"#).unwrap();
        assert!(validator.failures(&body).is_empty());
    }

    #[test]
    fn pointer_tokens_are_unescaped() {
        let instance = json!({ "a/b": [{ "c~d": 1 }] });
        assert_eq!(field_path(&instance, "/a~1b/0/c~0d"), "a/b[0].c~d");
    }
}
