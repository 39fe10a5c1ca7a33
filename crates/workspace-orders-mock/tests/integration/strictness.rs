//! The mock is as strict as the client: a key given twice, an integer written as a
//! float, a project id the client would never send, or a value breaking a field's
//! `pattern` is refused with a 400 naming the place, and nothing is recorded.

use crate::support;

use std::net::SocketAddr;

use serde_json::Value;
use support::{PROJECT_ID, assert_names_exactly, examples, spec, valid_body};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use workspace_orders_mock::{DEFAULT_TOKEN, MockConfig, MockHandle, MockServer};

/// POSTs `body` (sent byte for byte) to `path` and returns the answer's status and
/// `error_msg` (empty when there is none).
async fn post_text(mock: &MockHandle, path: &str, body: String) -> (u16, String) {
    let answer = support::send(
        support::http()
            .post(format!("{}{path}", mock.base_url()))
            .header("x-auth-token", DEFAULT_TOKEN)
            .header("content-type", "application/json")
            .body(body),
    )
    .await;
    let message = answer.json()["error_msg"].as_str().unwrap_or("").to_owned();
    (answer.status.as_u16(), message)
}

/// The addVolumes example of createPeriodicOrder, compact, with its `"size":50`.
fn add_volumes() -> (String, String) {
    let spec = spec();
    let operation = support::operation(&spec, "createPeriodicOrder");
    let body = valid_body(&spec, &operation.id).to_string();
    assert!(body.contains(r#""size":50"#), "{body}");
    (operation.path(PROJECT_ID), body)
}

#[tokio::test]
async fn a_key_given_twice_is_refused_naming_its_path() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let (path, body) = add_volumes();
    // With last-wins parsing the first two would be accepted as the valid example.
    let cases = [
        (body.replacen('{', r#"{"type":"buyEverything","#, 1), "type"),
        (
            body.replace(r#""size":50"#, r#""size":5000,"size":50"#),
            "resources[0].add_volumes.volumes[0].size",
        ),
        (
            body.replace(r#""size":50"#, r#""size":50,"size":50"#),
            "resources[0].add_volumes.volumes[0].size",
        ),
    ];
    for (text, field) in cases {
        let (status, message) = post_text(&mock, &path, text.clone()).await;
        assert_eq!(status, 400, "{text}: {message}");
        assert_names_exactly(&message, &[field]);
        assert!(message.contains("is given more than once"), "{message}");
    }
    assert!(mock.accepted_orders().is_empty());
    // The same key in sibling objects is fine: the example itself goes through.
    let (status, message) = post_text(&mock, &path, body).await;
    assert_eq!(status, 200, "{message}");
    mock.shutdown().await;
}

#[tokio::test]
async fn an_integer_written_as_a_float_is_refused() {
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let (path, body) = add_volumes();
    for written in ["50.0", "5e1", "5.0E1", "50.000"] {
        let text = body.replace(r#""size":50"#, &format!(r#""size":{written}"#));
        let (status, message) = post_text(&mock, &path, text).await;
        assert_eq!(status, 400, "{written}: {message}");
        assert_names_exactly(&message, &["resources[0].add_volumes.volumes[0].size"]);
        assert!(
            message.contains("is not written as an integer"),
            "{written}: {message}"
        );
    }
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}

/// Writes a raw request (reqwest would normalize `..` away) and returns the status
/// line and the body.
async fn raw_post(address: SocketAddr, path: &str, body: &str) -> (String, String) {
    let mut stream = tokio::net::TcpStream::connect(address).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: {address}\r\nX-Auth-Token: {DEFAULT_TOKEN}\r\n\
         Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = Vec::new();
    stream.read_to_end(&mut answer).await.unwrap();
    let answer = String::from_utf8(answer).unwrap();
    let (head, body) = answer.split_once("\r\n\r\n").expect("a head and a body");
    (
        head.lines().next().unwrap_or_default().to_owned(),
        body.to_owned(),
    )
}

#[tokio::test]
async fn project_ids_the_client_would_not_send_are_refused() {
    let spec = spec();
    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    for operation in support::operations(&spec) {
        let body = valid_body(&spec, &operation.id).to_string();
        for (segment, decoded, bad) in [
            ("..", "..", '.'),
            ("%2E%2E", "..", '.'),
            (".", ".", '.'),
            ("a.b", "a.b", '.'),
            ("a%2Fb", "a/b", '/'),
            ("a%20b", "a b", ' '),
            ("%C3%A9t%C3%A9", "été", 'é'),
            ("a%00", "a\0", '\0'),
        ] {
            let (status, text) = raw_post(mock.local_addr(), &operation.path(segment), &body).await;
            assert_eq!(status, "HTTP/1.1 400 Bad Request", "{segment}: {text}");
            let answer: Value = serde_json::from_str(&text).unwrap();
            let message = answer["error_msg"].as_str().unwrap();
            let expected = format!("path parameter project_id: {decoded:?} contains {bad:?}");
            assert!(message.contains(&expected), "{segment}: {message}");
        }
        // What the client sends, letters, digits, '-' and '_', is accepted.
        let (status, text) =
            raw_post(mock.local_addr(), &operation.path("Project_01-x"), &body).await;
        assert_eq!(status, "HTTP/1.1 200 OK", "{text}");
    }
    let kept: Vec<String> = mock
        .accepted_orders()
        .into_iter()
        .map(|order| order.project_id)
        .collect();
    assert_eq!(kept, ["Project_01-x"; 3]);
    mock.shutdown().await;
}

/// Issue 19: dropping `pattern` from the schema translation must fail an HTTP test on
/// a real field of the spec, not only the unit test on a made-up document.
#[tokio::test]
async fn a_value_breaking_a_documented_pattern_is_refused_naming_the_field() {
    let spec = spec();
    let example = examples(&spec)
        .into_iter()
        .find(|example| example.name == "createDesktops")
        .expect("the createDesktops example of createPeriodicOrder");
    let mut body = example.sendable();
    let desktop = &mut body["resources"][0]["create_desktops"];
    // Within every other bound (length 1 to 32, resp. 1 to 128): only the patterns fail.
    assert_eq!(desktop["desktops"][0]["user_name"], "test");
    desktop["desktops"][0]["user_name"] = Value::from("-test");
    assert_eq!(desktop["tags"][0]["key"], "aa");
    desktop["tags"][0]["key"] = Value::from("a/a");

    let mock = MockServer::start(MockConfig::default()).await.unwrap();
    let answer = support::post(
        &mock.base_url(),
        &example.operation.path(PROJECT_ID),
        DEFAULT_TOKEN,
        &[],
        &body,
    )
    .await;
    answer.assert_error(400, &example.operation);
    let message = answer.message();
    assert_names_exactly(
        &message,
        &[
            "resources[0].create_desktops.desktops[0].user_name",
            "resources[0].create_desktops.tags[0].key",
        ],
    );
    assert!(
        message.contains(r#""-test" does not match "^[A-Za-z0-9][A-Za-z0-9_-]*$""#),
        "{message}"
    );
    assert!(
        message.contains(r#""a/a" does not match "^[^*<>,|/]*$""#),
        "{message}"
    );
    assert!(mock.accepted_orders().is_empty());
    mock.shutdown().await;
}
