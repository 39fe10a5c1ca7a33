//! Injected faults over raw HTTP, by the `X-Mock-Fault` header and by configuration.
//! A fault other than a delay replaces the answer, so nothing is recorded.

use crate::support;

use std::time::{Duration, Instant};

use support::{PROJECT_ID, operations, post, spec, valid_body};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use workspace_orders_mock::{DEFAULT_TOKEN, FAULT_HEADER, Fault, MockConfig, MockServer};

#[tokio::test]
async fn every_documented_error_status_comes_with_its_documented_body() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    for operation in operations(&spec) {
        assert!(
            !operation.errors.is_empty(),
            "{} documents no error",
            operation.id
        );
        let body = valid_body(&spec, &operation.id);
        for status in &operation.errors {
            let directive = format!("status={status}");
            let answer = post(
                &mock.base_url(),
                &operation.path(PROJECT_ID),
                DEFAULT_TOKEN,
                &[(FAULT_HEADER, &directive)],
                &body,
            )
            .await;
            answer.assert_error(*status, &operation);
            assert_eq!(answer.json()["error_code"], "MOCK.InjectedFault");
            assert!(
                answer
                    .message()
                    .contains(&format!("documented status {status}")),
                "{}",
                answer.text
            );
        }
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}

#[tokio::test]
async fn an_undocumented_status_uses_the_operations_error_body() {
    let spec = spec();
    let operation = support::operation(&spec, "createPeriodicOrder");
    assert!(
        !operation.errors.contains(&503),
        "503 became documented: pick another status"
    );
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let answer = post(
        &mock.base_url(),
        &operation.path(PROJECT_ID),
        DEFAULT_TOKEN,
        &[(FAULT_HEADER, "status=503")],
        &valid_body(&spec, &operation.id),
    )
    .await;
    answer.assert_error(503, &operation);
    assert!(
        answer.message().contains("undocumented status 503"),
        "{}",
        answer.text
    );
    mock.shutdown().await;
}

#[tokio::test]
async fn a_delay_postpones_the_normal_answer() {
    let spec = spec();
    let operation = support::operation(&spec, "createDesktopOrder");
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let body = valid_body(&spec, &operation.id);
    // Only a lower bound: the mock sleeps at least this long, however slow the machine.
    let started = Instant::now();
    let answer = post(
        &mock.base_url(),
        &operation.path(PROJECT_ID),
        DEFAULT_TOKEN,
        &[(FAULT_HEADER, "delay=300ms")],
        &body,
    )
    .await;
    assert!(started.elapsed() >= Duration::from_millis(300));
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(mock.accepted_orders().len(), 1);

    let answer = post(
        &mock.base_url(),
        &operation.path(PROJECT_ID),
        DEFAULT_TOKEN,
        &[(FAULT_HEADER, "delay=10ms; status=409")],
        &body,
    )
    .await;
    answer.assert_error(409, &operation);
    assert_eq!(mock.accepted_orders().len(), 1);
    mock.shutdown().await;
}

#[tokio::test]
async fn malformed_json_and_html_bodies() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    for operation in operations(&spec) {
        let path = operation.path(PROJECT_ID);
        let body = valid_body(&spec, &operation.id);
        let answer = post(
            &mock.base_url(),
            &path,
            DEFAULT_TOKEN,
            &[(FAULT_HEADER, "malformed-json")],
            &body,
        )
        .await;
        assert_eq!(answer.status, 200);
        assert!(
            answer
                .header("content-type")
                .unwrap()
                .starts_with("application/json")
        );
        assert!(
            answer.text.starts_with("{\"order_id\": \"CS"),
            "{}",
            answer.text
        );
        assert!(
            serde_json::from_str::<serde_json::Value>(&answer.text).is_err(),
            "{}",
            answer.text
        );

        for (directive, status) in [("html", 502), ("html; status=500", 500)] {
            let answer = post(
                &mock.base_url(),
                &path,
                DEFAULT_TOKEN,
                &[(FAULT_HEADER, directive)],
                &body,
            )
            .await;
            assert_eq!(answer.status, status, "{directive}");
            assert_eq!(answer.header("content-type"), Some("text/html"));
            assert!(answer.text.starts_with("<html>"), "{}", answer.text);
        }
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}

#[tokio::test]
async fn a_dropped_connection_gets_no_answer_at_all() {
    let spec = spec();
    let operation = support::operation(&spec, "createAppOrder");
    let path = operation.path(PROJECT_ID);
    let body = valid_body(&spec, &operation.id);
    let mock = MockServer::start(MockConfig::default()).await.unwrap();

    let error = support::http()
        .post(format!("{}{path}", mock.base_url()))
        .header("x-auth-token", DEFAULT_TOKEN)
        .header("content-type", "application/json")
        .header(FAULT_HEADER, "drop-connection")
        .body(body.to_string())
        .send()
        .await
        .expect_err("no response");
    assert!(!error.is_connect() && !error.is_status(), "{error:?}");

    // On the wire: not a single byte comes back.
    let text = body.to_string();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {}\r\nX-Auth-Token: {DEFAULT_TOKEN}\r\nX-Mock-Fault: drop-connection\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\n\r\n{text}",
        mock.local_addr(),
        text.len()
    );
    let mut stream = tokio::net::TcpStream::connect(mock.local_addr())
        .await
        .unwrap();
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut received = Vec::new();
    let _ = stream.read_to_end(&mut received).await;
    assert!(
        received.is_empty(),
        "{}",
        String::from_utf8_lossy(&received)
    );

    // The mock goes on serving.
    let answer = post(&mock.base_url(), &path, DEFAULT_TOKEN, &[], &body).await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(mock.accepted_orders().len(), 1);
    mock.shutdown().await;
}

#[tokio::test]
async fn a_configured_fault_applies_to_every_request_without_the_header() {
    let spec = spec();
    let config = MockConfig {
        fault: "status=500".parse::<Fault>().unwrap(),
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    for operation in operations(&spec) {
        let path = operation.path(PROJECT_ID);
        let body = valid_body(&spec, &operation.id);
        let answer = post(&mock.base_url(), &path, DEFAULT_TOKEN, &[], &body).await;
        answer.assert_error(500, &operation);
        // An empty header means "no fault" for this request.
        let answer = post(
            &mock.base_url(),
            &path,
            DEFAULT_TOKEN,
            &[(FAULT_HEADER, "")],
            &body,
        )
        .await;
        assert_eq!(answer.status, 200, "{}", answer.text);
        let answer = post(
            &mock.base_url(),
            &path,
            DEFAULT_TOKEN,
            &[(FAULT_HEADER, "html")],
            &body,
        )
        .await;
        assert_eq!(answer.status, 502);
    }
    assert_eq!(mock.accepted_orders().len(), operations(&spec).len());
    mock.shutdown().await;
}

#[tokio::test]
async fn a_fault_header_that_cannot_be_understood_is_named() {
    let spec = spec();
    let operation = support::operation(&spec, "createDesktopOrder");
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    for (directive, expected) in [
        ("explode", "fault \"explode\""),
        ("status=200", "400 to 599"),
        ("delay=5", "needs a unit"),
        ("html; drop-connection", "only one"),
    ] {
        let answer = post(
            &mock.base_url(),
            &operation.path(PROJECT_ID),
            DEFAULT_TOKEN,
            &[(FAULT_HEADER, directive)],
            &valid_body(&spec, &operation.id),
        )
        .await;
        answer.assert_error(400, &operation);
        let message = answer.message();
        assert!(message.starts_with("header X-Mock-Fault: "), "{message}");
        assert!(message.contains(expected), "{directive}: {message}");
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}
