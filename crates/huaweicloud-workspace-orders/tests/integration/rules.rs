//! The spec's rules between fields (`x-rules`): for every rule, a body that breaks it
//! is refused before anything is sent, with the rule, its fields and its place in the
//! error; its nearest valid neighbour is sent. The cases (`tests/rules/cases.json`)
//! are shared with the mock's tests, and every rule of the spec must have one.

use crate::support;

use std::collections::BTreeSet;
use std::time::Duration;

use huaweicloud_workspace_orders::error::Error;
use huaweicloud_workspace_orders::rules::{self, RuleKind};
use huaweicloud_workspace_orders::{Credentials, OrdersClient, body_rules, types};
use serde_json::Value;
use support::{Answer, Server};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";

fn cases() -> Vec<Value> {
    let file: Value = serde_json::from_str(include_str!("../rules/cases.json")).unwrap();
    file["cases"].as_array().unwrap().clone()
}

fn client_for(base_url: &str) -> OrdersClient {
    OrdersClient::builder(
        Credentials::iam_token("token-VALUE")
            .unwrap()
            .with_project_id(PROJECT)
            .unwrap(),
    )
    .base_url(base_url)
    .timeout(Duration::from_secs(30))
    .build()
    .unwrap()
}

/// Sends `body` as `operation`; the error's text when the client refuses it.
async fn send(client: &OrdersClient, operation: &str, body: &Value) -> Result<(), String> {
    fn text<E: std::fmt::Debug>(error: Error<E>) -> String {
        match error {
            Error::InvalidRequest { message } => message,
            other => panic!("expected a refusal before sending, got {other:?}"),
        }
    }
    match operation {
        "createPeriodicOrder" => client
            .create_periodic_order(
                serde_json::from_value::<types::PeriodicOrderRequest>(body.clone()).unwrap(),
            )
            .await
            .map(drop)
            .map_err(text),
        "createDesktopOrder" => client
            .create_desktop_order(
                serde_json::from_value::<types::DesktopOrderRequest>(body.clone()).unwrap(),
            )
            .await
            .map(drop)
            .map_err(text),
        "createAppOrder" => client
            .create_app_order(
                serde_json::from_value::<types::AppOrderRequest>(body.clone()).unwrap(),
            )
            .await
            .map(drop)
            .map_err(text),
        other => panic!("unknown operation {other}"),
    }
}

#[tokio::test]
async fn broken_rules_are_refused_before_sending_and_neighbours_are_sent() {
    for case in cases() {
        let operation = case["operation"].as_str().unwrap();
        let rule = case["rule"].as_str().unwrap();
        let at = case["at"].as_str().unwrap();

        let server = Server::start(Answer::order_placed()).await;
        let client = client_for(&server.base_url);
        let refused = send(&client, operation, &case["broken"])
            .await
            .expect_err(rule);
        assert!(
            refused.contains(&format!(
                "{at}: breaks rule {rule} of {}",
                case["schema"].as_str().unwrap()
            )),
            "{rule}: {refused}"
        );
        assert!(
            server.requests().is_empty(),
            "{rule}: the broken body was sent"
        );

        send(&client, operation, &case["valid"])
            .await
            .unwrap_or_else(|error| panic!("{rule}: neighbour refused: {error}"));
        assert_eq!(
            server.requests().len(),
            1,
            "{rule}: the neighbour was not sent"
        );
    }
}

#[test]
fn every_rule_of_the_spec_has_a_case() {
    let covered: BTreeSet<(String, String)> = cases()
        .iter()
        .map(|case| {
            (
                case["schema"].as_str().unwrap().to_owned(),
                case["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let declared: BTreeSet<(String, String)> = body_rules::OPERATIONS
        .iter()
        .flat_map(|operation| operation.locations)
        .flat_map(|location| {
            location
                .rules
                .iter()
                .map(|rule| (location.schema.to_owned(), rule.id.to_owned()))
        })
        .collect();
    assert_eq!(covered, declared);
    assert_eq!(declared.len(), 11);
}

#[test]
fn the_error_names_every_broken_rule_and_its_fields() {
    // Both rules of CreateDesktopReq at once, in two resources.
    let body = serde_json::json!({"type": "createDesktops", "resources": [
        {"create_desktops": {"desktops": [{"user_name": "a"}], "size": 2, "desktop_name": "fourteen-chars"}},
        {"apply_desktops_internet": {"eip_type": "5_bgp", "eip_charge_mode": "TRAFFIC", "bandwidth_size": 5}}
    ]});
    let broken: Vec<String> = rules::broken_rules("create_periodic_order", &body)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        broken,
        [
            "resources[0].create_desktops: breaks rule desktops-size-exclusive of PeriodicCreateDesktopReq (fields desktops, size): desktops and size cannot be used together",
            "resources[0].create_desktops: breaks rule desktop-name-prefix-length of PeriodicCreateDesktopReq (fields desktop_name, size): desktop_name is a name prefix of at most 13 characters when size is greater than 1",
            "resources[1].apply_desktops_internet: breaks rule count-when-no-desktop-ids of ApplyDesktopsInternet (fields count, desktop_ids): count is mandatory when desktop_ids is empty",
        ]
    );
}

#[test]
fn every_rule_carries_its_sources() {
    for operation in body_rules::OPERATIONS {
        for location in operation.locations {
            for rule in location.rules {
                assert!(!rule.sources.is_empty(), "{}", rule.id);
                assert!(rule.message.contains(rule.members[0]), "{}", rule.id);
                if let RuleKind::MaxLength(limit) = rule.kind {
                    assert!(limit > 0);
                }
            }
        }
    }
}
