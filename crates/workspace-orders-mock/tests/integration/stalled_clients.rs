//! Clients that stall cannot hold the mock: a connection that never sends its request
//! head, stops in the middle of it, or stops before or in the middle of its body is
//! cut off after `request_timeout`, and valid clients are served meanwhile and after.
//! Every wait is bounded; no duration is asserted.

use crate::support;

use std::net::SocketAddr;
use std::process::{Command, Stdio};
use std::time::Duration;

use support::{PROJECT_ID, post, spec, valid_body};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpStream;
use workspace_orders_mock::{DEFAULT_TOKEN, MockConfig, MockServer};

/// Far beyond the timeouts configured here: reaching it means the mock held the
/// connection.
const PATIENCE: Duration = Duration::from_secs(20);

/// What a stalled client sends before it stops.
#[derive(Debug, Clone, Copy)]
enum Stall {
    NothingAtAll,
    HalfTheHead,
    TheHeadOnly,
    HalfTheBody,
    HalfAChunk,
}

impl Stall {
    const ALL: [Stall; 5] = [
        Stall::NothingAtAll,
        Stall::HalfTheHead,
        Stall::TheHeadOnly,
        Stall::HalfTheBody,
        Stall::HalfAChunk,
    ];

    /// Whether the mock has read a whole head, and so answers 408 before closing.
    fn expects_408(self) -> bool {
        matches!(
            self,
            Stall::TheHeadOnly | Stall::HalfTheBody | Stall::HalfAChunk
        )
    }

    fn bytes(self, address: SocketAddr, path: &str, body: &str) -> String {
        let head = format!(
            "POST {path} HTTP/1.1\r\nHost: {address}\r\nX-Auth-Token: {DEFAULT_TOKEN}\r\n\
             Content-Type: application/json\r\n"
        );
        let sized = format!("{head}Content-Length: {}\r\n\r\n", body.len());
        match self {
            Stall::NothingAtAll => String::new(),
            Stall::HalfTheHead => head[..head.len() / 2].to_owned(),
            Stall::TheHeadOnly => sized,
            Stall::HalfTheBody => format!("{sized}{}", &body[..body.len() / 2]),
            Stall::HalfAChunk => format!(
                "{head}Transfer-Encoding: chunked\r\n\r\n{:x}\r\n{}",
                body.len(),
                &body[..body.len() / 2]
            ),
        }
    }
}

/// Opens a connection that sends `stall`'s bytes and then nothing, without closing.
async fn stalled(address: SocketAddr, stall: Stall, path: &str, body: &str) -> TcpStream {
    let mut stream = TcpStream::connect(address).await.unwrap();
    stream
        .write_all(stall.bytes(address, path, body).as_bytes())
        .await
        .unwrap();
    stream
}

/// Everything the mock sends until it closes, or `None` if it keeps the connection
/// open past [`PATIENCE`].
async fn until_closed(mut stream: TcpStream) -> Option<String> {
    let mut received = Vec::new();
    match tokio::time::timeout(PATIENCE, stream.read_to_end(&mut received)).await {
        Ok(_) => Some(String::from_utf8_lossy(&received).into_owned()),
        Err(_) => None,
    }
}

#[tokio::test]
async fn stalled_connections_are_closed_and_valid_clients_served() {
    let spec = spec();
    let operation = support::operation(&spec, "createPeriodicOrder");
    let path = operation.path(PROJECT_ID);
    let body = valid_body(&spec, &operation.id).to_string();
    let config = MockConfig {
        request_timeout: Duration::from_millis(300),
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).await.unwrap();

    let mut connections = Vec::new();
    for _ in 0..8 {
        for stall in Stall::ALL {
            let stream = stalled(mock.local_addr(), stall, &path, &body).await;
            connections.push((stall, tokio::spawn(until_closed(stream))));
        }
    }
    let answer = post(
        &mock.base_url(),
        &path,
        DEFAULT_TOKEN,
        &[],
        &valid_body(&spec, &operation.id),
    )
    .await;
    assert_eq!(answer.status, 200, "{}", answer.text);

    for (stall, connection) in connections {
        let Some(received) = connection.await.unwrap() else {
            panic!("{stall:?}: still open after {PATIENCE:?}");
        };
        if stall.expects_408() {
            assert!(
                received.starts_with("HTTP/1.1 408 Request Timeout"),
                "{stall:?}: {received:?}"
            );
            assert!(
                received.contains("the request body was not complete within 300 ms"),
                "{stall:?}: {received:?}"
            );
        } else {
            // Without a whole head there is nothing to answer: the connection just ends.
            assert!(
                received.is_empty() || received.starts_with("HTTP/1.1 408"),
                "{stall:?}: {received:?}"
            );
        }
    }
    assert_eq!(mock.order_totals().accepted, 1);
    mock.shutdown().await;
}

