//! Reading the parts of the OpenAPI document doc-check compares: the
//! operation by method and URI, its request and response schemas (following
//! `$ref` and `allOf`) and its request examples.

use std::collections::BTreeSet;
use std::path::Path;

use anyhow::Context;
use serde_json::Value;
use workspace_orders_openapi::operations::json_media;
use workspace_orders_openapi::pointer;
use workspace_orders_openapi::reference::{self, MAX_DEPTH};

use super::field_type::Shape;

/// The spec, parsed.
pub struct Spec {
    pub document: Value,
}

/// An operation of the spec.
pub struct Operation<'a> {
    pub id: String,
    /// JSON pointer of the operation, for messages.
    pub pointer: String,
    pub value: &'a Value,
}

/// An object schema with `$ref` and `allOf` resolved: its properties in
/// document order and its required names.
pub struct ObjectView<'a> {
    pub properties: Vec<(&'a str, &'a Value)>,
    pub required: BTreeSet<&'a str>,
}

impl ObjectView<'_> {
    pub fn property(&self, name: &str) -> Option<&Value> {
        self.properties
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| *v)
    }
}

impl Spec {
    pub fn load(path: &Path) -> anyhow::Result<Spec> {
        let text = std::fs::read_to_string(path)
            .with_context(|| format!("cannot read the spec {}", path.display()))?;
        let document: Value = serde_yaml_ng::from_str(&text)
            .with_context(|| format!("{}: not valid YAML", path.display()))?;
        if !document.get("paths").is_some_and(Value::is_object) {
            anyhow::bail!("{}: not an OpenAPI document (no `paths`)", path.display());
        }
        Ok(Spec { document })
    }

    /// The operation at `method` `uri`.
    pub fn operation(&self, method: &str, uri: &str) -> Result<Operation<'_>, String> {
        let method = method.to_ascii_lowercase();
        let value = self
            .document
            .get("paths")
            .and_then(|paths| paths.get(uri))
            .and_then(|item| item.get(&method))
            .ok_or_else(|| {
                format!(
                    "the spec has no operation {} {uri}",
                    method.to_ascii_uppercase()
                )
            })?;
        let id = value
            .get("operationId")
            .and_then(Value::as_str)
            .unwrap_or("(no operationId)")
            .to_string();
        let pointer = pointer::child(&pointer::child("/paths", uri), &method);
        Ok(Operation { id, pointer, value })
    }

    /// Follows `$ref` until a schema (or other object) without one.
    pub fn resolve<'a>(&'a self, value: &'a Value) -> Result<&'a Value, String> {
        // Callers name the place themselves (the operation, the page's field).
        reference::resolve(&self.document, value, "").map_err(|error| error.kind.to_string())
    }

    /// The JSON request body schema of an operation, if it has one.
    pub fn request_schema<'a>(
        &'a self,
        operation: &Operation<'a>,
    ) -> Result<Option<&'a Value>, String> {
        let Some(body) = operation.value.get("requestBody") else {
            return Ok(None);
        };
        let media = self.resolve(body)?.get("content").and_then(json_media);
        Ok(media.and_then(|(_, m)| m.get("schema")))
    }

    /// The request examples of an operation (`example` and every `examples` value).
    pub fn request_examples<'a>(
        &'a self,
        operation: &Operation<'a>,
    ) -> Result<Vec<(String, &'a Value)>, String> {
        let Some(body) = operation.value.get("requestBody") else {
            return Ok(Vec::new());
        };
        let Some((_, media)) = self.resolve(body)?.get("content").and_then(json_media) else {
            return Ok(Vec::new());
        };
        let mut examples = Vec::new();
        if let Some(example) = media.get("example") {
            examples.push(("example".to_string(), example));
        }
        if let Some(named) = media.get("examples").and_then(Value::as_object) {
            for (name, example) in named {
                if let Some(value) = self.resolve(example)?.get("value") {
                    examples.push((name.clone(), value));
                }
            }
        }
        Ok(examples)
    }

    /// The operation's status codes (`default` and ranges such as `4XX` are skipped).
    pub fn statuses(&self, operation: &Operation<'_>) -> Vec<u16> {
        operation
            .value
            .get("responses")
            .and_then(Value::as_object)
            .map(|responses| responses.keys().filter_map(|k| k.parse().ok()).collect())
            .unwrap_or_default()
    }

    /// The JSON body schema of the response with `status`, if any.
    pub fn response_schema<'a>(
        &'a self,
        operation: &Operation<'a>,
        status: u16,
    ) -> Result<Option<&'a Value>, String> {
        let Some(response) = operation
            .value
            .get("responses")
            .and_then(|r| r.get(status.to_string()))
        else {
            return Ok(None);
        };
        let media = self.resolve(response)?.get("content").and_then(json_media);
        Ok(media.and_then(|(_, m)| m.get("schema")))
    }

    /// The object `schema` describes, merging `allOf` members.
    pub fn object_view<'a>(&'a self, schema: &'a Value) -> Result<ObjectView<'a>, String> {
        let mut view = ObjectView {
            properties: Vec::new(),
            required: BTreeSet::new(),
        };
        self.merge_into(schema, &mut view, 0)?;
        Ok(view)
    }

    fn merge_into<'a>(
        &'a self,
        schema: &'a Value,
        view: &mut ObjectView<'a>,
        depth: usize,
    ) -> Result<(), String> {
        if depth > MAX_DEPTH {
            return Err("allOf nesting too deep: a reference cycle?".into());
        }
        let schema = self.resolve(schema)?;
        if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
            for (name, property) in properties {
                match view.properties.iter_mut().find(|(n, _)| n == name) {
                    Some(existing) => existing.1 = property,
                    None => view.properties.push((name, property)),
                }
            }
        }
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            view.required
                .extend(required.iter().filter_map(Value::as_str));
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            for member in members {
                self.merge_into(member, view, depth + 1)?;
            }
        }
        Ok(())
    }

    /// The shape of a schema, following `$ref` and `allOf`.
    pub fn shape(&self, schema: &Value) -> Result<Shape, String> {
        let schema = self.resolve(schema)?;
        if let Some(kind) = schema.get("type").and_then(Value::as_str) {
            return Ok(match kind {
                "string" => Shape::String,
                "integer" => Shape::Integer,
                "number" => Shape::Number,
                "boolean" => Shape::Boolean,
                "object" => Shape::Object,
                "array" => match schema.get("items") {
                    Some(items) => Shape::Array(Box::new(self.shape(items)?)),
                    None => Shape::Array(Box::new(Shape::Other("anything".into()))),
                },
                other => Shape::Other(other.to_string()),
            });
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            for member in members {
                let shape = self.shape(member)?;
                if !matches!(shape, Shape::Other(_)) {
                    return Ok(shape);
                }
            }
        }
        if schema.get("properties").is_some() {
            return Ok(Shape::Object);
        }
        let combinator = ["oneOf", "anyOf"]
            .into_iter()
            .find(|k| schema.get(*k).is_some());
        Ok(Shape::Other(match combinator {
            Some(k) => format!("{k} schema"),
            None => "untyped schema".into(),
        }))
    }

    /// The `items` schema of an array schema.
    pub fn items<'a>(&'a self, schema: &'a Value) -> Result<Option<&'a Value>, String> {
        let schema = self.resolve(schema)?;
        if let Some(items) = schema.get("items") {
            return Ok(Some(items));
        }
        if let Some(members) = schema.get("allOf").and_then(Value::as_array) {
            for member in members {
                if let Some(items) = self.items(member)? {
                    return Ok(Some(items));
                }
            }
        }
        Ok(None)
    }
}
