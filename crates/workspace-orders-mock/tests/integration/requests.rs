//! The mock over raw HTTP: what it accepts, and what it refuses with which answer —
//! validation against the spec, sizes, garbage, unknown paths and methods.

use crate::support;

use serde_json::{Value, json};
use support::{Answer, PROJECT_ID, assert_names_exactly, operations, post, spec, valid_body};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use workspace_orders_mock::{DEFAULT_TOKEN, MockConfig, MockServer, Principal};

#[tokio::test]
async fn every_operation_accepts_its_example_and_records_it_once() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let mut expected = Vec::new();
    for operation in operations(&spec) {
        let body = valid_body(&spec, &operation.id);
        let answer = post(
            &mock.base_url(),
            &operation.path(PROJECT_ID),
            DEFAULT_TOKEN,
            &[],
            &body,
        )
        .await;
        assert_eq!(answer.status, 200, "{}: {}", operation.id, answer.text);
        let order_id = answer.json()["order_id"]
            .as_str()
            .expect("order_id")
            .to_owned();
        assert!(
            order_id.starts_with("CS") && order_id.len() > 2,
            "{order_id}"
        );
        assert!(
            order_id[2..]
                .bytes()
                .all(|b| b.is_ascii_digit() || b.is_ascii_uppercase()),
            "{order_id}"
        );
        assert!(answer.header("x-request-id").is_some());
        expected.push((order_id, operation.id.clone(), body));
    }
    let accepted = mock.accepted_orders();
    assert_eq!(accepted.len(), expected.len());
    for (order, (order_id, operation_id, body)) in accepted.iter().zip(&expected) {
        assert_eq!(&order.order_id, order_id);
        assert_eq!(&order.operation_id, operation_id);
        assert_eq!(order.project_id, PROJECT_ID);
        assert_eq!(&order.body, body);
        assert_eq!(order.principal, Principal::Token);
    }
    mock.shutdown().await;
}

#[tokio::test]
async fn an_invalid_body_is_refused_naming_every_failing_field() {
    let spec = spec();
    let operation = support::operation(&spec, "createPeriodicOrder");
    let mut body = valid_body(&spec, &operation.id);
    // The order type and disk type are open lists (ERRATA E10, E26): an unlisted
    // value is valid, a wrong JSON type is not.
    body["type"] = json!(["buyEverything"]);
    body["surprise"] = json!(1);
    body["extend_param"] = json!({ "is_auto_pay": true });
    let volume = &mut body["resources"][0]["add_volumes"]["volumes"][0];
    volume["size"] = json!(15);
    volume["type"] = json!(3.5);
    body["resources"][0]["add_volumes"]
        .as_object_mut()
        .unwrap()
        .remove("desktop_id");
    body["resources"][0]["add_volumes"]["volumes"]
        .as_array_mut()
        .unwrap()
        .push(json!({ "size": 2_147_483_648_i64 }));

    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let answer = post(
        &mock.base_url(),
        &operation.path(PROJECT_ID),
        DEFAULT_TOKEN,
        &[],
        &body,
    )
    .await;
    answer.assert_error(400, &operation);
    assert_names_exactly(
        &answer.message(),
        &[
            "extend_param.is_auto_pay",
            "resources[0].add_volumes.desktop_id",
            "resources[0].add_volumes.volumes[0].size",
            "resources[0].add_volumes.volumes[0].type",
            "resources[0].add_volumes.volumes[1].size",
            "resources[0].add_volumes.volumes[1].type",
            "surprise",
            "type",
        ],
    );
    assert_eq!(answer.json()["error_detail"], answer.json()["error_msg"]);
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}

