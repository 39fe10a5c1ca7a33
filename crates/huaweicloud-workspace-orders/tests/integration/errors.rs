//! Every error path: documented statuses with their bodies, undocumented statuses,
//! bodies that are not the documented JSON, truncated bodies, connection failures and
//! timeouts; status, `X-Request-Id` and raw body are kept, nothing panics, no secret
//! shows.

use crate::support;

use std::time::Duration;

use huaweicloud_workspace_orders::client::DEFAULT_MAX_RESPONSE_BYTES;
use huaweicloud_workspace_orders::error::{ApiErrorBody, Error, Outcome, RawBody};
use huaweicloud_workspace_orders::operation::Operation;
use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
use support::{Answer, Server};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const SK: &str = "sk-Secret-VALUE";
const SECURITY_TOKEN: &str = "security-token-VALUE";

fn client_for(base_url: &str) -> OrdersClient {
    OrdersClient::builder(
        Credentials::temporary_access_key("AKEXAMPLE", SK, SECURITY_TOKEN)
            .unwrap()
            .with_project_id(PROJECT)
            .unwrap(),
    )
    .base_url(base_url)
    .timeout(Duration::from_secs(30))
    .build()
    .unwrap()
}

/// What every error looks like from the outside, whatever the operation.
#[derive(Debug)]
struct Seen {
    variant: &'static str,
    status: Option<u16>,
    request_id: Option<String>,
    raw_body: Option<Vec<u8>>,
    error_code: Option<String>,
    error_msg: Option<String>,
    outcome: Outcome,
    display: String,
}

fn seen<E: ApiErrorBody + std::fmt::Debug>(error: Error<E>) -> Seen {
    let variant = match &error {
        Error::InvalidRequest { .. } => "InvalidRequest",
        Error::Connect { .. } => "Connect",
        Error::Transport { .. } => "Transport",
        Error::Api { .. } => "Api",
        Error::UnexpectedStatus { .. } => "UnexpectedStatus",
        Error::InvalidBody { .. } => "InvalidBody",
        Error::IncompleteBody { .. } => "IncompleteBody",
        Error::Timeout { .. } => "Timeout",
        Error::ResponseTooLarge { .. } => "ResponseTooLarge",
        Error::MissingOrderId { .. } => "MissingOrderId",
        Error::Internal { .. } => "Internal",
        _ => "other",
    };
    let (error_code, error_msg) = match &error {
        Error::Api { body, .. } => (
            body.error_code().map(str::to_owned),
            body.error_msg().map(str::to_owned),
        ),
        _ => (None, None),
    };
    let display = format!("{error} {error:?}");
    assert!(!display.contains(SK), "{display}");
    assert!(!display.contains(SECURITY_TOKEN), "{display}");
    Seen {
        variant,
        status: error.status().map(|s| s.as_u16()),
        request_id: error.request_id().map(str::to_owned),
        raw_body: error.raw_body().map(<[u8]>::to_vec),
        error_code,
        error_msg,
        outcome: error.outcome(),
        display,
    }
}

async fn call(client: &OrdersClient, operation: Operation) -> Seen {
    let body = support::valid_body(operation.operation_id());
    match operation {
        Operation::CreateAppOrder => {
            let body: types::AppOrderRequest = serde_json::from_value(body).unwrap();
            seen(client.create_app_order(body).await.unwrap_err())
        }
        Operation::CreatePeriodicOrder => {
            let body: types::PeriodicOrderRequest = serde_json::from_value(body).unwrap();
            seen(client.create_periodic_order(body).await.unwrap_err())
        }
        Operation::CreateDesktopOrder => {
            let body: types::DesktopOrderRequest = serde_json::from_value(body).unwrap();
            seen(client.create_desktop_order(body).await.unwrap_err())
        }
        _ => unreachable!(),
    }
}

/// The statuses each operation documents, besides 200.
fn documented(operation: Operation) -> &'static [u16] {
    match operation {
        Operation::CreateAppOrder => &[400, 401, 403, 404, 405, 500, 503],
        Operation::CreatePeriodicOrder => &[400, 500],
        Operation::CreateDesktopOrder => &[400, 409, 500],
        _ => unreachable!(),
    }
}

