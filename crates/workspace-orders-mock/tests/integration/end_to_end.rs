//! The generated client (`huaweicloud_workspace_orders::OrdersClient`) against the mock:
//! every documented example request is placed with an IAM token, a permanent and a
//! temporary AK/SK (so the client's signer is checked by the mock's own verifier), and
//! every fault comes back as the right typed error.
//!
//! Two examples contradict their own tables (openapi/ERRATA.md E01, E02): the mock
//! must refuse them as documented, naming exactly the fields ERRATA names, and the
//! corrected bodies ERRATA describes are placed instead.

use crate::support;

use std::time::Duration;

use huaweicloud_workspace_orders::error::{ApiErrorBody, Error, Outcome};
use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
use reqwest::header::{HeaderMap, HeaderValue};
use serde_json::Value;
use support::{
    PROJECT_ID, SECURITY_TOKEN, TEMPORARY_AK, TEMPORARY_SK, assert_names_exactly, erratum,
    examples, mock_with_temporary_key, operations, post, spec, valid_body,
};
use workspace_orders_mock::{
    DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY, DEFAULT_TOKEN, FAULT_HEADER, MockConfig, MockHandle,
    MockServer, Principal,
};

/// Each way of authenticating, with the principal the mock should record.
fn credentials() -> Vec<(&'static str, Credentials, Principal)> {
    vec![
        (
            "IAM token",
            Credentials::iam_token(DEFAULT_TOKEN).unwrap(),
            Principal::Token,
        ),
        (
            "AK/SK",
            Credentials::access_key(DEFAULT_ACCESS_KEY, DEFAULT_SECRET_KEY).unwrap(),
            Principal::AccessKey {
                access_key: DEFAULT_ACCESS_KEY.into(),
                temporary: false,
            },
        ),
        (
            "temporary AK/SK",
            Credentials::temporary_access_key(TEMPORARY_AK, TEMPORARY_SK, SECURITY_TOKEN).unwrap(),
            Principal::AccessKey {
                access_key: TEMPORARY_AK.into(),
                temporary: true,
            },
        ),
    ]
}

fn client(mock: &MockHandle, credentials: Credentials) -> OrdersClient {
    OrdersClient::builder(credentials.with_project_id(PROJECT_ID).unwrap())
        .base_url(mock.base_url())
        .build()
        .unwrap()
}

/// A client whose every request carries `X-Mock-Fault: directive` (added by the HTTP
/// client after signing, so it is simply an unsigned header), with a total timeout.
fn faulty_client(mock: &MockHandle, directive: &str, timeout: Duration) -> OrdersClient {
    let mut headers = HeaderMap::new();
    headers.insert(FAULT_HEADER, HeaderValue::from_str(directive).unwrap());
    let http = huaweicloud_workspace_orders::client::http_client_builder()
        .unwrap()
        .default_headers(headers)
        .timeout(timeout)
        .redirect(reqwest::redirect::Policy::none())
        .retry(reqwest::retry::never())
        .build()
        .unwrap();
    OrdersClient::builder(
        Credentials::iam_token(DEFAULT_TOKEN)
            .unwrap()
            .with_project_id(PROJECT_ID)
            .unwrap(),
    )
    .base_url(mock.base_url())
    .http_client(http)
    .build()
    .unwrap()
}

/// Which variant of [`Error`] a call failed with.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    InvalidRequest,
    Connect,
    Transport,
    Timeout,
    Api,
    UnexpectedStatus,
    InvalidBody,
    IncompleteBody,
    Other,
}

/// A failed call, whatever the operation's error body type.
#[derive(Debug)]
struct Failure {
    kind: Kind,
    status: Option<u16>,
    outcome: Outcome,
    error_code: Option<String>,
    timeout: bool,
    display: String,
}

fn failure<E: ApiErrorBody + std::fmt::Debug>(error: Error<E>) -> Failure {
    let (kind, error_code, timeout) = match &error {
        Error::InvalidRequest { .. } => (Kind::InvalidRequest, None, false),
        Error::Connect { .. } => (Kind::Connect, None, false),
        Error::Transport { source } => (Kind::Transport, None, source.is_timeout()),
        Error::Timeout { source, .. } => (Kind::Timeout, None, source.is_timeout()),
        Error::Api { body, .. } => (Kind::Api, body.error_code().map(str::to_owned), false),
        Error::UnexpectedStatus { .. } => (Kind::UnexpectedStatus, None, false),
        Error::InvalidBody { .. } => (Kind::InvalidBody, None, false),
        Error::IncompleteBody { .. } => (Kind::IncompleteBody, None, false),
        _ => (Kind::Other, None, false),
    };
    Failure {
        kind,
        status: error.status().map(|status| status.as_u16()),
        outcome: error.outcome(),
        error_code,
        timeout,
        display: error.to_string(),
    }
}

