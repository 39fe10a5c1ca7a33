//! The spec's rules between fields (`x-rules`) in the mock: for every rule, a body that
//! breaks it is answered 400 naming the rule, its fields and its place, and is not
//! kept as an order; its nearest valid neighbour is accepted. The cases are the
//! client's (`crates/huaweicloud-workspace-orders/tests/rules/cases.json`), so both
//! sides are held to the same bodies; the client's test checks every rule has one.

use crate::support;

use serde_json::Value;
use support::{PROJECT_ID, operation, post, spec};
use workspace_orders_mock::{DEFAULT_TOKEN, MockConfig, MockServer};

fn cases() -> Vec<Value> {
    let file: Value = serde_json::from_str(include_str!(
        "../../../huaweicloud-workspace-orders/tests/rules/cases.json"
    ))
    .unwrap();
    file["cases"].as_array().unwrap().clone()
}

#[tokio::test]
async fn broken_rules_are_answered_400_naming_the_rule_and_neighbours_are_accepted() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let mut accepted = 0;
    for case in cases() {
        let rule = case["rule"].as_str().unwrap();
        let path = operation(&spec, case["operation"].as_str().unwrap()).path(PROJECT_ID);

        let answer = post(&mock.base_url(), &path, DEFAULT_TOKEN, &[], &case["broken"]).await;
        assert_eq!(answer.status, 400, "{rule}: {}", answer.text);
        let message = answer.json()["error_msg"]
            .as_str()
            .unwrap_or_default()
            .to_owned();
        assert!(
            message.contains(&format!(
                "{}: breaks rule {rule} (fields ",
                case["at"].as_str().unwrap()
            )),
            "{rule}: {message}"
        );
        assert_eq!(mock.accepted_orders().len(), accepted, "{rule}: kept");

        let answer = post(&mock.base_url(), &path, DEFAULT_TOKEN, &[], &case["valid"]).await;
        assert_eq!(answer.status, 200, "{rule}: neighbour: {}", answer.text);
        accepted += 1;
        assert_eq!(mock.accepted_orders().len(), accepted);
    }
}

#[tokio::test]
async fn every_broken_rule_of_one_object_is_named() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let body = serde_json::json!({"type": "createDesktops", "resources": [{"create_desktops": {
        "desktop_type": "DEDICATED", "product_id": "p", "image_type": "private", "image_id": "i",
        "root_volume": {"type": "SAS", "size": 80},
        "desktops": [{"user_name": "a"}], "size": 2, "desktop_name": "fourteen-chars"}}]});
    let path = operation(&spec, "createPeriodicOrder").path(PROJECT_ID);
    let answer = post(&mock.base_url(), &path, DEFAULT_TOKEN, &[], &body).await;
    assert_eq!(answer.status, 400);
    let message = answer.json()["error_msg"]
        .as_str()
        .unwrap_or_default()
        .to_owned();
    assert!(
        message.contains(
            "resources[0].create_desktops: breaks rule desktops-size-exclusive (fields desktops, size): \
             desktops and size cannot be used together and breaks rule desktop-name-prefix-length \
             (fields desktop_name, size): desktop_name is a name prefix of at most 13 characters \
             when size is greater than 1"
        ),
        "{message}"
    );
}