#[tokio::test]
async fn documented_statuses_decode_into_the_documented_body() {
    let body = r#"{"error_code":"WKS.0001","error_msg":"quota exceeded","error_detail":"d"}"#;
    for operation in Operation::ALL {
        for &status in documented(operation) {
            let server = Server::start(Answer::json(status, body)).await;
            let seen = call(&client_for(&server.base_url), operation).await;
            let case = format!("{operation:?} {status}");
            assert_eq!(seen.variant, "Api", "{case}: {seen:?}");
            assert_eq!(seen.status, Some(status), "{case}");
            assert_eq!(seen.request_id.as_deref(), Some("req-0123456789"), "{case}");
            assert_eq!(seen.error_code.as_deref(), Some("WKS.0001"), "{case}");
            assert_eq!(seen.error_msg.as_deref(), Some("quota exceeded"), "{case}");
            assert_eq!(seen.raw_body.as_deref(), Some(body.as_bytes()), "{case}");
            assert!(seen.display.contains("req-0123456789"), "{case}");
            assert!(seen.display.contains("WKS.0001"), "{case}");
            let expected = if status < 500 {
                Outcome::Rejected
            } else {
                Outcome::Unknown
            };
            assert_eq!(seen.outcome, expected, "{case}");
        }
    }
}

#[tokio::test]
async fn the_v2_error_body_keeps_its_extra_fields() {
    let body = r#"{"error_code":"WKS.0409","error_msg":"conflict","error_detail":"desktop busy","encoded_authorization_message":"enc"}"#;
    let server = Server::start(Answer::json(409, body)).await;
    let client = client_for(&server.base_url);
    let order: types::DesktopOrderRequest =
        serde_json::from_value(support::valid_body("createDesktopOrder")).unwrap();
    match client.create_desktop_order(order).await.unwrap_err() {
        Error::Api { body, .. } => {
            assert_eq!(body.error_detail.as_deref(), Some("desktop busy"));
            assert_eq!(body.encoded_authorization_message.as_deref(), Some("enc"));
        }
        other => panic!("{other}"),
    }
}

#[tokio::test]
async fn undocumented_statuses_keep_status_request_id_and_raw_body() {
    let cases = [
        (Operation::CreatePeriodicOrder, 401, "Unauthorized"),
        (
            Operation::CreateDesktopOrder,
            403,
            "{\"error_code\":\"APIGW.0301\"}",
        ),
        (Operation::CreateAppOrder, 418, "teapot"),
        (
            Operation::CreateAppOrder,
            502,
            "<html><body>Bad Gateway</body></html>",
        ),
        (
            Operation::CreatePeriodicOrder,
            202,
            "{\"order_id\":\"maybe\"}",
        ),
    ];
    for (operation, status, body) in cases {
        let server = Server::start(Answer::json(status, body)).await;
        let seen = call(&client_for(&server.base_url), operation).await;
        let case = format!("{operation:?} {status}");
        assert_eq!(seen.variant, "UnexpectedStatus", "{case}: {seen:?}");
        assert_eq!(seen.status, Some(status), "{case}");
        assert_eq!(seen.request_id.as_deref(), Some("req-0123456789"), "{case}");
        assert_eq!(seen.raw_body.as_deref(), Some(body.as_bytes()), "{case}");
        // Refused authentication or authorization never reaches the order service.
        let expected = if matches!(status, 401 | 403) {
            Outcome::Rejected
        } else {
            Outcome::Unknown
        };
        assert_eq!(seen.outcome, expected, "{case}");
    }
}

#[tokio::test]
async fn a_gateway_html_page_on_a_documented_status_is_kept() {
    let html = "<html><head><title>500 Internal Server Error</title></head></html>";
    for (status, outcome) in [
        (500, Outcome::Unknown),
        (400, Outcome::Unknown),
        (200, Outcome::Unknown),
    ] {
        let server = Server::start(Answer {
            status,
            headers: vec![
                ("content-type".into(), "text/html".into()),
                ("x-request-id".into(), "req-html".into()),
            ],
            body: html.into(),
        })
        .await;
        let seen = call(
            &client_for(&server.base_url),
            Operation::CreatePeriodicOrder,
        )
        .await;
        assert_eq!(seen.variant, "InvalidBody", "{status}: {seen:?}");
        assert_eq!(seen.status, Some(status));
        assert_eq!(seen.request_id.as_deref(), Some("req-html"));
        assert_eq!(seen.raw_body.as_deref(), Some(html.as_bytes()));
        assert_eq!(seen.outcome, outcome);
        assert!(
            seen.display.contains("500 Internal Server Error"),
            "{}",
            seen.display
        );
    }
}

