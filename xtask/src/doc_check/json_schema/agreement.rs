//! doc-check's validator and the mock's request validation give the same verdict on
//! every example of the spec (request and response bodies) and on a corpus of
//! boundary instances made from them: every bounded or formatted number at min-1,
//! min, max, max+1 and the int32/int64 edges; integers written with a fraction
//! (`5.0`); strings and arrays at their length
//! limits and one past them; `null` for every value; values under
//! `patternProperties` at any depth. A fixture document covers what the spec does
//! not use yet (`nullable`, nested `patternProperties`, `int64`, exclusive bounds).
//!
//! The mock also checks the spec's rules between fields (`x-rules`), a keyword of its
//! own that doc-check does not evaluate (it holds the rules against the pages'
//! words instead). An instance whose change breaks a rule must be refused by the
//! mock, naming the rule, and is not compared.

use std::path::Path;

use serde_json::{Map, Value, json};
use workspace_orders_mock::{rules, schema, spec as mock_spec};
use workspace_orders_openapi::operations::{json_media, operations};
use workspace_orders_openapi::pointer;
use workspace_orders_openapi::reference;

use super::RequestValidator;

/// One instance to judge, and where it comes from.
struct Case {
    /// `operationId request|response <status>: <example>`.
    origin: String,
    /// JSON pointer of the changed value (`""` for an unchanged example).
    at: String,
    /// What was changed (`example` for an unchanged one).
    what: String,
    instance: Value,
    /// The `x-rules` rule the change breaks, if any.
    breaks: Option<String>,
}

/// The verdicts over a document's cases.
#[derive(Default)]
struct Tally {
    both_accept: usize,
    both_refuse: usize,
    rule_breaking: usize,
    disagreements: Vec<String>,
}

/// A way to judge a body: every failure, empty when accepted.
type Judge<'a> = dyn Fn(&Value) -> Vec<String> + 'a;

fn judge(tally: &mut Tally, cases: Vec<Case>, doc_check: &Judge<'_>, mock: &Judge<'_>) {
    for case in cases {
        let by_doc_check = doc_check(&case.instance);
        let by_mock = mock(&case.instance);
        if let Some(rule) = &case.breaks {
            tally.rule_breaking += 1;
            if !by_mock
                .iter()
                .any(|failure| failure.contains(rule.as_str()))
            {
                tally.disagreements.push(format!(
                    "{} at {:?} ({}): breaks {rule}, but the mock does not say so: {by_mock:?}",
                    case.origin, case.at, case.what
                ));
            }
            continue;
        }
        match (by_doc_check.is_empty(), by_mock.is_empty()) {
            (true, true) => tally.both_accept += 1,
            (false, false) => tally.both_refuse += 1,
            (doc_check_accepts, _) => tally.disagreements.push(format!(
                "{} at {:?} ({}): doc-check {}, the mock {}: {:?}",
                case.origin,
                case.at,
                case.what,
                if doc_check_accepts {
                    "accepts"
                } else {
                    "refuses"
                },
                if doc_check_accepts {
                    "refuses"
                } else {
                    "accepts"
                },
                if doc_check_accepts {
                    by_mock
                } else {
                    by_doc_check
                },
            )),
        }
    }
}

