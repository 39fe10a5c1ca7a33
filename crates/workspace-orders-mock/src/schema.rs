//! OpenAPI 3.0 schemas as JSON Schema (draft 7), and validation failures as field paths.
//!
//! OpenAPI 3.0 schema objects are a dialect of JSON Schema draft 5/7: `nullable` instead
//! of a `"null"` type, a boolean `exclusiveMinimum`/`exclusiveMaximum`, `format: int32`
//! meaning a range, `$ref`s into `#/components/schemas`, and annotations (`example`,
//! `x-*`, `discriminator`…) a JSON Schema validator must not see, except `x-rules`,
//! which becomes a keyword of the mock's own ([`crate::rules`]). [`to_json_schema`]
//! rewrites one schema; [`Validator`] bundles the components as `definitions` so every
//! `$ref` resolves inside one document.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value, json};

const COMPONENTS_PREFIX: &str = "#/components/schemas/";
/// A keyword of our own, added to integer schemas: the number must be written as an
/// integer. JSON Schema's `integer` admits `50.0` and `5e1`; the client's typed
/// deserialization (and a Java or Go service parsing into an int) does not.
const INTEGER_LITERAL: &str = "mockIntegerLiteral";
const DEFINITIONS_PREFIX: &str = "#/definitions/";

/// Keywords of the OpenAPI schema object that are not JSON Schema validation keywords.
const OPENAPI_ONLY: &[&str] = &[
    "nullable",
    "discriminator",
    "readOnly",
    "writeOnly",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// A schema or a `$ref` that cannot be translated.
#[derive(Debug, thiserror::Error)]
#[error("{location}: {message}")]
pub struct SchemaError {
    /// JSON pointer of the offending schema in the OpenAPI document.
    pub location: String,
    /// What is wrong with it.
    pub message: String,
}

/// Translates one OpenAPI 3.0 schema object (found at `location`) into JSON Schema draft 7.
pub fn to_json_schema(schema: &Value, location: &str) -> Result<Value, SchemaError> {
    let object = match schema {
        Value::Object(object) => object,
        Value::Bool(_) => return Ok(schema.clone()),
        _ => {
            return Err(SchemaError {
                location: location.to_owned(),
                message: "a schema must be an object".into(),
            });
        }
    };
    if let Some(reference) = object.get("$ref") {
        let target = reference
            .as_str()
            .and_then(|text| text.strip_prefix(COMPONENTS_PREFIX))
            .ok_or_else(|| SchemaError {
                location: location.to_owned(),
                message: format!(
                    "only local $refs to {COMPONENTS_PREFIX}* are supported, found {reference}"
                ),
            })?;
        // OpenAPI 3.0 ignores a $ref's siblings; so does draft 7.
        return Ok(json!({ "$ref": format!("{DEFINITIONS_PREFIX}{target}") }));
    }

    let mut out = Map::new();
    for (key, value) in object {
        if key.starts_with("x-") || OPENAPI_ONLY.contains(&key.as_str()) {
            continue;
        }
        let here = format!("{location}/{key}");
        let translated = match key.as_str() {
            "properties" => Value::Object(
                value
                    .as_object()
                    .ok_or_else(|| SchemaError {
                        location: here.clone(),
                        message: "properties must be an object".into(),
                    })?
                    .iter()
                    .map(|(name, schema)| {
                        Ok((
                            name.clone(),
                            to_json_schema(schema, &format!("{here}/{name}"))?,
                        ))
                    })
                    .collect::<Result<Map<_, _>, SchemaError>>()?,
            ),
            "items" | "additionalProperties" | "not" => to_json_schema(value, &here)?,
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .ok_or_else(|| SchemaError {
                        location: here.clone(),
                        message: format!("{key} must be an array"),
                    })?
                    .iter()
                    .enumerate()
                    .map(|(index, schema)| to_json_schema(schema, &format!("{here}/{index}")))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), translated);
    }

    // The rules between fields become a keyword of our own (crate::rules); read now,
    // so that a malformed rule stops the mock at start-up with its place.
    if let Some(rules) = object.get("x-rules") {
        crate::rules::parse(rules).map_err(|message| SchemaError {
            location: format!("{location}/x-rules"),
            message,
        })?;
        out.insert(crate::rules::KEYWORD.to_owned(), rules.clone());
    }

    // Boolean exclusive bounds (OpenAPI 3.0, draft 4) become numeric ones (draft 7).
    for (flag, bound) in [
        ("exclusiveMinimum", "minimum"),
        ("exclusiveMaximum", "maximum"),
    ] {
        if let Some(Value::Bool(exclusive)) = out.get(flag).cloned() {
            out.remove(flag);
            if exclusive && let Some(limit) = out.remove(bound) {
                out.insert(flag.to_owned(), limit);
            }
        }
    }

    // The integer formats are ranges: the real service parses them into 32/64-bit fields.
    let range = match object.get("format").and_then(Value::as_str) {
        Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        Some("int64") => Some((i64::MIN, i64::MAX)),
        _ => None,
    };
    if let Some((low, high)) = range {
        out.entry("minimum").or_insert_with(|| json!(low));
        out.entry("maximum").or_insert_with(|| json!(high));
    }
    let integer_only = match out.get("type") {
        Some(Value::String(kind)) => kind == "integer",
        Some(Value::Array(kinds)) => {
            kinds.contains(&json!("integer")) && !kinds.contains(&json!("number"))
        }
        _ => false,
    };
    if integer_only {
        out.insert(INTEGER_LITERAL.to_owned(), Value::Bool(true));
    }

    if object.get("nullable") == Some(&Value::Bool(true)) {
        match out.get_mut("type") {
            Some(Value::String(kind)) => {
                let kind = kind.clone();
                out.insert("type".into(), json!([kind, "null"]));
            }
            Some(Value::Array(kinds)) if !kinds.contains(&json!("null")) => {
                kinds.push(json!("null"))
            }
            _ => {}
        }
        if let Some(Value::Array(options)) = out.get_mut("enum")
            && !options.contains(&Value::Null)
        {
            options.push(Value::Null);
        }
    }
    Ok(Value::Object(out))
}