#[tokio::test]
async fn an_idle_kept_alive_connection_is_closed_after_the_timeout() {
    let spec = spec();
    let operation = support::operation(&spec, "createAppOrder");
    let config = MockConfig {
        request_timeout: Duration::from_millis(300),
        ..MockConfig::default()
    };
    let mock = MockServer::start(config).await.unwrap();
    let body = valid_body(&spec, &operation.id).to_string();
    let mut stream = TcpStream::connect(mock.local_addr()).await.unwrap();
    let request = Stall::TheHeadOnly.bytes(mock.local_addr(), &operation.path(PROJECT_ID), &body);
    stream
        .write_all(format!("{request}{body}").as_bytes())
        .await
        .unwrap();
    let received = until_closed(stream).await.expect("closed once idle");
    assert!(received.starts_with("HTTP/1.1 200 OK"), "{received}");
    assert_eq!(mock.order_totals().accepted, 1);
    mock.shutdown().await;
}

/// The lock-out itself: a mock limited to a few dozen file descriptors, with more
/// connections stalled in their bodies than that (the kind hyper's own head timeout
/// does not end), still serves a valid order once the stalled ones time out; without
/// the body timeout the order waits in the listen queue forever.
#[tokio::test]
async fn stalled_connections_cannot_exhaust_the_file_descriptors() {
    const STALLED: usize = 60;
    let binary = env!("CARGO_BIN_EXE_workspace-orders-mock");
    let mut child = Command::new("sh")
        .args([
            "-c",
            r#"ulimit -n 40 && exec "$0" --port 0 --request-timeout 500ms"#,
            binary,
        ])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut line = String::new();
    std::io::BufRead::read_line(
        &mut std::io::BufReader::new(child.stdout.take().unwrap()),
        &mut line,
    )
    .unwrap();
    let base_url = line
        .trim_end()
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("first line {line:?}"))
        .to_owned();
    let address: SocketAddr = base_url
        .strip_prefix("http://")
        .and_then(|address| address.parse().ok())
        .unwrap_or_else(|| panic!("{base_url}"));

    let spec = spec();
    let operation = support::operation(&spec, "createDesktopOrder");
    let path = operation.path(PROJECT_ID);
    let body = valid_body(&spec, &operation.id);
    // Held open on this side until the valid order is answered or given up on.
    let mut streams = Vec::new();
    let in_the_body = [Stall::TheHeadOnly, Stall::HalfTheBody, Stall::HalfAChunk];
    for index in 0..STALLED {
        let stall = in_the_body[index % in_the_body.len()];
        streams.push(stalled(address, stall, &path, &body.to_string()).await);
    }
    let client = huaweicloud_workspace_orders::client::http_client_builder()
        .unwrap()
        .timeout(PATIENCE)
        .build()
        .unwrap();
    let outcome = client
        .post(format!("{base_url}{path}"))
        .header("x-auth-token", DEFAULT_TOKEN)
        .header("content-type", "application/json")
        .body(body.to_string())
        .send()
        .await;
    let watched = streams
        .into_iter()
        .map(|stream| tokio::spawn(until_closed(stream)))
        .collect();
    let closed = count_closed(watched).await;
    let _ = child.kill();
    let _ = child.wait();
    let response = outcome.expect("the valid order is answered despite the stalled connections");
    assert_eq!(response.status(), 200);
    assert_eq!(closed, STALLED, "stalled connections the mock closed");
}

/// How many of the watched connections the mock closed within [`PATIENCE`].
async fn count_closed(connections: Vec<tokio::task::JoinHandle<Option<String>>>) -> usize {
    let mut closed = 0;
    for connection in connections {
        if connection.await.unwrap().is_some() {
            closed += 1;
        }
    }
    closed
}
