//! Every example request of the spec, sent through the client to a local capture
//! server: the full HTTP request is snapshotted (method, path, headers with volatile
//! values redacted, exact body). Examples that `openapi/ERRATA.md` lists as invalid
//! against the spec are asserted to be rejected verbatim and sent in their documented
//! corrected form.

use crate::support;

use std::collections::BTreeMap;

use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
use serde::Serialize;
use support::{Answer, Example, Received, Server};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const AK: &str = "AKWIREEXAMPLE";
const SK: &str = "wire-secret-key";
const SECURITY_TOKEN: &str = "wire-security-token";

/// The examples `openapi/ERRATA.md` says do not validate against the spec:
/// (operation, example, ERRATA entry), from `.ci/tools/spec/example-errata.json`.
fn errata() -> Vec<(String, String, String)> {
    workspace_orders_openapi::example_errata::embedded()
        .unwrap()
        .iter()
        .map(|e| (e.operation.clone(), e.example.clone(), e.erratum.clone()))
        .collect()
}

#[derive(Serialize)]
struct WireRequest {
    example: String,
    method: String,
    path: String,
    query: Option<String>,
    headers: BTreeMap<String, String>,
    body: String,
}

/// Headers with the values that change from run to run replaced.
fn stable_headers(received: &Received) -> BTreeMap<String, String> {
    let mut headers = received.header_map();
    for (name, value) in headers.iter_mut() {
        match name.as_str() {
            "x-sdk-date" => *value = "[YYYYMMDDTHHMMSSZ]".into(),
            "host" => *value = "127.0.0.1:[port]".into(),
            "authorization" => {
                if let Some((signed, _signature)) = value.split_once("Signature=") {
                    *value = format!("{signed}Signature=[hex]");
                }
            }
            _ => {}
        }
    }
    headers
}

/// The body to send for `example`: the example itself, or for an ERRATA case its
/// corrected form after checking the verbatim example is refused.
fn body_for(example: &Example) -> (serde_json::Value, String) {
    let errata = errata()
        .into_iter()
        .find(|(op, name, _)| *op == example.operation_id && *name == example.name);
    match errata {
        None => (
            example.value.clone(),
            format!("{} example {:?}", example.operation_id, example.name),
        ),
        Some((_, _, entry)) => {
            let verbatim = decodes(&example.operation_id, &example.value);
            assert!(
                verbatim.is_err(),
                "{entry}: the page's example now decodes; update ERRATA.md and this test"
            );
            let corrected = support::errata_correction(example).unwrap();
            (
                corrected,
                format!(
                    "{} example {:?}, corrected as ERRATA {entry} documents",
                    example.operation_id, example.name
                ),
            )
        }
    }
}

fn decodes(operation_id: &str, value: &serde_json::Value) -> Result<(), serde_json::Error> {
    match operation_id {
        "createAppOrder" => {
            serde_json::from_value::<types::AppOrderRequest>(value.clone()).map(drop)
        }
        "createPeriodicOrder" => {
            serde_json::from_value::<types::PeriodicOrderRequest>(value.clone()).map(drop)
        }
        "createDesktopOrder" => {
            serde_json::from_value::<types::DesktopOrderRequest>(value.clone()).map(drop)
        }
        other => panic!("an operation this test does not know: {other}"),
    }
}

async fn send(client: &OrdersClient, operation_id: &str, value: serde_json::Value) {
    match operation_id {
        "createAppOrder" => {
            let body: types::AppOrderRequest = serde_json::from_value(value).unwrap();
            client.create_app_order(body).await.unwrap();
        }
        "createPeriodicOrder" => {
            let body: types::PeriodicOrderRequest = serde_json::from_value(value).unwrap();
            client.create_periodic_order(body).await.unwrap();
        }
        "createDesktopOrder" => {
            let body: types::DesktopOrderRequest = serde_json::from_value(value).unwrap();
            client.create_desktop_order(body).await.unwrap();
        }
        other => panic!("an operation this test does not know: {other}"),
    }
}

#[tokio::test]
async fn every_example_request_on_the_wire() {
    let examples = support::examples();
    assert!(examples.len() >= 4, "{examples:?}");
    for (op, name, _) in errata() {
        assert!(
            examples
                .iter()
                .any(|e| e.operation_id == op && e.name == name),
            "ERRATA example {op} {name} is no longer in the spec"
        );
    }
    for example in &examples {
        let server = Server::start(Answer::order_placed()).await;
        let client = OrdersClient::builder(
            Credentials::temporary_access_key(AK, SK, SECURITY_TOKEN)
                .unwrap()
                .with_project_id(PROJECT)
                .unwrap(),
        )
        .base_url(&server.base_url)
        .build()
        .unwrap();
        let (value, source) = body_for(example);
        send(&client, &example.operation_id, value.clone()).await;

        let received = server.only_request();
        support::verify_signature(&received, AK, SK).unwrap();
        let sent: serde_json::Value = serde_json::from_slice(&received.body).unwrap();
        assert_eq!(sent, value, "{source}: the body sent is not the example");

        let wire = WireRequest {
            example: source,
            method: received.method.to_string(),
            path: received.uri.path().to_owned(),
            query: received.uri.query().map(str::to_owned),
            headers: stable_headers(&received),
            body: String::from_utf8(received.body.to_vec()).unwrap(),
        };
        insta::assert_yaml_snapshot!(format!("{}__{}", example.operation_id, example.name), wire);
    }
}
