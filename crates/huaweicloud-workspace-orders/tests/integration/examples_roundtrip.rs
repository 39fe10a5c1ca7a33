//! Every example request in the spec goes through the operation's generated
//! body type and comes back as exactly the same JSON — except the examples
//! `openapi/ERRATA.md` lists as contradicting their own tables, whose failures
//! are asserted here one by one (so the day the docs are fixed, this test
//! says so).

use crate::spec_walk;

use huaweicloud_workspace_orders::types;
use serde::Serialize;
use serde::de::DeserializeOwned;
use serde_json::{Value, json};

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

/// A documented failure: (JSON path, message fragment, fix).
type Failure = (&'static str, &'static str, fn(&mut Value));

/// What ERRATA says about an example: where it fails, and the corrected body.
struct Erratum {
    id: &'static str,
    /// Each failure: (JSON path, message fragment, fix).
    failures: Vec<Failure>,
}

fn erratum(operation_id: &str, example: &str) -> Option<Erratum> {
    match (operation_id, example) {
        ("createAppOrder", "createApps") => Some(Erratum {
            id: "E01",
            failures: vec![(
                "resources[0].create_services.update_access_agent",
                "expected a boolean",
                |body| body["resources"][0]["create_services"]["update_access_agent"] = json!(true),
            )],
        }),
        ("createDesktopOrder", "hourPackageDesktop") => Some(Erratum {
            id: "E02",
            // `image_type: "market"` is valid: an open list (ERRATA E02).
            failures: vec![(
                "hour_package_resources[0].create_desktops.tenantId",
                "unknown field `tenantId`",
                |body| {
                    body["hour_package_resources"][0]["create_desktops"]
                        .as_object_mut()
                        .unwrap()
                        .remove("tenantId");
                },
            )],
        }),
        _ => None,
    }
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
                            remaining.iter().map(|f| f.0).collect::<Vec<_>>()
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
                    let (_, message, fix) = remaining.remove(index);
                    assert!(
                        e.contains(message),
                        "{label}: ERRATA {} at {at}: {e}",
                        erratum.id
                    );
                    fix(&mut body);
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
            let mut body = example.value.clone();
            for (_, _, fix) in &erratum.failures {
                fix(&mut body);
            }
            corrected.insert(format!("{} {}", erratum.id, example.name), body);
        }
    }
    // Sorted keys: map order depends on serde_json features unified across
    // the workspace.
    insta::with_settings!({ sort_maps => true }, {
        insta::assert_json_snapshot!(Value::Object(corrected));
    });
}
