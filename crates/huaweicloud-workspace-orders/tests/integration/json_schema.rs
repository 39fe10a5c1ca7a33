//! The JSON Schema that the generated request types emit (`schemars`) says
//! what the spec says: the same members, required members, types, enums and
//! limits, all the way down. Users can hand that schema to other tools and
//! trust it.

use crate::spec_walk;

use huaweicloud_workspace_orders::types;
use serde_json::{Map, Value, json};
use workspace_orders_openapi::reference::{self, MAX_DEPTH};

/// Resolves `$ref`s against `root` (the document they are in) and reduces a
/// schema to what both sides must agree on.
fn canonical(schema: &Value, root: &Value, depth: usize) -> Value {
    assert!(
        depth < MAX_DEPTH,
        "schema nesting too deep: a reference cycle?"
    );
    if schema.get("$ref").is_some() {
        let target = reference::resolve(root, schema, "").unwrap_or_else(|e| panic!("{e}"));
        return canonical(target, root, depth + 1);
    }
    // `Option<T>` in schemars: `anyOf: [T, null]` or `type: [t, "null"]`.
    for keyword in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = schema.get(keyword).and_then(Value::as_array) {
            let rest: Vec<&Value> = list
                .iter()
                .filter(|s| s.get("type") != Some(&json!("null")))
                .collect();
            assert_eq!(rest.len(), 1, "unexpected {keyword} in {schema}");
            return canonical(rest[0], root, depth + 1);
        }
    }
    let kind = match &schema["type"] {
        Value::String(t) => t.clone(),
        Value::Array(types) => {
            let types: Vec<&Value> = types.iter().filter(|t| *t != "null").collect();
            assert_eq!(types.len(), 1, "unexpected type list in {schema}");
            types[0].as_str().unwrap().to_string()
        }
        _ if schema.get("enum").is_some() => "string".to_string(),
        other => panic!("no type in {schema} ({other})"),
    };
    let mut out = Map::new();
    out.insert("type".into(), json!(kind));
    let number = |v: &Value| v.as_f64().map(|f| json!(f as i64));
    for keyword in ["minimum", "maximum", "multipleOf"] {
        if let Some(v) = schema.get(keyword).and_then(number) {
            out.insert(keyword.into(), v);
        }
    }
    for keyword in [
        "minLength",
        "maxLength",
        "pattern",
        "minItems",
        "maxItems",
        "enum",
    ] {
        if let Some(v) = schema.get(keyword) {
            out.insert(keyword.into(), v.clone());
        }
    }
    if let Some(items) = schema.get("items") {
        out.insert("items".into(), canonical(items, root, depth + 1));
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let members: Map<String, Value> = properties
            .iter()
            .map(|(k, v)| (k.clone(), canonical(v, root, depth + 1)))
            .collect();
        out.insert("properties".into(), Value::Object(members));
        let mut required: Vec<String> = schema["required"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|v| v.as_str().unwrap().to_string())
            .collect();
        required.sort();
        out.insert("required".into(), json!(required));
        out.insert(
            "closed".into(),
            json!(schema.get("additionalProperties") == Some(&json!(false))),
        );
    }
    Value::Object(out)
}

/// Every difference, with its path.
fn differences(spec: &Value, rust: &Value, path: &str, out: &mut Vec<String>) {
    match (spec, rust) {
        (Value::Object(a), Value::Object(b)) => {
            for key in a.keys().chain(b.keys().filter(|k| !a.contains_key(*k))) {
                let here = format!("{path}/{key}");
                match (a.get(key), b.get(key)) {
                    (Some(x), Some(y)) => differences(x, y, &here, out),
                    (Some(x), None) => {
                        out.push(format!("{here}: spec has {x}, Rust type has nothing"))
                    }
                    (None, Some(y)) => {
                        out.push(format!("{here}: Rust type has {y}, spec has nothing"))
                    }
                    (None, None) => {}
                }
            }
        }
        _ if spec != rust => out.push(format!("{path}: spec {spec} ≠ Rust type {rust}")),
        _ => {}
    }
}

fn emitted<T: schemars::JsonSchema>() -> Value {
    serde_json::to_value(schemars::schema_for!(T)).unwrap()
}

#[test]
fn each_request_body_schema_agrees_with_the_spec() {
    let spec = spec_walk::spec();
    for op in spec_walk::operations(&spec) {
        let root = match op.body_schema.as_str() {
            "AppOrderRequest" => emitted::<types::AppOrderRequest>(),
            "PeriodicOrderRequest" => emitted::<types::PeriodicOrderRequest>(),
            "DesktopOrderRequest" => emitted::<types::DesktopOrderRequest>(),
            other => panic!("no generated body type mapped for request schema {other}"),
        };
        let from_spec = canonical(&spec["components"]["schemas"][&op.body_schema], &spec, 0);
        let from_rust = canonical(&root, &root, 0);
        let mut found = Vec::new();
        differences(&from_spec, &from_rust, &op.body_schema, &mut found);
        assert!(
            found.is_empty(),
            "{}: emitted schema differs from the spec:\n{}",
            op.operation_id,
            found.join("\n")
        );
    }
}