/// Judges every example of the document at `text`, and the corpus made from them.
fn agreement(text: &str) -> Tally {
    let document: Value = serde_yaml_ng::from_str(text).unwrap();
    let mock = mock_spec::Spec::from_yaml(text).unwrap();
    let definitions = schema::definitions(&document).unwrap();
    let mut tally = Tally::default();
    for found in operations(&document).unwrap() {
        let id = found.id().unwrap();
        let at = found.pointer();
        // The request body: through the mock's request validation of the operation.
        if let Some(body) = found.operation.get("requestBody") {
            let body = reference::resolve(&document, body, &at).unwrap();
            let (_, media) = json_media(&body["content"]).unwrap();
            let schema = &media["schema"];
            let operation = mock
                .operations()
                .iter()
                .find(|operation| operation.id == id)
                .unwrap();
            let request_body = operation.request_body.as_ref().unwrap();
            let doc_check = RequestValidator::new(&document, schema).unwrap();
            let cases = cases(&document, &format!("{id} request"), media, schema);
            judge(
                &mut tally,
                cases,
                &|instance: &Value| doc_check.errors(instance),
                &|instance: &Value| {
                    request_body
                        .failures(instance)
                        .iter()
                        .map(ToString::to_string)
                        .collect()
                },
            );
        }
        // The response bodies: through the mock's schema validator.
        for (status, response) in found.operation["responses"].as_object().unwrap() {
            let response = reference::resolve(&document, response, &at).unwrap();
            let Some((_, media)) = response.get("content").and_then(json_media) else {
                continue;
            };
            let schema = &media["schema"];
            let doc_check = RequestValidator::new(&document, schema).unwrap();
            let mock_validator = schema::Validator::new(schema, &at, &definitions).unwrap();
            let cases = cases(&document, &format!("{id} response {status}"), media, schema);
            judge(
                &mut tally,
                cases,
                &|instance: &Value| doc_check.errors(instance),
                &|instance: &Value| {
                    mock_validator
                        .failures(instance)
                        .iter()
                        .map(ToString::to_string)
                        .collect()
                },
            );
        }
    }
    tally
}

/// The examples of a media type object, and the boundary instances made from each.
fn cases(document: &Value, origin: &str, media: &Value, schema: &Value) -> Vec<Case> {
    let mut examples: Vec<(String, Value)> = Vec::new();
    if let Some(example) = media.get("example") {
        examples.push(("example".into(), example.clone()));
    }
    for (name, example) in media
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let example = reference::resolve(document, example, origin).unwrap();
        examples.push((name.clone(), example["value"].clone()));
    }
    let mut cases = Vec::new();
    for (name, example) in examples {
        let origin = format!("{origin}: {name}");
        let mut corpus = Corpus {
            document,
            example: &example,
            changes: Vec::new(),
        };
        corpus.walk(schema, &example, "", None);
        cases.push(Case {
            origin: origin.clone(),
            at: String::new(),
            what: "example".into(),
            instance: example.clone(),
            breaks: None,
        });
        for change in corpus.changes {
            cases.push(Case {
                origin: origin.clone(),
                ..change
            });
        }
    }
    cases
}

/// The object holding a value, for the rules between its members.
struct Owner<'a> {
    object: &'a Map<String, Value>,
    schema: &'a Value,
    member: &'a str,
}

/// The boundary instances made from one example.
struct Corpus<'a> {
    document: &'a Value,
    example: &'a Value,
    changes: Vec<Case>,
}

