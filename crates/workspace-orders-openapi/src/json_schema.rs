//! The one translation of OpenAPI 3.0 schemas into JSON Schema, and the validator
//! built from it.
//!
//! OpenAPI 3.0.3 schemas are an extended subset of JSON Schema Wright draft 00
//! (draft 5). No validator implements draft 5, so the translation targets **draft 7**
//! and writes out what OpenAPI 3.0 means where the two differ:
//!
//! - `nullable: true` adds `"null"` to `type` (and `null` to `enum`);
//! - boolean `exclusiveMinimum`/`exclusiveMaximum` (draft 4/5) become the numeric
//!   bounds of draft 6+;
//! - `format: int32`/`int64` are ranges (the service parses them into 32/64-bit
//!   fields), added as `minimum`/`maximum` where the schema sets none;
//! - `integer` means a number written without a fraction or exponent (draft 4/5);
//!   draft 6+ would admit `50.0`, so integer schemas get the keyword
//!   [`INTEGER_LITERAL`];
//! - `$ref: '#/components/schemas/X'` becomes `#/definitions/X` everywhere a schema
//!   can hold one (`properties`, `patternProperties`, `additionalProperties`, `items`,
//!   `allOf`/`oneOf`/`anyOf`, `not`), and the components travel as `definitions`;
//! - annotations a validator must not see (`example`, `x-*`, `discriminator`, ...)
//!   are dropped.
//!
//! Draft 7 rather than draft 4: OpenAPI 3.0 keeps draft 4's behaviour only in the two
//! points written out above, while draft 7 validates the formats OpenAPI 3.0 names
//! (`date` as well as `date-time`), and like OpenAPI 3.0 (and unlike 2019-09) it
//! ignores the siblings of a `$ref`.
//!
//! A tool that adds keywords of its own (the mock's rules between fields) passes an
//! [`Extension`], called for every schema object translated.

use serde_json::{Map, Value, json};

use crate::pointer;
use crate::reference::COMPONENT_SCHEMAS;

/// The JSON Schema draft the translation targets.
pub const DRAFT: jsonschema::Draft = jsonschema::Draft::Draft7;

/// Where translated component schemas live in a bundled schema.
pub const DEFINITIONS: &str = "#/definitions/";

/// A keyword of the translation, on integer schemas: the number must be written as
/// an integer (`50`, not `50.0` or `5e1`).
pub const INTEGER_LITERAL: &str = "openapiIntegerLiteral";

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

/// A schema that cannot be translated or compiled.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{location}: {message}")]
pub struct SchemaError {
    /// JSON pointer of the offending schema in the OpenAPI document.
    pub location: String,
    /// What is wrong with it.
    pub message: String,
}

/// A [`SchemaError`] at `location`.
pub fn schema_error(location: &str, message: impl Into<String>) -> SchemaError {
    SchemaError {
        location: location.to_owned(),
        message: message.into(),
    }
}

/// Keywords a tool adds to the translation.
pub trait Extension {
    /// Called for every schema object, with its OpenAPI form and its translation so
    /// far; `location` is its JSON pointer.
    fn extend(
        &self,
        openapi: &Map<String, Value>,
        translated: &mut Map<String, Value>,
        location: &str,
    ) -> Result<(), SchemaError>;
}

/// The translation alone.
pub struct NoExtension;

impl Extension for NoExtension {
    fn extend(
        &self,
        _: &Map<String, Value>,
        _: &mut Map<String, Value>,
        _: &str,
    ) -> Result<(), SchemaError> {
        Ok(())
    }
}

/// Translates one OpenAPI 3.0 schema (found at `location`) into JSON Schema draft 7.
pub fn translate(
    schema: &Value,
    location: &str,
    extension: &dyn Extension,
) -> Result<Value, SchemaError> {
    let object = match schema {
        Value::Object(object) => object,
        Value::Bool(_) => return Ok(schema.clone()),
        _ => return Err(schema_error(location, "a schema must be an object")),
    };
    if let Some(reference) = object.get("$ref") {
        let target = reference
            .as_str()
            .and_then(|text| text.strip_prefix(COMPONENT_SCHEMAS))
            .ok_or_else(|| {
                schema_error(
                    location,
                    format!(
                        "only local $refs to {COMPONENT_SCHEMAS}* are supported, found {reference}"
                    ),
                )
            })?;
        // OpenAPI 3.0 ignores a $ref's siblings; so does draft 7.
        return Ok(json!({ "$ref": format!("{DEFINITIONS}{target}") }));
    }

    let mut out = Map::new();
    for (key, value) in object {
        if key.starts_with("x-") || OPENAPI_ONLY.contains(&key.as_str()) {
            continue;
        }
        let here = pointer::child(location, key);
        let translated = match key.as_str() {
            "properties" | "patternProperties" => Value::Object(
                value
                    .as_object()
                    .ok_or_else(|| schema_error(&here, format!("{key} must be an object")))?
                    .iter()
                    .map(|(name, member)| {
                        let translated =
                            translate(member, &pointer::child(&here, name), extension)?;
                        Ok((name.clone(), translated))
                    })
                    .collect::<Result<Map<_, _>, SchemaError>>()?,
            ),
            "items" | "additionalProperties" | "not" => translate(value, &here, extension)?,
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .ok_or_else(|| schema_error(&here, format!("{key} must be an array")))?
                    .iter()
                    .enumerate()
                    .map(|(index, member)| translate(member, &format!("{here}/{index}"), extension))
                    .collect::<Result<Vec<_>, _>>()?,
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), translated);
    }

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

    let range = match object.get("format").and_then(Value::as_str) {
        Some("int32") => Some((i64::from(i32::MIN), i64::from(i32::MAX))),
        Some("int64") => Some((i64::MIN, i64::MAX)),
        _ => None,
    };
    if let Some((low, high)) = range {
        // A schema's own exclusive bound replaces its inclusive one; either stands.
        if !out.contains_key("minimum") && !out.contains_key("exclusiveMinimum") {
            out.insert("minimum".into(), json!(low));
        }
        if !out.contains_key("maximum") && !out.contains_key("exclusiveMaximum") {
            out.insert("maximum".into(), json!(high));
        }
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

    extension.extend(object, &mut out, location)?;
    Ok(Value::Object(out))
}