#[tokio::test]
async fn a_truncated_json_document_is_kept() {
    // No Content-Length: the body ends when the connection closes, mid-document.
    let base_url = support::raw_server(
        b"HTTP/1.1 200 OK\r\ncontent-type: application/json\r\nx-request-id: req-cut\r\n\
          connection: close\r\n\r\n{\"order_id\":\"CS21",
    )
    .await;
    let seen = call(&client_for(&base_url), Operation::CreateDesktopOrder).await;
    assert_eq!(seen.variant, "InvalidBody", "{seen:?}");
    assert_eq!(seen.status, Some(200));
    assert_eq!(seen.request_id.as_deref(), Some("req-cut"));
    assert_eq!(seen.raw_body.as_deref(), Some(&b"{\"order_id\":\"CS21"[..]));
    assert_eq!(seen.outcome, Outcome::Unknown);
}

#[tokio::test]
async fn a_body_shorter_than_announced_is_kept() {
    let base_url = support::raw_server(
        b"HTTP/1.1 400 Bad Request\r\ncontent-type: application/json\r\nx-request-id: req-short\r\n\
          content-length: 200\r\n\r\n{\"error_code\":\"WKS",
    )
    .await;
    let seen = call(&client_for(&base_url), Operation::CreatePeriodicOrder).await;
    assert_eq!(seen.variant, "IncompleteBody", "{seen:?}");
    assert_eq!(seen.status, Some(400));
    assert_eq!(seen.request_id.as_deref(), Some("req-short"));
    assert_eq!(
        seen.raw_body.as_deref(),
        Some(&b"{\"error_code\":\"WKS"[..])
    );
    assert_eq!(seen.outcome, Outcome::Unknown);
}

#[tokio::test]
async fn garbage_instead_of_http_is_an_error() {
    let base_url = support::raw_server(b"this is not HTTP\r\n\r\n").await;
    let seen = call(&client_for(&base_url), Operation::CreateAppOrder).await;
    assert_eq!(seen.variant, "Transport", "{seen:?}");
    assert_eq!(seen.status, None);
    assert_eq!(seen.outcome, Outcome::Unknown);
}

#[tokio::test]
async fn a_refused_connection_means_nothing_was_sent() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    drop(listener);
    let seen = call(&client_for(&base_url), Operation::CreatePeriodicOrder).await;
    assert_eq!(seen.variant, "Connect", "{seen:?}");
    assert_eq!(seen.outcome, Outcome::NotSent);
    assert!(
        seen.display.contains("nothing was sent"),
        "{}",
        seen.display
    );
}

#[tokio::test]
async fn a_timeout_after_sending_leaves_the_outcome_unknown() {
    let (base_url, _server) = support::silent_server().await;
    let client = OrdersClient::builder(
        Credentials::iam_token("token")
            .unwrap()
            .with_project_id(PROJECT)
            .unwrap(),
    )
    .base_url(&base_url)
    .timeout(Duration::from_millis(300))
    .build()
    .unwrap();
    let seen = call(&client, Operation::CreateDesktopOrder).await;
    assert_eq!(seen.variant, "Timeout", "{seen:?}");
    assert_eq!(seen.outcome, Outcome::Unknown);
    // Says what happened, for how long, and what it means for the order.
    assert!(
        seen.display
            .starts_with("timed out after 300 ms waiting for the answer (error sending request"),
        "{}",
        seen.display
    );
    assert!(
        seen.display
            .contains("the order may have been placed: check whether it exists"),
        "{}",
        seen.display
    );
}

#[tokio::test]
async fn a_long_error_body_is_shortened_in_messages_but_kept_whole_within_the_limit() {
    let body = format!("<html>{}</html>", "x".repeat(60_000));
    assert!(body.len() < DEFAULT_MAX_RESPONSE_BYTES);
    let server = Server::start(Answer {
        status: 504,
        headers: vec![],
        body: body.clone(),
    })
    .await;
    let seen = call(
        &client_for(&server.base_url),
        Operation::CreatePeriodicOrder,
    )
    .await;
    assert_eq!(seen.variant, "UnexpectedStatus");
    assert_eq!(seen.request_id, None);
    assert_eq!(seen.raw_body.as_deref(), Some(body.as_bytes()));
    assert!(seen.display.len() < 5_000, "{}", seen.display.len());
    assert!(seen.display.contains("no X-Request-Id"));
    assert!(
        seen.display
            .contains("… [cut: 200 of 60013 characters shown]"),
        "{}",
        seen.display
    );
}

