//! Many clients at once: 32 generated clients (half with a token, half with AK/SK, each
//! for its own project) place 200 orders each concurrently, every tenth with an injected
//! fault. Every request is answered; every accepted order is recorded exactly once under
//! the id its client received; no faulted order is recorded. No timing is asserted.

use crate::support;

use std::collections::{BTreeMap, BTreeSet};

use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::{Value, json};
use support::{spec, valid_body};
use workspace_orders_mock::{
    DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_TOKEN, FAULT_HEADER, MockConfig, MockServer,
    Principal,
};

const CLIENTS: usize = 32;
const ORDERS_PER_CLIENT: usize = 200;
/// Every n-th order of a client goes out with a fault.
const FAULT_EVERY: usize = 10;
const FAULTS: [&str; 3] = ["status=500", "drop-connection", "malformed-json"];

fn project_id(client: usize) -> String {
    format!("{client:032x}")
}

/// The marker that identifies an order: its `enterprise_project_id`, a free string.
fn marker(client: usize, order: usize) -> String {
    format!("client-{client}-order-{order}")
}

fn credentials(client: usize) -> Credentials {
    let credentials = if client.is_multiple_of(2) {
        Credentials::iam_token(DEFAULT_TOKEN)
    } else {
        Credentials::access_key(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY)
    };
    credentials
        .unwrap()
        .with_project_id(project_id(client))
        .unwrap()
}

fn build(base_url: &str, client: usize, fault: Option<&str>) -> OrdersClient {
    let mut builder = OrdersClient::builder(credentials(client)).base_url(base_url);
    if let Some(directive) = fault {
        let mut headers = HeaderMap::new();
        headers.insert(FAULT_HEADER, HeaderValue::from_str(directive).unwrap());
        let http = huaweicloud_workspace_orders::client::http_client_builder()
            .unwrap()
            .default_headers(headers)
            .redirect(reqwest::redirect::Policy::none())
            .retry(reqwest::retry::never())
            .build()
            .unwrap();
        builder = builder.http_client(http);
    }
    builder.build().unwrap()
}

/// What one request came back with.
#[derive(Debug)]
enum Reply {
    Placed(String),
    Failed(Option<u16>),
}

async fn place(
    client: &OrdersClient,
    periodic: &Value,
    desktop: &Value,
    order: usize,
    marker: &str,
) -> Reply {
    let result = if order.is_multiple_of(2) {
        let mut body = periodic.clone();
        body["enterprise_project_id"] = json!(marker);
        let body: types::PeriodicOrderRequest = serde_json::from_value(body).unwrap();
        client
            .create_periodic_order(body)
            .await
            .map(|placed| placed.into_inner().order_id)
            .map_err(|error| error.status().map(|status| status.as_u16()))
    } else {
        let mut body = desktop.clone();
        body["enterprise_project_id"] = json!(marker);
        let body: types::DesktopOrderRequest = serde_json::from_value(body).unwrap();
        client
            .create_desktop_order(body)
            .await
            .map(|placed| placed.into_inner().order_id)
            .map_err(|error| error.status().map(|status| status.as_u16()))
    };
    match result {
        Ok(order_id) => Reply::Placed(order_id.expect("a 200 carries an order_id")),
        Err(status) => Reply::Failed(status),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn many_clients_at_once_every_accepted_order_recorded_exactly_once() {
    let spec = spec();
    let periodic = valid_body(&spec, "createPeriodicOrder");
    let desktop = valid_body(&spec, "createDesktopOrder");
    // Keep every order, to check each one (the default keeps only the most recent).
    let config = MockConfig {
        kept_orders: CLIENTS * ORDERS_PER_CLIENT,
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let base_url = mock.base_url();

    let mut tasks = Vec::new();
    for client in 0..CLIENTS {
        let (base_url, periodic, desktop) = (base_url.clone(), periodic.clone(), desktop.clone());
        tasks.push(tokio::spawn(async move {
            let normal = build(&base_url, client, None);
            let faulty: Vec<OrdersClient> = FAULTS
                .iter()
                .map(|fault| build(&base_url, client, Some(fault)))
                .collect();
            let mut replies = Vec::with_capacity(ORDERS_PER_CLIENT);
            for order in 0..ORDERS_PER_CLIENT {
                let marker = marker(client, order);
                let sender = if order % FAULT_EVERY == FAULT_EVERY - 1 {
                    &faulty[(order / FAULT_EVERY) % FAULTS.len()]
                } else {
                    &normal
                };
                replies.push((
                    marker.clone(),
                    place(sender, &periodic, &desktop, order, &marker).await,
                ));
            }
            (client, replies)
        }));
    }

    // Every request got an answer (or, for drop-connection, a closed connection).
    let mut placed: BTreeMap<String, (usize, String)> = BTreeMap::new();
    let mut faulted = BTreeSet::new();
    let mut answered = 0;
    for task in tasks {
        let (client, replies) = task.await.expect("a client task panicked");
        for (marker, reply) in replies {
            answered += 1;
            match reply {
                Reply::Placed(order_id) => {
                    assert!(placed.insert(marker, (client, order_id)).is_none())
                }
                Reply::Failed(status) => {
                    assert!(
                        matches!(status, Some(500) | Some(200) | None),
                        "{marker}: {status:?}"
                    );
                    faulted.insert(marker);
                }
            }
        }
    }
    assert_eq!(answered, CLIENTS * ORDERS_PER_CLIENT);
    let expected_faults = CLIENTS * (ORDERS_PER_CLIENT / FAULT_EVERY);
    assert_eq!(
        faulted.len(),
        expected_faults,
        "only the faulted requests failed"
    );
    assert_eq!(placed.len(), CLIENTS * ORDERS_PER_CLIENT - expected_faults);

    let accepted = mock.accepted_orders();
    assert_eq!(
        accepted.len(),
        placed.len(),
        "accepted orders lost or duplicated"
    );
    let ids: BTreeSet<&str> = accepted
        .iter()
        .map(|order| order.order_id.as_str())
        .collect();
    assert_eq!(ids.len(), accepted.len(), "order ids repeat");
    let mut seen = BTreeSet::new();
    for order in &accepted {
        let marker = order.body["enterprise_project_id"]
            .as_str()
            .expect("a marker")
            .to_owned();
        assert!(
            !faulted.contains(&marker),
            "{marker}: a faulted request was recorded"
        );
        let (client, order_id) = placed
            .get(&marker)
            .unwrap_or_else(|| panic!("{marker}: recorded but not placed"));
        assert!(seen.insert(marker.clone()), "{marker}: recorded twice");
        assert_eq!(
            &order.order_id, order_id,
            "{marker}: recorded under another id"
        );
        assert_eq!(order.project_id, project_id(*client), "{marker}");
        let principal = if client.is_multiple_of(2) {
            Principal::Token
        } else {
            Principal::AccessKey {
                access_key: DEFAULT_ACCESS_KEY.into(),
                temporary: false,
            }
        };
        assert_eq!(order.principal, principal, "{marker}");
    }
    assert_eq!(seen.len(), placed.len(), "every placed order is recorded");
    let totals = mock.order_totals();
    assert_eq!(totals.accepted, placed.len() as u64);
    assert_eq!(totals.by_token + totals.by_access_key, totals.accepted);
    assert_eq!(
        totals.by_operation.values().sum::<u64>(),
        totals.accepted,
        "{totals:?}"
    );
    mock.shutdown().await;
}