#[tokio::test]
async fn body_shape_and_content_type_mistakes_are_named() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let base = mock.base_url();
    for operation in operations(&spec) {
        let path = operation.path(PROJECT_ID);
        let url = format!("{base}{path}");
        let body = valid_body(&spec, &operation.id).to_string();
        let cases: Vec<(&str, reqwest::RequestBuilder, &str)> = vec![
            (
                "not an object",
                support::http()
                    .post(&url)
                    .header("content-type", "application/json")
                    .body("[1, 2]"),
                "(body)",
            ),
            (
                "empty",
                support::http()
                    .post(&url)
                    .header("content-type", "application/json"),
                "the request body is required",
            ),
            (
                "text/plain",
                support::http()
                    .post(&url)
                    .header("content-type", "text/plain")
                    .body(body.clone()),
                "Content-Type \"text/plain\" is not application/json",
            ),
            (
                "no content type",
                support::http().post(&url).body(body.clone()),
                "Content-Type is missing",
            ),
            (
                "X-Project-Id of another project",
                support::http()
                    .post(&url)
                    .header("content-type", "application/json")
                    .header("x-project-id", "ffffffffffffffffffffffffffffffff")
                    .body(body.clone()),
                "X-Project-Id differs",
            ),
        ];
        for (label, request, expected) in cases {
            let answer = support::send(request.header("x-auth-token", DEFAULT_TOKEN)).await;
            answer.assert_error(400, &operation);
            assert!(
                answer.message().contains(expected),
                "{} {label}: {}",
                operation.id,
                answer.message()
            );
        }
        // A charset parameter and a matching X-Project-Id are fine.
        let answer = support::send(
            support::http()
                .post(&url)
                .header("x-auth-token", DEFAULT_TOKEN)
                .header("content-type", "application/json; charset=utf-8")
                .header("x-project-id", PROJECT_ID)
                .body(body),
        )
        .await;
        assert_eq!(answer.status, 200, "{}: {}", operation.id, answer.text);
    }
    assert_eq!(mock.accepted_orders().len(), operations(&spec).len());
    mock.shutdown().await;
}

#[tokio::test]
async fn an_empty_path_parameter_is_named() {
    let spec = spec();
    let operation = support::operation(&spec, "createDesktopOrder");
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let body = valid_body(&spec, &operation.id);
    let answer = post(
        &mock.base_url(),
        &operation.path(""),
        DEFAULT_TOKEN,
        &[],
        &body,
    )
    .await;
    answer.assert_error(400, &operation);
    assert!(
        answer
            .message()
            .contains("path parameter project_id: must not be empty"),
        "{}",
        answer.text
    );
    // Percent-encoded path parameters are decoded before they are recorded.
    let answer = post(
        &mock.base_url(),
        &operation.path("abc%2Ddef"),
        DEFAULT_TOKEN,
        &[],
        &body,
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(mock.accepted_orders()[0].project_id, "abc-def");
    mock.shutdown().await;
}

#[tokio::test]
async fn oversized_bodies_get_413_and_nothing_is_recorded() {
    let spec = spec();
    let operation = support::operation(&spec, "createAppOrder");
    let config = MockConfig {
        max_body_bytes: 4096,
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let url = format!("{}{}", mock.base_url(), operation.path(PROJECT_ID));
    // Valid JSON, just too long: the size is refused before the content is looked at.
    let mut body = valid_body(&spec, &operation.id);
    body["resources"][0]["create_services"]["padding"] = Value::String("x".repeat(5000));
    let declared = support::http()
        .post(&url)
        .header("x-auth-token", DEFAULT_TOKEN)
        .header("content-type", "application/json")
        .body(body.to_string());
    let answer = support::send(declared).await;
    answer.assert_error(413, &operation);
    assert!(
        answer.message().contains("larger than 4096 bytes"),
        "{}",
        answer.text
    );

    // Without Content-Length (chunked), the limit holds while reading: 3 MiB in chunks.
    let mut chunked = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nX-Auth-Token: {DEFAULT_TOKEN}\r\n\
         Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n",
        operation.path(PROJECT_ID),
        mock.local_addr()
    )
    .into_bytes();
    for _ in 0..48 {
        chunked.extend_from_slice(format!("{:x}\r\n", 64 * 1024).as_bytes());
        chunked.extend_from_slice(&[b' '; 64 * 1024]);
        chunked.extend_from_slice(b"\r\n");
    }
    chunked.extend_from_slice(b"0\r\n\r\n");
    let answer = raw_exchange(mock.local_addr(), &chunked).await;
    assert!(answer.starts_with("HTTP/1.1 413"), "{answer}");
    assert!(answer.contains("larger than 4096 bytes"), "{answer}");

    // The mock still serves afterwards.
    let answer = post(
        &mock.base_url(),
        &operation.path(PROJECT_ID),
        DEFAULT_TOKEN,
        &[],
        &valid_body(&spec, &operation.id),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    assert_eq!(mock.accepted_orders().len(), 1);
    mock.shutdown().await;
}

#[tokio::test]
async fn garbage_bodies_get_400() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    for operation in operations(&spec) {
        for garbage in [
            b"\x00\xff\xfe garbage \x80".to_vec(),
            b"{\"type\": ".to_vec(),
            b"{\"a\":1}{\"b\":2}".to_vec(),
            "{\"type\": \"\u{1F4A5}\"".as_bytes().to_vec(),
            // Nesting deeper than any parser should follow, and a number no float holds.
            "[".repeat(100_000).into_bytes(),
            b"{\"type\": 1e400}".to_vec(),
        ] {
            let answer = support::send(
                support::http()
                    .post(format!("{}{}", mock.base_url(), operation.path(PROJECT_ID)))
                    .header("x-auth-token", DEFAULT_TOKEN)
                    .header("content-type", "application/json")
                    .body(garbage),
            )
            .await;
            answer.assert_error(400, &operation);
            assert!(
                answer.message().contains("the body is not JSON"),
                "{}",
                answer.text
            );
        }
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}

/// A client may shut down its sending side once the request is written and wait for
/// the answer (HTTP/1.1 half-close). The mock must still answer, however long the
/// request takes: before, hyper closed such a connection as soon as it saw the end of
/// input while the handler was busy, and the client got no answer at all (seen as a
/// rare failure of the 413 test above under load; a delay makes it certain).
#[tokio::test]
async fn a_client_that_half_closes_still_gets_its_answer() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let operation = support::operation(&spec, "createPeriodicOrder");
    let body = valid_body(&spec, &operation.id).to_string();
    let request = format!(
        "POST {} HTTP/1.1\r\nHost: {}\r\nX-Auth-Token: {DEFAULT_TOKEN}\r\n\
         X-Mock-Fault: delay=300ms\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\n\r\n{body}",
        operation.path(PROJECT_ID),
        mock.local_addr(),
        body.len()
    );
    let answer = raw_exchange(mock.local_addr(), request.as_bytes()).await;
    assert!(answer.starts_with("HTTP/1.1 200 OK\r\n"), "{answer:?}");
    assert!(answer.contains("\"order_id\""), "{answer:?}");
    assert_eq!(mock.accepted_orders().len(), 1);
    mock.shutdown().await;
}

/// Writes `bytes` on a fresh connection and returns everything the mock sends back.
async fn raw_exchange(address: std::net::SocketAddr, bytes: &[u8]) -> String {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    stream.write_all(bytes).await.unwrap();
    stream.shutdown().await.unwrap();
    let mut answer = Vec::new();
    // The peer may reset after answering; what arrived before is what counts.
    let _ = stream.read_to_end(&mut answer).await;
    String::from_utf8_lossy(&answer).into_owned()
}

#[tokio::test]
async fn garbage_on_the_wire_gets_400_and_the_mock_keeps_serving() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    for garbage in [
        &b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03 tls hello\r\n\r\n"[..],
        b"NOT HTTP AT ALL\r\n\r\n",
        b"POST /v2/x/periodic/subscribe/order HTTP/1.1\r\nHost: a\r\nContent-Length: nope\r\n\r\n",
        b"POST /v2/x/periodic/subscribe/order HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    ] {
        let answer = raw_exchange(mock.local_addr(), garbage).await;
        // A closed connection without an answer is not enough: the client must learn
        // its request was refused.
        assert!(
            answer.starts_with("HTTP/1.1 400 Bad Request\r\n"),
            "{:?} → {answer:?}",
            String::from_utf8_lossy(garbage)
        );
    }
    let operation = support::operation(&spec, "createPeriodicOrder");
    let answer = post(
        &mock.base_url(),
        &operation.path(PROJECT_ID),
        DEFAULT_TOKEN,
        &[],
        &valid_body(&spec, &operation.id),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);
    mock.shutdown().await;
}

