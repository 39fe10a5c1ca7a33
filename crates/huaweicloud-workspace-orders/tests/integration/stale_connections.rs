//! No false "the order may have been placed" from a pooled connection the server has
//! just closed: a server that closes keep-alive connections after 50 ms idle, called
//! at 45–49 ms gaps, so that a reused connection would be closed while the order is
//! on its way (the server never reads it, the client sees a reset: outcome Unknown).
//! The client opens a fresh connection for every call, so every call succeeds.

use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use huaweicloud_workspace_orders::{Credentials, OrdersClient, types};
use tokio::io::{AsyncReadExt, AsyncWriteExt};

const PROJECT: &str = "0123456789abcdef0123456789abcdef";
const IDLE_CLOSE: Duration = Duration::from_millis(50);
const CALLS: usize = 100;

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Serves keep-alive connections, answering every complete request with an order
/// id; closes a connection that has been idle for [`IDLE_CLOSE`] after an answer.
/// Counts the orders it read.
async fn idle_closing_server() -> (String, Arc<AtomicUsize>) {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let base_url = format!("http://{}", listener.local_addr().unwrap());
    let orders = Arc::new(AtomicUsize::new(0));
    let counted = orders.clone();
    tokio::spawn(async move {
        while let Ok((mut socket, _)) = listener.accept().await {
            let counted = counted.clone();
            tokio::spawn(async move {
                let mut pending = Vec::new();
                let mut buffer = [0u8; 16 * 1024];
                let mut served = 0;
                loop {
                    // A complete request in `pending`? Answer it, keep the connection.
                    if let Some(end) = find(&pending, b"\r\n\r\n") {
                        let head = String::from_utf8_lossy(&pending[..end]).to_ascii_lowercase();
                        let length = head
                            .lines()
                            .find_map(|l| l.strip_prefix("content-length:"))
                            .map_or(0, |v| v.trim().parse::<usize>().unwrap());
                        if pending.len() >= end + 4 + length {
                            pending.drain(..end + 4 + length);
                            counted.fetch_add(1, Ordering::SeqCst);
                            served += 1;
                            let body = r#"{"order_id":"CS2108102036B2CAI"}"#;
                            let answer = format!(
                                "HTTP/1.1 200 OK\r\ncontent-type: application/json\r\n\
                                 content-length: {}\r\n\r\n{body}",
                                body.len()
                            );
                            if socket.write_all(answer.as_bytes()).await.is_err() {
                                return;
                            }
                            continue;
                        }
                    }
                    // The keep-alive timeout runs between requests, as in real
                    // servers; a new connection's first request, or the rest of a
                    // request, may take longer (a loaded machine).
                    let idle_limit = if pending.is_empty() && served > 0 {
                        IDLE_CLOSE
                    } else {
                        Duration::from_secs(10)
                    };
                    match tokio::time::timeout(idle_limit, socket.read(&mut buffer)).await {
                        Ok(Ok(n)) if n > 0 => pending.extend_from_slice(&buffer[..n]),
                        // Idle too long, closed by the client, or failed: close.
                        _ => return,
                    }
                }
            });
        }
    });
    (base_url, orders)
}

#[tokio::test]
async fn calls_at_the_servers_idle_timeout_never_fail_on_a_stale_connection() {
    let (base_url, orders) = idle_closing_server().await;
    let client = OrdersClient::builder(
        Credentials::iam_token("token")
            .unwrap()
            .with_project_id(PROJECT)
            .unwrap(),
    )
    .base_url(&base_url)
    .build()
    .unwrap();
    let body: types::PeriodicOrderRequest = serde_json::from_value(serde_json::json!({
        "type": "addVolumes",
        "resources": [{ "add_volumes": {
            "desktop_id": "8d049b4e-4f1e-4ed5-b3a9-a7f0f15658a7",
            "volumes": [{ "type": "SAS", "size": 50 }]
        }}]
    }))
    .unwrap();
    let mut failures = Vec::new();
    for call in 0..CALLS {
        if let Err(error) = client.create_periodic_order(body.clone()).await {
            failures.push(format!("call {call}: {:?}: {error}", error.outcome()));
        }
        // Just under the server's idle limit, where a pooled connection is closed
        // as it is reused.
        let gap = 45 + (call % 5) as u64;
        tokio::time::sleep(Duration::from_millis(gap)).await;
    }
    assert!(
        failures.is_empty(),
        "{} of {CALLS} calls failed:\n{}",
        failures.len(),
        failures.join("\n")
    );
    assert_eq!(orders.load(Ordering::SeqCst), CALLS);
}
