//! Validating example requests: a request body schema of the spec, compiled with
//! the shared OpenAPI 3.0 → JSON Schema translation
//! ([`workspace_orders_openapi::json_schema`], the one the mock validates with).

use serde_json::Value;
use workspace_orders_openapi::json_schema;

#[cfg(test)]
mod agreement;

/// A validator for one request body schema.
pub struct RequestValidator {
    validator: jsonschema::Validator,
}

impl RequestValidator {
    /// Builds the validator for `schema` (a schema of `document`, typically a
    /// `$ref` to one of its components).
    pub fn new(document: &Value, schema: &Value) -> Result<RequestValidator, String> {
        let validator = json_schema::validator(document, schema, "request body schema")
            .map_err(|e| format!("the request schema cannot be validated against: {e}"))?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

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
