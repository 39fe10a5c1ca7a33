//! Every example request in the spec goes through the operation's generated
//! body type and comes back as exactly the same JSON — except the examples
//! `openapi/ERRATA.md` lists as contradicting their own tables, whose failures
//! are asserted here one by one (so the day the docs are fixed, this test
//! says so).

use crate::spec_walk;

use huaweicloud_workspace_orders::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::Value;
use workspace_orders_openapi::example_errata;

/// Deserializes into `T` and serializes back; an error carries the JSON path.
fn through<T: DeserializeOwned + Serialize>(value: &Value) -> Result<Value, (String, String)> {
    let typed: T = serde_path_to_error::deserialize(value.clone())
        .map_err(|e| (e.path().to_string(), e.inner().to_string()))?;
    Ok(serde_json::to_value(&typed).unwrap())
}

/// The generated body type of each request schema.
fn through_body(schema: &str, value: &Value) -> Result<Value, (String, String)> {
    match schema {
        "AppOrderRequest" => through::<types::AppOrderRequest>(value),
        "PeriodicOrderRequest" => through::<types::PeriodicOrderRequest>(value),
        "DesktopOrderRequest" => through::<types::DesktopOrderRequest>(value),
        other => panic!("no generated body type mapped for request schema {other}"),
    }
}

/// A documented failure: (JSON path, message fragment, the failure with its fix).
type Failure = (String, String, example_errata::Failure);

/// What ERRATA says about an example (`.ci/tools/spec/example-errata.json`): where
/// it fails, and the correction.
struct Erratum {
    id: String,
    entry: &'static example_errata::ExampleErratum,
    failures: Vec<Failure>,
}

/// What serde says for each kind of documented failure.
fn message_of(failure: &example_errata::Failure) -> String {
    match failure.kind.as_str() {
        "wrong-type" => "invalid type".to_owned(),
        "unknown-member" => format!("unknown field `{}`", failure.field()),
        "not-in-enum" => "unknown variant".to_owned(),
        other => panic!("example-errata.json: unknown failure kind {other}"),
    }
}

fn erratum(operation_id: &str, example: &str) -> Option<Erratum> {
    let errata = example_errata::embedded().unwrap();
    let entry = example_errata::find(errata, operation_id, example)?;
    Some(Erratum {
        id: entry.erratum.clone(),
        entry,
        failures: entry
            .failures
            .iter()
            .map(|failure| (failure.field_path(), message_of(failure), failure.clone()))
            .collect(),
    })
}

/// `body` with one documented failure fixed.
fn fix(erratum: &Erratum, failure: &example_errata::Failure, body: &Value) -> Value {
    let one = example_errata::ExampleErratum {
        failures: vec![failure.clone()],
        ..erratum.entry.clone()
    };
    one.apply(body).unwrap()
}

#[test]
fn every_example_round_trips_exactly_except_the_errata() {
    let spec = spec_walk::spec();
    let examples = spec_walk::examples(&spec);
    // The pages have one (000), two (002) and one (004) example requests.
    assert_eq!(
        examples.len(),
        4,
        "examples in the spec: {:?}",
        examples.iter().map(|e| &e.name).collect::<Vec<_>>()
    );

    for example in &examples {
        let label = format!("{} / {}", example.operation_id, example.name);
        match erratum(&example.operation_id, &example.name) {
            None => {
                let back = through_body(&example.body_schema, &example.value)
                    .unwrap_or_else(|(path, e)| panic!("{label}: rejected at {path}: {e}"));
                assert_eq!(
                    back, example.value,
                    "{label}: the round trip changed the example"
                );
            }
            Some(erratum) => {
                // Fix the failures one at a time, in whatever order they are
                // reported (it depends on the map order of the example).
                let mut body = example.value.clone();
                let mut remaining: Vec<_> = erratum.failures.iter().collect();
                while !remaining.is_empty() {
                    let (at, e) = match through_body(&example.body_schema, &body) {
                        Ok(_) => panic!(
                            "{label}: ERRATA {} expected failures at {:?}, but the example is accepted: \
                             the docs may have been fixed; update ERRATA.md and this test",
                            erratum.id,
                            remaining.iter().map(|f| &f.0).collect::<Vec<_>>()
                        ),
                        Err(failure) => failure,
                    };
                    let index = remaining
                        .iter()
                        .position(|(path, _, _)| *path == at)
                        .unwrap_or_else(|| {
                            panic!(
                                "{label}: ERRATA {}: unexpected failure at {at}: {e}",
                                erratum.id
                            )
                        });
                    let (_, message, failure) = remaining.remove(index);
                    assert!(
                        e.contains(message.as_str()),
                        "{label}: ERRATA {} at {at}: {e}",
                        erratum.id
                    );
                    body = fix(&erratum, failure, &body);
                }
                let back = through_body(&example.body_schema, &body).unwrap_or_else(|(path, e)| {
                    panic!("{label}: corrected example rejected at {path}: {e}")
                });
                assert_eq!(
                    back, body,
                    "{label}: the corrected example does not round-trip"
                );
            }
        }
    }
}

/// The corrected examples, exactly as the tests send them (what ERRATA.md
/// describes in prose).
#[test]
fn corrected_errata_examples() {
    let spec = spec_walk::spec();
    let mut corrected = serde_json::Map::new();
    for example in spec_walk::examples(&spec) {
        if let Some(erratum) = erratum(&example.operation_id, &example.name) {
            let body = erratum.entry.apply(&example.value).unwrap();
            corrected.insert(format!("{} {}", erratum.id, example.name), body);
        }
    }
    // Sorted keys: map order depends on serde_json features unified across
    // the workspace.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!(Value::Object(corrected));
    });
}
