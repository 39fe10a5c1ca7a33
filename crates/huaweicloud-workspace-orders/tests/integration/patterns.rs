//! The byte-wise pattern checks `cargo xtask generate` emits in place of a regex
//! engine: every pattern in the spec has one, it agrees with a real ECMAScript regex
//! engine (`regress`, what typify used) on every short string over the characters
//! that matter to it, and every request field with a pattern refuses through the
//! generated types what the pattern refuses, naming the field.

use crate::spec_walk;

use std::collections::BTreeSet;

use huaweicloud_workspace_orders::types;
use huaweicloud_workspace_orders::types::pattern_checks::ALL;
use serde_json::Value;
use spec_walk::{Step, display_path};

/// Every `pattern` in the spec.
fn spec_patterns(value: &Value, found: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(p)) = map.get("pattern") {
                found.insert(p.clone());
            }
            map.values().for_each(|v| spec_patterns(v, found));
        }
        Value::Array(items) => items.iter().for_each(|v| spec_patterns(v, found)),
        _ => {}
    }
}

/// The characters that can change a pattern's answer: every ASCII character it
/// names and its neighbours, and characters outside ASCII (two, three and four
/// bytes in UTF-8, at the ends of each length and around the surrogates), plus a
/// space and a NUL.
fn alphabet(pattern: &str) -> Vec<char> {
    let mut chars = BTreeSet::from([
        '\0',
        ' ',
        'a',
        'Z',
        '5',
        '_',
        '-',
        'é',
        '日',
        '😀',
        '\u{7f}',
        '\u{80}',
        '\u{7ff}',
        '\u{800}',
        '\u{d7ff}',
        '\u{e000}',
        '\u{ffff}',
        '\u{10000}',
        '\u{10ffff}',
    ]);
    for c in pattern.chars().filter(char::is_ascii) {
        let b = c as u8;
        for n in [b.saturating_sub(1), b, b.saturating_add(1)] {
            if n.is_ascii() {
                chars.insert(char::from(n));
            }
        }
    }
    chars.into_iter().collect()
}

/// Every string of length 0..=`max_len` over `alphabet`.
fn strings(alphabet: &[char], max_len: usize) -> Vec<String> {
    let mut all = vec![String::new()];
    let mut last = vec![String::new()];
    for _ in 0..max_len {
        last = last
            .iter()
            .flat_map(|s| alphabet.iter().map(move |c| format!("{s}{c}")))
            .collect();
        all.extend(last.iter().cloned());
    }
    all
}

fn check_for(pattern: &str) -> fn(&str) -> bool {
    ALL.iter()
        .find(|(p, _)| *p == pattern)
        .unwrap_or_else(|| panic!("no generated check for the spec's pattern {pattern}"))
        .1
}

#[test]
fn every_spec_pattern_agrees_with_a_regex_engine() {
    let mut patterns = BTreeSet::new();
    spec_patterns(&spec_walk::spec(), &mut patterns);
    assert!(!patterns.is_empty(), "no pattern found: the walk is broken");
    for pattern in &patterns {
        let check = check_for(pattern);
        let regex = regress::Regex::new(pattern).unwrap();
        let (mut accepted, mut refused) = (0, 0);
        for value in strings(&alphabet(pattern), 3) {
            let expected = regex.find(&value).is_some();
            assert_eq!(check(&value), expected, "{pattern} on {value:?}");
            if expected {
                accepted += 1
            } else {
                refused += 1
            }
        }
        assert!(
            accepted > 0 && refused > 0,
            "{pattern}: {accepted} accepted, {refused} refused"
        );
    }
    // Only the spec's patterns are generated.
    let generated: BTreeSet<String> = ALL.iter().map(|(p, _)| p.to_string()).collect();
    assert_eq!(generated, patterns);
}

/// A string field with a pattern, reachable from a request body.
struct PatternField {
    steps: Vec<Step>,
    schema: Value,
}

fn pattern_fields(
    spec: &Value,
    schema: &Value,
    steps: &mut Vec<Step>,
    found: &mut Vec<PatternField>,
) {
    let schema = spec_walk::resolve(spec, schema);
    if schema.get("pattern").is_some() {
        found.push(PatternField {
            steps: steps.clone(),
            schema: schema.clone(),
        });
    }
    if let Some(items) = schema.get("items") {
        steps.push(Step::Item);
        pattern_fields(spec, items, steps, found);
        steps.pop();
    }
    for (name, property) in schema["properties"].as_object().into_iter().flatten() {
        steps.push(Step::Field(name.clone()));
        pattern_fields(spec, property, steps, found);
        steps.pop();
    }
}

fn deserialize(schema: &str, body: &Value) -> Result<(), (String, String)> {
    fn check<T: serde::de::DeserializeOwned>(body: &Value) -> Result<(), (String, String)> {
        serde_path_to_error::deserialize::<_, T>(body.clone())
            .map(drop)
            .map_err(|e| (e.path().to_string(), e.inner().to_string()))
    }
    match schema {
        "AppOrderRequest" => check::<types::AppOrderRequest>(body),
        "PeriodicOrderRequest" => check::<types::PeriodicOrderRequest>(body),
        "DesktopOrderRequest" => check::<types::DesktopOrderRequest>(body),
        other => panic!("no generated body type mapped for request schema {other}"),
    }
}

#[test]
fn every_request_field_with_a_pattern_refuses_what_it_refuses() {
    let spec = spec_walk::spec();
    let mut fields = 0;
    for op in spec_walk::operations(&spec) {
        let body_schema = &spec["components"]["schemas"][&op.body_schema];
        let mut found = Vec::new();
        pattern_fields(&spec, body_schema, &mut Vec::new(), &mut found);
        for field in found {
            fields += 1;
            let path = display_path(&field.steps);
            let pattern = field.schema["pattern"].as_str().unwrap();
            let regex = regress::Regex::new(pattern).unwrap();
            let min = field.schema["minLength"].as_u64().unwrap_or(0) as usize;
            let max = field.schema["maxLength"].as_u64().unwrap_or(u64::MAX) as usize;
            // The shortest strings within the length limits that the pattern
            // accepts and refuses: only the pattern can tell them apart.
            let candidates: Vec<String> = strings(&alphabet(pattern), 3)
                .into_iter()
                .filter(|s| (min..=max).contains(&s.chars().count()))
                .collect();
            let accepted = candidates.iter().find(|s| regex.find(s).is_some());
            let refused = candidates.iter().find(|s| regex.find(s).is_none());
            let (Some(accepted), Some(refused)) = (accepted, refused) else {
                panic!("{path}: no accepted and refused value of length {min}..={max}");
            };
            for (value, expected) in [(accepted, true), (refused, false)] {
                let mut body = spec_walk::minimal(&spec, body_schema);
                spec_walk::set_at(
                    &spec,
                    body_schema,
                    &mut body,
                    &field.steps,
                    value.clone().into(),
                );
                match (deserialize(&op.body_schema, &body), expected) {
                    (Ok(()), true) => {}
                    (Err((at, error)), false) => {
                        assert_eq!(at, path, "{}: {value:?}: {error}", op.operation_id);
                        assert!(error.contains("doesn't match pattern"), "{path}: {error}");
                    }
                    (result, _) => panic!(
                        "{} {path} = {value:?} (pattern {pattern}): {result:?}, expected accepted = {expected}",
                        op.operation_id
                    ),
                }
            }
        }
    }
    assert!(
        fields > 0,
        "no request field with a pattern found: the walk is broken"
    );
}