#[tokio::test]
async fn a_50_mb_error_body_is_not_kept_whole() {
    let body = "e".repeat(50 * 1024 * 1024);
    for (status, outcome) in [(500, Outcome::Unknown), (401, Outcome::Rejected)] {
        let server = Server::start(Answer::json(status, &body)).await;
        let seen = call(
            &client_for(&server.base_url),
            Operation::CreatePeriodicOrder,
        )
        .await;
        assert_eq!(seen.variant, "ResponseTooLarge", "{status}");
        assert_eq!(seen.status, Some(status));
        assert_eq!(seen.request_id.as_deref(), Some("req-0123456789"));
        assert_eq!(
            seen.raw_body.as_deref(),
            Some(&body.as_bytes()[..DEFAULT_MAX_RESPONSE_BYTES])
        );
        assert_eq!(seen.outcome, outcome, "{status}");
        assert!(
            seen.display.contains("longer than the 65536-byte limit"),
            "{}",
            seen.display
        );
    }
}

#[tokio::test]
async fn the_response_limit_is_configurable_and_exact() {
    let limit = 1_000;
    let client = |base_url: &str| {
        OrdersClient::builder(
            Credentials::iam_token("token")
                .unwrap()
                .with_project_id(PROJECT)
                .unwrap(),
        )
        .base_url(base_url)
        .max_response_bytes(limit)
        .build()
        .unwrap()
    };
    // At the limit: read whole.
    let padded = format!(r#"{{"order_id":"CS1"}}{}"#, " ".repeat(limit - 18));
    assert_eq!(padded.len(), limit);
    let server = Server::start(Answer::json(200, &padded)).await;
    let body: types::PeriodicOrderRequest =
        serde_json::from_value(support::valid_body("createPeriodicOrder")).unwrap();
    let placed = client(&server.base_url)
        .create_periodic_order(body.clone())
        .await
        .unwrap();
    assert_eq!(placed.order_id.as_deref(), Some("CS1"));
    // One byte more: an error, even though the part read decodes, and the order may
    // exist.
    let server = Server::start(Answer::json(200, &format!("{padded} "))).await;
    let error = client(&server.base_url)
        .create_periodic_order(body)
        .await
        .unwrap_err();
    let seen = seen(error);
    assert_eq!(seen.variant, "ResponseTooLarge", "{seen:?}");
    assert_eq!(seen.status, Some(200));
    assert_eq!(seen.request_id.as_deref(), Some("req-0123456789"));
    assert_eq!(seen.raw_body.as_deref(), Some(padded.as_bytes()));
    assert_eq!(seen.outcome, Outcome::Unknown);
}

/// A server answering 200 with a chunked body that does not end (bounded at 1 GiB so
/// that the test stops by itself); reports how many body bytes it managed to write.
async fn endless_body_server() -> (String, tokio::sync::oneshot::Receiver<usize>) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let (report, written) = tokio::sync::oneshot::channel();
    tokio::spawn(async move {
        let (mut socket, _) = listener.accept().await.unwrap();
        let mut request = vec![0u8; 64 * 1024];
        // The request is small: one read takes its head and body.
        let _ = socket.read(&mut request).await;
        let head = "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                    x-request-id: req-endless\r\ntransfer-encoding: chunked\r\n\r\n";
        socket.write_all(head.as_bytes()).await.unwrap();
        let chunk = format!("{:x}\r\n{}\r\n", 64 * 1024, "[".repeat(64 * 1024));
        let mut sent = 0;
        while sent < 1 << 30 {
            if socket.write_all(chunk.as_bytes()).await.is_err() {
                break;
            }
            sent += 64 * 1024;
        }
        let _ = report.send(sent);
    });
    (base_url, written)
}

#[tokio::test]
async fn a_body_that_never_ends_is_read_up_to_the_limit_and_no_further() {
    let (base_url, written) = endless_body_server().await;
    let seen = call(&client_for(&base_url), Operation::CreateDesktopOrder).await;
    assert_eq!(seen.variant, "ResponseTooLarge", "{}", seen.display);
    assert_eq!(seen.status, Some(200));
    assert_eq!(seen.request_id.as_deref(), Some("req-endless"));
    assert_eq!(
        seen.raw_body.as_deref(),
        Some("[".repeat(DEFAULT_MAX_RESPONSE_BYTES).as_bytes())
    );
    assert_eq!(seen.outcome, Outcome::Unknown);
    // The client hung up: the server could write little more than what socket
    // buffers hold, not the gigabyte it had to send.
    let written = written.await.unwrap();
    assert!(written < 64 << 20, "the server wrote {written} bytes");
}

