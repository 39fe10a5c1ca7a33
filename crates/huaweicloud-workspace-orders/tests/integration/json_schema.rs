//! The JSON Schema that the generated request types emit (`schemars`) says
//! what the spec says: the same members, required members, types, enums and
//! limits, all the way down. Users can hand that schema to other tools and
//! trust it.

use crate::spec_walk;

use huaweicloud_workspace_orders::types;
use serde_json::{Map, Value, json};

/// Resolves `$ref`s against `definitions` and reduces a schema to what both
/// sides must agree on.
fn canonical(
    schema: &Value,
    definitions: &Map<String, Value>,
    prefix: &str,
    depth: usize,
) -> Value {
    assert!(depth < 32, "schema nesting too deep: a reference cycle?");
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        let name = reference
            .strip_prefix(prefix)
            .unwrap_or_else(|| panic!("foreign $ref {reference}"));
        return canonical(&definitions[name], definitions, prefix, depth + 1);
    }
    // `Option<T>` in schemars: `anyOf: [T, null]` or `type: [t, "null"]`.
    for keyword in ["anyOf", "oneOf", "allOf"] {
        if let Some(list) = schema.get(keyword).and_then(Value::as_array) {
            let rest: Vec<&Value> = list
                .iter()
                .filter(|s| s.get("type") != Some(&json!("null")))
                .collect();
            assert_eq!(rest.len(), 1, "unexpected {keyword} in {schema}");
            return canonical(rest[0], definitions, prefix, depth + 1);
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
        out.insert(
            "items".into(),
            canonical(items, definitions, prefix, depth + 1),
        );
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        let members: Map<String, Value> = properties
            .iter()
            .map(|(k, v)| (k.clone(), canonical(v, definitions, prefix, depth + 1)))
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

fn emitted<T: schemars::JsonSchema>() -> (Value, Map<String, Value>) {
    let root = serde_json::to_value(schemars::schema_for!(T)).unwrap();
    let definitions = root["definitions"].as_object().cloned().unwrap_or_default();
    (root, definitions)
}

#[test]
fn each_request_body_schema_agrees_with_the_spec() {
    let spec = spec_walk::spec();
    let components = spec["components"]["schemas"].as_object().unwrap().clone();
    for op in spec_walk::operations(&spec) {
        let (root, definitions) = match op.body_schema.as_str() {
            "AppOrderRequest" => emitted::<types::AppOrderRequest>(),
            "PeriodicOrderRequest" => emitted::<types::PeriodicOrderRequest>(),
            "DesktopOrderRequest" => emitted::<types::DesktopOrderRequest>(),
            other => panic!("no generated body type mapped for request schema {other}"),
        };
        let from_spec = canonical(
            &components[&op.body_schema],
            &components,
            "#/components/schemas/",
            0,
        );
        let from_rust = canonical(&root, &definitions, "#/definitions/", 0);
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
