//! Validating example requests: the OpenAPI 3.0 schema of a request body,
//! with every component schema, translated into a JSON Schema (Draft 4, the
//! dialect OpenAPI 3.0 schemas are based on) for the `jsonschema` crate.

use serde_json::{Map, Value, json};

/// Keywords OpenAPI 3.0 adds to JSON Schema that mean nothing to a validator.
const OPENAPI_ONLY: [&str; 6] = [
    "nullable",
    "discriminator",
    "xml",
    "externalDocs",
    "example",
    "deprecated",
];

/// A validator for one request body schema.
pub struct RequestValidator {
    validator: jsonschema::Validator,
}

impl RequestValidator {
    /// Builds the validator for `schema` (a schema of `document`, typically a
    /// `$ref` to one of its components).
    pub fn new(document: &Value, schema: &Value) -> Result<RequestValidator, String> {
        let components: Map<String, Value> = document
            .pointer("/components/schemas")
            .and_then(Value::as_object)
            .map(|schemas| {
                schemas
                    .iter()
                    .map(|(name, s)| (name.clone(), translate(s)))
                    .collect()
            })
            .unwrap_or_default();
        // `$ref: "#/components/schemas/X"` resolves against this root, so the
        // components keep their place; `allOf` keeps the root's own `$ref`
        // from hiding its siblings.
        let root = json!({
            "allOf": [translate(schema)],
            "components": { "schemas": components },
        });
        let validator = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft4)
            .build(&root)
            .map_err(|e| format!("the request schema is not a valid JSON Schema: {e}"))?;
        Ok(RequestValidator { validator })
    }

    /// Every reason `instance` is invalid, as `at /json/pointer: message`.
    pub fn errors(&self, instance: &Value) -> Vec<String> {
        self.validator
            .iter_errors(instance)
            .map(|e| {
                let at = e.instance_path.to_string();
                format!("at {}: {e}", if at.is_empty() { "/" } else { &at })
            })
            .collect()
    }
}

/// Translates one OpenAPI 3.0 schema object into JSON Schema.
fn translate(schema: &Value) -> Value {
    let Some(object) = schema.as_object() else {
        return schema.clone();
    };
    let mut out = Map::new();
    for (key, value) in object {
        if key.starts_with("x-") || OPENAPI_ONLY.contains(&key.as_str()) {
            continue;
        }
        let translated = match key.as_str() {
            "properties" | "patternProperties" => Value::Object(
                value
                    .as_object()
                    .map(|props| {
                        props
                            .iter()
                            .map(|(name, s)| (name.clone(), translate(s)))
                            .collect()
                    })
                    .unwrap_or_default(),
            ),
            "items" | "additionalProperties" | "not" => translate(value),
            "allOf" | "anyOf" | "oneOf" => Value::Array(
                value
                    .as_array()
                    .map(|members| members.iter().map(translate).collect())
                    .unwrap_or_default(),
            ),
            _ => value.clone(),
        };
        out.insert(key.clone(), translated);
    }
    if object.get("nullable") == Some(&Value::Bool(true)) {
        if let Some(Value::String(kind)) = out.get("type").cloned() {
            out.insert("type".into(), json!([kind, "null"]));
        }
        if let Some(Value::Array(values)) = out.get_mut("enum")
            && !values.contains(&Value::Null)
        {
            values.push(Value::Null);
        }
    }
    Value::Object(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn document() -> Value {
        json!({
            "components": { "schemas": {
                "Body": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["size"],
                    "x-doc-source": "Table 1",
                    "properties": {
                        "size": { "type": "integer", "minimum": 10, "example": 20 },
                        "note": { "type": "string", "nullable": true },
                        "example": { "type": "boolean" }
                    }
                }
            }}
        })
    }

    #[test]
    fn follows_component_refs_and_openapi_keywords() {
        let doc = document();
        let validator =
            RequestValidator::new(&doc, &json!({"$ref": "#/components/schemas/Body"})).unwrap();
        assert!(
            validator
                .errors(&json!({"size": 10, "note": null}))
                .is_empty()
        );
        assert!(
            validator
                .errors(&json!({"size": 10, "example": true}))
                .is_empty()
        );
        let errors = validator.errors(&json!({"size": 5, "extra": 1}));
        assert_eq!(errors.len(), 2, "{errors:?}");
        assert!(
            errors.iter().any(|e| e.starts_with("at /size:")),
            "{errors:?}"
        );
    }
}
