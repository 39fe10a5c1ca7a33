//! Reading the spec from tests: its example requests, and its request
//! schemas walked field by field. Tests derive their cases from the spec so
//! that a new field, constraint or example is covered without editing them.

use std::path::Path;

use serde_json::{Map, Value, json};

/// The spec's JSON rendering (kept fresh by `cargo xtask generate --check`).
pub fn spec() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../openapi/workspace-orders.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// One operation and its request body schema name.
pub struct Operation {
    pub operation_id: String,
    pub body_schema: String,
    pub request: Value,
}

/// One documented example request.
pub struct Example {
    pub operation_id: String,
    pub name: String,
    pub body_schema: String,
    pub value: Value,
}

pub fn operations(spec: &Value) -> Vec<Operation> {
    let mut operations = Vec::new();
    for (_, item) in spec["paths"].as_object().unwrap() {
        for (_, op) in item.as_object().unwrap() {
            let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let body = &op["requestBody"]["content"]["application/json"];
            operations.push(Operation {
                operation_id: id.to_string(),
                body_schema: schema_name(&body["schema"]).to_string(),
                request: body.clone(),
            });
        }
    }
    operations
}

pub fn examples(spec: &Value) -> Vec<Example> {
    let mut examples = Vec::new();
    for op in operations(spec) {
        for (name, example) in op.request["examples"].as_object().unwrap() {
            examples.push(Example {
                operation_id: op.operation_id.clone(),
                name: name.clone(),
                body_schema: op.body_schema.clone(),
                value: example["value"].clone(),
            });
        }
    }
    examples
}

pub fn schema_name(reference: &Value) -> &str {
    reference["$ref"]
        .as_str()
        .and_then(workspace_orders_openapi::reference::schema_name)
        .unwrap_or_else(|| panic!("not a component $ref: {reference}"))
}

/// Follows a `$ref` to its component schema.
pub fn resolve<'a>(spec: &'a Value, schema: &'a Value) -> &'a Value {
    workspace_orders_openapi::reference::resolve(spec, schema, "").unwrap_or_else(|e| panic!("{e}"))
}

/// A step into a JSON body.
#[derive(Clone, Debug, PartialEq)]
pub enum Step {
    Field(String),
    Item,
}

/// `resources[0].create_services.root_volume.size`: the path
/// `serde_path_to_error` reports.
pub fn display_path(steps: &[Step]) -> String {
    let mut out = String::new();
    for step in steps {
        match step {
            Step::Field(name) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(name);
            }
            Step::Item => out.push_str("[0]"),
        }
    }
    out
}

/// A constrained field reachable from a request body.
#[derive(Debug)]
pub struct Constrained {
    pub steps: Vec<Step>,
    /// The field's schema (resolved).
    pub schema: Value,
}

/// Every field under `schema` whose schema carries `minimum`, `maximum`,
/// `multipleOf`, `minItems` or `maxItems`.
pub fn constrained_fields(spec: &Value, schema: &Value) -> Vec<Constrained> {
    fields_having(
        spec,
        schema,
        &["minimum", "maximum", "multipleOf", "minItems", "maxItems"],
    )
}

/// Every field under `schema` whose (resolved) schema carries one of
/// `keywords`.
pub fn fields_having(spec: &Value, schema: &Value, keywords: &[&str]) -> Vec<Constrained> {
    let mut found = Vec::new();
    walk(spec, schema, keywords, &mut Vec::new(), &mut found);
    found
}

fn walk(
    spec: &Value,
    schema: &Value,
    keywords: &[&str],
    steps: &mut Vec<Step>,
    found: &mut Vec<Constrained>,
) {
    let schema = resolve(spec, schema);
    let having = keywords.iter().any(|k| schema.get(k).is_some());
    if having && !steps.is_empty() {
        found.push(Constrained {
            steps: steps.clone(),
            schema: schema.clone(),
        });
    }
    if let Some(items) = schema.get("items") {
        steps.push(Step::Item);
        walk(spec, items, keywords, steps, found);
        steps.pop();
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (name, property) in properties {
            steps.push(Step::Field(name.clone()));
            walk(spec, property, keywords, steps, found);
            steps.pop();
        }
    }
}

/// The smallest valid instance of `schema`: required members only, the first
/// enum value, the smallest accepted number, the fewest items.
pub fn minimal(spec: &Value, schema: &Value) -> Value {
    let schema = resolve(spec, schema);
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        return values[0].clone();
    }
    match schema["type"].as_str() {
        Some("object") => {
            let mut object = Map::new();
            for name in schema["required"].as_array().into_iter().flatten() {
                let name = name.as_str().unwrap();
                object.insert(name.into(), minimal(spec, &schema["properties"][name]));
            }
            Value::Object(object)
        }
        Some("array") => {
            let count = schema["minItems"].as_u64().unwrap_or(0) as usize;
            Value::Array(vec![minimal(spec, &schema["items"]); count])
        }
        Some("integer") => json!(smallest_integer(schema)),
        Some("boolean") => json!(false),
        // Satisfies every pattern and length in the spec.
        Some("string") => json!("a1"),
        other => panic!("no minimal instance for type {other:?}"),
    }
}

pub fn smallest_integer(schema: &Value) -> i64 {
    let step = schema["multipleOf"].as_i64().unwrap_or(1);
    let min = schema["minimum"].as_i64().unwrap_or(0);
    min.div_euclid(step) * step + if min.rem_euclid(step) == 0 { 0 } else { step }
}

/// `body` with `value` at `steps`, creating the minimal members and items on
/// the way.
pub fn set_at(spec: &Value, body_schema: &Value, body: &mut Value, steps: &[Step], value: Value) {
    let Some((first, rest)) = steps.split_first() else {
        *body = value;
        return;
    };
    let schema = resolve(spec, body_schema);
    match first {
        Step::Field(name) => {
            let field_schema = &schema["properties"][name];
            let object = body.as_object_mut().unwrap();
            let slot = object
                .entry(name.clone())
                .or_insert_with(|| minimal(spec, field_schema));
            set_at(spec, field_schema, slot, rest, value);
        }
        Step::Item => {
            let items = &schema["items"];
            let array = body.as_array_mut().unwrap();
            if array.is_empty() {
                array.push(minimal(spec, items));
            }
            set_at(spec, items, &mut array[0], rest, value);
        }
    }
}
