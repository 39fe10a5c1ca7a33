//! The OpenAPI document, embedded at build time: the operations' request examples,
//! corrected where `openapi/ERRATA.md` says the page's example breaks its own tables,
//! and the top-level shape of each request body (for guessing the operation).

use std::sync::OnceLock;

use huaweicloud_workspace_orders::operation::Operation;
use serde_json::Value;
use workspace_orders_openapi::example_errata::{self, ExampleErratum};
use workspace_orders_openapi::operations::{JSON, operations};
use workspace_orders_openapi::reference;

/// `openapi/workspace-orders.json`, the JSON rendering `cargo xtask generate` writes.
const SPEC_JSON: &str = include_str!("../../../openapi/workspace-orders.json");

/// The parsed document; the embedded text is checked by the tests, so a failure here
/// is a build of a broken checkout.
fn document() -> &'static Value {
    static DOCUMENT: OnceLock<Value> = OnceLock::new();
    DOCUMENT.get_or_init(|| serde_json::from_str(SPEC_JSON).unwrap_or(Value::Null))
}

/// Follows local `$ref`s (`#/components/...`); `null` where one is broken (the
/// embedded document is checked by the tests and by `cargo xtask generate`).
fn resolve(node: &Value) -> &Value {
    reference::resolve(document(), node, "").unwrap_or(&Value::Null)
}

/// The spec's operation object for `operation`.
fn operation_object(operation: Operation) -> Option<&'static Value> {
    operations(document())
        .ok()?
        .into_iter()
        .find(|found| found.id() == Some(operation.operation_id()))
        .map(|found| found.operation)
}

/// The JSON request body's media object of `operation`.
fn request_media(operation: Operation) -> Option<&'static Value> {
    let body = resolve(operation_object(operation)?.get("requestBody")?);
    body.get("content")?.get(JSON)
}

/// The (resolved) request body schema of `operation`.
pub fn request_schema(operation: Operation) -> Option<&'static Value> {
    Some(resolve(request_media(operation)?.get("schema")?))
}

/// The corrections of `.ci/tools/spec/example-errata.json` (embedded by
/// `workspace-orders-openapi`, whose tests and this crate's check it: a record that
/// does not read is a broken checkout, and then no example is corrected).
fn errata() -> &'static [ExampleErratum] {
    example_errata::embedded().unwrap_or_default()
}

/// One request example of the spec, in the form the client accepts.
#[derive(Debug, Clone)]
pub struct Example {
    pub operation: Operation,
    pub name: String,
    pub summary: String,
    pub body: Value,
    /// `(ERRATA id, what was corrected)` when the page's example had to be corrected.
    pub corrected: Option<(&'static str, String)>,
}

/// The request examples of `operation`, in the spec's order.
pub fn examples(operation: Operation) -> Vec<Example> {
    let Some(examples) = request_media(operation)
        .and_then(|media| media.get("examples"))
        .and_then(Value::as_object)
    else {
        return Vec::new();
    };
    examples
        .iter()
        .map(|(name, example)| {
            let example = resolve(example);
            let documented = &example["value"];
            // A correction that does not fit leaves the example as documented: the
            // client's own checks then refuse it, and the tests fail.
            let correction = example_errata::find(errata(), operation.operation_id(), name)
                .and_then(|erratum| Some((erratum, erratum.apply(documented).ok()?)));
            Example {
                operation,
                name: name.clone(),
                summary: example["summary"].as_str().unwrap_or_default().to_owned(),
                corrected: correction
                    .as_ref()
                    .map(|(erratum, _)| (erratum.erratum.as_str(), erratum.describe())),
                body: correction.map_or_else(|| documented.clone(), |(_, body)| body),
            }
        })
        .collect()
}

/// The operations whose request body `body` can be, judged by its top level: every
/// required member present, no unknown member, and a `type` among the operation's
/// listed values where it lists them. An open list (`x-extensible-enum`) accepts other
/// values too, but only a listed one tells the operations apart: a body with an
/// unlisted `type` is not guessed (`--operation` says which it is).
pub fn candidate_operations(body: &Value) -> Vec<Operation> {
    let Some(members) = body.as_object() else {
        return Vec::new();
    };
    Operation::ALL
        .into_iter()
        .filter(|&operation| {
            let Some(schema) = request_schema(operation) else {
                return false;
            };
            let properties = schema["properties"].as_object();
            let known = |name: &str| properties.is_some_and(|p| p.contains_key(name));
            let required_present = schema["required"]
                .as_array()
                .into_iter()
                .flatten()
                .filter_map(Value::as_str)
                .all(|name| members.contains_key(name));
            let type_fits = match (members.get("type"), properties.and_then(|p| p.get("type"))) {
                (Some(value), Some(type_schema)) => {
                    let type_schema = resolve(type_schema);
                    match type_schema
                        .get("enum")
                        .or_else(|| type_schema.get("x-extensible-enum"))
                    {
                        Some(Value::Array(listed)) => listed.contains(value),
                        _ => true,
                    }
                }
                _ => true,
            };
            required_present && type_fits && members.keys().all(|name| known(name))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::check::check;
    use serde_json::json;

    #[tokio::test]
    async fn every_example_is_accepted_by_the_client_and_guessed_right() {
        let mut count = 0;
        for operation in Operation::ALL {
            for example in examples(operation) {
                let text = example.body.to_string();
                let checked = check(&text, None).await.unwrap();
                assert_eq!(
                    checked.problems,
                    [],
                    "{} / {}",
                    operation.operation_id(),
                    example.name
                );
                assert_eq!(checked.operation, Some(operation), "{}", example.name);
                count += 1;
            }
        }
        assert!(count >= 4, "the spec lost examples: {count}");
    }

    /// The corrections are needed (the documented example is refused exactly where
    /// ERRATA.md says) and enough (the corrected one passes, above).
    #[tokio::test]
    async fn each_correction_fixes_what_errata_names() {
        let expected: &[(&str, &[&str])] = &[
            (
                "E01",
                &["$.resources[0].create_services.update_access_agent"],
            ),
            (
                "E02",
                &["$.hour_package_resources[0].create_desktops.tenantId"],
            ),
        ];
        assert_eq!(errata().len(), expected.len());
        for (erratum, (id, paths)) in errata().iter().zip(expected) {
            assert_eq!(erratum.erratum, *id);
            let operation = Operation::ALL
                .into_iter()
                .find(|operation| operation.operation_id() == erratum.operation)
                .unwrap();
            let media = request_media(operation).unwrap();
            let documented = resolve(&media["examples"][erratum.example.as_str()])["value"].clone();
            let checked = check(&documented.to_string(), Some(operation))
                .await
                .unwrap();
            let mut found: Vec<&str> = checked.problems.iter().map(|p| p.path.as_str()).collect();
            found.sort();
            assert_eq!(found, *paths, "{id}");
        }
    }

    #[test]
    fn the_top_level_tells_the_operation_apart() {
        let only = |body: Value| candidate_operations(&body);
        assert_eq!(
            only(json!({"type": "createApps", "resources": []})),
            [Operation::CreateAppOrder]
        );
        assert_eq!(
            only(json!({"type": "addVolumes", "resources": []})),
            [Operation::CreatePeriodicOrder]
        );
        assert_eq!(
            only(json!({"hour_package_resources": []})),
            [Operation::CreateDesktopOrder]
        );
        assert_eq!(only(json!({"resources": []})), []);
    }
}