#[tokio::test]
async fn a_refused_authentication_without_a_body_is_rejected_on_every_operation() {
    for operation in Operation::ALL {
        for status in [401, 403] {
            let server = Server::start(Answer {
                status,
                headers: vec![("x-request-id".into(), "req-auth".into())],
                body: String::new(),
            })
            .await;
            let seen = call(&client_for(&server.base_url), operation).await;
            let case = format!("{operation:?} {status}: {seen:?}");
            assert_eq!(seen.outcome, Outcome::Rejected, "{case}");
            assert_eq!(seen.status, Some(status), "{case}");
            assert_eq!(seen.request_id.as_deref(), Some("req-auth"), "{case}");
        }
    }
}

#[tokio::test]
async fn a_success_without_an_order_id_is_an_error_with_an_unknown_outcome() {
    let bodies = [
        "{}",
        r#"{"order_id":null}"#,
        r#"{"order_id":""}"#,
        r#"{"error_code":"WKS.0001","error_msg":"quota exceeded"}"#,
    ];
    for operation in Operation::ALL {
        for body in bodies {
            let server = Server::start(Answer::json(200, body)).await;
            let seen = call(&client_for(&server.base_url), operation).await;
            let case = format!("{operation:?} {body}: {seen:?}");
            assert_eq!(seen.variant, "MissingOrderId", "{case}");
            assert_eq!(seen.status, Some(200), "{case}");
            assert_eq!(seen.request_id.as_deref(), Some("req-0123456789"), "{case}");
            assert_eq!(seen.raw_body.as_deref(), Some(body.as_bytes()), "{case}");
            assert_eq!(seen.outcome, Outcome::Unknown, "{case}");
            assert!(
                seen.display.contains("without an order id"),
                "{}",
                seen.display
            );
        }
    }
}

/// A listener whose accept queue is full and never drained: the kernel drops
/// further connection attempts, so connecting to it hangs.
async fn unanswered_listener() -> (String, Vec<std::net::TcpStream>, tokio::net::TcpListener) {
    let socket = tokio::net::TcpSocket::new_v4().unwrap();
    socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
    let listener = socket.listen(1).unwrap();
    let address = listener.local_addr().unwrap();
    let mut queued = Vec::new();
    // Fill the queue (a few connections) until one attempt hangs; bounded.
    for _ in 0..16 {
        match std::net::TcpStream::connect_timeout(&address, Duration::from_millis(200)) {
            Ok(stream) => queued.push(stream),
            Err(_) => break,
        }
    }
    (format!("http://{address}"), queued, listener)
}

#[tokio::test]
async fn a_total_timeout_while_connecting_means_nothing_was_sent() {
    let (base_url, _queued, _listener) = unanswered_listener().await;
    let client = OrdersClient::builder(
        Credentials::iam_token("token")
            .unwrap()
            .with_project_id(PROJECT)
            .unwrap(),
    )
    .base_url(&base_url)
    .connect_timeout(Duration::from_secs(10))
    .timeout(Duration::from_millis(300))
    .build()
    .unwrap();
    let seen = call(&client, Operation::CreatePeriodicOrder).await;
    assert_eq!(seen.variant, "Connect", "{seen:?}");
    assert_eq!(seen.outcome, Outcome::NotSent);
    assert!(
        seen.display
            .starts_with("timed out while connecting; nothing was sent"),
        "{}",
        seen.display
    );
}

#[tokio::test]
async fn a_connect_timeout_means_nothing_was_sent() {
    let (base_url, _queued, _listener) = unanswered_listener().await;
    let client = OrdersClient::builder(
        Credentials::iam_token("token")
            .unwrap()
            .with_project_id(PROJECT)
            .unwrap(),
    )
    .base_url(&base_url)
    .connect_timeout(Duration::from_millis(200))
    .timeout(Duration::from_secs(10))
    .build()
    .unwrap();
    let seen = call(&client, Operation::CreateAppOrder).await;
    assert_eq!(seen.variant, "Connect", "{seen:?}");
    assert_eq!(seen.outcome, Outcome::NotSent);
}

#[test]
fn message_snippets_are_cut_at_a_character_boundary_and_marked() {
    let text = "é".repeat(300);
    let snippet = RawBody(text.clone().into_bytes()).snippet(200);
    assert_eq!(
        snippet,
        format!("{}… [cut: 200 of 300 characters shown]", "é".repeat(200))
    );
    // A body cut by the size limit inside a character: the unfinished character is
    // left out, not shown as U+FFFD.
    let cut = &text.as_bytes()[..7];
    assert_eq!(RawBody(cut.to_vec()).snippet(200), "ééé");
    // Invalid bytes inside are still shown as replacement characters.
    assert_eq!(RawBody(b"a\xffb".to_vec()).snippet(200), "a\u{fffd}b");
    assert_eq!(RawBody(b"short".to_vec()).snippet(200), "short");
}
