//! Rules between fields (`x-rules`) as a table the client checks before sending.
//!
//! The pages state some rules only in sentences: two members that cannot be used
//! together, a member that is mandatory when another is empty, a length that depends
//! on another member. The spec states each once, in `x-rules` on the component schema
//! it belongs to (format: `openapi/README.md`, "Rules between fields"). This module
//! checks the extension's shape, finds every place of every operation's request body
//! where a schema with rules is used, and emits both as constant tables (module
//! `body_rules` at the end of `generated.rs`), which the client's hand-written
//! interpreter (`src/rules.rs`) evaluates for whatever body it sends. Nothing is
//! written per rule by hand.

use std::collections::BTreeSet;

use heck::ToShoutySnakeCase;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use serde_json::{Map, Value};

use workspace_orders_openapi::operations::{json_media, operations as operations_of};
use workspace_orders_openapi::pointer::escape as pointer_token;
use workspace_orders_openapi::reference;

use crate::naming::progenitor_method_name;

const EXTENSION: &str = "x-rules";
const RULE_KEYS: &[&str] = &[
    "id",
    "kind",
    "members",
    "max_length",
    "when",
    "message",
    "source",
];

/// One rule of one schema, checked.
#[derive(Debug, Clone)]
pub struct Rule {
    pub id: String,
    pub kind: Kind,
    pub members: Vec<String>,
    pub when: Option<Condition>,
    pub message: String,
    pub sources: Vec<String>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Kind {
    Exclusive,
    Together,
    Required,
    MaxLength(u64),
}

#[derive(Debug, Clone)]
pub struct Condition {
    pub member: String,
    pub test: Test,
}

#[derive(Debug, Clone)]
pub enum Test {
    Equals(Literal),
    NotEquals(Literal),
    GreaterThan(i64),
    Set(bool),
}

#[derive(Debug, Clone)]
pub enum Literal {
    Str(String),
    Int(i64),
    Bool(bool),
}

/// The rules of one component schema.
#[derive(Debug)]
pub struct SchemaRules {
    pub schema: String,
    pub rules: Vec<Rule>,
}

/// Where, in one operation's request body, a schema with rules is used.
#[derive(Debug)]
pub struct OperationRules {
    pub operation_id: String,
    pub locations: Vec<(Vec<Step>, String)>,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Step {
    Member(String),
    Items,
}

/// Every `x-rules` of the document, checked; problems name their JSON pointer.
pub fn collect(json: &Value) -> Result<Vec<SchemaRules>, Vec<(String, String)>> {
    let mut problems = Vec::new();
    let mut found = Vec::new();
    find_misplaced(json, String::new(), &mut problems);
    if let Some(schemas) = json
        .pointer("/components/schemas")
        .and_then(Value::as_object)
    {
        for (name, schema) in schemas {
            let Some(rules) = schema.get(EXTENSION) else {
                continue;
            };
            let at = format!("/components/schemas/{}/{EXTENSION}", pointer_token(name));
            let properties = schema
                .get("properties")
                .and_then(Value::as_object)
                .cloned()
                .unwrap_or_default();
            if properties.is_empty() {
                problems.push((at, "only an object schema with properties has rules".into()));
                continue;
            }
            let Some(list) = rules.as_array().filter(|list| !list.is_empty()) else {
                problems.push((at, "must be a non-empty list of rules".into()));
                continue;
            };
            let mut ids = BTreeSet::new();
            let mut parsed = Vec::new();
            for (index, rule) in list.iter().enumerate() {
                let here = format!("{at}/{index}");
                match parse_rule(rule, &properties) {
                    Ok(rule) if !ids.insert(rule.id.clone()) => {
                        problems.push((here, format!("id `{}` is used twice", rule.id)));
                    }
                    Ok(rule) => parsed.push(rule),
                    Err(message) => problems.push((here, message)),
                }
            }
            found.push(SchemaRules {
                schema: name.clone(),
                rules: parsed,
            });
        }
    }
    if problems.is_empty() {
        Ok(found)
    } else {
        Err(problems)
    }
}

/// `x-rules` anywhere but directly on a component schema would be ignored: refuse it.
fn find_misplaced(value: &Value, pointer: String, problems: &mut Vec<(String, String)>) {
    let is_component = pointer
        .strip_prefix("/components/schemas/")
        .is_some_and(|rest| !rest.contains('/'));
    match value {
        Value::Object(map) => {
            for (key, child) in map {
                if key == EXTENSION && !is_component {
                    problems.push((
                        format!("{pointer}/{EXTENSION}"),
                        "x-rules is allowed on component schemas only".into(),
                    ));
                }
                if key != EXTENSION {
                    find_misplaced(child, format!("{pointer}/{}", pointer_token(key)), problems);
                }
            }
        }
        Value::Array(items) => {
            for (index, child) in items.iter().enumerate() {
                find_misplaced(child, format!("{pointer}/{index}"), problems);
            }
        }
        _ => {}
    }
}

fn parse_rule(rule: &Value, properties: &Map<String, Value>) -> Result<Rule, String> {
    let rule = rule.as_object().ok_or("a rule must be an object")?;
    if let Some(unknown) = rule.keys().find(|key| !RULE_KEYS.contains(&key.as_str())) {
        return Err(format!(
            "unknown key `{unknown}` (known: {})",
            RULE_KEYS.join(", ")
        ));
    }
    let text = |key: &str| -> Result<String, String> {
        rule.get(key)
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
            .map(str::to_owned)
            .ok_or_else(|| format!("`{key}` must be a non-empty string"))
    };
    let id = text("id")?;
    if !id
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
    {
        return Err(format!("id `{id}` must be kebab-case (a-z, 0-9, -)"));
    }
    let message = text("message")?;
    let members: Vec<String> = rule
        .get("members")
        .and_then(Value::as_array)
        .and_then(|list| {
            list.iter()
                .map(|m| m.as_str().map(str::to_owned))
                .collect::<Option<Vec<_>>>()
        })
        .filter(|list| !list.is_empty())
        .ok_or("`members` must be a non-empty list of member names")?;
    for member in &members {
        if !properties.contains_key(member) {
            return Err(format!("member `{member}` is not a property of the schema"));
        }
    }
    let sources: Vec<String> = rule
        .get("source")
        .and_then(Value::as_array)
        .filter(|list| !list.is_empty())
        .ok_or("`source` must be a non-empty list of the sentences the rule comes from")?
        .iter()
        .enumerate()
        .map(|(index, source)| {
            parse_source(source).map_err(|message| format!("source {index}: {message}"))
        })
        .collect::<Result<_, _>>()?;
    let when = rule
        .get("when")
        .map(|when| parse_condition(when, properties))
        .transpose()?;
    let kind_name = text("kind")?;
    let kind = match kind_name.as_str() {
        "exclusive" => Kind::Exclusive,
        "together" => Kind::Together,
        "required" => Kind::Required,
        "max-length" => Kind::MaxLength(
            rule.get("max_length")
                .and_then(Value::as_u64)
                .filter(|n| *n > 0)
                .ok_or("a max-length rule needs `max_length`, a positive integer")?,
        ),
        other => {
            return Err(format!(
                "unknown kind `{other}` (known: exclusive, together, required, max-length)"
            ));
        }
    };
    if !matches!(kind, Kind::MaxLength(_)) && rule.contains_key("max_length") {
        return Err("`max_length` belongs to max-length rules only".into());
    }
    match kind {
        Kind::Exclusive | Kind::Together if members.len() < 2 => {
            return Err(format!("a {kind_name} rule relates at least two members"));
        }
        Kind::Exclusive | Kind::Together if when.is_some() => {
            return Err(format!("a {kind_name} rule has no `when`"));
        }
        Kind::Required if when.is_none() => {
            return Err(
                "a required rule needs `when` (otherwise use the schema's `required`)".into(),
            );
        }
        Kind::MaxLength(_) => {
            if when.is_none() {
                return Err("a max-length rule needs `when` (otherwise use `maxLength`)".into());
            }
            for member in &members {
                if properties[member].get("type").and_then(Value::as_str) != Some("string") {
                    return Err(format!("max-length member `{member}` is not a string"));
                }
            }
        }
        _ => {}
    }
    Ok(Rule {
        id,
        kind,
        members,
        when,
        message,
        sources,
    })
}

/// A source as one line: `page 002 Table 5 CreateDesktopReq, size: "…"` or
/// `huaweicloudsdkworkspace 3.1.219 CreateDesktopReq.size: "…"`.
fn parse_source(source: &Value) -> Result<String, String> {
    let source = source.as_object().ok_or("a source must be an object")?;
    let text = |key: &str| {
        source
            .get(key)
            .and_then(Value::as_str)
            .filter(|text| !text.trim().is_empty())
            .ok_or_else(|| format!("needs `{key}`, a non-empty string"))
    };
    let keys: BTreeSet<&str> = source.keys().map(String::as_str).collect();
    if keys.contains("page") {
        if keys != BTreeSet::from(["page", "table", "field", "text"]) {
            return Err("a page source has exactly page, table, field and text".into());
        }
        let page = text("page")?;
        if page.len() != 3 || !page.bytes().all(|b| b.is_ascii_digit()) {
            return Err(format!("page `{page}` is not a three-digit page id"));
        }
        Ok(format!(
            "page {page} {}, {}: {:?}",
            text("table")?,
            text("field")?,
            text("text")?
        ))
    } else if keys.contains("sdk") {
        if keys != BTreeSet::from(["sdk", "model", "text"]) {
            return Err("an SDK source has exactly sdk, model and text".into());
        }
        Ok(format!(
            "{} {}: {:?}",
            text("sdk")?,
            text("model")?,
            text("text")?
        ))
    } else {
        Err(
            "a source is a page (page, table, field, text) or an SDK model (sdk, model, text)"
                .into(),
        )
    }
}

fn parse_condition(when: &Value, properties: &Map<String, Value>) -> Result<Condition, String> {
    let when = when.as_object().ok_or("`when` must be an object")?;
    let member = when
        .get("member")
        .and_then(Value::as_str)
        .ok_or("`when` needs `member`")?;
    if !properties.contains_key(member) {
        return Err(format!(
            "`when` member `{member}` is not a property of the schema"
        ));
    }
    let tests: Vec<(&String, &Value)> = when.iter().filter(|(key, _)| *key != "member").collect();
    let [(key, value)] = tests.as_slice() else {
        return Err(
            "`when` needs exactly one test: equals, not_equals, greater_than or set".into(),
        );
    };
    let literal = || -> Result<Literal, String> {
        match value {
            Value::String(text) => Ok(Literal::Str(text.clone())),
            Value::Bool(flag) => Ok(Literal::Bool(*flag)),
            Value::Number(n) => n
                .as_i64()
                .map(Literal::Int)
                .ok_or_else(|| format!("`{key}` must be a string, an integer or a boolean")),
            _ => Err(format!("`{key}` must be a string, an integer or a boolean")),
        }
    };
    let test = match key.as_str() {
        "equals" => Test::Equals(literal()?),
        "not_equals" => Test::NotEquals(literal()?),
        "greater_than" => {
            Test::GreaterThan(value.as_i64().ok_or("`greater_than` must be an integer")?)
        }
        "set" => Test::Set(value.as_bool().ok_or("`set` must be true or false")?),
        other => {
            return Err(format!(
                "unknown test `{other}` (known: equals, not_equals, greater_than, set)"
            ));
        }
    };
    Ok(Condition {
        member: member.to_owned(),
        test,
    })
}

/// For each operation with a JSON request body, every place a schema with rules is
/// used in it (following `$ref`, `properties` and `items`).
pub fn locate(json: &Value, rules: &[SchemaRules]) -> Vec<OperationRules> {
    let with_rules: BTreeSet<&str> = rules.iter().map(|r| r.schema.as_str()).collect();
    let mut operations = Vec::new();
    // A document without readable paths has no operations to check (spec.rs reports it).
    for found in operations_of(json).unwrap_or_default() {
        let schema = found
            .operation
            .get("requestBody")
            .and_then(|body| body.get("content"))
            .and_then(json_media)
            .and_then(|(_, media)| media.get("schema"));
        let (Some(id), Some(schema)) = (found.id(), schema) else {
            continue;
        };
        let mut locations = Vec::new();
        walk(
            json,
            schema,
            &mut Vec::new(),
            &mut Vec::new(),
            &with_rules,
            &mut locations,
        );
        operations.push(OperationRules {
            operation_id: id.to_owned(),
            locations,
        });
    }
    operations
}

fn walk(
    document: &Value,
    schema: &Value,
    path: &mut Vec<Step>,
    visiting: &mut Vec<String>,
    with_rules: &BTreeSet<&str>,
    out: &mut Vec<(Vec<Step>, String)>,
) {
    if let Some((name, reference)) = schema
        .get("$ref")
        .and_then(Value::as_str)
        .and_then(|r| Some((reference::schema_name(r)?, r)))
    {
        if visiting.iter().any(|v| v == name) {
            return;
        }
        // A dangling $ref is spec.rs's to report, with its place.
        let Ok(target) = reference::target(document, reference, "") else {
            return;
        };
        if with_rules.contains(name) {
            out.push((path.clone(), name.to_owned()));
        }
        visiting.push(name.to_owned());
        walk(document, target, path, visiting, with_rules, out);
        visiting.pop();
        return;
    }
    if let Some(properties) = schema.get("properties").and_then(Value::as_object) {
        for (member, child) in properties {
            path.push(Step::Member(member.clone()));
            walk(document, child, path, visiting, with_rules, out);
            path.pop();
        }
    }
    if let Some(items) = schema.get("items") {
        path.push(Step::Items);
        walk(document, items, path, visiting, with_rules, out);
        path.pop();
    }
}

/// The `body_rules` module's source, formatted, from the document's `x-rules`.
pub fn render(json: &Value) -> Result<String, Vec<(String, String)>> {
    let rules = collect(json)?;
    let operations = locate(json, &rules);
    let file: syn::File = syn::parse2(emit(&rules, &operations))
        .map_err(|error| {
            (
                String::from("x-rules"),
                format!("emitted code does not parse: {error}"),
            )
        })
        .map_err(|problem| vec![problem])?;
    Ok(prettyplease::unparse(&file))
}

/// Writes the rules into the descriptions, for the rendered API reference (`cargo
/// xtask docs`): each schema's description lists its rules with their sources, and
/// each operation's description lists the rules of its body with their places, so
/// that a reader sees them without expanding nested schemas.
pub fn describe(json: &mut Value) -> Result<(), Vec<(String, String)>> {
    let rules = collect(json)?;
    let operations = locate(json, &rules);
    for schema in &rules {
        let lines: Vec<String> = schema
            .rules
            .iter()
            .map(|rule| {
                format!(
                    "- `{}`: {}. Sources: {}.",
                    rule.id,
                    rule.message,
                    rule.sources.join("; ")
                )
            })
            .collect();
        let pointer = format!("/components/schemas/{}", pointer_token(&schema.schema));
        if let Some(target) = json.pointer_mut(&pointer) {
            append_description(target, &lines);
        }
    }
    let by_name: std::collections::BTreeMap<&str, &SchemaRules> =
        rules.iter().map(|r| (r.schema.as_str(), r)).collect();
    let Some(paths) = json.get_mut("paths").and_then(Value::as_object_mut) else {
        return Ok(());
    };
    for item in paths.values_mut().filter_map(Value::as_object_mut) {
        for operation in item.values_mut() {
            let Some(id) = operation.get("operationId").and_then(Value::as_str) else {
                continue;
            };
            let Some(found) = operations.iter().find(|o| o.operation_id == id) else {
                continue;
            };
            let mut lines = Vec::new();
            for (path, schema) in &found.locations {
                let place = path_text(path);
                for rule in by_name.get(schema.as_str()).map_or(&[][..], |s| &s.rules) {
                    lines.push(format!(
                        "- `{place}` ({schema}), `{}`: {}.",
                        rule.id, rule.message
                    ));
                }
            }
            if !lines.is_empty() {
                append_description(operation, &lines);
            }
        }
    }
    Ok(())
}

fn append_description(target: &mut Value, lines: &[String]) {
    let Some(object) = target.as_object_mut() else {
        return;
    };
    let existing = object
        .get("description")
        .and_then(Value::as_str)
        .unwrap_or_default()
        .trim_end()
        .to_owned();
    let heading = "**Rules between fields** (`x-rules`; the client checks them before sending):";
    let text = format!("{existing}\n\n{heading}\n\n{}\n", lines.join("\n"));
    object.insert(
        "description".into(),
        Value::String(text.trim_start().to_owned()),
    );
}

/// `resources[].create_desktops`, the way the docs name a place in a body.
fn path_text(path: &[Step]) -> String {
    let mut text = String::new();
    for step in path {
        match step {
            Step::Member(name) => {
                if !text.is_empty() {
                    text.push('.');
                }
                text.push_str(name);
            }
            Step::Items => text.push_str("[]"),
        }
    }
    if text.is_empty() {
        "(body)".into()
    } else {
        text
    }
}

/// The `body_rules` module appended to `generated.rs`.
pub fn emit(rules: &[SchemaRules], operations: &[OperationRules]) -> TokenStream {
    let const_name = |schema: &str| format_ident!("{}", schema.to_shouty_snake_case());
    let schema_tables = rules.iter().map(|schema| {
        let name = const_name(&schema.schema);
        let doc = format!("The `x-rules` of `{}`.", schema.schema);
        let items = schema.rules.iter().map(emit_rule);
        quote! {
            #[doc = #doc]
            pub const #name: &[Rule] = &[#(#items),*];
        }
    });
    let operation_tables = operations.iter().map(|operation| {
        let id = &operation.operation_id;
        let method = progenitor_method_name(id);
        let locations = operation.locations.iter().map(|(path, schema)| {
            let steps = path.iter().map(|step| match step {
                Step::Member(name) => quote!(Step::Member(#name)),
                Step::Items => quote!(Step::Items),
            });
            let table = const_name(schema);
            quote! {
                Location { path: &[#(#steps),*], schema: #schema, rules: #table }
            }
        });
        quote! {
            OperationRules {
                operation_id: #id,
                method_name: #method,
                locations: &[#(#locations),*],
            }
        }
    });
    quote! {
        /// The spec's `x-rules` (rules between fields the pages state in words), and
        /// where each operation's request body uses them; checked by
        /// [`crate::rules`] before a request is sent.
        pub mod body_rules {
            use crate::rules::{Condition, Literal, Location, OperationRules, Rule, RuleKind, Step, Test};

            #(#schema_tables)*

            /// Every operation with a JSON request body and the places rules apply in it.
            pub const OPERATIONS: &[OperationRules] = &[#(#operation_tables),*];
        }
    }
}

fn emit_rule(rule: &Rule) -> TokenStream {
    let Rule {
        id,
        members,
        message,
        sources,
        ..
    } = rule;
    let kind = match rule.kind {
        Kind::Exclusive => quote!(RuleKind::Exclusive),
        Kind::Together => quote!(RuleKind::Together),
        Kind::Required => quote!(RuleKind::Required),
        Kind::MaxLength(n) => {
            let n = usize::try_from(n).unwrap_or(usize::MAX);
            quote!(RuleKind::MaxLength(#n))
        }
    };
    let when = match &rule.when {
        None => quote!(None),
        Some(Condition { member, test }) => {
            let literal = |literal: &Literal| match literal {
                Literal::Str(text) => quote!(Literal::Str(#text)),
                Literal::Int(n) => quote!(Literal::Int(#n)),
                Literal::Bool(flag) => quote!(Literal::Bool(#flag)),
            };
            let test = match test {
                Test::Equals(value) => {
                    let value = literal(value);
                    quote!(Test::Equals(#value))
                }
                Test::NotEquals(value) => {
                    let value = literal(value);
                    quote!(Test::NotEquals(#value))
                }
                Test::GreaterThan(n) => quote!(Test::GreaterThan(#n)),
                Test::Set(flag) => quote!(Test::Set(#flag)),
            };
            quote!(Some(Condition { member: #member, test: #test }))
        }
    };
    quote! {
        Rule {
            id: #id,
            kind: #kind,
            members: &[#(#members),*],
            when: #when,
            message: #message,
            sources: &[#(#sources),*],
        }
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;

    fn document(rules: Value) -> Value {
        json!({
            "paths": {"/x": {"post": {"operationId": "createThing", "requestBody": {"content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/Root"}}}}}}},
            "components": {"schemas": {
                "Root": {"type": "object", "properties": {
                    "items": {"type": "array", "items": {"$ref": "#/components/schemas/Thing"}}}},
                "Thing": {"type": "object", "x-rules": rules, "properties": {
                    "a": {"type": "string"}, "b": {"type": "integer"}}}
            }}
        })
    }

    fn rule(extra: Value) -> Value {
        let mut rule = json!({"id": "a-b", "kind": "exclusive", "members": ["a", "b"],
            "message": "a and b cannot be used together",
            "source": [{"page": "001", "table": "Table 1 Thing", "field": "a", "text": "Not with b."}]});
        if let (Some(rule), Some(extra)) = (rule.as_object_mut(), extra.as_object()) {
            rule.extend(extra.clone());
        }
        rule
    }

    #[test]
    fn rules_are_located_through_refs_and_items() {
        let doc = document(json!([rule(json!({}))]));
        let rules = collect(&doc).unwrap();
        assert_eq!(rules[0].schema, "Thing");
        let operations = locate(&doc, &rules);
        assert_eq!(operations[0].operation_id, "createThing");
        assert_eq!(
            operations[0].locations,
            vec![(
                vec![Step::Member("items".into()), Step::Items],
                "Thing".to_owned()
            )]
        );
    }

    #[test]
    fn the_docs_copy_lists_the_rules_on_the_schema_and_the_operation() {
        let mut doc = document(json!([rule(json!({}))]));
        describe(&mut doc).unwrap();
        let schema = doc["components"]["schemas"]["Thing"]["description"]
            .as_str()
            .unwrap();
        assert!(
            schema.contains("- `a-b`: a and b cannot be used together. Sources: page 001"),
            "{schema}"
        );
        let operation = doc["paths"]["/x"]["post"]["description"].as_str().unwrap();
        assert!(
            operation.contains("- `items[]` (Thing), `a-b`: a and b cannot be used together."),
            "{operation}"
        );
    }

    #[test]
    fn malformed_rules_are_refused_with_their_place() {
        let cases = [
            (
                rule(json!({"members": ["a", "c"]})),
                "member `c` is not a property",
            ),
            (
                rule(json!({"kind": "sometimes"})),
                "unknown kind `sometimes`",
            ),
            (rule(json!({"members": ["a"]})), "at least two members"),
            (
                rule(json!({"kind": "required", "members": ["a"]})),
                "needs `when`",
            ),
            (
                rule(
                    json!({"kind": "max-length", "members": ["b"], "max_length": 3,
                    "when": {"member": "a", "set": true}}),
                ),
                "`b` is not a string",
            ),
            (
                rule(json!({"kind": "required", "members": ["a"],
                    "when": {"member": "b", "greater_than": 1, "set": true}})),
                "exactly one test",
            ),
            (rule(json!({"source": []})), "`source` must be"),
            (rule(json!({"note": "x"})), "unknown key `note`"),
            (
                rule(json!({"source": [{"page": "1", "table": "T", "field": "a", "text": "x"}]})),
                "three-digit page id",
            ),
            (
                rule(json!({"source": [{"sdk": "s", "text": "x"}]})),
                "exactly sdk, model and text",
            ),
        ];
        for (bad, expected) in cases {
            let problems = collect(&document(json!([bad]))).unwrap_err();
            assert_eq!(problems.len(), 1, "{problems:?}");
            assert_eq!(problems[0].0, "/components/schemas/Thing/x-rules/0");
            assert!(
                problems[0].1.contains(expected),
                "{problems:?} lacks {expected}"
            );
        }
    }

    #[test]
    fn rules_outside_component_schemas_are_refused() {
        let mut doc = document(json!([rule(json!({}))]));
        doc["components"]["schemas"]["Root"]["properties"]["items"]["x-rules"] = json!([]);
        let problems = collect(&doc).unwrap_err();
        assert_eq!(
            problems[0].0,
            "/components/schemas/Root/properties/items/x-rules"
        );
    }
}