/// Every component schema of `document`, translated, keyed by name.
pub fn definitions(
    document: &Value,
    extension: &dyn Extension,
) -> Result<Map<String, Value>, SchemaError> {
    let Some(schemas) = document.pointer("/components/schemas") else {
        return Ok(Map::new());
    };
    let schemas = schemas
        .as_object()
        .ok_or_else(|| schema_error("/components/schemas", "must be an object"))?;
    schemas
        .iter()
        .map(|(name, schema)| {
            let location = pointer::child("/components/schemas", name);
            Ok((name.clone(), translate(schema, &location, extension)?))
        })
        .collect()
}

/// The options every validator of a translated schema starts from: [`DRAFT`], formats
/// validated, and the [`INTEGER_LITERAL`] keyword. A tool may add keywords of its own.
pub fn options() -> jsonschema::ValidationOptions {
    jsonschema::options()
        .with_draft(DRAFT)
        .should_validate_formats(true)
        .with_keyword(INTEGER_LITERAL, integer_literal)
}

/// Compiles the schema at `location` (translated with `extension`) together with
/// `definitions` (from [`definitions`]) into one validator, built with `options`
/// (from [`options`]).
pub fn compile(
    schema: &Value,
    location: &str,
    definitions: &Map<String, Value>,
    extension: &dyn Extension,
    options: &jsonschema::ValidationOptions,
) -> Result<jsonschema::Validator, SchemaError> {
    // The root is wrapped in allOf so that a root $ref keeps its sibling `definitions`.
    let bundle = json!({
        "allOf": [translate(schema, location, extension)?],
        "definitions": definitions,
    });
    options.build(&bundle).map_err(|error| {
        schema_error(
            location,
            format!("not a valid JSON Schema once translated: {error}"),
        )
    })
}

/// A validator for the schema at `location` of `document` (usually a `$ref` to a
/// component), with the translation alone.
pub fn validator(
    document: &Value,
    schema: &Value,
    location: &str,
) -> Result<jsonschema::Validator, SchemaError> {
    let definitions = definitions(document, &NoExtension)?;
    compile(schema, location, &definitions, &NoExtension, &options())
}