impl<'a> Corpus<'a> {
    fn walk(&mut self, schema: &'a Value, value: &'a Value, at: &str, owner: Option<Owner<'a>>) {
        let schema = reference::resolve(self.document, schema, at).unwrap();
        for (what, replacement) in boundary_values(schema, value) {
            let breaks = owner
                .as_ref()
                .and_then(|owner| broken_rule(owner, &replacement));
            let mut instance = self.example.clone();
            *instance.pointer_mut(at).unwrap() = replacement;
            self.changes.push(Case {
                origin: String::new(),
                at: at.to_owned(),
                what,
                instance,
                breaks,
            });
        }
        for member in schema["allOf"].as_array().into_iter().flatten() {
            self.walk(member, value, at, None);
        }
        match value {
            Value::Object(object) => {
                for (name, member) in object {
                    if let Some(member_schema) = member_schema(schema, name) {
                        let owner = Owner {
                            object,
                            schema,
                            member: name,
                        };
                        self.walk(
                            member_schema,
                            member,
                            &pointer::child(at, name),
                            Some(owner),
                        );
                    }
                }
            }
            Value::Array(items) => {
                if let Some(items_schema) = schema.get("items") {
                    for (index, item) in items.iter().enumerate() {
                        self.walk(items_schema, item, &format!("{at}/{index}"), None);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The schema of member `name` of an object `schema` describes.
fn member_schema<'s>(schema: &'s Value, name: &str) -> Option<&'s Value> {
    if let Some(property) = schema.get("properties").and_then(|p| p.get(name)) {
        return Some(property);
    }
    let patterned = schema
        .get("patternProperties")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
        .find(|(pattern, _)| regress::Regex::new(pattern).unwrap().find(name).is_some());
    if let Some((_, member)) = patterned {
        return Some(member);
    }
    schema.get("additionalProperties").filter(|s| s.is_object())
}

/// The rule of the owner's schema that replacing its member with `replacement`
/// breaks (and the example did not).
fn broken_rule(owner: &Owner<'_>, replacement: &Value) -> Option<String> {
    let rules = rules::parse(owner.schema.get("x-rules")?).unwrap();
    let mut changed = owner.object.clone();
    changed.insert(owner.member.to_owned(), replacement.clone());
    rules
        .iter()
        .find(|rule| rules::breaks(rule, &changed) && !rules::breaks(rule, owner.object))
        .map(|rule| format!("breaks rule {}", rule.id()))
}

/// The values at and just past a schema's limits, each with what it is.
fn boundary_values(schema: &Value, value: &Value) -> Vec<(String, Value)> {
    let mut values = vec![("null".to_string(), Value::Null)];
    let number = |keyword: &str| schema.get(keyword).filter(|v| v.is_number());
    let kind = schema.get("type").and_then(Value::as_str);
    if matches!(kind, Some("integer" | "number")) {
        for (keyword, below, above) in [("minimum", true, false), ("maximum", false, true)] {
            if let Some(bound) = number(keyword) {
                let at = |offset: i64| match bound.as_i64() {
                    Some(n) => json!(n + offset),
                    None => json!(bound.as_f64().unwrap() + offset as f64),
                };
                values.push((format!("{keyword} {bound}"), at(0)));
                if below {
                    values.push((format!("{keyword} {bound} - 1"), at(-1)));
                }
                if above {
                    values.push((format!("{keyword} {bound} + 1"), at(1)));
                }
            }
        }
        let edges: Vec<Value> = match schema.get("format").and_then(Value::as_str) {
            Some("int32") => [
                i64::from(i32::MIN) - 1,
                i64::from(i32::MIN),
                i64::from(i32::MAX),
                i64::from(i32::MAX) + 1,
            ]
            .map(|n| json!(n))
            .to_vec(),
            Some("int64") => vec![
                // One below i64::MIN is not an i64: serde_json reads it as a float.
                serde_json::from_str("-9223372036854775809").unwrap(),
                json!(i64::MIN),
                json!(i64::MAX),
                json!(i64::MAX as u64 + 1),
            ],
            _ => Vec::new(),
        };
        for edge in edges {
            values.push((format!("format edge {edge}"), edge));
        }
    }
    if kind == Some("integer")
        && let Some(n) = value.as_i64()
    {
        let written: Value = serde_json::from_str(&format!("{n}.0")).unwrap();
        values.push((format!("{n} written {written}"), written));
    }
    let length = |keyword: &str| schema.get(keyword).and_then(Value::as_u64);
    let edges = |minimum: Option<u64>, maximum: Option<u64>| {
        let mut lengths = Vec::new();
        if let Some(min) = minimum {
            lengths.extend(min.checked_sub(1));
            lengths.push(min);
        }
        if let Some(max) = maximum {
            lengths.extend([max, max + 1]);
        }
        lengths
    };
    if let Some(text) = value.as_str() {
        let base: Vec<char> = if text.is_empty() {
            vec!['a']
        } else {
            text.chars().collect()
        };
        for len in edges(length("minLength"), length("maxLength")) {
            let made: String = base.iter().cycle().take(len as usize).collect();
            values.push((format!("length {len}"), json!(made)));
        }
    }
    if let Some(items) = value.as_array()
        && let Some(first) = items.first()
    {
        for len in edges(length("minItems"), length("maxItems")) {
            // Bounded: the spec's largest maxItems is in the hundreds at most.
            let len = len.min(10_000) as usize;
            let made: Vec<Value> = items
                .iter()
                .chain(std::iter::repeat(first))
                .take(len)
                .cloned()
                .collect();
            values.push((format!("{len} items"), Value::Array(made)));
        }
    }
    values
}

fn report(name: &str, tally: &Tally) {
    eprintln!(
        "{name}: {} accepted by both, {} refused by both, {} breaking an x-rule (mock only), {} disagreements",
        tally.both_accept,
        tally.both_refuse,
        tally.rule_breaking,
        tally.disagreements.len()
    );
    for disagreement in &tally.disagreements {
        eprintln!("  {disagreement}");
    }
}

#[test]
fn doc_check_and_the_mock_agree_on_every_spec_example_and_boundary() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../openapi/workspace-orders.yaml");
    let text = std::fs::read_to_string(&path).unwrap();
    let tally = agreement(&text);
    report("openapi/workspace-orders.yaml", &tally);
    assert!(
        tally.disagreements.is_empty(),
        "{} disagreements (listed above)",
        tally.disagreements.len()
    );
    assert!(
        tally.both_accept > 0 && tally.both_refuse > 0,
        "the corpus must hold instances both accept and both refuse"
    );
}

const FIXTURE: &str = r##"
openapi: 3.0.3
info: { title: agreement fixture, version: "1" }
paths:
  /v1/things:
    post:
      operationId: createThing
      requestBody:
        required: true
        content:
          application/json:
            schema: { $ref: "#/components/schemas/Thing" }
            examples:
              full:
                value:
                  count: 5
                  big: 7
                  ratio: 0.5
                  note: abc
                  tags: [ab, cd]
                  labels: { l_a: { v_x: 1, v_y: null } }
                  ids: [1]
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: { $ref: "#/components/schemas/Answer" }
              example: { id: 5 }
components:
  schemas:
    Thing:
      type: object
      additionalProperties: false
      required: [count]
      x-rules:
        - id: note-with-big
          kind: together
          members: [note, big]
          message: note and big must be set together
      properties:
        count: { type: integer, format: int32, minimum: 1, maximum: 10 }
        big: { type: integer, format: int64 }
        ratio: { type: number, minimum: 0, exclusiveMinimum: true, maximum: 1, exclusiveMaximum: false }
        note: { type: string, nullable: true, minLength: 2, maxLength: 4 }
        tags: { type: array, minItems: 1, maxItems: 3, items: { type: string, maxLength: 3 } }
        labels:
          type: object
          additionalProperties: false
          patternProperties:
            "^l_": { $ref: "#/components/schemas/Label" }
        ids: { type: array, maxItems: 2, items: { type: integer, format: int32 } }
    Label:
      type: object
      additionalProperties: false
      patternProperties:
        "^v_": { type: integer, minimum: 0, maximum: 5, nullable: true }
    Answer:
      type: object
      properties:
        id: { type: integer, format: int32 }
"##;

#[test]
fn doc_check_and_the_mock_agree_on_nullable_nested_patterns_and_integer_edges() {
    let tally = agreement(FIXTURE);
    report("fixture", &tally);
    assert!(
        tally.disagreements.is_empty(),
        "{} disagreements (listed above)",
        tally.disagreements.len()
    );
    assert!(
        tally.both_accept > 0 && tally.both_refuse > 0,
        "the corpus must hold instances both accept and both refuse"
    );
}