/// Places `body` with the operation `operation_id`; the order id, or the failure.
async fn place(client: &OrdersClient, operation_id: &str, body: &Value) -> Result<String, Failure> {
    fn typed<T: serde::de::DeserializeOwned>(body: &Value) -> T {
        serde_json::from_value(body.clone())
            .unwrap_or_else(|e| panic!("not a valid typed body ({e}): {body}"))
    }
    let order_id = match operation_id {
        "createAppOrder" => {
            client
                .create_app_order(typed::<types::AppOrderRequest>(body))
                .await
                .map_err(failure)?
                .into_inner()
                .order_id
        }
        "createPeriodicOrder" => {
            client
                .create_periodic_order(typed::<types::PeriodicOrderRequest>(body))
                .await
                .map_err(failure)?
                .into_inner()
                .order_id
        }
        "createDesktopOrder" => {
            client
                .create_desktop_order(typed::<types::DesktopOrderRequest>(body))
                .await
                .map_err(failure)?
                .into_inner()
                .order_id
        }
        other => panic!("the test has no client call for operation {other}"),
    };
    Ok(order_id.expect("a 200 from the mock carries an order_id"))
}

#[tokio::test]
async fn every_documented_example_is_placed_with_every_kind_of_credentials() {
    let spec = spec();
    let examples = examples(&spec);
    for operation in operations(&spec) {
        assert!(
            examples
                .iter()
                .any(|example| example.operation.id == operation.id),
            "{} has no example request",
            operation.id
        );
    }
    let mock = mock_with_temporary_key().await;
    let mut placed = Vec::new();
    for (label, credentials, principal) in credentials() {
        let client = client(&mock, credentials);
        for example in &examples {
            let body = example.sendable();
            let order_id = place(&client, &example.operation.id, &body)
                .await
                .unwrap_or_else(|failure| {
                    panic!("{label}, {}: {}", example.label(), failure.display)
                });
            placed.push((
                order_id,
                example.operation.id.clone(),
                principal.clone(),
                body,
            ));
        }
    }
    let accepted = mock.accepted_orders();
    assert_eq!(accepted.len(), placed.len());
    for (order, (order_id, operation_id, principal, body)) in accepted.iter().zip(&placed) {
        assert_eq!(&order.order_id, order_id);
        assert_eq!(&order.operation_id, operation_id);
        assert_eq!(&order.principal, principal);
        assert_eq!(order.project_id, PROJECT_ID);
        // What the client sent is the example (or its ERRATA correction), field for field.
        assert_eq!(&order.body, body, "{operation_id}");
    }
    let mut ids: Vec<&str> = accepted
        .iter()
        .map(|order| order.order_id.as_str())
        .collect();
    ids.sort_unstable();
    ids.dedup();
    assert_eq!(ids.len(), placed.len(), "order ids repeat");
    mock.shutdown().await;
}

#[tokio::test]
async fn the_errata_examples_are_refused_as_documented_at_exactly_the_errata_fields() {
    let spec = spec();
    let mock = mock_with_temporary_key().await;
    let mut errata = Vec::new();
    for example in examples(&spec) {
        let path = example.operation.path(PROJECT_ID);
        let answer = post(&mock.base_url(), &path, DEFAULT_TOKEN, &[], &example.value).await;
        match erratum(&example.operation.id, &example.name) {
            None => assert_eq!(answer.status, 200, "{}: {}", example.label(), answer.text),
            Some(erratum) => {
                assert_eq!(
                    answer.status,
                    400,
                    "{}: ERRATA {} expects the documented example to be invalid, but the mock \
                     accepted it: the docs or the spec may have changed; update ERRATA.md and \
                     tests/integration/support",
                    example.label(),
                    erratum.id
                );
                answer.assert_error(400, &example.operation);
                assert_names_exactly(&answer.message(), &erratum.failing);
                errata.push(erratum.id);
            }
        }
    }
    errata.sort_unstable();
    let mut recorded: Vec<String> = workspace_orders_openapi::example_errata::embedded()
        .unwrap()
        .iter()
        .map(|entry| entry.erratum.clone())
        .collect();
    recorded.sort_unstable();
    assert!(errata.len() >= 2, "{errata:?}");
    assert_eq!(errata, recorded, "each example ERRATA entry was exercised");
    mock.shutdown().await;
}