/// Every component schema of `document`, translated, keyed by name.
pub fn definitions(document: &Value) -> Result<Map<String, Value>, SchemaError> {
    let Some(schemas) = document.pointer("/components/schemas") else {
        return Ok(Map::new());
    };
    let schemas = schemas.as_object().ok_or_else(|| SchemaError {
        location: "/components/schemas".into(),
        message: "must be an object".into(),
    })?;
    schemas
        .iter()
        .map(|(name, schema)| {
            Ok((
                name.clone(),
                to_json_schema(schema, &format!("/components/schemas/{name}"))?,
            ))
        })
        .collect()
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
        // The root is wrapped in allOf so that a root $ref keeps its sibling `definitions`.
        let document = json!({
            "allOf": [to_json_schema(schema, location)?],
            "definitions": definitions,
        });
        let inner = jsonschema::draft7::options()
            .should_validate_formats(true)
            .with_keyword(INTEGER_LITERAL, integer_literal)
            .with_keyword(crate::rules::KEYWORD, crate::rules::keyword)
            .build(&document)
            .map_err(|error| SchemaError {
                location: location.to_owned(),
                message: format!("not a valid JSON Schema once translated: {error}"),
            })?;
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

/// The [`INTEGER_LITERAL`] keyword: a number parsed from `50.0` or `5e1` is a float.
struct IntegerLiteral;

// The signature is the one `with_keyword` requires, error type included.
#[allow(clippy::result_large_err)]
fn integer_literal<'a>(
    _: &'a Map<String, Value>,
    _: &'a Value,
    _: jsonschema::paths::Location,
) -> Result<Box<dyn jsonschema::Keyword>, jsonschema::ValidationError<'a>> {
    Ok(Box::new(IntegerLiteral))
}

impl jsonschema::Keyword for IntegerLiteral {
    fn validate<'i>(
        &self,
        instance: &'i Value,
        location: &jsonschema::paths::LazyLocation,
    ) -> Result<(), jsonschema::ValidationError<'i>> {
        if self.is_valid(instance) {
            Ok(())
        } else {
            Err(jsonschema::ValidationError::custom(
                jsonschema::paths::Location::new(),
                location.into(),
                instance,
                format!("{instance} is not written as an integer (write 50, not 50.0 or 5e1)"),
            ))
        }
    }

    fn is_valid(&self, instance: &Value) -> bool {
        !instance.as_number().is_some_and(serde_json::Number::is_f64)
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
fn field_path(instance: &Value, pointer: &str) -> String {
    let mut path = String::new();
    let mut current = Some(instance);
    for token in pointer.split('/').skip(1) {
        let token = token.replace("~1", "/").replace("~0", "~");
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
    fn int32_format_is_a_range() {
        let validator = validator(json!({ "type": "integer", "format": "int32" }), json!({}));
        assert!(validator.failures(&json!(2_147_483_647)).is_empty());
        assert_eq!(validator.failures(&json!(2_147_483_648_i64)).len(), 1);
        assert_eq!(validator.failures(&json!(-2_147_483_649_i64)).len(), 1);
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
    fn boolean_exclusive_bounds_become_numeric() {
        let schema = json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": false });
        let validator = validator(schema, json!({}));
        assert_eq!(validator.failures(&json!(0)).len(), 1);
        assert!(validator.failures(&json!(5)).is_empty());
    }

    #[test]
    fn foreign_refs_are_refused_with_their_place() {
        let error = to_json_schema(&json!({ "$ref": "other.yaml#/X" }), "/paths/a").unwrap_err();
        assert_eq!(error.location, "/paths/a");
    }

    #[test]
    fn pointer_tokens_are_unescaped() {
        let instance = json!({ "a/b": [{ "c~d": 1 }] });
        assert_eq!(field_path(&instance, "/a~1b/0/c~0d"), "a/b[0].c~d");
    }
}