#[tokio::test]
async fn unknown_paths_get_404_and_wrong_methods_405() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let base = mock.base_url();
    let body = valid_body(&spec, "createPeriodicOrder");
    for path in [
        "/",
        "/v2",
        "/v3/p/periodic/subscribe/order",
        &format!("/v2/{PROJECT_ID}/periodic/subscribe/order/"),
        &format!("/v2/{PROJECT_ID}/periodic/subscribe/order/extra"),
    ] {
        let answer: Answer = post(&base, path, DEFAULT_TOKEN, &[], &body).await;
        assert_eq!(answer.status, 404, "{path}: {}", answer.text);
        let fields = answer.json();
        assert!(
            fields["error_code"].is_string() && fields["error_msg"].is_string(),
            "{}",
            answer.text
        );
        assert!(answer.message().contains(path), "{}", answer.text);
    }
    for operation in operations(&spec) {
        let url = format!("{base}{}", operation.path(PROJECT_ID));
        for method in [
            reqwest::Method::GET,
            reqwest::Method::PUT,
            reqwest::Method::DELETE,
            reqwest::Method::PATCH,
        ] {
            let answer = support::send(
                support::http()
                    .request(method.clone(), &url)
                    .header("x-auth-token", DEFAULT_TOKEN),
            )
            .await;
            answer.assert_error(405, &operation);
            assert_eq!(answer.header("allow"), Some("POST"), "{method} {url}");
        }
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}
