//! The record of accepted orders is bounded: the mock keeps the most recent
//! `kept_orders` and counts all of them, so a long run does not grow its memory.

use crate::support;

use std::collections::BTreeMap;

use support::{PROJECT_ID, operations, post, spec, valid_body};
use workspace_orders_mock::{DEFAULT_KEPT_ORDERS, DEFAULT_TOKEN, MockConfig, MockServer};

#[tokio::test]
async fn the_most_recent_orders_are_kept_and_all_are_counted() {
    let spec = spec();
    let config = MockConfig {
        kept_orders: 4,
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let mut placed = Vec::new();
    let mut by_operation = BTreeMap::new();
    for round in 0..3 {
        for operation in operations(&spec) {
            let answer = post(
                &mock.base_url(),
                &operation.path(PROJECT_ID),
                DEFAULT_TOKEN,
                &[],
                &valid_body(&spec, &operation.id),
            )
            .await;
            assert_eq!(
                answer.status, 200,
                "{round} {}: {}",
                operation.id, answer.text
            );
            placed.push(answer.json()["order_id"].as_str().unwrap().to_owned());
            *by_operation.entry(operation.id.clone()).or_insert(0_u64) += 1;
        }
    }
    let kept: Vec<String> = mock
        .accepted_orders()
        .into_iter()
        .map(|order| order.order_id)
        .collect();
    assert_eq!(kept, placed[placed.len() - 4..]);
    let totals = mock.order_totals();
    assert_eq!(totals.accepted, 9);
    assert_eq!(totals.by_operation, by_operation);
    assert_eq!((totals.by_token, totals.by_access_key), (9, 0));
    mock.shutdown().await;
}

#[test]
fn the_default_window_is_bounded() {
    assert_eq!(MockConfig::default().kept_orders, DEFAULT_KEPT_ORDERS);
    // About 3.4 KB per kept order: a few MB at most, whatever the load.
    assert!((100..=10_000).contains(&DEFAULT_KEPT_ORDERS));
}