#[tokio::test]
async fn each_fault_comes_back_as_the_right_typed_error() {
    let spec = spec();
    let mock = mock_with_temporary_key().await;
    let patient = Duration::from_secs(60);
    for operation in operations(&spec) {
        let body = valid_body(&spec, &operation.id);
        // Every documented status: an Api error with the decoded documented body.
        for status in &operation.errors {
            let client = faulty_client(&mock, &format!("status={status}"), patient);
            let failure = place(&client, &operation.id, &body).await.unwrap_err();
            assert_eq!(
                failure.kind,
                Kind::Api,
                "{} {status}: {}",
                operation.id,
                failure.display
            );
            assert_eq!(failure.status, Some(*status));
            assert_eq!(failure.error_code.as_deref(), Some("MOCK.InjectedFault"));
            let outcome = if *status < 500 {
                Outcome::Rejected
            } else {
                Outcome::Unknown
            };
            assert_eq!(failure.outcome, outcome, "{} {status}", operation.id);
        }
        // A status the operation does not document.
        let undocumented = (400..=599)
            // 401/403 are refused credentials, Rejected even when undocumented.
            .find(|status| !operation.errors.contains(status) && !matches!(status, 401 | 403))
            .expect("some status is undocumented");
        let cases: Vec<(String, Kind, Option<u16>)> = vec![
            (
                format!("status={undocumented}"),
                Kind::UnexpectedStatus,
                Some(undocumented),
            ),
            ("malformed-json".into(), Kind::InvalidBody, Some(200)),
            ("html".into(), Kind::UnexpectedStatus, Some(502)),
            ("html; status=500".into(), Kind::InvalidBody, Some(500)),
            ("drop-connection".into(), Kind::Transport, None),
        ];
        for (directive, kind, status) in cases {
            let client = faulty_client(&mock, &directive, patient);
            let failure = place(&client, &operation.id, &body).await.unwrap_err();
            assert_eq!(
                failure.kind, kind,
                "{} {directive}: {}",
                operation.id, failure.display
            );
            assert_eq!(failure.status, status, "{} {directive}", operation.id);
            assert_eq!(
                failure.outcome,
                Outcome::Unknown,
                "{} {directive}",
                operation.id
            );
        }
    }
    assert!(
        mock.accepted_orders().is_empty(),
        "a fault answer placed an order"
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn a_delay_longer_than_the_clients_timeout_is_a_transport_timeout() {
    let spec = spec();
    let mock = mock_with_temporary_key().await;
    let operation = support::operation(&spec, "createPeriodicOrder");
    // The delay dwarfs the timeout, so the outcome does not depend on the machine's speed.
    let client = faulty_client(&mock, "delay=20s", Duration::from_millis(300));
    let failure = place(&client, &operation.id, &valid_body(&spec, &operation.id))
        .await
        .unwrap_err();
    assert_eq!(failure.kind, Kind::Timeout, "{}", failure.display);
    assert!(failure.timeout, "{}", failure.display);
    assert_eq!(failure.outcome, Outcome::Unknown);
    drop(mock);
}

#[tokio::test]
async fn a_configured_fault_reaches_the_client_too() {
    let spec = spec();
    let config = MockConfig {
        fault: "drop-connection".parse().unwrap(),
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let client = client(&mock, Credentials::iam_token(DEFAULT_TOKEN).unwrap());
    for operation in operations(&spec) {
        let failure = place(&client, &operation.id, &valid_body(&spec, &operation.id))
            .await
            .unwrap_err();
        assert_eq!(
            failure.kind,
            Kind::Transport,
            "{}: {}",
            operation.id,
            failure.display
        );
        assert_eq!(failure.outcome, Outcome::Unknown);
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}

#[tokio::test]
async fn refused_credentials_are_typed_by_whether_the_operation_documents_401() {
    let spec = spec();
    let mock = mock_with_temporary_key().await;
    let wrong = [
        Credentials::iam_token("not-the-token").unwrap(),
        Credentials::access_key(DEFAULT_ACCESS_KEY, "not-the-secret").unwrap(),
        Credentials::access_key("UNKNOWNKEY", DEFAULT_SECRET_KEY).unwrap(),
        Credentials::access_key(TEMPORARY_AK, TEMPORARY_SK).unwrap(),
    ];
    for credentials in wrong {
        let client = client(&mock, credentials);
        for operation in operations(&spec) {
            let failure = place(&client, &operation.id, &valid_body(&spec, &operation.id))
                .await
                .unwrap_err();
            assert_eq!(
                failure.status,
                Some(401),
                "{}: {}",
                operation.id,
                failure.display
            );
            if operation.errors.contains(&401) {
                assert_eq!(failure.kind, Kind::Api, "{}", failure.display);
                assert_eq!(failure.error_code.as_deref(), Some("MOCK.Unauthorized"));
                assert_eq!(failure.outcome, Outcome::Rejected);
            } else {
                assert_eq!(failure.kind, Kind::UnexpectedStatus, "{}", failure.display);
                // Undocumented, but a refused credential means nothing was placed.
                assert_eq!(failure.outcome, Outcome::Rejected);
            }
        }
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}