/// The [`INTEGER_LITERAL`] keyword.
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A validator for `schema` with `components`.
    fn check(schema: Value, components: Value) -> impl Fn(Value) -> Vec<String> {
        let document = json!({ "components": { "schemas": components } });
        let validator = validator(&document, &schema, "/test").unwrap();
        move |instance| {
            validator
                .iter_errors(&instance)
                .map(|error| format!("{}: {error}", error.instance_path))
                .collect()
        }
    }

    #[test]
    fn nullable_admits_null_in_type_and_enum() {
        let errors = check(
            json!({ "type": "string", "nullable": true, "enum": ["a"] }),
            json!({}),
        );
        assert_eq!(errors(json!(null)), Vec::<String>::new());
        assert_eq!(errors(json!("a")), Vec::<String>::new());
        assert_eq!(errors(json!("b")).len(), 1);
        let not_nullable = check(json!({ "type": "string", "enum": ["a"] }), json!({}));
        assert_eq!(
            not_nullable(json!(null)).len(),
            2,
            "type and enum both refuse null"
        );
    }

    #[test]
    fn boolean_exclusive_bounds_become_numeric() {
        let errors = check(
            json!({ "type": "number", "minimum": 0, "exclusiveMinimum": true, "maximum": 5, "exclusiveMaximum": false }),
            json!({}),
        );
        assert_eq!(
            errors(json!(0)),
            [": 0 is less than or equal to the minimum of 0"]
        );
        assert_eq!(errors(json!(0.5)), Vec::<String>::new());
        assert_eq!(errors(json!(5)), Vec::<String>::new());
        assert_eq!(errors(json!(5.5)).len(), 1);
    }

    #[test]
    fn integer_formats_are_ranges() {
        let int32 = check(json!({ "type": "integer", "format": "int32" }), json!({}));
        assert_eq!(int32(json!(i32::MAX)), Vec::<String>::new());
        assert_eq!(int32(json!(i32::MIN)), Vec::<String>::new());
        assert_eq!(
            int32(json!(i64::from(i32::MAX) + 1)),
            [": 2147483648 is greater than the maximum of 2147483647"]
        );
        assert_eq!(int32(json!(i64::from(i32::MIN) - 1)).len(), 1);
        // A bound of the schema's own stands.
        let bounded = check(
            json!({ "type": "integer", "format": "int32", "minimum": 1, "exclusiveMaximum": true, "maximum": 10 }),
            json!({}),
        );
        assert_eq!(bounded(json!(0)).len(), 1);
        assert_eq!(bounded(json!(10)).len(), 1);
        assert_eq!(bounded(json!(9)), Vec::<String>::new());
        let int64 = check(json!({ "type": "integer", "format": "int64" }), json!({}));
        assert_eq!(int64(json!(i64::MAX)), Vec::<String>::new());
        assert_eq!(int64(json!(i64::MAX as u64 + 1)).len(), 1);
    }

    #[test]
    fn integers_must_be_written_as_integers() {
        let errors = check(json!({ "type": "integer" }), json!({}));
        let written: Value = serde_json::from_str("50.0").unwrap();
        assert_eq!(
            errors(written),
            [": 50.0 is not written as an integer (write 50, not 50.0 or 5e1)"]
        );
        assert_eq!(errors(json!(50)), Vec::<String>::new());
        let number = check(json!({ "type": "number" }), json!({}));
        assert_eq!(
            number(serde_json::from_str("5e1").unwrap()),
            Vec::<String>::new()
        );
    }

    #[test]
    fn refs_are_rewritten_wherever_a_schema_can_be() {
        let components = json!({ "Small": { "type": "integer", "maximum": 3 } });
        let small = json!({ "$ref": "#/components/schemas/Small" });
        for (keyword, schema, bad) in [
            (
                "properties",
                json!({ "properties": { "a": small } }),
                json!({ "a": 4 }),
            ),
            (
                "patternProperties",
                json!({ "patternProperties": { "^p": { "type": "object", "patternProperties": { "^q": small } } } }),
                json!({ "p1": { "q1": 4 } }),
            ),
            (
                "additionalProperties",
                json!({ "additionalProperties": small }),
                json!({ "z": 4 }),
            ),
            ("items", json!({ "items": small }), json!([1, 4])),
            ("allOf", json!({ "allOf": [small] }), json!(4)),
            ("anyOf", json!({ "anyOf": [small] }), json!(4)),
            ("oneOf", json!({ "oneOf": [small] }), json!(4)),
            ("not", json!({ "not": { "not": small } }), json!(4)),
        ] {
            let errors = check(schema, components.clone());
            assert_eq!(errors(bad).len(), 1, "{keyword}");
        }
    }

    #[test]
    fn annotations_are_dropped_and_foreign_refs_refused_with_their_place() {
        let translated = translate(
            &json!({ "type": "string", "example": 1, "x-doc": {}, "nullable": false, "readOnly": true }),
            "/s",
            &NoExtension,
        )
        .unwrap();
        assert_eq!(translated, json!({ "type": "string" }));
        let error = translate(
            &json!({ "properties": { "a/b": { "$ref": "other.yaml#/X" } } }),
            "/components/schemas/T",
            &NoExtension,
        )
        .unwrap_err();
        assert_eq!(error.location, "/components/schemas/T/properties/a~1b");
        assert!(error.message.contains("other.yaml#/X"), "{error}");
    }

    struct Marker;
    impl Extension for Marker {
        fn extend(
            &self,
            openapi: &Map<String, Value>,
            out: &mut Map<String, Value>,
            location: &str,
        ) -> Result<(), SchemaError> {
            match openapi.get("x-bad") {
                Some(_) => Err(schema_error(&pointer::child(location, "x-bad"), "bad")),
                None => {
                    out.insert("title".into(), json!(location));
                    Ok(())
                }
            }
        }
    }

    #[test]
    fn extensions_see_every_schema_object() {
        let translated =
            translate(&json!({ "items": { "type": "string" } }), "/s", &Marker).unwrap();
        assert_eq!(
            translated,
            json!({ "items": { "type": "string", "title": "/s/items" }, "title": "/s" })
        );
        let error = translate(&json!({ "not": { "x-bad": 1 } }), "/s", &Marker).unwrap_err();
        assert_eq!(error.location, "/s/not/x-bad");
    }
}
